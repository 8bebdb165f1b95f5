package uz.himoya.privacymap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.erasure.strategy.KeyedNumberStrategy;
import uz.himoya.erasure.strategy.TombstoneStrategy;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Rentals;

/**
 * referencedBy, tombstone and the strategies that lean on foreign keys, parsed and checked against the
 * catalogue of the Sakila-shaped schema (rentals/schema.sql) in a real PostgreSQL: what the map may say, what
 * it may not, and that each refusal names the table, the column and what to do instead.
 */
class ReferenceMapValidationTest {
    private static Catalogue catalogue;

    @BeforeAll
    static void load() throws SQLException {
        EmbeddedDatabase.run("rentals/schema.sql");
        try (Connection c = EmbeddedDatabase.dataSource().getConnection()) {
            catalogue = Catalogue.load(c, Rentals.SCHEMA);
        }
    }

    @Test
    void shouldReadReferencesAndTombstones_whenTheRentalsMapIsParsed() {
        // Act
        PrivacyMap map = Rentals.parsed(Rentals.yaml());

        // Assert
        PrivacyMap.Table address = map.table("address").orElseThrow();
        assertThat(address.referencedBy()).containsExactly(new PrivacyMap.Reference(45, "customer", "address_id", ""));
        assertThat(address.column()).isEmpty();
        assertThat(address.tombstone()).hasValueSatisfying(t -> {
            assertThat(t.key()).isEqualTo("0");
            assertThat(t.values()).containsEntry("phone", Optional.of("")).containsEntry("city_id", Optional.of("1"));
        });
        assertThat(map.table("customer").orElseThrow().tombstone().orElseThrow().values())
                .containsEntry("active", Optional.of("false")).containsEntry("email", Optional.of("erased@invalid"));
        PrivacyMap.Anonymize payment = (PrivacyMap.Anonymize) map.table("payment").orElseThrow().erasure();
        assertThat(payment.columns().get("customer_id")).isEqualTo(new TombstoneStrategy());
        PrivacyMap.Anonymize rewards = (PrivacyMap.Anonymize) map.table("rewards").orElseThrow().erasure();
        assertThat(rewards.columns().get("customer_id")).isEqualTo(new KeyedNumberStrategy());
    }

    @Test
    void shouldFillInWhatTheCatalogueSays_whenTheMapIsValidated() {
        // Act
        PrivacyMap map = CatalogueValidator.validate(Rentals.parsed(Rentals.yaml()), catalogue);

        // Assert: the referenced key, each tombstone's key column and type, and where payment points
        assertThat(map.table("address").orElseThrow().referencedBy()).extracting(PrivacyMap.Reference::key)
                .containsExactly("address_id");
        assertThat(map.subjectTombstone()).hasValueSatisfying(t -> {
            assertThat(t.keyColumn()).isEqualTo("customer_id");
            assertThat(t.keyType()).isEqualTo("integer");
        });
        PrivacyMap.Anonymize payment = (PrivacyMap.Anonymize) map.table("payment").orElseThrow().erasure();
        assertThat(payment.columns().get("customer_id")).isEqualTo(new TombstoneStrategy("customer", "0"));
    }

    @Test
    void shouldNameEachRefusal_whenReferencesAreMappedWrong() {
        // Arrange: every rule broken once
        String yaml = Rentals.yaml()
                // a reference the schema does not declare
                .replace("referencedBy: { table: customer, column: address_id }",
                        "referencedBy: [{ table: customer, column: address_id }, { table: rental, column: staff_id }]")
                // a pseudonym in a foreign key column
                .replace("        rental_id: null\n", "        rental_id: keyed-number\n")
                // a pseudonym on a column too narrow for it
                .replace("        customer_id: keyed-number\n", "        customer_id: keyed-number\n"
                        + "        points: keyed-number\n        earned_at: keyed-number\n");

        // Act + Assert
        assertThatThrownBy(() -> CatalogueValidator.validate(Rentals.parsed(yaml), catalogue))
                .isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining("table address: the schema declares no foreign key rental(staff_id) -> address;"
                        + " Himoya follows only declared foreign keys")
                .hasMessageContaining("table payment, column rental_id: strategy 'keyed-number' on a column of a"
                        + " foreign key")
                .hasMessageContaining("strategy 'keyed-number' needs a signed integer column of 32 or 64 bits"
                        + " (integer, bigint); earned_at is timestamp with time zone")
                .satisfies(e -> assertThat(((PrivacyMapException) e).problems()).hasSize(3));
    }

    @Test
    void shouldRefuseTheTombstoneStrategy_whenTheReferencedTableDeclaresNoTombstone() {
        // Arrange: the customer's tombstone left out
        String yaml = Rentals.yaml().replaceAll("(?s)    # Kept payments point here.*?create_date: '2000-01-01'\n", "");

        // Act + Assert
        assertThatThrownBy(() -> CatalogueValidator.validate(Rentals.parsed(yaml), catalogue))
                .hasMessageContaining("table payment, column customer_id: strategy 'tombstone': table customer"
                        + " declares no tombstone");
    }

