package uz.himoya.breach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import uz.himoya.policy.Locales;
import uz.himoya.store.AppRegistry;
import uz.himoya.privacymap.DataCategory;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;

/** Every rule an incident must meet before anything is stored; all field errors come in one 422. */
final class BreachValidator {
    private static final int MAX_TEXT = 5000;

    private final AppRegistry apps;
    private final int maxSubjects;

    BreachValidator(AppRegistry apps, int maxSubjects) {
        this.apps = apps;
        this.maxSubjects = maxSubjects;
    }

    PrivacyMap validate(BreachCommand cmd) {
        List<Problem.FieldError> errors = new ArrayList<>();
        PrivacyMap map = apps.serves(cmd.appId()) ? apps.map(cmd.appId()) : null;
        if (map == null) {
            errors.add(new Problem.FieldError("app", "is not an app this deployment serves"));
        }
        if (cmd.title() == null || cmd.title().isBlank() || cmd.title().length() > 200) {
            errors.add(new Problem.FieldError("title", "is required, at most 200 characters"));
        }
        if (cmd.discoveredAt() == null) {
            errors.add(new Problem.FieldError("discoveredAt", "is required (ISO-8601 instant)"));
        }
        if (cmd.windowFrom() == null || cmd.windowTo() == null) {
            errors.add(new Problem.FieldError("window", "needs from and to (ISO-8601 instants)"));
        } else if (!cmd.windowFrom().isBefore(cmd.windowTo())) {
            errors.add(new Problem.FieldError("window", "is empty: from must be before to"));
        }
        if (cmd.categories() == null || cmd.categories().isEmpty()) {
            errors.add(new Problem.FieldError("categories", "name at least one affected data category"));
        } else {
            for (int i = 0; i < cmd.categories().size(); i++) {
                if (!DataCategory.ALL.contains(cmd.categories().get(i))) {
                    errors.add(new Problem.FieldError("categories[" + i + "]", "is not a data category; valid: "
                            + DataCategory.ALL));
                }
            }
        }
        if (map != null) {
            content(map.app(), cmd.content(), errors);
            selection(map, cmd.selection(), errors);
        }
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
        return map;
    }

    void checkIds(List<String> ids) {
        List<Problem.FieldError> errors = new ArrayList<>();
        ids(ids, "subjects", errors);
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
    }

    /** GDPR Art. 34(2) content, in the app's languages; the default language is required. */
    private static void content(PrivacyMap.App app, Map<String, BreachCommand.NoticeContent> content,
            List<Problem.FieldError> errors) {
        if (content == null || !content.containsKey(app.defaultLocale())) {
            errors.add(new Problem.FieldError("content." + app.defaultLocale(),
                    "the notice content in the app's default language is required"));
        }
        if (content == null) {
            return;
        }
        content.forEach((key, c) -> {
            // The key is what was sent: it appears in a field name only if it is a plain identifier.
            String locale = StrictJson.fieldName(key);
            if (Locales.canonical(key).filter(app.locales()::contains).isEmpty()) {
                errors.add(new Problem.FieldError("content." + locale, "unsupported locale; the app's locales are "
                        + app.locales()));
            }
            text(c == null ? null : c.nature(), "content." + locale + ".nature", errors);
            text(c == null ? null : c.consequences(), "content." + locale + ".consequences", errors);
            text(c == null ? null : c.measures(), "content." + locale + ".measures", errors);
            text(c == null ? null : c.contact(), "content." + locale + ".contact", errors);
        });
    }

    private void selection(PrivacyMap map, BreachCommand.Selection selection, List<Problem.FieldError> errors) {
        switch (selection) {
            case null -> errors.add(new Problem.FieldError("affected",
                    "choose one of subjects, selector or all"));
            case BreachCommand.Subjects s -> ids(s.ids(), "affected.subjects", errors);
            case BreachCommand.Selector s -> {
                List<String> names = map.breachSelectors().stream().map(PrivacyMap.BreachSelector::name).toList();
                if (!names.contains(s.name())) {
                    errors.add(new Problem.FieldError("affected.selector", "is not a selector of the app's privacy map; it declares " + names));
                }
            }
            case BreachCommand.All a -> {
                // every subject of the app
            }
        }
    }

    private void ids(List<String> ids, String field, List<Problem.FieldError> errors) {
        if (ids == null || ids.isEmpty()) {
            errors.add(new Problem.FieldError(field, "list at least one subject id"));
        } else if (ids.size() > maxSubjects) {
            errors.add(new Problem.FieldError(field, "at most " + maxSubjects + " ids per call; send more in pages to"
                    + " POST /v1/breaches/{id}/subjects (JSON or text/csv) with \"more\": true"));
        } else if (ids.stream().anyMatch(i -> i == null || i.isBlank() || i.length() > 200)) {
            errors.add(new Problem.FieldError(field, "each id is 1 to 200 characters"));
        }
    }

    private static void text(String value, String field, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank() || value.length() > MAX_TEXT) {
            errors.add(new Problem.FieldError(field, "is required, at most " + MAX_TEXT + " characters"));
        }
    }
}
