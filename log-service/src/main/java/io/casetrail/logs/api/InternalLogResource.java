package io.casetrail.logs.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.function.ToLongFunction;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
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

import io.casetrail.events.UtcInstants;
import io.casetrail.logs.internal.ChainVerifier;
import io.casetrail.logs.internal.Checkpoints;
import io.casetrail.logs.internal.InternalLog;
import io.casetrail.logs.internal.InternalLogEntry;
import io.casetrail.platform.api.LinkHeaders;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * The internal logs: every domain event and request log, read by Engineering and auditors, and by support for an
 * org where it holds an open case (the org's entries of no case, and those of the cases it works); and the
 * verification of their hash chain. Nothing here changes an entry.
 */
@RequestScoped
@Path("/internal-logs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal logs")
@SecurityRequirement(name = "jwt")
public class InternalLogResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** The checkpoint key, for verifying checkpoints elsewhere. */
    public record CheckpointKey(String keyId, String algorithm, String publicKey) {
    }

    /** The types of escalation-service's events. */
    static final String ESCALATION_TYPES = "io.casetrail.escalation.";
    static final String CASE_TYPES = "io.casetrail.case.";
    static final String ESCALATION_SOURCE = "/casetrail/escalation-service";

    @Inject
    InternalLog log;

    @Inject
    ChainVerifier verifier;

    @Inject
    Checkpoints checkpoints;

    @Inject
    KnownCases knownCases;

    @Inject
    Caller caller;

    @Context
    UriInfo uri;

    @GET
    @RolesAllowed({Roles.ENGINEER, Roles.AUDITOR, Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER})
    @Operation(summary = "Internal log entries", description = "By org, time range (occurred), request id and type,"
            + " in chain order; paged by after/limit with Link headers. Support reads an org only while it holds an"
            + " open case there, and must name it; of the org's cases, it reads the entries of those it works.")
    public RestResponse<List<InternalLogEntry>> entries(@QueryParam("orgId") String orgId,
                                                        @QueryParam("since") String since,
                                                        @QueryParam("until") String until,
                                                        @QueryParam("requestId") String requestId,
                                                        @QueryParam("type") String type,
                                                        @QueryParam("after") String after,
                                                        @QueryParam("limit") Integer limit) {
        List<String> cases = null;
        if (!caller.hasAny(Roles.ENGINEER, Roles.AUDITOR)) {
            if (orgId == null || orgId.isBlank()) {
                throw new InvalidInput("orgId: support reads the internal log of one org at a time");
            }
            if (!knownCases.holdsOpenCase(caller, orgId)) {
                throw new AccessDenied("only support holding an open case of org " + orgId + " reads its internal"
                        + " log");
            }
            // of the org's cases, those it works: another case's internal notes are its workers' (as in case-service)
            cases = knownCases.casesWorkedBy(caller, orgId);
        }
        int size = size(limit);
        Instant from = instant("since", since);
        Instant to = instant("until", until);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidInput("since, until: since must be before until");
        }
        // Engineering sees an escalation once it reached Engineering, in escalation-service, which decides it, and
        // a case only through its escalations (case-service refuses it cases): neither the escalations' events
        // (summary, impact, excerpts), nor escalation-service's request logs (who raised, approved or rejected which
        // escalation of which case), nor the cases' events (correspondence, internal notes, descriptions) are read
        // here around those rules. Request logs, support's actions in orgs and the platform's entries are read
        boolean engineering = !caller.has(Roles.AUDITOR) && caller.has(Roles.ENGINEER);
        List<InternalLogEntry> found = log.find(new InternalLog.Query(blank(orgId), from, to, blank(requestId),
                blank(type), cases, engineering ? List.of(ESCALATION_TYPES, CASE_TYPES) : List.of(),
                engineering ? ESCALATION_SOURCE : null), cursor(after), size);
        return page(found, size, InternalLogEntry::seq);
    }

    /** A page of at most {@code size} of what was found (one more when there is a next page), by entry number. */
    private <T> RestResponse<List<T>> page(List<T> found, int size, ToLongFunction<T> seq) {
        Page<T> page = Page.of(found, size, item -> encode(seq.applyAsLong(item)));
        return LinkHeaders.page(uri, page);
    }

    /** A page size of the internal logs: {@value #DEFAULT_LIMIT} unless asked, at most {@value #MAX_LIMIT}. */
    static int size(Integer limit) {
        return Page.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
    }

    @GET
    @Path("/verify")
    @RolesAllowed({Roles.AUDITOR, Roles.ENGINEER})
    @Operation(summary = "Verify the hash chain", description = "Re-computes the chain over entries from..to (default:"
            + " all) and checks the signed checkpoints in the range; reports the first entry that does not hold.")
    public ChainVerifier.Report verify(@QueryParam("from") Long from, @QueryParam("to") Long to,
                                       @QueryParam("every") Long every) {
        entryRange(from, to);
        if (every != null && every < 1) {
            throw new InvalidInput("every: the checkpoint cadence, from 1");
        }
        return verifier.verify(from == null ? 1 : from, to, every);
    }

    @GET
    @Path("/checkpoints")
    @RolesAllowed({Roles.AUDITOR, Roles.ENGINEER})
    @Operation(summary = "Signed checkpoints", description = "The chain heads log-service signed, entries from..to,"
            + " in chain order; paged by after/limit with Link headers.")
    public RestResponse<List<Checkpoints.Checkpoint>> checkpoints(@QueryParam("from") Long from,
                                                                  @QueryParam("to") Long to,
                                                                  @QueryParam("after") String after,
                                                                  @QueryParam("limit") Integer limit) {
        entryRange(from, to);
        int size = size(limit);
        long start = Math.max(from == null ? 1 : from, cursor(after) + 1);
        return page(checkpoints.between(start, to == null ? Long.MAX_VALUE : to, size + 1), size,
                Checkpoints.Checkpoint::seq);
    }

    @GET
    @Path("/checkpoint-key")
    @RolesAllowed({Roles.AUDITOR, Roles.ENGINEER})
    @Operation(summary = "The checkpoint verification key", description = "RSA public key (X.509, base64) and its id.")
    public CheckpointKey checkpointKey() {
        return new CheckpointKey(checkpoints.keyId(), "SHA256withRSA",
                Base64.getEncoder().encodeToString(checkpoints.publicKey().getEncoded()));
    }

    /** Checks a range of entry numbers: from 1, {@code from <= to}. */
    private static void entryRange(Long from, Long to) {
        if (from != null && from < 1 || to != null && to < 1 || from != null && to != null && to < from) {
            throw new InvalidInput("from, to: entry numbers from 1, with from <= to");
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidInput(name + ": an ISO-8601 instant, e.g. 2026-11-28T10:00:00Z");
        }
        // within the years 1 to 9999, as every stored time is: the database cannot compare one outside
        if (!UtcInstants.storable(instant)) {
            throw new InvalidInput(name + ": an instant within the years 1 to 9999");
        }
        return instant;
    }

    /** The cursor after an entry (or checkpoint) number. */
    static String encode(long seq) {
        return Page.cursor(Long.toString(seq));
    }

    /** The entry number a cursor points after; 0 for none. */
    static long cursor(String after) {
        if (after == null || after.isBlank()) {
            return 0;
        }
        long seq;
        try {
            seq = Long.parseLong(Page.parts(after, 1)[0]);
        } catch (NumberFormatException e) {
            throw Page.badCursor();
        }
        if (seq < 0 || seq == Long.MAX_VALUE) {
            throw Page.badCursor(); // never one this service wrote (the next number would overflow)
        }
        return seq;
    }
}
