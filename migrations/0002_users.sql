-- Users of the API and their tokens (SPEC §8). Passwords and tokens are argon2 hashes; none of
-- this is in the event log.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'analyst')),
    password_hash TEXT    NOT NULL,
    first_name    TEXT,
    last_name     TEXT,
    email         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    token_hash TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
