package io.casetrail.platform.axon;

import java.util.UUID;

import org.axonframework.common.IdentifierFactory;

/**
 * Axon's message identifiers (an event's is its {@code eventidentifier} in the event table, its timeline entry's
 * key and its CloudEvent's {@code ce_id}) and the deadlines' ids as time-ordered UUIDs (version 7, RFC 9562): the
 * first 48 bits the milliseconds since the epoch, the other 74 of a random UUID's. Found by Axon through
 * {@code META-INF/services}.
 *
 * <p>Each of those ids is the key of a unique index. A random UUID lands anywhere in its index, so once an index
 * outgrows PostgreSQL's shared buffers nearly every insert reads a leaf page in from the operating system and
 * evicts another, and the cost of a command grows with the tables (at 64 clients, the commands' rate fell by a
 * tenth from the third minute to the fifth of a run as the tables grew). A time-ordered one lands at the index's
 * right edge, in pages already in memory, however large the index grows. Uniqueness is a random UUID's less 48 bits:
 * 74 random bits within one millisecond.
 */
public final class TimeOrderedIdentifiers extends IdentifierFactory {

    /** A new id: what Axon's messages get too. */
    public static String next() {
        UUID random = UUID.randomUUID();
        long millis = System.currentTimeMillis();
        // 48 bits of milliseconds, the version (7), then 12 random bits
        long high = (millis << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL);
        // the random UUID's low half keeps its variant bits (10)
        return new UUID(high, random.getLeastSignificantBits()).toString();
    }

    @Override
    public String generateIdentifier() {
        return next();
    }
}
