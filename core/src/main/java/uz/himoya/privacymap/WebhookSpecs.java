package uz.himoya.privacymap;

import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import uz.himoya.net.TargetPolicy;

/**
 * Reads a privacy map's optional {@code webhooks} section into {@link WebhookSpec}s, with every problem
 * located by file and line like the rest of the map (docs/privacy-map.md, "Webhooks").
 *
 * <pre>{@code
 * webhooks:
 *   - name: crm                      # [a-z][a-z0-9-]{1,39}, unique in the map
 *     url: https://crm.example/himoya/jobs
 *     secret: demo-crm               # the secret's NAME: config himoya.webhook.demo-crm.secret
 *     timeout: PT10S                 # ISO-8601, 1 s .. 25 s
 *     kinds: [erasure]               # erasure, access
 *     identifiers: [id, email]       # optional, default [id]: what the job tells the system
 *     allowPrivate: false            # optional: true lets the target sit at a private (VPC) address
 *     maxAttempts: 12                # optional: jobs sent at most before the part is FAILED (1 .. 50)
 *     callbackWithin: PT24H          # optional: after a 202, the same job again after this long (PT5M .. P2D)
 *     giveUpAfter: P3D               # optional: no attempt after this long from the first (PT1H .. P7D)
 * }</pre>
 *
 * {@link PrivacyMapParser} hands its {@code webhooks} value over:
 * {@code top.raw("webhooks").map(n -> WebhookSpecs.parse(file, n, problems, localRun)).orElse(List.of())}.
 */
