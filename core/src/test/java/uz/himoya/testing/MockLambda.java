package uz.himoya.testing;

import org.eclipse.microprofile.config.ConfigProvider;

/** Where the Lambda mock event server of a @QuarkusTest listens (raw events go to /_lambda_). */
public final class MockLambda {
    private MockLambda() {
    }

    public static String url() {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.lambda.mock-event-server.test-port",
                Integer.class).orElse(8081);
        return "http://localhost:" + port + "/_lambda_";
    }
}
