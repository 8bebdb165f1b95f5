package uz.himoya.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.privacymap.WebhookSpec;

/**
 * What Himoya asks of a system: one request, its kind, the app and the subject's identifiers, and where to
 * call back when the answer comes later. The body is
 * <pre>{@code
 * {"requestId":"<uuid>","kind":"erasure","app":"demo",
 *  "subject":{"id":"42","email":"a@b.uz"},
 *  "callback":"https://himoya.example/v1/callbacks/<uuid>/crm"}
 * }</pre>
 * with an absent identifier left out. A system may see the same job more than once (retries after a
 * timeout whose reply was lost): requestId is its idempotency key.
 *
 * <pre>{@code
 * WebhookJob job = WebhookJob.of(requestId, Kind.ERASURE, "demo", new Subject(Optional.of("42"), Optional.empty()),
 *         config.publicBaseUrl(), spec.name());
 * }</pre>
 */
public record WebhookJob(UUID requestId, WebhookSpec.Kind kind, String app, Subject subject, URI callback) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The subject's identifiers; at least one. */
    public record Subject(Optional<String> id, Optional<String> email) {
        public Subject {
            Objects.requireNonNull(id);
            Objects.requireNonNull(email);
            if (id.isEmpty() && email.isEmpty()) {
                throw new IllegalArgumentException("a webhook job names the subject by id, e-mail or both");
            }
        }

        /** Identifiers are personal data: a logged job or subject shows which ones it has, not their values. */
        @Override
        public String toString() {
            return "Subject[id " + (id.isPresent() ? "given" : "absent") + ", email "
                    + (email.isPresent() ? "given" : "absent") + "]";
        }
    }

    public WebhookJob {
        Objects.requireNonNull(requestId);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(app);
        Objects.requireNonNull(subject);
        Objects.requireNonNull(callback);
    }

    /** A job whose callback is {@code <publicBaseUrl>/v1/callbacks/<requestId>/<webhook>}. */
    public static WebhookJob of(UUID requestId, WebhookSpec.Kind kind, String app, Subject subject,
            String publicBaseUrl, String webhook) {
        return new WebhookJob(requestId, kind, app, subject, callbackUri(publicBaseUrl, requestId, webhook));
    }

    public static URI callbackUri(String publicBaseUrl, UUID requestId, String webhook) {
        String base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
        return URI.create(base + Callbacks.PATH_PREFIX + requestId + "/" + webhook);
    }

    /** The JSON body, exactly the bytes that are signed and sent. */
    public byte[] body() {
        ObjectNode root = JSON.createObjectNode();
        root.put("requestId", requestId.toString());
        root.put("kind", kind.wire());
        root.put("app", app);
        ObjectNode s = root.putObject("subject");
        subject.id().ifPresent(v -> s.put("id", v));
        subject.email().ifPresent(v -> s.put("email", v));
        root.put("callback", callback.toString());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a webhook job");
        }
    }
}
