package io.casetrail.orgadmin.command;

import jakarta.inject.Singleton;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

import io.casetrail.platform.errors.DomainException;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;

/** Sends through Quarkus Mailer (SMTP) when the command's unit of work prepares to commit. */
@Singleton
public class SmtpMailbox implements Mailbox {

    private final Mailer mailer;

    public SmtpMailbox(Mailer mailer) {
        this.mailer = mailer;
    }

    @Override
    public void sendOnCommit(Message message) {
        Mail mail = Mail.withText(message.to().get(0), message.subject(), message.text());
        message.to().stream().skip(1).forEach(mail::addTo);
        CurrentUnitOfWork.get().onPrepareCommit(unitOfWork -> {
            try {
                mailer.send(mail);
            } catch (RuntimeException e) {
                throw new MailNotSent(message.subject());
            }
        });
    }

    /** The mail server did not take the message: the action is refused and nothing changed (503). */
    static final class MailNotSent extends DomainException {
        MailNotSent(String subject) {
            super("mail-not-sent", "the e-mail (" + subject + ") could not be handed to the mail server; nothing"
                    + " was changed, try again");
        }

        @Override
        public int status() {
            return 503;
        }

        @Override
        public String title() {
            return "Service Unavailable";
        }
    }
}
