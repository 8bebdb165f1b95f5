package uz.himoya.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import uz.himoya.testing.PackageCycles;

/**
 * No package cycle across the modules a function is built from: core, its AWS adapters, the HTTP function and
 * the queue and schedule functions (issue 11, part 10). Reads the reactor's compiled classes, so it runs in the
 * full build (.ci/run), where every module before this one has just been compiled.
 */
class ModulePackageCyclesTest {

    @Test
    void shouldHaveNoPackageCycle_whenEveryDeployedModuleIsCompiled() {
        assertThat(PackageCycles.in(Path.of("../core/target/classes"), Path.of("../aws/target/classes"),
                Path.of("../http/target/classes"), Path.of("target/classes"))).isEmpty();
    }
}
