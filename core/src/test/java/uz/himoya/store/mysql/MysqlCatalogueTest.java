package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.store.mysql.MysqlDemo.exec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.testing.EmbeddedMariaDb;

/** The catalogue of the demo database and of odd shapes, read from a real MariaDB's information_schema. */
class MysqlCatalogueTest {
    private static Connection connection;

    @BeforeAll
    static void load() throws SQLException {
        EmbeddedMariaDb.loadDemo();
        connection = EmbeddedMariaDb.connect("");
        // Shapes the demo lacks: every delete rule, a composite key, a view, a partitioned table, tables and
        // databases that differ only in case, and foreign keys into and out of another database.
        exec(connection, "SET FOREIGN_KEY_CHECKS = 0", // the databases reference each other
                "DROP DATABASE IF EXISTS shapes_kg", "DROP DATABASE IF EXISTS Shapes_KG",
                "DROP DATABASE IF EXISTS other_kg",
                "SET FOREIGN_KEY_CHECKS = 1", "CREATE DATABASE shapes_kg", "CREATE DATABASE Shapes_KG", "CREATE DATABASE other_kg",
                "CREATE TABLE other_kg.elsewhere (id BIGINT PRIMARY KEY)",
                "CREATE TABLE shapes_kg.parent (a INT NOT NULL, b VARCHAR(10) NOT NULL, PRIMARY KEY (b, a))",
                "CREATE TABLE shapes_kg.rules (id INT PRIMARY KEY, pa INT, pb VARCHAR(10), ra INT, rb VARCHAR(10),"
                        + " na INT, nb VARCHAR(10), ca INT, cb VARCHAR(10), e BIGINT,"
                        + " CONSTRAINT fk_set_null FOREIGN KEY (nb, na) REFERENCES parent (b, a) ON DELETE SET NULL,"
                        + " CONSTRAINT fk_restrict FOREIGN KEY (rb, ra) REFERENCES parent (b, a) ON DELETE RESTRICT,"
                        + " CONSTRAINT fk_no_action FOREIGN KEY (pb, pa) REFERENCES parent (b, a) ON DELETE NO ACTION,"
                        + " CONSTRAINT fk_cascade FOREIGN KEY (cb, ca) REFERENCES parent (b, a) ON DELETE CASCADE,"
                        + " CONSTRAINT fk_elsewhere FOREIGN KEY (e) REFERENCES other_kg.elsewhere (id))",
                "CREATE TABLE other_kg.inbound (id INT PRIMARY KEY, a INT, b VARCHAR(10),"
                        + " FOREIGN KEY (b, a) REFERENCES shapes_kg.parent (b, a))",
                "CREATE VIEW shapes_kg.parent_view AS SELECT a FROM shapes_kg.parent",
                "CREATE TABLE shapes_kg.page_views (id BIGINT NOT NULL, seen DATE NOT NULL, page TEXT,"
                        + " PRIMARY KEY (id, seen)) PARTITION BY RANGE COLUMNS (seen) ("
                        + " PARTITION p2025 VALUES LESS THAN ('2026-01-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))",
                "CREATE TABLE shapes_kg.Notes (Upper TEXT)", "CREATE TABLE shapes_kg.notes (lower TEXT)",
                "CREATE TABLE Shapes_KG.only_in_the_other_case (id INT PRIMARY KEY)");
    }

    @AfterAll
    static void close() throws SQLException {
        exec(connection, "SET FOREIGN_KEY_CHECKS = 0", "DROP DATABASE shapes_kg", "DROP DATABASE Shapes_KG",
                "DROP DATABASE other_kg");
        connection.close();
    }

