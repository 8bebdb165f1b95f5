/**
 * Webhooks to systems Himoya cannot reach by SQL (issue 11, part 7): the building blocks, not yet wired
 * into the deletion workflow.
 * <ul>
 * <li>{@link uz.himoya.webhook.WebhookSpecs} reads a privacy map's {@code webhooks} section into
 * {@link uz.himoya.webhook.WebhookSpec}s (name, https URL, secret name, timeout, kinds, allowPrivate);</li>
 * <li>{@link uz.himoya.webhook.WebhookJob} is the signed job body, {@link uz.himoya.webhook.WebhookSignature}
 * the {@code Himoya-Signature: t=..,v1=..} HMAC-SHA256 scheme with its replay window;</li>
 * <li>{@link uz.himoya.webhook.WebhookClient} makes one attempt (address checks, pinned connection, no
 * redirects, capped reply) and answers a {@link uz.himoya.webhook.Reply}; {@link uz.himoya.webhook.Backoff}
 * spaces the retries;</li>
 * <li>{@link uz.himoya.webhook.Callbacks} verifies a system's later answer to a 202.</li>
 * </ul>
 * Nothing here logs: replies and callbacks may hold personal data, and codes say enough.
 */
package uz.himoya.webhook;
