-- PostgreSQL's dialect of ../0014_master_key_check.sql: BIGINT for INTEGER, no STRICT.

CREATE TABLE master_key_check (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    sealed     TEXT   NOT NULL,
    created_at BIGINT NOT NULL   -- UTC microseconds
);
