package uz.himoya.db;

/**
 * An app's store cannot be reached, or no longer matches its map: the app's work waits and is retried like
 * any outage (it says nothing about the request), while Himoya goes on serving the other apps.
 */
public final class StoreUnavailable extends RuntimeException {
    private final String appId;
    private final String store;
    private final String code;

    public StoreUnavailable(String appId, String store, String code) {
        super("app " + appId + ": store " + store + " unavailable (" + code + ")", null, false, false);
        this.appId = appId;
        this.store = store;
        this.code = code;
    }

    public String appId() {
        return appId;
    }

    public String store() {
        return store;
    }

    public String code() {
        return code;
    }
}
