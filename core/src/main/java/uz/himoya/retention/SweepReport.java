package uz.himoya.retention;

import java.util.List;

/** What a sweep invocation leaves: the runs it started or resumed, as their records now stand. */
public record SweepReport(List<RunView> runs) {

    /** Whether any run still has work (handed on, or left for the next sweep). */
    public boolean unfinished() {
        return runs.stream().anyMatch(RunView::running);
    }
}
