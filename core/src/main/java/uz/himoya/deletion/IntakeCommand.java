package uz.himoya.deletion;

import java.util.Optional;

/**
 * A deletion request as an app files it. verified is the app vouching for a signed-in user.
 * fingerprint identifies the body for Idempotency-Key replays.
 */
public record IntakeCommand(Optional<String> subjectId, Optional<String> subjectEmail, Optional<String> locale,
        boolean verified, Optional<String> idempotencyKey, byte[] fingerprint) {
}
