/**
 * The ports through which the workflows reach an app's own store, whatever SQL it speaks (issue 11): read its
 * catalogue, find a subject, erase a subject's rows. One implementation per kind of store lives beside it
 * ({@code uz.himoya.store.postgres}, {@code uz.himoya.store.mysql}); {@link uz.himoya.store.StoreDialects}
 * picks one by the map's {@code kind}. Nothing here depends on a workflow package, so the dialects do not
 * either.
 */
package uz.himoya.store.port;
