package uz.himoya.aws.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** How the deployment's three secrets become configuration (the AWS call itself is not made here). */
class SecretsConfigSourceFactoryTest {

    @Test
    void shouldMapEverySecret_whenAllThreeAreGiven() {
        Map<String, String> secrets = Map.of(
                "db", "{\"username\":\"himoya\",\"password\":\"p1\",\"engine\":\"postgres\"}",
                "own", "{\"himoya.crypto.secret\":\"c2VjcmV0\",\"himoya.bootstrap-keys.demo\":\"k\"}",
                "smtp", "{\"username\":\"AKIA\",\"password\":\"p2\"}");

        Map<String, String> p = SecretsConfigSourceFactory.properties("db", "own", "smtp", secrets::get);

        assertThat(p).containsEntry("quarkus.datasource.username", "himoya")
                .containsEntry("quarkus.datasource.password", "p1").containsEntry("himoya.crypto.secret", "c2VjcmV0")
                .containsEntry("himoya.bootstrap-keys.demo", "k").containsEntry("quarkus.mailer.username", "AKIA")
                .containsEntry("quarkus.mailer.password", "p2").doesNotContainKey("engine");
    }

    @Test
    void shouldGiveTheOwnersCredentialsToFlywayAlone_whenTheOwnerSecretIsNamed() {
        Map<String, String> p = SecretsConfigSourceFactory.ownerProperties("arn:owner",
                arn -> "{\"username\":\"himoya\",\"password\":\"master\",\"engine\":\"postgres\"}");

        assertThat(p).containsOnly(Map.entry("quarkus.flyway.username", "himoya"),
                Map.entry("quarkus.flyway.password", "master"));
        assertThat(SecretsConfigSourceFactory.ownerProperties(null, arn -> "never read")).isEmpty();
    }

    @Test
    void shouldNameTheSecretButNotItsText_whenASecretIsNotJson() {
        assertThatThrownBy(() -> SecretsConfigSourceFactory.properties("db", null, null, arn -> "hunter2"))
                .hasMessage("the database secret is not JSON").hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldLeaveMailerCredentialsUnset_whenSmtpSecretIsAPlaceholder() {
        assertThat(SecretsConfigSourceFactory.properties(null, null, "smtp", arn -> "{}")).isEmpty();
    }

    @Test
    void shouldMapEachStoreSecret_andLeaveOutOneThatIsNotJson() {
        Map<String, String> secrets = Map.of(
                "arn:shop", "{\"engine\":\"postgres\",\"host\":\"db.app\",\"port\":5432,\"dbname\":\"shop\","
                        + "\"username\":\"himoya\",\"password\":\"s3\"}",
                "arn:kg", "not json hunter2",
                "arn:empty", "{\"host\":\"\",\"port\":\"\",\"dbname\":\"\",\"username\":\"\",\"password\":\"\"}");

        Map<String, String> p = SecretsConfigSourceFactory.storeProperties("demo-shop=arn:shop, demo-kg=arn:kg,new=arn:empty",
                secrets::get);

        assertThat(p).containsEntry("himoya.store.\"demo-shop\".host", "db.app")
                .containsEntry("himoya.store.\"demo-shop\".port", "5432")
                .containsEntry("himoya.store.\"demo-shop\".database", "shop")
                .containsEntry("himoya.store.\"demo-shop\".username", "himoya")
                .containsEntry("himoya.store.\"demo-shop\".password", "s3")
                .doesNotContainKey("himoya.store.\"demo-shop\".tls");
        assertThat(p.keySet()).noneMatch(k -> k.contains("demo-kg") || k.contains("\"new\""));
        assertThat(p.values()).noneMatch(v -> v.contains("hunter2"));
    }

    @Test
    void shouldBeFoundByConfig_whenTheAwsModuleIsOnTheClasspath() {
        // SmallRye Config finds factories through META-INF/services, which moved with the class to this module.
        assertThat(ServiceLoader.load(ConfigSourceFactory.class).stream().map(ServiceLoader.Provider::type))
                .contains(SecretsConfigSourceFactory.class);
    }

    @Test
    void shouldAddNoSourceAndCallNoAws_whenNoSecretIsNamed() {
        // The tests and the local run: no HIMOYA_*_SECRET_ARN, so no Secrets Manager client is even built.
        ConfigSourceContext none = (ConfigSourceContext) Proxy.newProxyInstance(
                ConfigSourceContext.class.getClassLoader(), new Class<?>[] {ConfigSourceContext.class},
                (proxy, m, a) -> null);

        assertThat(new SecretsConfigSourceFactory().getConfigSources(none)).isEmpty();
    }
}
