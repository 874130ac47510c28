package io.casetrail.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code ./casetrail token} puts in a development token. */
class DevTokensTest {

    @TempDir
    Path keys;

    /** The support-activity view keeps the viewer's own address by the token's {@code email} claim. */
    @Test
    void aTokenCarriesTheClaimsAskedFor() throws Exception {
        DevTokens.initKeys(keys);
        String claims = claims(DevTokens.token(keys, List.of("--role", "org-admin", "--org", "org-acme", "--sub",
                "admin-ada", "--name", "Ada", "--email", "ada@acme.example")));
        assertThat(claims).contains("\"sub\":\"admin-ada\"", "\"org_id\":\"org-acme\"", "\"name\":\"Ada\"",
                "\"email\":\"ada@acme.example\"");
        assertThat(claims(DevTokens.token(keys, List.of("--role", "support-engineer", "--team", "sso"))))
                .doesNotContain("email");
    }

    private static String claims(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    }
}
