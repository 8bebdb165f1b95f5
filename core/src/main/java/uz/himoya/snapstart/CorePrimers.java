package uz.himoya.snapstart;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.Jdbc;
import uz.himoya.deletion.DeletionMails;
import uz.himoya.deletion.DeletionRequest;
import uz.himoya.deletion.DeletionRequests;
import uz.himoya.deletion.DeletionStatus;
import uz.himoya.deletion.Receipt;
import uz.himoya.policy.Locales;
import uz.himoya.store.AppRegistry;

/**
 * The primers every function shares: Himoya's database and its transactions, the mail templates, the crypto.
 * The SQS client's primer is the aws module's (uz.himoya.aws.sqs.SqsPrimer), found like these as a
 * {@link Primer} bean.
 */
public final class CorePrimers {

    private CorePrimers() {
    }

    /**
     * The deletion request's read, row lock, insert and version-checked update, and an audit insert, through
     * the JDBC layer in a transaction that is rolled back: the row never becomes visible to anyone (the audit
     * table's sequence may skip a number). The request is nobody's: a random id, a zero subject hash, no
     * address.
     */
    @ApplicationScoped
    public static class Db implements Primer {
        private final HimoyaConfig config;
        private final DeletionRequests requests;
        private final Jdbc jdbc;

        public Db(HimoyaConfig config, DeletionRequests requests, Jdbc jdbc) {
            this.config = config;
            this.requests = requests;
            this.jdbc = jdbc;
        }

        @Override
        public String name() {
            return "db";
        }

        @Override
        public void prime() {
            QuarkusTransaction.begin();
            try {
                requests.findForUpdate(UUID.randomUUID());
                DeletionRequest r = new DeletionRequest();
                r.id = UUID.randomUUID();
                r.appId = config.apps().get(0);
                r.status = DeletionStatus.QUEUED;
                r.receivedAt = Instant.now();
                r.dueAt = r.receivedAt;
                r.subjectIdHash = new byte[32];
                requests.insert(r);
                requests.find(r.id);
                r.status = DeletionStatus.COMPLETED;
                r.completedAt = Instant.now();
                r.receipt = "{}";
                requests.update(r);
                jdbc.call(c -> Jdbc.update(c,
                        "INSERT INTO audit_event (request_id, at, event, detail) VALUES (?, ?, ?, ?)", ps -> {
                            ps.setObject(1, r.id);
                            ps.setTimestamp(2, Timestamp.from(Instant.now()));
                            ps.setString(3, "priming");
                            ps.setString(4, null);
                        }));
            } finally {
                QuarkusTransaction.rollback();
            }
        }
    }

    /**
     * The deletion mails and the confirm page in every supported language, rendered for a request that
     * exists only in memory (no id of anybody's, nothing sent).
     */
    @ApplicationScoped
    public static class Mails implements Primer {
        private final DeletionMails mails;
        private final AppRegistry apps;
        private final HimoyaConfig config;

        public Mails(DeletionMails mails, AppRegistry apps, HimoyaConfig config) {
            this.mails = mails;
            this.apps = apps;
            this.config = config;
        }

        @Override
        public String name() {
            return "mails";
        }

        @Override
        public void prime() {
            for (String appId : config.apps()) {
                AppRegistry.CompiledApp app = apps.require(appId);
                for (String locale : Locales.SUPPORTED) {
                    DeletionRequest r = new DeletionRequest();
                    r.id = UUID.randomUUID();
                    r.appId = appId;
                    r.locale = locale;
                    r.version = 0;
                    r.status = DeletionStatus.AWAITING_VERIFICATION;
                    r.receivedAt = Instant.now();
                    r.dueAt = r.receivedAt;
                    r.tokenExpiresAt = r.receivedAt;
                    r.completedAt = r.receivedAt;
                    mails.verification(app.app(), r, config.publicBaseUrl() + "/v1/confirm?token=priming");
                    mails.confirmation(app.app(), r, new Receipt(r.completedAt, false, List.of()));
                    mails.page(app.app(), r, "form", "priming", "confirm", locale);
                }
                DeletionRequest denied = new DeletionRequest();
                denied.id = new UUID(0, 0);
                mails.notMe(app.app(), denied);
            }
        }
    }

    /**
     * The keyed hash, the sealing of the few identifiers a request keeps (AES-GCM) and the token digest,
     * on a value that is nobody's. No token is drawn: a random value kept in the snapshot would repeat in
     * every restored copy.
     */
    @ApplicationScoped
    public static class Crypto implements Primer {
        private final Secrets secrets;

        public Crypto(Secrets secrets) {
            this.secrets = secrets;
        }

        @Override
        public String name() {
            return "crypto";
        }

        @Override
        public void prime() {
            secrets.keyedHash("priming", "id", "priming");
            secrets.decrypt(secrets.encrypt("priming@himoya.invalid"));
            Secrets.sha256("priming");
        }
    }
}
