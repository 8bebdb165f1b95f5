package uz.himoya.webhook;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;
import uz.himoya.privacymap.WebhookSpec;
import uz.himoya.net.TargetPolicy;

/**
 * Sends one signed {@link WebhookJob} to one system and says what became of it, as a {@link Reply}.
 *
 * <pre>{@code
 * WebhookClient client = WebhookClient.standard();
 * Reply r = client.send(spec, secret, job, clock.instant());
 * }</pre>
 *
 * One attempt, within the spec's timeout from name lookup to the last byte of the reply:
 * <ol>
 * <li>the URL must be https (http only when the client is built for the local run);</li>
 * <li>the host is resolved once, and every address must pass {@link TargetPolicy} (private addresses only
 * with the spec's allowPrivate, loopback only in the local run);</li>
 * <li>the connection goes to exactly those addresses through a {@link PinnedTunnel}, so a second, different
 * DNS answer (rebinding) is never used, while TLS is still verified against the URL's host name;</li>
 * <li>redirects are never followed: a 3xx is {@code webhook-redirect};</li>
 * <li>only a 200's body is read, at most {@code maxReplyBytes}, and never logged or put in an exception.</li>
 * </ol>
 * A 4xx is final, except 408 and 429, which say "later" rather than "never"; 5xx, timeouts and
 * connection errors are retried by the caller ({@link Backoff}).
 *
 * <p>{@link #send} makes an erasure job's attempt; an access job's goes the same way through
 * {@link WebhookSubjectData}, which differs only in how it reads a 200's body.
 */
public final class WebhookClient {
    /** Looks a host name up; the system's DNS in production, a fixed table in tests. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
    }

    public static final int DEFAULT_MAX_REPLY_BYTES = 64 * 1024;
    private static final String USER_AGENT = "Himoya-Webhook/1";
    /** A 200 whose body is not a result of the job's kind, or is over the cap. */
    private static final String BAD_REPLY = "webhook-bad-reply";

    /** The 200 body: how many rows the system erased and the data categories they held. */
    private record DoneBody(long rows, List<String> categories) {
    }

    /** What one attempt came to before a 200's body is read: that body (within the cap), or an answer. */
    private record Exchange(byte[] body, Reply.NoResult answer) {
        static Exchange ok(byte[] body) {
            return new Exchange(body, null);
        }

        static Exchange answer(Reply.NoResult answer) {
            return new Exchange(null, answer);
        }

        static Exchange retry(String code) {
            return answer(new Reply.Retry(code));
        }

        static Exchange failed(String code) {
            return answer(new Reply.Failed(code));
        }
    }

    private final SSLContext sslContext;
    private final boolean localRun;
    private final Resolver resolver;
    private final int maxReplyBytes;

    /**
     * @param sslContext    trust for the targets' certificates (the JDK default in production)
     * @param localRun      true only in the local run: http URLs and loopback targets are then accepted
     * @param resolver      name lookup
     * @param maxReplyBytes cap on a 200 body; more is {@code webhook-bad-reply}
     */
    public WebhookClient(SSLContext sslContext, boolean localRun, Resolver resolver, int maxReplyBytes) {
        this.sslContext = sslContext;
        this.localRun = localRun;
        this.resolver = resolver;
        this.maxReplyBytes = maxReplyBytes;
    }

