-- Inbound settings of a source (issue 11): how its sender signs, how far a signed timestamp may
-- drift, and how its body maps to SPEC §5's payload: PostgreSQL's dialect of
-- ../0008_source_settings.sql. What differs: BIGINT for INTEGER. Existing sources keep SPEC §5's
-- behaviour.
ALTER TABLE sources ADD COLUMN signature TEXT NOT NULL DEFAULT 'dealflow';
ALTER TABLE sources ADD COLUMN tolerance_seconds BIGINT NOT NULL DEFAULT 300;
-- The mapping as written (JSON text), or NULL: the body is the payload.
ALTER TABLE sources ADD COLUMN mapping TEXT;
-- The preset the source was created from, for display.
ALTER TABLE sources ADD COLUMN preset TEXT;
