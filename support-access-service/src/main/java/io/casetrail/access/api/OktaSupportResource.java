package io.casetrail.access.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.casetrail.access.command.AccessCommands.ExtendCaseSupport;
import io.casetrail.access.command.AccessCommands.ExtendOrgSupport;
import io.casetrail.access.command.AccessCommands.GrantCaseSupport;
import io.casetrail.access.command.AccessCommands.GrantOrgSupport;
import io.casetrail.access.command.AccessCommands.RevokeCaseSupport;
import io.casetrail.access.command.AccessCommands.RevokeOrgSupport;
import io.casetrail.access.command.AccessState;
import io.casetrail.access.query.AccessQueries;
import io.casetrail.access.query.AccessQueries.GrantView;
import io.casetrail.events.RequestOrigin;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.cases.KnownCases.KnownCase;
import io.casetrail.platform.errors.OktaApiException;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * The identity platform's "Give access to Okta Support" endpoints, wire-compatible so that its SDKs
 * ({@code OrgSettingSupportApi}) drive them: the org-wide grant ({@code grant}, {@code extend}, {@code revoke}) and
 * the per-case grants ({@code cases}). Only the org's Super Administrator, with a JWT or an {@code SSWS} org API
 * token; errors use the identity platform's error body.
 */
@RequestScoped
@Path("/api/v1/org/privacy/oktaSupport")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Support access (identity-platform compatible)")
@SecurityScheme(securitySchemeName = "ssws", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "Authorization", description = "Authorization: SSWS <an API token of the org>")
@SecurityRequirement(name = "ssws")
@SecurityRequirement(name = "jwt")
public class OktaSupportResource {

    @Inject
    CommandGateway commands;

    @Inject
    AccessQueries queries;

    @Inject
    KnownCases knownCases;

    @Inject
    Caller caller;

    @Inject
    RequestOrigin origin;

    @Context
    UriInfo uri;

    @GET
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @Operation(summary = "Org-wide support access settings", operationId = "getOrgOktaSupportSettings")
    public OktaSupportSettings settings() {
        return settings(queries.activeOrgGrant(caller.orgId()).map(GrantView::expiresAt).orElse(null));
    }

    @POST
    @Path("/grant")
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @Operation(summary = "Grant support access org-wide for 8 hours", description = "Covers the org's open cases."
            + " Granting while a grant is active answers the active grant.", operationId = "grantOktaSupport")
    public OktaSupportSettings grant() {
        List<String> open = knownCases.openCases(caller.orgId()).stream().map(KnownCase::caseNumber).toList();
        try {
            AccessState state = commands.sendAndWait(new GrantOrgSupport(caller.orgId(), UUID.randomUUID().toString(),
                    open, origin, caller));
            return settings(state.orgExpiresAt());
        } catch (RuleViolation e) {
            throw refused("support", e);
        }
    }

    @POST
    @Path("/extend")
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @Operation(summary = "Add 24 hours to the org-wide grant", operationId = "extendOktaSupport")
    public OktaSupportSettings extend() {
        try {
            AccessState state = commands.sendAndWait(new ExtendOrgSupport(caller.orgId(), origin, caller));
            return settings(state.orgExpiresAt());
        } catch (AggregateNotFoundException e) {
            throw notGranted();
        } catch (RuleViolation e) {
            throw "not-granted".equals(e.slug()) ? notGranted() : refused("support", e);
        }
    }

    @POST
    @Path("/revoke")
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @Operation(summary = "Revoke the org-wide grant", description = "Its impersonation sessions end with it.",
               operationId = "revokeOktaSupport")
    public OktaSupportSettings revoke() {
        try {
            AccessState state = commands.sendAndWait(new RevokeOrgSupport(caller.orgId(), origin, caller));
            return settings(state.orgExpiresAt());
        } catch (AggregateNotFoundException e) {
            return settings(null); // the org never granted access
        }
    }

    @GET
    @Path("/cases")
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @Operation(summary = "The org's open cases and their support access", operationId = "listOktaSupportCases")
    public OktaSupportCase.Cases cases() {
        return new OktaSupportCase.Cases(knownCases.openCases(caller.orgId()).stream().map(this::supportCase)
                .toList());
    }

