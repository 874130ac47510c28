package io.casetrail.orgadmin.api;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.casetrail.events.orgadmin.ActionKind;
import io.casetrail.events.orgadmin.ConsentChannel;
import io.casetrail.orgadmin.command.AdminCommands.GiveWrittenConsent;
import io.casetrail.orgadmin.command.AdminCommands.RecordVerbalConsent;
import io.casetrail.orgadmin.command.AdminCommands.Scope;
import io.casetrail.orgadmin.command.AdminCommands.WithdrawConsent;
import io.casetrail.orgadmin.command.OrgAdminSettings;
import io.casetrail.orgadmin.query.ConsentProjection;
import io.casetrail.orgadmin.query.ConsentProjection.ConsentView;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.NoBody;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.cases.Intermediaries;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.idempotency.Idempotent;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * Consent to administrative actions on a case: written (an admin of the org who opened the case or is one of its
 * contacts, through this API) or verbal (recorded by support, naming such an admin, the channel and the time).
 * Scoped to the case, the kinds of action and, optionally, users and feature flags; 24 hours unless asked for less
 * (at most 72); can be withdrawn.
 */
@RequestScoped
@Path("/cases/{caseNumber}/consents")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Consent")
@SecurityRequirement(name = "jwt")
public class ConsentResource {

    // at most 50 users and 50 flags, each an id (64 characters at most) or a user's login: the consent keeps the
    // ids, comma-separated, in 4,000 characters
    public record WrittenConsent(@NotEmpty @Size(max = 4) List<@NotNull ActionKind> actionKinds,
                                 @Size(max = 50) List<@NotBlank @Size(max = 255) String> targetUserIds,
                                 @Size(max = 50) List<@NotBlank @Size(max = 255) String> featureFlags,
                                 @Min(1) Integer validForHours) {
    }

    public record VerbalConsent(@NotBlank @Size(max = 255) String givenBy, @NotNull ConsentChannel channel,
                                Instant givenAt, @NotEmpty @Size(max = 4) List<@NotNull ActionKind> actionKinds,
                                @Size(max = 50) List<@NotBlank @Size(max = 255) String> targetUserIds,
                                @Size(max = 50) List<@NotBlank @Size(max = 255) String> featureFlags,
                                @Min(1) Integer validForHours) {
    }

    public record Given(String consentId, String caseNumber) {
    }

    @Inject
    CommandGateway commands;

    @Inject
    ConsentProjection consents;

    @Inject
    KnownCases knownCases;

    @Inject
    Intermediaries intermediaries;

    @Inject
    OrgAdminSettings settings;

    @Inject
    Caller caller;

    @Context
    UriInfo uri;

    @POST
    @Transactional
    @Idempotent
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN})
    @Operation(summary = "Give written consent", description = "By an admin of the case's org who opened the case or"
            + " is one of its contacts.")
    @APIResponse(responseCode = "201", description = "Given; Location names the consent",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Given.class)))
    public Response giveWritten(@PathParam("caseNumber") String caseNumber, @Valid @NotNull WrittenConsent request) {
        // the case's row first: a closure ending the case's consents waits for this one, or this one sees it
        knownCases.findLocked(caseNumber);
        String consentId = UUID.randomUUID().toString();
        commands.sendAndWait(new GiveWrittenConsent(caseNumber, consentId, new Scope(request.actionKinds(),
                request.targetUserIds(), request.featureFlags()), validity(request.validForHours()), caller));
        return created(caseNumber, consentId);
    }

    @POST
    @Path("/verbal")
    @Transactional
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Record verbal consent", description = "Support holding the case records what an admin who"
            + " opened the case or is one of its contacts consented to on the phone or in a remote session; while an"
            + " escalation manager is the customer's intermediary on the case, that manager only.")
    @APIResponse(responseCode = "201", description = "Recorded; Location names the consent",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Given.class)))
    public Response recordVerbal(@PathParam("caseNumber") String caseNumber, @Valid @NotNull VerbalConsent request) {
        knownCases.findLocked(caseNumber);
        String consentId = UUID.randomUUID().toString();
        commands.sendAndWait(new RecordVerbalConsent(caseNumber, consentId, request.givenBy(), request.channel(),
                request.givenAt(), new Scope(request.actionKinds(), request.targetUserIds(), request.featureFlags()),
                validity(request.validForHours()), caller));
        return created(caseNumber, consentId);
    }

    @POST
    @Path("/{consentId}/withdrawal")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @Idempotent
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN, Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD,
            Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Withdraw a consent", description = "By an admin of the case's org, support holding the"
            + " case, or the escalation manager who is the customer's intermediary on it.")
    @APIResponse(responseCode = "204", description = "Withdrawn")
    public Response withdraw(@PathParam("caseNumber") String caseNumber, @PathParam("consentId") String consentId,
                             NoBody none) {
        commands.sendAndWait(new WithdrawConsent(caseNumber, consentId, caller));
        return Response.noContent().build();
    }

    @GET
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN, Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD,
            Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER, Roles.AUDITOR})
    @Operation(summary = "The consents of a case", description = "For the org's admins, support holding the case, its"
            + " escalation manager while the customer's intermediary, and auditors; oldest first, paged by after/limit with Link headers.")
    public RestResponse<List<ConsentView>> list(@PathParam("caseNumber") String caseNumber,
                                                @QueryParam("after") String after, @QueryParam("limit") Integer limit) {
        requireReader(caseNumber);
        Page<ConsentView> page = consents.ofCase(caseNumber, Page.At.of(after), Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/{consentId}")
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN, Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD,
            Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER, Roles.AUDITOR})
    @Operation(summary = "One consent of a case", description = "Where a consent's 201 points; for those who may"
            + " read the case's consents. It follows the command within moments.")
    public ConsentView get(@PathParam("caseNumber") String caseNumber, @PathParam("consentId") String consentId) {
        requireReader(caseNumber);
        return consents.find(caseNumber, consentId)
                .orElseThrow(() -> new NotFound("case " + caseNumber + " has no consent " + consentId));
    }

    /**
     * The case's org admins, support holding it, its escalation manager while the customer's intermediary (who
     * records the verbal consents) and auditors read its consents.
     */
    private void requireReader(String caseNumber) {
        KnownCases.KnownCase known = knownCases.find(caseNumber)
                .orElseThrow(() -> new NotFound("there is no case " + caseNumber));
        boolean allowed = caller.isCustomer() ? caller.isCustomerOf(known.orgId())
                : caller.has(Roles.AUDITOR) || known.isWorkedBy(caller)
                || Intermediaries.isIntermediary(caller, intermediaries.escalationManagerOf(caseNumber));
        if (!allowed) {
            throw new AccessDenied("case " + caseNumber + " is not yours to read");
        }
    }

    private Duration validity(Integer hours) {
        Duration validity = hours == null ? settings.consentValidity() : Duration.ofHours(hours);
        if (validity.compareTo(settings.maxConsentValidity()) > 0) {
            throw new InvalidInput("validForHours: at most " + settings.maxConsentValidity().toHours());
        }
        return validity;
    }

    private static Response created(String caseNumber, String consentId) {
        return Response.created(URI.create("/cases/" + caseNumber + "/consents/" + consentId))
                .entity(new Given(consentId, caseNumber)).build();
    }
}
