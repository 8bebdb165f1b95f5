-- The role the functions run as (issue 12, part 8): data manipulation on Himoya's tables, no DDL. Migrations
-- run as the owner (the database's master user), once per deploy, from the migration function; every other
-- function connects as ${app_role}. The migration function also gives the role its LOGIN and password, from
-- its secret (uz.himoya.db.DatabaseMigration), so no password ever appears in a migration.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${app_role}') THEN
        CREATE ROLE "${app_role}" NOLOGIN;
    END IF;
END
$$;

-- No one but the owner creates objects in Himoya's schema (PostgreSQL 15 and later revoke this by default;
-- stated so that an older engine or a changed default cannot give it back).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO "${app_role}";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${app_role}";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "${app_role}";
-- Tables and sequences later migrations create (as the same owner) get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "${app_role}";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "${app_role}";
-- The migration history is the owner's alone (where the functions run as the owner, as in a local run, the
-- owner keeps its rights).
DO $$
BEGIN
    IF '${app_role}' <> current_user THEN
        REVOKE ALL ON "${flyway:table}" FROM "${app_role}";
    END IF;
END
$$;
