package uz.himoya.breach.http;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.breach.BreachCommand;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;

/**
 * The ops' breach bodies, as records read by StrictJson: a misspelt or unknown field, a second document or
 * a wrong type is refused before anything is registered or mailed.
 */
final class BreachJson {
    record Body(String app, String title, Instant discoveredAt, Window window, List<String> categories,
            Map<String, Content> content, Affected affected) {
    }

    record Window(Instant from, Instant to) {
    }

    record Content(String nature, String consequences, String measures, String contact) {
    }

    /** Exactly one of subjects, selector or all: true; more (only with subjects) keeps the list open. */
    record Affected(Optional<List<String>> subjects, Optional<String> selector, Optional<Boolean> all,
            Optional<Boolean> more) {
    }

    /** {"subjects": [...]}; a bare JSON array is read the same. */
    record Page(List<String> subjects) {
    }

    record AuthorityNotice(Optional<String> reference) {
    }

    private BreachJson() {
    }

    static BreachCommand command(byte[] body) {
        Body b = StrictJson.read(body, Body.class);
        Map<String, BreachCommand.NoticeContent> content = new LinkedHashMap<>();
        b.content().forEach((locale, c) -> content.put(locale,
                new BreachCommand.NoticeContent(c.nature(), c.consequences(), c.measures(), c.contact())));
        return new BreachCommand(b.app(), b.title(), b.discoveredAt(), b.window().from(), b.window().to(),
                b.categories(), content, selection(b.affected()));
    }

    static List<String> ids(byte[] body) {
        String text = StrictJson.utf8(body).strip();
        return text.startsWith("[") ? StrictJson.read(body, StrictJson.listOf(String.class))
                : StrictJson.read(body, Page.class).subjects();
    }

    static Optional<String> reference(byte[] body) {
        return StrictJson.read(body, AuthorityNotice.class).reference();
    }

    private static BreachCommand.Selection selection(Affected a) {
        int given = (a.subjects().isPresent() ? 1 : 0) + (a.selector().isPresent() ? 1 : 0)
                + (a.all().isPresent() ? 1 : 0);
        if (given != 1) {
            throw Problem.validation(List.of(new Problem.FieldError("affected",
                    "give exactly one of subjects, selector or all: true")));
        }
        if (a.all().isPresent() && !a.all().get()) {
            throw Problem.validation(List.of(new Problem.FieldError("affected.all", "can only be true")));
        }
        if (a.more().isPresent() && a.subjects().isEmpty()) {
            throw Problem.validation(List.of(new Problem.FieldError("affected.more", "goes only with subjects")));
        }
        if (a.selector().isPresent()) {
            return new BreachCommand.Selector(a.selector().get());
        }
        if (a.subjects().isPresent()) {
            return new BreachCommand.Subjects(a.subjects().get(), a.more().orElse(false));
        }
        return new BreachCommand.All();
    }
}
