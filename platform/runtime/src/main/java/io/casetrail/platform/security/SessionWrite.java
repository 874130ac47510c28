package io.casetrail.platform.security;

/**
 * A change tried with a read-only impersonation session's token, and refused: what the service that refused it
 * records, on the session's case.
 *
 * @param method the request's method ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}, ...)
 * @param path   the request's path, as sent
 */
public record SessionWrite(String orgId, String caseNumber, String sessionId, String method, String path,
                           String actorId, String actorName) {

    /**
     * What a service that takes session tokens records of a refused change: the command, to its own aggregate,
     * that stores the refusal as an event (the org's System Log and the case's timeline follow from it).
     */
    public interface Records {

        Object commandFor(SessionWrite write);
    }
}
