package io.casetrail.escalations.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.casetrail.escalations.command.EscalationStatus;
import io.casetrail.escalations.query.EscalationQueries;
import io.casetrail.escalations.query.EscalationQueries.Card;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.errors.NotFound;
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

    @Context
    UriInfo uri;

    @GET
    @Path("/board")
    @RolesAllowed({Roles.ENGINEER, Roles.ENGINEERING_MANAGER, Roles.ESCALATION_MANAGER, Roles.SUPPORT_MANAGER,
            Roles.TEAM_LEAD, Roles.AUDITOR})
    @Operation(summary = "The Engineering board", description = "Columns AWAITING_APPROVAL, APPROVED, ACCEPTED,"
            + " WAITING_FOR_SUPPORT, RESOLVED, latest change first: in each, the latest `limit` (default 50, at most"
            + " 200) the caller may read; GET /board/{column} pages through a whole column.")
    public Map<EscalationStatus, List<Card>> board(@QueryParam("limit") Integer limit) {
        int perColumn = Page.limit(limit);
        Map<EscalationStatus, List<Card>> board = new LinkedHashMap<>();
        for (EscalationStatus column : COLUMNS) {
            board.put(column, queries.column(column, access.teamsRead(caller, column), null, perColumn).items());
        }
        return board;
    }

    @GET
    @Path("/board/{column}")
    @RolesAllowed({Roles.ENGINEER, Roles.ENGINEERING_MANAGER, Roles.ESCALATION_MANAGER, Roles.SUPPORT_MANAGER,
            Roles.TEAM_LEAD, Roles.AUDITOR})
    @Operation(summary = "A column of the Engineering board", description = "The cards the caller may read, latest"
            + " change first, paged by after/limit with Link headers.")
    public RestResponse<List<Card>> column(@PathParam("column") String column, @QueryParam("after") String after,
                           @QueryParam("limit") Integer limit) {
        EscalationStatus status = COLUMNS.stream().filter(c -> c.name().equals(column)).findFirst()
                .orElseThrow(() -> new NotFound("the board has no column " + column + "; its columns are "
                        + COLUMNS));
        Page<Card> page = queries.column(status, access.teamsRead(caller, status), Page.At.of(after),
                Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/approvals/pending")
    @RolesAllowed({Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER, Roles.ENGINEERING_MANAGER, Roles.ESCALATION_MANAGER,
            Roles.ENGINEER})
    @Operation(summary = "My pending approvals", description = "Escalations whose current step the caller may"
            + " approve now (it approved no step of them, and is named to approve no later one), oldest first,"
            + " paged by after/limit with Link headers.")
    public RestResponse<List<Card>> pending(@QueryParam("after") String after, @QueryParam("limit") Integer limit) {
        Page<Card> page = queries.pendingFor(caller, Page.At.of(after), Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }
}
