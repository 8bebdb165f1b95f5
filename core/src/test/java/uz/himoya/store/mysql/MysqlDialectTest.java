package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import uz.himoya.erasure.strategy.FixedStrategy;
import uz.himoya.erasure.strategy.KeyedHashStrategy;
import uz.himoya.erasure.strategy.NullStrategy;
import uz.himoya.erasure.strategy.RedactStrategy;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;

/** Identifier quoting, strategy expressions and key kinds, without a server. */
class MysqlDialectTest {
    private static final Catalogue.Column TEXT = new Catalogue.Column("phone", "varchar(64)", true, true, false);

    @Test
    void shouldQuoteWithBackticks_whenIdentifierIsPlainOrMixedCase() {
        assertThat(MysqlDialect.quote("users")).isEqualTo("`users`");
        assertThat(MysqlDialect.quote("CustomerNotes")).isEqualTo("`CustomerNotes`");
        assertThat(MysqlDialect.qualified("demo_kg", "CustomerNotes")).isEqualTo("`demo_kg`.`CustomerNotes`");
        assertThat(MysqlDialect.column("t", "CustomerId")).isEqualTo("t.`CustomerId`");
    }

    @Test
    void shouldDoubleTheBacktick_whenIdentifierHoldsOne() {
        assertThat(MysqlDialect.quote("odd`name")).isEqualTo("`odd``name`");
        assertThat(MysqlDialect.quote("`; DROP TABLE users; --")).isEqualTo("```; DROP TABLE users; --`");
        assertThat(MysqlDialect.qualified("my db", "a.b")).isEqualTo("`my db`.`a.b`");
        assertThatThrownBy(() -> MysqlDialect.quote("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MysqlDialect.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPlanQuotedStatements_whenTableNameNeedsEscaping() {
        // Arrange: a table and columns whose names hold a backtick and a space
        Catalogue catalogue = new Catalogue("odd`db", java.util.Map.of("we`ird table", java.util.Map.of(
                "Owner`Id", new Catalogue.Column("Owner`Id", "bigint(20)", false, false, false),
                "No te", new Catalogue.Column("No te", "text", true, true, false))), java.util.Map.of(), java.util.Map.of(),
                List.of());
        PrivacyMap map = MysqlDemo.map("odd`db", List.of(MysqlDemo.table("we`ird table", "Owner`Id",
                MysqlDemo.anonymize("No te", new RedactStrategy()))));

        // Act
        MysqlErasure.Step step = MysqlErasure.plan(map, MysqlDemo.STORE, catalogue, "key").steps().getFirst();

        // Assert
        assertThat(step.change()).isEqualTo("UPDATE `odd``db`.`we``ird table` AS t SET t.`No te` = ?"
                + " WHERE t.`Owner``Id` = ?");
        assertThat(step.count()).isEqualTo("SELECT count(*) FROM `odd``db`.`we``ird table` AS t"
                + " WHERE t.`Owner``Id` = ? FOR UPDATE");
    }

    @Test
    void shouldBindEveryValue_whenStrategiesBecomeExpressions() {
        List<Object> params = new ArrayList<>();
        assertThat(MysqlDialect.anonymized("t.`phone`", new NullStrategy(), TEXT, "k", params)).isEqualTo("NULL");
        assertThat(MysqlDialect.anonymized("t.`phone`", new RedactStrategy(), TEXT, "k", params)).isEqualTo("?");
        assertThat(MysqlDialect.anonymized("t.`phone`", new FixedStrategy("n/a"), TEXT, "k", params)).isEqualTo("?");
        assertThat(MysqlDialect.anonymized("t.`phone`", new KeyedHashStrategy(), TEXT, "k", params))
                .isEqualTo("SHA2(CONCAT(CAST(? AS CHAR CHARACTER SET utf8mb4), CONVERT(t.`phone` USING utf8mb4)), 256)");
        assertThat(params).containsExactly("[erased]", "n/a", "k");
    }

    @Test
    void shouldTellKeyKinds_whenColumnTypesAreMysqls() {
        assertThat(kind("bigint(20)")).hasValue(MysqlKey.INTEGER);
        assertThat(kind("bigint(20) unsigned")).hasValue(MysqlKey.INTEGER);
        assertThat(kind("int(11)")).hasValue(MysqlKey.INTEGER);
        assertThat(kind("bigint")).hasValue(MysqlKey.INTEGER); // MySQL 8 drops the display width
        assertThat(kind("decimal(20,0)")).hasValue(MysqlKey.DECIMAL);
        assertThat(kind("char(36)")).hasValue(MysqlKey.TEXT);
        assertThat(kind("varchar(64)")).hasValue(MysqlKey.TEXT);
        assertThat(kind("uuid")).hasValue(MysqlKey.UUID);
        assertThat(kind("binary(16)")).isEmpty();
        assertThat(kind("datetime(6)")).isEmpty();
        assertThat(MysqlKey.INTEGER.fits("-42")).isTrue();
        assertThat(MysqlKey.INTEGER.fits("18446744073709551615")).isTrue();
        assertThat(MysqlKey.INTEGER.fits("1001 OR 1=1")).isFalse();
        assertThat(MysqlKey.INTEGER.fits("0x10")).isFalse();
        assertThat(MysqlKey.DECIMAL.fits("12.50")).isTrue();
        assertThat(MysqlKey.DECIMAL.fits("12,50")).isFalse();
        assertThat(MysqlKey.UUID.fits("6f1c2a3b-0000-4000-8000-000000000001")).isTrue();
        assertThat(MysqlKey.UUID.fits("6f1c2a3b")).isFalse();
        assertThat(MysqlKey.TEXT.fits("any\nthing")).isTrue();
        assertThat(MysqlKey.TEXT.fits(null)).isFalse();
    }

    private static Optional<MysqlKey> kind(String type) {
        return MysqlKey.of(new Catalogue.Column("k", type, false, false, false));
    }
}
