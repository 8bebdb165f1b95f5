package uz.himoya.privacymap;

import java.time.Duration;
import java.time.Period;
import java.time.temporal.TemporalAmount;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.erasure.strategy.Strategies;
import uz.himoya.policy.Jurisdiction;
import uz.himoya.policy.Locales;

/**
 * Reads a privacy map's structure (docs/privacy-map.md). Identifiers are checked against the database
 * later by {@link CatalogueValidator}; here only their shape, so nothing unquotable ever reaches SQL.
 */
public final class PrivacyMapParser {
    private static final Pattern APP_ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,39}");
    /**
     * SQL identifiers as the app's schema spells them: letters (any case, so PascalCase schemas map as they
     * are), digits, _ and $, at most 63 characters (PostgreSQL's limit; MySQL's is 64). Every identifier is
     * quoted in SQL with its dialect's quote doubled, so this is a sanity rule, not the injection defence.
     */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    private static final Pattern STORE = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern CONNECTION = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private PrivacyMapParser() {
    }

    /** A map as AWS loads it: webhooks must be https and may not name loopback addresses. */
    public static PrivacyMap parse(String file, String yaml) {
        return parse(file, yaml, false);
    }

    /**
     * @param webhookPlaintext true only in the local run and the tests (himoya.webhook-local-run): webhook
     *                         URLs may then be http and name loopback addresses
     */
    public static PrivacyMap parse(String file, String yaml, boolean webhookPlaintext) {
        List<MapProblem> problems = new ArrayList<>();
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new java.io.StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new PrivacyMapException(List.of(new MapProblem(file, line, "not valid YAML: " + e.getProblem())));
        }
        if (!(root instanceof MappingNode rootMapping)) {
            throw new PrivacyMapException(List.of(new MapProblem(file, 1, "a privacy map is a YAML mapping")));
        }
        YamlNode top = new YamlNode(file, rootMapping, problems);
        PrivacyMap.App app = app(top.mapping("app", "app"));
        List<PrivacyMap.Store> stores = stores(top, app.id());
        PrivacyMap.Subject subject = subject(top.mapping("subject", "subject"), stores);
        List<PrivacyMap.Table> tables = new ArrayList<>();
        for (Node n : top.sequence("tables", "tables")) {
            if (n instanceof MappingNode m) {
                table(top.child(m), stores).ifPresent(tables::add);
            } else {
                top.problem(YamlNode.line(n), "each entry of 'tables' must be a mapping");
            }
        }
        if (tables.isEmpty() && top.keys().contains("tables")) {
            top.problem(top.lineOf("tables"), "'tables' must list at least one table");
        }
        List<PrivacyMap.BreachSelector> selectors = new ArrayList<>();
        top.optMapping("breach").ifPresent(b -> {
            for (Node n : b.sequence("selectors", "breach.selectors")) {
                if (n instanceof MappingNode m) {
                    YamlNode sel = b.child(m);
                    String name = sel.string("name", "breach.selectors[].name");
                    if (!name.isEmpty() && !APP_ID.matcher(name).matches()) {
                        sel.problem(sel.lineOf("name"), "selector name '" + name + "' must match " + APP_ID.pattern());
                    }
                    if (selectors.stream().anyMatch(x -> x.name().equals(name))) {
                        sel.problem(sel.lineOf("name"), "selector '" + name + "' is declared twice");
                    }
                    selectors.add(new PrivacyMap.BreachSelector(sel.line(), name,
                            identifier(sel, "table", "breach.selectors[].table"),
                            identifier(sel, "timestamp", "breach.selectors[].timestamp")));
                    sel.rejectUnknown("breach selector " + name);
                } else {
                    b.problem(YamlNode.line(n), "each breach selector must be a mapping");
                }
            }
            b.rejectUnknown("breach");
        });
        List<WebhookSpec> webhooks = top.raw("webhooks")
                .map(n -> WebhookSpecs.parse(file, n, problems, webhookPlaintext)).orElse(List.of());
        WebhookSpecs.checkAgainstDeadline(file, webhooks, app.deletionDeadline(), problems);
        top.rejectUnknown("the privacy map");
        if (!problems.isEmpty()) {
            throw new PrivacyMapException(problems);
        }
        return new PrivacyMap(file, app, List.copyOf(stores), subject, tables, List.copyOf(selectors), webhooks);
    }

    /** The app's own databases (docs/privacy-map.md, "Stores"); Himoya's database is never one of them. */
    private static List<PrivacyMap.Store> stores(YamlNode top, String appId) {
        List<PrivacyMap.Store> stores = new ArrayList<>();
        for (Node n : top.sequence("stores", "stores")) {
            if (!(n instanceof MappingNode m)) {
                top.problem(YamlNode.line(n), "each entry of 'stores' must be a mapping");
                continue;
            }
            YamlNode st = top.child(m);
            String name = st.string("name", "stores[].name");
            if (!name.isEmpty() && !STORE.matcher(name).matches()) {
                st.problem(st.lineOf("name"), "store name '" + name + "' must match " + STORE.pattern());
            }
            if (stores.stream().anyMatch(x -> x.name().equals(name))) {
                st.problem(st.lineOf("name"), "store '" + name + "' is declared twice");
            }
            PrivacyMap.StoreKind kind = PrivacyMap.StoreKind.POSTGRESQL;
            String k = st.string("kind", "stores[].kind");
            switch (k) {
                case "postgresql" -> kind = PrivacyMap.StoreKind.POSTGRESQL;
                case "mysql" -> kind = PrivacyMap.StoreKind.MYSQL;
                case "mariadb" -> kind = PrivacyMap.StoreKind.MARIADB;
                case "" -> {
                }
                default -> st.problem(st.lineOf("kind"), "unknown store kind '" + k
                        + "'; valid: postgresql, mysql, mariadb");
            }
            String schema = identifier(st, "schema", "stores[].schema");
            String connection = st.optString("connection").orElse(appId + "-" + name);
            if (!CONNECTION.matcher(connection).matches()) {
                st.problem(st.lineOf("connection"), "store " + name + ": connection '" + connection + "' must match "
                        + CONNECTION.pattern());
            }
            boolean create = false;
            Optional<String> ledger = st.optString("ledger");
            if (ledger.isPresent()) {
                switch (ledger.get()) {
                    case "create" -> create = true;
                    case "existing" -> create = false;
                    default -> st.problem(st.lineOf("ledger"), "store " + name + ": ledger must be 'create' or"
                            + " 'existing'");
                }
            }
            st.rejectUnknown("store " + name);
            stores.add(new PrivacyMap.Store(st.line(), name, kind, schema, connection, create));
        }
        if (stores.isEmpty() && top.keys().contains("stores")) {
            top.problem(top.lineOf("stores"), "'stores' must list at least one store");
        }
        return stores;
    }

    /** A table's or the subject's store: named, or the only one there is. */
    private static String storeOf(YamlNode n, List<PrivacyMap.Store> stores, String what) {
        Optional<String> named = n.optString("store");
        if (named.isEmpty()) {
            if (stores.size() > 1) {
                n.problem(n.line(), what + ": the map has several stores; say which one holds it (store: ...)");
            }
            return stores.isEmpty() ? "" : stores.get(0).name();
        }
        if (stores.stream().noneMatch(s -> s.name().equals(named.get()))) {
            n.problem(n.lineOf("store"), what + ": store '" + named.get() + "' is not declared under 'stores'");
        }
        return named.get();
    }

    private static PrivacyMap.App app(YamlNode a) {
        String id = a.string("id", "app.id");
        if (!id.isEmpty() && !APP_ID.matcher(id).matches()) {
            a.problem(a.lineOf("id"), "app.id '" + id + "' must match " + APP_ID.pattern());
        }
        String name = a.string("name", "app.name");
        String contact = a.string("contactEmail", "app.contactEmail");
        if (!contact.isEmpty() && !EMAIL.matcher(contact).matches()) {
            a.problem(a.lineOf("contactEmail"), "app.contactEmail is not an e-mail address");
        }
        Jurisdiction jurisdiction = Jurisdiction.UZ;
        String j = a.string("jurisdiction", "app.jurisdiction");
        if (!j.isEmpty()) {
            try {
                jurisdiction = Jurisdiction.valueOf(j.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                a.problem(a.lineOf("jurisdiction"), "unknown jurisdiction '" + j + "'; valid: UZ, KG, GDPR, RU");
            }
        }
        List<String> locales = new ArrayList<>();
        for (Node n : a.sequence("locales", "app.locales")) {
            String tag = n instanceof ScalarNode s ? s.getValue() : "";
            Optional<String> canonical = Locales.canonical(tag);
            if (canonical.isEmpty()) {
                a.problem(YamlNode.line(n), "unsupported locale '" + tag + "'; valid: " + Locales.SUPPORTED);
            } else if (!locales.contains(canonical.get())) {
                locales.add(canonical.get());
            }
        }
        Optional<String> givenDefault = a.optString("defaultLocale");
        String defaultLocale = givenDefault.flatMap(Locales::canonical).orElse(locales.isEmpty() ? "en" : locales.get(0));
        if (givenDefault.isPresent() && Locales.canonical(givenDefault.get()).isEmpty()) {
            a.problem(a.lineOf("defaultLocale"), "unsupported defaultLocale '" + givenDefault.get() + "'; valid: "
                    + Locales.SUPPORTED);
        } else if (!locales.isEmpty() && !locales.contains(defaultLocale)) {
            a.problem(a.lineOf("defaultLocale"), "app.defaultLocale must be one of app.locales");
        }
        Period deadline = jurisdiction.deletionDeadline();
        PrivacyMap.Verification verification = PrivacyMap.Verification.EMAIL;
        Optional<YamlNode> deletion = a.optMapping("deletion");
        if (deletion.isPresent()) {
            YamlNode d = deletion.get();
            Optional<String> p = d.optString("deadline");
            if (p.isPresent()) {
                try {
                    deadline = Period.parse(p.get());
                    if (deadline.isNegative() || deadline.isZero()) {
                        d.problem(d.lineOf("deadline"), "deletion.deadline must be positive");
                    }
                } catch (DateTimeParseException e) {
                    d.problem(d.lineOf("deadline"), "deletion.deadline '" + p.get()
                            + "' is not an ISO-8601 period such as P14D");
                }
            }
            Optional<String> v = d.optString("verification");
            if (v.isPresent()) {
                switch (v.get()) {
                    case "email" -> verification = PrivacyMap.Verification.EMAIL;
                    case "app-attested" -> verification = PrivacyMap.Verification.APP_ATTESTED;
                    case "either" -> verification = PrivacyMap.Verification.EITHER;
                    default -> d.problem(d.lineOf("verification"), "unknown verification '" + v.get()
                            + "'; valid: email, app-attested, either");
                }
            }
            d.rejectUnknown("app.deletion");
        }
        for (String moved : List.of("datasource", "schema")) {
            if (a.keys().contains(moved)) {
                // The app's data lives in its own stores now; Himoya's database holds only Himoya's tables.
                a.problem(a.lineOf(moved), "app." + moved + " is gone: declare the app's databases under"
                        + " 'stores' (docs/privacy-map.md)");
                a.optString(moved);
            }
        }
        a.rejectUnknown("app");
        return new PrivacyMap.App(id, name, contact, jurisdiction, List.copyOf(locales), defaultLocale, deadline,
                verification);
    }

    private static PrivacyMap.Subject subject(YamlNode s, List<PrivacyMap.Store> stores) {
        String table = identifier(s, "table", "subject.table");
        String key = identifier(s, "key", "subject.key");
        String email = identifier(s, "email", "subject.email");
        Optional<String> locale = s.keys().contains("locale") ? Optional.of(identifier(s, "locale", "subject.locale"))
                : Optional.empty();
        String store = storeOf(s, stores, "subject");
        s.rejectUnknown("subject");
        return new PrivacyMap.Subject(table, key, email, locale, store);
    }

    private static Optional<PrivacyMap.Table> table(YamlNode t, List<PrivacyMap.Store> stores) {
        String name = identifier(t, "table", "tables[].table");
        String store = storeOf(t, stores, "table " + name);
        List<PrivacyMap.Reference> referencedBy = referencedBy(t, name);
        String column = "";
        Optional<String> parent = Optional.empty();
        if (referencedBy.isEmpty() || t.keys().contains("belongsTo")) {
            YamlNode belongs = t.mapping("belongsTo", "tables[].belongsTo");
            column = identifier(belongs, "column", "belongsTo.column");
            parent = belongs.keys().contains("parent")
                    ? Optional.of(identifier(belongs, "parent", "belongsTo.parent"))
                    : Optional.empty();
            belongs.rejectUnknown("belongsTo of table " + name);
        }
        String parentKey = t.keys().contains("parentKey") ? identifier(t, "parentKey", "parentKey") : "id";
        Map<String, String> categories = new LinkedHashMap<>();
        Optional<YamlNode> cols = t.optMapping("columns");
        cols.ifPresent(c -> {
            for (var e : c.entries()) {
                checkIdentifier(c, c.lineOf(e.getKey()), e.getKey());
                String category = e.getValue() instanceof ScalarNode s ? s.getValue() : "";
                if (!DataCategory.ALL.contains(category)) {
                    c.problem(YamlNode.line(e.getValue()), "unknown data category '" + category + "' for column "
                            + e.getKey() + "; valid: " + DataCategory.ALL);
                }
                categories.put(e.getKey(), category);
            }
        });
        PrivacyMap.Erasure erasure = erasure(t, name);
        Optional<PrivacyMap.Retention> retention = t.optMapping("retention").map(r -> retention(r, name));
        Optional<PrivacyMap.Tombstone> tombstone = tombstone(t, name);
        t.rejectUnknown("table " + name);
        return Optional.of(new PrivacyMap.Table(name, t.line(), store, column, parent, parentKey,
                Map.copyOf(categories), erasure, retention, referencedBy, tombstone));
    }

    /**
     * {@code referencedBy: {table: customer, column: address_id}}, or a list of such: the table's rows belong to
     * the subject because rows of mapped tables point at them (docs/privacy-map.md, "References from the
     * subject"). It takes the place of belongsTo; the foreign key is checked against the catalogue later.
     */
    private static List<PrivacyMap.Reference> referencedBy(YamlNode t, String table) {
        Optional<Node> raw = t.raw("referencedBy");
        if (raw.isEmpty()) {
            return List.of();
        }
        if (t.keys().contains("belongsTo")) {
            t.problem(t.lineOf("referencedBy"), "table " + table + ": belongsTo and referencedBy exclude each other"
                    + " (rows belong to the subject either by a column naming the subject or by being pointed at)");
        }
        List<Node> entries = raw.get() instanceof org.yaml.snakeyaml.nodes.SequenceNode seq ? seq.getValue()
                : List.of(raw.get());
        List<PrivacyMap.Reference> out = new ArrayList<>();
        for (Node n : entries) {
            if (!(n instanceof MappingNode m)) {
                t.problem(YamlNode.line(n), "table " + table + ": referencedBy is {table: ..., column: ...} or a"
                        + " list of such");
                continue;
            }
            YamlNode r = t.child(m);
            String from = identifier(r, "table", "referencedBy.table");
            String column = identifier(r, "column", "referencedBy.column");
            r.rejectUnknown("referencedBy of table " + table);
            if (out.stream().anyMatch(x -> x.table().equals(from) && x.column().equals(column))) {
                r.problem(r.line(), "table " + table + ": referencedBy names " + from + "." + column + " twice");
            }
            out.add(new PrivacyMap.Reference(r.line(), from, column, ""));
        }
        if (out.isEmpty() && !entries.isEmpty()) {
            // Every entry was malformed, and said so: a stand-in keeps the table from being asked for belongsTo
            // as well. The map is refused either way.
            return List.of(new PrivacyMap.Reference(t.lineOf("referencedBy"), "", "", ""));
        }
        if (entries.isEmpty()) {
            t.problem(t.lineOf("referencedBy"), "table " + table + ": referencedBy must name at least one reference");
        }
        return List.copyOf(out);
    }

    /**
     * {@code tombstone: {key: 0, values: {full_name: '[erased]', ...}}}: the row Himoya keeps in the table for
     * kept rows to point at (strategy {@code tombstone}). A YAML null in values is SQL NULL.
     */
    private static Optional<PrivacyMap.Tombstone> tombstone(YamlNode t, String table) {
        return t.optMapping("tombstone").map(ts -> {
            String key = ts.string("key", "tombstone.key");
            Map<String, Optional<String>> values = new LinkedHashMap<>();
            ts.optMapping("values").ifPresent(v -> {
                for (var e : v.entries()) {
                    checkIdentifier(v, v.lineOf(e.getKey()), e.getKey());
                    if (e.getValue() instanceof ScalarNode s) {
                        values.put(e.getKey(), s.getTag().equals(org.yaml.snakeyaml.nodes.Tag.NULL) ? Optional.empty()
                                : Optional.of(s.getValue()));
                    } else {
                        v.problem(YamlNode.line(e.getValue()), "table " + table + ": tombstone value of " + e.getKey()
                                + " must be a single value");
                    }
                }
            });
            ts.rejectUnknown("tombstone of table " + table);
            return new PrivacyMap.Tombstone(ts.line(), key, java.util.Collections.unmodifiableMap(values), "", "");
        });
    }

    private static PrivacyMap.Retention retention(YamlNode r, String table) {
        String column = identifier(r, "column", "retention.column");
        TemporalAmount keep = duration(r, "keep", "retention.keep").orElse(Period.ofDays(1));
        PrivacyMap.Erasure action = erasure(r, "action", table + " retention");
        Optional<PrivacyMap.Condition> when = r.raw("when").flatMap(w -> ConditionParser.when(r, w, table, column));
        String reason = r.optString("reason").orElse("retention period over");
        r.rejectUnknown("retention of table " + table);
        return new PrivacyMap.Retention(r.line(), column, keep, action, when, reason);
    }

    /**
     * An ISO-8601 period (P90D, P1Y) or, for sub-day periods, a duration (PT12H); positive, since a period
     * of zero or less would take rows the moment they are written (or before).
     */
    static Optional<TemporalAmount> duration(YamlNode n, String key, String path) {
        String v = n.string(key, path);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            TemporalAmount amount = v.contains("T") ? Duration.parse(v) : Period.parse(v);
            boolean positive = switch (amount) {
                case Duration d -> d.isPositive();
                case Period p -> !p.isZero() && p.getYears() >= 0 && p.getMonths() >= 0 && p.getDays() >= 0;
                default -> false;
            };
            if (!positive) {
                n.problem(n.lineOf(key), path + " '" + v + "' must be longer than zero");
                return Optional.empty();
            }
            return Optional.of(amount);
        } catch (DateTimeParseException e) {
            n.problem(n.lineOf(key), path + " '" + v + "' is not an ISO-8601 duration such as P90D or PT12H");
            return Optional.empty();
        }
    }

    private static PrivacyMap.Erasure erasure(YamlNode t, String table) {
        return erasure(t, "erasure", table);
    }

    private static PrivacyMap.Erasure erasure(YamlNode t, String key, String table) {
        Optional<Node> raw = t.raw(key);
        if (raw.isEmpty()) {
            t.problem(t.line(), "table " + table + ": missing required '" + key + "' (delete or anonymize)");
            return new PrivacyMap.Delete();
        }
        if (raw.get() instanceof ScalarNode s) {
            if (!"delete".equals(s.getValue())) {
                t.problem(YamlNode.line(s), "table " + table + ": erasure must be 'delete' or an 'anonymize' mapping");
            }
            return new PrivacyMap.Delete();
        }
        if (!(raw.get() instanceof MappingNode m)) {
            t.problem(YamlNode.line(raw.get()), "table " + table + ": erasure must be 'delete' or a mapping");
            return new PrivacyMap.Delete();
        }
        YamlNode e = t.child(m);
        Map<String, AnonymizationStrategy> columns = new LinkedHashMap<>();
        YamlNode anonymize = e.mapping("anonymize", "erasure.anonymize");
        for (var c : anonymize.entries()) {
            int line = anonymize.lineOf(c.getKey());
            checkIdentifier(anonymize, line, c.getKey());
            try {
                columns.put(c.getKey(), strategy(c.getValue()));
            } catch (IllegalArgumentException ex) {
                anonymize.problem(line, "table " + table + ", column " + c.getKey() + ": " + ex.getMessage());
            }
        }
        if (columns.isEmpty() && anonymize.keys().isEmpty()) {
            e.problem(e.line(), "table " + table + ": anonymize must list at least one column");
        }
        String reason = e.string("reason", "erasure.reason");
        e.rejectUnknown("erasure of table " + table);
        return new PrivacyMap.Anonymize(Map.copyOf(columns), reason);
    }

    /** {@code redact}, or {@code {fixed: {value: x}}}: a name, with options where the strategy takes them. */
    private static AnonymizationStrategy strategy(Node node) {
        if (node instanceof ScalarNode s) {
            return Strategies.byName(s.getValue(), Map.of());
        }
        if (node instanceof MappingNode m && m.getValue().size() == 1
                && m.getValue().get(0).getKeyNode() instanceof ScalarNode name) {
            Map<String, String> options = new LinkedHashMap<>();
            if (m.getValue().get(0).getValueNode() instanceof MappingNode opts) {
                for (var t : opts.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
                        options.put(k.getValue(), v.getValue());
                    }
                }
            }
            return Strategies.byName(name.getValue(), options);
        }
        throw new IllegalArgumentException("a strategy is a name or {name: {options}}");
    }

    static String identifier(YamlNode n, String key, String path) {
        String v = n.string(key, path);
        if (!v.isEmpty()) {
            checkIdentifier(n, n.lineOf(key), v);
        }
        return v;
    }

    private static void checkIdentifier(YamlNode n, int line, String v) {
        if (!IDENTIFIER.matcher(v).matches()) {
            n.problem(line, "'" + v + "' is not an SQL identifier (letters, digits, _ and $; at most 63)");
        }
    }
}
