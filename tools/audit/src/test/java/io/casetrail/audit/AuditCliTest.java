package io.casetrail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the tool refuses before it reads anything: an audit run with a mistyped option would audit something else. */
class AuditCliTest {

    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void captureErrors() {
        stderr = System.err;
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErrors() {
        System.setErr(stderr);
    }

    @Test
    void aMistypedOptionIsRefusedNotIgnored() {
        // --form for --from: ignored, it would replay everything and report on it as if that had been asked
        assertRefused("casetrail-audit: replay has no option --form", "replay", "--form", "2026-11-01T00:00:00Z");
    }

    @Test
    void eachCommandTakesOnlyItsOwnOptions() {
        assertRefused("casetrail-audit: verify has no option --org", "verify", "--org", "org-acme");
        assertRefused("casetrail-audit: replay has no option --key-sha256", "replay", "--key-sha256", "ab");
    }

    @Test
    void theCheckpointCadenceIsAWholeNumberOfEntries() {
        assertRefused("casetrail-audit: --checkpoint-every must be", "verify", "--checkpoint-every", "0");
        assertRefused("casetrail-audit: --checkpoint-every must be", "verify", "--checkpoint-every", "ten");
    }

    @Test
    void anExpectedHeadIsASequenceAndAHash() {
        assertRefused("casetrail-audit: --expect takes the head", "verify", "--expect", "12");
        assertRefused("casetrail-audit: --expect takes the head", "verify", "--expect", "12:abc");
    }

    @Test
    void anOptionWithoutItsValueIsRefused() {
        assertRefused("casetrail-audit: --token needs a value", "verify", "--token");
    }

    /** The tool, given these arguments (and a token unless they end asking for one), exits 2 saying why. */
    private void assertRefused(String why, String... arguments) {
        String[] args = arguments[arguments.length - 1].equals("--token") ? arguments
                : java.util.stream.Stream.concat(java.util.Arrays.stream(arguments), java.util.stream.Stream.of(
                        "--token", "t")).toArray(String[]::new);
        assertThat(AuditCli.run(args)).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith(why);
        errors.reset();
    }
}
