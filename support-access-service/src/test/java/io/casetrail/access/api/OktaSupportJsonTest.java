package io.casetrail.access.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The identity platform's support access bodies, as its clients parse them. */
class OktaSupportJsonTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

    /** Times always carry milliseconds, as the platform writes them, also a time on the second. */
    @Test
    void expirationsAreWrittenWithMilliseconds() throws Exception {
        Instant onTheSecond = Instant.parse("2021-01-24T11:13:14Z");
        assertThat(json.readTree(json.writeValueAsString(OktaSupportSettings.of(onTheSecond, "https://x")))
                .path("expiration").asText()).isEqualTo("2021-01-24T11:13:14.000Z");
        assertThat(json.readTree(json.writeValueAsString(new OktaSupportCase("00100001", "s",
                new OktaSupportCase.Impersonation("ENABLED", Instant.parse("2021-01-24T11:13:14.5Z")), null)))
                .path("impersonation").path("expiration").asText()).isEqualTo("2021-01-24T11:13:14.500Z");
        assertThat(json.readTree(json.writeValueAsString(OktaSupportSettings.of(null, "https://x")))
                .path("expiration").isNull()).isTrue();
    }
}
