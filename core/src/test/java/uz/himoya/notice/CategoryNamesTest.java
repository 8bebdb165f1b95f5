package uz.himoya.notice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uz.himoya.policy.Locales;
import uz.himoya.privacymap.DataCategory;

/**
 * Every data category a map may name (DataCategory.ALL) has its user-facing name in every language, since
 * receipts and breach notices list categories by name: a category without one would fail the mail at the
 * moment it must go out. And no language keeps a name for a category that no longer exists.
 */
class CategoryNamesTest {

    static List<String> locales() {
        return Locales.SUPPORTED;
    }

    @ParameterizedTest
    @MethodSource("locales")
    void shouldNameEveryCategoryInTheLanguage_whenAReceiptOrNoticeListsIt(String locale) {
        // Arrange
        Messages m = Messages.forLocale(locale, locale);
        Messages english = Messages.forLocale("en", "en");
        List<String> problems = new ArrayList<>();

        // Act
        for (String category : DataCategory.ALL) {
            String name = m.get("category." + category, Map.of());
            if (name.isBlank()) {
                problems.add(category + " is blank");
            } else if (!locale.equals("en") && name.equals(english.get("category." + category, Map.of()))) {
                problems.add(category + " is still in English");
            }
        }

        // Assert
        assertThat(m.locale()).isEqualTo(locale);
        assertThat(problems).isEmpty();
        assertThat(m.all(Map.of()).keySet().stream().filter(k -> k.startsWith("category."))
                .map(k -> k.substring("category.".length())).toList())
                .as("category names in %s", locale).containsExactlyInAnyOrderElementsOf(DataCategory.ALL);
    }
}
