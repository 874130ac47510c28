package io.casetrail.cases.api;

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

import io.casetrail.cases.query.CaseQueries;
import io.casetrail.cases.query.CaseReadAccess;
import io.casetrail.cases.query.CaseView;
import io.casetrail.cases.query.TimelineEntry;
import io.casetrail.cases.query.TimelineStore;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/** A case's timeline: everything that happened on it, from every context, in order. */
@RequestScoped
@Path("/cases/{caseNumber}/timeline")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Cases")
@SecurityRequirement(name = "jwt")
public class TimelineResource {

    @Inject
    CaseQueries cases;

    @Inject
    TimelineStore timeline;

    @Inject
    Caller caller;

    @Context
    UriInfo uri;

    @GET
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN, Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD,
            Roles.SUPPORT_MANAGER, Roles.ESCALATION_MANAGER, Roles.AUDITOR})
    @Operation(summary = "Read a case's timeline", description = "Oldest first, paged (Link rel=next). Customer"
            + " principals see public entries only: never internal notes, consultations, internal files or SLA"
            + " bookkeeping.")
    public RestResponse<List<TimelineEntry>> timeline(@PathParam("caseNumber") String caseNumber,
                                                      @QueryParam("after") String after,
                                                      @QueryParam("limit") Integer limit) {
        CaseView view = cases.find(caseNumber).orElseThrow(() -> new NotFound("there is no case " + caseNumber));
        CaseReadAccess.requireMaySee(caller, view);
        int pageSize = Page.limit(limit);
        List<Page.Row<TimelineEntry>> rows = timeline.page(caseNumber, caller.isCustomer(),
                after == null ? null : TimelineStore.Cursor.decode(after), pageSize + 1);
        Page<TimelineEntry> page = Page.of(rows, pageSize);
        return LinkHeaders.page(uri, caller.isCustomer()
                ? page.items().stream().map(TimelineEntry::forCustomer).toList() : page.items(), page.next());
    }
}
