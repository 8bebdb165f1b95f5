package uz.himoya.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and a server certificate it signed, made with the JDK's keytool (no openssl needed
 * on a fresh machine), for test servers that speak TLS: a CA in PEM for the client's ca-file, and the server's
 * certificate and its PKCS#8 key in PEM, as PostgreSQL and MariaDB read them.
 *
 * @param caPem         the CA's certificate, what a store's ca-file names
 * @param serverCertPem the server's certificate, issued for the addresses asked for
 * @param serverKeyPem  the server's private key, readable by its owner only (PostgreSQL insists)
 */
public record TestCertificates(Path caPem, Path serverCertPem, Path serverKeyPem) {
    private static final String PASS = "test-only";

    /** Makes a CA and a server certificate for the subject alternative names given, e.g. "ip:127.0.0.1". */
    public static TestCertificates make(Path folder, String... alternativeNames) {
        try {
            Files.createDirectories(folder);
            Path ca = folder.resolve("ca.p12");
            Path server = folder.resolve("server.p12");
            Files.deleteIfExists(ca);
            Files.deleteIfExists(server);
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=Himoya test CA", "-ext", "bc:c", "-keystore", ca.toString());
            keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=himoya-test-store", "-keystore", server.toString());
            Path csr = folder.resolve("server.csr");
            keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-file", csr.toString());
            Path cert = folder.resolve("server.pem");
            keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(),
                    "-outfile", cert.toString(), "-rfc", "-validity", "2",
                    "-ext", "SAN=" + String.join(",", alternativeNames));
            Path caPem = folder.resolve("ca.pem");
            keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-rfc", "-file", caPem.toString());
            Path key = folder.resolve("server.key");
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, pem("PRIVATE KEY", privateKey(server).getEncoded()));
            return new TestCertificates(caPem, cert, key);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("test certificates not made", e);
        }
    }

    private static PrivateKey privateKey(Path store) throws IOException, java.security.GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS.toCharArray());
        }
        return (PrivateKey) ks.getKey("server", PASS.toCharArray());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS, "-keypass", PASS, "-noprompt"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
