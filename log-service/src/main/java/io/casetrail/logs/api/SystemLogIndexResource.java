package io.casetrail.logs.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.casetrail.logs.systemlog.SystemLogIndexCheck;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.security.Roles;

/**
 * The check of an org's System Log index against its entries ({@link SystemLogIndexCheck}), for auditors: what the
 * audit replay asks after comparing the entries themselves with the events.
 */
@Path("/orgs/{orgId}/system-log/index-check")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal logs")
public class SystemLogIndexResource {

    /** Entries checked per page, unless asked: one page is a few queries however many index rows it has. */
    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = 1000;
    private static final Duration RETENTION = Duration.ofDays(90);

    /** A page of the check: the entries checked and what their index says that their bodies do not. */
    public record IndexCheck(String orgId, int checked, List<SystemLogIndexCheck.Mismatch> mismatches) {
    }

    @Inject
    SystemLogIndexCheck check;

    @Inject
    Clock clock;

    @Context
    UriInfo uri;

    @GET
    @RolesAllowed(Roles.AUDITOR)
    @Operation(summary = "Check the org's System Log index", description = "For the org's entries published since"
            + " `since` (default: the 90 days the System Log shows), in the order they were stored, paged by"
            + " after/limit with Link headers: each field (published, eventType, severity, actor.id, outcome.result,"
            + " target.id, keyword) where the index filter and q are answered from differs from the entry's body.")
    public RestResponse<IndexCheck> check(@PathParam("orgId") String orgId, @QueryParam("since") String since,
                          @QueryParam("after") String after, @QueryParam("limit") Integer limit) {
        Instant from = InternalLogResource.instant("since", since);
        int size = Page.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        SystemLogIndexCheck.Result result = check.check(orgId, from == null ? clock.instant().minus(RETENTION) : from,
                InternalLogResource.cursor(after), size);
        return LinkHeaders.page(uri, new IndexCheck(orgId, result.checked(),
                result.mismatches()), result.more() ? InternalLogResource.encode(result.last()) : null);
    }
}
