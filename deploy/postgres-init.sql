-- One database per service (docker-compose.yml mounts this into PostgreSQL's init directory).
CREATE DATABASE casetrail_case;
CREATE DATABASE casetrail_orgadmin;
CREATE DATABASE casetrail_access;
CREATE DATABASE casetrail_log;
CREATE DATABASE casetrail_escalation;
