package io.casetrail.platform.security;

import java.util.Map;
import java.util.Set;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.casetrail.platform.errors.Problem;
import io.casetrail.platform.errors.ProblemMappers;
import io.casetrail.platform.logging.RequestId;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * DOMAIN.md: while impersonating, "any attempt to change something is refused and logged". In every service that
 * takes session tokens ({@link SessionTokenAuthentication}), a request authenticated by one that would change
 * anything (any method but GET, HEAD and OPTIONS, on any path, one that does not exist too) is recorded by the
 * service's {@link SessionWrite.Records} on the session's case and answered {@code 403 read-only-impersonation}
 * (the identity platform's error body on its endpoints). It runs before the endpoint is matched, and so before its
 * role check, which would refuse it too but record nothing. A service with no {@code Records} takes no session
 * token; this filter lets its requests pass.
 */
@Singleton
public class ReadOnlySessions {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    CommandGateway commands;

    @Inject
    SecurityIdentity identity;

    @Inject
    Instance<SessionWrite.Records> records;

    // after RequestLogs (Priorities.USER) has named the request: the refusal's events carry its id
    @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 100)
    public Uni<Response> refuseWrites(ContainerRequestContext request) {
        if (READS.contains(request.getMethod()) || identity.isAnonymous()) {
            return Uni.createFrom().nullItem();
        }
        String sessionId = identity.getAttribute(SessionTokenAuthentication.SESSION_ATTRIBUTE);
        if (sessionId == null || !records.isResolvable()) {
            return Uni.createFrom().nullItem(); // not a session token
        }
        String path = "/" + request.getUriInfo().getPath().replaceFirst("^/", "");
        String user = identity.getPrincipal().getName();
        SessionWrite write = new SessionWrite(identity.getAttribute(SessionTokenAuthentication.ORG_ATTRIBUTE),
                identity.getAttribute(SessionTokenAuthentication.CASE_ATTRIBUTE), sessionId, request.getMethod(),
                path, user, user);
        String requestId = RequestId.current();
        var command = GenericCommandMessage.asCommandMessage(records.get().commandFor(write))
                .andMetaData(requestId == null ? Map.of() : Map.of(RequestId.METADATA_KEY, requestId));
        // recorded before the answer, on a worker thread: the filter may run on the event loop
        return Uni.createFrom().item(() -> commands.sendAndWait(command))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .replaceWith(() -> refusal("an impersonation session is read-only: " + request.getMethod() + " "
                        + path + " was refused and recorded", request.getUriInfo()));
    }

    /** {@code 403 read-only-impersonation}: a change tried while impersonating. */
    public static Response refusal(String detail, UriInfo uri) {
        return ProblemMappers.answer(uri, Problem.of("read-only-impersonation", "Forbidden", 403, detail,
                "/" + uri.getPath().replaceFirst("^/", "")));
    }
}
