package uz.himoya.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import uz.himoya.json.StrictJson;
import uz.himoya.privacymap.DataCategory;
import uz.himoya.problem.Problem;

/**
 * A system's later answer to a job it took with 202: {@code POST /v1/callbacks/<requestId>/<webhook>},
 * signed with the webhook's secret in {@link WebhookSignature#HEADER} exactly as Himoya signs its jobs, with
 * one of these bodies:
 * <pre>{@code
 * {"requestId":"<uuid>","status":"done","rows":3,"categories":["contact.email"]}
 * {"requestId":"<uuid>","status":"failed","code":"subject-unknown"}
 * }</pre>
 * The body repeats the request id, and it must match the path: the signature covers the body, not the
 * path, so without it a callback captured for one request could be replayed, inside the window, onto
 * another request of the same system and close it unerased.
 *
 * <p>An access job's callback comes the same way, its done body carrying the system's data for the subject in
 * the format of {@link SubjectData} (one parser for it, whether it comes in a 200 or here):
 * <pre>{@code
 * {"requestId":"<uuid>","status":"done","records":[{"category":"contact.name","fields":{"name":"..."}}]}
 * {"requestId":"<uuid>","status":"failed","code":"subject-unknown"}
 * }</pre>
 * {@link #verifyAccess} reads it. No route takes it yet: the access workflow (issue 13) will, and will tell an
 * access callback from an erasure's by the request its path names.
 *
 * <pre>{@code
 * Callbacks.Target target = Callbacks.target(path);                       // which request, which webhook
 * String secret = secretOf(app, target.webhook());
 * Callbacks.Outcome o = Callbacks.verify(secret, target, header, body, clock.instant());
 * }</pre>
 *
 * A refusal is a {@link Rejected} problem with a stable code whose message echoes nothing sent.
 */
public final class Callbacks {
    public static final String PATH_PREFIX = "/v1/callbacks/";
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Pattern PATH = Pattern.compile(Pattern.quote(PATH_PREFIX)
            + "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/([a-z][a-z0-9-]{1,39})");
    private static final Pattern CODE = Pattern.compile("[a-z0-9-]{1,40}");
    private static final String SHAPES = "The body must be {\"requestId\", \"status\": \"done\", \"rows\", "
            + "\"categories\"} or {\"requestId\", \"status\": \"failed\", \"code\"}.";
    private static final String ACCESS_SHAPES = "The body must be {\"requestId\", \"status\": \"done\", "
            + "\"records\"} or {\"requestId\", \"status\": \"failed\", \"code\"}.";

    /** The request and webhook a callback path names. */
    public record Target(UUID requestId, String webhook) {
    }

    /** What the system reports. */
    public sealed interface Outcome {
        record Done(long rows, List<String> categories) implements Outcome {
            public Done {
                categories = List.copyOf(categories);
            }
        }

        /** code: the system's own short reason, [a-z0-9-]{1,40}. */
        record Failed(String code) implements Outcome, AccessOutcome {
        }
    }

    /** What a system reports for an access job: its data for the subject, or that it failed. */
    public sealed interface AccessOutcome permits SubjectData, Outcome.Failed {
    }

    /**
     * A refused callback, as the problem the HTTP edge answers: callback-path 404, callback-signature and
     * callback-stale 401, callback-body 422.
     */
    public static final class Rejected extends Problem {
        Rejected(int status, String code, String title, String detail) {
            super(status, code, title, detail, List.of(), Map.of());
        }

        public String code() {
            return type();
        }
    }

    /** A body that names its request, to be matched with the path's. */
    private interface Addressed {
        UUID requestId();
    }

    private record Body(UUID requestId, String status, Optional<Long> rows, Optional<List<String>> categories,
            Optional<String> code) implements Addressed {
    }

    private record AccessBody(UUID requestId, String status, Optional<List<SubjectData.Wire>> records,
            Optional<String> code) implements Addressed {
    }

    private Callbacks() {
    }

    /** The request id and webhook name of a callback path such as /v1/callbacks/&lt;uuid&gt;/crm. */
    public static Target target(String path) {
        Matcher m = path == null ? null : PATH.matcher(path);
        if (m == null || !m.matches()) {
            throw new Rejected(404, "callback-path", "Unknown callback",
                    "A callback path is /v1/callbacks/<request id>/<webhook name>.");
        }
        return new Target(UUID.fromString(m.group(1)), m.group(2));
    }

