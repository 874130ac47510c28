package io.casetrail.escalations.command;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.casetrail.platform.store.Jdbc;

/**
 * {@link EscalationsByCase} in table {@code case_escalation_ref}, in the caller's transaction. Escalations the
 * escalation view holds and the table does not (raised before it existed, not yet projected when it was filled)
 * count as raised before any closure.
 */
@Singleton
public class CaseEscalationRefs implements EscalationsByCase {

    /** The statuses of ended escalations, as an SQL list. */
    private static final String ENDED = Arrays.stream(EscalationStatus.values()).filter(status -> !status.isActive())
            .map(status -> "'" + status.name() + "'").collect(Collectors.joining(", ", "(", ")"));

    private final Jdbc jdbc;

    public CaseEscalationRefs(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void add(String caseNumber, String escalationId, Long caseStatusSequence) {
        jdbc.update("INSERT INTO case_escalation_ref (case_number, escalation_id, case_status_seq) VALUES (?, ?, ?)",
                caseNumber, escalationId, caseStatusSequence);
    }

    /** The case the escalation was raised on, as the raise recorded it (or the escalation view, for older ones). */
    public Optional<String> caseOf(String escalationId) {
        return jdbc.queryOne("SELECT case_number FROM case_escalation_ref WHERE escalation_id = ?"
                + " UNION SELECT case_number FROM escalation_view WHERE escalation_id = ?", row -> row.getString(1),
                escalationId, escalationId);
    }

    @Override
    public Optional<String> intermediaryBesides(String caseNumber, String escalationId) {
        return jdbc.queryOne("SELECT manager_id FROM escalation_view WHERE case_number = ? AND escalation_id <> ?"
                + " AND manager_id IS NOT NULL AND status NOT IN " + ENDED + " ORDER BY manager_since DESC LIMIT 1",
                row -> row.getString(1), caseNumber, escalationId);
    }

    @Override
    public List<String> raisedBefore(String caseNumber, long sequence) {
        return jdbc.query("SELECT escalation_id FROM case_escalation_ref WHERE case_number = ?"
                + " AND (case_status_seq IS NULL OR case_status_seq < ?)"
                + " UNION SELECT v.escalation_id FROM escalation_view v WHERE v.case_number = ?"
                + " AND NOT EXISTS (SELECT 1 FROM case_escalation_ref r WHERE r.escalation_id = v.escalation_id)"
                + " ORDER BY 1", row -> row.getString(1), caseNumber, sequence, caseNumber);
    }
}
