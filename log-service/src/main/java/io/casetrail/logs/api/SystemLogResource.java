package io.casetrail.logs.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.casetrail.logs.systemlog.SystemLogQueries;
import io.casetrail.logs.systemlog.SystemLogQueries.Cursor;
import io.casetrail.logs.systemlog.SystemLogQueries.LogQuery;
import io.casetrail.logs.systemlog.filter.LogFilter;
import io.casetrail.logs.systemlog.filter.LogFilterParser;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.errors.OktaApiException;
import io.casetrail.platform.errors.OktaError;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * The org's System Log, wire-compatible with the identity platform's {@code GET /api/v1/logs}: its parameters,
 * polling and bounded semantics, {@code Link} headers (one per header, absolute URLs), rate-limit headers and error
 * bodies, so that its SDKs and SIEM tools read it unchanged.
 *
 * <p>Who reads which org: its admins (JWT) and its {@code SSWS} org API tokens read that org only (on
 * {@code /api/v1/logs}); an {@code auditor} reads any org; support reads an org only while it holds an open case
 * there (engineers: assigned to them; leads and managers: of their teams). Vendor principals name the org in the
 * path: {@code /orgs/{orgId}/api/v1/logs} (give an SDK {@code http://host:8084/orgs/<orgId>} as its org URL).
 */
@RequestScoped
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "System Log (identity-platform compatible)")
@APIResponse(responseCode = "200", description = "A page of LogEvent objects, as the identity platform's System Log"
        + " API answers them (its LogEvent schema); Link rel=next names the next page",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY,
                implementation = Object.class)))
@SecurityScheme(securitySchemeName = "ssws", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "Authorization", description = "Authorization: SSWS <an API token of the org>")
public class SystemLogResource {

    private static final Duration DEFAULT_RANGE = Duration.ofDays(7);
    private static final Duration MAX_AGE = Duration.ofDays(180);
    /** How far back the API shows entries, as the identity platform does; older queries succeed with what is left. */
    private static final Duration RETENTION = Duration.ofDays(90);
    private static final int MAX_KEYWORDS = 10;
    private static final int MAX_KEYWORD_LENGTH = 40;
    /** HTTP's date form (RFC 9110 IMF-fixdate): a two-digit day, where RFC_1123_DATE_TIME gives "3 Jun". */
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    @Inject
    SystemLogQueries queries;

    @Inject
    KnownCases knownCases;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    Clock clock;

    @Inject
    Caller caller;

    @Context
    UriInfo uri;

