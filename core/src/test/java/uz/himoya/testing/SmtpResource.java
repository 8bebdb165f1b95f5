package uz.himoya.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/** A real SMTP server (GreenMail) on loopback. Tests stop and restart it to play an SMTP outage. */
public class SmtpResource implements QuarkusTestResourceLifecycleManager {
    private static GreenMail greenMail;
    private static int port;

    @Override
    public Map<String, String> start() {
        startServer();
        return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", Integer.toString(port),
                "quarkus.mailer.mock", "false", "quarkus.mailer.tls", "false",
                "quarkus.mailer.start-tls", "DISABLED");
    }

    public static synchronized GreenMail startServer() {
        if (greenMail == null) {
            if (port == 0) {
                port = freePort();
            }
            greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            greenMail.start();
        }
        return greenMail;
    }

    public static synchronized GreenMail mail() {
        return startServer();
    }

    /** Plays an outage: the port stops answering until {@link #startServer()}. Received mail is dropped. */
    public static synchronized void stopServer() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    @Override
    public void stop() {
        stopServer();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