final class WebhookSpecs {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,39}");
    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    /** One attempt stays well inside the erasure worker's 2-minute invocation, even with a few systems. */
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(25);
    private static final int MAX_URL = 2000;
    private static final int MAX_ATTEMPTS = 50;
    /** Below this a callback is hardly ever late, only slow: re-sending would double the system's work. */
    private static final Duration MIN_CALLBACK_WITHIN = Duration.ofMinutes(5);
    private static final Duration MAX_CALLBACK_WITHIN = Duration.ofDays(2);
    private static final Duration MIN_GIVE_UP = Duration.ofHours(1);
    /** A week at most; PrivacyMapParser also holds it to half of the app's own deletion deadline. */
    static final Duration MAX_GIVE_UP = Duration.ofDays(7);
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile("(" + OCTET + "\\.){3}" + OCTET);

    private WebhookSpecs() {
    }

    /**
     * The webhooks of a whole map document: its optional top-level {@code webhooks} key; the other keys are
     * the privacy map parser's. Throws a {@link PrivacyMapException} listing every problem.
     *
     * @param allowPlaintext true only in the local run: http URLs and loopback literals are accepted
     */
    static List<WebhookSpec> parse(String file, String yaml, boolean allowPlaintext) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new PrivacyMapException(List.of(new MapProblem(file, line, "not valid YAML: " + e.getProblem())));
        }
        if (!(root instanceof MappingNode top)) {
            throw new PrivacyMapException(List.of(new MapProblem(file, 1, "a privacy map is a YAML mapping")));
        }
        List<MapProblem> problems = new ArrayList<>();
        List<WebhookSpec> specs = new YamlNode(file, top, problems).raw("webhooks")
                .map(n -> parse(file, n, problems, allowPlaintext)).orElse(List.of());
        if (!problems.isEmpty()) {
            throw new PrivacyMapException(problems);
        }
        return specs;
    }

    /**
     * The value of a map's {@code webhooks} key. Problems are added to {@code problems}; entries with
     * problems are still returned as far as they could be read, as the map parser does with tables.
     */
    static List<WebhookSpec> parse(String file, Node webhooks, List<MapProblem> problems,
            boolean allowPlaintext) {
        if (!(webhooks instanceof SequenceNode list)) {
            problems.add(new MapProblem(file, YamlNode.line(webhooks), "'webhooks' must be a list"));
            return List.of();
        }
        if (list.getValue().isEmpty()) {
            problems.add(new MapProblem(file, YamlNode.line(webhooks),
                    "'webhooks' must list at least one webhook (or be left out)"));
        }
        List<WebhookSpec> specs = new ArrayList<>();
        for (Node n : list.getValue()) {
            if (!(n instanceof MappingNode m)) {
                problems.add(new MapProblem(file, YamlNode.line(n), "each entry of 'webhooks' must be a mapping"));
                continue;
            }
            WebhookSpec spec = entry(new YamlNode(file, m, problems), allowPlaintext);
            if (!spec.name().isEmpty() && specs.stream().anyMatch(s -> s.name().equals(spec.name()))) {
                problems.add(new MapProblem(file, spec.line(), "webhook '" + spec.name() + "' is declared twice"));
            }
            specs.add(spec);
        }
        return List.copyOf(specs);
    }

    private static WebhookSpec entry(YamlNode e, boolean allowPlaintext) {
        String name = e.string("name", "webhooks[].name");
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            e.problem(e.lineOf("name"), "webhook name '" + name + "' must match " + NAME.pattern());
            name = "";
        }
        String where = name.isEmpty() ? "webhook" : "webhook " + name;
        boolean allowPrivate = flag(e, "allowPrivate", where);
        URI url = url(e, where, allowPrivate, allowPlaintext);
        String secret = e.string("secret", "webhooks[].secret");
        if (!secret.isEmpty() && !NAME.matcher(secret).matches()) {
            // The value is not echoed: someone may have pasted the secret itself here.
            e.problem(e.lineOf("secret"), where + ": 'secret' names a secret and must match " + NAME.pattern()
                    + "; its value belongs in config himoya.webhook.<name>.secret, never in the map");
            secret = "";
        }
        Duration timeout = timeout(e, where);
        Set<WebhookSpec.Kind> kinds = kinds(e, where);
        Set<WebhookSpec.Identifier> identifiers = identifiers(e, where);
        WebhookSpec.Retries retries = retries(e, where);
        e.rejectUnknown(where);
        return new WebhookSpec(name, url, secret, timeout, kinds, identifiers, allowPrivate, retries, e.line());
    }

    private static URI url(YamlNode e, String where, boolean allowPrivate, boolean allowPlaintext) {
        String text = e.string("url", "webhooks[].url");
        if (text.isEmpty()) {
            return URI.create("https://invalid.invalid/");
        }
        // The URL is not echoed in problems: a query string may carry a token.
        int line = e.lineOf("url");
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException ex) {
            e.problem(line, where + ": url is not a valid URL");
            return URI.create("https://invalid.invalid/");
        }
        if (text.length() > MAX_URL) {
            e.problem(line, where + ": url is longer than " + MAX_URL + " characters");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque()) {
            e.problem(line, where + ": url must be absolute, such as https://crm.example/himoya/jobs");
        } else if (!scheme.equals("https") && !(scheme.equals("http") && allowPlaintext)) {
            e.problem(line, where + ": url must use https" + (scheme.equals("http")
                    ? " (http is accepted only in the local run)" : ""));
        } else if (uri.getHost() == null) {
            e.problem(line, where + ": url must name a host");
        } else if (uri.getRawUserInfo() != null) {
            e.problem(line, where + ": url must not carry user info; credentials belong in the secret");
        } else if (uri.getRawFragment() != null) {
            e.problem(line, where + ": url must not have a fragment");
        } else if (uri.getPort() == 0) {
            e.problem(line, where + ": url must not use port 0");
        } else {
            literal(uri.getHost()).filter(a -> !TargetPolicy.allowed(a, allowPrivate, allowPlaintext))
                    .ifPresent(a -> e.problem(line, where + ": url names a " + describe(a)));
        }
        return uri;
    }

    /**
     * The host as an address when it is a plain IP literal; names (and odd IPv4 spellings such as 0x7f.1)
     * are checked at send time, after resolving. No DNS lookup here: a map loads the same offline.
     */
    private static Optional<InetAddress> literal(String host) {
        try {
            if (host.startsWith("[")) {
                return Optional.of(InetAddress.getByName(host)); // brackets: a literal or an error, never DNS
            }
            if (IPV4.matcher(host).matches()) {
                String[] parts = host.split("\\.");
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    b[i] = (byte) Integer.parseInt(parts[i]);
                }
                return Optional.of(InetAddress.getByAddress(b));
            }
        } catch (UnknownHostException ex) {
            return Optional.empty(); // new URI refuses a broken IPv6 literal before this
        }
        return Optional.empty();
    }

    private static String describe(InetAddress a) {
        return switch (TargetPolicy.range(a)) {
            case PRIVATE -> "private address; set allowPrivate: true for a target inside the VPC";
            case LOOPBACK -> "loopback address, accepted only in the local run";
            default -> "link-local, multicast or reserved address, which is never a webhook target";
        };
    }

    private static Duration timeout(YamlNode e, String where) {
        String text = e.string("timeout", "webhooks[].timeout");
        if (text.isEmpty()) {
            return Duration.ofSeconds(10);
        }
        try {
            Duration d = Duration.parse(text);
            if (d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
                e.problem(e.lineOf("timeout"), where + ": timeout must be between PT1S and PT25S");
            }
            return d;
        } catch (DateTimeParseException ex) {
            e.problem(e.lineOf("timeout"), where + ": timeout '" + text
                    + "' is not an ISO-8601 duration such as PT10S");
            return Duration.ofSeconds(10);
        }
    }

    /** maxAttempts, callbackWithin, giveUpAfter: each optional, the defaults of {@link WebhookSpec.Retries}. */
    private static WebhookSpec.Retries retries(YamlNode e, String where) {
        WebhookSpec.Retries d = WebhookSpec.Retries.DEFAULT;
        int max = d.maxAttempts();
        Optional<String> text = e.optString("maxAttempts", "webhooks[].maxAttempts").map(String::trim);
        if (text.isPresent()) {
            try {
                max = Integer.parseInt(text.get());
            } catch (NumberFormatException ex) {
                max = -1;
            }
            if (max < 1 || max > MAX_ATTEMPTS) {
                e.problem(e.lineOf("maxAttempts"), where + ": maxAttempts must be a whole number from 1 to "
                        + MAX_ATTEMPTS);
                max = d.maxAttempts();
            }
        }
        Duration within = duration(e, "callbackWithin", where, d.callbackWithin(), MIN_CALLBACK_WITHIN,
                MAX_CALLBACK_WITHIN);
        Duration giveUp = duration(e, "giveUpAfter", where, d.giveUpAfter(), MIN_GIVE_UP, MAX_GIVE_UP);
        if (within.compareTo(giveUp) > 0) {
            e.problem(e.lineOf(e.keys().contains("callbackWithin") ? "callbackWithin" : "giveUpAfter"), where
                    + ": callbackWithin must not be longer than giveUpAfter (the job would never be sent again)");
        }
        return new WebhookSpec.Retries(max, within, giveUp);
    }

    /** An optional ISO-8601 duration within [min, max]; the default when absent or wrong (with a problem). */
    private static Duration duration(YamlNode e, String key, String where, Duration dflt, Duration min,
            Duration max) {
        Optional<String> text = e.optString(key, "webhooks[]." + key).map(String::trim);
        if (text.isEmpty()) {
            return dflt;
        }
        Duration d;
        try {
            d = Duration.parse(text.get());
        } catch (DateTimeParseException ex) {
            e.problem(e.lineOf(key), where + ": " + key + " '" + text.get()
                    + "' is not an ISO-8601 duration such as " + dflt);
            return dflt;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            e.problem(e.lineOf(key), where + ": " + key + " must be between " + min + " and " + max);
            return dflt;
        }
        return d;
    }

    /**
     * A system's giveUpAfter against the app's deletion deadline: at most half of it, so that a part Himoya gave
     * up on reaches a person with at least half of the legal time left (the deadline runs from receipt,
     * DeletionService; e.g. KG's 7 days, Law No. 58 Art. 17). Months count as 28 days, the shortest.
     */
    static void checkAgainstDeadline(String file, List<WebhookSpec> specs, java.time.Period deadline,
            List<MapProblem> problems) {
        Duration legal = Duration.ofDays(deadline.getYears() * 365L + deadline.getMonths() * 28L + deadline.getDays());
        for (WebhookSpec w : specs) {
            if (w.retries().giveUpAfter().multipliedBy(2).compareTo(legal) > 0) {
                problems.add(new MapProblem(file, w.line(), "webhook " + w.name() + ": giveUpAfter "
                        + w.retries().giveUpAfter() + " is more than half of the app's deletion deadline " + deadline
                        + "; a person must have the other half to settle the system's part"));
            }
        }
    }

    private static Set<WebhookSpec.Kind> kinds(YamlNode e, String where) {
        Set<WebhookSpec.Kind> kinds = EnumSet.noneOf(WebhookSpec.Kind.class);
        Optional<Node> raw = e.raw("kinds");
        if (raw.isEmpty()) {
            e.problem(e.line(), where + ": missing required 'kinds' (erasure, access)");
            return kinds;
        }
        if (!(raw.get() instanceof SequenceNode list)) {
            e.problem(YamlNode.line(raw.get()), where + ": 'kinds' must be a list such as [erasure]");
            return kinds;
        }
        for (Node n : list.getValue()) {
            String k = n instanceof ScalarNode s ? s.getValue() : "";
            Optional<WebhookSpec.Kind> kind = WebhookSpec.Kind.fromWire(k);
            if (kind.isEmpty()) {
                e.problem(YamlNode.line(n), where + ": unknown request kind '" + k + "'; valid: erasure, access");
            } else if (!kinds.add(kind.get())) {
                e.problem(YamlNode.line(n), where + ": request kind '" + k + "' is listed twice");
            }
        }
        if (list.getValue().isEmpty()) {
            e.problem(YamlNode.line(list), where + ": 'kinds' must list at least one request kind");
        }
        return kinds;
    }

    /** Optional; the key alone by default. The key is always sent: it is how a system finds the subject. */
    private static Set<WebhookSpec.Identifier> identifiers(YamlNode e, String where) {
        Set<WebhookSpec.Identifier> ids = EnumSet.of(WebhookSpec.Identifier.ID);
        Optional<Node> raw = e.raw("identifiers");
        if (raw.isEmpty()) {
            return ids;
        }
        if (!(raw.get() instanceof SequenceNode list)) {
            e.problem(YamlNode.line(raw.get()), where + ": 'identifiers' must be a list such as [id, email]");
            return ids;
        }
        Set<WebhookSpec.Identifier> seen = EnumSet.noneOf(WebhookSpec.Identifier.class);
        for (Node n : list.getValue()) {
            String k = n instanceof ScalarNode s ? s.getValue() : "";
            Optional<WebhookSpec.Identifier> id = WebhookSpec.Identifier.fromWire(k);
            if (id.isEmpty()) {
                e.problem(YamlNode.line(n), where + ": unknown identifier '" + k + "'; valid: id, email");
            } else if (!seen.add(id.get())) {
                e.problem(YamlNode.line(n), where + ": identifier '" + k + "' is listed twice");
            }
        }
        if (!seen.contains(WebhookSpec.Identifier.ID)) {
            e.problem(YamlNode.line(list), where + ": 'identifiers' must include id (the subject's key)");
        }
        ids.addAll(seen);
        return ids;
    }

    private static boolean flag(YamlNode e, String key, String where) {
        return e.optString(key, "webhooks[]." + key).map(String::trim).map(v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                e.problem(e.lineOf(key), where + ": " + key + " must be true or false");
                yield false;
            }
        }).orElse(false);
    }
}
