package uz.himoya.store.port;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Finds the data subject in the app's own table, by key or by registered e-mail (case-insensitive). */
public interface SubjectFinder {

    /** The subject as the app knows them. The key is what the erasure binds. */
    record Subject(String key, String email, Optional<String> locale) {
    }

    /**
     * With both id and e-mail, both must match the same row; an ambiguous e-mail matches nobody, and an id
     * that is not a value of the key's type matches nobody (MySQL would compare '12abc' with a number as 12).
     */
    Optional<Subject> find(Connection c, Optional<String> id, Optional<String> email) throws SQLException;
}
