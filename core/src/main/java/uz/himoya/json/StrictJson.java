package uz.himoya.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import uz.himoya.problem.Problem;

/**
 * The one way JSON gets into Himoya: HTTP bodies, queue messages and schedule inputs alike. The expected
 * shape is a record; its components name the fields, their types the rules, and {@code Optional} the
 * fields that may be left out or null. Everything else is refused, never guessed:
 * <ul>
 * <li>400 {@code malformed-json}: not UTF-8, empty, not JSON, a key twice in one object, anything after
 * the document, or a document that is not the expected object or array;</li>
 * <li>422 {@code validation}, every field listed: unknown fields, missing or null required ones, wrong
 * types, NUL characters (PostgreSQL cannot store them) and lone UTF-16 surrogates (two different
 * ones would become the same UTF-8 text, so two subjects the same request).</li>
 * </ul>
 * Messages name the field and the rule, never the value sent. A component typed {@code JsonNode} takes any
 * value as it comes (its strings checked as above), for a part whose free shape its own reader judges, such as
 * the fields a webhook system reports of a subject (uz.himoya.webhook.SubjectData).
 *
 * <pre>{@code
 * record Hold(Subject subject, String reason) {}
 * Hold h = StrictJson.read(body, Hold.class);      // throws Problem (400/422)
 * }</pre>
 */
