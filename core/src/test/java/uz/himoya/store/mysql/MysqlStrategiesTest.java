package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uz.himoya.store.mysql.MysqlDemo.PSEUDONYM_KEY;
import static uz.himoya.store.mysql.MysqlDemo.anonymize;
import static uz.himoya.store.mysql.MysqlDemo.child;
import static uz.himoya.store.mysql.MysqlDemo.count;
import static uz.himoya.store.mysql.MysqlDemo.exec;
import static uz.himoya.store.mysql.MysqlDemo.nulled;
import static uz.himoya.store.mysql.MysqlDemo.rows;
import static uz.himoya.store.mysql.MysqlDemo.sha256Hex;
import static uz.himoya.store.mysql.MysqlDemo.table;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.erasure.strategy.FixedStrategy;
import uz.himoya.erasure.strategy.KeyedHashStrategy;
import uz.himoya.erasure.strategy.RedactStrategy;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.testing.EmbeddedMariaDb;

/**
 * Every anonymization strategy on MariaDB, on direct tables and on parent chains two levels deep: the values
 * written, NULLs kept, and the keyed hash equal to PostgreSQL's for the same key and value.
 */
class MysqlStrategiesTest {
    private static final String DB = "strategies_kg";
    private Connection connection;

    @BeforeEach
    void schema() throws SQLException {
        EmbeddedMariaDb.get();
        connection = EmbeddedMariaDb.connect("");
        exec(connection, "DROP DATABASE IF EXISTS " + DB, "CREATE DATABASE " + DB + " CHARACTER SET utf8mb4", "USE " + DB,
                "CREATE TABLE people (id BIGINT PRIMARY KEY, email VARCHAR(254) NOT NULL)",
                "CREATE TABLE notes (id BIGINT PRIMARY KEY, person_id BIGINT, body TEXT,"
                        + " title VARCHAR(100) NOT NULL, written_at DATETIME(6) NOT NULL, score INT NOT NULL,"
                        + " author VARCHAR(64), nickname TEXT, legacy VARCHAR(100) CHARACTER SET latin1,"
                        + " narrow VARCHAR(5), FOREIGN KEY (person_id) REFERENCES people (id))",
                "CREATE TABLE note_tags (id BIGINT PRIMARY KEY, note_id BIGINT, tag VARCHAR(100) NOT NULL,"
                        + " FOREIGN KEY (note_id) REFERENCES notes (id))",
                "CREATE TABLE tag_votes (id BIGINT PRIMARY KEY, tag_id BIGINT NOT NULL,"
                        + " FOREIGN KEY (tag_id) REFERENCES note_tags (id))",
                "INSERT INTO people VALUES (1, 'one@demo.example'), (2, 'two@demo.example')",
                "INSERT INTO notes VALUES"
                        + " (10, 1, 'body', 'Title', '2024-05-01 10:00:00', 7, 'author-1', 'Шерзод', 'Café', 'ab'),"
                        + " (11, 1, NULL, 'T2', '2024-05-02 10:00:00', 3, NULL, NULL, NULL, NULL),"
                        + " (20, 2, 'other', 'Other', '2024-05-03 10:00:00', 9, 'author-2', 'Анна', 'Crème', 'cd')",
                "INSERT INTO note_tags VALUES (100, 10, 'vip'), (101, 11, 'vip'), (200, 20, 'vip')",
                "INSERT INTO tag_votes VALUES (1000, 100), (1001, 101), (1002, 101), (2000, 200)");
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        exec(connection, "DROP DATABASE " + DB);
        connection.close();
    }

    @Test
    void shouldWriteEveryStrategy_whenSubjectIsErased() throws SQLException {
        // Arrange
        MysqlErasure.Plan plan = plan(anonymize("person_id", nulled(), "body", nulled(), "title", new RedactStrategy(),
                "written_at", new FixedStrategy("2000-01-01 00:00:00"), "score", new FixedStrategy("0"),
                "author", new KeyedHashStrategy(), "nickname", new KeyedHashStrategy(), "legacy", new KeyedHashStrategy()));
        String before = rows(connection, "SELECT * FROM notes WHERE id = 20").toString()
                + rows(connection, "SELECT * FROM note_tags WHERE id = 200") + rows(connection, "SELECT * FROM tag_votes"
                        + " WHERE id = 2000");

        // Act
        List<TableOutcome> outcomes = MysqlErasure.execute(connection, plan, "1");
        connection.commit();

        // Assert
        assertThat(outcomes.stream().collect(Collectors.toMap(TableOutcome::table, TableOutcome::rows)))
                .containsExactlyInAnyOrderEntriesOf(Map.of("tag_votes", 3L, "note_tags", 2L, "notes", 2L, "people", 1L));
        assertThat(outcomes).extracting(TableOutcome::table).containsExactly("tag_votes", "note_tags", "notes", "people");
        List<Map<String, String>> notes = rows(connection, "SELECT * FROM notes WHERE id IN (10, 11) ORDER BY id");
        assertThat(notes.get(0)).containsEntry("person_id", null).containsEntry("body", null)
                .containsEntry("title", "[erased]").containsEntry("score", "0")
                .containsEntry("author", sha256Hex(PSEUDONYM_KEY + "author-1"))
                .containsEntry("nickname", sha256Hex(PSEUDONYM_KEY + "Шерзод"))
                .containsEntry("legacy", sha256Hex(PSEUDONYM_KEY + "Café")) // a latin1 column hashes its UTF-8 too
                .containsEntry("narrow", "ab");
        assertThat(notes.get(0).get("written_at")).startsWith("2000-01-01 00:00:00");
        assertThat(notes.get(1)).as("NULL stays NULL under keyed-hash").containsEntry("author", null)
                .containsEntry("nickname", null).containsEntry("legacy", null).containsEntry("title", "[erased]");
        assertThat(rows(connection, "SELECT note_id, tag FROM note_tags WHERE id IN (100, 101)"))
                .allSatisfy(r -> assertThat(r).containsEntry("note_id", null)
                        .containsEntry("tag", sha256Hex(PSEUDONYM_KEY + "vip")));
        assertThat(count(connection, "SELECT count(*) FROM tag_votes WHERE id IN (1000, 1001, 1002)")).isZero();
        assertThat(count(connection, "SELECT count(*) FROM people")).isEqualTo(1);
        assertThat(rows(connection, "SELECT * FROM notes WHERE id = 20").toString()
                + rows(connection, "SELECT * FROM note_tags WHERE id = 200") + rows(connection, "SELECT * FROM tag_votes"
                        + " WHERE id = 2000")).as("the other person's rows").isEqualTo(before);
    }

