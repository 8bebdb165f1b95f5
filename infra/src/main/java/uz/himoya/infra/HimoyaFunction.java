package uz.himoya.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.VersionOptions;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * One Quarkus Lambda function as Himoya runs it: SnapStart on published versions, an alias
 * {@value #ALIAS} that every trigger targets, its own log group and role, and its alarms.
 */
public final class HimoyaFunction extends Construct {

    /** The HTTP function's entry point (quarkus-amazon-lambda-http). */
    public static final String HTTP_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    /** The event functions' entry point: Funqy, which runs the function named by QUARKUS_FUNQY_EXPORT. */
    public static final String FUNQY_HANDLER = "io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest";
    public static final List<String> HANDLERS = List.of(HTTP_HANDLER, FUNQY_HANDLER);
    public static final String ALIAS = "live";
    /** C1 only: short invocations gain more from cheap compilation than from C2's peak speed (AWS guidance). */
    static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    /** core's himoya.store-work-limit: the longest one piece of work in an app store may take. */
    static final String STORE_WORK_LIMIT = "HIMOYA_STORE_WORK_LIMIT";
    /** The least time left to record a failed store step in Himoya's database and answer (an HTTP call's 15 s). */
    static final java.time.Duration MIN_RESERVE = java.time.Duration.ofSeconds(5);
    /** Enough for that in any function; longer functions keep a quarter of their time up to this. */
    static final java.time.Duration MAX_RESERVE = java.time.Duration.ofSeconds(30);

    /**
     * The store work limit of a function with this timeout: its timeout less a reserve, so store work over it
     * is aborted (and its step records why) before Lambda kills the function, which would record nothing.
     * Http 15 s: 10 s; erasure worker 2 min: 90 s; retention sweep 15 min: 14.5 min.
     */
    static java.time.Duration storeWorkLimit(Duration timeout) {
        java.time.Duration t = java.time.Duration.ofSeconds(timeout.toSeconds().longValue());
        java.time.Duration reserve = t.dividedBy(4);
        if (reserve.compareTo(MIN_RESERVE) < 0) {
            reserve = MIN_RESERVE;
        } else if (reserve.compareTo(MAX_RESERVE) > 0) {
            reserve = MAX_RESERVE;
        }
        return t.minus(reserve);
    }

    /**
     * What differs between the functions.
     *
     * @param name        short name, e.g. {@code erasure-worker}; the function is {@code himoya-<stage>-<name>}
     * @param asset       path of the function zip
     * @param timeout     function timeout
     * @param environment variables on top of the common ones
     */
    public record Spec(String name, String asset, Duration timeout, Map<String, String> environment) {
        public Spec {
            environment = Map.copyOf(environment);
        }
    }

    private final Function function;
    private final Alias live;

    public HimoyaFunction(Construct scope, String id, FunctionDefaults defaults, Spec spec) {
        super(scope, id);
        HimoyaSettings settings = defaults.settings();
        String functionName = settings.prefix() + "-" + spec.name();

        // Created here rather than by Lambda so that retention and removal are ours to decide.
        LogGroup logGroup = LogGroup.Builder.create(this, "Logs")
                .logGroupName("/aws/lambda/" + functionName)
                .retention(LogRetention.of(settings.logRetentionDays()))
                .removalPolicy(settings.isProduction() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();

        Map<String, String> environment = new LinkedHashMap<>(defaults.environment());
        environment.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
        environment.put(STORE_WORK_LIMIT, storeWorkLimit(spec.timeout()).toString());
        environment.putAll(spec.environment());

        function = Function.Builder.create(this, "Function")
                .functionName(functionName)
                .description("Himoya " + spec.name() + " (" + settings.stage() + ")")
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.X86_64)
                .handler(spec.environment().containsKey("QUARKUS_FUNQY_EXPORT") ? FUNQY_HANDLER : HTTP_HANDLER)
                .code(Code.fromAsset(existing(spec.asset())))
                .memorySize(settings.memoryMb())
                .timeout(spec.timeout())
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                // Old versions stay after an update, so the alias can be pointed back at one (rollback).
                .currentVersionOptions(VersionOptions.builder().removalPolicy(RemovalPolicy.RETAIN).build())
                .environment(environment)
                .vpc(defaults.network().vpc())
                .vpcSubnets(defaults.network().privateSubnets())
                .securityGroups(defaults.network().functionSecurityGroups())
                .logGroup(logGroup)
                .build();

        // Publishing a SnapStart version runs the function's start-up, which reads the secrets and
        // connects to the database: network endpoints and database must be complete by then.
        function.getNode().addDependency(defaults.network(), defaults.database());
        // CDK warns that SnapStart needs published versions; the alias below publishes one.
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "the live alias points at a published version");

        live = Alias.Builder.create(this, "Live")
                .aliasName(ALIAS)
                .version(function.getCurrentVersion())
                .build();

        defaults.database().grantAccess(function);
        defaults.secrets().forEach(secret -> secret.grantRead(function));
        defaults.appStores().grantRead(function);
        defaults.alarms().onFunctionTrouble(this, function, functionName);
        defaults.alarms().onRowGuard(this, logGroup, functionName);
    }

    /** The function itself: for grants and metrics. Triggers use {@link #live()}. */
    public Function function() {
        return function;
    }

    /** The {@value #ALIAS} alias, pointing at the published (SnapStart) version. */
    public Alias live() {
        return live;
    }

    private static String existing(String asset) {
        if (!Files.isRegularFile(Path.of(asset))) {
            throw new IllegalArgumentException("Function package " + Path.of(asset).toAbsolutePath().normalize()
                    + " not found. Build it first at the repository top: ./mvnw -B package -DskipTests");
        }
        return asset;
    }
}
