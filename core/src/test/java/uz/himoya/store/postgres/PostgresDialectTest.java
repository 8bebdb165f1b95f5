package uz.himoya.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.erasure.strategy.FixedStrategy;
import uz.himoya.erasure.strategy.KeyedHashStrategy;
import uz.himoya.erasure.strategy.KeyedNumberStrategy;
import uz.himoya.erasure.strategy.NullStrategy;
import uz.himoya.erasure.strategy.RedactStrategy;
import uz.himoya.erasure.strategy.TombstoneStrategy;

/** Identifier quoting and strategy expressions, without a server (what they do on one: the erasure tests). */
class PostgresDialectTest {
    private static final Catalogue.Column TEXT = new Catalogue.Column("phone", "varchar(64)", true, true, false);
    private static final Catalogue.Column INT = new Catalogue.Column("CustomerId", "integer", true, false, false);
    private static final Catalogue.Column BIGINT = new Catalogue.Column("CustomerId", "bigint", true, false, false);

    @Test
    void shouldDoubleTheQuote_whenIdentifierHoldsOne() {
        assertThat(PostgresDialect.quote("CustomerNotes")).isEqualTo("\"CustomerNotes\"");
        assertThat(PostgresDialect.quote("odd\"name")).isEqualTo("\"odd\"\"name\"");
    }

    @Test
    void shouldBindEveryValue_whenStrategiesBecomeExpressions() {
        List<Object> params = new ArrayList<>();
        assertThat(PostgresDialect.anonymized("t.\"phone\"", new NullStrategy(), TEXT, "k", params))
                .isEqualTo("NULL");
        assertThat(PostgresDialect.anonymized("t.\"phone\"", new RedactStrategy(), TEXT, "k", params))
                .isEqualTo("CAST(? AS varchar(64))");
        assertThat(PostgresDialect.anonymized("t.\"phone\"", new FixedStrategy("n/a"), TEXT, "k", params))
                .isEqualTo("CAST(? AS varchar(64))");
        assertThat(PostgresDialect.anonymized("t.\"phone\"", new KeyedHashStrategy(), TEXT, "k", params))
                .isEqualTo("encode(sha256(convert_to(CAST(? AS text) || t.\"phone\"::text, 'UTF8')), 'hex')");
        assertThat(PostgresDialect.anonymized("t.\"CustomerId\"", new TombstoneStrategy("customers", "0"), BIGINT,
                "k", params)).isEqualTo("CAST(? AS bigint)");
        assertThat(params).containsExactly("[erased]", "n/a", "k", "0");
    }

    @Test
    void shouldMaskToTheColumnsWidth_whenKeyedNumber() {
        List<Object> params = new ArrayList<>();
        String hash = "('x' || substr(encode(sha256(convert_to(CAST(? AS text) || t.\"CustomerId\"::text, 'UTF8')),"
                + " 'hex'), 1, 16))::bit(64)::bigint";
        assertThat(PostgresDialect.anonymized("t.\"CustomerId\"", new KeyedNumberStrategy(), INT, "k", params))
                .isEqualTo("CAST(-1 - (" + hash + " & 2147483647) AS integer)");
        assertThat(PostgresDialect.anonymized("t.\"CustomerId\"", new KeyedNumberStrategy(), BIGINT, "k", params))
                .isEqualTo("CAST(-1 - (" + hash + " & 9223372036854775807) AS bigint)");
        assertThat(params).containsExactly("k", "k");
    }
}
