package uz.himoya.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** An HTTP/1.1 request head as the webhook package's two small loopback servers read it (PinnedTunnel, PrimingTarget). */
final class HttpHead {
    private HttpHead() {
    }

    /**
     * The head up to and including its blank line, read byte by byte so that nothing of the body is consumed;
     * empty when the stream ends first or the head is longer than max bytes.
     */
    static Optional<String> read(InputStream in, int max) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (head.size() < max) {
            int b = in.read();
            if (b < 0) {
                return Optional.empty();
            }
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) {
                return Optional.of(head.toString(StandardCharsets.ISO_8859_1));
            }
        }
        return Optional.empty();
    }
}
