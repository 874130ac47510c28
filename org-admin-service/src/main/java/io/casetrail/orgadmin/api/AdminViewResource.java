package io.casetrail.orgadmin.api;

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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.casetrail.orgadmin.directory.DirectoryStore;
import io.casetrail.orgadmin.directory.DirectoryViews.ApplicationView;
import io.casetrail.orgadmin.directory.DirectoryViews.FeatureView;
import io.casetrail.orgadmin.directory.DirectoryViews.GroupView;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.security.SessionTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The org as its admin sees it, for an impersonation session: policies and their rules, profile mappings, groups,
 * profile sources, applications, feature flags. Read-only: authenticated by the session's token
 * ({@code Authorization: Session <token>}, refused once the session ended); any write is refused (403) and the
 * attempt is recorded on the case, the org's System Log and the case timeline.
 */
@RequestScoped
@Path("/admin-view")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin view (impersonation, read-only)")
@SecurityScheme(securitySchemeName = "session", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "Authorization", description = "Authorization: Session <the token of an impersonation session>")
@SecurityRequirement(name = "session")
public class AdminViewResource {

    @Inject
    DirectoryStore directory;

    @Inject
    SecurityIdentity session;

    @Context
    UriInfo uri;

    @GET
    @Path("/policies")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "Sign-on and password policies with their rules",
            description = "Paged by after/limit with Link headers.")
    public RestResponse<List<JsonNode>> policies(@QueryParam("after") String after,
                                                 @QueryParam("limit") Integer limit) {
        Page<JsonNode> page = directory.documents(org(), DirectoryStore.POLICY, after, Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/policies/{policyId}")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "A policy with its rules")
    public JsonNode policy(@PathParam("policyId") String policyId) {
        return directory.document(org(), DirectoryStore.POLICY, policyId)
                .orElseThrow(() -> new NotFound("there is no policy " + policyId));
    }

    @GET
    @Path("/profile-mappings")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "Profile mappings", description = "Paged by after/limit with Link headers.")
    public RestResponse<List<JsonNode>> profileMappings(@QueryParam("after") String after,
                                                        @QueryParam("limit") Integer limit) {
        Page<JsonNode> page = directory.documents(org(), DirectoryStore.PROFILE_MAPPING, after, Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/profile-sources")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "Profile sources", description = "Paged by after/limit with Link headers.")
    public RestResponse<List<JsonNode>> profileSources(@QueryParam("after") String after,
                                                       @QueryParam("limit") Integer limit) {
        Page<JsonNode> page = directory.documents(org(), DirectoryStore.PROFILE_SOURCE, after, Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/groups")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "Groups with their members", description = "Paged by after/limit with Link headers.")
    public RestResponse<List<GroupView>> adminViewGroups(@QueryParam("after") String after,
                                                         @QueryParam("limit") Integer limit) {
        Page<GroupView> page = directory.groups(org(), null, after, Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/applications")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "Applications", description = "Paged by after/limit with Link headers.")
    public RestResponse<List<ApplicationView>> adminViewApplications(@QueryParam("after") String after,
                                                                     @QueryParam("limit") Integer limit) {
        Page<ApplicationView> page = directory.applications(org(), null, after,
                Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/features")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "Feature flags with their dependencies and dependents",
            description = "Paged by after/limit with Link headers.")
    public RestResponse<List<FeatureView>> features(@QueryParam("after") String after,
                                                    @QueryParam("limit") Integer limit) {
        Page<FeatureView> page = directory.features(org(), featureLinks(), after, Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/features/{featureId}")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "A feature flag", description = "Where a feature's self link points.")
    public FeatureView feature(@PathParam("featureId") String featureId) {
        return directory.feature(org(), featureLinks(), featureId)
                .orElseThrow(() -> new NotFound("there is no feature " + featureId));
    }

    @GET
    @Path("/features/{featureId}/dependencies")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "The feature flags a feature depends on")
    public List<FeatureView> dependencies(@PathParam("featureId") String featureId) {
        return directory.features(org(), featureLinks(), feature(featureId).dependencies());
    }

    @GET
    @Path("/features/{featureId}/dependents")
    @RolesAllowed(Roles.IMPERSONATION)
    @Operation(summary = "The feature flags that depend on a feature")
    public List<FeatureView> dependents(@PathParam("featureId") String featureId) {
        return directory.features(org(), featureLinks(), feature(featureId).dependents());
    }

    private String featureLinks() {
        return uri.getBaseUri() + "admin-view/features";
    }

    private String org() {
        return session.getAttribute(SessionTokenAuthentication.ORG_ATTRIBUTE);
    }
}
