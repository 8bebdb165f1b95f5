package uz.himoya.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a refused send means, through the real mail client (Vert.x, as quarkus-mailer configures it) and
 * MailGateway, against a scripted SMTP server on a real socket that answers one step of the exchange as SES or
 * another server would (issue 12, part 2). Only a 5.1.x reply to RCPT TO fails a notice for good; credentials,
 * throttling, a paused or sandboxed account and a server that goes away are retried. No code carries reply text.
 */
class MailFailureTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            // the recipient's mailbox or domain does not exist: this address, for good
            "RCPT|550 5.1.1 <u1@bench.example>: Recipient address rejected: User unknown|RECIPIENT|smtp-550-5.1.1",
            "RCPT|550 5.1.2 Bad destination system address|RECIPIENT|smtp-550-5.1.2",
            // a 5xx to RCPT for policy, or without an enhanced code: not about the mailbox, tried again
            "RCPT|550 5.7.1 Relaying denied|SERVICE|smtp-550-5.7.1",
            "RCPT|550 No such user here|SERVICE|smtp-550",
            "RCPT|452 4.5.3 Too many recipients|SERVICE|smtp-452-4.5.3",
            // the account: wrong SES credentials, sandbox or paused sending, throttling
            "MAIL|530 5.7.0 Authentication required|SERVICE|smtp-530-5.7.0",
            "MAIL|535 5.7.8 Authentication credentials invalid|SERVICE|smtp-535-5.7.8",
            "DATA-END|554 5.7.1 Message rejected: Email address is not verified. The following identities failed"
                    + " the check in region EU-CENTRAL-1: u1@bench.example|SERVICE|smtp-554-5.7.1",
            "DATA-END|454 4.7.0 Throttling failure: Maximum sending rate exceeded.|SERVICE|smtp-454-4.7.0",
            "GREETING|421 4.3.2 Service not available, closing transmission channel|SERVICE|smtp-421-4.3.2",
            "MAIL|421 4.4.2 Connection timed out|SERVICE|smtp-421-4.4.2"})
    void shouldMeanWhatTheServerMeant_whenASendIsRefused(String step, String reply, MailFailure.Scope scope,
            String code) throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(Map.of(step, reply))) {
            MailGateway gateway = new MailGateway(client(server.port()), "no-reply@himoya.example");

            Throwable thrown = catchThrowable(() -> gateway.send("u1@bench.example", new RenderedMail("s", "<p>h</p>",
                    "t", null)));

            assertThat(thrown).isNotNull();
            MailFailure failure = MailFailure.of(thrown);
            assertThat(failure.scope()).isEqualTo(scope);
            assertThat(failure.code()).isEqualTo(code).doesNotContain("@").doesNotContain("bench");
        }
    }

    @ParameterizedTest(name = "nothing listening -> {0}")
    @CsvSource("SERVICE")
    void shouldRetryWhenNoServerAnswers_whenConnecting(MailFailure.Scope scope) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        MailGateway gateway = new MailGateway(client(port), "no-reply@himoya.example");

        Throwable thrown = catchThrowable(() -> gateway.send("u1@bench.example", new RenderedMail("s", "<p>h</p>", "t",
                null)));

        assertThat(MailFailure.of(thrown)).isEqualTo(new MailFailure(scope, "smtp-unreachable"));
    }

    private static MailClient client(int port) {
        return MailClient.create(vertx, new MailConfig().setHostname("127.0.0.1").setPort(port)
                .setStarttls(StartTLSOptions.DISABLED).setKeepAlive(false));
    }

    /**
     * An SMTP server that answers every step as a well-behaved one, except the step the script names: GREETING,
     * EHLO, MAIL, RCPT, DATA (the 354) or DATA-END (after the message). One connection at a time.
     */
    static final class ScriptedSmtp implements AutoCloseable {
        private final ServerSocket listener;
        private final Map<String, String> script;

        ScriptedSmtp(Map<String, String> script) throws IOException {
            this.script = script;
            this.listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::serve);
        }

        int port() {
            return listener.getLocalPort();
        }

        private void serve() {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    converse(s);
                } catch (IOException e) {
                    // the listener closed, or the client went away
                }
            }
        }

        private void converse(Socket s) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            if (!reply(out, "GREETING", "220 scripted ESMTP")) {
                return;
            }
            for (String line; (line = in.readLine()) != null;) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO", "HELO" -> {
                        if (!reply(out, "EHLO", "250-scripted\r\n250 8BITMIME")) {
                            return;
                        }
                    }
                    case "MAIL" -> {
                        if (!reply(out, "MAIL", "250 2.1.0 OK")) {
                            return;
                        }
                    }
                    case "RCPT" -> {
                        if (!reply(out, "RCPT", "250 2.1.5 OK")) {
                            return;
                        }
                    }
                    case "DATA" -> {
                        if (!reply(out, "DATA", "354 go ahead")) {
                            return;
                        }
                        for (String body; (body = in.readLine()) != null && !body.equals(".");) {
                            // the message itself is not looked at
                        }
                        if (!reply(out, "DATA-END", "250 2.0.0 queued")) {
                            return;
                        }
                    }
                    case "QUIT" -> {
                        write(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> write(out, "250 2.0.0 OK"); // RSET, NOOP
                }
            }
        }

        /** The scripted reply for step, or the normal one; false when the scripted one closes the channel (421). */
        private boolean reply(OutputStream out, String step, String normal) throws IOException {
            String r = script.getOrDefault(step, normal);
            write(out, r);
            return !r.startsWith("421");
        }

        private static void write(OutputStream out, String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