    @GET
    @SecurityRequirement(name = "ssws")
    @SecurityRequirement(name = "jwt")
    @Path("api/v1/logs")
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN})
    @Operation(summary = "List the org's System Log events", operationId = "listLogEvents")
    public Response ownOrg(@QueryParam("since") String since, @QueryParam("until") String until,
                           @QueryParam("after") String after, @QueryParam("filter") String filter,
                           @QueryParam("q") String q, @QueryParam("limit") String limit,
                           @QueryParam("sortOrder") String sortOrder) {
        return list(caller.orgId(), since, until, after, filter, q, limit, sortOrder);
    }

    @GET
    @SecurityRequirement(name = "jwt")
    @Path("orgs/{orgId}/api/v1/logs")
    @RolesAllowed({Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN, Roles.AUDITOR, Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD,
            Roles.SUPPORT_MANAGER})
    @Operation(summary = "List an org's System Log events", description = "Auditors: any org. Support: an org where"
            + " it holds an open case. Customer principals: their own org only.")
    public Response namedOrg(@PathParam("orgId") String orgId, @QueryParam("since") String since,
                             @QueryParam("until") String until, @QueryParam("after") String after,
                             @QueryParam("filter") String filter, @QueryParam("q") String q,
                             @QueryParam("limit") String limit, @QueryParam("sortOrder") String sortOrder) {
        if (!mayRead(orgId)) {
            throw new OktaApiException(403, "E0000006", "You do not have permission to perform the requested action");
        }
        return list(orgId, since, until, after, filter, q, limit, sortOrder);
    }

    private boolean mayRead(String orgId) {
        if (caller.isCustomer()) {
            return caller.isCustomerOf(orgId);
        }
        if (caller.has(Roles.AUDITOR)) {
            return true;
        }
        return knownCases.holdsOpenCase(caller, orgId);
    }

    private Response list(String orgId, String since, String until, String after, String filter, String q,
                          String limit, String sortOrder) {
        // the org's budget is the org's callers': the vendor's readers (support, auditors, an audit replay paging a
        // whole log) each have a budget of their own for the org, so that none of them starves the org's clients
        RateLimiter.Window window = rateLimiter.take(caller.isCustomer() ? orgId : orgId + "|" + caller.id());
        if (!window.allowed()) {
            return rateLimited(Response.status(429).entity(OktaError.of("E0000047",
                    "API call exceeded rate limit due to too many requests.", List.of())), window);
        }
        try {
            return rateLimited(page(orgId, since, until, after, filter, q, limit, sortOrder), window);
        } catch (OktaApiException refused) {
            // a refused query counts against the budget, and says so like any other answer
            return rateLimited(Response.status(refused.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(refused.body()), window);
        }
    }

    private Response.ResponseBuilder page(String orgId, String since, String until, String after, String filter,
                                          String q, String limit, String sortOrder) {
        Instant now = clock.instant();
        boolean continued = after != null && !after.isEmpty();
        Cursor position = continued ? Cursor.decode(after) : null;
        boolean sinceGiven = since != null && !since.isEmpty();
        Instant untilTime = until == null || until.isEmpty() ? now : time("until", until);
        Instant sinceTime = sinceGiven ? time("since", since)
                : position != null && position.windowStart() != null ? Instant.ofEpochMilli(position.windowStart())
                : untilTime.minus(DEFAULT_RANGE);
        // a page that continues (after wins over since) is not refused when its since has grown old: a poller
        // follows its next links for as long as it runs
        if (!continued && sinceTime.isBefore(now.minus(MAX_AGE))) {
            throw new OktaApiException(400, "E0000053",
                    "Invalid parameter: The since parameter is over 180 days prior to the current day.",
                    List.of("since: over 180 days prior to the current day"));
        }
        if (!sinceTime.isBefore(untilTime) && until != null && !until.isEmpty()) {
            throw validation("since", "since must be before until");
        }
        boolean descending = order(sortOrder);
        boolean polling = (until == null || until.isEmpty()) && !descending;
        LogFilter parsed = filter == null || filter.isBlank() ? null : LogFilterParser.parse(filter);
        SystemLogQueries.Page page = queries.read(new LogQuery(orgId, sinceTime, untilTime, now.minus(RETENTION),
                polling, descending, position, parsed, keywords(q), limit(limit)));

        Response.ResponseBuilder response = Response.ok("[" + String.join(",", page.events()) + "]",
                MediaType.APPLICATION_JSON_TYPE).header("link", "<" + uri.getRequestUri() + ">; rel=\"self\"");
        if (page.next() != null) {
            String nextPosition = page.next();
            if (descending && !sinceGiven) {
                // the window's start rides in the cursor too: the SDK re-sends its parameters with after, not the
                // link, and a since derived again from the clock would pass over the window's oldest entries
                nextPosition = Cursor.decode(nextPosition).withWindowStart(sinceTime).encode();
            }
            UriBuilder next = uri.getRequestUriBuilder().replaceQueryParam("after", nextPosition);
            if (!polling) {
                // a bounded read keeps the window of its first page: since and until, when derived from the time
                // of that page, are written into the link, or the window would slide while the client pages
                if (until == null || until.isEmpty()) {
                    next.replaceQueryParam("until", untilTime.toString());
                }
                if (!sinceGiven) {
                    next.replaceQueryParam("since", sinceTime.toString());
                }
            }
            response.header("link", "<" + next.build() + ">; rel=\"next\"");
        }
        return response;
    }

    private Response rateLimited(Response.ResponseBuilder response, RateLimiter.Window window) {
        return window.headers(response).header("Date", HTTP_DATE.format(clock.instant())).build();
    }

    private static Instant time(String parameter, String value) {
        try {
            OffsetDateTime time = OffsetDateTime.parse(value);
            if (time.getYear() < 1 || time.getYear() > 9999) {
                // a date past what the store's millisecond timestamps hold is not a date anyone logs at
                throw new DateTimeParseException("year out of range", value, 0);
            }
            return time.toInstant();
        } catch (DateTimeParseException e) {
            throw new OktaApiException(400, "E0000001", "Api validation failed: " + parameter,
                    List.of(parameter + ": The date format in your query is not recognized. Please enter dates"
                            + " using ISO8601 string format."));
        }
    }

    private static boolean order(String sortOrder) {
        if (sortOrder == null || sortOrder.isEmpty() || "ASCENDING".equalsIgnoreCase(sortOrder)) {
            return false;
        }
        if ("DESCENDING".equalsIgnoreCase(sortOrder)) {
            return true;
        }
        throw validation("sortOrder", "sortOrder: must be ASCENDING or DESCENDING");
    }

    private static int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return 100;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 0 && value <= 1000) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw validation("limit", "limit: must be an integer between 0 and 1000");
    }

    private static List<String> keywords(String q) {
        List<String> keywords = new ArrayList<>();
        if (q == null || q.isBlank()) {
            return keywords;
        }
        for (String keyword : q.trim().split("\\s+")) {
            if (keyword.length() > MAX_KEYWORD_LENGTH) {
                throw new OktaApiException(400, "E0000001", "Api validation failed: 'q': Freeform search cannot"
                        + " contain items longer than 40 characters. Please shorten the following item: " + keyword,
                        List.of("q: items may be at most 40 characters"));
            }
            keywords.add(keyword.toLowerCase(Locale.ROOT));
        }
        if (keywords.size() > MAX_KEYWORDS) {
            throw validation("q", "q: at most 10 keywords");
        }
        return keywords;
    }

    private static OktaApiException validation(String parameter, String cause) {
        return new OktaApiException(400, "E0000001", "Api validation failed: " + parameter, List.of(cause));
    }
}
