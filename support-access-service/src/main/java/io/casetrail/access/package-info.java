/**
 * Support access (impersonation) granted by the org's Super Administrator. A skeleton for now: the service starts alone on the shared platform (event store, Kafka relay,
 * health, OpenAPI, metrics); its own issue adds the domain.
 */
package io.casetrail.access;
