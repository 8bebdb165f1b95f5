package uz.himoya.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local mailbox through a real SMTP exchange with the local run's GreenMail server. */
class LocalMailboxTest {

    @Test
    void shouldWriteEveryMailOnceInArrivalOrder_whenOneAddressGetsSeveralMails(@TempDir Path dir) throws Exception {
        // Arrange: the local run's server with the mailbox attached, on a free loopback port
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        LocalMailbox.attach(smtp, dir);
        smtp.start();
        try {
            // Act: dilnoza gets three mails, between mails to others (GreenMail groups them by recipient)
            String[][] sent = { { "dilnoza@demo.example", "m1" }, { "anna@demo.example", "m2" },
                    { "dilnoza@demo.example", "m3" }, { "john@demo.example", "m4" },
                    { "dilnoza@demo.example", "m5" }, { "anna@demo.example", "m6" },
                    { "sherzod@demo.example", "m7" } };
            Session session = Session.getInstance(props(port));
            for (String[] m : sent) {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress("no-reply@himoya.local"));
                message.setRecipient(Message.RecipientType.TO, new InternetAddress(m[0]));
                message.setSubject(m[1]);
                message.setText("body of " + m[1]);
                Transport.send(message);
            }
            // A mail to two recipients is still one file
            MimeMessage both = new MimeMessage(session);
            both.setFrom(new InternetAddress("no-reply@himoya.local"));
            both.setRecipients(Message.RecipientType.TO, "anna@demo.example, john@demo.example");
            both.setSubject("m8");
            both.setText("body of m8");
            Transport.send(both);

            // Assert: 001..008, each mail once, in the order sent
            List<String> subjects = new ArrayList<>();
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.sorted().toList();
            }
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    subjects.add(new MimeMessage(session, in).getSubject());
                }
            }
            assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly("001.eml", "002.eml",
                    "003.eml", "004.eml", "005.eml", "006.eml", "007.eml", "008.eml");
            assertThat(subjects).containsExactly("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8");
            assertThat(smtp.getReceivedMessages()).hasSize(9); // GreenMail itself still keeps every delivery
        } finally {
            smtp.stop();
        }
    }

    private static Properties props(int port) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(port));
        return p;
    }
}
