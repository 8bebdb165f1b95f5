package uz.himoya.breach;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A breach incident as ops register it, decoded and shape-checked at the edge. */
public record BreachCommand(String appId, String title, Instant discoveredAt, Instant windowFrom, Instant windowTo,
        List<String> categories, Map<String, NoticeContent> content, Selection selection) {

    /** GDPR Art. 34(2): what a notice tells the user, in one language. */
    public record NoticeContent(String nature, String consequences, String measures, String contact) {
    }

    /** How the affected subjects are chosen: structured, never SQL from the caller. */
    public sealed interface Selection permits Subjects, Selector, All {
        String kind();
    }

    /** Explicit subject ids; more=true keeps the incident open for further pages of ids. */
    public record Subjects(List<String> ids, boolean more) implements Selection {
        public String kind() {
            return "subjects";
        }
    }

    /** Rows of a selector the privacy map declares, touched inside the breach window. */
    public record Selector(String name) implements Selection {
        public String kind() {
            return "selector";
        }
    }

    public record All() implements Selection {
        public String kind() {
            return "all";
        }
    }
}
