package uz.himoya.snapstart;

import jakarta.enterprise.context.ApplicationScoped;
import uz.himoya.webhook.Reply;
import uz.himoya.webhook.WebhookClient;

/**
 * A webhook job's HTTP exchange, before a SnapStart snapshot. The erasure worker's first job to an app's system
 * otherwise loads and links java.net.http's client, the pinned tunnel and the reply's parsing after the restore:
 * with the demo system, bin/bench-coldstart measured about 370 ms from the end of the restore to the worker's
 * answer without this primer, 297-318 ms with it (README, "Cold starts").
 *
 * <p>No system is contacted ({@link WebhookClient#primeOnLoopback()}: a listener of the client's own on loopback,
 * a job naming nobody, a throwaway secret). Not primed: a TLS handshake, which would need a certificate the
 * client trusts.
 */
@ApplicationScoped
public class WebhookPrimer implements Primer {
    private final WebhookClient client;

    public WebhookPrimer(WebhookClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void prime() throws Exception {
        Reply r = client.primeOnLoopback();
        if (!(r instanceof Reply.Done)) {
            // The reply's kind and code only: neither names a value.
            throw new IllegalStateException("the primer's own listener was answered with " + r);
        }
    }
}
