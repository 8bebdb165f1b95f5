package uz.himoya.webhook;

import java.util.List;

/**
 * What became of one webhook attempt. Codes are short and stable (they end up in receipts, the watchdog
 * digest and logs) and never carry what the system replied: a reply may hold personal data.
 *
 * <pre>{@code
 * switch (client.send(spec, secret, job, clock.instant())) {
 *     case Reply.Done d -> store.done(spec.name(), d.rows(), d.categories());
 *     case Reply.Accepted a -> store.waiting(spec.name());             // a signed callback follows
 *     case Reply.Retry r -> store.retryAt(spec.name(), r.code(), now.plus(backoff.delay(attempt)));
 *     case Reply.Failed f -> store.failed(spec.name(), f.code());
 * }
 * }</pre>
 *
 * An access job ({@link WebhookSubjectData}) gets the same answers but its own result: {@link NoResult} is
 * what both kinds share, so 202, retries and failures are mapped, and coded, once.
 */
public sealed interface Reply {
    /** 200 with a strictly valid erasure result: the system has finished. */
    record Done(long rows, List<String> categories) implements Reply {
        public Done {
            categories = List.copyOf(categories);
        }
    }

    /** An answer without a result, the same for every kind of job: accepted, try again, or failed. */
    sealed interface NoResult extends Reply, AccessReply permits Accepted, Retry, Failed {
    }

    /** 202: the system took the job and will POST its result to the job's callback. */
    record Accepted() implements NoResult {
    }

    /**
     * Worth trying again later: 5xx ({@code webhook-500}, {@code webhook-503}, ...), 408 and 429,
     * {@code webhook-timeout}, {@code webhook-unreachable} (DNS or connection), {@code webhook-tls},
     * {@code webhook-interrupted} (the worker itself is being stopped).
     */
    record Retry(String code) implements NoResult {
    }

    /**
     * Final: another 4xx ({@code webhook-404}, ...), another 2xx, {@code webhook-redirect},
     * {@code webhook-bad-reply} (a 200 whose body is not a valid result of the job's kind, or too large),
     * {@code webhook-private-address}, {@code webhook-not-https}, {@code webhook-bad-url} (no host).
     */
    record Failed(String code) implements NoResult {
    }
}
