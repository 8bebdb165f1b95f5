package uz.himoya.store.mysql;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.crypto.Secrets;
import uz.himoya.erasure.strategy.NullStrategy;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapParser;
import uz.himoya.testing.EmbeddedMariaDb;
import uz.himoya.testing.Jdbc;

/** The demo app's map and small SQL helpers for the MariaDB tests. */
final class MysqlDemo {
    static final String DB = EmbeddedMariaDb.DEMO;
    /** The demo map's one store, here on MariaDB. */
    static final String STORE = "shop";
    static final String PSEUDONYM_KEY = new Secrets(Base64.getEncoder().encodeToString(
            "a test secret of at least 32 bytes!".getBytes(UTF_8)), new SecureRandom()).erasurePseudonymKey();

    private MysqlDemo() {
    }

    /**
     * The bundled demo map (privacy-maps/demo.yaml) on database demo_kg, plus the PascalCase table
     * CustomerNotes. The parser accepts lower-case identifiers only, so that table is added as a record.
     */
    static PrivacyMap parsed() {
        return parsed("mariadb");
    }

    /** The same on a store of the given kind (mariadb or mysql): MySQL 8's statements run on MariaDB too. */
    static PrivacyMap parsed(String kind) {
        String yaml;
        try (InputStream in = MysqlDemo.class.getClassLoader().getResourceAsStream("privacy-maps/demo.yaml")) {
            yaml = new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        PrivacyMap map = PrivacyMapParser.parse("privacy-maps/demo.yaml", yaml.replace("schema: demo_app",
                "schema: " + DB).replace("kind: postgresql", "kind: " + kind));
        List<PrivacyMap.Table> tables = new ArrayList<>(map.tables());
        tables.add(new PrivacyMap.Table("CustomerNotes", 999, STORE, "CustomerId", Optional.empty(), "id",
                Map.of("NoteText", "content.free-text"), new PrivacyMap.Delete(), Optional.empty()));
        return map.withTables(tables);
    }

    static PrivacyMap validated(Catalogue catalogue) {
        return CatalogueValidator.validate(parsed(), catalogue);
    }

    /** A map of the given tables on a database, the subject in table people (id, email, locale). */
    static PrivacyMap map(String database, List<PrivacyMap.Table> tables) {
        PrivacyMap demo = parsed();
        PrivacyMap.App a = demo.app();
        return new PrivacyMap("test", a, List.of(new PrivacyMap.Store(1, STORE, PrivacyMap.StoreKind.MARIADB, database,
                "demo-kg", false)), new PrivacyMap.Subject("people", "id", "email", Optional.empty(), STORE), tables,
                List.of(), List.of());
    }

    static PrivacyMap.Table table(String name, String column, PrivacyMap.Erasure erasure) {
        return new PrivacyMap.Table(name, 1, STORE, column, Optional.empty(), "id", Map.of(), erasure, Optional.empty());
    }

    static PrivacyMap.Table child(String name, String column, String parent, String parentKey,
            PrivacyMap.Erasure erasure) {
        return new PrivacyMap.Table(name, 1, STORE, column, Optional.of(parent), parentKey, Map.of(), erasure,
                Optional.empty());
    }

    static PrivacyMap.Anonymize anonymize(Object... columnStrategy) {
        Map<String, uz.himoya.erasure.strategy.AnonymizationStrategy> m = new LinkedHashMap<>();
        for (int i = 0; i < columnStrategy.length; i += 2) {
            m.put((String) columnStrategy[i], (uz.himoya.erasure.strategy.AnonymizationStrategy) columnStrategy[i + 1]);
        }
        return new PrivacyMap.Anonymize(m, "kept by law");
    }

    static NullStrategy nulled() {
        return new NullStrategy();
    }

    static void exec(Connection c, String... sql) throws SQLException {
        Jdbc.exec(c, sql);
    }

    static long count(Connection c, String sql) throws SQLException {
        return Jdbc.count(c, sql);
    }

    static List<Map<String, String>> rows(Connection c, String sql) throws SQLException {
        return Jdbc.rows(c, sql);
    }

    /** What PostgreSQL's keyed-hash writes: lower hex SHA-256 over the UTF-8 bytes of key and value. */
    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
