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
                         boolean serviceVerified, JsonNode serviceReport, String keyFingerprint) {
    }

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final ObjectMapper JSON = EventJson.newMapper();

    private final String base;
    private final String token;
    private final PrintStream progress;
    private final int pageSize;
    private final String pinnedKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ChainAudit(String logServiceUrl, String token, PrintStream progress) {
        this(logServiceUrl, token, progress, 1000, null);
    }

    /**
     * Reading entries and checkpoints {@code pageSize} at a time (1 to 1000), following the next links; with
     * {@code pinnedKey} (a {@linkplain Checkpoints#fingerprint fingerprint}, or null), the checkpoints must be signed
     * by that key: a log-service that rewrote its chain and signed it with a key of its own cannot vouch for it.
     */
    public ChainAudit(String logServiceUrl, String token, PrintStream progress, int pageSize, String pinnedKey) {
        this.base = logServiceUrl.replaceAll("/+$", "");
        this.token = token;
        this.progress = progress;
        this.pageSize = pageSize;
        this.pinnedKey = pinnedKey;
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
        JsonNode serviceReport = get(base + "/internal-logs/verify").body;
        if (pinnedKey != null && !pinnedKey.equalsIgnoreCase(fingerprint)) {
            return new Result(0, 0, false, null, "log-service signs its checkpoints with key " + fingerprint
                    + ", not with the one given (" + pinnedKey + ")", serviceReport.path("verified").asBoolean(),
                    serviceReport, fingerprint);
        }
        Map<Long, Checkpoints.Checkpoint> checkpoints = new HashMap<>();
        for (String page = base + "/internal-logs/checkpoints?limit=" + pageSize; page != null; ) {
            Page read = get(page);
            for (JsonNode c : read.body) {
                Checkpoints.Checkpoint checkpoint = JSON.treeToValue(c, Checkpoints.Checkpoint.class);
                checkpoints.put(checkpoint.seq(), checkpoint);
            }
            page = read.next;
        }
        String url = base + "/internal-logs?limit=" + pageSize;
        String prev = HashChain.GENESIS;
        long expectedSeq = 1;
        int checked = 0;
        long reported = 0; // progress, every 10,000 entries
        while (url != null) {
            Page page = get(url);
            for (JsonNode node : page.body) {
                InternalLogEntry entry = JSON.treeToValue(node, InternalLogEntry.class);
                if (entry.seq() != expectedSeq) {
                    return fail(expectedSeq - 1, checked, expectedSeq, "entry " + expectedSeq + " is missing",
                            serviceReport, fingerprint);
                }
                if (!prev.equals(entry.prevHash())) {
                    return fail(expectedSeq - 1, checked, entry.seq(), "entry " + entry.seq() + " does not follow"
                            + " entry " + (entry.seq() - 1) + ": its previous hash differs", serviceReport, fingerprint);
                }
                if (!HashChain.hashOf(entry, entry.prevHash()).equals(entry.hash())) {
                    return fail(expectedSeq - 1, checked, entry.seq(), "entry " + entry.seq() + " was changed: its"
                            + " content does not match its hash", serviceReport, fingerprint);
                }
                Checkpoints.Checkpoint checkpoint = checkpoints.get(entry.seq());
                if (checkpoint != null) {
                    if (!checkpoint.hash().equals(entry.hash()) || !Checkpoints.valid(checkpoint, publicKey)) {
                        return fail(expectedSeq - 1, checked, entry.seq(), "the checkpoint at entry " + entry.seq()
                                + " does not vouch for the chain", serviceReport, fingerprint);
                    }
                    checked++;
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
        progress.printf("verify: %d entries, %d checkpoints checked%n", expectedSeq - 1, checked);
        return new Result(expectedSeq - 1, checked, true, null, null, serviceReport.path("verified").asBoolean(),
                serviceReport, fingerprint);
    }

    private static Result fail(long entries, int checked, long seq, String problem, JsonNode serviceReport,
                               String fingerprint) {
        return new Result(entries, checked, false, seq, problem, serviceReport.path("verified").asBoolean(),
                serviceReport, fingerprint);
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
