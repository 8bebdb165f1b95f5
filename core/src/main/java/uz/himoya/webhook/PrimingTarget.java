package uz.himoya.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The stand-in system of {@link WebhookClient#primeOnLoopback()}: a listener on loopback that takes one request,
 * reads its head and body without looking at them, and answers 200 with zero rows. Closed with the priming.
 */
final class PrimingTarget implements AutoCloseable {
    private static final byte[] ANSWER = "{\"rows\":0,\"categories\":[]}".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEAD = 8192;
    private static final int TIMEOUT_MILLIS = 5_000;

    private final ServerSocket listener;
    private final Thread server;

    private PrimingTarget(ServerSocket listener) {
        this.listener = listener;
        this.server = Thread.ofVirtual().name("webhook-primer").start(this::answerOnce);
    }

    static PrimingTarget start() throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        listener.setSoTimeout(TIMEOUT_MILLIS);
        return new PrimingTarget(listener);
    }

    InetAddress address() {
        return listener.getInetAddress();
    }

    /** Any host name does: the pinned tunnel connects to {@link #address()}, never to the name. */
    URI url() {
        return URI.create("http://primer.invalid:" + listener.getLocalPort() + "/jobs");
    }

    /** Waits until the answer is written (or the listener gave up), so no thread of the priming outlives it. */
    void awaitAnswered() {
        try {
            server.join(TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void answerOnce() {
        try (Socket s = listener.accept()) {
            s.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = s.getInputStream();
            long length = 0;
            for (String line : HttpHead.read(in, MAX_HEAD).orElse("").split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                    length = Long.parseLong(line.substring(colon + 1).trim());
                }
            }
            in.skipNBytes(length);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + ANSWER.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(ANSWER);
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client never came or went away: the reply primeOnLoopback() returns says so
        }
    }
}
