package uz.himoya.privacymap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static uz.himoya.privacymap.PrivacyMapParserTest.lineOf;

import java.io.IOException;
import java.io.InputStream;
import java.time.Period;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The structure of a retention rule's when (docs/privacy-map.md, "Retention rules"): the flat form the demo
 * map has always used, the new checks and all, and every shape that is refused, with its line.
 */
class RetentionConditionParserTest {
    private static final String FILE = "privacy-maps/demo.yaml";
    private static final String DEMO_WHEN = "      when: { column: last_sign_in_at, olderThan: P2Y }";
    private static String demo;

    @BeforeAll
    static void readDemoMap() throws IOException {
        try (InputStream in = RetentionConditionParserTest.class.getClassLoader().getResourceAsStream(FILE)) {
            demo = new String(in.readAllBytes(), UTF_8);
        }
        assertThat(demo).contains(DEMO_WHEN);
    }

    @Test
    void shouldReadTheFlatFormAsOneCheck_whenTheDemoMapIsParsed() {
        // Act
        PrivacyMap map = PrivacyMapParser.parse(FILE, demo);

        // Assert: a second timestamp, as the demo has always said it
        PrivacyMap.Retention r = map.table("users").orElseThrow().retention().orElseThrow();
        assertThat(r.column()).isEqualTo("created_at");
        assertThat(r.when()).containsInstanceOf(PrivacyMap.Condition.OlderThan.class);
        assertThat(r.checks()).containsExactly(new PrivacyMap.Condition.OlderThan(lineOf(demo, DEMO_WHEN),
                "last_sign_in_at", Period.ofYears(2)));
        assertThat(map.table("access_logs").orElseThrow().retention().orElseThrow().checks()).isEmpty();
    }

    @Test
    void shouldReadEveryKindOfCheck_whenAllListsThem() {
        // Arrange
        String yaml = demo.replace(DEMO_WHEN, String.join("\n",
                "      when:",
                "        all:",
                "          - { column: last_sign_in_at, olderThan: P2Y }",
                "          - { column: active, equals: false }",
                "          - { column: status, in: [closed, \"cancelled\"] }",
                "          - { column: deleted_at, isNull: true }"));

        // Act
        PrivacyMap map = PrivacyMapParser.parse(FILE, yaml);

        // Assert
        PrivacyMap.Retention r = map.table("users").orElseThrow().retention().orElseThrow();
        int all = lineOf(yaml, "all:");
        assertThat(r.when()).hasValueSatisfying(w -> assertThat(w).isInstanceOf(PrivacyMap.Condition.All.class));
        assertThat(r.checks()).containsExactly(
                new PrivacyMap.Condition.OlderThan(all + 1, "last_sign_in_at", Period.ofYears(2)),
                new PrivacyMap.Condition.OneOf(all + 2, "active", "equals",
                        java.util.List.of(new PrivacyMap.Literal(all + 2, "false", true))),
                new PrivacyMap.Condition.OneOf(all + 3, "status", "in", java.util.List.of(
                        new PrivacyMap.Literal(all + 3, "closed", true),
                        new PrivacyMap.Literal(all + 3, "cancelled", false))),
                new PrivacyMap.Condition.IsNull(all + 4, "deleted_at"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            a misspelled operator     | { column: last_sign_in_at, olderthan: P2Y }          | unknown key 'olderthan' in retention.when of table users
            no operator               | { column: last_sign_in_at }                          | retention.when of table users needs exactly one of olderThan, isNull, equals or in
            two operators             | { column: active, equals: false, in: [true] }        | needs exactly one of olderThan, isNull, equals or in, not equals and in
            any is not a key          | { any: [ { column: active, equals: false } ] }       | unknown key 'any' in retention.when of table users
            a scalar                  | last_sign_in_at                                      | retention.when of table users must be a mapping
            an empty list             | { column: status, in: [] }                           | in lists 1 to 100 values
            a value twice             | { column: status, in: [closed, closed] }             | value 'closed' is listed twice
            a list for equals         | { column: status, equals: [closed] }                 | equals takes one value; for several write in: [a, b]
            a value for in            | { column: status, in: closed }                       | in takes a list, such as in: [closed, cancelled]
            a null value              | { column: status, equals: null }                     | a value cannot be null; to take rows whose column is NULL write isNull: true
            an empty value            | { column: status, in: [closed, ~] }                  | a value cannot be null
            isNull false              | { column: deleted_at, isNull: false }                | isNull can only be true
            a negative period         | { column: last_sign_in_at, olderThan: -P1D }         | retention.when.olderThan '-P1D' must be longer than zero
            a zero period             | { column: last_sign_in_at, olderThan: PT0S }         | retention.when.olderThan 'PT0S' must be longer than zero
            not a period              | { column: last_sign_in_at, olderThan: 2 years }      | is not an ISO-8601 duration such as P90D or PT12H
            the retention column      | { column: created_at, olderThan: P3Y }               | column created_at is the rule's own retention column, which keep already compares
            all beside a check        | { all: [ { column: active, equals: false } ], column: status, in: [closed] } | 'all' stands alone; write every check inside its list
            all nested                | { all: [ { all: [ { column: active, equals: false } ] } ] } | 'all' cannot be nested
            all empty                 | { all: [] }                                          | 'all' lists 1 to 10 checks
            all of a list             | { all: { column: active, equals: false } }           | 'all' takes a list of checks
            a column twice in all     | { all: [ { column: status, equals: closed }, { column: status, equals: cancelled } ] } | column status has two checks; give each column one
            not an identifier         | { column: 'last sign in', olderThan: P2Y }          | 'last sign in' is not an SQL identifier
            """)
    void shouldRefuseWithTheLine_whenWhenIsMalformed(String name, String when, String message) {
        // Arrange
        String yaml = demo.replace(DEMO_WHEN, "      when: " + when);
        int line = lineOf(yaml, "      when: ");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class, () -> PrivacyMapParser.parse(FILE,
                yaml));

        // Assert
        assertThat(e).as(name).isNotNull();
        assertThat(e.problems()).as(name).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void shouldRefuseAListOfMoreThanAHundredValues_whenInIsALookupTable() {
        // Arrange
        String values = IntStream.rangeClosed(1, 101).mapToObj(i -> "s" + i).collect(Collectors.joining(", "));
        String yaml = demo.replace(DEMO_WHEN, "      when: { column: status, in: [" + values + "] }");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class, () -> PrivacyMapParser.parse(FILE,
                yaml));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("in lists 1 to 100 values");
    }

    @Test
    void shouldRefuseANonPositiveKeep_whenTheRetentionPeriodIsZero() {
        // Arrange
        String yaml = demo.replace("      keep: P90D", "      keep: P0D");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class, () -> PrivacyMapParser.parse(FILE,
                yaml));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains(FILE + ":" + lineOf(yaml, "keep: P0D") + ": retention.keep 'P0D' must be"
                + " longer than zero");
    }
}
