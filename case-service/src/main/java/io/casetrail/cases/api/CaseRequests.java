package io.casetrail.cases.api;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.casetrail.events.cases.ConsultationParty;
import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.platform.api.NotBlankWhenGiven;

/** The JSON bodies of case-service's commands. */
public final class CaseRequests {

    private CaseRequests() {
    }

    @Schema(description = "A new support case. Customers open cases for their own org (orgId may be left out);"
            + " support opening on a customer's behalf names the org and the admin (openedBy).")
    public record OpenCaseRequest(
            @Size(max = 255) String orgId,
            @NotBlank @Size(max = 2048) @Pattern(regexp = "https://\\S+", message = "must be an https URL")
            String orgUrl,
            @NotBlank @Size(max = 500) String subject,
            @NotBlank @Size(max = 20000) String description,
            @NotNull ProductArea productArea,
            @NotNull Priority priority,
            @NotNull ContactPreference contactPreference,
            @Size(max = 255) String openedBy,
            @Size(max = 50) List<@NotBlank @Size(max = 255) String> contacts) {
    }

    public record AssignRequest(@NotBlank @Size(max = 255) String assignee) {
    }

    public record PriorityRequest(@NotNull Priority priority, @NotBlankWhenGiven @Size(max = 2000) String reason) {
    }

    public record ContactRequest(@NotBlank @Size(max = 255) String contactId) {
    }

    public record MessageRequest(@NotBlank @Size(max = 50000) String body) {
    }

    /** A phone call with an admin of the case; {@code customerAnswered} absent is false. */
    public record PhoneCallRequest(@NotBlank @Size(max = 255) String contactId,
                                   @NotBlank @Size(max = 20000) String summary, Boolean customerAnswered) {
    }

    public record ResolutionRequest(@NotBlank @Size(max = 20000) String summary,
                                    @NotBlankWhenGiven @Size(max = 255) String knowledgeArticleId) {
    }

    public record RejectionRequest(@NotBlank @Size(max = 20000) String reason) {
    }

    public record ReopenRequest(@NotBlankWhenGiven @Size(max = 20000) String reason) {
    }

    public record KnowledgeArticleRequest(@NotBlank @Size(max = 255) String articleId,
                                          @NotBlankWhenGiven @Size(max = 500) String title,
                                          @Size(max = 2048)
                                          @Pattern(regexp = "https://\\S+", message = "must be an https URL")
                                          String url) {
    }

    public record RemoteSessionRequest(@NotBlank @Size(max = 2048)
                                       @Pattern(regexp = "https://\\S+", message = "must be an https URL")
                                       String joinUrl,
                                       Instant proposedStart,
                                       @NotBlankWhenGiven @Size(max = 2000) String note) {
    }

    public record ConsultationRequest(@NotNull ConsultationParty party,
                                      @NotBlankWhenGiven @Size(max = 255) String consultant,
                                      @NotBlank @Size(max = 20000) String notes) {
    }
}
