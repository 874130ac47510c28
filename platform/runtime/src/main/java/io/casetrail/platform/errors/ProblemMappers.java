package io.casetrail.platform.errors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Where failures become HTTP answers: every error a Casetrail API gives is an RFC 9457
 * {@code application/problem+json} body with a {@code detail} a client developer can act on. Okta-compatible
 * endpoints map their own errors to the Okta error body before they reach this class. The one refusal made before
 * the REST layer, a body declared over the server's limit, is answered alike by {@link ServerBodyLimit}.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** How the HTTP layer's request stream says a body passed {@code quarkus.http.limits.max-body-size}. */
    private static final String REQUEST_TOO_LARGE = "Request too large";

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response domain(DomainException e, UriInfo uri) {
        if (e instanceof OktaApiException okta) {
            return okta(okta.status(), okta.body());
        }
        return answer(uri, e);
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(fieldName(violation.getPropertyPath()), violation.getMessage()));
        }
        errors.sort((a, b) -> a.field().compareTo(b.field()));
        String detail = errors.stream().map(f -> f.field() + ": " + f.message())
                .reduce((a, b) -> a + "; " + b).orElse("the request is invalid");
        return answer(uri, new Problem(java.net.URI.create(Problem.TYPE_BASE + "invalid-input"), InvalidInput.TITLE,
                400, detail, path(uri), errors));
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return malformed(e, uri);
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformed(json, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            // a server failure the framework raised: its message may name classes and internals, as any other
            // failure's would; logged with an id, answered without them
            return unexpected(e, uri);
        }
        if (status == 404 && e.getCause() != null) {
            // JAX-RS answers a query or path parameter it cannot convert (limit=abc, an unknown enum value) with
            // a 404 wrapping the conversion's error; the request is what is wrong, not the resource
            return domain(new InvalidInput("a query or path parameter is not a value of its type (a number, one of"
                    + " the listed values)" + allowedValues(e.getCause())), uri);
        }
        String title = titleOf(status);
        String detail = switch (status) {
            case 404 -> "there is no resource at " + path(uri);
            case 405 -> "this resource does not accept that method";
            case 406 -> "this resource cannot produce the requested media type";
            case 415 -> "this resource does not accept that content type";
            default -> e.getMessage();
        };
        return answer(uri, Problem.of(slugOf(status), title, status, detail, path(uri)));
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response unknownAggregate(AggregateNotFoundException e, UriInfo uri) {
        return answer(uri, Problem.of("not-found", NotFound.TITLE, 404, "there is no "
                + describe(e.getAggregateIdentifier()) + " here", path(uri)));
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response staleVersion(ConflictingAggregateVersionException e, UriInfo uri) {
        // not the version it is at: read again, by one who may
        return answer(uri, Problem.of("stale-version", "Conflict", 409, "the resource changed since version "
                + e.getExpectedVersion() + "; read it again and retry", path(uri)));
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response concurrent(ConcurrencyException e, UriInfo uri) {
        return concurrentModification(uri);
    }

    /** The race was for the aggregate's first event: another request created it at the same time. */
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response concurrentCreation(AggregateStreamCreationException e, UriInfo uri) {
        return concurrentModification(uri);
    }

    /** Another transaction held the aggregate for longer than a command waits (casetrail.axon.lock-wait). */
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response busy(LockAcquisitionFailedException e, UriInfo uri) {
        return concurrentModification(uri, "the resource was held by other requests for too long; retry");
    }

    private Response concurrentModification(UriInfo uri) {
        return concurrentModification(uri, "the resource was changed by another request at the same time; retry");
    }

    private Response concurrentModification(UriInfo uri, String detail) {
        return answer(uri, Problem.of("concurrent-modification", "Conflict", 409, detail, path(uri)));
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response commandFailed(CommandExecutionException e, UriInfo uri) {
        if (e.getCause() instanceof DomainException domain) {
            return domain(domain, uri);
        }
        return unexpected(e, uri);
    }

    @ServerExceptionMapper(priority = Priorities.AUTHENTICATION)
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper(priority = Priorities.AUTHENTICATION)
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper(priority = Priorities.AUTHENTICATION)
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return answer(uri, Problem.of("forbidden", "Forbidden", 403,
                "your role does not allow this operation", path(uri)));
    }

    /**
     * A body sent in chunks (no length declared) that passed the server's limit while an endpoint read it: the HTTP
     * layer has already answered {@code 413} (with no body: it answers before this mapper runs) and closes the
     * connection. The caller's mistake, not a failure of the service: no error is logged. Any other failure to read
     * or write is unexpected.
     */
    @ServerExceptionMapper(priority = Priorities.USER + 100)
    public Response unreadable(java.io.IOException e, UriInfo uri) {
        if (!REQUEST_TOO_LARGE.equals(e.getMessage())) {
            return unexpected(e, uri);
        }
        LOG.debugf("Request body on %s passed the server's limit; refused 413", path(uri));
        return answer(uri, Problem.of("payload-too-large", PayloadTooLarge.TITLE, 413,
                "the request body passed the most this server takes", path(uri)));
    }

    @ServerExceptionMapper(priority = Priorities.USER + 100)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (databaseUnreachable(e)) {
            // not the request's fault: the same request a moment later may well succeed. Whether this one was
            // recorded is not known when the connection broke at its commit
            LOG.warnf("Database out of reach on %s: %s", path(uri), e.toString());
            // the identity platform's endpoints take no Idempotency-Key (its clients retry on their own)
            String retry = isIdentityPlatformPath(path(uri)) ? "read what it would change before sending it again"
                    : "send it again shortly with the same Idempotency-Key";
            return Response.fromResponse(answer(uri, Problem.of("unavailable", "Service Unavailable", 503,
                    "the service cannot reach its database, or has no connection to it free, right now; the request"
                            + " may not have been recorded: " + retry, path(uri))))
                    .header(HttpHeaders.RETRY_AFTER, "5").build();
        }
        if (lockTimedOut(e)) {
            // a row another transaction held past the database's lock timeout (a retry with an Idempotency-Key
            // waiting for the first request's answer, on H2): nothing was done, and the same request may be sent again
            LOG.debugf("Lock wait timed out on %s: %s", path(uri), e);
            return concurrentModification(uri, "the resource was held by other requests for too long; retry");
        }
        // one id, logged and answered (the identity platform's errorId on its endpoints): what a caller quotes is
        // what the operators find
        String errorId = OktaError.newErrorId();
        LOG.errorf(e, "Unexpected failure %s on %s", errorId, path(uri));
        if (isIdentityPlatformPath(path(uri))) {
            return okta(500, new OktaError("E0000009", "Internal Server Error", "E0000009", errorId, List.of()));
        }
        return answer(uri, Problem.of("internal-error", "Internal Server Error", 500,
                "an unexpected error occurred; quote error id " + errorId + " to the operators", path(uri)));
    }

    /**
     * Whether the failure is the database out of reach: a connection that failed or could not be made (SQLState class
     * 08, but 08P01, a protocol violation, which is a bug), the server shutting down, crashed or starting up (57P01,
     * 57P02, 57P03: a restart, a failover), or no connection to be had from the pool in time (Agroal's acquisition
     * timeout, which names no state).
     */
    static boolean databaseUnreachable(Throwable failure) {
        return anyCause(failure, t -> {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                return (state.startsWith("08") && !state.equals("08P01")) || UNAVAILABLE_STATES.contains(state)
                        || String.valueOf(sql.getMessage()).contains("acquisition timeout");
            }
            return false;
        });
    }

    /** Whether the failure or one of its causes is such. */
    private static boolean anyCause(Throwable failure, java.util.function.Predicate<Throwable> such) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (such.test(t)) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.Set<String> UNAVAILABLE_STATES = java.util.Set.of("57P01", "57P02", "57P03");

    /** Whether the failure is a lock wait the database gave up: H2's lock timeout (HYT00), PostgreSQL's (55P03). */
    static boolean lockTimedOut(Throwable failure) {
        return anyCause(failure, t -> t instanceof java.sql.SQLException sql
                && LOCK_TIMEOUT_STATES.contains(sql.getSQLState()));
    }

    private static final java.util.Set<String> LOCK_TIMEOUT_STATES = java.util.Set.of("HYT00", "55P03");

    private Response unauthenticated(UriInfo uri) {
        return Response.fromResponse(answer(uri, Problem.of("unauthenticated", "Unauthorized", 401,
                        "a valid bearer token is required", path(uri))))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private Response malformed(JsonProcessingException e, UriInfo uri) {
        String where = e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? " at '" + fieldPath(mapping.getPath()) + "'" : "";
        String why;
        if (e instanceof InvalidFormatException format && format.getTargetType() != null
                && format.getTargetType().isEnum()) {
            why = format.getValue() + " is none of " + names(format.getTargetType().getEnumConstants());
        } else {
            // Jackson names Java types with their packages: the caller needs the simple name at most
            why = e.getOriginalMessage() == null ? "unreadable JSON"
                    : JAVA_TYPE.matcher(e.getOriginalMessage().split("\n")[0]).replaceAll("$1");
        }
        return answer(uri, Problem.of("malformed-body", InvalidInput.TITLE, 400,
                "the request body is not valid JSON for this operation" + where + ": " + why, path(uri)));
    }

    /**
     * The error answer: problem+json, or the identity platform's error body on its wire-compatible endpoints
     * ({@code /api/v1/...}, also under {@code /orgs/{orgId}}).
     */
    /** A refusal of the domain, answered as {@link #domain} would, for a resource that answers it itself. */
    public static Response answer(UriInfo uri, DomainException e) {
        return answer(uri, new Problem(java.net.URI.create(Problem.TYPE_BASE + e.slug()), e.title(), e.status(),
                e.getMessage(), path(uri), e instanceof InvalidInput invalid ? invalid.fieldErrors() : null));
    }

    public static Response answer(UriInfo uri, Problem problem) {
        if (isIdentityPlatformPath(path(uri))) {
            return okta(problem.status(), OktaError.forStatus(problem.status(), problem.detail()));
        }
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    static Response okta(int status, OktaError body) {
        return Response.status(status).type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON).entity(body).build();
    }

    /** Whether a path is one of the identity platform's wire-compatible endpoints. */
    public static boolean isIdentityPlatformPath(String path) {
        return path != null && (path.startsWith("/api/v1/") || ORG_PLATFORM_PATH.matcher(path).matches());
    }

    /** An org's identity-platform path; compiled once, as it is asked of every request. */
    private static final Pattern ORG_PLATFORM_PATH = Pattern.compile("/orgs/[^/]+/api/v1/.*");

    /** A Java type's name with its package, as Jackson writes it ({@code `java.time.Instant`}). */
    private static final Pattern JAVA_TYPE =
            Pattern.compile("(?:[a-z][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_$]*)");
    /** How JAX-RS reports a parameter that is no constant of its enum type. */
    private static final Pattern NO_ENUM_CONSTANT =
            Pattern.compile("No enum constant ((?:[\\w$]+\\.)+[\\w$]+)\\.([^.]*)$");

    /** ": X is none of A, B, C" for a parameter that is no constant of its enum type; empty otherwise. */
    private static String allowedValues(Throwable conversion) {
        if (conversion == null || conversion.getMessage() == null) {
            return "";
        }
        Matcher m = NO_ENUM_CONSTANT.matcher(conversion.getMessage());
        if (!m.find()) {
            return "";
        }
        try {
            Class<?> type = Class.forName(m.group(1), false, Thread.currentThread().getContextClassLoader());
            return type.isEnum() ? ": " + m.group(2) + " is none of " + names(type.getEnumConstants()) : "";
        } catch (ClassNotFoundException | LinkageError e) {
            return "";
        }
    }

    private static String names(Object[] constants) {
        return Arrays.stream(constants).map(Object::toString)
                .collect(Collectors.joining(", "));
    }

    private static String fieldPath(List<JsonMappingException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                b.append('[').append(ref.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** Drops the method and parameter nodes of a bean-validation path: {@code open.request.subject → subject}. */
    private static String fieldName(Path path) {
        List<String> nodes = new ArrayList<>();
        for (Path.Node node : path) {
            if (node.getKind() == jakarta.validation.ElementKind.METHOD) {
                continue;
            }
            if (node.getKind() == jakarta.validation.ElementKind.PARAMETER) {
                nodes.add(node.getName());
                continue;
            }
            String name = node.getName() == null ? "" : node.getName();
            nodes.add(node.getIndex() != null ? name + "[" + node.getIndex() + "]" : name);
        }
        if (nodes.size() > 1) {
            nodes.remove(0); // the parameter holding the request body
        }
        return String.join(".", nodes);
    }

    private static String describe(Object id) {
        return id == null ? "such resource" : "resource '" + id + "'";
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    /** The title of the problem {@link #slugOf} names: the same as where the service refuses it itself. */
    private static String titleOf(int status) {
        return switch (status) {
            case 400 -> InvalidInput.TITLE;
            case 404 -> NotFound.TITLE;
            case 413 -> PayloadTooLarge.TITLE;
            default -> Response.Status.fromStatusCode(status) == null ? "Error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase();
        };
    }

    private static String slugOf(int status) {
        return switch (status) {
            case 400 -> "invalid-input";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "rate-limited";
            default -> "http-" + status;
        };
    }
}
