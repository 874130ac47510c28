-- who impersonates, and for which case: no support role changes an org while impersonating in it (DOMAIN.md), so
-- the consented admin actions are refused to an engineer with a running session in the org. Sessions recorded
-- before these columns (an hour at most) carry none.
ALTER TABLE impersonation_session ADD COLUMN engineer VARCHAR(255);
ALTER TABLE impersonation_session ADD COLUMN case_number VARCHAR(16);
CREATE INDEX ix_impersonation_session_engineer ON impersonation_session (org_id, engineer);
