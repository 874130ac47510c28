package io.casetrail.escalations.command;

import java.util.List;

import jakarta.inject.Singleton;

import io.casetrail.platform.store.Jdbc;

/** {@link EscalationsByCase} in table {@code case_escalation_ref}, in the caller's transaction. */
@Singleton
public class CaseEscalationRefs implements EscalationsByCase {

    private final Jdbc jdbc;

    public CaseEscalationRefs(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void add(String caseNumber, String escalationId) {
        jdbc.update("INSERT INTO case_escalation_ref (case_number, escalation_id) VALUES (?, ?)", caseNumber,
                escalationId);
    }

    @Override
    public List<String> of(String caseNumber) {
        return jdbc.query("SELECT escalation_id FROM case_escalation_ref WHERE case_number = ? ORDER BY escalation_id",
                row -> row.getString(1), caseNumber);
    }
}
