package io.casetrail.platform.logging;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;

/**
 * The id of the API request being answered: the caller's {@code X-Request-Id}, or the one {@link RequestLogs} gave
 * it (the answer carries it back either way). Commands sent while answering a request carry it in their metadata
 * ({@value #METADATA_KEY}), Axon copies it to the command's events (a correlation data provider, see AxonRuntime),
 * and the relay publishes it as their {@code ce_correlationid}: the request log, the internal-log entries of those
 * events and their System Log entries ({@code transaction.id}, {@code debugContext.debugData.requestId}) all name
 * the id the client was given.
 */
@RequestScoped
public class RequestId {

    /** The metadata key of the request id on commands and, copied by Axon, on their events. */
    public static final String METADATA_KEY = "requestId";

    private String value;
    private String caseNumber;
    private String orgId;

    void set(String value) {
        this.value = value;
    }

    /** The case this request is about, when an endpoint named it (a path parameter is read by itself). */
    String caseNumber() {
        return caseNumber;
    }

    void setCaseNumber(String caseNumber) {
        this.caseNumber = caseNumber;
    }

    /**
     * Names the case the current request is about, for its request log: an endpoint whose query or body names the
     * case calls it once it found the case the caller's, so that the log is filed under the case as the endpoints
     * with the case in their path are.
     */
    public static void aboutCase(String caseNumber) {
        ofThisRequest().ifPresent(request -> request.setCaseNumber(caseNumber));
    }

    /** The org this request is about, when an endpoint found it (null otherwise). */
    String orgId() {
        return orgId;
    }

    void setOrgId(String orgId) {
        this.orgId = orgId;
    }

    /**
     * Names the org the current request is about, for its request log: an endpoint whose path names something of an
     * org by its own id (an escalation, an impersonation session) calls it once it found that thing, so that the log
     * of support's or Engineering's request (principals bound to no org) is filed under the org, where the internal
     * log's org filter finds it.
     */
    public static void aboutOrg(String orgId) {
        ofThisRequest().ifPresent(request -> request.setOrgId(orgId));
    }

    /** This request's id (through the bean's client proxy: a method, never the field). */
    String value() {
        return value;
    }

    /** The current request's id; null outside a request or before {@link RequestLogs} has named it. */
    public static String current() {
        return ofThisRequest().map(RequestId::value).orElse(null);
    }

    /** The bean of the request being answered (its client proxy: reached through methods only), if there is one. */
    private static Optional<RequestId> ofThisRequest() {
        ManagedContext context = Arc.container().requestContext();
        return context.isActive() ? Optional.of(Arc.container().instance(RequestId.class).get()) : Optional.empty();
    }

    /** Gives a command dispatched while answering a request that request's id. */
    /**
     * The command as a message carrying a request's id ({@link #current()}, read while the request was current), for
     * a command that may be sent from another thread than the request's (a non-blocking endpoint's, once what it
     * waited for is done): there the request is not current, and {@link #onCommands()} would find no id to add.
     */
    public static CommandMessage<?> carrying(Object command, String requestId) {
        CommandMessage<?> message = GenericCommandMessage.asCommandMessage(command);
        return requestId == null ? message : message.andMetaData(Map.of(METADATA_KEY, requestId));
    }

    public static MessageDispatchInterceptor<CommandMessage<?>> onCommands() {
        return commands -> (index, command) -> {
            String id = current();
            return id == null || command.getMetaData().containsKey(METADATA_KEY) ? command
                    : command.andMetaData(Map.of(METADATA_KEY, id));
        };
    }
}
