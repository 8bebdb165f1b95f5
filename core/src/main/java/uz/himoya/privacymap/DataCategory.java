package uz.himoya.privacymap;

import java.util.List;

/**
 * The data categories a privacy map may name (docs/privacy-map.md); receipts and notices speak in them, so
 * each has a user-facing name in every language Himoya writes (category.&lt;name&gt; in
 * himoya/i18n/messages_*.properties).
 *
 * <p>The financial ones: {@code financial.payment} is what a payment record says besides its amount (method,
 * status, date, the processor's reference); {@code financial.amount} the sums of purchases and payments;
 * {@code financial.card-token} a processor's token or masked number for a saved card (a full card number has
 * no place in an app's database under PCI DSS, and so no category).
 */
public final class DataCategory {
    public static final List<String> ALL = List.of("contact.name", "contact.email", "contact.phone",
            "contact.address", "identity.document", "network.ip", "network.cookie", "device", "behaviour.pages",
            "behaviour.timestamps", "content.free-text", "marketing.consent", "location", "organisation",
            "financial.payment", "financial.amount", "financial.card-token");

    private DataCategory() {
    }
}
