-- PostgreSQL's dialect of ../0015_leases.sql: BIGINT for INTEGER, no STRICT.

CREATE TABLE leases (
    name  TEXT   PRIMARY KEY,
    owner TEXT   NOT NULL,
    until BIGINT NOT NULL   -- UTC microseconds, on the writer's clock
);
