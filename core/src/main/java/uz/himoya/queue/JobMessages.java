package uz.himoya.queue;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The job message format: {"requestId":"&lt;uuid&gt;"}. */
public final class JobMessages {
    private static final Pattern REQUEST_ID = Pattern.compile(
            "^\\s*\\{\\s*\"requestId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"\\s*}\\s*$");

    private JobMessages() {
    }

    public static String body(UUID requestId) {
        return "{\"requestId\":\"" + requestId + "\"}";
    }

    public static Optional<UUID> requestId(String body) {
        if (body == null) {
            return Optional.empty();
        }
        Matcher m = REQUEST_ID.matcher(body);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(m.group(1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
