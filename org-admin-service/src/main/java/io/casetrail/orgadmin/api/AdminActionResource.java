package io.casetrail.orgadmin.api;

import java.net.URI;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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

import io.casetrail.events.orgadmin.ActionKind;
import io.casetrail.orgadmin.command.ActionOutcome;
import io.casetrail.orgadmin.command.AdminCommands.RecordImpersonationWrite;
import io.casetrail.orgadmin.command.AdminCommands.RunAdminAction;
import io.casetrail.orgadmin.query.ImpersonationSessions;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.errors.Problem;
import io.casetrail.platform.idempotency.Idempotent;
import io.casetrail.platform.logging.RequestId;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.ReadOnlySessions;
import io.casetrail.platform.security.Roles;

/**
 * The only changes support may make in a customer's org, each only with live, matching consent on the case named
 * in the body: reset a password, send a temporary password, reset MFA, enable or disable a feature flag. Without
 * consent: 403 with the reason, and the refusal is recorded. There is no endpoint that creates or deletes users,
 * and none that changes anything else.
 */
@RequestScoped
@Path("/orgs/{orgId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Consented admin actions")
@SecurityRequirement(name = "jwt")
@APIResponse(responseCode = "200", description = "Done; what was done, on which case",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ActionOutcome.class)))
public class AdminActionResource {

    public record ForCase(@NotBlank @Size(max = 16) String caseNumber) {
    }

    public record FeatureChange(@NotBlank @Size(max = 16) String caseNumber, boolean force) {
    }

    @Inject
    CommandGateway commands;

    @Inject
    Caller caller;

    @jakarta.ws.rs.core.Context
    UriInfo uri;

    @Inject
    ImpersonationSessions sessions;

    @Inject
    KnownCases knownCases;

    @POST
    @Path("/users/{userId}/lifecycle/reset-password")
    @Transactional
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Reset a user's password", description = "The user gets a one-time reset link by e-mail.")
    @APIResponse(responseCode = "403", description = "No live, matching consent (recorded), not your case, or you"
            + " are impersonating in the org (recorded)")
    public Response resetPassword(@PathParam("orgId") String orgId, @PathParam("userId") String userId,
                                  @Valid @NotNull ForCase request) {
        return run(new RunAdminAction(request.caseNumber(), orgId, ActionKind.RESET_PASSWORD, userId, false, false,
                caller));
    }

    @POST
    @Path("/users/{userId}/lifecycle/temporary-password")
    @Transactional
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Send a temporary password", description = "Generated, e-mailed to the user's primary and"
            + " secondary address, and shown nowhere else.")
    public Response temporaryPassword(@PathParam("orgId") String orgId, @PathParam("userId") String userId,
                                      @Valid @NotNull ForCase request) {
        return run(new RunAdminAction(request.caseNumber(), orgId, ActionKind.TEMPORARY_PASSWORD, userId, false,
                false, caller));
    }

    @POST
    @Path("/users/{userId}/lifecycle/reset-factors")
    @Transactional
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Reset a user's MFA", description = "Every enrolled factor is removed.")
    public Response resetFactors(@PathParam("orgId") String orgId, @PathParam("userId") String userId,
                                 @Valid @NotNull ForCase request) {
        return run(new RunAdminAction(request.caseNumber(), orgId, ActionKind.RESET_MFA, userId, false, false,
                caller));
    }

    @POST
    @Path("/features/{flagId}/enable")
    @Transactional
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Enable a feature flag", description = "Refused (409) while a dependency is disabled, unless"
            + " forced.")
    public Response enable(@PathParam("orgId") String orgId, @PathParam("flagId") String flagId,
                           @Valid @NotNull FeatureChange request) {
        return run(new RunAdminAction(request.caseNumber(), orgId, ActionKind.FEATURE_FLAG, flagId, true,
                request.force(), caller));
    }

    @POST
    @Path("/features/{flagId}/disable")
    @Transactional
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Disable a feature flag", description = "Refused (409) while an enabled flag depends on it,"
            + " unless forced.")
    public Response disable(@PathParam("orgId") String orgId, @PathParam("flagId") String flagId,
                            @Valid @NotNull FeatureChange request) {
        return run(new RunAdminAction(request.caseNumber(), orgId, ActionKind.FEATURE_FLAG, flagId, false,
                request.force(), caller));
    }

    private Response run(RunAdminAction action) {
        // the case's row first, as the known-cases consumer takes it before the case's consents (a closure ending
        // them): a closure recorded meanwhile waits for this action, and one recorded before is what it sees
        knownCases.findLocked(action.caseNumber());
        Optional<ImpersonationSessions.Running> impersonating = sessions.runningSessionOf(action.orgId(), caller.id(),
                action.caseNumber());
        if (impersonating.isPresent()) {
            // no support role changes an org while impersonating in it (DOMAIN.md); the attempt is on record
            ImpersonationSessions.Running session = impersonating.get();
            RequestId.aboutCase(session.caseNumber());
            String path = "/" + uri.getPath().replaceFirst("^/", "");
            commands.sendAndWait(new RecordImpersonationWrite(session.caseNumber(), action.orgId(),
                    session.sessionId(), "POST", path, caller.id(), caller.displayName()));
            return ReadOnlySessions.refusal("you are impersonating in org " + action.orgId() + " (session "
                    + session.sessionId() + "): nothing in the org changes until you stop it; POST " + path
                    + " was refused and recorded", uri);
        }
        ActionOutcome outcome = commands.sendAndWait(action);
        // done or refused for want of consent, the action was the caller's on a case it holds: its request log is
        // filed under that case (a case named in a refused request is no proof of anything)
        RequestId.aboutCase(action.caseNumber());
        if (outcome.status() == ActionOutcome.Status.REFUSED) {
            return Response.status(403).type(Problem.MEDIA_TYPE).entity(new Problem(
                    URI.create("https://casetrail.io/problems/consent-required"), "Consent required", 403,
                    outcome.reason() + "; the refusal is recorded", uri.getPath(), null)).build();
        }
        return Response.ok(outcome).build();
    }
}
