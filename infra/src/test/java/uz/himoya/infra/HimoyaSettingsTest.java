package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HimoyaSettingsTest {

    private static final String CRM_SECRET_ARN =
            "arn:aws:secretsmanager:eu-central-1:111122223333:secret:apps/crm-Xy12Ab";

    private static HimoyaSettings read(Map<String, Object> context, Map<String, String> env) {
        return HimoyaSettings.from(context::get, env::get);
    }

    @Test
    void shouldUseDocumentedDefaults_whenNoContextIsGiven() {
        // Act
        HimoyaSettings settings = read(Map.of(), Map.of());

        // Assert
        assertEquals("dev", settings.stage());
        assertEquals("eu-central-1", settings.region());
        assertEquals("demo", settings.apps());
        assertEquals(512, settings.memoryMb());
        assertEquals(5, settings.maxConcurrency());
        assertEquals(30, settings.logRetentionDays());
        assertEquals("../http/target/function.zip", settings.httpAsset());
        assertEquals("../functions/target/function.zip", settings.functionsAsset());
        assertEquals("no-reply@example.com", settings.mailFrom());
        assertNull(settings.smtpSecretArn());
        assertNull(settings.mailFromDomain());
        assertNull(settings.alarmEmail());
        assertEquals("1", settings.configRevision());
        assertEquals("himoya-dev", settings.prefix());
        assertFalse(settings.isProduction());
        assertEquals(List.of(), settings.appStores());
        assertEquals(NetworkSettings.defaults(), settings.network());
        assertFalse(settings.network().existingVpc());
        assertEquals(List.of(5432, 3306), settings.network().appStorePorts());
    }

    @Test
    void shouldReadAppStoresSorted_whenGivenInTheShortCommandLineForm() {
        // Act
        HimoyaSettings settings = read(Map.of("appStores", " shop-db , crm=" + CRM_SECRET_ARN + " "), Map.of());

        // Assert
        assertEquals(List.of(new AppStore("crm", CRM_SECRET_ARN), new AppStore("shop-db", null)),
                settings.appStores());
    }

    @Test
    void shouldReadAppStores_whenGivenAsJsonArrayOrAsItsText() {
        // Arrange: cdk.json delivers a list of objects, "-c" the same as text
        List<Map<String, Object>> list = List.of(Map.of("connection", "shop-db"),
                Map.of("connection", "crm", "secretArn", CRM_SECRET_ARN));
        String text = "[{\"connection\": \"shop-db\"}, {\"connection\": \"crm\", \"secretArn\": \""
                + CRM_SECRET_ARN + "\"}]";

        // Act
        HimoyaSettings fromList = read(Map.of("appStores", list), Map.of());
        HimoyaSettings fromText = read(Map.of("appStores", text), Map.of());

        // Assert
        List<AppStore> expected = List.of(new AppStore("crm", CRM_SECRET_ARN), new AppStore("shop-db", null));
        assertEquals(expected, fromList.appStores());
        assertEquals(expected, fromText.appStores());
    }

    @Test
    void shouldReadTheExistingVpc_whenVpcIdAndItsSubnetsAreGiven() {
        // Act
        NetworkSettings network = read(existingVpc(Map.of(
                "extraSecurityGroupIds", List.of("sg-0c1e2a3b4d5f60718"),
                "appStoreNetworks", "sg-0d2e3f4a5b6c70819, 10.30.0.0/16",
                "appStorePorts", "[5432]")), Map.of()).network();

        // Assert
        assertTrue(network.existingVpc());
        assertEquals("vpc-0a1b2c3d4e5f60718", network.vpcId());
        assertEquals(List.of("eu-central-1a", "eu-central-1b"), network.availabilityZones());
        assertEquals(List.of("subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"), network.privateSubnetIds());
        assertEquals(List.of("sg-0c1e2a3b4d5f60718"), network.extraSecurityGroupIds());
        assertEquals(List.of("sg-0d2e3f4a5b6c70819", "10.30.0.0/16"), network.appStoreNetworks());
        assertEquals(List.of(5432), network.appStorePorts());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "appStores | Shop",
        "appStores | x",
        "appStores | -shop",
        "appStores | shop,crm,shop",
        "appStores | shop=arn:aws:secretsmanager:eu-central-1:111122223333:secret:apps/shop",
        "appStores | shop=arn:aws:secretsmanager:eu-west-1:111122223333:secret:apps/shop-Xy12Ab",
        "appStores | shop=",
        "appStores | [{\"connection\": \"shop\", \"secretARN\": \"x\"}]",
        "appStores | [{\"secretArn\": \"x\"}]",
        "appStores | [{\"connection\": \"shop\"}",
        "availabilityZones | eu-central-1a,eu-central-1b",
        "privateSubnetIds | subnet-0aaa1111bbbb2222c",
        "extraSecurityGroupIds | sg-0c1e2a3b4d5f60718",
        "vpcCidr | 10.0.0.0/24",
        "vpcCidr | 10.0.0.0",
        "appStoreNetworks | 0.0.0.0/0",
        "appStoreNetworks | 10.0.0.0/33",
        "appStoreNetworks | shop-db.example.com",
        "appStorePorts | 0",
        "appStorePorts | 5432,5432",
        "appStorePorts | mysql"
    })
    void shouldRefuseToSynthesize_whenAnAppStoreOrNetworkValueIsInvalid(String key, String value) {
        // Arrange
        Map<String, Object> context = Map.of(key, value);

        // Act
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> read(context, Map.of()));

        // Assert
        assertTrue(error.getMessage().toLowerCase().contains(key.toLowerCase()), error.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "vpcId | vpc-nothex",
        "availabilityZones | eu-central-1a",
        "availabilityZones | eu-central-1a,eu-west-1b",
        "availabilityZones | eu-central-1a,eu-central-1a",
        "availabilityZones | eu-central-1a,eu-central-1b,eu-central-1c",
        "privateSubnetIds | subnet-0aaa1111bbbb2222c,subnet-0aaa1111bbbb2222c",
        "privateSubnetIds | subnet-0aaa1111bbbb2222c,subnet-xyz",
        "extraSecurityGroupIds | sg-nothex",
        "vpcCidr | 10.0.0.0/16"
    })
    void shouldRefuseToSynthesize_whenAnExistingVpcValueIsInvalid(String key, String value) {
        // Arrange
        Map<String, Object> context = existingVpc(Map.of(key, value));

        // Act
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> read(context, Map.of()));

        // Assert
        assertTrue(error.getMessage().toLowerCase().contains(key.toLowerCase()), error.getMessage());
    }

    @Test
    void shouldNameBothPlaces_whenAConnectionIsListedTwice() {
        // Arrange
        Map<String, Object> context = Map.of("appStores", List.of(Map.of("connection", "shop"),
                Map.of("connection", "shop", "secretArn", CRM_SECRET_ARN)));

        // Act
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> read(context, Map.of()));

        // Assert
        assertEquals("appStores names connection 'shop' twice; one secret per store", error.getMessage());
    }

    /** A valid existing-VPC context with the given values on top. */
    private static Map<String, Object> existingVpc(Map<String, Object> overrides) {
        Map<String, Object> context = new HashMap<>(Map.of(
                "region", "eu-central-1",
                "vpcId", "vpc-0a1b2c3d4e5f60718",
                "availabilityZones", "eu-central-1a,eu-central-1b",
                "privateSubnetIds", "subnet-0aaa1111bbbb2222c,subnet-0ddd3333eeee4444f"));
        context.putAll(overrides);
        return context;
    }

    @Test
    void shouldTakeTheCliRegion_whenNoRegionContextIsGiven() {
        // Act
        HimoyaSettings settings = read(Map.of(), Map.of("CDK_DEFAULT_REGION", "eu-west-1"));

        // Assert
        assertEquals("eu-west-1", settings.region());
    }

    @Test
    void shouldPreferContext_whenBothContextAndEnvironmentNameARegion() {
        // Act
        HimoyaSettings settings = read(Map.of("region", "eu-north-1", "stage", "prod", "memory", "1024",
                "maxConcurrency", 10.0, "apps", "demo,shop-uz"), Map.of("CDK_DEFAULT_REGION", "eu-west-1"));

        // Assert
        assertEquals("eu-north-1", settings.region());
        assertEquals(1024, settings.memoryMb());
        assertEquals(10, settings.maxConcurrency());
        assertEquals("demo,shop-uz", settings.apps());
        assertTrue(settings.isProduction());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "maxConcurrency, 1",
        "maxConcurrency, 1001",
        "logRetentionDays, 31",
        "memory, 64",
        "memory, 512.5",
        "memory, lots",
        "stage, Prod",
        "stage, prod_eu",
        "apps, Demo",
        "mailFrom, nobody"
    })
    void shouldRefuseToSynthesize_whenAContextValueIsInvalid(String key, String value) {
        // Arrange
        Map<String, Object> context = Map.of(key, value);

        // Act
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> read(context, Map.of()));

        // Assert
        assertTrue(error.getMessage().toLowerCase().contains(key.toLowerCase()), error.getMessage());
    }
}
