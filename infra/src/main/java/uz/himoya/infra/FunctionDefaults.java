package uz.himoya.infra;

import java.util.List;
import java.util.Map;

import software.amazon.awscdk.services.secretsmanager.ISecret;

/**
 * What every Himoya function shares: where it runs, what it may read, and its common environment.
 *
 * @param settings    deploy-time settings
 * @param network     VPC and the functions' security group
 * @param database    the database every function connects to
 * @param secrets     secrets every function reads at start-up
 * @param appStores   the app stores' secrets, which every function reads too: each of them runs SQL
 *                    against app databases (erasure, retention, breach look-ups, watchdog, HTTP)
 * @param environment variables every function gets
 * @param alarms      where function alarms are registered
 */
public record FunctionDefaults(
        HimoyaSettings settings,
        Network network,
        Database database,
        List<ISecret> secrets,
        AppStoreSecrets appStores,
        Map<String, String> environment,
        Alarms alarms) {

    public FunctionDefaults {
        secrets = List.copyOf(secrets);
        environment = Map.copyOf(environment);
    }
}
