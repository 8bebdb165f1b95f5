package uz.himoya.local;

import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local run's mailbox: every mail the SMTP server takes is written once, as NNN.eml, numbered in the
 * order it arrived.
 *
 * <p>The files are written as GreenMail delivers, not by polling {@code getReceivedMessages()}: that lists
 * messages grouped by recipient, not in arrival order, so once one address had a second mail, a poller
 * counting "new" entries wrote one mail twice and skipped another (issue 10: {@code bin/confirm-link
 * local-mailbox/010.eml} printed another person's token). Delivery runs once per recipient, in arrival
 * order, inside the SMTP session; a mail to several recipients is written on its first delivery only.
 */
final class LocalMailbox implements MessageDeliveryHandler {
    private final MessageDeliveryHandler delivery;
    private final Path dir;
    private MovingMessage last;
    private int written;

    private LocalMailbox(MessageDeliveryHandler delivery, Path dir) {
        this.delivery = delivery;
        this.dir = dir;
    }

    /** Call before the server starts: later mails are written to dir as 001.eml, 002.eml, ... */
    static void attach(GreenMail smtp, Path dir) {
        UserManager users = smtp.getManagers().getUserManager();
        users.setMessageDeliveryHandler(new LocalMailbox(users.getMessageDeliveryHandler(), dir));
    }

    @Override
    public synchronized GreenMailUser handle(MovingMessage msg, MailAddress to)
            throws MessagingException, UserException {
        if (msg != last) {
            last = msg;
            write(msg);
        }
        return delivery.handle(msg, to);
    }

    private void write(MovingMessage msg) {
        Path file = dir.resolve(String.format("%03d.eml", ++written));
        try (OutputStream out = Files.newOutputStream(file)) {
            msg.getMessage().writeTo(out);
            System.out.println("[local] mail " + file.getFileName() + " written");
        } catch (IOException | MessagingException e) {
            // Never the message: it may carry an address. The mail is still delivered to GreenMail.
            System.err.println("[local] could not write " + file.getFileName() + ": " + e.getClass().getSimpleName());
        }
    }
}
