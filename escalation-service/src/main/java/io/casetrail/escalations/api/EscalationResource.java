package io.casetrail.escalations.api;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

import io.casetrail.escalations.command.CaseEscalationRefs;
import io.casetrail.escalations.command.EscalationCommands.AcceptEscalation;
import io.casetrail.escalations.command.EscalationCommands.ApproveStep;
import io.casetrail.escalations.command.EscalationCommands.AssignManager;
import io.casetrail.escalations.command.EscalationCommands.CloseEscalation;
import io.casetrail.escalations.command.EscalationCommands.PostUpdate;
import io.casetrail.escalations.command.EscalationCommands.ProvideInformation;
import io.casetrail.escalations.command.EscalationCommands.RaiseEscalation;
import io.casetrail.escalations.command.EscalationCommands.RejectEscalation;
import io.casetrail.escalations.command.EscalationCommands.RequestInformation;
import io.casetrail.escalations.command.EscalationCommands.ResolveEscalation;
import io.casetrail.escalations.command.EscalationCommands.WithdrawEscalation;
import io.casetrail.escalations.command.EscalationStatus;
import io.casetrail.escalations.query.CaseDigest;
import io.casetrail.escalations.query.EscalationQueries;
import io.casetrail.escalations.query.EscalationQueries.Card;
import io.casetrail.escalations.query.EscalationQueries.Detail;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.NoBody;
import io.casetrail.platform.api.NotBlankWhenGiven;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.idempotency.Idempotent;
import io.casetrail.platform.logging.RequestId;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * Escalations: support raises them on its cases, approvers approve or reject them step by step, Engineering works
 * them once approved, support (or the escalation manager) answers Engineering and closes them, or withdraws them.
 */
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Escalations")
@SecurityRequirement(name = "jwt")
@Path("/")
public class EscalationResource {

    public record Raise(@NotBlank @Size(max = 64) String requestType, @NotBlank @Size(max = 2000) String summary,
                        @NotBlank @Size(max = 2000) String customerImpact,
                        @Size(max = 50) List<@NotBlank @Size(max = 255) String> requestIds,
                        @Size(max = 50) List<@NotBlank @Size(max = 255) String> logReferences,
                        @Size(max = 20) List<@NotBlank @Size(max = 4000) String> logExcerpts) {
    }

    public record Reason(@NotBlank @Size(max = 2000) String reason) {
    }

    public record Text(@NotBlank @Size(max = 10_000) String text) {
    }

    /** Both optional (an escalation manager takes one itself with neither), but never blank when given. */
    public record Manager(@NotBlankWhenGiven @Size(max = 255) String managerId,
                          @NotBlankWhenGiven @Size(max = 255) String managerName) {
    }

    /** What a command answers: the escalation and where it stands now. */
    public record State(String escalationId, EscalationStatus status) {
    }

    @Inject
    CommandGateway commands;

    @Inject
    EscalationQueries queries;

    @Inject
    EscalationReadAccess access;

    @Inject
    CaseDigest digest;

    @Inject
    KnownCases cases;

    @Inject
    CaseEscalationRefs refs;

    @Inject
    Caller caller;

    @Context
    UriInfo uri;

