package uz.himoya.webhook;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pinning proxy on its own, spoken to over raw sockets as java.net.http speaks to it. */
class PinnedTunnelTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void shouldPipeToThePinnedAddress_whenConnectNamesTheExpectedAuthority() throws Exception {
        // Arrange: an echo target; the CONNECT names a host that exists in no DNS.
        try (ServerSocket target = new ServerSocket(0, 1, LOOPBACK)) {
            Thread.ofVirtual().start(() -> echoOnce(target));
            try (PinnedTunnel tunnel = new PinnedTunnel(true, "crm.himoya.test:" + target.getLocalPort(),
                    List.of(LOOPBACK), target.getLocalPort(), deadline(3));
                    Socket client = new Socket(LOOPBACK, tunnel.address().getPort())) {
                // Act
                client.getOutputStream().write(("CONNECT crm.himoya.test:" + target.getLocalPort()
                        + " HTTP/1.1\r\nHost: crm.himoya.test\r\n\r\nping").getBytes(ISO_8859_1));

                // Assert
                assertThat(read(client.getInputStream(), 43)).isEqualTo("HTTP/1.1 200 Connection established\r\n\r\n"
                        + "ping");
            }
        }
    }

    @Test
    void shouldRefuseAndNeverConnect_whenConnectNamesAnotherAuthority() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket target = new ServerSocket(0, 1, LOOPBACK)) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = target.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            try (PinnedTunnel tunnel = new PinnedTunnel(true, "crm.himoya.test:443", List.of(LOOPBACK),
                    target.getLocalPort(), deadline(3));
                    Socket client = new Socket(LOOPBACK, tunnel.address().getPort())) {
                client.getOutputStream().write("CONNECT evil.example:443 HTTP/1.1\r\n\r\n".getBytes(ISO_8859_1));

                assertThat(read(client.getInputStream(), 12)).isEqualTo("HTTP/1.1 400");
                assertThat(tunnel.failure()).contains("webhook-unreachable");
            }
            assertThat(accepted).hasValue(0);
        }
    }

    @Test
    void shouldAnswer502AndSayUnreachable_whenThePinnedAddressRefuses() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            closed = s.getLocalPort();
        }
        try (PinnedTunnel tunnel = new PinnedTunnel(true, "crm.himoya.test:" + closed, List.of(LOOPBACK), closed,
                deadline(3)); Socket client = new Socket(LOOPBACK, tunnel.address().getPort())) {
            client.getOutputStream().write(("CONNECT crm.himoya.test:" + closed + " HTTP/1.1\r\n\r\n")
                    .getBytes(ISO_8859_1));

            assertThat(read(client.getInputStream(), 12)).isEqualTo("HTTP/1.1 502");
            assertThat(tunnel.failure()).contains("webhook-unreachable");
        }
    }

    @Test
    void shouldTakeOneConnectionOnly() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 1, LOOPBACK);
                PinnedTunnel tunnel = new PinnedTunnel(false, "crm.himoya.test:80", List.of(LOOPBACK),
                        target.getLocalPort(), deadline(3));
                Socket first = new Socket(LOOPBACK, tunnel.address().getPort())) {
            target.accept().close(); // the tunnel reaches the target only after closing its listener

            assertThat(canConnect(tunnel.address().getPort())).isFalse();
        }
    }

    private static boolean canConnect(int port) {
        try (Socket s = new Socket(LOOPBACK, port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long deadline(int seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    private static void echoOnce(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.getOutputStream().write(s.getInputStream().readNBytes(4));
        } catch (IOException e) {
            // the test fails on what it reads
        }
    }

    private static String read(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), ISO_8859_1);
    }
}
