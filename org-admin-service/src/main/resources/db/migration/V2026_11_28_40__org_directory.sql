-- org-admin-service: the copy of each org's identity-platform data that support researches (loaded by the directory
-- import; changed by the consented actions), and the consents as listed. PostgreSQL and H2 (PostgreSQL mode).
CREATE TABLE dir_org (
    org_id      VARCHAR(255)  NOT NULL,
    name        VARCHAR(255)  NOT NULL,
    org_url     VARCHAR(2048) NOT NULL,
    imported_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (org_id)
);

CREATE TABLE dir_user (
    org_id              VARCHAR(255) NOT NULL,
    id                  VARCHAR(64)  NOT NULL,
    login               VARCHAR(255) NOT NULL,
    first_name          VARCHAR(255),
    last_name           VARCHAR(255),
    email               VARCHAR(255) NOT NULL,
    second_email        VARCHAR(255),
    status              VARCHAR(32)  NOT NULL,
    recovery_token_hash VARCHAR(64),
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX ux_dir_user_login ON dir_user (org_id, login);

CREATE TABLE dir_factor (
    org_id      VARCHAR(255) NOT NULL,
    user_id     VARCHAR(64)  NOT NULL,
    id          VARCHAR(64)  NOT NULL,
    factor_type VARCHAR(64)  NOT NULL,
    provider    VARCHAR(64)  NOT NULL,
    status      VARCHAR(32)  NOT NULL,
    PRIMARY KEY (org_id, user_id, id)
);

CREATE TABLE dir_group (
    org_id      VARCHAR(255) NOT NULL,
    id          VARCHAR(64)  NOT NULL,
    name        VARCHAR(255) NOT NULL,
    description VARCHAR(1000),
    PRIMARY KEY (org_id, id)
);

CREATE TABLE dir_group_member (
    org_id   VARCHAR(255) NOT NULL,
    group_id VARCHAR(64)  NOT NULL,
    user_id  VARCHAR(64)  NOT NULL,
    PRIMARY KEY (org_id, group_id, user_id)
);

CREATE TABLE dir_app (
    org_id       VARCHAR(255) NOT NULL,
    id           VARCHAR(64)  NOT NULL,
    name         VARCHAR(255) NOT NULL,
    label        VARCHAR(255) NOT NULL,
    status       VARCHAR(32)  NOT NULL,
    sign_on_mode VARCHAR(64),
    PRIMARY KEY (org_id, id)
);

-- policies (with their rules), profile mappings, profile sources: read as documents by the admin view
CREATE TABLE dir_document (
    org_id VARCHAR(255) NOT NULL,
    kind   VARCHAR(32)  NOT NULL,
    id     VARCHAR(64)  NOT NULL,
    body   TEXT         NOT NULL,
    PRIMARY KEY (org_id, kind, id)
);

CREATE TABLE dir_feature (
    org_id       VARCHAR(255) NOT NULL,
    id           VARCHAR(64)  NOT NULL,
    name         VARCHAR(255) NOT NULL,
    description  VARCHAR(1000),
    status       VARCHAR(16)  NOT NULL,
    stage        VARCHAR(255),
    dependencies VARCHAR(2000) NOT NULL,
    PRIMARY KEY (org_id, id)
);

-- consents as the consent endpoints list them
CREATE TABLE consent_view (
    consent_id   VARCHAR(36)   NOT NULL,
    org_id       VARCHAR(255)  NOT NULL,
    case_number  VARCHAR(16)   NOT NULL,
    given_by     VARCHAR(255)  NOT NULL,
    channel      VARCHAR(16)   NOT NULL,
    given_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    action_kinds VARCHAR(255)  NOT NULL,
    target_users VARCHAR(4000) NOT NULL,
    feature_flags VARCHAR(4000) NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_by  VARCHAR(255)  NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    ended_at     TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (consent_id)
);
CREATE INDEX ix_consent_case ON consent_view (case_number);

-- impersonation sessions as support-access-service reports them (the admin view accepts running sessions only)
CREATE TABLE impersonation_session (
    session_id VARCHAR(36)  NOT NULL,
    org_id     VARCHAR(255) NOT NULL,
    ends_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    ended      BOOLEAN      NOT NULL,
    PRIMARY KEY (session_id)
);
