package io.casetrail.cases.query;

import java.util.Optional;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.EventJson;
import io.casetrail.platform.logging.CaseOrgLookup;
import io.casetrail.platform.store.Jdbc;

/**
 * The org of a case, from the event store (the authority, never behind a projection): what other contexts' events
 * about a case are checked against before they touch it.
 */
@Singleton
public class CaseOrgs implements CaseOrgLookup {

    private static final ObjectMapper JSON = EventJson.newMapper();

    private final Jdbc jdbc;

    public CaseOrgs(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<String> orgOf(String caseNumber) throws Exception {
        Optional<byte[]> opened = jdbc.queryOne("SELECT payload FROM domainevententry WHERE aggregateidentifier = ?"
                + " AND sequencenumber = 0", row -> row.getBytes(1), caseNumber);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(JSON.readTree(opened.get()).path("orgId").asText(null));
    }

    /** Whether the case exists here and is a case of that org. */
    public boolean isCaseOf(String caseNumber, String orgId) throws Exception {
        return caseNumber != null && orgOf(caseNumber).map(org -> org.equals(orgId)).orElse(false);
    }
}
