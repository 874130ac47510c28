package io.casetrail.logs.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.EventJson;
import io.casetrail.logs.internal.Checkpoints;
import io.casetrail.logs.internal.HashChain;
import io.casetrail.logs.internal.InternalLogEntry;

/**
 * Verifies the internal log from outside log-service: reads every entry and checkpoint through the API (as an
 * auditor), re-computes the hash chain itself, checks each checkpoint's signature with the published key, and
 * asks log-service for its own verification too. Reports the first entry that does not hold.
 */
public final class ChainAudit {

    /** What the audit found, here and on the service's side. */
    public record Result(long entries, int checkpoints, boolean verified, Long firstBadSeq, String problem,
                         boolean serviceVerified, JsonNode serviceReport, String keyFingerprint, String head) {
    }

    /** An entry the auditor saw on an earlier verification, {@code seq:hash}: the log must still hold it. */
    public record Expected(long seq, String hash) {

        /** From {@code seq:hash}, as a verification prints its head. */
        public static Expected parse(String text) {
            int colon = text.indexOf(':');
            try {
                Expected expected = new Expected(Long.parseLong(text.substring(0, Math.max(colon, 0))),
                        text.substring(colon + 1));
                if (expected.seq() >= 1 && expected.hash().matches("[0-9a-f]{64}")) {
                    return expected;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new IllegalArgumentException("--expect takes the head an earlier verification printed,"
                    + " <seq>:<64 hex digits>");
        }

        @Override
        public String toString() {
            return seq + ":" + hash;
        }
    }

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final ObjectMapper JSON = EventJson.newMapper();

    private final String base;
    private final String token;
    private final PrintStream progress;
    private final int pageSize;
    private final String pinnedKey;
    private final long checkpointEvery;
    private final Expected expected;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The checkpoint cadence log-service has by default ({@code casetrail.internal-log.checkpoint.every-entries}). */
    public static final long CHECKPOINT_EVERY = 100;

    public ChainAudit(String logServiceUrl, String token, PrintStream progress) {
        this(logServiceUrl, token, progress, 1000, null, CHECKPOINT_EVERY, null);
    }

    /**
     * Reading entries and checkpoints {@code pageSize} at a time (1 to 1000), following the next links. With
     * {@code pinnedKey} (a {@linkplain Checkpoints#fingerprint fingerprint}, or null), the checkpoints must be signed
     * by that key: a log-service that rewrote its chain and signed it with a key of its own cannot vouch for it.
     * Every {@code checkpointEvery}-th entry must have its checkpoint (log-service signs one every so many entries,
     * in the transaction that appends the entry), and no checkpoint may name an entry the log no longer has: a
     * log-service that rewrote its chain cannot hide the checkpoints that give it away, nor drop entries and keep
     * their checkpoints. What the log alone cannot show is an end cut off, checkpoints and all, with the tail after the last
     * checkpoint left rewritten: {@code expected} (or null), the head an earlier verification printed, must still
     * be in the log, unchanged, so that nothing up to it can have been cut or rewritten since.
     */
    public ChainAudit(String logServiceUrl, String token, PrintStream progress, int pageSize, String pinnedKey,
                      long checkpointEvery, Expected expected) {
        this.base = logServiceUrl.replaceAll("/+$", "");
        this.token = token;
        this.progress = progress;
        this.pageSize = pageSize;
        this.pinnedKey = pinnedKey;
        this.checkpointEvery = checkpointEvery;
        this.expected = expected;
    }

    public Result run() throws IOException, InterruptedException {
        JsonNode key = get(base + "/internal-logs/checkpoint-key").body;
        PublicKey publicKey;
        try {
            publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                    .decode(key.path("publicKey").asText())));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("the checkpoint key log-service publishes is not an RSA key", e);
        }
        String fingerprint = Checkpoints.fingerprint(publicKey);
        // at the same cadence: after a change of cadence, log-service's own would find old entries unsigned
        JsonNode serviceReport = get(base + "/internal-logs/verify?every=" + checkpointEvery).body;
        if (pinnedKey != null && !pinnedKey.equalsIgnoreCase(fingerprint)) {
            return new Result(0, 0, false, null, "log-service signs its checkpoints with key " + fingerprint
                    + ", not with the one given (" + pinnedKey + ")", serviceReport.path("verified").asBoolean(),
                    serviceReport, fingerprint, null);
        }
        // the checkpoints before the entries and again after them: those before name entries that were there (an
        // entry missing is a truncation), those after include the one of every entry read (each is signed in the
        // transaction that appends its entry)
        Set<Long> before = checkpoints().keySet();
        String url = base + "/internal-logs?limit=" + pageSize;
        String prev = HashChain.GENESIS;
        long expectedSeq = 1;
        long reported = 0; // progress, every 10,000 entries
        Map<Long, String> hashes = new HashMap<>(); // of the entries a checkpoint names, or should
        while (url != null) {
            Page page = get(url);
            for (JsonNode node : page.body) {
                InternalLogEntry entry = JSON.treeToValue(node, InternalLogEntry.class);
                if (entry.seq() != expectedSeq) {
                    return fail(expectedSeq - 1, 0, expectedSeq, "entry " + expectedSeq + " is missing",
                            serviceReport, fingerprint);
                }
                if (!prev.equals(entry.prevHash())) {
                    return fail(expectedSeq - 1, 0, entry.seq(), "entry " + entry.seq() + " does not follow"
                            + " entry " + (entry.seq() - 1) + ": its previous hash differs", serviceReport, fingerprint);
                }
                if (!HashChain.hashOf(entry, entry.prevHash()).equals(entry.hash())) {
                    return fail(expectedSeq - 1, 0, entry.seq(), "entry " + entry.seq() + " was changed: its"
                            + " content does not match its hash", serviceReport, fingerprint);
                }
                if (expected != null && entry.seq() == expected.seq() && !entry.hash().equals(expected.hash())) {
                    return fail(expectedSeq - 1, 0, entry.seq(), "entry " + entry.seq() + " is not the one verified"
                            + " before: its hash is " + entry.hash() + ", not " + expected.hash(), serviceReport,
                            fingerprint);
                }
                if (entry.seq() % checkpointEvery == 0 || before.contains(entry.seq())) {
                    hashes.put(entry.seq(), entry.hash());
                }
                prev = entry.hash();
                expectedSeq++;
            }
            if ((expectedSeq - 1) / 10_000 > reported) {
                reported = (expectedSeq - 1) / 10_000;
                progress.printf("verify: %d entries checked%n", expectedSeq - 1);
            }
            url = page.next;
        }
        long entries = expectedSeq - 1;
        if (expected != null && entries < expected.seq()) {
            return fail(entries, 0, expected.seq(), "the log ends at entry " + entries + ", before entry "
                    + expected.seq() + ", which an earlier verification saw", serviceReport, fingerprint);
        }
        for (long seq : before) {
            if (seq > entries) {
                return fail(entries, 0, seq, "the checkpoint at entry " + seq + " vouches for entries the log no"
                        + " longer has: it ends at entry " + entries, serviceReport, fingerprint);
            }
        }
        Map<Long, Checkpoints.Checkpoint> after = checkpoints();
        int checked = 0;
        for (long seq : hashes.keySet().stream().sorted().toList()) {
            Checkpoints.Checkpoint checkpoint = after.get(seq);
            if (checkpoint == null) {
                return fail(entries, checked, seq, "entry " + seq + " has no checkpoint, though one is signed every "
                        + checkpointEvery + " entries (if log-service's cadence changed, give one that every cadence"
                        + " it had divides)", serviceReport, fingerprint);
            }
            if (!checkpoint.hash().equals(hashes.get(seq)) || !Checkpoints.valid(checkpoint, publicKey)) {
                return fail(entries, checked, seq, "the checkpoint at entry " + seq + " does not vouch for the chain",
                        serviceReport, fingerprint);
            }
            checked++;
        }
        progress.printf("verify: %d entries, %d checkpoints checked%n", entries, checked);
        return new Result(entries, checked, true, null, null, serviceReport.path("verified").asBoolean(),
                serviceReport, fingerprint, entries == 0 ? null : new Expected(entries, prev).toString());
    }

