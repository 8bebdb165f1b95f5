package uz.himoya.http;

import java.io.IOException;
import java.io.InputStream;
import uz.himoya.problem.Problem;

/** Reads a request body with a hard limit: nothing past 64 KiB is buffered. */
public final class Bodies {
    public static final int MAX_BYTES = 64 * 1024;

    private Bodies() {
    }

    public static byte[] read(InputStream in) {
        try {
            byte[] body = in == null ? new byte[0] : in.readNBytes(MAX_BYTES + 1);
            if (body.length > MAX_BYTES) {
                throw Problem.of(413, "payload-too-large", "Payload too large", "The body is over 64 KiB.");
            }
            return body;
        } catch (IOException e) {
            throw Problem.of(400, "unreadable-body", "Unreadable body", "The body could not be read.");
        }
    }
}
