/**
 * Webhooks to systems Himoya cannot reach by SQL (issue 11, part 7): what goes over the wire.
 * <ul>
 * <li>A privacy map's {@code webhooks} section is read by the map's parser into
 * {@link uz.himoya.privacymap.WebhookSpec}s (name, https URL, secret name, timeout, kinds, identifiers,
 * allowPrivate); {@link uz.himoya.webhook.WebhookSettings} finds each one's secret in the config;</li>
 * <li>{@link uz.himoya.webhook.WebhookJob} is the signed job body, {@link uz.himoya.webhook.WebhookSignature}
 * the {@code Himoya-Signature: t=..,v1=..} HMAC-SHA256 scheme with its replay window;</li>
 * <li>{@link uz.himoya.webhook.WebhookClient} makes one attempt (address checks by
 * {@link uz.himoya.net.TargetPolicy}, pinned connection, no redirects, capped reply) and answers a
 * {@link uz.himoya.webhook.Reply}; {@link uz.himoya.webhook.Backoff} spaces the retries;</li>
 * <li>{@link uz.himoya.webhook.Callbacks} verifies a system's later answer to a 202;</li>
 * <li>{@link uz.himoya.webhook.WebhookSubjectData} reads a subject's data from a system with an access job, the
 * same attempt with its own result ({@link uz.himoya.webhook.SubjectData}, one parser for the 200 and the
 * callback, {@link uz.himoya.webhook.Callbacks#verifyAccess}): the webhook side of the store ports'
 * "read a subject's rows" ({@code uz.himoya.store.port.SubjectRows} for SQL stores).</li>
 * </ul>
 * The deletion workflow drives the erasure jobs (uz.himoya.deletion.SystemSteps, SystemCallbacks); the access
 * workflow (issue 13) will drive the access jobs, route their callbacks and retry them, none of which is
 * wired yet. Nothing here logs: replies and callbacks may hold personal data, and codes say enough.
 */
package uz.himoya.webhook;
