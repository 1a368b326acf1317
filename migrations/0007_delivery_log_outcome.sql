-- Which logged attempts exhausted their delivery's retries, so that the delivery log can be
-- filtered by outcome (GET /api/hooks/{id}/logs?status=exhausted).
ALTER TABLE delivery_log ADD COLUMN exhausted INTEGER NOT NULL DEFAULT 0 CHECK (exhausted IN (0, 1));
