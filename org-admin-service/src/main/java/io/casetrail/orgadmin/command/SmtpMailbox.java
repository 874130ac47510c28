package io.casetrail.orgadmin.command;

import jakarta.inject.Singleton;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.jboss.logging.Logger;

import io.casetrail.platform.errors.DomainException;
import io.casetrail.platform.errors.RuleViolation;

/** Sends over SMTP ({@link SmtpSender}) when the command's unit of work prepares to commit. */
@Singleton
public class SmtpMailbox implements Mailbox {

    private static final Logger LOG = Logger.getLogger(SmtpMailbox.class);

    private final SmtpSender sender;

    public SmtpMailbox(MailSettings settings) {
        this.sender = new SmtpSender(settings);
    }

    @Override
    public void sendOnCommit(Message message) {
        CurrentUnitOfWork.get().onPrepareCommit(unitOfWork -> {
            try {
                sender.send(message);
            } catch (AddressException e) {
                // the directory's address, not the server: trying again cannot help (imports now refuse such)
                LOG.warnf("E-mail (%s) not sent: an address is none: %s", message.subject(), e.getMessage());
                throw new RuleViolation("unmailable-address", "the e-mail (" + message.subject() + ") has no address"
                        + " to go to: the user's address in the org's directory is none; nothing was changed (a"
                        + " platform operator corrects the directory)");
            } catch (MessagingException | RuntimeException e) {
                // the cause names the server and what failed, never the message's text
                LOG.warnf("E-mail (%s) not handed to the mail server: %s", message.subject(), e.toString());
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
