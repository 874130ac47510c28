package io.casetrail.events.orgadmin;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * An administrative action was refused because no live consent matched it: none given, expired, withdrawn, for
 * another action kind, user or flag. Nothing was changed; the refusal itself is on record.
 *
 * @param target the user or feature flag the action was for
 * @param enable  for a feature flag, the state asked for ({@code true} enable, {@code false} disable); {@code null}
 *                for the other kinds, and in refusals recorded before the field was added (they were all read as
 *                enable)
 * @param targetLogin for a user, its login when the action was refused (what the System Log names it by, as it
 *                    names the user of an action taken); {@code null} for a flag, and in refusals recorded before the
 *                    field was added
 */
@EventType("io.casetrail.orgadmin.action-refused.v1")
public record AdminActionRefused(String orgId, String caseNumber, ActionKind kind, String target, Boolean enable,
                                 String reason, Actor actor, String targetLogin) implements DomainEvent {
}
