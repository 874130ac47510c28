-- Secondary indexes a projection's rebuild dropped while it writes the projection's rows again (PostgreSQL only),
-- each with the statement that creates it. The rebuild creates them again and removes them from here when it ends;
-- a service that starts with rows here (a rebuild cut short by a crash) creates them at start (ProjectionRebuilds).
CREATE TABLE casetrail_deferred_index (
    index_name VARCHAR(255) NOT NULL,
    processor  VARCHAR(255) NOT NULL,
    definition TEXT         NOT NULL,
    PRIMARY KEY (index_name)
);
