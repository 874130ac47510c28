/**
 * Research in a customer org and the consented admin actions support may take. A skeleton for now: the service starts alone on the shared platform (event store, Kafka relay,
 * health, OpenAPI, metrics); its own issue adds the domain.
 */
package io.casetrail.orgadmin;
