package uz.himoya.webhook;

import java.time.Instant;
import uz.himoya.privacymap.WebhookSpec;

/**
 * Reads what a webhook system holds of one data subject: the webhook side of reading a subject's rows
 * (uz.himoya.store.port.SubjectRows reads them from an app's SQL stores), which the access right (issue 13)
 * builds its package on.
 *
 * <pre>{@code
 * WebhookSubjectData reader = new WebhookSubjectData(WebhookClient.standard());
 * WebhookJob job = WebhookJob.of(requestId, Kind.ACCESS, app, subject, config.publicBaseUrl(), spec.name());
 * AccessReply reply = reader.read(settings.target(spec), secret, job, clock.instant());
 * }</pre>
 *
 * One attempt, made exactly as an erasure's ({@link WebhookClient}: https only outside the local run, every
 * resolved address checked and pinned, no redirects, a signed body of the same shape with
 * {@code "kind":"access"}, the same callback path, the reply capped); the answers are mapped the same way
 * ({@link Reply.NoResult}), except a 200, whose body is the system's data in {@link SubjectData}'s format.
 * After a 202 the data comes later in a signed callback, which {@link Callbacks#verifyAccess} reads; the
 * access workflow will route it, retry by {@link Backoff} and give up by the spec's retries, as the deletion
 * workflow does for erasures.
 *
 * <p>Nothing here logs or names what a system sent: it is the subject's personal data.
 */
public final class WebhookSubjectData {
    private final WebhookClient client;

    public WebhookSubjectData(WebhookClient client) {
        this.client = client;
    }

    /**
     * One attempt at the access job with the system spec names, signed with secret at now.
     *
     * @throws IllegalArgumentException when job is not an access job or the system does not take access
     *         jobs (a caller's bug), before anything is sent
     */
    public AccessReply read(WebhookSpec spec, String secret, WebhookJob job, Instant now) {
        if (job.kind() != WebhookSpec.Kind.ACCESS) {
            throw new IllegalArgumentException("an access read sends an access job, not " + job.kind().wire());
        }
        return client.attempt(spec, secret, job, now, SubjectData::fromReply, answer -> answer);
    }
}
