package io.casetrail.events;

/**
 * Where a request came from, for audit entries (the System Log's {@code client}).
 *
 * @param ipAddress the client's address as the service saw it (or as the trusted proxy reported it)
 * @param userAgent the client's {@code User-Agent}
 */
public record RequestOrigin(String ipAddress, String userAgent) {

    /** For what the system does by itself. */
    public static final RequestOrigin NONE = new RequestOrigin(null, null);
}
