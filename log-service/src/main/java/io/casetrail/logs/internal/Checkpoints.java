package io.casetrail.logs.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.casetrail.platform.security.PemKeys;
import io.casetrail.platform.store.Jdbc;

/**
 * Signed checkpoints of the internal log: the chain head ({@code seq}, {@code hash}) signed with log-service's
 * checkpoint key (SHA256withRSA), every {@code casetrail.internal-log.checkpoint.every-entries} entries and, when
 * entries came since the last one, every {@code casetrail.internal-log.checkpoint.interval}. With the public key,
 * anyone can check that the chain up to a checkpoint is the one log-service vouched for.
 */
@Singleton
public class Checkpoints {

    /** A signed chain head. */
    public record Checkpoint(long seq, String hash, Instant signedAt, String keyId, String signature) {
    }

    private final Jdbc jdbc;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;
    private final long everyEntries;

    public Checkpoints(Jdbc jdbc,
                       @ConfigProperty(name = "casetrail.internal-log.checkpoint.private-key-location") String privateKey,
                       @ConfigProperty(name = "casetrail.internal-log.checkpoint.public-key-location") String publicKey,
                       @ConfigProperty(name = "casetrail.internal-log.checkpoint.every-entries") long everyEntries) {
        if (everyEntries < 1) {
            // every append would divide by it and fail, holding the internal log up for good: no start instead
            throw new IllegalArgumentException("casetrail.internal-log.checkpoint.every-entries is to be 1 or more: "
                    + everyEntries);
        }
        this.jdbc = jdbc;
        this.privateKey = PemKeys.privateKey(privateKey);
        this.publicKey = PemKeys.publicKey(publicKey);
        this.keyId = keyId(this.publicKey);
        this.everyEntries = everyEntries;
    }

    /** The first 16 hex digits of the key's {@linkplain #fingerprint fingerprint}. */
    public static String keyId(PublicKey key) {
        return fingerprint(key).substring(0, 16);
    }

    /**
     * The SHA-256 of the public key's encoding (X.509 SubjectPublicKeyInfo, DER), in hex: what an auditor pins
     * ({@code openssl pkey -pubin -in checkpoint-public.pem -outform DER | sha256sum} gives the same).
     */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a checkpoint's signature covers. */
    public static byte[] signedContent(long seq, String hash, Instant signedAt) {
        return ("casetrail-internal-log-checkpoint\n" + seq + "\n" + hash + "\n" + signedAt.toEpochMilli())
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the chain head just appended is due for a checkpoint by count. */
    public boolean dueAt(long seq) {
        return seq % everyEntries == 0;
    }

    /** Signs the head, in the caller's transaction (unless that head is already signed). */
    public void sign(long seq, String hash, Instant now) {
        if (jdbc.queryOne("SELECT 1 FROM internal_log_checkpoint WHERE seq = ?", row -> 1, seq).isPresent()) {
            return;
        }
        Instant signedAt = HashChain.precise(now);
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(privateKey);
            signer.update(signedContent(seq, hash, signedAt));
            jdbc.update("INSERT INTO internal_log_checkpoint (seq, hash, signed_at, key_id, signature)"
                    + " VALUES (?, ?, ?, ?, ?)", seq, hash, signedAt, keyId,
                    Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the internal log checkpoint at " + seq, e);
        }
    }

    /** Whether the checkpoint's signature is log-service's over its head. */
    public static boolean valid(Checkpoint checkpoint, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(signedContent(checkpoint.seq(), checkpoint.hash(), checkpoint.signedAt()));
            return verifier.verify(Base64.getDecoder().decode(checkpoint.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The checkpoints at entries from..to, in chain order. */
    public List<Checkpoint> between(long from, long to) {
        return between(from, to, Integer.MAX_VALUE);
    }

    /** The first {@code limit} checkpoints at entries from..to, in chain order. */
    public List<Checkpoint> between(long from, long to, int limit) {
        return jdbc.query("SELECT seq, hash, signed_at, key_id, signature FROM internal_log_checkpoint"
                + " WHERE seq BETWEEN ? AND ? ORDER BY seq LIMIT " + limit, row -> new Checkpoint(row.getLong("seq"),
                row.getString("hash"), Jdbc.instant(row, "signed_at"), row.getString("key_id"),
                row.getString("signature")), from, to);
    }

    /** How many entries apart checkpoints are signed by count. */
    public long everyEntries() {
        return everyEntries;
    }

    /**
     * The first checkpoint after entry {@code after} that names an entry the log does not have (its end cut off
     * with the head moved back, the checkpoints left behind), if any. One statement: an entry and its checkpoint
     * are appended together, so one appended meanwhile is never taken for such.
     */
    public Optional<Long> orphanAfter(long after) {
        return jdbc.queryOne("SELECT c.seq FROM internal_log_checkpoint c WHERE c.seq > ? AND NOT EXISTS"
                + " (SELECT 1 FROM internal_log e WHERE e.seq = c.seq) ORDER BY c.seq LIMIT 1",
                row -> row.getLong(1), after);
    }

    public Optional<Checkpoint> latest() {
        return jdbc.queryOne("SELECT seq, hash, signed_at, key_id, signature FROM internal_log_checkpoint"
                + " ORDER BY seq DESC LIMIT 1", row -> new Checkpoint(row.getLong("seq"), row.getString("hash"),
                Jdbc.instant(row, "signed_at"), row.getString("key_id"), row.getString("signature")));
    }
}
