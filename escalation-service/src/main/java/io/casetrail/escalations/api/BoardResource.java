package io.casetrail.escalations.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.casetrail.escalations.command.EscalationStatus;
import io.casetrail.escalations.query.EscalationQueries;
import io.casetrail.escalations.query.EscalationQueries.Card;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/** The Engineering board by column, and each approver's pending approvals. */
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Board and approvals")
@SecurityRequirement(name = "jwt")
@Path("/")
public class BoardResource {

    /** The board's columns, in order. */
    static final List<EscalationStatus> COLUMNS = List.of(EscalationStatus.AWAITING_APPROVAL,
            EscalationStatus.APPROVED, EscalationStatus.ACCEPTED, EscalationStatus.WAITING_FOR_SUPPORT,
            EscalationStatus.RESOLVED);

    @Inject
    EscalationQueries queries;

    @Inject
    EscalationReadAccess access;

    @Inject
    Caller caller;

    @GET
    @Path("/board")
    @RolesAllowed({Roles.ENGINEER, Roles.ENGINEERING_MANAGER, Roles.ESCALATION_MANAGER, Roles.SUPPORT_MANAGER,
            Roles.TEAM_LEAD, Roles.AUDITOR})
    @Operation(summary = "The Engineering board", description = "Columns AWAITING_APPROVAL, APPROVED, ACCEPTED,"
            + " WAITING_FOR_SUPPORT, RESOLVED, latest change first: in each, the latest 200 the caller may"
            + " read.")
    public Map<EscalationStatus, List<Card>> board() {
        return new LinkedHashMap<>(queries.board(COLUMNS, column -> access.teamsRead(caller, column)));
    }

    @GET
    @Path("/approvals/pending")
    @RolesAllowed({Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ENGINEERING_MANAGER, Roles.ESCALATION_MANAGER,
            Roles.ENGINEER})
    @Operation(summary = "My pending approvals", description = "Escalations whose current step the caller may"
            + " approve and has not approved yet, oldest first.")
    public List<Card> pending() {
        return queries.pendingFor(caller);
    }
}
