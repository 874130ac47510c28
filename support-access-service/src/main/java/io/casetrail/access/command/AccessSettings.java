package io.casetrail.access.command;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code casetrail.access.*}: the durations of support access and the session token's signing key. */
@ConfigMapping(prefix = "casetrail.access")
public interface AccessSettings {

    @WithDefault("PT8H")
    Duration grantLength();

    @WithDefault("PT24H")
    Duration extension();

    @WithDefault("PT1H")
    Duration maxSessionLength();

    /** The session tokens support-access-service signs. */
    SessionToken sessionToken();

    interface SessionToken {
        /** PKCS#8 PEM private key ({@code file:} path, or classpath resource). */
        String privateKeyLocation();

        /** Its public half, for verifying session tokens ({@code Authorization: Session ...}). */
        Optional<String> publicKeyLocation();

        @WithDefault("https://casetrail.dev/support-access")
        String issuer();

        /** Who may use the token ({@code aud}): the org admin views. */
        @WithDefault("casetrail-org-admin")
        String audience();

        Optional<String> keyId();
    }

    default AccessRules rules() {
        return new AccessRules(grantLength(), extension(), maxSessionLength());
    }
}
