package io.casetrail.orgadmin.api;

import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.casetrail.orgadmin.command.AdminCommands.RecordImpersonationWrite;
import io.casetrail.platform.logging.RequestId;
import io.casetrail.platform.security.SessionTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * DOMAIN.md: while impersonating, "any attempt to change something is refused and logged". A request authenticated
 * by an impersonation session's token that would change anything here (any method but GET, HEAD and OPTIONS, on any
 * path: the admin view, an admin action, a consent, a directory import, a path that does not exist) is recorded on
 * the session's case ({@code ImpersonationWriteRefused}: the org's System Log as {@code support.org.update}
 * {@code DENY}, the case's timeline) and answered 403 {@code read-only-impersonation}. It runs before the endpoint
 * is matched, and so before its role check, which would refuse it too but record nothing.
 */
@Singleton
public class ImpersonationWrites {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    CommandGateway commands;

    @Inject
    SecurityIdentity identity;

    // after RequestLogs (Priorities.USER) has named the request: the refusal's events carry its id
    @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 100)
    public Uni<Response> refuseWrites(ContainerRequestContext request) {
        if (READS.contains(request.getMethod()) || identity.isAnonymous()) {
            return Uni.createFrom().nullItem();
        }
        String sessionId = identity.getAttribute(SessionTokenAuthentication.SESSION_ATTRIBUTE);
        if (sessionId == null) {
            return Uni.createFrom().nullItem(); // not a session token
        }
        String path = "/" + request.getUriInfo().getPath().replaceFirst("^/", "");
        String user = identity.getPrincipal().getName();
        RecordImpersonationWrite record = new RecordImpersonationWrite(
                identity.getAttribute(SessionTokenAuthentication.CASE_ATTRIBUTE),
                identity.getAttribute(SessionTokenAuthentication.ORG_ATTRIBUTE), sessionId, request.getMethod(), path,
                user, user);
        String requestId = RequestId.current();
        var command = GenericCommandMessage.asCommandMessage(record)
                .andMetaData(requestId == null ? Map.of() : Map.of(RequestId.METADATA_KEY, requestId));
        // recorded before the answer, on a worker thread: the filter may run on the event loop
        return Uni.createFrom().item(() -> commands.sendAndWait(command))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .replaceWith(() -> AdminViewResource.readOnly("an impersonation session is read-only: "
                        + request.getMethod() + " " + path + " was refused and recorded", path));
    }
}
