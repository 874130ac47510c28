package io.casetrail.platform.logging;

import java.util.Optional;

/**
 * The org a case is for, as the service answering a request knows it: a request about a case by a principal bound
 * to no org (support, Engineering, an auditor) is filed under the case's org in its request log, so that the
 * internal log's org filter finds it, as it finds the case's events. case-service reads it from its event store,
 * the other services from the cases they know ({@code known_case}). Asked on the request log's sending thread.
 */
public interface CaseOrgLookup {

    /** The case's org; empty for a case this service does not know. */
    Optional<String> orgOf(String caseNumber) throws Exception;
}
