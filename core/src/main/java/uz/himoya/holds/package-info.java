/**
 * Legal holds as every workflow reads them: whether a subject is held (an erasure waits, a sweep skips the
 * subject's rows), and the advisory lock that orders placing a hold before every later reader. Placing and
 * lifting holds is the ops API's (uz.himoya.retention.LegalHolds); this package depends on no workflow, so
 * deletion, retention and the watchdog can all read holds without depending on one another.
 */
package uz.himoya.holds;
