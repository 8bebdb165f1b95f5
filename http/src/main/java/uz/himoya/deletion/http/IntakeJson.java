package uz.himoya.deletion.http;

import java.util.List;
import java.util.Optional;
import uz.himoya.crypto.Secrets;
import uz.himoya.deletion.IntakeCommand;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;

/**
 * The intake body {"subject": {"id", "email"}, "locale", "verified"}, read by StrictJson: a misspelt
 * "verfied", a second document or a lone surrogate in an id is refused, never guessed. Shape errors are
 * handed back so the resource lists them in one 422 with the service's field rules.
 */
final class IntakeJson {
    record Body(Subject subject, Optional<String> locale, Optional<Boolean> verified) {
    }

    /** Apps keep numeric ids too: 1001 and "1001" are the same subject. */
    record Subject(@StrictJson.NumberAsText Optional<String> id, Optional<String> email) {
    }

    private IntakeJson() {
    }

    /** The command as far as it could be read, and the shape errors found on the way. */
    record Decoded(IntakeCommand command, List<Problem.FieldError> errors) {
    }

    static Decoded decode(byte[] body, String idempotencyKey) {
        StrictJson.Decoded<Body> d = StrictJson.decode(body, Body.class);
        Body b = d.value();
        Optional<String> id = b.subject() == null ? Optional.empty() : b.subject().id();
        Optional<String> email = b.subject() == null ? Optional.empty() : b.subject().email();
        return new Decoded(new IntakeCommand(id, email, b.locale(), b.verified().orElse(false),
                Optional.ofNullable(idempotencyKey), Secrets.sha256(d.canonical())), d.errors());
    }
}
