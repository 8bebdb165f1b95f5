package uz.himoya.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A one-connection proxy on loopback that connects to addresses already checked, never to a name. It is how
 * Himoya pins a webhook to the addresses {@link uz.himoya.net.TargetPolicy} allowed: java.net.http has no resolver hook,
 * but given a proxy it leaves the target unresolved and hands the name to the proxy (CONNECT host:port for
 * https, an absolute-form request for http). This proxy ignores that name for routing and opens a socket to
 * the pinned addresses, so a DNS answer that changes between check and connect (DNS rebinding) is never
 * used. TLS still runs end to end between the client and the target, with SNI and hostname verification
 * against the URL's name, since the client believes it talks through an ordinary proxy.
 *
 * <p>Residual risk: between bind and accept, another process on the same host could take the single
 * connection. It would reach only the checked target, and the webhook attempt would then fail and be
 * retried; in Lambda no other process shares the sandbox.
 */
final class PinnedTunnel implements AutoCloseable {
    private static final int MAX_HEAD = 4096;

    private final ServerSocket listener;
    private final boolean connectMethod;
    private final String authority;
    private final List<InetAddress> targets;
    private final int port;
    private final long deadlineNanos;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile String failure;

    /**
     * @param connectMethod true for https: the client first sends CONNECT authority
     * @param authority     host:port of the URL, as the client names it in CONNECT
     */
    PinnedTunnel(boolean connectMethod, String authority, List<InetAddress> targets, int port, long deadlineNanos)
            throws IOException {
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.connectMethod = connectMethod;
        this.authority = authority.toLowerCase(Locale.ROOT);
        this.targets = List.copyOf(targets);
        this.port = port;
        this.deadlineNanos = deadlineNanos;
        Thread.ofVirtual().name("webhook-tunnel").start(this::run);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** Why the tunnel could not reach the target: webhook-timeout or webhook-unreachable. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        closeQuietly(listener);
        open.forEach(PinnedTunnel::closeQuietly);
    }

    private void run() {
        try (Socket client = accept()) {
            if (connectMethod && !readConnect(client.getInputStream())) {
                failure = "webhook-unreachable";
                write(client, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                return;
            }
            Socket target = connect();
            if (target == null) {
                if (connectMethod) {
                    write(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                }
                return;
            }
            try (target) {
                client.setSoTimeout(0);
                if (connectMethod) {
                    write(client, "HTTP/1.1 200 Connection established\r\n\r\n");
                }
                Thread back = Thread.ofVirtual().name("webhook-tunnel-back").start(() -> pipe(target, client));
                pipe(client, target);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // The client sees the connection end and reports it; the cause is in failure when it is ours.
        } finally {
            close();
        }
    }

    private Socket accept() throws IOException {
        listener.setSoTimeout(remainingMillis());
        Socket client = listener.accept();
        open.add(client);
        closeQuietly(listener); // one connection, then nobody else
        client.setSoTimeout(remainingMillis());
        return client;
    }

    /** Reads the CONNECT head byte by byte, so that nothing after it is swallowed, and checks its target. */
    private boolean readConnect(InputStream in) throws IOException {
        Optional<String> head = HttpHead.read(in, MAX_HEAD);
        if (head.isEmpty()) {
            return false;
        }
        String text = head.get();
        String[] parts = text.substring(0, text.indexOf("\r\n")).split(" ");
        // The client is private to one call, so any other target would be a bug: refuse it loudly.
        return parts.length == 3 && parts[0].equals("CONNECT") && parts[1].toLowerCase(Locale.ROOT).equals(authority);
    }

    private Socket connect() {
        for (InetAddress a : targets) {
            Socket s = new Socket();
            open.add(s);
            try {
                s.connect(new InetSocketAddress(a, port), remainingMillis());
                failure = null; // an earlier address failed, this one answered
                return s;
            } catch (SocketTimeoutException e) {
                failure = "webhook-timeout";
            } catch (IOException e) {
                failure = failure == null ? "webhook-unreachable" : failure;
            }
            closeQuietly(s);
            if (remainingMillis() <= 1) {
                failure = "webhook-timeout";
                break;
            }
        }
        return null;
    }

    /** Copies one direction until its end, then half-closes the other side so the peer sees the end too. */
    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = in.read(buf)) >= 0;) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private int remainingMillis() {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Already closed or broken: nothing left to release.
        }
    }
}
