package uz.himoya.snapstart;

/**
 * One hot path run before a SnapStart snapshot (see SnapStartPriming). A primer must leave no trace: no
 * committed writes, no mail, no queue message, and no personal data in what it logs. It may fail (the
 * database may be unreachable while a version is published); the snapshot is then taken without it.
 */
public interface Primer {

    /** A short name for the log. */
    String name();

    void prime() throws Exception;
}
