package uz.himoya.aws;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import uz.himoya.config.HimoyaConfig;

/**
 * A HimoyaConfig holding only the queue settings (and the breach batch size) a test names: what the aws
 * module reads, without starting Quarkus. Any other setting answers null.
 */
public final class TestConfig {
    private TestConfig() {
    }

    /** @param queue himoya.queue.* by their short names: kind, erasure-url, breach-url, retention-url, endpoint */
    public static HimoyaConfig of(Map<String, String> queue, int breachBatchSize) {
        HimoyaConfig.Queue q = proxy(HimoyaConfig.Queue.class, m -> switch (m) {
            case "kind" -> queue.getOrDefault("kind", "sqs");
            case "region" -> queue.getOrDefault("region", "eu-central-1");
            case "erasureUrl" -> Optional.ofNullable(queue.get("erasure-url"));
            case "breachUrl" -> Optional.ofNullable(queue.get("breach-url"));
            case "retentionUrl" -> Optional.ofNullable(queue.get("retention-url"));
            case "endpoint" -> Optional.ofNullable(queue.get("endpoint"));
            default -> null;
        });
        HimoyaConfig.Breach b = proxy(HimoyaConfig.Breach.class, m -> m.equals("batchSize") ? breachBatchSize : null);
        return proxy(HimoyaConfig.class, m -> switch (m) {
            case "queue" -> q;
            case "breach" -> b;
            default -> null;
        });
    }

    private static <T> T proxy(Class<T> type, java.util.function.Function<String, Object> answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, a) -> answer.apply(m.getName())));
    }
}
