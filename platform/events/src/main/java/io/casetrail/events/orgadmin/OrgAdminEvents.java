package io.casetrail.events.orgadmin;

import java.util.List;

import io.casetrail.events.DomainEvent;

/** The events of the org administration context, published on {@code casetrail.orgadmin.v1}. */
public final class OrgAdminEvents {

    public static final List<Class<? extends DomainEvent>> ALL = List.of(ConsentGiven.class, ConsentWithdrawn.class,
            ConsentExpired.class, OrgResearched.class, PasswordResetSent.class, TemporaryPasswordSent.class,
            MfaFactorsReset.class, FeatureFlagChanged.class, AdminActionRefused.class,
            ImpersonationWriteRefused.class, OrgDirectoryImported.class);

    private OrgAdminEvents() {
    }
}
