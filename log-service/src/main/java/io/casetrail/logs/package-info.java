/**
 * The org's System Log, append-only internal logs and audit replay. A skeleton for now: the service starts alone on the shared platform (event store, Kafka relay,
 * health, OpenAPI, metrics); its own issue adds the domain.
 */
package io.casetrail.logs;
