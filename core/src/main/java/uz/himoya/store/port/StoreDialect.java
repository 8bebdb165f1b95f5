package uz.himoya.store.port;

import java.sql.Connection;
import java.sql.SQLException;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;

/** One kind of app store (PostgreSQL, or MySQL 8 / MariaDB): how each workflow's SQL is written for it. */
public interface StoreDialect {

    /** The tables, columns and foreign keys of one schema (a MySQL database), from information_schema. */
    Catalogue catalogue(Connection c, String schema) throws SQLException;

    /**
     * The erasure of one store's tables of a validated map, planned once per app against that store's
     * catalogue. Identifiers come only from the catalogue, quoted in the dialect's way.
     */
    StoreEraser eraser(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey);

    /** How the subject is found in the subject's store. */
    SubjectFinder subjects(PrivacyMap map, Catalogue catalogue);
}
