/**
 * The ports through which the workflows reach an app's own store, whatever SQL it speaks (issue 11): read its
 * catalogue, find a subject, erase a subject's rows, sweep a retention rule's batches, stream the subjects a
 * breach reaches, read a subject's rows. One implementation per kind of store lives beside it
 * ({@code uz.himoya.store.postgres}, {@code uz.himoya.store.mysql}); {@link uz.himoya.store.StoreDialects} picks
 * one by the map's {@code kind}.
 * Nothing here depends on a workflow package, so the dialects do not either.
 *
 * <ul>
 * <li>{@link uz.himoya.store.port.AffectedSubjects}: the subjects a breach selection reaches, in keyset pages
 * from the store holding the subject table, and their count per stored locale.</li>
 * <li>{@link uz.himoya.store.port.ReadSnapshot}: one read-only REPEATABLE READ transaction over several
 * statements on a store connection.</li>
 * <li>{@link uz.himoya.store.port.StoreDialect}: one kind of store; gives the others for a validated map.</li>
 * <li>{@link uz.himoya.store.port.StoreEraser}: a subject's erasure in one store.</li>
 * <li>{@link uz.himoya.store.port.SubjectFinder}: the subject by key or e-mail.</li>
 * <li>{@link uz.himoya.store.port.SweepRule}: a retention rule's batch and dry-run count.</li>
 * <li>{@link uz.himoya.store.port.SubjectRows}: a subject's rows in one store, read as the erasure reaches
 * them, streamed in one snapshot ({@link uz.himoya.store.port.RowValues}: the rows as Java values).</li>
 * </ul>
 * A system the map reaches by webhook rather than SQL is served by {@code uz.himoya.webhook}: erasure by
 * {@code WebhookClient}, reading a subject's data by {@code WebhookSubjectData} (an access job whose answer is
 * the system's records, or a 202 and a signed callback later). Named, not linked: the ports do not depend on
 * the webhook package, nor it on them.
 */
package uz.himoya.store.port;
