package uz.himoya.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One Lambda function run the way AWS runs it: its deployment zip unpacked as the task root, started by
 * AWS's runtime interface client (com.amazonaws.services.lambda.runtime.api.client.AWSLambda) with
 * Lambda's JVM flags, polling a Runtime API that this class serves on loopback.
 *
 * <pre>{@code
 * try (LocalLambda fn = LocalLambda.start(spec)) {
 *     String out = fn.invoke(eventJson, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class LocalLambda implements AutoCloseable {
    /** The HTTP function's entry point, as in infra's HimoyaFunction. */
    public static final String HTTP_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    /** The event functions' entry point (Funqy; QUARKUS_FUNQY_EXPORT picks the function). */
    public static final String FUNQY_HANDLER = "io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest";
    /** The JVM flags Lambda's managed Java runtime starts functions with. */
    public static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");
    /**
     * Where org.crac (the runtime-hooks API Quarkus and Himoya register with) finds its implementation:
     * the runtime interface client's own, as Lambda's managed Java runtime sets it, so that the client runs
     * beforeCheckpoint/afterRestore around its SnapStart snapshot.
     */
    public static final String CRAC_COMPAT = "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac";
    private static final String API = "/2018-06-01/runtime";

    /**
     * What to start: a name, the zip (or an unpacked task root), the handler, env and system properties;
     * jvmFlags are extra JVM options (e.g. an AOT cache), placed right after Lambda's own JVM flags.
     */
    public record Spec(String name, Path functionZip, String handler, Map<String, String> env,
            Map<String, String> properties, Path workDir, boolean inheritOutput, int memoryMb,
            String runtimeClasspath, List<String> jvmFlags, boolean snapStart) {

        public Spec(String name, Path functionZip, String handler, Map<String, String> env,
                Map<String, String> properties, Path workDir, boolean inheritOutput, int memoryMb,
                String runtimeClasspath, List<String> jvmFlags) {
            this(name, functionZip, handler, env, properties, workDir, inheritOutput, memoryMb, runtimeClasspath,
                    jvmFlags, false);
        }
    }

    /** A function error, as the Runtime API's error endpoint received it. */
    public static final class FunctionError extends RuntimeException {
        FunctionError(String body) {
            super(body, null, false, false);
        }
    }

    private record Invocation(String id, String event, CompletableFuture<String> result) {
    }

    private final HttpServer server;
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> inflight = new ConcurrentHashMap<>();
    private final Process process;
    private final long spawnedAtNanos;
    private volatile String initError;
    /** SnapStart: completed when the function asks for /restore/next, i.e. init and beforeCheckpoint are done. */
    private final CompletableFuture<Void> snapshotReady = new CompletableFuture<>();
    /** SnapStart: the answer to /restore/next is held back until this completes (after the restore). */
    private final CompletableFuture<Void> restored = new CompletableFuture<>();
    private volatile String restoreError;

    private LocalLambda(Spec spec) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "runtime-api-" + spec.name());
            t.setDaemon(true);
            return t;
        }));
        server.createContext(API, this::handle);
        server.start();
        Path taskRoot = unpack(spec.functionZip(), spec.workDir().resolve(spec.name() + "-task"));
        List<String> cmd = new ArrayList<>();
        if (spec.snapStart()) {
            // A session of its own, so that a checkpoint (CRIU) can take the process with its session.
            cmd.add("setsid");
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(LAMBDA_JVM_FLAGS);
        cmd.add(CRAC_COMPAT);
        cmd.addAll(spec.jvmFlags());
        // In Lambda the JVM sees only the function's memory; its ergonomics (initial heap, GC choice)
        // follow from that, not from this machine's RAM.
        cmd.add("-XX:MaxRAM=" + spec.memoryMb() + "m");
        cmd.add("-Xmx" + Math.max(64, spec.memoryMb() * 3 / 4) + "m");
        spec.properties().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(spec.runtimeClasspath());
        cmd.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
        cmd.add(spec.handler());
        // The runtime interface client loads the function from its working directory, as Lambda runs it in
        // /var/task.
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(taskRoot.toFile());
        pb.environment().putAll(spec.env());
        pb.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getAddress().getPort());
        pb.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        pb.environment().put("_HANDLER", spec.handler());
        pb.environment().put("AWS_LAMBDA_FUNCTION_NAME", spec.name());
        pb.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
        pb.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        pb.environment().putIfAbsent("AWS_REGION", "eu-central-1");
        pb.environment().put("TZ", "UTC");
        if (spec.snapStart()) {
            // The runtime interface client then runs the beforeCheckpoint hooks after init and waits on
            // /restore/next, as on a published version with SnapStart.
            pb.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        }
        // No pipe to this process on stdin: nothing reads it, and a checkpoint could not take it along.
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (spec.inheritOutput()) {
            pb.inheritIO();
        } else {
            Path log = spec.workDir().resolve(spec.name() + ".log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
        }
        spawnedAtNanos = System.nanoTime();
        process = pb.start();
    }

    public static LocalLambda start(Spec spec) throws IOException {
        return new LocalLambda(spec);
    }

    /** Sends one event and waits for the function's answer; a function error is thrown as FunctionError. */
    public String invoke(String event, Duration timeout) {
        Invocation inv = new Invocation(UUID.randomUUID().toString(), event, new CompletableFuture<>());
        pending.add(inv);
        try {
            return inv.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("function " + (process.isAlive() ? "did not answer" : "exited")
                    + (initError == null ? "" : " (init error: " + initError + ")"), e);
        }
    }

    public long spawnedAtNanos() {
        return spawnedAtNanos;
    }

    /**
     * SnapStart: completes when the function has finished init and its beforeCheckpoint hooks and asks for
     * /restore/next, the moment Lambda takes the snapshot.
     */
    public CompletableFuture<Void> snapshotReady() {
        return snapshotReady;
    }

    /** SnapStart: answers the pending /restore/next (call it once the process has been restored). */
    public void releaseRestore() {
        restored.complete(null);
    }

    /** The error a function reported to /restore/error or /init/error, if any. */
    public String reportedError() {
        return restoreError != null ? restoreError : initError;
    }

    public ProcessHandle process() {
        return process.toHandle();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().substring(API.length());
        try (ex) {
            if (path.equals("/invocation/next") && ex.getRequestMethod().equals("GET")) {
                Invocation inv;
                try {
                    inv = pending.take();
                } catch (InterruptedException e) {
                    ex.sendResponseHeaders(500, -1);
                    return;
                }
                inflight.put(inv.id(), inv);
                ex.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", inv.id());
                ex.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                        Long.toString(System.currentTimeMillis() + 900_000));
                ex.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:eu-central-1:000000000000:function:local");
                ex.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-local");
                ex.getResponseHeaders().add("Content-Type", "application/json");
                send(ex, 200, inv.event());
            } else if (path.startsWith("/invocation/") && path.endsWith("/response")) {
                complete(path, body(ex), false);
                send(ex, 202, "{}");
            } else if (path.startsWith("/invocation/") && path.endsWith("/error")) {
                complete(path, body(ex), true);
                send(ex, 202, "{}");
            } else if (path.equals("/restore/next") && ex.getRequestMethod().equals("GET")) {
                snapshotReady.complete(null);
                try {
                    restored.get();
                } catch (Exception e) {
                    ex.sendResponseHeaders(500, -1);
                    return;
                }
                send(ex, 200, "");
            } else if (path.equals("/restore/error")) {
                restoreError = body(ex);
                send(ex, 202, "{}");
            } else if (path.equals("/init/error")) {
                initError = body(ex);
                send(ex, 202, "{}");
            } else {
                send(ex, 404, "{}");
            }
        }
    }

    private void complete(String path, String body, boolean error) {
        String id = path.substring("/invocation/".length(), path.lastIndexOf('/'));
        Invocation inv = inflight.remove(id);
        if (inv != null) {
            if (error) {
                inv.result().completeExceptionally(new FunctionError(body));
            } else {
                inv.result().complete(body);
            }
        }
    }

    private static String body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // -1: no body at all (0 would announce a chunked one).
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Unpacks a deployment zip like Lambda does into /var/task, replacing what the target held (a directory
     * is used as it is).
     */
    public static Path unpack(Path zip, Path target) throws IOException {
        if (Files.isDirectory(zip)) {
            return zip;
        }
        if (Files.exists(target)) {
            try (var walk = Files.walk(target)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(target);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the task root: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out);
                }
            }
        }
        return target;
    }

    @Override
    public void close() {
        restored.complete(null);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
        server.stop(0);
    }
}
