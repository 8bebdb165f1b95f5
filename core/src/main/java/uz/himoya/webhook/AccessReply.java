package uz.himoya.webhook;

/**
 * What became of one attempt at an access job ({@link WebhookSubjectData}): the system's data for the subject,
 * or one of the answers every kind of job can get, with the same codes as an erasure's ({@link Reply}).
 *
 * <pre>{@code
 * switch (reader.read(spec, secret, job, clock.instant())) {
 *     case SubjectData d -> pack.add(spec.name(), d.records());
 *     case Reply.Accepted a -> parts.waiting(spec.name());        // the data comes by a signed callback
 *     case Reply.Retry r -> parts.retryAt(spec.name(), r.code(), now.plus(backoff.delay(attempt)));
 *     case Reply.Failed f -> parts.failed(spec.name(), f.code());
 * }
 * }</pre>
 */
public sealed interface AccessReply permits SubjectData, Reply.NoResult {
}
