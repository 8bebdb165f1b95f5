package uz.himoya.erasure;

/** What an erasure did to one table's rows of the subject, whatever the store's dialect: a receipt line's action. */
public enum ErasureAction {
    DELETED, ANONYMIZED,
    /** Kept, and only the links to the subject overwritten (every anonymized column is one): see cutLoose. */
    CUT_LOOSE
}
