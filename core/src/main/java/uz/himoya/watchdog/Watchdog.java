package uz.himoya.watchdog;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.store.AppRegistry;
import uz.himoya.problem.Problem;

/**
 * The hourly deadline watchdog: drives stuck work again, then reports deadlines that passed or come within
 * himoya.watchdog.warning-days, in one digest e-mail per app to the app's privacy contact (in the app's
 * default language) and, for ops-only alerts, to himoya.watchdog.ops-email. One failing check or mail never
 * stops the others; the failures are in the report by error code.
 *
 * <pre>{@code
 * WatchdogReport r = watchdog.run(Optional.empty());
 * }</pre>
 */
@ApplicationScoped
public class Watchdog {
    private static final Logger LOG = Logger.getLogger(Watchdog.class);

    private final Instance<WatchdogCheck> checks;
    private final DeadlineDigests digests;
    private final AppRegistry apps;
    private final Clock clock;
    private final HimoyaConfig config;

    public Watchdog(Instance<WatchdogCheck> checks, DeadlineDigests digests, AppRegistry apps, Clock clock,
            HimoyaConfig config) {
        this.checks = checks;
        this.digests = digests;
        this.apps = apps;
        this.clock = clock;
        this.config = config;
    }

    public WatchdogReport run(Optional<String> app) {
        validate(app);
        Instant now = clock.instant();
        Map<String, Integer> redriven = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (WatchdogCheck check : sorted()) {
            try {
                redriven.put(check.name(), check.redrive(now));
            } catch (RuntimeException e) {
                failures.put(check.name(), code(e));
            }
        }
        DeadlinesView view = view(app, now, failures);
        List<DigestNote> notes = notes(app, now, failures);
        Map<String, List<DeadlineAlert>> alertsByApp = new TreeMap<>();
        for (DeadlinesView.App a : view.apps()) {
            alertsByApp.put(a.appId(), a.items().stream().filter(i -> !i.opsOnly()).toList());
        }
        Map<String, List<DigestNote>> notesByApp = new TreeMap<>();
        notes.forEach(n -> notesByApp.computeIfAbsent(n.appId(), k -> new ArrayList<>()).add(n));
        Set<String> recipients = new TreeSet<>(alertsByApp.keySet());
        recipients.addAll(notesByApp.keySet());
        List<String> sent = new ArrayList<>();
        for (String id : recipients) {
            List<DeadlineAlert> forApp = alertsByApp.getOrDefault(id, List.of());
            List<DigestNote> notesForApp = notesByApp.getOrDefault(id, List.of());
            send(id, () -> digests.sendToApp(apps.app(id), forApp, notesForApp, now), sent, failures);
        }
        List<DeadlineAlert> forOps = view.apps().stream().flatMap(a -> a.items().stream())
                .filter(DeadlineAlert::opsOnly).toList();
        config.watchdog().opsEmail().ifPresent(to -> send("ops", () -> digests.sendToOps(to, forOps, notes, now),
                sent, failures));
        LOG.infof("watchdog redriven=%s digests=%s failures=%s", redriven, sent, failures);
        return new WatchdogReport(redriven, view, notes, sent, failures);
    }

    /**
     * What the checks add to the digests beside the deadlines (see {@link DigestNote}), for the apps asked
     * about and served here, after every re-drive ran.
     */
    private List<DigestNote> notes(Optional<String> app, Instant now, Map<String, String> failures) {
        List<DigestNote> out = new ArrayList<>();
        for (WatchdogCheck check : sorted()) {
            try {
                for (DigestNote n : check.notes(now)) {
                    if ((app.isEmpty() || app.get().equals(n.appId())) && apps.serves(n.appId())) {
                        out.add(n);
                    }
                }
            } catch (RuntimeException e) {
                failures.put(check.name(), code(e));
            }
        }
        return List.copyOf(out);
    }

    /** What is overdue or due soon, per app; read-only. */
    public DeadlinesView view(Optional<String> app) {
        validate(app);
        Map<String, String> failures = new LinkedHashMap<>();
        DeadlinesView view = view(app, clock.instant(), failures);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("watchdog checks failed: " + failures);
        }
        return view;
    }

    private DeadlinesView view(Optional<String> app, Instant now, Map<String, String> failures) {
        int days = config.watchdog().warningDays();
        Instant warnUntil = now.plus(Duration.ofDays(days));
        Map<String, List<DeadlineAlert>> byApp = new LinkedHashMap<>();
        for (WatchdogCheck check : sorted()) {
            try {
                for (DeadlineAlert a : check.alerts(now, warnUntil)) {
                    if (app.isEmpty() || app.get().equals(a.appId())) {
                        byApp.computeIfAbsent(a.appId(), k -> new ArrayList<>()).add(a);
                    }
                }
            } catch (RuntimeException e) {
                failures.put(check.name(), code(e));
            }
        }
        List<DeadlinesView.App> out = byApp.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            List<DeadlineAlert> items = e.getValue().stream().sorted(Comparator.comparing(DeadlineAlert::dueAt)
                    .thenComparing(DeadlineAlert::reference)).toList();
            long overdue = items.stream().filter(DeadlineAlert::overdue).count();
            return new DeadlinesView.App(e.getKey(), overdue, items.size() - overdue, items);
        }).toList();
        return new DeadlinesView(now, days, out);
    }

    private void send(String recipient, Sender sender, List<String> sent, Map<String, String> failures) {
        try {
            if (sender.send()) {
                sent.add(recipient);
            }
        } catch (RuntimeException e) {
            failures.put("digest:" + recipient, code(e));
        }
    }

    @FunctionalInterface
    private interface Sender {
        boolean send();
    }

    private void validate(Optional<String> app) {
        if (app.isPresent() && !apps.serves(app.get())) {
            throw Problem.validation(List.of(new Problem.FieldError("app",
                    "is not an app this deployment serves; it serves " + config.apps())));
        }
    }

    private List<WatchdogCheck> sorted() {
        return checks.stream().sorted(Comparator.comparing(WatchdogCheck::name)).toList();
    }

    private static String code(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root instanceof java.sql.SQLException s && s.getSQLState() != null ? "sql-" + s.getSQLState()
                : root.getClass().getSimpleName();
    }
}
