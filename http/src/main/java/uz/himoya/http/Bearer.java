package uz.himoya.http;

import java.util.Optional;

/** The credentials of "Authorization: Bearer &lt;key&gt;". The scheme name is case-insensitive (RFC 9110 11.1). */
public final class Bearer {
    private Bearer() {
    }

    public static Optional<String> token(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.strip();
        int space = h.indexOf(' ');
        if (space < 0 || !h.substring(0, space).equalsIgnoreCase("Bearer")) {
            return Optional.empty();
        }
        String token = h.substring(space + 1).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
