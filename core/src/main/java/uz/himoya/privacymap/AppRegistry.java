package uz.himoya.privacymap;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.erasure.ErasurePlan;
import uz.himoya.erasure.ErasurePlanner;

/**
 * The apps this deployment serves, each with its validated privacy map and erasure plan. Loaded at
 * start-up: an invalid map stops the function from starting, with file, line and problem in the log.
 */
@Startup
@ApplicationScoped
public class AppRegistry {

    /** An app ready to serve: its map (tables in erasure order), its plan, and how to find its subjects. */
    public record CompiledApp(PrivacyMap map, ErasurePlan plan, SubjectFinder subjects) {
        public PrivacyMap.App app() {
            return map.app();
        }
    }

    private final AgroalDataSource dataSource;
    private final HimoyaConfig config;
    private final Secrets secrets;
    private final Map<String, CompiledApp> apps = new LinkedHashMap<>();

    public AppRegistry(AgroalDataSource dataSource, HimoyaConfig config, Secrets secrets) {
        this.dataSource = dataSource;
        this.config = config;
        this.secrets = secrets;
    }

    @PostConstruct
    void load() {
        try (Connection c = dataSource.getConnection()) {
            for (String id : config.apps()) {
                CompiledApp app = compile(c, id, secrets.erasurePseudonymKey());
                apps.put(app.app().id(), app);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database catalogue to validate privacy maps: "
                    + e.getSQLState(), e);
        }
    }

    /** Parses, validates against the catalogue and plans one bundled map. */
    public static CompiledApp compile(Connection c, String id, String pseudonymKey) throws SQLException {
        String file = "privacy-maps/" + id + ".yaml";
        PrivacyMap parsed = PrivacyMapParser.parse(file, resource(file));
        if (!parsed.app().id().equals(id)) {
            throw new PrivacyMapException(List.of(new MapProblem(file, 1, "app.id '" + parsed.app().id()
                    + "' does not match the file name")));
        }
        Catalogue catalogue = Catalogue.load(c, parsed.app().schema());
        if (catalogue.tables().isEmpty()) {
            throw new PrivacyMapException(List.of(new MapProblem(file, 1, "schema '" + parsed.app().schema()
                    + "' has no tables (or does not exist)")));
        }
        PrivacyMap map = CatalogueValidator.validate(parsed, catalogue);
        return new CompiledApp(map, ErasurePlanner.plan(map, catalogue, pseudonymKey), new SubjectFinder(map,
                catalogue));
    }

    public Optional<CompiledApp> find(String appId) {
        return Optional.ofNullable(apps.get(appId));
    }

    public CompiledApp require(String appId) {
        CompiledApp app = apps.get(appId);
        if (app == null) {
            throw new IllegalStateException("app '" + appId + "' is not served by this deployment");
        }
        return app;
    }

    private static String resource(String file) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                throw new PrivacyMapException(List.of(new MapProblem(file, 0, "privacy map not found on the"
                        + " classpath (is the app id listed in himoya.apps and the file in privacy-maps/?)")));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
