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
        assertThat(AuditCli.run(new String[] {"replay", "--form", "2026-11-01T00:00:00Z", "--token", "t"}))
                .isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith("casetrail-audit: replay has no option --form");
    }

    @Test
    void eachCommandTakesOnlyItsOwnOptions() {
        assertThat(AuditCli.run(new String[] {"verify", "--org", "org-acme", "--token", "t"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith("casetrail-audit: verify has no option --org");
        errors.reset();
        assertThat(AuditCli.run(new String[] {"replay", "--key-sha256", "ab", "--token", "t"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8))
                .startsWith("casetrail-audit: replay has no option --key-sha256");
    }

    @Test
    void theCheckpointCadenceIsAWholeNumberOfEntries() {
        assertThat(AuditCli.run(new String[] {"verify", "--checkpoint-every", "0", "--token", "t"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith("casetrail-audit: --checkpoint-every must be");
        errors.reset();
        assertThat(AuditCli.run(new String[] {"verify", "--checkpoint-every", "ten", "--token", "t"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith("casetrail-audit: --checkpoint-every must be");
    }

    @Test
    void anExpectedHeadIsASequenceAndAHash() {
        assertThat(AuditCli.run(new String[] {"verify", "--expect", "12", "--token", "t"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith("casetrail-audit: --expect takes the head");
        errors.reset();
        assertThat(AuditCli.run(new String[] {"verify", "--expect", "12:abc", "--token", "t"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith("casetrail-audit: --expect takes the head");
    }

    @Test
    void anOptionWithoutItsValueIsRefused() {
        assertThat(AuditCli.run(new String[] {"verify", "--token"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith("casetrail-audit: --token needs a value");
    }
}
