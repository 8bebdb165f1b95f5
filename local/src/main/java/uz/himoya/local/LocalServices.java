package uz.himoya.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * The servers of the local run, in one foreground process: an embedded PostgreSQL on 127.0.0.1:54329
 * with the demo app loaded, and an SMTP server on 127.0.0.1:3025 whose every received mail is written to
 * local-mailbox/ as an .eml file (open it with any mail program, or read it with cat).
 */
public final class LocalServices {
    public static final int PG_PORT = 54329;
    public static final int SMTP_PORT = 3025;

    private LocalServices() {
    }

    public static void main(String[] args) throws Exception {
        start(Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath());
        new CountDownLatch(1).await();
    }

    /** Starts the database and the mailbox; they stop when the JVM exits. */
    public static void start(Path root) throws Exception {
        Path mailbox = Files.createDirectories(root.resolve("local-mailbox"));
        EmbeddedDatabase.start(PG_PORT, Files.createDirectories(root.resolve("local-data/pg")));
        EmbeddedDatabase.loadDemo();
        GreenMail smtp = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        LocalMailbox.attach(smtp, mailbox);
        smtp.start();
        System.out.println("[local] PostgreSQL on 127.0.0.1:" + PG_PORT + " (demo app in schema demo_app)");
        System.out.println("[local] SMTP on 127.0.0.1:" + SMTP_PORT + ", mail written to " + mailbox);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            smtp.stop();
            EmbeddedDatabase.stop();
        }));
    }
}
