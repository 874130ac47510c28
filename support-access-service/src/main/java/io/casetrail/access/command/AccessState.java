package io.casetrail.access.command;

import java.time.Instant;

/**
 * The support access state of an org right after a command.
 *
 * @param orgExpiresAt  when the org-wide grant ends, {@code null} when there is none
 * @param caseExpiresAt when the addressed case's grant ends, {@code null} when there is none
 * @param sessionEndsAt when the started session ends at the latest
 */
public record AccessState(String orgId, Instant orgExpiresAt, String caseNumber, Instant caseExpiresAt,
                          String sessionId, Instant sessionEndsAt) {
}