    private Map<Long, Checkpoints.Checkpoint> checkpoints() throws IOException, InterruptedException {
        Map<Long, Checkpoints.Checkpoint> checkpoints = new HashMap<>();
        for (String page = base + "/internal-logs/checkpoints?limit=" + pageSize; page != null; ) {
            Page read = get(page);
            for (JsonNode c : read.body) {
                Checkpoints.Checkpoint checkpoint = JSON.treeToValue(c, Checkpoints.Checkpoint.class);
                checkpoints.put(checkpoint.seq(), checkpoint);
            }
            page = read.next;
        }
        return checkpoints;
    }

    private static Result fail(long entries, int checked, long seq, String problem, JsonNode serviceReport,
                               String fingerprint) {
        return new Result(entries, checked, false, seq, problem, serviceReport.path("verified").asBoolean(),
                serviceReport, fingerprint, null);
    }

    private record Page(JsonNode body, String next) {
    }

    private Page get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("log-service answered " + response.statusCode() + " for " + url + ": "
                    + response.body());
        }
        String next = null;
        for (String link : response.headers().allValues("link")) {
            Matcher m = NEXT.matcher(link);
            if (m.find()) {
                next = m.group(1);
            }
        }
        return new Page(JSON.readTree(response.body()), next);
    }
}
