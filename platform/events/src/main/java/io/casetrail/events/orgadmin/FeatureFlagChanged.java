package io.casetrail.events.orgadmin;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * With consent, support enabled or disabled a feature flag of the org; {@code forced} when it was changed although
 * its dependencies (to enable) or dependents (to disable) did not allow it.
 */
@EventType("io.casetrail.orgadmin.feature-flag-changed.v1")
public record FeatureFlagChanged(String orgId, String caseNumber, String consentId, String flagId, String flagName,
                                 boolean enabled, boolean forced, Actor actor) implements DomainEvent {
}
