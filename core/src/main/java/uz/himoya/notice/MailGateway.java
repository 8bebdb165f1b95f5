package uz.himoya.notice;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Sends rendered mails over SMTP (quarkus-mailer). Throws when the server refuses or is unreachable, so
 * the caller's transaction rolls back and the work is retried: no mail is marked sent that was not.
 */
@ApplicationScoped
public class MailGateway {
    private final Mailer mailer;

    public MailGateway(Mailer mailer) {
        this.mailer = mailer;
    }

    public void send(String to, RenderedMail mail) {
        mailer.send(Mail.withHtml(to, mail.subject(), mail.html())
                .setText(mail.text())
                .addHeader("Message-ID", mail.messageId())
                .addHeader("Auto-Submitted", "auto-generated"));
    }
}