    @PATCH
    @Path("/cases/{caseNumber}")
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Grant, extend or revoke support access for one case", description =
            "{\"impersonation\":{\"status\":\"ENABLED\"}} grants for 8 hours; {\"impersonation\":{\"expiration\":"
            + "\"...\"}} extends by 24 hours; {\"impersonation\":{\"status\":\"DISABLED\"}} revokes.",
               operationId = "updateOktaSupportCase")
    public OktaSupportCase updateCase(@PathParam("caseNumber") String caseNumber, OktaSupportCase.Update update) {
        if (update == null || update.impersonation() == null) {
            throw new OktaApiException(400, "E0000001", "Api validation failed: impersonation",
                    List.of("impersonation: give {\"status\":\"ENABLED\"|\"DISABLED\"} or {\"expiration\":...}"));
        }
        String status = update.impersonation().status();
        Instant sentExpiration = update.impersonation().expiration();
        KnownCase known = knownCases.find(caseNumber).filter(c -> c.orgId().equals(caller.orgId()))
                .orElseThrow(() -> new OktaApiException(404, "E0000007", "Not found: Resource not found: "
                        + caseNumber));
        Instant expiration;
        try {
            if (sentExpiration != null && (status == null || "ENABLED".equals(status))) {
                // an expiration, alone or in the case as listed: of a grant in force, its own changes nothing and a
                // later one extends it; with none in force it grants nothing (a client that saw a grant since
                // revoked would otherwise undo the revocation)
                expiration = commands.<AccessState>sendAndWait(new ExtendCaseSupport(caller.orgId(), caseNumber,
                        sentExpiration, origin, caller)).caseExpiresAt();
            } else if ("ENABLED".equals(status)) {
                expiration = grant(caseNumber);
            } else if ("DISABLED".equals(status)) {
                expiration = commands.<AccessState>sendAndWait(new RevokeCaseSupport(caller.orgId(), caseNumber,
                        origin, caller)).caseExpiresAt();
            } else {
                throw new OktaApiException(400, "E0000001", "Api validation failed: impersonation.status",
                        List.of("impersonation.status: must be ENABLED or DISABLED"));
            }
        } catch (AggregateNotFoundException e) {
            if (!"DISABLED".equals(status)) {
                throw notGranted();
            }
            expiration = null; // the org never granted access: nothing to revoke
        } catch (RuleViolation e) {
            if ("not-granted".equals(e.slug())) {
                throw notGranted();
            }
            // covered by the org-wide grant, or the case closed: the platform answers a refused change as invalid
            throw refused(sentExpiration != null ? "impersonation.expiration" : "impersonation.status", e);
        }
        return supportCase(known, expiration);
    }

    private Instant grant(String caseNumber) {
        return commands.<AccessState>sendAndWait(new GrantCaseSupport(caller.orgId(), UUID.randomUUID().toString(),
                caseNumber, origin, caller)).caseExpiresAt();
    }

    private OktaSupportCase supportCase(KnownCase known) {
        return supportCase(known, queries.activeCaseGrant(known.orgId(), known.caseNumber())
                .map(GrantView::expiresAt).orElse(null));
    }

    private static OktaSupportCase supportCase(KnownCase known, Instant expiration) {
        return new OktaSupportCase(known.caseNumber(), known.subject(),
                new OktaSupportCase.Impersonation(expiration == null ? "DISABLED" : "ENABLED", expiration),
                new OktaSupportCase.SelfAssigned("NOT_REQUIRED"));
    }

    private OktaSupportSettings settings(Instant expiration) {
        String base = uri.getBaseUriBuilder().path("api/v1/org/privacy/oktaSupport").build().toString();
        return OktaSupportSettings.of(expiration, base);
    }

    /** A rule's refusal as the identity platform's validation error, naming the field it concerns. */
    private static OktaApiException refused(String field, RuleViolation e) {
        return new OktaApiException(400, "E0000001", "Api validation failed: " + e.getMessage(),
                List.of(field + ": " + e.getMessage()));
    }

    private static OktaApiException notGranted() {
        return new OktaApiException(400, "E0000001", "Api validation failed: Okta Support access is not granted",
                List.of("support: access is DISABLED; grant it first"));
    }
}
