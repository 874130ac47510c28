-- A case's team as long as the cases' views keep it (known_case.team, case_view.team: 255 characters): 64 refused the
-- view's row of an escalation of a longer-named team, and the view, stuck on that event, showed no escalation after it.
ALTER TABLE escalation_view ALTER COLUMN team SET DATA TYPE VARCHAR(255);