    @POST
    @Path("/cases/{caseNumber}/escalations")
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Raise an escalation", description = "By support working the case (open), with what it"
            + " collected; the case's timeline is taken along.")
    @APIResponse(responseCode = "201", description = "Raised; Location names the escalation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = State.class)))
    public Response raise(@PathParam("caseNumber") String caseNumber, @Valid @NotNull Raise request) {
        String escalationId = UUID.randomUUID().toString();
        commands.sendAndWait(new RaiseEscalation(escalationId, caseNumber, request.requestType(), request.summary(),
                request.customerImpact(), request.requestIds(), request.logReferences(), request.logExcerpts(),
                digest.snapshot(caseNumber), caller));
        return Response.created(URI.create("/escalations/" + escalationId))
                .entity(new State(escalationId, EscalationStatus.AWAITING_APPROVAL)).build();
    }

    @GET
    @Path("/cases/{caseNumber}/escalations")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER,
            Roles.ENGINEERING_MANAGER, Roles.ENGINEER, Roles.AUDITOR})
    @Operation(summary = "The escalations of a case", description = "Those the caller may read, oldest first, paged"
            + " by after/limit with Link headers; 404 for a case escalation-service does not know.")
    public RestResponse<List<Card>> ofCase(@PathParam("caseNumber") String caseNumber,
                                           @QueryParam("after") String after, @QueryParam("limit") Integer limit) {
        if (cases.find(caseNumber).isEmpty()) {
            throw new NotFound("there is no case " + caseNumber);
        }
        Page<Card> page = queries.ofCase(caseNumber, card -> access.mayRead(caller, card), Page.At.of(after),
                Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/escalations/{id}")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER,
            Roles.ENGINEERING_MANAGER, Roles.ENGINEER, Roles.AUDITOR})
    @Operation(summary = "An escalation", description = "With what support collected, its approval chain, and its"
            + " history.")
    public Detail detail(@PathParam("id") String escalationId) {
        Detail detail = queries.detail(escalationId).orElseThrow(() -> unknown(escalationId));
        RequestId.aboutCase(detail.escalation().caseNumber()); // a refusal too is filed under the case
        access.requireRead(caller, detail);
        return detail;
    }

    @POST
    @Path("/escalations/{id}/approvals")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @Idempotent
    @RolesAllowed({Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ENGINEERING_MANAGER, Roles.ESCALATION_MANAGER,
            Roles.ENGINEER})
    @Operation(summary = "Approve the current step", description = "By an approver of the step who did not raise the"
            + " escalation and has not approved the step yet. With ?step=N (0 first), the step the approver saw:"
            + " 409 step-moved if the chain has moved on since.")
    public RestResponse<State> approve(@PathParam("id") String escalationId, @QueryParam("step") @Min(0) Integer step,
                            NoBody none) {
        return state(escalationId, new ApproveStep(escalationId, step, caller));
    }

    @POST
    @Path("/escalations/{id}/rejection")
    @Idempotent
    @RolesAllowed({Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ENGINEERING_MANAGER, Roles.ESCALATION_MANAGER,
            Roles.ENGINEER})
    @Operation(summary = "Reject the escalation", description = "By an approver of the current step; ends it. With"
            + " ?step=N, the step the approver saw: 409 step-moved if the chain has moved on since.")
    public RestResponse<State> reject(@PathParam("id") String escalationId, @QueryParam("step") @Min(0) Integer step,
                           @Valid @NotNull Reason request) {
        return state(escalationId, new RejectEscalation(escalationId, step, request.reason(), caller));
    }

    @POST
    @Path("/escalations/{id}/acceptance")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @Idempotent
    @RolesAllowed(Roles.ENGINEER)
    @Operation(summary = "Accept an approved escalation", description = "The engineer owns it from now on.")
    public RestResponse<State> accept(@PathParam("id") String escalationId, NoBody none) {
        return state(escalationId, new AcceptEscalation(escalationId, caller));
    }

    @POST
    @Path("/escalations/{id}/information-requests")
    @Idempotent
    @RolesAllowed(Roles.ENGINEER)
    @Operation(summary = "Ask support for information", description = "By the owning engineer; the escalation waits"
            + " for support.")
    public RestResponse<State> requestInformation(@PathParam("id") String escalationId, @Valid @NotNull Text request) {
        return state(escalationId, new RequestInformation(escalationId, request.text(), caller));
    }

    @POST
    @Path("/escalations/{id}/information")
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Answer Engineering", description = "By support working the case or the escalation's"
            + " manager; back to the engineer.")
    public RestResponse<State> provideInformation(@PathParam("id") String escalationId, @Valid @NotNull Text request) {
        return state(escalationId, new ProvideInformation(escalationId, request.text(), caller));
    }

    @POST
    @Path("/escalations/{id}/updates")
    @Idempotent
    @RolesAllowed(Roles.ENGINEER)
    @Operation(summary = "Post an update", description = "By the owning engineer.")
    public RestResponse<State> postUpdate(@PathParam("id") String escalationId, @Valid @NotNull Text request) {
        return state(escalationId, new PostUpdate(escalationId, request.text(), caller));
    }

    @POST
    @Path("/escalations/{id}/resolution")
    @Transactional
    @Idempotent
    @RolesAllowed(Roles.ENGINEER)
    @Operation(summary = "Resolve the escalation", description = "By the owning engineer. One whose case closed"
            + " meanwhile is closed with it (CLOSED): nobody is left to close it.")
    public RestResponse<State> resolve(@PathParam("id") String escalationId, @Valid @NotNull Text request) {
        // the case's row first, as the known-cases consumer takes it before the escalations a closure ends: the
        // resolution and a closure being recorded are one after the other, and the resolution sees the case closed
        aboutEscalation(escalationId).ifPresent(cases::findLocked);
        return send(escalationId, new ResolveEscalation(escalationId, request.text(), caller));
    }

    @POST
    @Path("/escalations/{id}/closure")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Close a resolved escalation", description = "By support working the case or the"
            + " escalation's manager.")
    public RestResponse<State> close(@PathParam("id") String escalationId, NoBody none) {
        return state(escalationId, new CloseEscalation(escalationId, caller));
    }

    @POST
    @Path("/escalations/{id}/withdrawal")
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER})
    @Operation(summary = "Withdraw the escalation", description = "By support working the case or the escalation's"
            + " manager, with the reason, before Engineering resolved it: it is no longer needed.")
    public RestResponse<State> withdraw(@PathParam("id") String escalationId, @Valid @NotNull Reason request) {
        return state(escalationId, new WithdrawEscalation(escalationId, request.reason(), caller));
    }

    @POST
    @Path("/escalations/{id}/manager")
    @Idempotent
    @RolesAllowed({Roles.ESCALATION_MANAGER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Give the escalation a manager", description = "An escalation manager takes it (empty body);"
            + " a lead or manager of the case's team names one. The manager becomes the customer's intermediary.")
    public RestResponse<State> assignManager(@PathParam("id") String escalationId, @Valid Manager request) {
        Manager manager = request == null ? new Manager(null, null) : request;
        return state(escalationId, new AssignManager(escalationId, manager.managerId(), manager.managerName(),
                caller));
    }

    /** The escalation's state after the command, typed: what the idempotency layer stores and replays. */
    private RestResponse<State> state(String escalationId, Object command) {
        aboutEscalation(escalationId);
        return send(escalationId, command);
    }

    private RestResponse<State> send(String escalationId, Object command) {
        EscalationStatus status = commands.sendAndWait(command);
        return RestResponse.ok(new State(escalationId, status));
    }

    /**
     * The case the escalation was raised on, named for the request's log: a request about an escalation is filed
     * under its case and the case's org, as a request about the case is (the internal log's org filter finds
     * Engineering's work on it). Empty for no such escalation.
     */
    private Optional<String> aboutEscalation(String escalationId) {
        Optional<String> caseNumber = refs.caseOf(escalationId);
        caseNumber.ifPresent(RequestId::aboutCase);
        return caseNumber;
    }

    static NotFound unknown(String escalationId) {
        return new NotFound("there is no escalation " + escalationId);
    }
}
