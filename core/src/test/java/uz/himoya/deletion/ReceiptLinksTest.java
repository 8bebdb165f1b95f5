package uz.himoya.deletion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import uz.himoya.erasure.CutLoose;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Rentals;
import uz.himoya.erasure.ErasureAction;

/** The receipt's lines for cut links, as the worker writes them, and as the API and the mail read them back. */
class ReceiptLinksTest {

    @Test
    void shouldNameTheTombstonesKeyButNoPseudonym_whenKeptRowsWereCutLoose() throws Exception {
        // Arrange
        AppRegistry.CompiledApp app = compile();
        TableOutcome payment = new TableOutcome("payment", ErasureAction.CUT_LOOSE, 3, List.of(),
                List.of("customer_id", "rental_id"), Optional.of("tax law"), List.of(
                        new CutLoose("customer_id", Optional.of("customer"), CutLoose.Now.TOMBSTONE),
                        new CutLoose("rental_id", Optional.of("rental"), CutLoose.Now.NULL)));
        TableOutcome rewards = new TableOutcome("rewards", ErasureAction.CUT_LOOSE, 2, List.of(),
                List.of("customer_id"), Optional.of("books"), List.of(
                        new CutLoose("customer_id", Optional.of("customer"), CutLoose.Now.PSEUDONYM)));

        // Act
        List<Receipt.Link> paymentLinks = DeletionWorker.links(app.map(), payment);
        List<Receipt.Link> rewardsLinks = DeletionWorker.links(app.map(), rewards);
        String json = new ObjectMapper().writeValueAsString(new Receipt.Entry("payment", "CUT_LOOSE", 3, List.of(),
                List.of("customer_id", "rental_id"), "tax law", paymentLinks));

        // Assert
        assertThat(paymentLinks).containsExactly(new Receipt.Link("customer_id", "customer", "TOMBSTONE", "0"),
                new Receipt.Link("rental_id", "rental", "NULL", null));
        assertThat(rewardsLinks).containsExactly(new Receipt.Link("customer_id", "customer", "PSEUDONYM", null));
        assertThat(json).contains("\"cutLoose\":[{\"column\":\"customer_id\",\"references\":\"customer\","
                + "\"now\":\"TOMBSTONE\",\"tombstone\":\"0\"}");
        // a receipt written before cut links were recorded still reads
        Receipt.Entry old = new ObjectMapper().readValue("{\"table\":\"orders\",\"action\":\"ANONYMIZED\","
                + "\"rows\":2,\"categoriesErased\":[],\"columnsAnonymized\":[\"user_id\"],\"keptBecause\":\"x\"}",
                Receipt.Entry.class);
        assertThat(old.cutLoose()).isNull();
    }

    private static AppRegistry.CompiledApp compile() throws SQLException {
        EmbeddedDatabase.run("rentals/schema.sql");
        return AppRegistry.compile(Rentals.parsed(Rentals.yaml()), store -> EmbeddedDatabase.dataSource()
                .getConnection(), Rentals.PSEUDONYM_KEY);
    }
}
