package io.casetrail.access.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The identity platform's {@code OktaSupportCase}: a case of the org and the impersonation status of support
 * access for it. {@code selfAssigned} is always {@code NOT_REQUIRED}: Casetrail assigns cases through its queues.
 */
public record OktaSupportCase(String caseNumber, String subject, Impersonation impersonation,
                              SelfAssigned selfAssigned) {

    public record Impersonation(String status, @JsonInclude(JsonInclude.Include.ALWAYS)
                                @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = OktaSupportSettings.OKTA_TIME,
                                        timezone = "UTC") Instant expiration) {
    }

    public record SelfAssigned(String status) {
    }

    /** {@code OktaSupportCases}: the list answer. */
    public record Cases(List<OktaSupportCase> supportCases) {
    }

    /** The PATCH body: {@code {"impersonation":{"status":"ENABLED"}}}, {@code {"impersonation":{"expiration":...}}}. */
    @JsonIgnoreProperties(ignoreUnknown = true) // the platform's clients send the whole case back
    public record Update(ImpersonationChange impersonation, SelfAssigned selfAssigned) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImpersonationChange(String status, Instant expiration) {
    }
}
