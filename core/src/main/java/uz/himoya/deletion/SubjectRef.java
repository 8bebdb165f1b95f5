package uz.himoya.deletion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import uz.himoya.crypto.Secrets;

/** The identifiers an open request still needs, sealed with AES-GCM while they are stored. */
public record SubjectRef(String id, String email) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Optional<String> optId() {
        return Optional.ofNullable(id);
    }

    public Optional<String> optEmail() {
        return Optional.ofNullable(email);
    }

    public byte[] seal(Secrets secrets) {
        try {
            return secrets.encrypt(JSON.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode subject reference");
        }
    }

    public static SubjectRef open(Secrets secrets, byte[] sealed) {
        try {
            return JSON.readValue(secrets.decrypt(sealed), SubjectRef.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot decode subject reference");
        }
    }
}
