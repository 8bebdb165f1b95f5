package uz.himoya.breach;

import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.testing.Rentals.PSEUDONYM_KEY;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.AffectedSubjects;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Rentals;

/**
 * A breach reaching every subject of the rental shop (rentals/schema.sql, in an app store of its own) reaches
 * nobody through its tombstone: the tombstone customer has an address (erased@invalid), which is nobody's.
 */
class TombstoneBreachTest {

    @Test
    void shouldCountAndStreamNoNoticeForTheTombstone_whenEverySubjectIsAffected() throws SQLException {
        // Arrange: Dilnoza (1) erased, so the tombstone exists
        DemoStore.run("rentals/schema.sql");
        DemoStore.run("rentals/seed.sql");
        AppRegistry.CompiledApp app = AppRegistry.compile(Rentals.parsed(Rentals.yaml()),
                store -> DemoStore.dataSource().getConnection(), PSEUDONYM_KEY);
        try (Connection c = DemoStore.dataSource().getConnection()) {
            c.setAutoCommit(false);
            app.eraser(Rentals.STORE).erase(c, "1");
            c.commit();
            c.setAutoCommit(true);
            AffectedSubjects affected = BreachResolver.affectedSubjects(app.map(),
                    app.catalogues().get(app.map().subjectStore().name()));

            // Act
            Map<String, Long> byLocale = BreachResolver.countByLocale(c, app.map(), affected,
                    new AffectedSubjects.Everyone());
            List<String> streamed = new ArrayList<>();
            try (AffectedSubjects.Pages pages = affected.open(c, new AffectedSubjects.Everyone(), 2)) {
                for (List<AffectedSubjects.Subject> page = pages.next(); !page.isEmpty(); page = pages.next()) {
                    page.forEach(s -> streamed.add(s.key()));
                }
            }

            // Assert: Rustam, Aziza and Bekzod, in the app's default language; never the tombstone
            assertThat(byLocale).containsExactly(Map.entry("uz", 3L));
            assertThat(streamed).hasSize(3).doesNotContain(app.map().subjectTombstone().orElseThrow().key());
        }
    }
}
