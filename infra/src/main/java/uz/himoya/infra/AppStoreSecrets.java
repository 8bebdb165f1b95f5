package uz.himoya.infra;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * One Secrets Manager secret per app store, holding what the functions connect with, in the shape
 * of a secret RDS generates: {@code host}, {@code port}, {@code dbname}, {@code username},
 * {@code password}, optionally {@code tls}. An operator either names an existing secret or fills in
 * the placeholder created here; values never pass through the template.
 */
public final class AppStoreSecrets extends Construct {

    /** Lists every store as {@code connection=arn,…}; core reads it and loads each secret. */
    public static final String ENVIRONMENT_VARIABLE = "HIMOYA_STORE_SECRET_ARNS";
    /** The only action core needs: it reads the value and nothing else about the secret. */
    static final String READ_ACTION = "secretsmanager:GetSecretValue";
    /** Not secret material: the keys an operator has to fill in, with empty values. */
    static final String PLACEHOLDER =
            "{\"host\":\"\",\"port\":\"\",\"dbname\":\"\",\"username\":\"\",\"password\":\"\"}";

    /** By connection name, sorted (the settings sort the stores). */
    private final Map<String, ISecret> secrets = new LinkedHashMap<>();

    public AppStoreSecrets(Construct scope, String id, HimoyaSettings settings) {
        super(scope, id);
        // Like Himoya's own secrets: production keeps them when the stack is removed.
        RemovalPolicy removal = settings.isProduction() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
        for (AppStore store : settings.appStores()) {
            ISecret secret;
            if (store.secretArn() != null) {
                secret = Secret.fromSecretCompleteArn(this, store.connection(), store.secretArn());
            } else {
                // No fixed name: a name stays blocked for the 30-day recovery window after a removal,
                // which would stop a stage from being deployed again.
                secret = Secret.Builder.create(this, store.connection())
                        .description("Himoya " + settings.stage() + ": app store " + store.connection()
                                + ", fill in (see README)")
                        .secretStringValue(SecretValue.unsafePlainText(PLACEHOLDER))
                        .removalPolicy(removal)
                        .build();
            }
            secrets.put(store.connection(), secret);
        }
    }

    /** The secrets by connection name, sorted. */
    public Map<String, ISecret> secrets() {
        return Collections.unmodifiableMap(secrets);
    }

    /**
     * The value of {@value #ENVIRONMENT_VARIABLE}, {@code connection=arn} pairs joined by commas
     * and sorted by connection; empty when no store is configured (the variable is then left out).
     */
    public Optional<String> environmentValue() {
        if (secrets.isEmpty()) {
            return Optional.empty();
        }
        List<String> pairs = new ArrayList<>();
        secrets.forEach((connection, secret) -> pairs.add(connection + "=" + secret.getSecretArn()));
        return Optional.of(String.join(",", pairs));
    }

    /** Lets a function read every store secret, and nothing else about them. */
    public void grantRead(IGrantable function) {
        if (secrets.isEmpty()) {
            return;
        }
        function.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of(READ_ACTION))
                .resources(secrets.values().stream().map(ISecret::getSecretArn).toList())
                .build());
    }
}
