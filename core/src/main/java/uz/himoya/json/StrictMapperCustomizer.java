package uz.himoya.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The framework's own mapper reads what arrives before Himoya's edge sees it (a Lambda event, parsed by
 * Funqy into a tree). A key given twice must fail there too: once parsed, the first value is gone and
 * StrictJson could not tell.
 */
@Singleton
public class StrictMapperCustomizer implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
