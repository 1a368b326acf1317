-- Leases of roles only one process may run at a time (the projector), taken over when the holder
-- stops renewing (docs/operations.md).

CREATE TABLE leases (
    name  TEXT    PRIMARY KEY,
    owner TEXT    NOT NULL,
    until INTEGER NOT NULL   -- UTC microseconds, on the writer's clock
) STRICT;
