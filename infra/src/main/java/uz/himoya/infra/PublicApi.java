package uz.himoya.infra;

import java.util.List;

import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegrationProps;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.PayloadFormatVersion;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * The HTTP API. Created before the functions (they need its URL for links in mails) and connected
 * to the HTTP function afterwards with {@link #routeTo(IFunction)}.
 */
public final class PublicApi extends Construct {

    /** Called by apps; the function checks the app's Bearer key itself, so no gateway authorizer. */
    static final List<String> APP_ROUTES = List.of(
            "/v1/deletion-requests", "/v1/deletion-requests/{proxy+}",
            "/v1/confirm", "/v1/confirm/{proxy+}");

    /**
     * Called by the apps' own systems answering a webhook job (issue 11, part 7): each signs its callback
     * with its webhook secret (Himoya-Signature), which the function checks, so no gateway authorizer.
     */
    static final List<String> SYSTEM_ROUTES = List.of("/v1/callbacks/{proxy+}");

    /** Called by Himoya's operators only: signed with AWS credentials (SigV4) and checked by IAM. */
    static final List<String> OPS_ROUTES = List.of(
            "/v1/ops/{proxy+}",
            "/v1/breaches", "/v1/breaches/{proxy+}",
            "/v1/holds/{proxy+}",
            "/v1/retention/{proxy+}");

    private final HttpApi api;

    public PublicApi(Construct scope, String id, HimoyaSettings settings) {
        super(scope, id);
        api = HttpApi.Builder.create(this, "Api")
                .apiName(settings.prefix())
                .description("Himoya privacy API (" + settings.stage() + ")")
                .build();
    }

    /** Sends every Himoya route to the given function (alias). Unknown paths get API Gateway's 404. */
    public void routeTo(IFunction handler) {
        HttpLambdaIntegration integration = new HttpLambdaIntegration("Handler", handler,
                HttpLambdaIntegrationProps.builder()
                        .payloadFormatVersion(PayloadFormatVersion.VERSION_2_0)
                        .build());
        APP_ROUTES.forEach(path -> api.addRoutes(route(path, integration, null)));
        SYSTEM_ROUTES.forEach(path -> api.addRoutes(route(path, integration, null)));
        HttpIamAuthorizer iam = new HttpIamAuthorizer();
        OPS_ROUTES.forEach(path -> api.addRoutes(route(path, integration, iam)));
    }

    /** Base URL without trailing slash, e.g. {@code https://abc123.execute-api.eu-central-1.amazonaws.com}. */
    public String url() {
        return api.getApiEndpoint();
    }

    public HttpApi api() {
        return api;
    }

    private static AddRoutesOptions route(String path, HttpLambdaIntegration integration,
            IHttpRouteAuthorizer authorizer) {
        return AddRoutesOptions.builder()
                .path(path)
                .methods(List.of(HttpMethod.ANY))
                .integration(integration)
                .authorizer(authorizer)
                .build();
    }
}
