package uz.himoya.privacymap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.store.postgres.PostgresSweepRule;
import uz.himoya.store.postgres.PostgresRetention;
import uz.himoya.store.port.SweepRule;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * Every ```yaml example of docs/privacy-map.md says what the parser and the validator do. A whole map (one
 * with app:) is parsed. Any other example is set into the bundled demo map: a list of table entries replaces
 * or adds those tables, a mapping replaces or adds those top-level keys (breach:, stores:, ...). That map is
 * then checked against the demo schema as docs_app, with the few columns and the table the docs' examples
 * name added (see {@link #loadSchema}), and each of its retention rules is compiled and counted on it, so the
 * SQL of every documented rule runs. An example whose first line is {@code # refused: <text>} must be refused
 * with that text. An example whose first line is {@value #IN_RENTALS} is set into the rental shop's map
 * (maps/rentals.yaml, a Sakila-shaped schema) on rentals/schema.sql instead.
 */
class DocsExamplesTest {
    private static final Path DOCS = Path.of(System.getProperty("basedir", ".")).resolve("../docs/privacy-map.md");
    private static final Pattern BLOCK = Pattern.compile("(?ms)^```yaml\\n(.*?)^```");
    private static final String SCHEMA = "docs_app";
    /** The schema of the rental shop's examples (references, tombstones): rentals/schema.sql under this name. */
    private static final String RENTALS_SCHEMA = "docs_rentals";
    /** The first line of an example set into the rental shop's map (maps/rentals.yaml) instead of the demo's. */
    private static final String IN_RENTALS = "# in the rental shop's map";

    /** One ```yaml block: its text and the line of the docs it starts on. */
    record Example(int line, String yaml) {
        @Override
        public String toString() {
            return "privacy-map.md:" + line;
        }

        boolean rentals() {
            return yaml.startsWith(IN_RENTALS);
        }

        String refusal() {
            String first = yaml.lines().findFirst().orElse("");
            return first.startsWith("# refused: ") ? first.substring("# refused: ".length()).trim() : null;
        }
    }

    static Stream<Example> examples() throws IOException {
        String docs = Files.readString(DOCS, UTF_8);
        List<Example> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(docs);
        while (m.find()) {
            int line = (int) docs.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 2;
            out.add(new Example(line, m.group(1)));
        }
        return out.stream();
    }

    @BeforeAll
    static void loadSchema() throws IOException, SQLException {
        String demo;
        try (InputStream in = DocsExamplesTest.class.getClassLoader().getResourceAsStream("demo/schema.sql")) {
            demo = new String(in.readAllBytes(), UTF_8);
        }
        exec(demo.replace("demo_app", SCHEMA));
        exec("""
                CREATE TYPE docs_app.account_status AS ENUM ('active', 'closed', 'cancelled');
                ALTER TABLE docs_app.users ADD COLUMN active boolean NOT NULL DEFAULT true,
                    ADD COLUMN status docs_app.account_status NOT NULL DEFAULT 'active',
                    ADD COLUMN plan varchar(16);
                CREATE TABLE docs_app.payments (id bigint NOT NULL, user_id bigint, provider_ref text, card_token text,
                    amount numeric(14, 2) NOT NULL, status text NOT NULL, paid_at timestamptz NOT NULL,
                    PRIMARY KEY (id, paid_at)) PARTITION BY RANGE (paid_at);
                CREATE TABLE docs_app.payments_2025_01 PARTITION OF docs_app.payments
                    FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
                CREATE TABLE docs_app.payments_2025_02 PARTITION OF docs_app.payments
                    FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
                CREATE INDEX ON docs_app.payments (paid_at);
                """);
        try (InputStream in = DocsExamplesTest.class.getClassLoader().getResourceAsStream("rentals/schema.sql")) {
            exec(new String(in.readAllBytes(), UTF_8).replace("SCHEMA IF EXISTS rentals", "SCHEMA IF EXISTS "
                    + RENTALS_SCHEMA).replace("SCHEMA rentals", "SCHEMA " + RENTALS_SCHEMA)
                    .replace("search_path TO rentals", "search_path TO " + RENTALS_SCHEMA));
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        exec("DROP SCHEMA IF EXISTS docs_app CASCADE");
        exec("DROP SCHEMA IF EXISTS " + RENTALS_SCHEMA + " CASCADE");
    }

    @Test
    void shouldFindTheExamples_whenTheDocsAreRead() throws IOException {
        List<Example> all = examples().toList();
        assertThat(all).hasSizeGreaterThanOrEqualTo(12);
        assertThat(all).filteredOn(e -> e.refusal() != null).hasSizeGreaterThanOrEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void shouldParseAndValidateAsDocumented_whenAnExampleIsSetIntoTheDemoMap(Example example) throws Exception {
        // Arrange
        Node snippet = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(example.yaml()));
        boolean whole = snippet instanceof MappingNode m && keys(m).contains("app");
        String yaml = whole ? example.yaml() : wrapped(snippet, example.rentals());
        String schema = example.rentals() ? RENTALS_SCHEMA : SCHEMA;

        // Act
        PrivacyMapException refused = catchThrowableOfType(PrivacyMapException.class,
                () -> check(yaml, whole, schema));

        // Assert
        if (example.refusal() != null) {
            assertThat(refused).as("%s is documented as refused", example).isNotNull();
            assertThat(refused.getMessage()).as("%s", example).contains(example.refusal());
        } else {
            assertThat(refused).as("%s as the docs show it:\n%s", example, yaml).isNull();
        }
    }

    /** Parses; a snippet in the demo map is also validated, and its retention rules compiled and counted. */
    private static void check(String yaml, boolean whole, String schema) throws SQLException {
        PrivacyMap parsed = PrivacyMapParser.parse("privacy-map.md", yaml);
        if (whole) {
            return;
        }
        try (Connection c = EmbeddedDatabase.dataSource().getConnection()) {
            Catalogue catalogue = Catalogue.load(c, schema);
            PrivacyMap map = CatalogueValidator.validate(parsed, catalogue);
            for (PostgresSweepRule rule : PostgresRetention.plan(map, catalogue, "docs-pseudonym-key")) {
                rule.count(c, new SweepRule.Scope("demo", Instant.now(), List.of("1001")));
            }
        }
    }

    /**
     * The demo map on docs_app (or the rental shop's on docs_rentals), with the snippet's tables or top-level
     * keys in place of its own.
     */
    private static String wrapped(Node snippet, boolean rentals) throws IOException {
        String demo;
        try (InputStream in = DocsExamplesTest.class.getClassLoader().getResourceAsStream(
                rentals ? "maps/rentals.yaml" : "privacy-maps/demo.yaml")) {
            demo = new String(in.readAllBytes(), UTF_8).replace("schema: demo_app", "schema: " + SCHEMA)
                    .replace("schema: rentals", "schema: " + RENTALS_SCHEMA);
        }
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        MappingNode root = (MappingNode) yaml.compose(new StringReader(demo));
        switch (snippet) {
            case SequenceNode entries -> {
                SequenceNode tables = (SequenceNode) value(root, "tables");
                for (Node entry : entries.getValue()) {
                    String name = ((ScalarNode) value((MappingNode) entry, "table")).getValue();
                    List<Node> list = tables.getValue();
                    int at = -1;
                    for (int i = 0; i < list.size(); i++) {
                        if (((ScalarNode) value((MappingNode) list.get(i), "table")).getValue().equals(name)) {
                            at = i;
                        }
                    }
                    if (at >= 0) {
                        list.set(at, entry);
                    } else {
                        list.add(entry);
                    }
                }
            }
            case MappingNode keys -> {
                for (NodeTuple t : keys.getValue()) {
                    String key = ((ScalarNode) t.getKeyNode()).getValue();
                    List<NodeTuple> top = root.getValue();
                    top.removeIf(x -> ((ScalarNode) x.getKeyNode()).getValue().equals(key));
                    top.add(t);
                }
            }
            default -> throw new IllegalArgumentException("an example is a map, table entries or top-level keys");
        }
        java.io.StringWriter out = new java.io.StringWriter();
        yaml.serialize(root, out);
        return out.toString();
    }

    private static List<String> keys(MappingNode m) {
        return m.getValue().stream().map(t -> ((ScalarNode) t.getKeyNode()).getValue()).toList();
    }

    private static Node value(MappingNode m, String key) {
        return m.getValue().stream().filter(t -> ((ScalarNode) t.getKeyNode()).getValue().equals(key))
                .map(NodeTuple::getValueNode).findFirst().orElseThrow(() -> new IllegalArgumentException("no " + key));
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
