package io.casetrail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code casetrail-audit} script keeps the tool's exit codes (operations.md: 1 differences found, 2 the audit
 * could not run): a failure before the tool runs is 2, with its reason, never a 1 a CI gate would read as tampering.
 */
class AuditScriptTest {

    @TempDir
    Path root;

    @Test
    void aTokenThatCannotBeMintedIsTwoNotOne() throws Exception {
        Path script = copyScript();
        Files.createDirectories(root.resolve(".casetrail/keys"));
        Files.writeString(root.resolve(".casetrail/keys/private.pem"), "");
        Path target = Files.createDirectories(root.resolve("tools/audit/target"));
        Files.writeString(target.resolve("casetrail-audit-0.1.0-SNAPSHOT.jar"), "");
        Files.writeString(target.resolve("classpath.txt"), "");
        executable(root.resolve("casetrail"), "#!/bin/sh\necho 'no signing key' >&2\nexit 1\n");
        Result result = run(script, "replay");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.errors()).contains("no signing key").contains("no auditor token could be minted");
    }

    @Test
    void aToolThatCannotBeBuiltIsTwoNotOne() throws Exception {
        Path script = copyScript();
        Path bin = Files.createDirectories(root.resolve("bin"));
        executable(bin.resolve("mvn"), "#!/bin/sh\nexit 1\n");
        Result result = run(script, "verify", bin);
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.errors()).contains("the audit tool could not be built");
    }

    private Path copyScript() throws Exception {
        Path script = root.resolve("casetrail-audit");
        // the module's directory is tools/audit: the script is at the checkout's root
        Files.copy(Path.of("../../casetrail-audit"), script);
        script.toFile().setExecutable(true);
        return script;
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Result(int exit, String errors) {
    }

    private Result run(Path script, String command) throws Exception {
        return run(script, command, null);
    }

    private Result run(Path script, String command, Path pathFirst) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), command).directory(root.toFile());
        if (pathFirst != null) {
            builder.environment().put("PATH", pathFirst + ":" + builder.environment().get("PATH"));
        }
        builder.environment().remove("CASETRAIL_AUDIT_TOKEN");
        Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), errors);
    }
}
