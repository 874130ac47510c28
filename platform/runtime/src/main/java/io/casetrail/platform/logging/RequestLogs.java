package io.casetrail.platform.logging;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.Topics;
import io.casetrail.platform.errors.ProblemMappers;
import io.casetrail.platform.kafka.CloudEventRecords;
import io.casetrail.platform.kafka.KafkaSettings;
import io.casetrail.platform.kafka.TopicProvisioner;
import io.casetrail.platform.security.CallerProducer;
import io.casetrail.platform.security.SessionTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The platform request log: every API request a service answers is published to {@code casetrail.log.v1} as a
 * CloudEvent of type {@value #TYPE} (request id, org, case, level, message, attributes), where log-service appends
 * it to the internal log. The request id is the caller's {@code X-Request-Id} when it is a plain token, else a new
 * UUID; the answer carries it back. Publishing is asynchronous: a request never waits for, or fails on, its log,
 * not even while Kafka is out of reach ({@link RequestLogSender}).
 * Enabled unless {@code casetrail.request-log.enabled=false}.
 */
@Provider
@PreMatching // before the role checks too: a request refused for its role is logged like any other
@Singleton
public class RequestLogs implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String TYPE = "io.casetrail.log.request.v1";
    public static final String HEADER = "X-Request-Id";
    /** The same id under the identity platform's name, on its endpoints. */
    public static final String OKTA_HEADER = "X-Okta-Request-Id";
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String STARTED = RequestLogs.class.getName() + ".started";
    private static final String ID = RequestLogs.class.getName() + ".id";
    private static final Logger LOG = Logger.getLogger(RequestLogs.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Request logs waiting for Kafka, at most; more are dropped (see {@link RequestLogSender}). */
    private static final int QUEUED = 10_000;

    @Inject
    KafkaSettings settings;

    @Inject
    TopicProvisioner topics;

    @Inject
    SecurityIdentity identity;

    @Inject
    Clock clock;

    @ConfigProperty(name = "casetrail.request-log.enabled", defaultValue = "true")
    boolean enabled;

    /**
     * How long the request log's producer gathers logs into one batch. The domain relay's producer waits 2 ms, for
     * the delay of events; a request log can wait longer, and with 2 ms its producer sent a request to the broker
     * for nearly every log: up to a seventh of case-service's profile samples under load (docs/benchmarks.md).
     */
    @ConfigProperty(name = "casetrail.request-log.linger-ms", defaultValue = "50")
    int lingerMs;

    private volatile RequestLogSender sender;

    @Inject
    RequestId requestId;

    @Inject
    Instance<CaseOrgLookup> caseOrgs;

    /** A request's id: the one the client sent ({@code given}) if it is one, else a new one. */
    public static String requestId(String given) {
        return given != null && REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String id = requestId(request.getHeaderString(HEADER));
        request.setProperty(ID, id);
        request.setProperty(STARTED, System.nanoTime());
        requestId.set(id);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(ID);
        if (id == null) {
            // answered before the request filters ran: a credential the server's authentication refused (a forged
            // or expired token, a revoked API token, an ended session's). Named, answered and logged all the same
            id = requestId(request.getHeaderString(HEADER));
        }
        response.getHeaders().putSingle(HEADER, id);
        if (ProblemMappers.isIdentityPlatformPath(request.getUriInfo().getRequestUri().getPath())) {
            // the identity platform's own name for it, which its clients and tools read
            response.getHeaders().putSingle(OKTA_HEADER, id);
        }
        if (!enabled) {
            return;
        }
        try {
            publish(id.toString(), request, response);
        } catch (RuntimeException e) {
            LOG.warnf("Request log %s not published: %s", id, e.toString());
        }
    }

    private void publish(String requestId, ContainerRequestContext request, ContainerResponseContext response) {
        Long started = (Long) request.getProperty(STARTED);
        Long millis = started == null ? null : (System.nanoTime() - started) / 1_000_000;
        int status = response.getStatus();
        String method = request.getMethod();
        String path = request.getUriInfo().getPath();
        // no start time: the request was refused before the request filters ran (a forged or revoked credential),
        // so the identity that failed must not be read, and the principal and the duration stay unknown
        boolean known = started != null && identity != null && !identity.isAnonymous();
        String principal = known ? CallerProducer.idOf(identity) : null;
        Map<String, List<String>> pathParameters = request.getUriInfo().getPathParameters();
        // the case: the path's, else the one the endpoint named once it found the case the caller's (research, an
        // admin action, a session's start name it in the query or the body: any string a client puts there is no
        // proof of the case, and would file the log where the caller's colleagues do not look)
        String caseNumber = first(pathParameters, "caseNumber");
        if (caseNumber == null && known) {
            caseNumber = this.requestId.caseNumber();
        }
        if (caseNumber == null && known) {
            // an impersonation session's request (its admin views, a write it refused): the session's case, which
            // its token names, signed by support-access-service
            caseNumber = identity.getAttribute(SessionTokenAuthentication.CASE_ATTRIBUTE);
        }
        // the org: that of a principal bound to one (a customer; support in an impersonation session), whatever it
        // asked for, so a customer cannot file entries under another org; otherwise the org the path names, else
        // the one the endpoint found for what the path names by its own id (an escalation, a session), else the
        // case's (support's work on a case: looked up by the sending thread, as the request neither waits for its
        // log nor may block the event loop a refusal is answered on), else the query
        String named = known ? CallerProducer.orgOf(identity) : null;
        if (named == null) {
            named = first(pathParameters, "orgId");
        }
        if (named == null && known) {
            named = this.requestId.orgId(); // the org of what the path names by its own id, as the endpoint found it
        }
        String caseToLookUp = named == null && known ? caseNumber : null;
        String inQuery = first(request.getUriInfo().getQueryParameters(), "orgId");
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("service", settings.applicationName());
        attributes.put("method", method);
        attributes.put("path", path.startsWith("/") ? path : "/" + path);
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        if (query != null) {
            attributes.put("query", query);
        }
        attributes.put("status", status);
        attributes.put("durationMs", millis);
        attributes.put("principal", principal);
        attributes.put("roles", known ? List.copyOf(identity.getRoles()) : List.of());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requestId", requestId);
        data.put("orgId", named);
        data.put("caseNumber", caseNumber);
        data.put("level", status >= 500 ? "ERROR" : status >= 400 ? "WARN" : "INFO");
        data.put("message", method + " " + attributes.get("path") + " " + status
                + (millis == null ? "" : " (" + millis + " ms)"));
        data.put("attributes", attributes);
        Instant now = clock.instant();
        String source = "/casetrail/" + settings.applicationName();
        String caseOfLog = caseNumber;
        String namedOrg = named;
        sender().send(() -> {
            String orgId = namedOrg;
            if (orgId == null && caseToLookUp != null) {
                orgId = orgOfCase(caseToLookUp);
            }
            if (orgId == null) {
                orgId = inQuery;
            }
            data.put("orgId", orgId);
            try {
                return CloudEventRecords.toRecord(Topics.LOG, new CloudEvent(UUID.randomUUID().toString(), source,
                        TYPE, now, requestId, orgId, caseOfLog, principal, null, requestId,
                        JSON.writeValueAsString(data).getBytes(StandardCharsets.UTF_8)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * The case's org as this service knows it; none when it knows no such case or cannot tell now. On the sending
     * thread.
     */
    private String orgOfCase(String caseNumber) {
        if (!caseOrgs.isResolvable()) {
            return null;
        }
        try {
            return caseOrgs.get().orgOf(caseNumber).orElse(null);
        } catch (Exception e) {
            // the log goes out all the same, filed under no org (a database out of reach must not cost it)
            LOG.debugf("Request log: the org of case %s not found (%s)", caseNumber, e.toString());
            return null;
        }
    }

    private RequestLogSender sender() {
        RequestLogSender current = sender;
        if (current == null) {
            synchronized (this) {
                if (sender == null) {
                    sender = new RequestLogSender(this::openProducer, QUEUED);
                }
                current = sender;
            }
        }
        return current;
    }

    /** On the sender's thread: the log topic, then the producer. */
    private Producer<String, byte[]> openProducer() {
        topics.ensure(List.of(Topics.LOG));
        Map<String, Object> config = new LinkedHashMap<>(settings.producer());
        config.put("client.id", settings.applicationName() + "-request-log");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        // a broker away for longer than the relay's 30 s would otherwise cost every log of its absence: they wait
        // in the producer's buffer, in order, until it is back (a full buffer drops the newest, counted)
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        return new KafkaProducer<>(config);
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @PreDestroy
    void close() {
        RequestLogSender current = sender;
        if (current != null) {
            current.close();
        }
    }
}
