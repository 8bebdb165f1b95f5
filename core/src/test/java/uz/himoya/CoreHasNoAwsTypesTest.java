package uz.himoya;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import uz.himoya.queue.JobQueue;

/**
 * Core holds the domain and the ports; the AWS SDK lives in the aws module (issue 11, part 10). This reads
 * every class file core compiles to and fails on any reference to a software.amazon type, so one cannot
 * creep back through a convenient import. The constant pool holds every class, field and method a class
 * refers to, its descriptors and signatures included, so nothing used at run time escapes it.
 */
class CoreHasNoAwsTypesTest {

    @Test
    void shouldReferToNoAwsType_whenAnyCoreClassIsRead() {
        Map<String, List<String>> found = new TreeMap<>();
        for (Path c : coreClasses()) {
            List<String> aws = texts(c).stream()
                    .filter(t -> t.contains("software/amazon") || t.contains("software.amazon")).toList();
            if (!aws.isEmpty()) {
                found.put(classes().relativize(c).toString(), aws);
            }
        }

        assertThat(found).as("core classes referring to the AWS SDK (move them to the aws module)").isEmpty();
    }

    @Test
    void shouldNotHaveTheSdkOnItsClasspath_whenCoreIsBuilt() {
        // core/pom.xml has no AWS dependency, not even for its tests: a reference could not even compile.
        assertThatThrownBy(() -> Class.forName("software.amazon.awssdk.core.SdkClient"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void shouldDependOnNoWorkflow_whenTheQueuePortIsRead() {
        // The queue package is a port: wiring its in-process queue to a workflow's worker is the aws module's
        // producers' job, so queue -> deletion -> queue is no cycle.
        List<String> workflows = List.of("uz/himoya/deletion/", "uz/himoya/breach/", "uz/himoya/retention/",
                "uz/himoya/watchdog/");
        List<String> found = new ArrayList<>();
        for (Path c : coreClasses()) {
            if (!classes().relativize(c).toString().startsWith("uz/himoya/queue/")) {
                continue;
            }
            texts(c).stream().filter(t -> workflows.stream().anyMatch(t::contains))
                    .forEach(t -> found.add(c.getFileName() + " -> " + t));
        }

        assertThat(found).isEmpty();
    }

    @Test
    void shouldSeeTheTypesAClassRefersTo_whenTheScanReadsIt() {
        // The scan itself: it sees what a class refers to (this one, JUnit's Test), and it reads core's classes.
        Path self = location(CoreHasNoAwsTypesTest.class).resolve("uz/himoya/CoreHasNoAwsTypesTest.class");

        assertThat(texts(self)).anyMatch(t -> t.contains("org/junit/jupiter/api/Test"));
        assertThat(coreClasses()).anyMatch(p -> p.endsWith("uz/himoya/queue/JobQueue.class"));
    }

    /** target/classes of core, found from a class it holds. */
    private static Path classes() {
        return location(JobQueue.class);
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> coreClasses() {
        try (Stream<Path> files = Files.walk(classes())) {
            return files.filter(p -> p.toString().endsWith(".class")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every UTF-8 entry of the class file's constant pool (JVMS 4.4): names, descriptors, signatures, strings. */
    static List<String> texts(Path classFile) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(classFile)))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalStateException("not a class file: " + classFile);
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            List<String> texts = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> texts.add(in.readUTF()); // Utf8
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2); // Class, String, MethodType, Module, Package
                    case 15 -> in.skipBytes(3); // MethodHandle
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4); // Integer, Float, refs, NameAndType, (Invoke)Dynamic
                    case 5, 6 -> {
                        in.skipBytes(8); // Long, Double take two entries
                        i++;
                    }
                    default -> throw new IllegalStateException("constant pool tag " + tag + " in " + classFile);
                }
            }
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
