/**
 * Escalations to Engineering through approval chains, with escalation managers. A skeleton for now: the service starts alone on the shared platform (event store, Kafka relay,
 * health, OpenAPI, metrics); its own issue adds the domain.
 */
package io.casetrail.escalations;
