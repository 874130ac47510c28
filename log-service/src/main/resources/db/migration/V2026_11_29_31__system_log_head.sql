-- One row whose lock orders System Log appends: each entry draws its sequence and commits under it, so entries
-- commit in sequence order even when several log-service instances append, and a poller whose cursor has passed
-- a sequence never misses an entry committed later under a lower one.
CREATE TABLE system_log_head (
    id INTEGER NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO system_log_head (id) VALUES (1);
