package io.casetrail.logs.internal;

import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.casetrail.logs.internal.Checkpoints.Checkpoint;
import io.casetrail.platform.errors.InvalidInput;

/**
 * Re-computes the internal log's hash chain over a range and reports the first entry that does not hold: one that
 * is missing (a gap in the sequence), changed (its hash is not the hash of its content), or out of the chain (its
 * previous hash is not its predecessor's). Checkpoints in the range must be signed by the checkpoint key and name
 * the hash the chain has there; every entry the cadence calls for has one, and (over the whole chain) none names an
 * entry past its end: a rewritten chain cannot hide the checkpoints that give it away, nor its end be cut off with
 * theirs left behind.
 */
@Singleton
public class ChainVerifier {

    static final int PAGE = 1000;

    /** The first problem found. */
    public record Problem(long seq, String entryId, String problem) {
    }

    /** What a verification found. */
    public record Report(long from, long to, long entries, int checkpoints, boolean verified, Problem firstProblem,
                         String keyId) {
    }

    private final InternalLog log;
    private final Checkpoints checkpoints;

    public ChainVerifier(InternalLog log, Checkpoints checkpoints) {
        this.log = log;
        this.checkpoints = checkpoints;
    }

    /**
     * Verifies entries {@code from..to} (clamped to the chain; {@code to} null: up to the head), each
     * {@code every}-th entry having its checkpoint (null: the service's cadence; after a change of cadence, one that
     * every cadence it had divides).
     */
    public Report verify(long from, Long to, Long every) {
        long cadence = every == null ? checkpoints.everyEntries() : every;
        InternalLog.Head head = log.head();
        long first = Math.max(1, from);
        if (first > 1 && first > head.seq()) {
            // nothing there to verify: "verified" would vouch for entries the chain does not have
            throw new InvalidInput("from: past the chain's head, entry " + head.seq());
        }
        long last = to == null ? head.seq() : Math.min(to, head.seq());
        PublicKey key = checkpoints.publicKey();
        Map<Long, Checkpoint> signed = new HashMap<>();
        for (Checkpoint checkpoint : checkpoints.between(first, last)) {
            signed.put(checkpoint.seq(), checkpoint);
        }
        String expectedPrev = HashChain.GENESIS;
        if (first > 1) {
            // the range is tied to the chain by its predecessor: without it, its first entry's link is unchecked
            List<InternalLogEntry> before = log.range(first - 1, first - 1, 1);
            if (before.isEmpty()) {
                return new Report(first, last, 0, 0, false, new Problem(first - 1, null,
                        "entry " + (first - 1) + " is missing"), checkpoints.keyId());
            }
            expectedPrev = before.get(0).hash();
        }
        long expectedSeq = first;
        long count = 0;
        int checked = 0;
        while (expectedSeq <= last) {
            List<InternalLogEntry> page = log.range(expectedSeq, last, PAGE);
            if (page.isEmpty()) {
                return new Report(first, last, count, checked, false, new Problem(expectedSeq, null,
                        "entry " + expectedSeq + " is missing"), checkpoints.keyId());
            }
            for (InternalLogEntry entry : page) {
                if (entry.seq() != expectedSeq) {
                    return new Report(first, last, count, checked, false, new Problem(expectedSeq, null,
                            "entry " + expectedSeq + " is missing"), checkpoints.keyId());
                }
                if (!expectedPrev.equals(entry.prevHash())) {
                    return new Report(first, last, count, checked, false, new Problem(entry.seq(), entry.entryId(),
                            "entry " + entry.seq() + " does not follow entry " + (entry.seq() - 1)
                                    + ": its previous hash differs"), checkpoints.keyId());
                }
                String recomputed = HashChain.hashOf(entry, entry.prevHash());
                if (!recomputed.equals(entry.hash())) {
                    return new Report(first, last, count, checked, false, new Problem(entry.seq(), entry.entryId(),
                            "entry " + entry.seq() + " was changed: its content does not match its hash"),
                            checkpoints.keyId());
                }
                Checkpoint checkpoint = signed.get(entry.seq());
                if (checkpoint == null && entry.seq() % cadence == 0) {
                    // a chain rewritten from here on would hide the checkpoint that gives it away
                    return new Report(first, last, count, checked, false, new Problem(entry.seq(), entry.entryId(),
                            "entry " + entry.seq() + " has no checkpoint, though one is signed every " + cadence
                                    + " entries"), checkpoints.keyId());
                }
                if (checkpoint != null) {
                    if (!checkpoint.hash().equals(entry.hash()) || !Checkpoints.valid(checkpoint, key)) {
                        return new Report(first, last, count, checked, false, new Problem(entry.seq(),
                                entry.entryId(), "the checkpoint at entry " + entry.seq() + " does not vouch for"
                                + " the chain"), checkpoints.keyId());
                    }
                    checked++;
                }
                expectedPrev = entry.hash();
                expectedSeq++;
                count++;
            }
        }
        // a range that reaches the head is the chain's end, checked as such: the head, and checkpoints past it
        boolean toTheEnd = to == null || to >= head.seq();
        if (toTheEnd && count > 0 && !head.hash().equals(expectedPrev)) {
            return new Report(first, last, count, checked, false, new Problem(last, null,
                    "the chain head does not name entry " + last), checkpoints.keyId());
        }
        if (toTheEnd) {
            // the head moved back over entries the log has: it would vouch for a prefix, and the next append clash.
            // An entry appended meanwhile committed with the head that names it, so the head read after it does
            List<InternalLogEntry> pastTheHead = log.range(last + 1, Long.MAX_VALUE, 1);
            if (!pastTheHead.isEmpty() && log.head().seq() < pastTheHead.get(0).seq()) {
                return new Report(first, last, count, checked, false, new Problem(pastTheHead.get(0).seq(),
                        pastTheHead.get(0).entryId(), "the chain head names entry " + last + ", but the log goes on"
                                + " past it with entry " + pastTheHead.get(0).seq()), checkpoints.keyId());
            }
            Optional<Long> orphan = checkpoints.orphanAfter(last);
            if (orphan.isPresent()) {
                return new Report(first, last, count, checked, false, new Problem(orphan.get(), null,
                        "the checkpoint at entry " + orphan.get() + " vouches for entries the log no longer has: it"
                                + " ends at entry " + last), checkpoints.keyId());
            }
        }
        return new Report(first, last, count, checked, true, null, checkpoints.keyId());
    }
}
