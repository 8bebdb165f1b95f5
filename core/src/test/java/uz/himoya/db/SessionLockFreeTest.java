package uz.himoya.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Behind RDS Proxy a session-level lock pins the client's connection to one database connection until the
 * session ends (issue 12, part 8); a sweep once held one for up to 14 minutes. Transaction-level advisory
 * locks (pg_advisory_xact_lock) end with their transaction and do not pin. This reads the production sources
 * of every module and fails on any session-level lock function, so none creeps back.
 */
class SessionLockFreeTest {
    private static final Pattern SESSION_LOCK = Pattern.compile(
            "pg_(try_)?advisory_lock(_shared)?\\s*\\(|pg_advisory_unlock|\\bget_lock\\s*\\(|\\brelease_lock\\s*\\(",
            Pattern.CASE_INSENSITIVE);

    @Test
    void shouldTakeNoSessionLevelLock_inAnyProductionSource() throws IOException {
        List<String> found = new ArrayList<>();
        Path root = Path.of("..").toAbsolutePath().normalize();
        int read = 0;
        for (String module : List.of("core", "aws", "http", "functions")) {
            Path sources = root.resolve(module).resolve("src/main");
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".sql"))
                        .toList()) {
                    read++;
                    String text = Files.readString(f);
                    if (SESSION_LOCK.matcher(text).find()) {
                        found.add(root.relativize(f).toString());
                    }
                }
            }
        }

        assertThat(read).as("production sources read").isGreaterThan(100);
        assertThat(found).as("sources taking a session-level lock (use a transaction-level one or a row)").isEmpty();
    }
}
