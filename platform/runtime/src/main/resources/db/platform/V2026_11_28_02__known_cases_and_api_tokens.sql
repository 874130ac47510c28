-- Read models the platform keeps for the services that enable them (casetrail.known-cases.enabled,
-- casetrail.api-tokens.enabled); elsewhere they stay empty.

-- Cases as other contexts know them, from casetrail.case.v1.
CREATE TABLE known_case (
    case_number VARCHAR(16)  NOT NULL,
    org_id      VARCHAR(255) NOT NULL,
    subject     VARCHAR(500),
    team        VARCHAR(255),
    assignee    VARCHAR(255),
    opened_by   VARCHAR(255),
    status      VARCHAR(40)  NOT NULL,
    PRIMARY KEY (case_number)
);
CREATE INDEX ix_known_case_org ON known_case (org_id, status);
CREATE INDEX ix_known_case_assignee ON known_case (assignee, org_id);

-- Active org API tokens (SSWS), by the SHA-256 of their secret, from casetrail.access.v1.
CREATE TABLE api_token_registry (
    token_hash      VARCHAR(64)  NOT NULL,
    token_id        VARCHAR(64)  NOT NULL,
    org_id          VARCHAR(255) NOT NULL,
    name            VARCHAR(255) NOT NULL,
    role            VARCHAR(64)  NOT NULL,
    created_by      VARCHAR(255) NOT NULL,
    created_by_name VARCHAR(255),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (token_hash)
);
CREATE UNIQUE INDEX ux_api_token_id ON api_token_registry (token_id);
