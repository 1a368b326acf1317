-- How fast a hook is sent to (issue 16): requests in flight at once (1 keeps strict order) and an
-- optional limit of requests per second.
ALTER TABLE hooks ADD COLUMN max_in_flight INTEGER NOT NULL DEFAULT 1 CHECK (max_in_flight BETWEEN 1 AND 64);
ALTER TABLE hooks ADD COLUMN rate_limit INTEGER CHECK (rate_limit BETWEEN 1 AND 10000);
