package io.casetrail.platform.security;

/**
 * Whether an impersonation session is still running. A service that accepts session tokens provides one (from its
 * own view of the session events); a token of a session that ended, expired or is unknown there is refused.
 */
public interface SessionRegistry {

    boolean isActive(String orgId, String sessionId);
}