    /** {@link #verify(String, Target, String, byte[], Instant, Duration)} with the 5-minute window. */
    public static Outcome verify(String secret, Target target, String signature, byte[] body, Instant now) {
        return verify(secret, target, signature, body, now, WebhookSignature.DEFAULT_WINDOW);
    }

    /**
     * Checks the signature first (nothing unauthenticated is parsed), then the body.
     *
     * @throws Rejected callback-signature, callback-stale or callback-body
     */
    public static Outcome verify(String secret, Target target, String signature, byte[] body, Instant now,
            Duration window) {
        Body b = authentic(secret, target, signature, body, now, window, Body.class, SHAPES);
        return switch (b.status()) {
            case "done" -> {
                if (b.rows().isEmpty() || b.categories().isEmpty() || b.code().isPresent() || b.rows().get() < 0
                        || !validCategories(b.categories().get())) {
                    throw body("A done callback has rows (0 or more) and categories (distinct data categories of "
                            + "the privacy map), and no code.");
                }
                yield new Outcome.Done(b.rows().get(), b.categories().get());
            }
            case "failed" -> failed(b.code(), b.rows().isPresent() || b.categories().isPresent(),
                    "rows or categories");
            default -> throw body(SHAPES);
        };
    }

    /**
     * An access job's callback, checked as {@link #verify(String, Target, String, byte[], Instant)} checks an
     * erasure's: the signature first, within the 5-minute window, then the body, whose records are
     * {@link SubjectData}'s format.
     *
     * @throws Rejected callback-signature, callback-stale or callback-body
     */
    public static AccessOutcome verifyAccess(String secret, Target target, String signature, byte[] body,
            Instant now) {
        AccessBody b = authentic(secret, target, signature, body, now, WebhookSignature.DEFAULT_WINDOW,
                AccessBody.class, ACCESS_SHAPES);
        return switch (b.status()) {
            case "done" -> {
                Optional<SubjectData> data = b.code().isPresent() ? Optional.empty()
                        : b.records().flatMap(SubjectData::of);
                yield data.orElseThrow(() -> body("A done access callback has records in the format of "
                        + "docs/privacy-map.md (\"Access jobs\"), and no code."));
            }
            case "failed" -> failed(b.code(), b.records().isPresent(), "records");
            default -> throw body(ACCESS_SHAPES);
        };
    }

    /** The signature, then the body as shape, then its request against the path's. */
    private static <B extends Addressed> B authentic(String secret, Target target, String signature, byte[] body,
            Instant now, Duration window, Class<B> shape, String shapes) {
        if (body == null || body.length > MAX_BODY_BYTES) {
            throw body("The body must be at most " + MAX_BODY_BYTES + " bytes.");
        }
        try {
            WebhookSignature.verify(secret, signature, body, now, window);
        } catch (WebhookSignature.Rejected e) {
            if (e.reason() == WebhookSignature.Rejected.Reason.STALE) {
                throw new Rejected(401, "callback-stale", "Stale callback",
                        "The signature's time is more than " + window.toSeconds() + " s from Himoya's clock.");
            }
            throw new Rejected(401, "callback-signature", "Bad callback signature", e.getMessage());
        }
        B b;
        try {
            b = StrictJson.read(body, shape);
        } catch (Problem p) {
            throw body(shapes);
        }
        if (!b.requestId().equals(target.requestId())) {
            throw body("The body's requestId is not the request of the callback path.");
        }
        return b;
    }

    /** A failed callback of either kind: the system's code, and none of the done members (named by others). */
    private static Outcome.Failed failed(Optional<String> code, boolean doneMembers, String others) {
        if (code.isEmpty() || !CODE.matcher(code.get()).matches() || doneMembers) {
            throw body("A failed callback has a code matching " + CODE.pattern() + ", and no " + others + ".");
        }
        return new Outcome.Failed(code.get());
    }

    /** A result's categories, from a 200 reply or a callback: distinct data categories of the privacy map. */
    static boolean validCategories(List<String> categories) {
        return DataCategory.ALL.containsAll(categories) && new HashSet<>(categories).size() == categories.size();
    }

    private static Rejected body(String detail) {
        return new Rejected(422, "callback-body", "Invalid callback body", detail);
    }
}
