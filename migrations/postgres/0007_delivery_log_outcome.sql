-- Which logged attempts exhausted their delivery's retries, so that the delivery log can be
-- filtered by outcome (GET /api/hooks/{id}/logs?status=exhausted): PostgreSQL's dialect of
-- ../0007_delivery_log_outcome.sql. What differs: BIGINT for INTEGER (a 0/1 flag, as in SQLite).
ALTER TABLE delivery_log ADD COLUMN exhausted BIGINT NOT NULL DEFAULT 0 CHECK (exhausted IN (0, 1));
