-- Sign-in: local accounts (argon2id hashes) and server-side sessions for the web application.
-- Accounts are kept apart from the directory's `users` table, which an administrator's directory
-- save replaces wholesale; an account names a user by the same user name.
CREATE TABLE accounts (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    administrator BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- One row per signed-in browser. `id` is the SHA-256 (hex) of the cookie's token, so a copy of
-- the database does not hold usable session cookies. Times are Unix seconds (UTC).
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_unix BIGINT NOT NULL,
    seen_unix BIGINT NOT NULL
);
CREATE INDEX sessions_by_seen ON sessions (seen_unix);
CREATE INDEX sessions_by_user ON sessions (user_name);