    /** Production: the JDK's trust store, https only, the system's DNS, 64 KiB replies. */
    public static WebhookClient standard() {
        try {
            return new WebhookClient(SSLContext.getDefault(), false, Resolver.SYSTEM, DEFAULT_MAX_REPLY_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * One attempt at delivering job to the system spec names, signed with secret at now.
     *
     * @throws IllegalArgumentException when the system does not take the job's kind (a caller's bug)
     */
    public Reply send(WebhookSpec spec, String secret, WebhookJob job, Instant now) {
        return attempt(spec, secret, job, now, WebhookClient::done, answer -> answer);
    }

    /**
     * One attempt at a job of any kind: everything but reading a 200's body, which result does (empty: not a
     * result of the job's kind, {@code webhook-bad-reply}, as is a body over the cap). Every other answer
     * goes through answer unchanged, so each kind maps statuses, transport failures and refused targets with
     * the same codes.
     *
     * @throws IllegalArgumentException when the system does not take the job's kind, before anything is sent
     */
    <R> R attempt(WebhookSpec spec, String secret, WebhookJob job, Instant now,
            Function<byte[], Optional<? extends R>> result, Function<Reply.NoResult, ? extends R> answer) {
        if (!spec.takes(job.kind())) {
            throw new IllegalArgumentException("webhook " + spec.name() + " does not take " + job.kind().wire());
        }
        return outcome(deliver(spec, secret, job, now), result, answer);
    }

    /** What an exchange came to: its answer, or a 200's body as result reads it (bad-reply when it reads none). */
    private static <R> R outcome(Exchange e, Function<byte[], Optional<? extends R>> result,
            Function<Reply.NoResult, ? extends R> answer) {
        if (e.answer() != null) {
            return answer.apply(e.answer());
        }
        Optional<? extends R> r = result.apply(e.body());
        return r.isPresent() ? r.get() : answer.apply(new Reply.Failed(BAD_REPLY));
    }

    private Exchange deliver(WebhookSpec spec, String secret, WebhookJob job, Instant now) {
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        URI url = spec.url();
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https");
        if (!tls && !(localRun && scheme.equals("http"))) {
            return Exchange.failed("webhook-not-https");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            // Never hand a missing host to the resolver: InetAddress reads null as loopback.
            return Exchange.failed("webhook-bad-url");
        }
        List<InetAddress> addresses;
        try {
            addresses = resolve(url.getHost(), deadline);
        } catch (TimeoutException e) {
            return Exchange.retry("webhook-timeout");
        } catch (UnknownHostException e) {
            return Exchange.retry("webhook-unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Exchange.retry("webhook-interrupted");
        }
        if (addresses.isEmpty() || !addresses.stream().allMatch(a -> TargetPolicy.allowed(a, spec.allowPrivate(),
                localRun))) {
            return Exchange.failed("webhook-private-address");
        }
        return pinned(spec, secret, job, now, addresses, tls, deadline);
    }

    /**
     * SnapStart priming only (uz.himoya.snapstart.WebhookPrimer): one erasure job, naming nobody, to a listener of
     * the primer's own on loopback ({@link PrimingTarget}), which answers 200 with zero rows. The job goes past the
     * URL and address checks, which refuse loopback over http outside the local run (rightly), and runs the rest
     * as {@link #send} does: signing, the pinned tunnel, java.net.http's client, the reply's judgement and
     * parsing. No caller chooses where it goes.
     */
    public Reply primeOnLoopback() throws IOException {
        try (PrimingTarget target = PrimingTarget.start()) {
            WebhookSpec spec = new WebhookSpec("primer", target.url(), "primer", Duration.ofSeconds(5),
                    Set.of(WebhookSpec.Kind.ERASURE), Set.of(WebhookSpec.Identifier.ID), false,
                    WebhookSpec.Retries.DEFAULT, 0);
            WebhookJob job = WebhookJob.of(UUID.randomUUID(), WebhookSpec.Kind.ERASURE, "primer",
                    new WebhookJob.Subject(Optional.of("0"), Optional.empty()), "http://primer.invalid", "primer");
            Exchange e = pinned(spec, UUID.randomUUID().toString(), job, Instant.now(), List.of(target.address()),
                    false, System.nanoTime() + spec.timeout().toNanos());
            target.awaitAnswered();
            return outcome(e, WebhookClient::done, answer -> answer);
        }
    }

    private Exchange pinned(WebhookSpec spec, String secret, WebhookJob job, Instant now, List<InetAddress> addresses,
            boolean tls, long deadline) {
        URI url = spec.url();
        byte[] body = job.body();
        String signature = WebhookSignature.sign(secret, body, now);
        int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
        try (PinnedTunnel tunnel = new PinnedTunnel(tls, url.getHost() + ":" + port, addresses, port, deadline)) {
            return exchange(spec, url, body, signature, tunnel, deadline);
        } catch (IOException e) {
            return Exchange.retry("webhook-unreachable"); // no loopback port to tunnel through
        }
    }

    private Exchange exchange(WebhookSpec spec, URI url, byte[] body, String signature, PinnedTunnel tunnel,
            long deadline) {
        HttpClient http = HttpClient.newBuilder()
                .proxy(ProxySelector.of(tunnel.address()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(spec.timeout())
                .sslContext(sslContext)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(spec.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header(WebhookSignature.HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<CappedBody.Result>> reply = http.sendAsync(request,
                info -> new CappedBody(info.statusCode() == 200 ? maxReplyBytes : 0));
        try {
            return judge(reply.get(remainingNanos(deadline), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Exchange.retry("webhook-timeout");
        } catch (ExecutionException e) {
            return failure(e.getCause(), tunnel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Exchange.retry("webhook-interrupted");
        } finally {
            reply.cancel(true);
            http.shutdownNow();
            http.close();
        }
    }

    private static Exchange judge(HttpResponse<CappedBody.Result> r) {
        int status = r.statusCode();
        if (status == 200) {
            return r.body().tooLarge() ? Exchange.failed(BAD_REPLY) : Exchange.ok(r.body().bytes());
        }
        if (status == 202) {
            return Exchange.answer(new Reply.Accepted());
        }
        if (status >= 300 && status < 400) {
            return Exchange.failed("webhook-redirect");
        }
        if ((status >= 500 && status < 600) || status == 408 || status == 429) {
            return Exchange.retry("webhook-" + status);
        }
        return Exchange.failed(status >= 100 && status < 600 ? "webhook-" + status : BAD_REPLY);
    }

    /** An erasure's 200 body as its result; empty when it is not exactly {@link DoneBody}. */
    private static Optional<Reply> done(byte[] body) {
        try {
            DoneBody d = StrictJson.read(body, DoneBody.class);
            return d.rows() >= 0 && Callbacks.validCategories(d.categories())
                    ? Optional.of(new Reply.Done(d.rows(), d.categories())) : Optional.empty();
        } catch (Problem p) {
            // The problem would name fields only, but the reply is judged, not described: one code.
            return Optional.empty();
        }
    }

    private static Exchange failure(Throwable cause, PinnedTunnel tunnel) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return Exchange.retry("webhook-timeout");
            }
            if (t instanceof SSLException) {
                return Exchange.retry("webhook-tls");
            }
        }
        return Exchange.retry(tunnel.failure().orElse("webhook-unreachable"));
    }

    private List<InetAddress> resolve(String host, long deadline)
            throws TimeoutException, UnknownHostException, InterruptedException {
        // Lookups can hang for the resolver's own timeouts; the spec's timeout covers them too.
        CompletableFuture<List<InetAddress>> lookup = new CompletableFuture<>();
        Thread.ofVirtual().name("webhook-dns").start(() -> {
            try {
                lookup.complete(List.copyOf(resolver.resolve(host)));
            } catch (Throwable t) {
                lookup.completeExceptionally(t);
            }
        });
        try {
            return lookup.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new UnknownHostException("the webhook host did not resolve");
        }
    }

    private static long remainingNanos(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
