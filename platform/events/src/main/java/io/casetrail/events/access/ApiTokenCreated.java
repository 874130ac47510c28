package io.casetrail.events.access;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * A Super Administrator created an org API token ({@code Authorization: SSWS <token>}). Only the SHA-256 of the
 * secret travels; the secret itself was shown once to its creator and is stored nowhere.
 *
 * @param tokenHash hex SHA-256 of the token secret
 * @param role      the role requests with the token act in (the creator's, {@code org-super-admin})
 */
@EventType("io.casetrail.access.api-token-created.v1")
public record ApiTokenCreated(String orgId, String tokenId, String name, String tokenHash, String role,
                              Actor actor) implements DomainEvent {
}
