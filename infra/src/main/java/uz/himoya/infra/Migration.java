package uz.himoya.infra;

import java.util.List;
import java.util.Map;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.triggers.InvocationType;
import software.amazon.awscdk.triggers.Trigger;
import software.constructs.Construct;

/**
 * Migrations once per deploy (issue 12, part 8): the migration function (core's DatabaseMigration) and the
 * CDK trigger that invokes it during the deploy, after the database and before every other function. It
 * alone connects as the database owner; every other function connects as the application role, which may
 * change data in Himoya's tables and do nothing else. A failed migration fails the invocation, the trigger,
 * and so the deploy, before any function is updated.
 */
public final class Migration extends Construct {

    static final String EXPORT = "databaseMigration";
    /** Flyway's run over Himoya's schema takes seconds; a lock held by a stuck earlier run is waited for. */
    static final Duration TIMEOUT = Duration.minutes(5);
    /** The owner's credentials, read by core as Flyway's (aws SecretsConfigSourceFactory). */
    static final String OWNER_SECRET_VARIABLE = "HIMOYA_DB_OWNER_SECRET_ARN";

    private final HimoyaFunction function;
    private final Trigger trigger;

    public Migration(Construct scope, String id, FunctionDefaults defaults, String asset) {
        super(scope, id);
        function = new HimoyaFunction(this, "Function", defaults, new HimoyaFunction.Spec("database-migration",
                asset, TIMEOUT, Map.of("QUARKUS_FUNQY_EXPORT", EXPORT,
                        OWNER_SECRET_VARIABLE, defaults.database().secret().getSecretArn())));
        defaults.database().grantOwnerAccess(function.function());
        trigger = Trigger.Builder.create(this, "OnDeploy")
                .handler(function.function())
                .invocationType(InvocationType.REQUEST_RESPONSE)
                .timeout(TIMEOUT)
                // New code may bring new migrations, a new revision a rotated role password: run again then.
                .executeOnHandlerChange(true)
                .executeAfter(List.of(defaults.database()))
                .build();
    }

    /** The functions this deploy updates only once the migration has run. */
    public void runBefore(List<HimoyaFunction> functions) {
        trigger.executeBefore(functions.toArray(Construct[]::new));
    }

    public HimoyaFunction function() {
        return function;
    }
}
