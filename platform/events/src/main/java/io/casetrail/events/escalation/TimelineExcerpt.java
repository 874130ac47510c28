package io.casetrail.events.escalation;

import java.time.Instant;

/**
 * One entry of the case timeline as escalation-service saw it when the escalation was raised.
 *
 * @param type  the case event's CloudEvent type
 * @param actor who caused it (display name)
 * @param text  what it said, cut to 500 characters (subject, body, summary or reason of the case event)
 */
public record TimelineExcerpt(Instant at, String type, String actor, String text) {
}
