package io.casetrail.logs.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The hash chain of the internal logs: the canonical form of an entry (a JSON object with its fields in a fixed
 * order, timestamps in milliseconds) and SHA-256 over the previous entry's hash and that form. Anyone holding the
 * rows can recompute it: the audit tool does, independently of log-service.
 */
public final class HashChain {

    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private static final ObjectMapper JSON = new ObjectMapper();

    private HashChain() {
    }

    /** Timestamps as chained: milliseconds, so that what the database gives back is what was hashed. */
    public static Instant precise(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    public static String canonical(InternalLogEntry e) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("seq", e.seq());
        node.put("entryId", e.entryId());
        node.put("recordedAt", precise(e.recordedAt()).toEpochMilli());
        node.put("occurredAt", precise(e.occurredAt()).toEpochMilli());
        node.put("kind", e.kind());
        node.put("orgId", e.orgId());
        node.put("caseNumber", e.caseNumber());
        node.put("requestId", e.requestId());
        node.put("type", e.type());
        node.put("level", e.level());
        node.put("source", e.source());
        node.put("actor", e.actor());
        node.put("message", e.message());
        node.put("attributes", e.attributes());
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static String hash(String prevHash, String canonical) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prevHash.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hash the entry should have after {@code prevHash}. */
    public static String hashOf(InternalLogEntry e, String prevHash) {
        return hash(prevHash, canonical(e));
    }

    /** JSON with the keys of every object sorted: the stored form of attributes. */
    public static String sortedJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(sorted(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> field = it.next();
                fields.put(field.getKey(), sorted(field.getValue()));
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(sorted(element)));
            return out;
        }
        return node;
    }
}
