package io.casetrail.logs.internal;

import java.time.Instant;

/**
 * One internal log entry, as stored and chained.
 *
 * @param seq         its place in the chain (1, 2, 3, ... without gaps)
 * @param entryId     the CloudEvent id it came from (unique)
 * @param recordedAt  when log-service appended it
 * @param occurredAt  when it happened at its source
 * @param kind        {@code EVENT} (a domain event) or {@code REQUEST} (a service's request log)
 * @param type        the event type, or {@code io.casetrail.log.request.v1}
 * @param level       {@code INFO}, {@code WARN} or {@code ERROR}
 * @param source      the service it came from ({@code /casetrail/<service>})
 * @param actor       the principal that caused it, if any
 * @param attributes  canonical JSON (sorted keys): the event's payload and envelope, or the request's attributes
 * @param prevHash    the hash of entry {@code seq - 1} (64 zeros for the first)
 * @param hash        SHA-256 (hex) of {@code prevHash + "\n" + canonical form}
 */
public record InternalLogEntry(long seq, String entryId, Instant recordedAt, Instant occurredAt, String kind,
                               String orgId, String caseNumber, String requestId, String type, String level,
                               String source, String actor, String message, String attributes, String prevHash,
                               String hash) {

    public static final String EVENT = "EVENT";
    public static final String REQUEST = "REQUEST";
}
