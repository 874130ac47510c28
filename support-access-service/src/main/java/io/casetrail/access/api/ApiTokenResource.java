package io.casetrail.access.api;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.casetrail.access.command.AccessCommands.CreateApiToken;
import io.casetrail.access.command.AccessCommands.RevokeApiToken;
import io.casetrail.access.query.AccessQueries;
import io.casetrail.access.query.AccessQueries.TokenView;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.NoBody;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.idempotency.Idempotent;
import io.casetrail.platform.idempotency.Unrepeatable;
import io.casetrail.platform.security.ApiTokenRegistry;
import io.casetrail.platform.security.ApiTokens;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * Org API tokens for the identity-platform endpoints ({@code Authorization: SSWS <token>}). The org's Super
 * Administrator creates one (its secret is in the answer, once, and stored nowhere: only its SHA-256), lists them
 * and revokes them. Here a new token works once its creation is answered and a revoked one is refused once its
 * revocation is ({@link io.casetrail.access.command.ApiTokenRegistration}); log-service follows moments later.
 */
@RequestScoped
@Path("/org-api-tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Org API tokens")
@SecurityRequirement(name = "jwt")
public class ApiTokenResource {

    public record CreateRequest(@NotBlank @Size(max = 255) String name) {
    }

    /**
     * A new token: {@code token} is the secret, shown this once (a retry with the same Idempotency-Key gets the
     * answer without it).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreatedToken(String id, String name, String token, Instant createdAt) implements Unrepeatable {

        @Override
        public CreatedToken repeated() {
            return new CreatedToken(id, name, null, createdAt);
        }
    }

    @Inject
    CommandGateway commands;

    @Inject
    AccessQueries queries;

    @Inject
    java.time.Clock clock;

    @Inject
    ApiTokenRegistry registry;

    @Inject
    Caller caller;

    @Context
    UriInfo uri;

    @POST
    @Idempotent
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @Operation(summary = "Create an org API token", description = "The answer holds the secret; it is not shown"
            + " again, not even to a retry with the same Idempotency-Key, which gets the token without it.")
    @APIResponse(responseCode = "201", description = "Created; the secret is in this answer only",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CreatedToken.class)))
    public Response create(@Valid @NotNull CreateRequest request) {
        String tokenId = "00T" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
        String secret = ApiTokens.newSecret();
        commands.sendAndWait(new CreateApiToken(tokenId, caller.orgId(), request.name(), ApiTokens.hash(secret),
                caller));
        // as kept: the name trimmed, the time of the creation's event (registered in the command's transaction) in
        // the milliseconds the event store keeps it with, as the token's reads show it
        Instant createdAt = registry.createdAt(tokenId).orElseGet(clock::instant).truncatedTo(ChronoUnit.MILLIS);
        return Response.created(URI.create("/org-api-tokens/" + tokenId))
                .entity(new CreatedToken(tokenId, request.name().trim(), secret, createdAt)).build();
    }

    @GET
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @Operation(summary = "List the org's API tokens", description = "Never their secrets; oldest first, paged by"
            + " after/limit with Link headers.")
    public RestResponse<List<TokenView>> list(@QueryParam("after") String after, @QueryParam("limit") Integer limit) {
        Page<TokenView> page = queries.tokens(caller.orgId(), Page.At.of(after), Page.limit(limit));
        return LinkHeaders.page(uri, page);
    }

    @GET
    @Path("/{tokenId}")
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @Operation(summary = "One org API token", description = "Never its secret; where a creation's 201 points. It"
            + " follows the command within moments.")
    public TokenView token(@PathParam("tokenId") String tokenId) {
        var token = queries.token(tokenId).orElseThrow(() -> new NotFound("there is no API token " + tokenId));
        if (!token.orgId().equals(caller.orgId())) {
            throw new AccessDenied("API token " + tokenId + " belongs to another org");
        }
        return token.token();
    }

    @DELETE
    @Path("/{tokenId}")
    @Consumes(MediaType.WILDCARD) // no body, or {}: NoBody
    @Idempotent
    @RolesAllowed(Roles.ORG_SUPER_ADMIN)
    @Operation(summary = "Revoke an org API token")
    @APIResponse(responseCode = "204", description = "Revoked")
    public Response revoke(@PathParam("tokenId") String tokenId, NoBody none) {
        // the token's own aggregate decides (unknown: 404; another org's: 403), not the token list, which follows
        // moments later: a token can be revoked the moment it was created
        commands.sendAndWait(new RevokeApiToken(tokenId, caller));
        return Response.noContent().build();
    }
}
