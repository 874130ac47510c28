-- Pending approvals and board columns read pages in (time, id) order within a status: an index per order, so that
-- a page continues where the last one ended without sorting the status's rows again.
DROP INDEX ix_escalation_status;
CREATE INDEX ix_escalation_status ON escalation_view (status, updated_at, escalation_id);
CREATE INDEX ix_escalation_status_raised ON escalation_view (status, raised_at, escalation_id);
