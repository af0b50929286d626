-- Notifications through a transactional outbox: each message is written in the same transaction
-- as the case change that causes it, and sent later by a worker, which marks it sent. One message
-- per (case, key): a deadline sweep that runs twice adds nothing. Times are Unix milliseconds
-- (UTC). A worker claims a due message by moving its due time on by a lease, so a worker that
-- dies mid-send leaves the message due again once the lease runs out. The id never changes and
-- names the message (its Message-ID), so a resend after a crash is recognisable.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL,
    message_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    due_ms BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    sent_ms BIGINT,
    last_error TEXT,
    UNIQUE (case_id, message_key)
);
CREATE INDEX outbox_due ON outbox (due_ms) WHERE sent_ms IS NULL;

-- Teams' nominated mailboxes, and named recipients outside the department (NUMBER_TEN).
ALTER TABLE teams ADD COLUMN mailbox TEXT;
CREATE TABLE recipients (name TEXT PRIMARY KEY, address TEXT NOT NULL);
