package uz.himoya.infra;

import java.util.List;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.rds.AuroraPostgresClusterEngineProps;
import software.amazon.awscdk.services.rds.AuroraPostgresEngineVersion;
import software.amazon.awscdk.services.rds.ClusterInstance;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterEngine;
import software.amazon.awscdk.services.rds.DatabaseProxy;
import software.amazon.awscdk.services.rds.DatabaseProxyOptions;
import software.amazon.awscdk.services.rds.DatabaseSecret;
import software.amazon.awscdk.services.rds.ServerlessV2ClusterInstanceProps;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * Himoya's own PostgreSQL: Aurora Serverless v2 behind an RDS Proxy. Lambda functions open and
 * drop connections at the rate they scale; the proxy pools them so the database is not flooded.
 */
public final class Database extends Construct {

    public static final String DATABASE_NAME = "himoya";
    public static final int PORT = 5432;
    private static final String MASTER_USER = "himoya";
    /**
     * The role every function but the migration function connects as: DML on Himoya's tables, no DDL (core's
     * V10__app_role.sql grants it; the migration function gives it LOGIN and this secret's password).
     */
    public static final String APP_USER = "himoya_app";

    private final DatabaseCluster cluster;
    private final DatabaseProxy proxy;
    private final DatabaseSecret appCredentials;

    public Database(Construct scope, String id, Network network, HimoyaSettings settings) {
        super(scope, id);
        // The password never appears in the template: Secrets Manager generates it.
        DatabaseSecret credentials = DatabaseSecret.Builder.create(this, "Credentials")
                .username(MASTER_USER)
                .build();
        appCredentials = DatabaseSecret.Builder.create(this, "AppCredentials")
                .username(APP_USER)
                .build();
        if (settings.isProduction()) {
            // The snapshot taken on removal is only useful together with the credentials it was made with.
            credentials.applyRemovalPolicy(RemovalPolicy.RETAIN);
            appCredentials.applyRemovalPolicy(RemovalPolicy.RETAIN);
        }

        cluster = DatabaseCluster.Builder.create(this, "Cluster")
                .engine(DatabaseClusterEngine.auroraPostgres(AuroraPostgresClusterEngineProps.builder()
                        .version(AuroraPostgresEngineVersion.VER_17_7)
                        .build()))
                .credentials(Credentials.fromSecret(credentials))
                .defaultDatabaseName(DATABASE_NAME)
                .writer(ClusterInstance.serverlessV2("Writer", ServerlessV2ClusterInstanceProps.builder()
                        .publiclyAccessible(false)
                        .build()))
                .serverlessV2MinCapacity(0.5)
                .serverlessV2MaxCapacity(4)
                .vpc(network.vpc())
                .vpcSubnets(network.privateSubnets())
                .port(PORT)
                .storageEncrypted(true)
                .deletionProtection(settings.isProduction())
                // Production data outlives the stack (a final snapshot is taken); other stages are throwaway.
                .removalPolicy(settings.isProduction() ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY)
                .build();

        proxy = cluster.addProxy("Proxy", DatabaseProxyOptions.builder()
                .dbProxyName(settings.prefix())
                // The proxy logs in to the database with each user's own secret: the owner's (the migration
                // function) and the application role's (every other function).
                .secrets(List.of(secret(), appCredentials))
                .vpc(network.vpc())
                .vpcSubnets(network.privateSubnets())
                .requireTls(true)
                .build());
        proxy.getConnections().allowFrom(network.functionSecurityGroup(), Port.tcp(PORT),
                "Functions connect to the database proxy");
    }

    /** The generated master (owner) credentials (JSON with username and password): the migration function's. */
    public ISecret secret() {
        return cluster.getSecret();
    }

    /** The application role's credentials, which every other function connects with. */
    public ISecret appSecret() {
        return appCredentials;
    }

    /** jdbc URL of the proxy; the functions read username and password from {@link #appSecret()}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + proxy.getEndpoint() + ":" + PORT + "/" + DATABASE_NAME;
    }

    /** Lets a function connect through the proxy as the application role and read that role's credentials. */
    public void grantAccess(IGrantable function) {
        proxy.grantConnect(function, APP_USER);
        appCredentials.grantRead(function);
    }

    /** Lets the migration function connect as the owner too, and read the owner's credentials. */
    public void grantOwnerAccess(IGrantable function) {
        proxy.grantConnect(function, MASTER_USER);
        secret().grantRead(function);
    }
}
