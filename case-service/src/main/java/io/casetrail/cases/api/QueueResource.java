package io.casetrail.cases.api;

import java.util.ArrayList;
import java.util.List;

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
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.casetrail.cases.query.CaseFilter;
import io.casetrail.cases.query.CaseQueries;
import io.casetrail.cases.query.CaseReadAccess;
import io.casetrail.cases.query.CaseView;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * The work queues, in working order: priority, then status, then time to SLA breach, then age. An engineer's
 * queue holds its cases that are not closed (unless a status filter asks for closed ones); a team's unassigned
 * queue holds its NEW cases.
 */
@RequestScoped
@Path("/queues")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Queues")
@SecurityRequirement(name = "jwt")
public class QueueResource {

    @Inject
    CaseQueries cases;

    @Inject
    Caller caller;

    @Context
    UriInfo uri;

    @GET
    @Path("/mine")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "The caller's own queue")
    public RestResponse<List<CaseView>> mine(@QueryParam("status") CaseStatus status,
                                             @QueryParam("priority") Priority priority,
                                             @QueryParam("orgId") String orgId,
                                             @QueryParam("productArea") ProductArea productArea,
                                             @QueryParam("after") String after, @QueryParam("limit") Integer limit) {
        // only what the caller may read: a lead's case of another team (assigned to it by id) is not listed
        return engineerQueue(caller.id(), List.of(), CaseReadAccess.scope(caller), status, priority, orgId,
                productArea, after, limit);
    }

    @GET
    @Path("/engineers/{engineerId}")
    @RolesAllowed({Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "An engineer's queue", description = "For leads and managers: the engineer's cases in the"
            + " caller's teams.")
    public RestResponse<List<CaseView>> engineer(@PathParam("engineerId") String engineerId,
                                                 @QueryParam("status") CaseStatus status,
                                                 @QueryParam("priority") Priority priority,
                                                 @QueryParam("orgId") String orgId,
                                                 @QueryParam("productArea") ProductArea productArea,
                                                 @QueryParam("after") String after,
                                                 @QueryParam("limit") Integer limit) {
        if (caller.teams().isEmpty()) {
            throw new AccessDenied("the caller leads no team");
        }
        return engineerQueue(engineerId, List.copyOf(caller.teams()), null, status, priority, orgId, productArea,
                after, limit);
    }

    @GET
    @Path("/teams/{team}/unassigned")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "A team's unassigned queue", description = "NEW cases routed to the team; for its members.")
    public RestResponse<List<CaseView>> unassigned(@PathParam("team") String team,
                                                   @QueryParam("status") CaseStatus status,
                                                   @QueryParam("priority") Priority priority,
                                                   @QueryParam("orgId") String orgId,
                                                   @QueryParam("productArea") ProductArea productArea,
                                                   @QueryParam("after") String after,
                                                   @QueryParam("limit") Integer limit) {
        if (!caller.inTeam(team)) {
            throw new AccessDenied("only members of team " + team + " see its queue");
        }
        int pageSize = Page.limit(limit);
        Page<CaseView> page = cases.queue("team = ? AND status = 'NEW'", List.of(team),
                new CaseFilter(orgId, status, priority, productArea, null, null), after, pageSize); // NEW or none
        return LinkHeaders.page(uri, page);
    }

    private RestResponse<List<CaseView>> engineerQueue(String engineerId, List<String> teams,
                                                       CaseReadAccess.Scope scope, CaseStatus status, Priority priority,
                                                       String orgId, ProductArea productArea, String after,
                                                       Integer limit) {
        int pageSize = Page.limit(limit);
        StringBuilder condition = new StringBuilder("assignee = ?");
        List<Object> parameters = new ArrayList<>(List.of(engineerId));
        if (scope != null) {
            condition.append(" AND ").append(scope.condition());
            parameters.addAll(scope.parameters());
        }
        if (status == null) {
            condition.append(" AND status <> 'CLOSED'");
        }
        if (!teams.isEmpty()) {
            condition.append(" AND team IN (").append(String.join(", ", teams.stream().map(t -> "?").toList()))
                    .append(')');
            parameters.addAll(teams);
        }
        Page<CaseView> page = cases.queue(condition.toString(), parameters,
                new CaseFilter(orgId, status, priority, productArea, null, null), after, pageSize);
        return LinkHeaders.page(uri, page);
    }
}