    @Test
    void shouldListTheDemoTablesColumnsAndKeys_whenDemoDatabaseIsLoaded() throws SQLException {
        // Act
        Catalogue catalogue = MysqlCatalogue.load(connection, MysqlDemo.DB);

        // Assert
        assertThat(catalogue.schema()).isEqualTo("demo_kg");
        assertThat(catalogue.tables().keySet()).containsExactlyInAnyOrder("users", "profiles", "orders",
                "order_items", "access_logs", "sessions", "devices", "marketing_consents", "CustomerNotes");
        assertThat(catalogue.members()).isEmpty();
        assertThat(catalogue.relations().values()).allSatisfy(r -> assertThat(r.kind()).isEqualTo(Catalogue.Kind.PLAIN));
        assertThat(catalogue.tables().get("users").keySet()).containsExactlyInAnyOrder("id", "full_name", "email",
                "phone", "locale", "created_at", "last_sign_in_at");
        assertThat(catalogue.column("users", "id")).hasValue(new Catalogue.Column("id", "bigint(20)", false, false,
                false));
        assertThat(catalogue.column("users", "email")).hasValue(new Catalogue.Column("email", "varchar(254)", false,
                true, false));
        assertThat(catalogue.column("users", "full_name")).hasValue(new Catalogue.Column("full_name", "text", false,
                true, false));
        assertThat(catalogue.column("users", "phone")).hasValue(new Catalogue.Column("phone", "varchar(64)", true,
                true, false));
        assertThat(catalogue.column("users", "created_at")).hasValue(new Catalogue.Column("created_at", "datetime(6)",
                false, false, true));
        assertThat(catalogue.column("users", "last_sign_in_at")).hasValue(new Catalogue.Column("last_sign_in_at",
                "timestamp(6)", true, false, true));
        assertThat(catalogue.column("orders", "total_sum")).hasValue(new Catalogue.Column("total_sum",
                "decimal(14,2)", false, false, false));
        assertThat(catalogue.column("access_logs", "ip")).hasValue(new Catalogue.Column("ip", "varchar(45)", true,
                true, false));
        assertThat(catalogue.column("CustomerNotes", "NoteText")).hasValue(new Catalogue.Column("NoteText", "text",
                false, true, false));
        assertThat(catalogue.column("customernotes", "NoteText")).as("names exactly as the server spells them")
                .isEmpty();
        assertThat(catalogue.relations().get("marketing_consents").primaryKey()).containsExactly("user_id", "channel");
        assertThat(catalogue.relations().get("users").primaryKey()).containsExactly("id");
        assertThat(catalogue.relations().get("CustomerNotes").primaryKey()).containsExactly("Id");
        // MySQL's default delete rule is RESTRICT, and information_schema says so
        assertThat(catalogue.foreignKeys()).containsExactlyInAnyOrder(
                new Catalogue.ForeignKey("profiles", List.of("user_id"), "users", 'r', List.of("id")),
                new Catalogue.ForeignKey("orders", List.of("user_id"), "users", 'r', List.of("id")),
                new Catalogue.ForeignKey("order_items", List.of("order_id"), "orders", 'r', List.of("id")),
                new Catalogue.ForeignKey("access_logs", List.of("user_id"), "users", 'r', List.of("id")),
                new Catalogue.ForeignKey("sessions", List.of("user_id"), "users", 'r', List.of("id")),
                new Catalogue.ForeignKey("devices", List.of("user_id"), "users", 'r', List.of("id")),
                new Catalogue.ForeignKey("marketing_consents", List.of("user_id"), "users", 'r', List.of("id")),
                new Catalogue.ForeignKey("CustomerNotes", List.of("CustomerId"), "users", 'c', List.of("id")));
    }

    @Test
    void shouldValidateTheDemoMapInErasureOrder_whenCatalogueIsMariaDbs() throws SQLException {
        // Arrange
        Catalogue catalogue = MysqlCatalogue.load(connection, MysqlDemo.DB);

        // Act
        PrivacyMap map = MysqlDemo.validated(catalogue);

        // Assert
        List<String> order = map.tables().stream().map(PrivacyMap.Table::name).toList();
        assertThat(order).hasSize(9);
        assertThat(order.indexOf("order_items")).isLessThan(order.indexOf("orders"));
        assertThat(order.indexOf("CustomerNotes")).isLessThan(order.indexOf("users"));
        assertThat(order.getLast()).isEqualTo("users");
    }

    @Test
    void shouldMapEveryDeleteRuleAndKeepKeyOrder_whenForeignKeysAreComposite() throws SQLException {
        // Act
        Catalogue catalogue = MysqlCatalogue.load(connection, "shapes_kg");

        // Assert: columns in the key's order, each rule as its letter; keys into or from another database are
        // not the app's
        assertThat(catalogue.relations().get("parent").primaryKey()).containsExactly("b", "a");
        assertThat(catalogue.foreignKeys()).containsExactlyInAnyOrder(
                new Catalogue.ForeignKey("rules", List.of("nb", "na"), "parent", 'n',
                        List.of("b", "a")),
                new Catalogue.ForeignKey("rules", List.of("rb", "ra"), "parent", 'r',
                        List.of("b", "a")),
                new Catalogue.ForeignKey("rules", List.of("pb", "pa"), "parent", 'a',
                        List.of("b", "a")),
                new Catalogue.ForeignKey("rules", List.of("cb", "ca"), "parent", 'c',
                        List.of("b", "a")));
        assertThat(catalogue.foreignKeys()).filteredOn(Catalogue.ForeignKey::changesReferencingRows)
                .extracting(Catalogue.ForeignKey::onDelete).containsExactlyInAnyOrder('n', 'c');
    }

    @Test
    void shouldListBaseTablesOnlyOnceEach_whenDatabaseHasViewsPartitionsAndCaseTwins() throws SQLException {
        // Act
        Catalogue catalogue = MysqlCatalogue.load(connection, "shapes_kg");

        // Assert
        assertThat(catalogue.tables().keySet()).containsExactlyInAnyOrder("parent", "rules", "page_views", "Notes",
                "notes");
        assertThat(catalogue.relations().get("page_views")).isEqualTo(new Catalogue.Relation("page_views",
                Catalogue.Kind.PLAIN, List.of("id", "seen")));
        assertThat(catalogue.column("page_views", "seen")).hasValueSatisfying(c -> assertThat(c.temporal()).isTrue());
        assertThat(catalogue.tables().get("Notes").keySet()).containsExactly("Upper");
        assertThat(catalogue.tables().get("notes").keySet()).containsExactly("lower");
        assertThat(catalogue.relations().get("notes").primaryKey()).isEmpty();
        assertThat(MysqlCatalogue.load(connection, "Shapes_KG").tables().keySet())
                .containsExactly("only_in_the_other_case");
        assertThat(MysqlCatalogue.load(connection, "no_such_db").tables()).isEmpty();
    }

    @Test
    void shouldMapEachDeleteRule_whenInformationSchemaNamesIt() {
        // SET DEFAULT is parsed by MySQL but refused by InnoDB, so it is checked here without a table.
        assertThat(List.of("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION").stream()
                .map(MysqlCatalogue::onDelete).toList()).containsExactly('c', 'n', 'd', 'r', 'a');
    }
}
