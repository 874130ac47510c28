package io.casetrail.events.orgadmin;

import java.util.List;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** With consent, support removed every enrolled MFA factor of a user ({@code factorTypes}: what was enrolled). */
@EventType("io.casetrail.orgadmin.mfa-factors-reset.v1")
public record MfaFactorsReset(String orgId, String caseNumber, String consentId, String userId, String userLogin,
                              List<String> factorTypes, Actor actor) implements DomainEvent {

    public MfaFactorsReset {
        factorTypes = factorTypes == null ? List.of() : List.copyOf(factorTypes);
    }
}
