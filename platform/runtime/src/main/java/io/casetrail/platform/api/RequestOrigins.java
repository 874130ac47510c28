package io.casetrail.platform.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.casetrail.events.RequestOrigin;
import io.casetrail.platform.security.SswsAuthentication;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The {@link RequestOrigin} of the current request, for audit: the client address and the {@code User-Agent}, and
 * the org API token it was made with, if any. A value: inject it into request-scoped beans.
 *
 * <p>The client address is the socket's; with {@code casetrail.http.trust-forwarded-for=true} (behind a trusted
 * proxy) the last {@code X-Forwarded-For} hop, the one that proxy appended: every hop before it is as the client
 * sent it, and a client could name any address there. A last hop that is no IP literal is passed over.
 */
@ApplicationScoped
public class RequestOrigins {

    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    /** Starting as InetAddress reads only literals: with a hex digit or a colon. */
    private static final Pattern IPV6 = Pattern.compile("(?=[0-9A-Fa-f:])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final HttpServerRequest request;
    private final SecurityIdentity identity;
    private final boolean trustForwardedFor;

    public RequestOrigins(HttpServerRequest request, SecurityIdentity identity,
                          @ConfigProperty(name = "casetrail.http.trust-forwarded-for", defaultValue = "false")
                          boolean trustForwardedFor) {
        this.request = request;
        this.identity = identity;
        this.trustForwardedFor = trustForwardedFor;
    }

    @Produces
    @Dependent
    RequestOrigin origin() {
        // the connection's own address: the request's is rewritten from the first X-Forwarded-For hop, a value the
        // client writes, when Quarkus's proxy-address-forwarding is on (operations.md sets it for the Link headers)
        SocketAddress socket = request.connection() == null ? null : request.connection().remoteAddress();
        String address = socket == null ? null : socket.host();
        if (trustForwardedFor) {
            address = clientAddress(address, request.headers().getAll("X-Forwarded-For"));
        }
        String apiToken = identity.isAnonymous() ? null : identity.getAttribute(SswsAuthentication.TOKEN_ATTRIBUTE);
        return new RequestOrigin(address, request.getHeader("User-Agent"), apiToken);
    }

    /**
     * The client's address behind a trusted proxy: the last hop of the {@code X-Forwarded-For} headers (in order,
     * as one list) when it is an IP literal, else the socket's address.
     */
    static String clientAddress(String socketAddress, List<String> forwardedFor) {
        String last = null;
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    last = hop.trim();
                }
            }
        }
        return last != null && isIpLiteral(last) ? last : socketAddress;
    }

    /** Whether the text is an IPv4 or IPv6 address written out (read without any name lookup). */
    static boolean isIpLiteral(String text) {
        if (IPV4.matcher(text).matches()) {
            return true;
        }
        if (!IPV6.matcher(text).matches()) {
            return false;
        }
        try {
            // text with a colon is read as an IPv6 literal, never looked up
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
