package uz.himoya.privacymap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.testing.DemoStore;

/** The catalogue half of privacy-map validation, against a real PostgreSQL holding the demo schema. */
class CatalogueValidatorTest {

    private static Catalogue demo;
    private static Catalogue cycle;

    @BeforeAll
    static void loadSchemas() throws SQLException {
        DemoStore.loadDemo();
        try (Connection c = DemoStore.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    DROP SCHEMA IF EXISTS cycle_app CASCADE;
                    CREATE SCHEMA cycle_app;
                    CREATE TABLE cycle_app.users (id bigint PRIMARY KEY, email text NOT NULL);
                    CREATE TABLE cycle_app.invoices (
                        id bigint PRIMARY KEY,
                        user_id bigint REFERENCES cycle_app.users (id),
                        credit_note_id bigint);
                    CREATE TABLE cycle_app.credit_notes (
                        id bigint PRIMARY KEY,
                        user_id bigint REFERENCES cycle_app.users (id),
                        invoice_id bigint REFERENCES cycle_app.invoices (id));
                    ALTER TABLE cycle_app.invoices
                        ADD FOREIGN KEY (credit_note_id) REFERENCES cycle_app.credit_notes (id);
                    """);
            demo = Catalogue.load(c, "demo_app");
            cycle = Catalogue.load(c, "cycle_app");
        }
    }

    @AfterAll
    static void dropCycleSchema() throws SQLException {
        try (Connection c = DemoStore.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS cycle_app CASCADE");
        }
    }

    @Test
    void shouldReadColumnsAndForeignKeys_whenDemoSchemaIsLoaded() {
        // Arrange: the catalogue loaded in @BeforeAll

        // Act
        var totalSum = demo.column("orders", "total_sum");
        var phone = demo.column("orders", "phone");

        // Assert
        assertThat(demo.tables()).hasSize(8);
        assertThat(totalSum).hasValueSatisfying(col -> {
            assertThat(col.nullable()).isFalse();
            assertThat(col.text()).isFalse();
            assertThat(col.sqlType()).isEqualTo("numeric(14,2)");
        });
        assertThat(phone).hasValueSatisfying(col -> {
            assertThat(col.nullable()).isTrue();
            assertThat(col.text()).isTrue();
        });
        assertThat(demo.foreignKeys()).contains(new Catalogue.ForeignKey("order_items", java.util.List.of("order_id"), "orders",
                'a', java.util.List.of("id")),
                new Catalogue.ForeignKey("orders", java.util.List.of("user_id"), "users", 'a', java.util.List.of("id")));
    }

    @Test
    void shouldOrderChildrenBeforeParents_whenDemoMapIsValid() throws IOException {
        // Arrange
        PrivacyMap parsed = parse("privacy-maps/demo.yaml");

        // Act
        PrivacyMap validated = CatalogueValidator.validate(parsed, demo);

        // Assert
        List<String> order = validated.tables().stream().map(PrivacyMap.Table::name).toList();
        assertThat(order).hasSize(8).containsExactlyInAnyOrder("users", "profiles", "order_items", "orders",
                "access_logs", "sessions", "devices", "marketing_consents");
        assertThat(order.indexOf("order_items")).isLessThan(order.indexOf("orders"));
        assertThat(order.getLast()).isEqualTo("users");
        for (String table : order.subList(0, order.size() - 1)) {
            assertThat(order.indexOf(table)).as("%s before users", table).isLessThan(order.indexOf("users"));
        }
        assertThat(validated.app()).isEqualTo(parsed.app());
        assertThat(validated.subject()).isEqualTo(parsed.subject());
    }

    @Test
    void shouldNameFileAndTable_whenTableIsUnknown() throws IOException {
        // Arrange
        String file = "maps/unknown-table.yaml";
        PrivacyMap parsed = parse(file);

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> CatalogueValidator.validate(parsed, demo));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.line()).isEqualTo(lineOf(file, "- table: wishlists"));
            assertThat(p.message()).contains("unknown table 'wishlists'").contains("demo_app");
        });
        assertThat(e.getMessage()).contains(file + ":" + lineOf(file, "- table: wishlists") + ":");
    }

    @Test
    void shouldNameFileAndColumn_whenColumnIsUnknown() throws IOException {
        // Arrange
        String file = "maps/unknown-column.yaml";
        PrivacyMap parsed = parse(file);

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> CatalogueValidator.validate(parsed, demo));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.message()).contains("unknown column 'middle_name'").contains("users");
        });
        assertThat(e.getMessage()).contains(file);
    }

    @Test
    void shouldRefuseNullStrategy_whenColumnIsNotNull() throws IOException {
        // Arrange
        String file = "maps/null-on-not-null.yaml";
        PrivacyMap parsed = parse(file);

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> CatalogueValidator.validate(parsed, demo));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.line()).isEqualTo(lineOf(file, "- table: orders"));
            assertThat(p.message()).contains("orders").contains("strategy 'null'").contains("NOT NULL")
                    .contains("total_sum");
        });
    }

    @Test
    void shouldRefuseTextStrategies_whenColumnIsNotText() throws IOException {
        // Arrange: redact and keyed-hash on the numeric total_sum
        String file = "maps/null-on-not-null.yaml";
        String yaml = read(file).replace("total_sum: null", "total_sum: redact\n        created_at: keyed-hash");
        PrivacyMap parsed = PrivacyMapParser.parse(file, yaml);

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> CatalogueValidator.validate(parsed, demo));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(MapProblem::message).containsExactlyInAnyOrder(
                "table orders: strategy 'redact' needs a text column; total_sum is numeric(14,2)",
                "table orders: strategy 'keyed-hash' needs a text column; created_at is timestamp with time zone");
    }

    @Test
    void shouldReportCycleNamingBothTables_whenMappedTablesReferenceEachOther() throws IOException {
        // Arrange
        String file = "maps/cycle.yaml";
        PrivacyMap parsed = parse(file);

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> CatalogueValidator.validate(parsed, cycle));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.message()).contains("cycle in the table order").contains("invoices")
                    .contains("credit_notes").doesNotContain("users");
        });
    }

    @Test
    void shouldRefuseMap_whenAnUnmappedTableReferencesDeletedRows() throws IOException {
        // Arrange: credit_notes references invoices, which the map deletes, but credit_notes is not mapped
        String file = "maps/cycle.yaml";
        String yaml = read(file).replace("""
                  - table: credit_notes
                    belongsTo: { column: user_id }
                    erasure: delete
                """, "");
        PrivacyMap parsed = PrivacyMapParser.parse(file, yaml);

        // Act + Assert: the erasure would fail on the foreign key every time, so the map is refused up front
        assertThatThrownBy(() -> CatalogueValidator.validate(parsed, cycle))
                .isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining("credit_notes references invoices").hasMessageContaining("not mapped");
    }

    @Test
    void shouldRefuseParent_whenParentIsNotMapped() throws IOException {
        // Arrange
        String file = "maps/unmapped-parent.yaml";
        PrivacyMap parsed = parse(file);

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> CatalogueValidator.validate(parsed, demo));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.line()).isEqualTo(lineOf(file, "- table: order_items"));
            assertThat(p.message()).contains("order_items").contains("belongsTo.parent 'orders'")
                    .contains("not a mapped table");
        });
    }

    @Test
    void shouldRefuseMap_whenSameTableIsMappedTwice() throws IOException {
        // Arrange: devices appended a second time
        String file = "privacy-maps/demo.yaml";
        String yaml = read(file).replaceFirst("\ntables:\n", "\ntables:\n  - table: devices\n"
                + "    belongsTo: { column: user_id }\n    erasure: delete\n");
        PrivacyMap parsed = PrivacyMapParser.parse(file, yaml);

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> CatalogueValidator.validate(parsed, demo));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            // reported at the second mapping of the table
            assertThat(p.line()).isEqualTo(yaml.lines().toList().lastIndexOf("  - table: devices") + 1);
            assertThat(p.message()).isEqualTo("table devices is mapped twice");
        });
    }

    private static PrivacyMap parse(String resource) throws IOException {
        return PrivacyMapParser.parse(resource, read(resource));
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = CatalogueValidatorTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("test resource %s", resource).isNotNull();
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    private static int lineOf(String resource, String text) throws IOException {
        return PrivacyMapParserTest.lineOf(read(resource), text);
    }
}
