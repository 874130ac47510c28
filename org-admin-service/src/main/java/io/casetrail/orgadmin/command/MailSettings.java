package io.casetrail.orgadmin.command;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code casetrail.mail.*}: the SMTP server org-admin-service hands its e-mail to (operations.md). */
@ConfigMapping(prefix = "casetrail.mail")
public interface MailSettings {

    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("3025")
    int port();

    /** The sender, an RFC 5322 address with an optional display name. */
    @WithDefault("Casetrail Support <support@casetrail.dev>")
    String from();

    /** Set both to authenticate (use STARTTLS or TLS with them against a real relay). */
    Optional<String> username();

    Optional<String> password();

    @WithDefault("DISABLED")
    StartTls startTls();

    /** SMTP over TLS from the first byte (SMTPS, usually port 465) instead of plain SMTP. */
    @WithDefault("false")
    boolean tls();

    /** The longest wait for each of: the connection, any one reply of the server, any one write. */
    @WithDefault("10S")
    Duration timeout();

    enum StartTls {
        /** Plain SMTP (a local catcher or relay). */
        DISABLED,
        /** STARTTLS when the server offers it. */
        OPTIONAL,
        /** STARTTLS or no send. */
        REQUIRED
    }
}
