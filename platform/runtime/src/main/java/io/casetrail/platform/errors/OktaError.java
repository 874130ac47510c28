package io.casetrail.platform.errors;

import java.util.List;
import java.util.UUID;

/**
 * The identity platform's error body, used instead of problem+json on its wire-compatible endpoints
 * ({@code /api/v1/...}): clients and SIEM tools written for it read {@code errorCode} for flow control.
 */
public record OktaError(String errorCode, String errorSummary, String errorLink, String errorId,
                        List<Cause> errorCauses) {

    /** One cause of a validation error. */
    public record Cause(String errorSummary) {
    }

    public static OktaError of(String code, String summary, List<String> causes) {
        return new OktaError(code, summary, code, newErrorId(), causes.stream().map(Cause::new).toList());
    }

    /** An error id in the platform's form ({@code oae} and 19 hex digits). */
    public static String newErrorId() {
        return "oae" + UUID.randomUUID().toString().replace("-", "").substring(0, 19);
    }

    /** The standard code and summary for an HTTP status, where the failure carries none of its own. */
    static OktaError forStatus(int status, String detail) {
        return switch (status) {
            case 400 -> of("E0000001", "Api validation failed: " + detail, List.of(detail));
            case 401 -> of("E0000011", "Invalid token provided", List.of());
            case 403 -> of("E0000006", "You do not have permission to perform the requested action", List.of());
            case 404 -> of("E0000007", "Not found: Resource not found: " + detail, List.of());
            case 405 -> of("E0000022", "The endpoint does not support the provided HTTP method", List.of());
            case 429 -> of("E0000047", "API call exceeded rate limit due to too many requests.", List.of());
            // the platform's code for a request that did not complete in time, which its clients retry; the summary
            // says why
            case 503 -> of("E0000009", "Service unavailable: " + detail, List.of(detail));
            // any other refusal of the request itself (406, 413, 415, ...) is the caller's to mend, never a server
            // error: clients read E0000009 as the identity platform failing
            default -> status < 500 ? of("E0000001", "Api validation failed: " + detail, List.of(detail))
                    : of("E0000009", "Internal Server Error", List.of());
        };
    }
}
