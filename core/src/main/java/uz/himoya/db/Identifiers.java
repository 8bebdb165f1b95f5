package uz.himoya.db;

/**
 * Quotes SQL identifiers per dialect. Maps may name mixed-case and PascalCase tables as the app's schema
 * spells them, so every identifier is quoted, and the quote character inside one is doubled: whatever a map
 * says, it can only ever be read as one identifier.
 */
public final class Identifiers {

    private Identifiers() {
    }

    /** PostgreSQL (and standard SQL): "name", with " doubled. */
    public static String postgres(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** MySQL and MariaDB: `name`, with ` doubled. */
    public static String mysql(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }
}
