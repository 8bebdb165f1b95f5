package uz.himoya.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Set;
import org.junit.jupiter.api.Test;
import uz.himoya.webhook.WebhookClient;

/** The webhook primer runs the production client's exchange to its own loopback listener, and leaves nothing. */
class WebhookPrimerTest {

    @Test
    void primesTheProductionClientAgainstItsOwnListener() {
        // The production client refuses http and loopback targets: the primer goes past those checks only.
        WebhookPrimer primer = new WebhookPrimer(WebhookClient.standard());

        assertThatCode(primer::prime).doesNotThrowAnyException();
        assertThatCode(primer::prime).as("a second run (a second snapshot of the same init)")
                .doesNotThrowAnyException();
    }

    @Test
    void leavesNoThreadOfItsOwnRunning() throws Exception {
        new WebhookPrimer(WebhookClient.standard()).prime();

        // java.net.http's selector thread is the client's and ends with it; the tunnel and the listener too.
        Thread.sleep(200);
        Set<Thread> threads = Thread.getAllStackTraces().keySet();
        assertThat(threads).noneMatch(t -> t.getName().startsWith("HttpClient-") && t.isAlive());
    }
}
