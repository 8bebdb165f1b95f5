package uz.himoya.breach;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.Jdbc;
import uz.himoya.notice.RenderedMail;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.problem.Problem;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.StoreConnections;
import uz.himoya.store.port.AffectedSubjects;

/**
 * Breach incidents as ops drive them: register (or dry-run), add pages of subject ids, start sending,
 * follow progress, record the authority notice, report. Affected subjects are read from the app's own store,
 * page by page, into one notice row each in Himoya's database (BreachResolver); the notifier function sends
 * them.
 */
@ApplicationScoped
public class BreachService {
    private static final Logger LOG = Logger.getLogger(BreachService.class);

    /**
     * A dry run's answer: how many would be told, what each language's notice would say, and a warning per
     * language that affected users asked for but the incident has no text in (they get a fallback).
     */
    public record DryRun(int count, Map<String, Sample> samples, List<String> warnings) {
    }

    public record Sample(String subject, String text) {
    }

    private final AppRegistry apps;
    private final StoreConnections stores;
    private final Jdbc jdbc;
    private final Clock clock;
    private final Secrets secrets;
    private final BreachQueue queue;
    private final BreachMails mails;
    private final BreachValidator validator;

    public BreachService(AppRegistry apps, StoreConnections stores, Jdbc jdbc, Clock clock, Secrets secrets,
            BreachQueue queue, BreachMails mails, HimoyaConfig config) {
        this.apps = apps;
        this.stores = stores;
        this.jdbc = jdbc;
        this.clock = clock;
        this.secrets = secrets;
        this.queue = queue;
        this.mails = mails;
        this.validator = new BreachValidator(apps, config.breach().maxSubjectsPerCall());
    }

    public DryRun dryRun(BreachCommand cmd) {
        validator.validate(cmd);
        AppRegistry.CompiledApp compiled = apps.require(cmd.appId());
        PrivacyMap map = compiled.map();
        AffectedSubjects.Selection selection = BreachResolver.selection(map, cmd.selection(), cmd.windowFrom(),
                cmd.windowTo());
        Map<String, Long> asked = onStore(map, store -> BreachResolver.countByLocale(store, map, affected(compiled),
                selection));
        int count = (int) asked.values().stream().mapToLong(Long::longValue).sum();
        List<String> warnings = new ArrayList<>();
        asked.forEach((locale, n) -> {
            String sentIn = BreachMails.localeFor(locale, map.app(), cmd.content());
            if (!sentIn.equals(locale)) {
                warnings.add(locale + ": " + n + " affected user(s) asked for " + locale + ", but the incident has no "
                        + locale + " text; their notice will be sent in " + sentIn + ".");
            }
        });
        BreachMails.Incident sample = new BreachMails.Incident(new UUID(0, 0), cmd.discoveredAt(), cmd.windowFrom(),
                cmd.windowTo(), cmd.categories(), cmd.content());
        Map<String, Sample> samples = new LinkedHashMap<>();
        for (String locale : cmd.content().keySet()) {
            RenderedMail m = mails.render(map.app(), sample, locale);
            samples.put(locale, new Sample(m.subject(), m.text()));
        }
        return new DryRun(count, samples, warnings);
    }

    public BreachView register(BreachCommand cmd) {
        validator.validate(cmd);
        AppRegistry.CompiledApp compiled = apps.require(cmd.appId());
        Instant now = clock.instant();
        boolean collecting = cmd.selection() instanceof BreachCommand.Subjects s && s.more();
        UUID id = UUID.randomUUID();
        int added = sql(c -> {
            Map<String, String> selection = new LinkedHashMap<>(Map.of("kind", cmd.selection().kind()));
            if (cmd.selection() instanceof BreachCommand.Selector sel) {
                selection.put("selector", sel.name());
            }
            BreachStore.insert(c, new BreachStore.Row(id, cmd.appId(), cmd.title(), cmd.discoveredAt(),
                    cmd.windowFrom(), cmd.windowTo(), cmd.categories(), cmd.content(), selection,
                    collecting ? "COLLECTING" : "SENDING", now, now, collecting ? null : now, null, null, null, 0));
            int n = resolve(c, compiled, id, cmd.selection(), cmd.windowFrom(), cmd.windowTo());
            BreachStore.update(c, "UPDATE breach_incident SET total = ? WHERE id = ?", n, id);
            return n;
        });
        LOG.infof("breach=%s registered app=%s notices=%d", id, cmd.appId(), added);
        if (!collecting) {
            startSending(id);
        }
        return get(id);
    }

    /** Adds a page of explicit subject ids to an incident still collecting them. */
    public BreachView addSubjects(UUID id, List<String> ids) {
        validator.checkIds(ids);
        sql(c -> {
            BreachStore.Row r = BreachStore.find(c, id, true).orElseThrow(() -> Problem.notFound("The incident"));
            if (!"COLLECTING".equals(r.status())) {
                throw Problem.conflict("Subjects can be added only before sending starts.");
            }
            int n = resolve(c, apps.require(r.appId()), id, new BreachCommand.Subjects(ids, true), r.windowFrom(),
                    r.windowTo());
            BreachStore.update(c, "UPDATE breach_incident SET total = total + ? WHERE id = ?", n, id);
            return n;
        });
        return get(id);
    }

