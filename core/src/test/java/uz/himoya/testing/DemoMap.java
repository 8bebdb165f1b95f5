package uz.himoya.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapParser;

/**
 * The bundled demo map (privacy-maps/demo.yaml) on any store, for tests that point it at a server of their
 * own: its one store "shop" in another schema (or MySQL database) and kind.
 */
public final class DemoMap {
    public static final String STORE = "shop";

    private DemoMap() {
    }

    /** demo.yaml with its store in schema (a MySQL database) of kind. Not validated. */
    public static PrivacyMap parsed(String schema, PrivacyMap.StoreKind kind) {
        String yaml;
        try (InputStream in = DemoMap.class.getClassLoader().getResourceAsStream("privacy-maps/demo.yaml")) {
            yaml = new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return PrivacyMapParser.parse("privacy-maps/demo.yaml", yaml.replace("schema: demo_app", "schema: " + schema)
                .replace("kind: postgresql", "kind: " + kind.name().toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * The demo map plus order_events(id, order_id -&gt; orders.id, happened_at), which belongs to the subject
     * through orders, and a breach selector "order-events" over it: a selector two tables away from the
     * subject. The store must have the table (see {@link #ORDER_EVENTS_POSTGRES}).
     */
    public static PrivacyMap withOrderEvents(PrivacyMap map) {
        List<PrivacyMap.Table> tables = new ArrayList<>(map.tables());
        tables.add(new PrivacyMap.Table("order_events", 900, STORE, "order_id", Optional.of("orders"), "id",
                Map.of(), new PrivacyMap.Delete(), Optional.empty()));
        List<PrivacyMap.BreachSelector> selectors = new ArrayList<>(map.breachSelectors());
        selectors.add(new PrivacyMap.BreachSelector(901, "order-events", "order_events", "happened_at"));
        return new PrivacyMap(map.source(), map.app(), map.stores(), map.subject(), List.copyOf(tables),
                List.copyOf(selectors), map.webhooks());
    }

    /** order_events in the PostgreSQL demo schema: Aigul's order 5003 five days ago, Dilnoza's 5001 fifty. */
    public static final String[] ORDER_EVENTS_POSTGRES = {
        "CREATE TABLE demo_app.order_events (id bigserial PRIMARY KEY, order_id bigint NOT NULL"
                + " REFERENCES demo_app.orders (id), happened_at timestamptz NOT NULL)",
        "INSERT INTO demo_app.order_events (order_id, happened_at) VALUES (5003, now() - interval '5 days'),"
                + " (5001, now() - interval '50 days')"};

    /** The same in the MariaDB demo database (DATETIME in UTC). */
    public static final String[] ORDER_EVENTS_MARIADB = {
        "CREATE TABLE demo_kg.order_events (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL,"
                + " happened_at DATETIME(6) NOT NULL, CONSTRAINT order_events_order FOREIGN KEY (order_id)"
                + " REFERENCES demo_kg.orders (id)) ENGINE = InnoDB",
        "INSERT INTO demo_kg.order_events (order_id, happened_at) VALUES (5003, UTC_TIMESTAMP(6) - INTERVAL 5 DAY),"
                + " (5001, UTC_TIMESTAMP(6) - INTERVAL 50 DAY)"};

    /**
     * A map of one table people(id text, email nullable) as the subject, without a locale column, in schema
     * of kind: subjects keyed by text.
     */
    public static PrivacyMap people(String schema, PrivacyMap.StoreKind kind) {
        PrivacyMap demo = parsed(schema, kind);
        return new PrivacyMap("people", demo.app(), List.of(new PrivacyMap.Store(1, STORE, kind, schema, "people",
                false)), new PrivacyMap.Subject("people", "id", "email", Optional.empty(), STORE),
                List.of(new PrivacyMap.Table("people", 1, STORE, "id", Optional.empty(), "id", Map.of(),
                        new PrivacyMap.Delete(), Optional.empty())), List.of(), List.of());
    }

    /** Rows of people: 'a', 'B' and 'd' with an address, 'c' without. */
    public static final String PEOPLE_ROWS = "('a', 'a@people.example'), ('B', 'b@people.example'), ('c', NULL),"
            + " ('d', 'd@people.example')";
}
