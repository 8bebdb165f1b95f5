package uz.himoya.infra;

import java.util.function.Function;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;

/**
 * The CDK app {@code cdk.json} runs: one stack {@code himoya-<stage>}, configured by context,
 * e.g. {@code npx aws-cdk@2 deploy -c stage=prod -c region=eu-central-1}. See README.md.
 */
public final class HimoyaApp {

    private HimoyaApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        createStack(app, System::getenv);
        app.synth();
    }

    /** Reads the settings from the app's context and adds the stack; separate from main for tests. */
    static HimoyaStack createStack(App app, Function<String, String> env) {
        HimoyaSettings settings = HimoyaSettings.from(app.getNode()::tryGetContext, env);
        StackProps props = StackProps.builder()
                .stackName(settings.prefix())
                .description("Himoya privacy workflows (" + settings.stage() + ")")
                .env(Environment.builder()
                        // null when no credentials are configured: synthesis then stays account-agnostic
                        .account(env.apply("CDK_DEFAULT_ACCOUNT"))
                        .region(settings.region())
                        .build())
                .terminationProtection(settings.isProduction())
                .build();
        HimoyaStack stack = new HimoyaStack(app, settings.prefix(), props, settings);
        // Lets billing and cleanup find everything of one stage.
        Tags.of(stack).add("project", "himoya");
        Tags.of(stack).add("stage", settings.stage());
        return stack;
    }
}
