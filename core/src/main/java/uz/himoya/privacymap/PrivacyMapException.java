package uz.himoya.privacymap;

import java.util.List;
import java.util.stream.Collectors;

/** An invalid privacy map. The message lists every problem as file:line: text. */
public class PrivacyMapException extends RuntimeException {
    private final List<MapProblem> problems;

    public PrivacyMapException(List<MapProblem> problems) {
        super("invalid privacy map:\n  " + problems.stream().map(MapProblem::toString)
                .collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    public List<MapProblem> problems() {
        return problems;
    }
}
