package io.casetrail.orgadmin.command;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Hands a message to the SMTP server over a connection of its own, blocking until the server has taken it (or
 * refused it, or a timeout passed). Jakarta Mail's blocking SMTP client: Vert.x's mail client, behind Quarkus
 * Mailer, drops what the server sends before it has set up its reader, so against a server that greets at once (a
 * local relay, the tests' GreenMail) about one send in a hundred failed on a truncated greeting or waited for the
 * timeout, the whole greeting lost (SmtpSenderTest; architecture.md, "E-mail").
 */
public class SmtpSender {

    private final Session session;
    private final InternetAddress from;

    public SmtpSender(MailSettings settings) {
        String protocol = settings.tls() ? "smtps" : "smtp";
        String prefix = "mail." + protocol + ".";
        Properties properties = new Properties();
        properties.put("mail.transport.protocol", protocol);
        properties.put(prefix + "host", settings.host());
        properties.put(prefix + "port", String.valueOf(settings.port()));
        String millis = String.valueOf(settings.timeout().toMillis());
        properties.put(prefix + "connectiontimeout", millis);
        properties.put(prefix + "timeout", millis);
        properties.put(prefix + "writetimeout", millis);
        MailSettings.StartTls startTls = settings.startTls();
        properties.put(prefix + "starttls.enable", String.valueOf(startTls != MailSettings.StartTls.DISABLED));
        properties.put(prefix + "starttls.required", String.valueOf(startTls == MailSettings.StartTls.REQUIRED));
        if (settings.tls() || startTls != MailSettings.StartTls.DISABLED) {
            properties.put(prefix + "ssl.checkserveridentity", "true");
        }
        boolean authenticated = settings.username().isPresent() && settings.password().isPresent();
        properties.put(prefix + "auth", String.valueOf(authenticated));
        this.session = Session.getInstance(properties, !authenticated ? null : new jakarta.mail.Authenticator() {
            @Override
            protected jakarta.mail.PasswordAuthentication getPasswordAuthentication() {
                return new jakarta.mail.PasswordAuthentication(settings.username().get(), settings.password().get());
            }
        });
        try {
            this.from = new InternetAddress(settings.from(), true);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("casetrail.mail.from is not an e-mail address: " + settings.from(), e);
        }
    }

    /** Sends a plain-text UTF-8 message to all of {@code message.to()}; returns once the server accepted it. */
    public void send(Mailbox.Message message) throws MessagingException {
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(from);
        for (String to : message.to()) {
            mime.addRecipient(RecipientType.TO, new InternetAddress(to, true));
        }
        mime.setSubject(message.subject(), StandardCharsets.UTF_8.name());
        mime.setText(message.text(), StandardCharsets.UTF_8.name());
        mime.setSentDate(new java.util.Date());
        Transport.send(mime);
    }
}
