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
 * <li>{@link uz.himoya.webhook.Callbacks} verifies a system's later answer to a 202.</li>
 * </ul>
 * The deletion workflow drives them (uz.himoya.deletion.SystemSteps, SystemCallbacks). Nothing here logs:
 * replies and callbacks may hold personal data, and codes say enough.
 */
package uz.himoya.webhook;
