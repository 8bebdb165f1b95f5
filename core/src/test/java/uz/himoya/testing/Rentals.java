package uz.himoya.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import uz.himoya.crypto.Secrets;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapParser;

/**
 * The rental shop shaped like Sakila/Pagila (rentals/schema.sql, rentals-mariadb/schema.sql) and its map
 * (maps/rentals.yaml), for the tests of references from the subject, tombstones and numeric pseudonyms.
 */
public final class Rentals {
    public static final String FILE = "maps/rentals.yaml";
    /** The PostgreSQL schema, and the MariaDB database. */
    public static final String SCHEMA = "rentals";
    public static final String STORE = "shop";
    public static final String PSEUDONYM_KEY = new Secrets(Base64.getEncoder().encodeToString(
            "a test secret of at least 32 bytes!".getBytes(UTF_8)), new SecureRandom()).erasurePseudonymKey();

    private Rentals() {
    }

    /** The map's text as the file has it. */
    public static String yaml() {
        try (InputStream in = Rentals.class.getClassLoader().getResourceAsStream(FILE)) {
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PrivacyMap parsed(String yaml) {
        return PrivacyMapParser.parse(FILE, yaml);
    }

    /** The map as the file has it, with its store on MariaDB. */
    public static String mariaDbYaml() {
        return yaml().replace("kind: postgresql", "kind: mariadb");
    }

    /** The map with the cities too, reached from the addresses: a chain of references. */
    public static String withCities(String yaml) {
        return yaml + """

                  - table: city
                    referencedBy: { table: address, column: city_id }
                    columns: { city: location }
                    erasure: delete
                """;
    }

    /**
     * The map with two retention rules more: customers' e-mail addresses redacted after two years, and
     * rewards points' customer ids after one.
     */
    public static String withRetention(String yaml) {
        return yaml.replace("""
                        active: false
                        create_date: '2000-01-01'
                """, """
                        active: false
                        create_date: '2000-01-01'
                    retention:
                      column: create_date
                      keep: P2Y
                      action: { anonymize: { email: redact }, reason: "no purpose left after two years" }
                """).replace("""
                        customer_id: keyed-number
                      reason: "unredeemed points are a liability in the books, kept with them (Tax Code of Uzbekistan, Art. 91)"
                """, """
                        customer_id: keyed-number
                      reason: "unredeemed points are a liability in the books, kept with them (Tax Code of Uzbekistan, Art. 91)"
                    retention:
                      column: earned_at
                      keep: P1Y
                      action: { anonymize: { customer_id: keyed-number }, reason: "points expire after a year" }
                """);
    }

    /**
     * What strategy keyed-number writes for a value, computed here from its definition: the first 64 bits of
     * sha256(key || value), masked to the column's width less its sign bit, made negative.
     */
    public static long keyedNumber(String value, int bits) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((PSEUDONYM_KEY + value).getBytes(UTF_8));
            long h = ByteBuffer.wrap(digest, 0, 8).getLong();
            return -1 - (h & (bits == 64 ? Long.MAX_VALUE : Integer.MAX_VALUE));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
