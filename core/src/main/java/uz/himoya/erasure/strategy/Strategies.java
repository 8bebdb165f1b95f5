package uz.himoya.erasure.strategy;

import java.util.List;
import java.util.Map;

/** Finds a strategy by the name a privacy map uses; an unknown name lists the valid ones. */
public final class Strategies {
    public static final List<String> NAMES = List.of(NullStrategy.NAME, RedactStrategy.NAME, KeyedHashStrategy.NAME,
            FixedStrategy.NAME, TombstoneStrategy.NAME, KeyedNumberStrategy.NAME);

    private Strategies() {
    }

    public static AnonymizationStrategy byName(String name, Map<String, String> options) {
        AnonymizationStrategy s = switch (name) {
            case NullStrategy.NAME -> new NullStrategy();
            case RedactStrategy.NAME -> new RedactStrategy();
            case KeyedHashStrategy.NAME -> new KeyedHashStrategy();
            case TombstoneStrategy.NAME -> new TombstoneStrategy();
            case KeyedNumberStrategy.NAME -> new KeyedNumberStrategy();
            case FixedStrategy.NAME -> {
                String value = options.get("value");
                if (value == null) {
                    throw new IllegalArgumentException("strategy 'fixed' needs {fixed: {value: ...}}");
                }
                yield new FixedStrategy(value);
            }
            default -> throw new IllegalArgumentException("unknown strategy '" + name + "'; valid: " + NAMES);
        };
        List<String> allowed = s instanceof FixedStrategy ? List.of("value") : List.of();
        for (String option : options.keySet()) {
            if (!allowed.contains(option)) {
                throw new IllegalArgumentException("strategy '" + name + "' has no option '" + option + "'");
            }
        }
        return s;
    }
}
