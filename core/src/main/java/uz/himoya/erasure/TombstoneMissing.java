package uz.himoya.erasure;

/**
 * A table's tombstone is not there after Himoya created it (a trigger or rule dropped the insert, or a unique
 * column of the app's clashed with one of its values): nothing may be pointed at it, so the erasure stops and
 * its transaction rolls back. Carries the table's name only; the request records the class name as its error
 * code, and the attempt counts (it says something about the map or the schema, not an outage).
 */
public final class TombstoneMissing extends RuntimeException {
    public TombstoneMissing(String table) {
        super("the tombstone of table " + table + " is missing after it was created; nothing is erased", null, false,
                false);
    }
}
