package uz.himoya.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import uz.himoya.json.StrictJson;
import uz.himoya.privacymap.DataCategory;
import uz.himoya.problem.Problem;

/**
 * What a system holds of one data subject, as it answers an access job: the body of a 200, or the records of
 * a done access callback ({@link Callbacks#verifyAccess}); one parser reads both. The 200 body is exactly
 * <pre>{@code
 * {"records":[{"category":"contact.name","fields":{"first_name":"Dilnoza","last_name":"Karimova"}},
 *             {"category":"financial.amount","fields":{"lifetime_value":1250.5,"vip":true,"note":null}}]}
 * }</pre>
 * <ul>
 * <li>each record is one thing the system holds, under one data category of the privacy map
 * ({@link DataCategory#ALL}), with {@code category} and {@code fields} and nothing else;</li>
 * <li>{@code fields} is a flat object of 1 to {@link #MAX_FIELDS} members: a name of 1 to
 * {@link #MAX_FIELD_NAME} characters, a string, number, true, false or null as its value; a nested object or
 * array is refused (a system flattens what it holds, so every value sits under a category and a name);</li>
 * <li>at most {@link #MAX_RECORDS} records; an empty list says the system holds nothing of the subject;</li>
 * <li>the whole body is at most the client's reply cap ({@link WebhookClient#DEFAULT_MAX_REPLY_BYTES}), a
 * callback's at most {@link Callbacks#MAX_BODY_BYTES}, and as strict as any JSON Himoya reads
 * ({@link StrictJson}).</li>
 * </ul>
 * Anything else is not the data: a 200 is {@code webhook-bad-reply}, a callback {@code callback-body}.
 *
 * <p>Every value is personal data: {@link #toString()} shows how many records there are, never what they say,
 * and no refusal describes what was sent.
 *
 * @param records in the order the system sent them
 */
public record SubjectData(List<DataRecord> records) implements AccessReply, Callbacks.AccessOutcome {
    /**
     * Records one system may report. A 64 KiB body holds about 1,700 of the smallest records anyway; the limit
     * keeps a system that splits its data into one record per value from growing the access package's index
     * past what a person can read.
     */
    public static final int MAX_RECORDS = 1000;
    /** Fields in one record: a record is one thing the system holds (a contact, an order), not a dump. */
    public static final int MAX_FIELDS = 100;
    public static final int MAX_FIELD_NAME = 100;

    /**
     * One thing the system holds of the subject.
     *
     * @param fields in the order sent; values are String, Boolean, a Number (Integer, Long, BigInteger or
     *               Double, as JSON is read) or null
     */
    public record DataRecord(String category, Map<String, Object> fields) {
        public DataRecord {
            Objects.requireNonNull(category);
            // Map.copyOf refuses null values, and a system may well say a field is empty.
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        @Override
        public String toString() {
            return "DataRecord[" + category + ", " + fields.size() + " fields]";
        }
    }

    /** One record as it comes over the wire; its fields' free shape is judged by {@link #of(List)}. */
    record Wire(String category, JsonNode fields) {
    }

    private record ReplyBody(List<Wire> records) {
    }

    public SubjectData {
        records = List.copyOf(records);
    }

    @Override
    public String toString() {
        return "SubjectData[" + records.size() + " records]";
    }

    /** A 200's body as the data; empty when it is not exactly the format above. */
    static Optional<SubjectData> fromReply(byte[] body) {
        try {
            return of(StrictJson.read(body, ReplyBody.class).records());
        } catch (Problem p) {
            // The problem would name fields only, but the reply is judged, not described: one code.
            return Optional.empty();
        }
    }

    /** The records of a 200 or a callback, checked; empty when any is not exactly the format above. */
    static Optional<SubjectData> of(List<Wire> wire) {
        if (wire.size() > MAX_RECORDS) {
            return Optional.empty();
        }
        List<DataRecord> records = new ArrayList<>(wire.size());
        for (Wire w : wire) {
            JsonNode fields = w.fields();
            if (!DataCategory.ALL.contains(w.category()) || !fields.isObject() || fields.isEmpty()
                    || fields.size() > MAX_FIELDS) {
                return Optional.empty();
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode v = f.getValue();
                if (f.getKey().isEmpty() || f.getKey().length() > MAX_FIELD_NAME || v.isContainerNode()) {
                    return Optional.empty();
                }
                values.put(f.getKey(), v.isNull() ? null : v.isTextual() ? v.textValue()
                        : v.isBoolean() ? (Object) v.booleanValue() : v.numberValue());
            }
            records.add(new DataRecord(w.category(), values));
        }
        return Optional.of(new SubjectData(records));
    }
}