    @Test
    void shouldGiveOneSubjectOnePseudonym_whenTheSameValueIsHashedTwice() throws SQLException {
        // Arrange
        MysqlErasure.Plan plan = plan(anonymize("person_id", nulled(), "author", new KeyedHashStrategy()));
        exec(connection, "UPDATE notes SET author = 'same' WHERE person_id = 1");

        // Act
        MysqlErasure.execute(connection, plan, "1");

        // Assert
        assertThat(rows(connection, "SELECT DISTINCT author FROM notes WHERE id IN (10, 11)")).singleElement()
                .isEqualTo(Map.of("author", sha256Hex(PSEUDONYM_KEY + "same")));
    }

    @Test
    void shouldHashAsPostgreSqlDoes_whenValuesAreAnyUnicodeText() throws SQLException {
        // Arrange: the expected values as PostgreSQL's keyed-hash computes them (PostgresErasureExecutorTest checks that
        // PostgreSQL writes exactly this): lower hex of sha256(utf8(key || value)); NULL stays NULL
        List<String> values = java.util.Arrays.asList("+998901112233", "Шерзод Тошматов", "Айгүл", "o'zbek",
                "emoji \uD83D\uDE00", "", " trailing ", null);
        List<Object> params = new java.util.ArrayList<>();
        String expression = MysqlDialect.anonymized("v.value", new KeyedHashStrategy(),
                new Catalogue.Column("value", "text", true, true, false), PSEUDONYM_KEY, params);

        for (String value : values) {
            // Act
            String hashed;
            try (var ps = connection.prepareStatement("SELECT " + expression + " FROM (SELECT CAST(? AS CHAR"
                    + " CHARACTER SET utf8mb4) AS value) v")) {
                ps.setObject(1, params.get(0));
                ps.setString(2, value);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    hashed = rs.getString(1);
                }
            }

            // Assert
            assertThat(hashed).as(String.valueOf(value)).isEqualTo(value == null ? null : sha256Hex(PSEUDONYM_KEY + value));
        }
        assertThat(params).containsExactly(PSEUDONYM_KEY);
    }

    @Test
    void shouldFailInsteadOfTruncating_whenAFixedOrRedactedValueDoesNotFit() throws SQLException {
        // Strict mode (both servers' default) makes a value that does not fit the column an error.
        for (PrivacyMap.Anonymize a : List.of(anonymize("person_id", nulled(), "score", new FixedStrategy("many")),
                anonymize("person_id", nulled(), "narrow", new RedactStrategy()))) {
            MysqlErasure.Plan plan = plan(a);
            assertThatThrownBy(() -> MysqlErasure.execute(connection, plan, "1")).isInstanceOf(SQLException.class);
            connection.rollback();
        }
        assertThat(count(connection, "SELECT count(*) FROM notes WHERE person_id = 1")).isEqualTo(2);
    }

    /** people deleted; notes anonymized as given; note_tags (via notes) and tag_votes (via note_tags) too. */
    private MysqlErasure.Plan plan(PrivacyMap.Anonymize notes) throws SQLException {
        Catalogue catalogue = MysqlCatalogue.load(connection, DB);
        PrivacyMap map = CatalogueValidator.validate(MysqlDemo.map(DB, List.of(
                table("people", "id", new PrivacyMap.Delete()),
                table("notes", "person_id", notes),
                child("note_tags", "note_id", "notes", "id", anonymize("note_id", nulled(), "tag", new KeyedHashStrategy())),
                child("tag_votes", "tag_id", "note_tags", "id", new PrivacyMap.Delete()))), catalogue);
        return MysqlErasure.plan(map, MysqlDemo.STORE, catalogue, PSEUDONYM_KEY);
    }
}
