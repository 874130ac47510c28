package io.casetrail.platform.errors;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.platform.logging.RequestLogs;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP server's own limit on a request body ({@code quarkus.http.limits.max-body-size}), refused as every other
 * refusal is: a request that declares a longer body ({@code Content-Length}) is answered {@code 413} with a
 * problem+json body (the identity platform's error body on its endpoints) and its {@code X-Request-Id}, and its
 * connection closed, before anything reads the body (it is refused before the request log: no entry is written).
 * Quarkus' own check, just after this one, answers with no body and closes alike. A client that sends the body
 * without waiting ({@code Expect: 100-continue} not asked) may find the connection closed before it reads the
 * answer, as with Quarkus' check. A body sent in chunks, with no length declared, is still cut off by the server when
 * it passes the limit, with no body.
 */
@ApplicationScoped
public class ServerBodyLimit {

    private final Optional<MemorySize> limit;
    private final ObjectMapper json;

    public ServerBodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit,
                           ObjectMapper json) {
        this.limit = limit;
        this.json = json;
    }

    void install(@Observes Router router) {
        limit.ifPresent(max -> router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                .handler(context -> check(context, max.asLongValue())));
    }

    private void check(RoutingContext context, long max) {
        String declared = context.request().getHeader(HttpHeaderNames.CONTENT_LENGTH);
        long length;
        try {
            length = declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            length = -1; // the server's own decoding refuses it
        }
        if (length <= max) {
            context.next();
            return;
        }
        // as the routes see it (unreserved characters sent escaped, decoded), to tell the identity platform's paths
        String path = context.normalizedPath();
        String detail = "the request body declares " + length + " bytes; this server takes at most " + max;
        boolean platform = ProblemMappers.isIdentityPlatformPath(path);
        Object body = platform ? OktaError.forStatus(413, detail)
                : Problem.of("payload-too-large", PayloadTooLarge.TITLE, 413, detail, path);
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // the body it declared is not read: the connection closes once the answer is sent
        context.response().setStatusCode(413)
                .putHeader(HttpHeaderNames.CONTENT_TYPE, platform ? "application/json" : Problem.MEDIA_TYPE)
                .putHeader(HttpHeaderNames.CONNECTION, "close")
                .putHeader(RequestLogs.HEADER, RequestLogs.requestId(context.request().getHeader(RequestLogs.HEADER)))
                .endHandler(ended -> context.request().connection().close())
                .end(text);
    }
}
