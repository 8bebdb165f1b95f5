package uz.himoya.privacymap;

import java.util.List;

/** The data categories a privacy map may name (docs/privacy-map.md); receipts and notices speak in them. */
public final class DataCategory {
    public static final List<String> ALL = List.of("contact.name", "contact.email", "contact.phone",
            "contact.address", "identity.document", "network.ip", "network.cookie", "device", "behaviour.pages",
            "behaviour.timestamps", "content.free-text", "marketing.consent", "location", "organisation");

    private DataCategory() {
    }
}
