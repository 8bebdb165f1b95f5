package uz.himoya.store.port;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
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

    /**
     * The retention rules on one store's tables of a validated map, in the map's table order (children
     * first), planned once per app against that store's catalogue.
     */
    List<? extends SweepRule> sweep(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey);

    /**
     * Whether an index of the table leads with the column, read from the store's own catalogue: a sweep's
     * keyset walk on that column scans the whole table on every batch without one.
     */
    boolean indexed(Connection c, String schema, String table, String column) throws SQLException;

    /** The subjects a breach selection reaches, streamed from the store that holds the subject table. */
    AffectedSubjects affected(PrivacyMap map, Catalogue catalogue);

    /**
     * Every row the map holds of one subject in one store, read as the erasure would reach them (issue 13's
     * access right builds on it).
     */
    SubjectRows rows(PrivacyMap map, String store, Catalogue catalogue);
}
