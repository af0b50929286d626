-- Bearer tokens for service accounts calling the JSON API. `id` is the SHA-256 (hex) of the
-- token, which is shown once when it is made and never stored, so a copy of the database holds
-- no usable token. A token is named by its user and a label; revoking it keeps the row (with the
-- time, UTC RFC 3339) so a label can be reused only once the old token is revoked.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX api_tokens_live_label ON api_tokens (user_name, label) WHERE revoked_at IS NULL;
