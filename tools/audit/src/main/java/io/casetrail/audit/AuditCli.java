package io.casetrail.audit;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.casetrail.logs.audit.AuditReport;
import io.casetrail.logs.audit.ChainAudit;
import io.casetrail.logs.audit.Replay;

/**
 * {@code casetrail-audit}: the ops tool for audits.
 *
 * <pre>
 * casetrail-audit replay [--kafka host:port] [--log-service url] [--from 2026-11-01T00:00:00Z] [--org id]
 *                        [--case number] [--report dir]
 * casetrail-audit verify [--log-service url] [--key-sha256 fingerprint] [--checkpoint-every n] [--expect seq:hash]
 * </pre>
 * The auditor token comes from {@code --token}, else the environment variable {@code CASETRAIL_AUDIT_TOKEN}. Exit
 * status: 0 healthy, 1 differences found, 2 the audit could not run.
 */
public final class AuditCli {

    static final String USAGE = """
            usage: casetrail-audit replay [--kafka host:port] [--log-service url] [--token t] [--from instant]
                                          [--org id] [--case number] [--report dir]
                   casetrail-audit verify [--log-service url] [--token t] [--key-sha256 fingerprint]
                                          [--checkpoint-every n] [--expect seq:hash]
            The token is an auditor's JWT (--token, or CASETRAIL_AUDIT_TOKEN). Exit: 0 healthy, 1 differences, 2 error.""";

    private static final Set<String> REPLAY_OPTIONS = Set.of("kafka", "log-service", "token", "from", "org", "case",
            "report");
    private static final Set<String> VERIFY_OPTIONS = Set.of("log-service", "token", "key-sha256",
            "checkpoint-every", "expect");

    private AuditCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || !(args[0].equals("replay") || args[0].equals("verify"))) {
            System.err.println(USAGE);
            return 2;
        }
        Set<String> known = args[0].equals("verify") ? VERIFY_OPTIONS : REPLAY_OPTIONS;
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || !known.contains(args[i].substring(2))) {
                System.err.println("casetrail-audit: " + args[0] + " has no option " + args[i] + "\n" + USAGE);
                return 2;
            }
            if (i + 1 >= args.length) {
                System.err.println("casetrail-audit: " + args[i] + " needs a value\n" + USAGE);
                return 2;
            }
            options.put(args[i].substring(2), args[++i]);
        }
        String token = options.getOrDefault("token", System.getenv("CASETRAIL_AUDIT_TOKEN"));
        if (token == null || token.isBlank()) {
            System.err.println("casetrail-audit: an auditor token is needed (--token or CASETRAIL_AUDIT_TOKEN)");
            return 2;
        }
        String logService = options.getOrDefault("log-service", "http://127.0.0.1:8084");
        try {
            if (args[0].equals("verify")) {
                long every = checkpointEvery(options);
                if (every < 1) {
                    return 2;
                }
                ChainAudit.Expected expected;
                try {
                    expected = options.containsKey("expect") ? ChainAudit.Expected.parse(options.get("expect"))
                            : null;
                } catch (IllegalArgumentException e) {
                    System.err.println("casetrail-audit: " + e.getMessage());
                    return 2;
                }
                ChainAudit.Result result = new ChainAudit(logService, token, System.err, 1000,
                        options.get("key-sha256"), every, expected).run();
                System.out.println(result.verified()
                        ? "internal log verified: " + result.entries() + " entries, " + result.checkpoints()
                        + " signed checkpoints by key sha256 " + result.keyFingerprint()
                        + (options.containsKey("key-sha256") ? " (the one given)" : " (not pinned: --key-sha256)")
                        + (expected != null ? "; entry " + expected.seq() + " as verified before" : "")
                        + "; log-service agrees: " + result.serviceVerified()
                        + (result.head() != null ? "\nhead " + result.head() + " (keep it: --expect "
                        + result.head() + " next time)" : "")
                        : "internal log NOT verified: " + result.problem() + " (checkpoint key sha256 "
                        + result.keyFingerprint() + "; log-service says: "
                        + result.serviceReport().path("firstProblem").path("problem").asText("verified") + ")");
                return result.verified() && result.serviceVerified() ? 0 : 1;
            }
            Instant from = options.containsKey("from") ? Instant.parse(options.get("from")) : null;
            AuditReport report = new Replay(new Replay.Options(options.getOrDefault("kafka", "127.0.0.1:9092"),
                    logService, token, from, options.get("org"), options.get("case")), System.err).run();
            Path written = report.write(Path.of(options.getOrDefault("report", "audit-report")));
            System.out.printf("%s: %d records, %d aggregates, %d gaps, %d duplicates; System Log %d rebuilt, %d live,"
                            + " %d missing, %d unexpected, %d changed fields. Report: %s (and .html)%n",
                    report.healthy() ? "healthy" : "DIFFERENCES", report.recordsRead(), report.aggregates(),
                    report.gaps().size(), report.duplicates().size(), report.expectedEntries(), report.liveEntries(),
                    report.missing().size(), report.unexpected().size(), report.changed().size(), written);
            return report.healthy() ? 0 : 1;
        } catch (DateTimeParseException e) {
            System.err.println("casetrail-audit: --from must be an ISO-8601 instant, e.g. 2026-11-01T00:00:00Z");
            return 2;
        } catch (Exception e) {
            System.err.println("casetrail-audit: " + e.getMessage());
            return 2;
        }
    }

    /** {@code --checkpoint-every}: log-service's cadence of checkpoints; 0 (said why) when it is no whole number. */
    private static long checkpointEvery(Map<String, String> options) {
        String every = options.getOrDefault("checkpoint-every", String.valueOf(ChainAudit.CHECKPOINT_EVERY));
        try {
            if (Long.parseLong(every) >= 1) {
                return Long.parseLong(every);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        System.err.println("casetrail-audit: --checkpoint-every must be log-service's"
                + " casetrail.internal-log.checkpoint.every-entries, a whole number of entries from 1");
        return 0;
    }
}
