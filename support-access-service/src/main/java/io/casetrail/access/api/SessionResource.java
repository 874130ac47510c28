package io.casetrail.access.api;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
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

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.casetrail.access.command.AccessCommands.StartImpersonation;
import io.casetrail.access.command.AccessCommands.StopImpersonation;
import io.casetrail.access.command.AccessSettings;
import io.casetrail.access.command.AccessState;
import io.casetrail.access.command.OrgSupportAccess;
import io.casetrail.access.command.SessionStop;
import io.casetrail.access.query.AccessQueries;
import io.casetrail.access.query.AccessQueries.SessionView;
import io.casetrail.events.RequestOrigin;
import io.casetrail.platform.api.NoBody;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.idempotency.Idempotent;
import io.casetrail.platform.logging.RequestId;
import io.casetrail.platform.idempotency.Unrepeatable;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.security.SessionTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;
import io.casetrail.platform.store.Jdbc;

/**
 * Impersonation sessions: the engineer assigned to a case starts one inside an active grant and gets a short-lived,
 * read-only session token for the org's admin views; it ends when stopped, when the grant expires or is revoked, or
 * after the maximum session length.
 */
@RequestScoped
@Path("/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Impersonation sessions")
@SecurityScheme(securitySchemeName = "session", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "Authorization", description = "Authorization: Session <the token of an impersonation session>")
@SecurityRequirement(name = "jwt")
public class SessionResource {

    /** Start a session for a case. */
    public record StartRequest(@NotBlank @Size(max = 16) String caseNumber) {
    }

    /** A stopped session. */
    public record StoppedSession(String sessionId, String orgId, String caseNumber, String endReason) {
    }

    /** A started session and its token (shown once: absent from a retry's answer). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StartedSession(String sessionId, String orgId, String caseNumber, Instant endsAt, String token)
            implements Unrepeatable {

        /** A retry with the same Idempotency-Key names the session without its token, which is never stored. */
        @Override
        public Object repeated() {
            return new StartedSession(sessionId, orgId, caseNumber, endsAt, null);
        }
    }

    @Inject
    CommandGateway commands;

    @Inject
    KnownCases knownCases;

    @Inject
    AccessQueries queries;

    @Inject
    SessionTokens tokens;

    @Inject
    AccessSettings settings;

    @Inject
    Clock clock;

    @Inject
    Jdbc jdbc;

    @Inject
    Caller caller;

    @Inject
    RequestOrigin origin;

    @POST
    @Transactional
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Start an impersonation session", description = "Only support working the case (its"
            + " engineer, or a lead or manager of its team), inside an active grant for the case or the org. Answers the session token (read-only, for the org's"
            + " admin views), taken until the session ends.")
    @APIResponse(responseCode = "201", description = "Started; the token is in this answer only",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = StartedSession.class)))
    public Response start(@Valid @NotNull StartRequest request) {
        // the case's row first, as the known-cases consumer takes it before the org's support access (a closure
        // or reassignment ending sessions): one order for both, so neither waits on the other for good
        KnownCases.KnownCase known = knownCases.findLocked(request.caseNumber())
                .orElseThrow(() -> new NotFound("there is no case " + request.caseNumber()));
        String orgId = known.orgId();
        String sessionId = UUID.randomUUID().toString();
        Instant startedAt = clock.instant();
        AccessState state;
        try {
            state = commands.sendAndWait(new StartImpersonation(orgId, sessionId, request.caseNumber(), origin,
                    caller));
        } catch (AggregateNotFoundException e) {
            // the org never granted access: its support access aggregate does not exist yet. Support not working
            // the case is told so, as when the org has granted: whether it has is not theirs to learn
            if (!known.isWorkedBy(caller)) {
                throw new AccessDenied(StartImpersonation.notWorking(known));
            }
            OrgSupportAccess.requireOpen(known); // and its holder learns it closed, as when the org has granted
            throw new AccessDenied("the org's Super Administrator has not granted support access for case "
                    + request.caseNumber());
        }
        jdbc.update("INSERT INTO session_directory (session_id, org_id, engineer_id, case_number) VALUES (?, ?, ?, ?)",
                sessionId, orgId, caller.id(), request.caseNumber());
        RequestId.aboutCase(request.caseNumber()); // started: the request log is filed under the case
        // the token lasts as long as the session may (its grant may be extended); the services that take it refuse
        // it as soon as their view of the session says it ended or passed its end
        String token = tokens.sign(caller, orgId, request.caseNumber(), sessionId, startedAt,
                startedAt.plus(settings.maxSessionLength()));
        return Response.created(URI.create("/sessions/" + sessionId))
                .entity(new StartedSession(sessionId, orgId, request.caseNumber(), state.sessionEndsAt(), token))
                .build();
    }

    @POST
    @Path("/{sessionId}/stop")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @Idempotent
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Stop an impersonation session", description = "By the engineer who started it, or by support working its case: the engineer it is assigned to, or a lead or manager of its team (not the one who opened it on the customer's behalf).")
    public RestResponse<StoppedSession> stop(@PathParam("sessionId") String sessionId, NoBody none) {
        StopImpersonation command = jdbc.queryOne("SELECT org_id, engineer_id, case_number FROM session_directory"
                + " WHERE session_id = ?", row -> new StopImpersonation(row.getString(1), sessionId, row.getString(2),
                row.getString(3), origin, caller), sessionId)
                .orElseThrow(() -> new NotFound("there is no impersonation session " + sessionId));
        // the request log is filed under the session's org and case, a refusal's too
        RequestId.aboutOrg(command.orgId());
        RequestId.aboutCase(command.caseNumber());
        SessionStop stop = commands.sendAndWait(command);
        return RestResponse.ok(new StoppedSession(sessionId, command.orgId(), stop.caseNumber(),
                stop.endReason().name()));
    }

    @GET
    @Path("/current")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "The session of a session token", description = "With Authorization: Session <token>:"
            + " 200 while the session runs; 401 once it ended (stopped, grant revoked or expired, maximum length).")
    @SecurityRequirement(name = "session")
    public SessionView current(@Context SecurityIdentity identity) {
        String sessionId = identity.getAttribute(SessionTokenAuthentication.SESSION_ATTRIBUTE);
        return queries.session(sessionId).orElseThrow(() -> new NotFound("there is no session " + sessionId));
    }

    @GET
    @Path("/{sessionId}")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.AUDITOR,
            Roles.ORG_SUPER_ADMIN, Roles.ORG_ADMIN})
    @Operation(summary = "Read a session", description = "For the engineer who ran it, the leads and managers of its"
            + " case's team, auditors, and the admins of the org.")
    public SessionView session(@PathParam("sessionId") String sessionId) {
        SessionView session = queries.session(sessionId)
                .orElseThrow(() -> new NotFound("there is no impersonation session " + sessionId));
        RequestId.aboutOrg(session.orgId()); // the request log is filed under the session's org and case
        RequestId.aboutCase(session.caseNumber());
        boolean allowed = caller.isCustomer() ? caller.isCustomerOf(session.orgId())
                : caller.id().equals(session.engineer()) || caller.has(Roles.AUDITOR)
                || caller.hasAny(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER) && knownCases.find(session.caseNumber())
                        .map(known -> caller.inTeam(known.team())).orElse(false);
        if (!allowed) {
            throw new AccessDenied("this session is not yours to read");
        }
        return session;
    }

}
