package io.casetrail.orgadmin.api;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

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

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.casetrail.orgadmin.command.AdminCommands.RecordResearch;
import io.casetrail.orgadmin.command.CaseAdministration;
import io.casetrail.orgadmin.directory.AmbiguousName;
import io.casetrail.orgadmin.directory.DirectoryStore;
import io.casetrail.orgadmin.directory.DirectoryViews.ApplicationView;
import io.casetrail.orgadmin.directory.DirectoryViews.GroupView;
import io.casetrail.orgadmin.directory.DirectoryViews.UserView;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.logging.RequestId;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * Research in a customer's org: users, groups and applications by id, login or name. Only for support holding an
 * open case of the org (its engineer, or a lead or manager of its team), named in {@code caseNumber}; every lookup
 * is recorded as an event of that case before its answer goes out.
 */
@RequestScoped
@Path("/orgs/{orgId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Org research")
@SecurityRequirement(name = "jwt")
public class ResearchResource {

    @Inject
    DirectoryStore directory;

    @Inject
    CommandGateway commands;

    @Inject
    KnownCases knownCases;

    @Inject
    Caller caller;

    @Context
    UriInfo uri;

    @GET
    @Path("/users")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Find users", description = "By id, or login, name or e-mail prefix (q); paged by after/limit.")
    public RestResponse<List<UserView>> users(@PathParam("orgId") String orgId,
                                              @QueryParam("caseNumber") String caseNumber, @QueryParam("q") String q,
                                              @QueryParam("after") String after, @QueryParam("limit") Integer limit) {
        Page<UserView> page = lookUp(orgId, caseNumber, "users", q,
                () -> directory.users(orgId, q, after, Page.limit(limit)), found -> found.items().size());
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/users/{idOrLogin}")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "A user, by id or login")
    public UserView user(@PathParam("orgId") String orgId, @PathParam("idOrLogin") String idOrLogin,
                       @QueryParam("caseNumber") String caseNumber) {
        var user = lookUp(orgId, caseNumber, "users", idOrLogin, () -> directory.user(orgId, idOrLogin),
                ResearchResource::count);
        return user.orElseThrow(() -> new NotFound("org " + orgId + " has no user " + idOrLogin));
    }

    @GET
    @Path("/groups")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Find groups", description = "By id or name prefix (q), with their members.")
    public RestResponse<List<GroupView>> groups(@PathParam("orgId") String orgId,
                                                @QueryParam("caseNumber") String caseNumber, @QueryParam("q") String q,
                                                @QueryParam("after") String after, @QueryParam("limit") Integer limit) {
        Page<GroupView> page = lookUp(orgId, caseNumber, "groups", q,
                () -> directory.groups(orgId, q, after, Page.limit(limit)), found -> found.items().size());
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/groups/{idOrName}")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "A group, by id or name")
    public GroupView group(@PathParam("orgId") String orgId, @PathParam("idOrName") String idOrName,
                        @QueryParam("caseNumber") String caseNumber) {
        var group = lookUp(orgId, caseNumber, "groups", idOrName, () -> directory.group(orgId, idOrName),
                ResearchResource::count);
        return group.orElseThrow(() -> new NotFound("org " + orgId + " has no group " + idOrName));
    }

    @GET
    @Path("/applications")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Find applications", description = "By id, or name or label prefix (q).")
    public RestResponse<List<ApplicationView>> applications(@PathParam("orgId") String orgId,
                                                            @QueryParam("caseNumber") String caseNumber,
                                                            @QueryParam("q") String q,
                                                            @QueryParam("after") String after,
                                                            @QueryParam("limit") Integer limit) {
        Page<ApplicationView> page = lookUp(orgId, caseNumber, "applications", q,
                () -> directory.applications(orgId, q, after, Page.limit(limit)), found -> found.items().size());
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/applications/{idOrName}")
    @RolesAllowed({Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "An application, by id, name or label")
    public ApplicationView application(@PathParam("orgId") String orgId, @PathParam("idOrName") String idOrName,
                              @QueryParam("caseNumber") String caseNumber) {
        var app = lookUp(orgId, caseNumber, "applications", idOrName, () -> directory.application(orgId, idOrName),
                ResearchResource::count);
        return app.orElseThrow(() -> new NotFound("org " + orgId + " has no application " + idOrName));
    }

    /**
     * A lookup for a case: refused (and nothing read) unless the caller holds that open case of the org, then read,
     * then recorded as an event of the case before its answer goes out.
     */
    private <T> T lookUp(String orgId, String caseNumber, String resource, String query, Supplier<T> lookup,
                         ToIntFunction<T> results) {
        if (caseNumber == null || caseNumber.isBlank()) {
            // no case named, none held: refused as anyone else is, before any parameter is looked at (api.md)
            throw new AccessDenied("research in org " + orgId + " is done for an open case of it that you hold;"
                    + " name it (caseNumber)");
        }
        CaseAdministration.heldCase(knownCases, caseNumber, orgId, caller, "research org " + orgId);
        RequestId.aboutCase(caseNumber); // held: the request log is filed under the case
        T found;
        try {
            found = lookup.get();
        } catch (AmbiguousName ambiguous) {
            // more than one row answers the name: the org was read all the same, and the answer tells that much
            commands.sendAndWait(new RecordResearch(caseNumber, orgId, resource, query == null ? "" : query,
                    AMBIGUOUS, caller));
            throw ambiguous;
        }
        commands.sendAndWait(new RecordResearch(caseNumber, orgId, resource, query == null ? "" : query,
                results.applyAsInt(found), caller));
        return found;
    }

    /** The results recorded of a lookup whose name several rows have ({@code 409 ambiguous-name}): two or more. */
    static final int AMBIGUOUS = 2;

    private static int count(Optional<?> found) {
        return found.isPresent() ? 1 : 0;
    }
}