    @Test
    void shouldRefuseTheTombstoneStrategy_whenTheColumnIsNoForeignKey() {
        // Act + Assert: rewards.customer_id names a customer but the schema declares no foreign key for it
        String yaml = Rentals.yaml().replace("customer_id: keyed-number", "customer_id: tombstone");
        assertThatThrownBy(() -> CatalogueValidator.validate(Rentals.parsed(yaml), catalogue))
                .hasMessageContaining("table rewards, column customer_id: strategy 'tombstone' needs a foreign key of"
                        + " this one column");
    }

    @Test
    void shouldRefuseAReferencedTable_whenItIsKeptOrItsReferenceIsKept() {
        // Arrange: the address anonymized instead of deleted, and from a table that is not mapped
        String yaml = Rentals.yaml().replace("      phone: contact.phone\n    erasure: delete\n",
                "      phone: contact.phone\n    erasure: { anonymize: { phone: redact }, reason: kept }\n")
                .replace("referencedBy: { table: customer, column: address_id }",
                        "referencedBy: [{ table: customer, column: address_id }, { table: staff, column: address_id }]");

        // Act + Assert
        assertThatThrownBy(() -> CatalogueValidator.validate(Rentals.parsed(yaml), catalogue))
                .hasMessageContaining("table address: a referenced table's rows are deleted where nothing points at"
                        + " them any more: its erasure must be delete")
                .hasMessageContaining("table address: referencedBy.table 'staff' is not a mapped table");
    }

    @Test
    void shouldRefuseAKeptReferenceLeftInPlace_whenTheReferencedRowsAreToBeErased() {
        // Arrange: customers kept (anonymized) with address_id unchanged: no address could ever go
        String yaml = Rentals.yaml().replace("      email: contact.email\n    erasure: delete\n",
                "      email: contact.email\n    erasure: { anonymize: { email: \"null\" }, reason: kept }\n");

        // Act + Assert
        assertThatThrownBy(() -> CatalogueValidator.validate(Rentals.parsed(yaml), catalogue))
                .hasMessageContaining("table customer is kept (anonymized) with address_id unchanged");
    }

    @Test
    void shouldRefuseATombstone_whenItsKeyIsAmongItsValuesOrTheTableHasNoOneColumnKey() {
        // Arrange: payment's primary key is (payment_date, payment_id), as Pagila partitions it
        String yaml = Rentals.yaml().replace("values: { address: '[erased]',", "values: { address_id: 5, address: '[erased]',")
                .replace("kept for 5 years\"\n", "kept for 5 years\"\n    tombstone: { key: 0 }\n");

        // Act + Assert
        assertThatThrownBy(() -> CatalogueValidator.validate(Rentals.parsed(yaml), catalogue))
                .hasMessageContaining("table address tombstone: address_id is the key: give it as tombstone.key")
                .hasMessageContaining("table payment tombstone: needs a primary key of one column (payment has"
                        + " [payment_date, payment_id])");
    }

    @Test
    void shouldRefuseBelongsToBesideReferencedBy_whenBothAreGiven() {
        // Arrange
        String yaml = Rentals.yaml().replace("    referencedBy: { table: customer, column: address_id }\n",
                "    referencedBy: { table: customer, column: address_id }\n    belongsTo: { column: address_id }\n");

        // Act + Assert
        assertThatThrownBy(() -> Rentals.parsed(yaml)).isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining("maps/rentals.yaml:45: table address: belongsTo and referencedBy exclude each"
                        + " other");
    }

    @Test
    void shouldListTheNewStrategies_whenAStrategyIsUnknown() {
        // Arrange
        String yaml = Rentals.yaml().replace("customer_id: keyed-number", "customer_id: keyed-integer");

        // Act + Assert
        assertThatThrownBy(() -> Rentals.parsed(yaml)).hasMessageContaining(
                "unknown strategy 'keyed-integer'; valid: [null, redact, keyed-hash, fixed, tombstone, keyed-number]");
    }

    @Test
    void shouldKeepTheOldMapsValid_whenNoReferenceIsDeclared() {
        // Act: a table without referencedBy or tombstone is the record it always was
        PrivacyMap.Table t = new PrivacyMap.Table("t", 1, "shop", "user_id", Optional.empty(), "id", Map.of(),
                new PrivacyMap.Delete(), Optional.empty());

        // Assert
        assertThat(t.referenced()).isFalse();
        assertThat(t.referencedBy()).isEqualTo(List.of());
        assertThat(t.tombstone()).isEmpty();
    }
}
