-- Every org a domain event in the internal log names, written with the event's entry (under the chain head's lock),
-- so that the customer's view of support activity learns which orgs to hide without reading the whole log.
CREATE TABLE internal_log_org (
    org_id  VARCHAR(255)  NOT NULL,
    PRIMARY KEY (org_id)
);
INSERT INTO internal_log_org (org_id)
    SELECT DISTINCT org_id FROM internal_log WHERE kind = 'EVENT' AND org_id IS NOT NULL;