    /**
     * Starts sending a collecting incident, or queues again what is still unsent of a sending one (after a
     * lost message or a queue outage). Sending twice is harmless: notices already sent are never claimed.
     */
    public BreachView send(UUID id) {
        sql(c -> {
            BreachStore.Row r = BreachStore.find(c, id, true).orElseThrow(() -> Problem.notFound("The incident"));
            if ("COMPLETED".equals(r.status())) {
                throw Problem.conflict("Every notice of this incident is already sent or failed.");
            }
            if ("COLLECTING".equals(r.status())) {
                BreachStore.update(c, "UPDATE breach_incident SET status = 'SENDING', sending_started_at = ?"
                        + " WHERE id = ?", clock.instant(), id);
            }
            return null;
        });
        startSending(id);
        return get(id);
    }

    public BreachView get(UUID id) {
        return sql(c -> BreachViews.view(BreachStore.find(c, id, false)
                .orElseThrow(() -> Problem.notFound("The incident")), BreachStore.counts(c, id), apps, clock));
    }

    public BreachView authorityNotified(UUID id, String reference) {
        if (reference != null && reference.length() > 200) {
            throw Problem.validation(List.of(new uz.himoya.problem.Problem.FieldError("reference",
                    "at most 200 characters")));
        }
        sql(c -> {
            BreachStore.Row r = BreachStore.find(c, id, true).orElseThrow(() -> Problem.notFound("The incident"));
            if (r.authorityNotifiedAt() != null) {
                throw Problem.conflict("The authority notice is already recorded.");
            }
            BreachStore.update(c, "UPDATE breach_incident SET authority_notified_at = ?, authority_reference = ?"
                    + " WHERE id = ?", clock.instant(), reference, id);
            return null;
        });
        return get(id);
    }

    /** What a regulator asks: counts, categories, timeline, measures. Never an address. */
    public Map<String, Object> report(UUID id) {
        return sql(c -> {
            BreachStore.Row r = BreachStore.find(c, id, false).orElseThrow(() -> Problem.notFound("The incident"));
            return BreachViews.report(BreachViews.view(r, BreachStore.counts(c, id), apps, clock), r,
                    BreachStore.byLocale(c, id));
        });
    }

    private void startSending(UUID id) {
        int[] range = sql(c -> new int[] { BreachStore.minOpenSeq(c, id), BreachStore.maxOpenSeq(c, id) });
        if (range[1] == 0) {
            sql(c -> {
                BreachNotifier.completeIfDone(c, id, clock.instant());
                return null;
            });
            return;
        }
        try {
            queue.enqueue(id, range[0], range[1]);
        } catch (RuntimeException e) {
            // The notices are stored PENDING: POST /v1/breaches/{id}/send or the watchdog queues them again.
            LOG.warnf("breach=%s could not be queued (%s); notices stay pending", id, e.getClass().getSimpleName());
        }
    }

    /**
     * Resolves on Himoya's transaction c: the subjects are read from the app's store on a connection of its
     * own, so the incident, its notices and its total commit together, or not at all.
     */
    private int resolve(Connection c, AppRegistry.CompiledApp app, UUID id, BreachCommand.Selection selection,
            Instant from, Instant to) throws SQLException {
        PrivacyMap map = app.map();
        AffectedSubjects.Selection s = BreachResolver.selection(map, selection, from, to);
        BreachResolver.Resolution r = onStore(map, store -> BreachResolver.resolve(c, id, store, map, affected(app), s,
                secrets.erasurePseudonymKey(), secrets::encrypt, BreachResolver.PAGE_SIZE));
        LOG.debugf("breach=%s resolved: %d notices added from %d pages", id, r.added(), r.pages());
        return r.added();
    }

    private static AffectedSubjects affected(AppRegistry.CompiledApp app) {
        PrivacyMap map = app.map();
        return BreachResolver.affectedSubjects(map, app.catalogues().get(map.subject().store()));
    }

    /**
     * Work on a connection to the app's store that holds the subject table. The store's own failures come out
     * as StoreUnavailable (BreachResolver.storeCall); an SQLException here is Himoya's database's.
     */
    private <T, E extends Exception> T onStore(PrivacyMap map, StoreWork<T, E> work) throws E {
        Connection store = BreachResolver.storeCall(map, () -> stores.open(map.subjectStore()));
        try {
            return work.run(store);
        } finally {
            BreachResolver.storeCall(map, () -> {
                store.close();
                return null;
            });
        }
    }

    @FunctionalInterface
    private interface StoreWork<T, E extends Exception> {
        T run(Connection store) throws E;
    }

    private <T> T sql(Jdbc.Work<T> work) {
        return jdbc.inNewTransaction(work);
    }
}
