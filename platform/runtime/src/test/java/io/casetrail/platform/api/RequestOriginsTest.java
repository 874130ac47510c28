package io.casetrail.platform.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Behind a trusted proxy the client's address is the hop that proxy appended to {@code X-Forwarded-For}, the last:
 * the hops before it are as the client sent them.
 */
class RequestOriginsTest {

    @Test
    void theLastHopIsTheClientAsTheProxySawIt() {
        // a client claiming 6.6.6.6; the proxy appended the address it was reached from
        assertThat(RequestOrigins.clientAddress("10.0.0.2", List.of("6.6.6.6, 203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(RequestOrigins.clientAddress("10.0.0.2", List.of("6.6.6.6", "203.0.113.7")))
                .isEqualTo("203.0.113.7");
        assertThat(RequestOrigins.clientAddress("10.0.0.2", List.of("2001:db8::7"))).isEqualTo("2001:db8::7");
        assertThat(RequestOrigins.clientAddress("10.0.0.2", List.of())).isEqualTo("10.0.0.2");
    }

    @Test
    void aLastHopThatIsNoAddressIsPassedOver() {
        for (String hop : List.of("hello", "<script>", "1.2.3", "256.1.1.1", "1.2.3.4:5678", "proxy.internal", ":::",
                ".:", ".::1", "1.2.3.4, ", " , ")) {
            assertThat(RequestOrigins.clientAddress("10.0.0.2", List.of(hop))).as(hop)
                    .isEqualTo(hop.startsWith("1.2.3.4,") ? "1.2.3.4" : "10.0.0.2");
        }
        assertThat(RequestOrigins.isIpLiteral("::ffff:192.0.2.1")).isTrue();
        assertThat(RequestOrigins.isIpLiteral("192.0.2.1")).isTrue();
        assertThat(RequestOrigins.isIpLiteral("fe80::1%eth0")).isFalse();
    }
}
