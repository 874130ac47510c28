-- The order of a case's escalations' managers, as their assignments were stored: the global index of each
-- escalation's latest EscalationManagerAssigned event, not the time of the escalation's last change that
-- V2026_12_01_60 took from the view (a later update to an earlier-assigned escalation made its manager the latest).
-- Assignments made from now on number on from the case's highest (CaseEscalationRefs.managerAssigned).
UPDATE case_escalation_ref SET manager_seq = (SELECT MAX(e.globalindex) FROM domainevententry e
        WHERE e.aggregateidentifier = case_escalation_ref.escalation_id
        AND e.payloadtype LIKE '%EscalationManagerAssigned')
    WHERE manager_id IS NOT NULL AND EXISTS (SELECT 1 FROM domainevententry e
        WHERE e.aggregateidentifier = case_escalation_ref.escalation_id
        AND e.payloadtype LIKE '%EscalationManagerAssigned');
