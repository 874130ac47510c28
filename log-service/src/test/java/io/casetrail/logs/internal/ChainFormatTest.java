package io.casetrail.logs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * The chain's hash and the checkpoints' signed content are what docs/architecture.md ("Internal logs and audit")
 * tells auditors, who check the log with their own code and log-service's public key: each written here from the
 * document, by hand, and compared with what log-service computes.
 */
class ChainFormatTest {

    static final String GENESIS = "0".repeat(64);

    @Test
    void theHashIsTheSha256OfThePreviousHashANewlineAndTheCanonicalForm() throws Exception {
        InternalLogEntry entry = new InternalLogEntry(1, "e-1", Instant.parse("2026-12-02T08:00:00.123456Z"),
                Instant.parse("2026-12-02T07:59:59.5Z"), InternalLogEntry.EVENT, "org-acme", "00100001", "req-1",
                "io.casetrail.case.assigned.v1", "INFO", "/casetrail/case-service", "lead-lu",
                "Case 00100001 assigned \"now\"\tto tse-tom; déjà", "{\"a\":1,\"b\":[\"x\"]}", GENESIS, null);
        // the fields in the documented order, compact; times in epoch milliseconds; attributes as a string
        String canonical = "{\"seq\":1,\"entryId\":\"e-1\",\"recordedAt\":1796198400123,\"occurredAt\":1796198399500,"
                + "\"kind\":\"EVENT\",\"orgId\":\"org-acme\",\"caseNumber\":\"00100001\",\"requestId\":\"req-1\","
                + "\"type\":\"io.casetrail.case.assigned.v1\",\"level\":\"INFO\",\"source\":\"/casetrail/case-service\","
                + "\"actor\":\"lead-lu\",\"message\":\"Case 00100001 assigned \\\"now\\\"\\tto tse-tom; déjà\","
                + "\"attributes\":\"{\\\"a\\\":1,\\\"b\\\":[\\\"x\\\"]}\"}";
        assertThat(HashChain.canonical(entry)).isEqualTo(canonical);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((GENESIS + "\n" + canonical).getBytes(StandardCharsets.UTF_8)));
        assertThat(HashChain.hashOf(entry, GENESIS)).isEqualTo(expected);

        InternalLogEntry request = new InternalLogEntry(2, "e-2", Instant.ofEpochMilli(5), Instant.ofEpochMilli(4),
                InternalLogEntry.REQUEST, null, null, null, null, null, null, null, null, null, expected, null);
        assertThat(HashChain.canonical(request)).isEqualTo("{\"seq\":2,\"entryId\":\"e-2\",\"recordedAt\":5,"
                + "\"occurredAt\":4,\"kind\":\"REQUEST\",\"orgId\":null,\"caseNumber\":null,\"requestId\":null,"
                + "\"type\":null,\"level\":null,\"source\":null,\"actor\":null,\"message\":null,\"attributes\":null}");
    }

    @Test
    void aCheckpointSignsItsSeqHashAndTimeUnderAFixedLabel() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Instant signedAt = Instant.parse("2026-12-02T08:00:00.123Z");
        String hash = "ab".repeat(32);
        byte[] documented = ("casetrail-internal-log-checkpoint\n42\n" + hash + "\n1796198400123")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(Checkpoints.signedContent(42, hash, signedAt)).isEqualTo(documented);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(keys.getPrivate());
        signer.update(documented);
        String signature = Base64.getEncoder().encodeToString(signer.sign());
        String keyId = Checkpoints.keyId(keys.getPublic());
        assertThat(Checkpoints.valid(new Checkpoints.Checkpoint(42, hash, signedAt, keyId, signature),
                keys.getPublic())).isTrue();
        assertThat(keyId).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(keys.getPublic().getEncoded())).substring(0, 16));
    }
}
