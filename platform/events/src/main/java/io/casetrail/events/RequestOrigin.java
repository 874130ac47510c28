package io.casetrail.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a request came from, for audit entries (the System Log's {@code client} and {@code transaction.detail}).
 *
 * @param ipAddress  the client's address as the service saw it (or as the trusted proxy reported it)
 * @param userAgent  the client's {@code User-Agent}
 * @param apiTokenId the org API token the request was made with ({@code Authorization: SSWS}), absent for any other
 *                   credential (and in events recorded before 2026-12-01)
 */
public record RequestOrigin(String ipAddress, String userAgent,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String apiTokenId) {

    /** For what the system does by itself. */
    public static final RequestOrigin NONE = new RequestOrigin(null, null, null);
}
