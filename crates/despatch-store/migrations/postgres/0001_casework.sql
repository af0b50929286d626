-- Casework: cases, their stage visits, their hash-chained events, search, and the organisation.
-- Stage visits and events are keyed id = case id * 2^20 + visit or event number: one b-tree
-- each, clustered by case, with no second index (a case's rows are one id range).
CREATE TABLE sequences (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO sequences (name, value) VALUES ('case_reference', 0);

CREATE TABLE cases (
    id BIGINT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    legacy_reference TEXT,
    case_type TEXT NOT NULL,
    version BIGINT NOT NULL,
    stage TEXT,
    team TEXT,
    assigned_user TEXT,
    stage_deadline TEXT,
    deadline TEXT,
    received TEXT NOT NULL,
    closed_at TEXT,
    last_event_seq BIGINT NOT NULL,
    last_event_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX cases_open_by_team ON cases (team, stage) WHERE closed_at IS NULL;
CREATE INDEX cases_by_user ON cases (assigned_user) WHERE assigned_user IS NOT NULL;
CREATE INDEX cases_by_legacy_reference ON cases (legacy_reference) WHERE legacy_reference IS NOT NULL;

CREATE TABLE stage_visits (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    visit BIGINT NOT NULL,
    stage TEXT NOT NULL,
    team TEXT NOT NULL,
    assigned_user TEXT,
    deadline TEXT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    completed_by TEXT
);

-- Each event's hash covers the hash of the event before it (audit.rs), so that previous hash is
-- not stored again; the time and actor are inside the body.
CREATE TABLE case_events (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'case_events is append-only'; END $$;
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- Full-text search: one row per case (id = -case id, replaced when the case's own text
-- changes) and one row per note or document (positive ids, appended).
CREATE SEQUENCE search_ids;
CREATE TABLE search (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
);
CREATE INDEX search_tsv ON search USING gin (tsv);
CREATE INDEX search_case ON search (case_id);

-- Documents: bytes stored once per content (SHA-256), linked to the cases that hold them.
CREATE TABLE documents (sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, size BIGINT NOT NULL,
    bytes BYTEA NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE case_documents (case_id BIGINT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL,
    tag TEXT NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY (case_id, sha256));
CREATE INDEX case_documents_by_content ON case_documents (sha256);

CREATE TABLE units (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE teams (code TEXT PRIMARY KEY, name TEXT NOT NULL, unit TEXT NOT NULL, active BIGINT NOT NULL);
CREATE TABLE topics (code TEXT PRIMARY KEY, name TEXT NOT NULL, parent TEXT, active BIGINT NOT NULL);
CREATE TABLE topic_links (case_type TEXT NOT NULL, stage TEXT NOT NULL, topic TEXT NOT NULL, team TEXT NOT NULL,
    PRIMARY KEY (case_type, stage, topic));
CREATE TABLE users (name TEXT PRIMARY KEY, display_name TEXT NOT NULL, email TEXT);
CREATE TABLE memberships (user_name TEXT NOT NULL, team TEXT NOT NULL, PRIMARY KEY (user_name, team));

CREATE TABLE bank_holidays (id BIGINT PRIMARY KEY, feed TEXT NOT NULL, loaded_at TEXT NOT NULL);
