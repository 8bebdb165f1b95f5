package uz.himoya.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts one embedded PostgreSQL (zonky, 18.x binaries from Maven artifacts) whose own files all live in one
 * folder: the data directory and the unix socket (PostgreSQL's default for the socket is /tmp, where a second
 * server on the same port, in another network namespace or another checkout, would find the first one's
 * lock file and refuse to start). The server listens on loopback TCP; clients here never use the socket.
 */
public final class PgServer {
    /** A unix socket path holds at most 107 bytes on Linux; PostgreSQL adds "/.s.PGSQL.nnnnn" and ".lock". */
    private static final int SOCKET_DIR_MAX = 85;

    private PgServer() {
    }

    /**
     * Starts a server in folder (data in folder/data, the socket in folder itself); port 0 picks a free one.
     * fresh empties the data directory first (a server killed with its build leaves its files behind); without
     * it an existing data directory is started as it is, and a new one is initialised. binaries is where zonky
     * unpacks the server's binaries (null: its default, the JVM's temporary directory).
     */
    public static EmbeddedPostgres start(Path folder, int port, boolean fresh, Path binaries) {
        return start(folder, port, fresh, binaries, Map.of());
    }

    /** The same with server settings of its own, e.g. ssl=on and its files (StoreTlsTest). */
    public static EmbeddedPostgres start(Path folder, int port, boolean fresh, Path binaries,
            Map<String, String> serverConfig) {
        try {
            Path data = folder.resolve("data");
            if (fresh) {
                deleteTree(data);
            }
            Files.createDirectories(folder);
            String socketDir = folder.toAbsolutePath().toString();
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    // fresh: initialised now (the folder was emptied) and removed again when the server stops
                    .setCleanDataDirectory(fresh)
                    // A checkout deep enough to overflow the socket path gets no socket at all, rather than one
                    // in a shared place: nothing here connects through it.
                    .setServerConfig("unix_socket_directories",
                            socketDir.getBytes(StandardCharsets.UTF_8).length <= SOCKET_DIR_MAX ? socketDir : "");
            serverConfig.forEach(b::setServerConfig);
            if (port > 0) {
                b.setPort(port);
            }
            if (binaries != null) {
                b.setOverrideWorkingDirectory(Files.createDirectories(binaries).toFile());
            }
            return b.start();
        } catch (IOException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start in " + folder, e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The build's own folder: surefire sets basedir to the module's folder; an IDE run has the working directory. */
    public static Path buildDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("target");
    }
}
