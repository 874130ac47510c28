-- support-access-service read models. SQL that runs on PostgreSQL and on H2 in PostgreSQL mode.

-- Every grant, active or ended.
CREATE TABLE access_grant (
    grant_id    VARCHAR(36)   NOT NULL,
    org_id      VARCHAR(255)  NOT NULL,
    scope       VARCHAR(8)    NOT NULL,
    case_number VARCHAR(16),
    granted_by  VARCHAR(255)  NOT NULL,
    granted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    status      VARCHAR(10)   NOT NULL,
    ended_at    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (grant_id)
);
CREATE INDEX ix_access_grant_org ON access_grant (org_id, status);

-- Every impersonation session, active or ended.
CREATE TABLE access_session (
    session_id  VARCHAR(36)   NOT NULL,
    org_id      VARCHAR(255)  NOT NULL,
    case_number VARCHAR(16)   NOT NULL,
    grant_id    VARCHAR(36)   NOT NULL,
    engineer    VARCHAR(255)  NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at    TIMESTAMP WITH TIME ZONE,
    end_reason  VARCHAR(20),
    PRIMARY KEY (session_id)
);
CREATE INDEX ix_access_session_org ON access_session (org_id, ended_at);

-- Org API tokens (never their secrets).
CREATE TABLE api_token_view (
    token_id   VARCHAR(64)   NOT NULL,
    org_id     VARCHAR(255)  NOT NULL,
    name       VARCHAR(255)  NOT NULL,
    created_by VARCHAR(255)  NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (token_id)
);
CREATE INDEX ix_api_token_view_org ON api_token_view (org_id);

-- Which org a session belongs to, written in the transaction that starts it (so that a stop right after a start
-- finds it: the read models may lag a moment behind the commands).
CREATE TABLE session_directory (
    session_id VARCHAR(36)  NOT NULL,
    org_id     VARCHAR(255) NOT NULL,
    PRIMARY KEY (session_id)
);
