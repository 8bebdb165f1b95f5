package uz.himoya;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import uz.himoya.testing.PackageCycles;

/**
 * No package of core needs a package that needs it back (issue 11, part 10), read from the compiled classes
 * by the JDK's jdeps: so each workflow's folder reads top to bottom, and the ports stay below the dialects.
 */
class PackageCyclesTest {

    @Test
    void shouldHaveNoPackageCycle_whenCoreIsCompiled() {
        assertThat(PackageCycles.in(Path.of("target/classes"))).isEmpty();
    }
}
