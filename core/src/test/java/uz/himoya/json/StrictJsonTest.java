package uz.himoya.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uz.himoya.breach.BreachMessage;
import uz.himoya.problem.Problem;
import uz.himoya.queue.JobMessages;
import uz.himoya.retention.Continuation;

/** The one strict decoder, and the queue messages it reads. */
class StrictJsonTest {
    record Body(String name, Optional<Boolean> flag) {
    }

    record Free(String name, JsonNode rest) {
    }

    static Problem problem(Runnable r) {
        try {
            r.run();
        } catch (Problem p) {
            return p;
        }
        throw new AssertionError("no problem");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "   ", "null", "{}{}", "{} x", "[]", "{\"name\":\"a\",\"name\":\"b\"}", "{\"name\":" })
    void shouldAnswer400_whenBodyIsNotExactlyOneObject(String body) {
        // Act
        Problem p = problem(() -> StrictJson.read(body, Body.class));

        // Assert
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.getMessage()).doesNotContain("name");
    }

    @Test
    void shouldListEveryField_whenShapeIsWrong() {
        // Act
        Problem p = problem(() -> StrictJson.read("{\"flag\":\"yes\",\"mroe\":1,\"x@y.z\":2}", Body.class));

        // Assert
        assertThat(p.status()).isEqualTo(422);
        assertThat(p.errors()).extracting(Problem.FieldError::field)
                .containsExactlyInAnyOrder("name", "flag", "mroe", "(unnamed)");
    }

    @Test
    void shouldAnswer400_whenBytesAreNotUtf8() {
        // Arrange: a surrogate encoded on its own (CESU-8), and a stray byte
        byte[] cesu = { '{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}' };
        byte[] stray = "{\"name\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);

        // Act + Assert
        assertThat(problem(() -> StrictJson.read(cesu, Body.class)).status()).isEqualTo(400);
        assertThat(problem(() -> StrictJson.read(stray, Body.class)).status()).isEqualTo(400);
    }

    @Test
    void shouldAnswer422_whenTextHoldsNulOrLoneSurrogate() {
        assertThat(problem(() -> StrictJson.read("{\"name\":\"a\\u0000\"}", Body.class)).errors())
                .extracting(Problem.FieldError::field).containsExactly("name");
        assertThat(problem(() -> StrictJson.read("{\"name\":\"x-\\ud800\"}", Body.class)).errors())
                .extracting(Problem.FieldError::field).containsExactly("name");
        assertThat(StrictJson.read("{\"name\":\"\\ud83d\\ude00\"}", Body.class).name()).isEqualTo("\ud83d\ude00");
    }

    @Test
    void shouldHandAJsonNodeComponentOverAsItCame_whileCheckingItsTextAndPresence() {
        // Act
        Free free = StrictJson.read("{\"name\":\"a\",\"rest\":{\"x\":[1,true,null]}}", Free.class);

        // Assert
        assertThat(free.rest().toString()).isEqualTo("{\"x\":[1,true,null]}");
        assertThat(problem(() -> StrictJson.read("{\"name\":\"a\",\"rest\":{\"x\":\"\\u0000\"}}", Free.class))
                .errors()).extracting(Problem.FieldError::field).containsExactly("rest.x");
        assertThat(problem(() -> StrictJson.read("{\"name\":\"a\",\"rest\":null}", Free.class)).errors())
                .extracting(Problem.FieldError::field).containsExactly("rest");
    }

    @Test
    void shouldRefuseQueueMessages_whenTheyAreNotExactlyTheFormat() {
        // Arrange
        UUID id = UUID.randomUUID();

        // Act + Assert
        assertThat(JobMessages.requestId(JobMessages.body(id))).contains(id);
        assertThat(JobMessages.requestId("{\"requestId\":\"" + id + "\",\"x\":1}")).isEmpty();
        assertThat(JobMessages.requestId("{\"requestId\":\"" + id + "\"} {}")).isEmpty();
        assertThat(Continuation.parse(new Continuation(id, Optional.empty()).body())).isPresent();
        assertThat(Continuation.parse("{\"runId\":\"" + id + "\",\"timebudget\":\"PT1M\"}")).isEmpty();
        assertThat(BreachMessage.parse(BreachMessage.body(id, 1, 2, 0))).isPresent();
        assertThat(BreachMessage.parse("{\"incidentId\":\"" + id + "\",\"fromSeq\":1,\"toSeq\":2,\"retyr\":1}"))
                .isEmpty();
        assertThatThrownBy(() -> StrictJson.read("{\"name\":1}", Body.class)).isInstanceOf(Problem.class);
    }
}
