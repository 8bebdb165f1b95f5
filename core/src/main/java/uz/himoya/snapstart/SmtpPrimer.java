package uz.himoya.snapstart;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.vertx.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The first mail a function sends costs the SMTP client's whole path (connection pool, EHLO, MIME
 * encoding, DATA). This primer sends one multipart mail, shaped like MailGateway's, through the same
 * Vert.x mail client quarkus-mailer uses, to an SMTP sink it runs itself on loopback for the moment: the
 * mail goes nowhere, and the configured SMTP server is not contacted (its connection could not survive
 * the snapshot anyway). quarkus-mailer's own layer is primed with a mail that has no recipient: it is
 * refused before any connection is made.
 */
@ApplicationScoped
public class SmtpPrimer implements Primer {
    private final Vertx vertx;
    private final Mailer mailer;

    public SmtpPrimer(Vertx vertx, Mailer mailer) {
        this.vertx = vertx;
        this.mailer = mailer;
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    public void prime() throws Exception {
        try {
            mailer.send(new Mail().setSubject("priming").setText("priming").setHtml("<p>priming</p>")
                    .addHeader("Message-ID", "<priming@himoya>"));
        } catch (RuntimeException expected) {
            // no recipient: refused before connecting, which is the point
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread sink = Thread.ofPlatform().daemon().name("priming-smtp-sink").start(() -> accept(server));
            // The Mutiny client and a blocking await: the way quarkus-mailer's blocking Mailer sends.
            MailClient client = MailClient.create(io.vertx.mutiny.core.Vertx.newInstance(vertx), new MailConfig()
                    .setHostname("127.0.0.1").setPort(server.getLocalPort()).setStarttls(StartTLSOptions.DISABLED)
                    .setKeepAlive(false));
            try {
                MailMessage m = new MailMessage().setFrom("priming@himoya.invalid").setTo("priming@himoya.invalid")
                        .setSubject("priming").setHtml("<p>priming</p>").setText("priming");
                m.addHeader("Message-ID", "<priming@himoya>").addHeader("Auto-Submitted", "auto-generated");
                client.sendMail(m).await().atMost(Duration.ofSeconds(10));
            } finally {
                client.closeAndAwait();
            }
            sink.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    /** Just enough SMTP to take one mail and drop it. */
    private static void accept(ServerSocket server) {
        try (Socket s = server.accept();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream()) {
            reply(out, "220 priming");
            boolean data = false;
            for (String line; (line = in.readLine()) != null;) {
                if (data) {
                    if (line.equals(".")) {
                        data = false;
                        reply(out, "250 dropped");
                    }
                    continue;
                }
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO" -> reply(out, "250-priming\r\n250 8BITMIME");
                    case "DATA" -> {
                        data = true;
                        reply(out, "354 go on");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "250 ok");
                }
            }
        } catch (IOException e) {
            // the client went away: priming is best effort
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
