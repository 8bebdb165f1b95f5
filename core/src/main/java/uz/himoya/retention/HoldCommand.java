package uz.himoya.retention;

import java.util.Optional;

/** A hold as ops place it: the subject by id or registered e-mail, and why (a matter, never personal data). */
public record HoldCommand(Optional<String> subjectId, Optional<String> subjectEmail, String reason) {
}
