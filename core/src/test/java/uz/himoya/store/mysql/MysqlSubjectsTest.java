package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.store.mysql.MysqlDemo.DB;
import static uz.himoya.store.mysql.MysqlDemo.exec;
import static uz.himoya.store.mysql.MysqlDemo.table;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.SubjectFinder;
import uz.himoya.testing.EmbeddedMariaDb;

/** Finding the data subject in MariaDB by key, by e-mail, or both. */
class MysqlSubjectsTest {
    private static Connection connection;
    private static MysqlSubjects demo;

    @BeforeAll
    static void load() throws SQLException {
        EmbeddedMariaDb.loadDemo();
        connection = EmbeddedMariaDb.connect(DB);
        Catalogue catalogue = MysqlCatalogue.load(connection, DB);
        demo = new MysqlSubjects(MysqlDemo.validated(catalogue), catalogue);
        // A store whose e-mail column compares bytes (so two spellings can both exist) and whose keys are
        // BIGINT UNSIGNED, up to its maximum (above a Java long) and around 2^53 (where a double rounds).
        exec(connection, "DROP DATABASE IF EXISTS subjects_kg", "CREATE DATABASE subjects_kg",
                "CREATE TABLE subjects_kg.people (id BIGINT UNSIGNED PRIMARY KEY,"
                        + " email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL)",
                "INSERT INTO subjects_kg.people VALUES (9007199254740992, 'twin@demo.example'),"
                        + " (9007199254740993, 'Twin@Demo.Example'), (18446744073709551615, 'max@demo.example')");
    }

    @AfterAll
    static void close() throws SQLException {
        exec(connection, "DROP DATABASE subjects_kg");
        connection.close();
    }

    @Test
    void shouldFindTheSubject_whenKeyMatches() throws SQLException {
        assertThat(demo.find(connection, Optional.of("1002"), Optional.empty()))
                .hasValue(new SubjectFinder.Subject("1002", "sherzod@demo.example", Optional.of("uz-Cyrl")));
        assertThat(demo.find(connection, Optional.of("1006"), Optional.empty()))
                .hasValue(new SubjectFinder.Subject("1006", "bekzod@demo.example", Optional.empty()));
        assertThat(demo.find(connection, Optional.of("424242"), Optional.empty())).isEmpty();
    }

    @Test
    void shouldFindNobody_whenKeyIsNotANumber() throws SQLException {
        // MySQL alone would compare each of these with BIGINT 1001 as 1001
        for (String key : List.of("1001 OR 1=1", "1001abc", "1001.0", " 1001", "", "1e3")) {
            assertThat(demo.find(connection, Optional.of(key), Optional.empty())).as(key).isEmpty();
        }
    }

    @Test
    void shouldFindTheSubjectCaseInsensitively_whenEmailMatches() throws SQLException {
        assertThat(demo.find(connection, Optional.empty(), Optional.of("DILNOZA@Demo.Example")))
                .hasValue(new SubjectFinder.Subject("1001", "dilnoza@demo.example", Optional.of("uz")));
        assertThat(demo.find(connection, Optional.empty(), Optional.of("nobody@demo.example"))).isEmpty();
    }

    @Test
    void shouldMatchOnlyCase_whenEmailDiffersOtherwise() throws SQLException {
        // The column's unicode_ci collation would also ignore trailing spaces and equate accents
        for (String email : List.of("dilnoza@demo.example ", "dilnóza@demo.example", "dilnoza@demo.example\t")) {
            assertThat(demo.find(connection, Optional.empty(), Optional.of(email))).as(email).isEmpty();
        }
    }

    @Test
    void shouldRequireBothToMatchOneRow_whenKeyAndEmailAreGiven() throws SQLException {
        assertThat(demo.find(connection, Optional.of("1003"), Optional.of("ANNA@demo.example")))
                .hasValueSatisfying(s -> assertThat(s.key()).isEqualTo("1003"));
        assertThat(demo.find(connection, Optional.of("1003"), Optional.of("john@demo.example"))).isEmpty();
        assertThat(demo.find(connection, Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void shouldMatchNobody_whenEmailIsAmbiguous() throws SQLException {
        MysqlSubjects people = people();
        assertThat(people.find(connection, Optional.empty(), Optional.of("twin@demo.example"))).isEmpty();
        assertThat(people.find(connection, Optional.empty(), Optional.of("MAX@demo.example")))
                .hasValueSatisfying(s -> assertThat(s.key()).isEqualTo("18446744073709551615"));
    }

    @Test
    void shouldCompareKeysExactly_whenTheyAreLargeUnsignedNumbers() throws SQLException {
        // Arrange: MySQL reads a number off the front of a string compared with a number column
        assertThat(MysqlDemo.count(connection, "SELECT count(*) FROM subjects_kg.people WHERE id = ' 9007199254740993x'"))
                .isEqualTo(1);
        MysqlSubjects people = people();

        // Act + Assert
        assertThat(people.find(connection, Optional.of("9007199254740993"), Optional.empty()))
                .hasValueSatisfying(s -> assertThat(s.email()).isEqualTo("Twin@Demo.Example"));
        assertThat(people.find(connection, Optional.of("9007199254740992"), Optional.empty()))
                .hasValueSatisfying(s -> assertThat(s.email()).isEqualTo("twin@demo.example"));
        assertThat(people.find(connection, Optional.of("18446744073709551615"), Optional.empty()))
                .hasValueSatisfying(s -> assertThat(s.email()).isEqualTo("max@demo.example"));
        assertThat(people.find(connection, Optional.of("18446744073709551616"), Optional.empty())).isEmpty();
        assertThat(people.find(connection, Optional.of(" 9007199254740993x"), Optional.empty())).isEmpty();
    }

    private static MysqlSubjects people() throws SQLException {
        Catalogue catalogue = MysqlCatalogue.load(connection, "subjects_kg");
        PrivacyMap map = MysqlDemo.map("subjects_kg", List.of(table("people", "id", new PrivacyMap.Delete())));
        return new MysqlSubjects(map, catalogue);
    }
}
