package uz.himoya.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Every instant in a JSON answer in whole milliseconds (ISO-8601, UTC): the 202 of an intake and a later
 * GET of the same request then show the same value, whether it came from the clock or the database.
 */
@Singleton
public class JsonAnswers implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("himoya-instants").addSerializer(Instant.class,
                new StdSerializer<>(Instant.class) {
                    @Override
                    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
                            throws IOException {
                        gen.writeString(value.truncatedTo(ChronoUnit.MILLIS).toString());
                    }
                }));
    }

    @Override
    public int priority() {
        // after Quarkus' own JavaTimeModule, so this serializer wins
        return MINIMUM_PRIORITY;
    }
}
