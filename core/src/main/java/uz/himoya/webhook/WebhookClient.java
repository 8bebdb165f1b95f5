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
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /** The 200 body: how many rows the system erased and the data categories they held. */
    private record DoneBody(long rows, List<String> categories) {
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
        if (!spec.takes(job.kind())) {
            throw new IllegalArgumentException("webhook " + spec.name() + " does not take " + job.kind().wire());
        }
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        URI url = spec.url();
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https");
        if (!tls && !(localRun && scheme.equals("http"))) {
            return new Reply.Failed("webhook-not-https");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            // Never hand a missing host to the resolver: InetAddress reads null as loopback.
            return new Reply.Failed("webhook-bad-url");
        }
        List<InetAddress> addresses;
        try {
            addresses = resolve(url.getHost(), deadline);
        } catch (TimeoutException e) {
            return new Reply.Retry("webhook-timeout");
        } catch (UnknownHostException e) {
            return new Reply.Retry("webhook-unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply.Retry("webhook-interrupted");
        }
        if (addresses.isEmpty() || !addresses.stream().allMatch(a -> TargetPolicy.allowed(a, spec.allowPrivate(),
                localRun))) {
            return new Reply.Failed("webhook-private-address");
        }
        byte[] body = job.body();
        String signature = WebhookSignature.sign(secret, body, now);
        int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
        try (PinnedTunnel tunnel = new PinnedTunnel(tls, url.getHost() + ":" + port, addresses, port, deadline)) {
            return exchange(spec, url, body, signature, tunnel, deadline);
        } catch (IOException e) {
            return new Reply.Retry("webhook-unreachable"); // no loopback port to tunnel through
        }
    }

    private Reply exchange(WebhookSpec spec, URI url, byte[] body, String signature, PinnedTunnel tunnel,
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
            return new Reply.Retry("webhook-timeout");
        } catch (ExecutionException e) {
            return failure(e.getCause(), tunnel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply.Retry("webhook-interrupted");
        } finally {
            reply.cancel(true);
            http.shutdownNow();
            http.close();
        }
    }

    private Reply judge(HttpResponse<CappedBody.Result> r) {
        int status = r.statusCode();
        if (status == 200) {
            return done(r.body());
        }
        if (status == 202) {
            return new Reply.Accepted();
        }
        if (status >= 300 && status < 400) {
            return new Reply.Failed("webhook-redirect");
        }
        if ((status >= 500 && status < 600) || status == 408 || status == 429) {
            return new Reply.Retry("webhook-" + status);
        }
        return new Reply.Failed(status >= 100 && status < 600 ? "webhook-" + status : "webhook-bad-reply");
    }

    private static Reply done(CappedBody.Result body) {
        Optional<DoneBody> parsed = Optional.empty();
        if (!body.tooLarge()) {
            try {
                parsed = Optional.of(StrictJson.read(body.bytes(), DoneBody.class));
            } catch (Problem p) {
                // The problem would name fields only, but the reply is judged, not described: one code.
            }
        }
        return parsed.filter(d -> d.rows() >= 0 && Callbacks.validCategories(d.categories()))
                .<Reply>map(d -> new Reply.Done(d.rows(), d.categories()))
                .orElse(new Reply.Failed("webhook-bad-reply"));
    }

    private static Reply failure(Throwable cause, PinnedTunnel tunnel) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return new Reply.Retry("webhook-timeout");
            }
            if (t instanceof SSLException) {
                return new Reply.Retry("webhook-tls");
            }
        }
        return new Reply.Retry(tunnel.failure().orElse("webhook-unreachable"));
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
