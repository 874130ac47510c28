package io.casetrail.orgadmin.command;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code casetrail.orgadmin.*}: how long consents last. */
@ConfigMapping(prefix = "casetrail.orgadmin")
public interface OrgAdminSettings {

    /** How long a consent lasts when the admin does not ask for less. */
    @WithDefault("PT24H")
    Duration consentValidity();

    /** The longest an admin may let a consent last. */
    @WithDefault("PT72H")
    Duration maxConsentValidity();
}
