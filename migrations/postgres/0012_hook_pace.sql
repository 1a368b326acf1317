-- How fast a hook is sent to (issue 16), requests in flight at once (1 keeps strict order) and an
-- optional limit of requests per second: PostgreSQL's dialect of ../0012_hook_pace.sql. What
-- differs: BIGINT for INTEGER.
ALTER TABLE hooks ADD COLUMN max_in_flight BIGINT NOT NULL DEFAULT 1 CHECK (max_in_flight BETWEEN 1 AND 64);
ALTER TABLE hooks ADD COLUMN rate_limit BIGINT CHECK (rate_limit BETWEEN 1 AND 10000);
