package io.casetrail.logs.api;

import java.io.IOException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.casetrail.logs.internal.SupportActivity;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.Problem;
import io.casetrail.platform.errors.ProblemMappers;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/** An org's admins see what support did in their org, from the internal logs, redacted. */
@RequestScoped
@Path("/orgs/{orgId}/support-activity")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal logs")
@SecurityRequirement(name = "jwt")
public class SupportActivityResource {

    @Inject
    SupportActivity activity;

    @Inject
    Caller caller;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    java.time.Clock clock;

    @Inject
    JsonWebToken jwt;

    @Context
    UriInfo uri;

    @GET
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN})
    @Operation(summary = "Support activity on my org", description = "Support access, consents and admin actions,"
            + " and the requests support made about the org, from the internal logs, with secrets, tokens, other"
            + " people's e-mail addresses, internal hosts and addresses and other orgs' identifiers removed.")
    @APIResponse(responseCode = "200", description = "A page of the org's support activity, oldest first; Link"
            + " rel=next names the next page", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = SupportActivity.Item.class)))
    public Response supportActivity(@PathParam("orgId") String orgId, @QueryParam("after") String after,
                                    @QueryParam("limit") String limit) throws IOException {
        if (!caller.isCustomerOf(orgId)) {
            throw new AccessDenied("an org's admins see the support activity of their own org only");
        }
        // every page is redacted entry by entry: a budget of its own per org, as the System Log's, so that one org
        // polling it cannot take the service's cores from the others
        RateLimiter.Window window = rateLimiter.take("support-activity|" + orgId);
        if (!window.allowed()) {
            return window.headers(Response.status(429).type(Problem.MEDIA_TYPE).entity(Problem.of("rate-limited",
                    "Too Many Requests", 429, "more than " + window.limit() + " requests for org " + orgId
                            + "'s support activity this minute; retry after the window resets",
                    uri.getPath()))).header(HttpHeaders.RETRY_AFTER,
                    Math.max(1, window.resetEpochSecond() - clock.instant().getEpochSecond())).build();
        }
        int size;
        long from;
        try {
            size = InternalLogResource.size(number(limit));
            from = InternalLogResource.cursor(after);
        } catch (InvalidInput refused) {
            // a refused page counts against the budget, and says so like any other answer
            return window.headers(Response.fromResponse(ProblemMappers.answer(uri, refused))).build();
        }
        Object email = jwt.getClaim("email");
        SupportActivity.Page page = activity.of(orgId, email instanceof JsonString s ? s.getString()
                : email == null ? null : email.toString(), from, size);
        return window.headers(Response.fromResponse(LinkHeaders.page(uri, page.items(), page.next() == null ? null
                : InternalLogResource.encode(page.next())).toResponse())).build();
    }

    /**
     * The page size asked for, read here rather than by JAX-RS, so that one refused is answered with the budget's
     * headers as any other answer.
     */
    private static Integer number(String limit) {
        if (limit == null) {
            return null;
        }
        try {
            return Integer.valueOf(limit);
        } catch (NumberFormatException e) {
            throw new InvalidInput("limit must be a whole number between 1 and " + InternalLogResource.MAX_LIMIT);
        }
    }
}
