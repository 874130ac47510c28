package io.casetrail.escalations.command;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.casetrail.platform.store.Jdbc;

/**
 * {@link EscalationsByCase} in table {@code case_escalation_ref}, in the caller's transaction. Whether an escalation
 * has ended is read from the escalation view: one ended a moment ago may still count as active there, which can only
 * refuse a manager's take until the view catches up, never let one through.
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
        return jdbc.queryOne("SELECT case_number FROM case_escalation_ref WHERE escalation_id = ?",
                row -> row.getString(1), escalationId);
    }

    @Override
    public Optional<String> intermediaryBesides(String caseNumber, String escalationId) {
        holdEscalationsOf(caseNumber);
        return jdbc.queryOne("SELECT r.manager_id FROM case_escalation_ref r WHERE r.case_number = ?"
                + " AND r.escalation_id <> ? AND r.manager_id IS NOT NULL AND NOT EXISTS (SELECT 1"
                + " FROM escalation_view v WHERE v.escalation_id = r.escalation_id AND v.status IN " + ENDED + ")"
                + " ORDER BY r.manager_seq DESC LIMIT 1", row -> row.getString(1), caseNumber, escalationId);
    }

    @Override
    public long managerAssigned(String caseNumber, String escalationId, String managerId) {
        holdEscalationsOf(caseNumber);
        // the case's escalations held: later than any assignment committed before
        long latest = jdbc.queryOne("SELECT COALESCE(MAX(manager_seq), 0) FROM case_escalation_ref"
                + " WHERE case_number = ?", row -> row.getLong(1), caseNumber).orElse(0L);
        if (jdbc.update("UPDATE case_escalation_ref SET manager_id = ?, manager_seq = ? WHERE case_number = ?"
                + " AND escalation_id = ?", managerId, latest + 1, caseNumber, escalationId) == 0) {
            // raised before the table kept the case's escalations and not in the view when it was filled
            jdbc.update("INSERT INTO case_escalation_ref (case_number, escalation_id, manager_id, manager_seq)"
                    + " VALUES (?, ?, ?, ?)", caseNumber, escalationId, managerId, latest + 1);
        }
        return latest + 1;
    }

    /** Locks the case's escalations' rows, in one order, until the transaction ends. */
    private void holdEscalationsOf(String caseNumber) {
        jdbc.query("SELECT escalation_id FROM case_escalation_ref WHERE case_number = ? ORDER BY escalation_id"
                + " FOR UPDATE", row -> row.getString(1), caseNumber);
    }

    @Override
    public List<String> raisedBefore(String caseNumber, long sequence) {
        return jdbc.query("SELECT escalation_id FROM case_escalation_ref WHERE case_number = ?"
                + " AND (case_status_seq IS NULL OR case_status_seq < ?) ORDER BY 1", row -> row.getString(1),
                caseNumber, sequence);
    }
}