public final class StrictJson {
    /** A string component that also takes a whole number, for ids that apps store as numbers. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface NumberAsText {
    }

    /** What was read, as far as it could be: failed fields are null or empty, and listed in errors. */
    public record Decoded<T>(T value, List<Problem.FieldError> errors, String canonical) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** Field names that are echoed in errors: identifiers only, so an address or a number never is. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,39}");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private StrictJson() {
    }

    /** The body as the given record (or List type); a Problem for anything else. */
    public static <T> T read(byte[] body, Class<T> type) {
        return orThrow(decode(body, type));
    }

    public static <T> T read(String body, Class<T> type) {
        return read(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), type);
    }

    /** For generic shapes such as {@code List<String>}; see {@link #listOf(Class)}. */
    @SuppressWarnings("unchecked")
    public static <T> T read(byte[] body, Type type) {
        return (T) orThrow(decodeType(body, type));
    }

    /** An already parsed tree (a schedule's input inside its envelope), read the same way. */
    public static <T> T read(JsonNode tree, Class<T> type) {
        List<Problem.FieldError> errors = new ArrayList<>();
        checkText(tree, "", errors);
        return orThrow(bindRoot(tree, type, errors));
    }

    /**
     * Like {@link #read(byte[], Class)}, but field errors are handed back with what could be read, so a
     * caller can list them together with its own field rules in one 422. Syntax errors still throw (400).
     */
    @SuppressWarnings("unchecked")
    public static <T> Decoded<T> decode(byte[] body, Class<T> type) {
        return (Decoded<T>) decodeType(body, type);
    }

    public static Type listOf(Class<?> element) {
        return new ParameterizedType() {
            public Type[] getActualTypeArguments() {
                return new Type[] { element };
            }

            public Type getRawType() {
                return List.class;
            }

            public Type getOwnerType() {
                return null;
            }
        };
    }

    /** A submitted key as it may appear in an error: itself if it is a plain identifier, else a placeholder. */
    public static String fieldName(String key) {
        return key != null && PLAIN_NAME.matcher(key).matches() ? key : "(unnamed)";
    }

    /** NUL or a lone surrogate: text Himoya refuses wherever it comes from (a CSV line, a header). */
    public static Optional<String> textProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return Optional.of("must not contain NUL (U+0000)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("is not valid Unicode (a lone UTF-16 surrogate)");
            }
        }
        return Optional.empty();
    }

    /** Strict UTF-8: malformed bytes and encoded surrogates are refused, never replaced. */
    public static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("The body is not valid UTF-8.");
        }
    }

    private static <T> T orThrow(Decoded<T> d) {
        if (!d.errors().isEmpty()) {
            throw Problem.validation(d.errors());
        }
        return d.value();
    }

    private static Decoded<?> decodeType(byte[] body, Type type) {
        JsonNode tree = parse(body == null ? new byte[0] : body);
        List<Problem.FieldError> errors = new ArrayList<>();
        checkText(tree, "", errors);
        return bindRoot(tree, type, errors);
    }

    private static <T> Decoded<T> bindRoot(JsonNode tree, Type type, List<Problem.FieldError> errors) {
        Class<?> raw = raw(type);
        if (raw.isRecord() && (tree == null || !tree.isObject())) {
            throw malformed("The body must be one JSON object.");
        }
        if (List.class.equals(raw) && (tree == null || !tree.isArray())) {
            throw malformed("The body must be one JSON array.");
        }
        @SuppressWarnings("unchecked")
        T value = (T) bind(tree, type, "", false, errors);
        return new Decoded<>(value, List.copyOf(new LinkedHashSet<>(errors)), tree.toString());
    }

    private static JsonNode parse(byte[] body) {
        String text = utf8(body);
        if (text.isBlank()) {
            throw malformed("The body is empty: send one JSON document.");
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // Jackson's messages quote the input, so only their kind is told.
            String m = String.valueOf(e.getOriginalMessage());
            if (m.startsWith("Duplicate field")) {
                throw malformed("A key appears twice in one object.");
            }
            if (m.startsWith("Trailing token")) {
                throw malformed("There is content after the JSON document.");
            }
            throw malformed("The body is not valid JSON.");
        }
    }

    private static Problem malformed(String detail) {
        return Problem.of(400, "malformed-json", "Malformed JSON", detail);
    }

    private static void checkText(JsonNode n, String path, List<Problem.FieldError> errors) {
        if (n == null) {
            return;
        }
        if (n.isTextual()) {
            textProblem(n.textValue()).ifPresent(p -> errors.add(new Problem.FieldError(display(path), p)));
        } else if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = join(path, fieldName(e.getKey()));
                textProblem(e.getKey()).ifPresent(p -> errors.add(new Problem.FieldError(child, "a field name " + p)));
                checkText(e.getValue(), child, errors);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                checkText(n.get(i), index(path, i), errors);
            }
        }
    }

    private static Object bind(JsonNode n, Type type, String path, boolean numberAsText,
            List<Problem.FieldError> errors) {
        Class<?> raw = raw(type);
        if (raw == JsonNode.class) {
            // Its text was checked with the whole tree (checkText); its shape is its reader's to judge.
            return n;
        }
        if (raw.isRecord()) {
            return record(n, raw, path, errors);
        }
        if (List.class.equals(raw)) {
            if (!n.isArray()) {
                return fail(errors, path, "must be an array");
            }
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                String at = index(path, i);
                if (n.get(i).isNull()) {
                    errors.add(new Problem.FieldError(at, "must not be null"));
                } else {
                    out.add(bind(n.get(i), element, at, numberAsText, errors));
                }
            }
            return List.copyOf(out.stream().filter(java.util.Objects::nonNull).toList());
        }
        if (Map.class.equals(raw)) {
            if (!n.isObject()) {
                return fail(errors, path, "must be an object");
            }
            Type valueType = ((ParameterizedType) type).getActualTypeArguments()[1];
            Map<String, Object> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = join(path, fieldName(e.getKey()));
                if (e.getValue().isNull()) {
                    errors.add(new Problem.FieldError(at, "must not be null"));
                    continue;
                }
                Object v = bind(e.getValue(), valueType, at, numberAsText, errors);
                if (v != null) {
                    out.put(e.getKey(), v);
                }
            }
            return out;
        }
        return scalar(n, raw, path, numberAsText, errors);
    }

    private static Object scalar(JsonNode n, Class<?> raw, String path, boolean numberAsText,
            List<Problem.FieldError> errors) {
        if (raw == String.class) {
            if (n.isTextual()) {
                return n.textValue();
            }
            if (numberAsText && n.isIntegralNumber()) {
                return n.asText();
            }
            return fail(errors, path, numberAsText ? "must be a string or a whole number" : "must be a string");
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return n.isBoolean() ? n.booleanValue() : fail(errors, path, "must be true or false");
        }
        if (raw == Integer.class || raw == int.class) {
            return n.isIntegralNumber() && n.canConvertToInt() ? n.intValue()
                    : fail(errors, path, "must be a whole number");
        }
        if (raw == Long.class || raw == long.class) {
            return n.isIntegralNumber() && n.canConvertToLong() ? n.longValue()
                    : fail(errors, path, "must be a whole number");
        }
        if (raw == Instant.class) {
            try {
                return Instant.parse(textOrThrow(n));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                return fail(errors, path, "must be an ISO-8601 instant such as 2026-11-20T10:00:00Z");
            }
        }
        if (raw == Duration.class) {
            try {
                return Duration.parse(textOrThrow(n));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                return fail(errors, path, "must be an ISO-8601 duration such as PT5M");
            }
        }
        if (raw == UUID.class) {
            return n.isTextual() && UUID_TEXT.matcher(n.textValue()).matches() ? UUID.fromString(n.textValue())
                    : fail(errors, path, "must be a UUID");
        }
        if (raw.isEnum()) {
            if (n.isTextual()) {
                for (Object c : raw.getEnumConstants()) {
                    if (((Enum<?>) c).name().equals(n.textValue())) {
                        return c;
                    }
                }
            }
            return fail(errors, path, "must be one of " + Arrays.toString(raw.getEnumConstants()));
        }
        throw new IllegalStateException("StrictJson cannot read " + raw.getName() + " at " + display(path));
    }

    private static String textOrThrow(JsonNode n) {
        if (!n.isTextual()) {
            throw new IllegalArgumentException("not text");
        }
        return n.textValue();
    }

    private static Object record(JsonNode n, Class<?> type, String path, List<Problem.FieldError> errors) {
        if (!n.isObject()) {
            return fail(errors, path, "must be an object");
        }
        RecordComponent[] components = type.getRecordComponents();
        Set<String> known = new LinkedHashSet<>();
        for (RecordComponent c : components) {
            known.add(c.getName());
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!known.contains(name)) {
                errors.add(new Problem.FieldError(join(path, fieldName(name)), "is not a known field; known: " + known));
            }
        }
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            boolean optional = c.getType() == Optional.class;
            Type inner = optional ? ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0]
                    : c.getGenericType();
            JsonNode v = n.get(c.getName());
            String at = join(path, c.getName());
            Object value = null;
            if (v == null || v.isNull()) {
                if (!optional) {
                    errors.add(new Problem.FieldError(at, "is required"));
                }
            } else {
                value = bind(v, inner, at, c.isAnnotationPresent(NumberAsText.class), errors);
            }
            args[i] = optional ? Optional.ofNullable(value) : value == null ? defaultOf(c.getType()) : value;
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getName(), e);
        }
    }

    private static Object defaultOf(Class<?> c) {
        if (c == boolean.class) {
            return false;
        }
        if (c == int.class) {
            return 0;
        }
        if (c == long.class) {
            return 0L;
        }
        return null;
    }

    private static Object fail(List<Problem.FieldError> errors, String path, String message) {
        errors.add(new Problem.FieldError(display(path), message));
        return null;
    }

    private static Class<?> raw(Type t) {
        return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String index(String path, int i) {
        return display(path) + "[" + i + "]";
    }

    private static String display(String path) {
        return path.isEmpty() ? "body" : path;
    }
}
