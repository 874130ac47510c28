-- Everyone who approved a step of an escalation so far: nobody approves two steps of one chain, so a later step is
-- not pending for them. Escalations in flight start with their current step's approvers (a projection rebuild
-- fills in the earlier steps' from the events).
ALTER TABLE escalation_view ADD COLUMN approvers VARCHAR(4000) DEFAULT '' NOT NULL;
UPDATE escalation_view SET approvers = step_approvers;
