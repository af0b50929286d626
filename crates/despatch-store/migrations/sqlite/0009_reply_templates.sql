-- Reply templates, one per case type and signing team, managed by administrators. `team` is ''
-- for the case type's default (so the primary key holds one default per case type). `template`
-- is the template as TOML (one `[[templates]]` entry, as despatch-docs reads and checks it); the
-- name is kept beside it for listing. Who changed it last and when (UTC, RFC 3339).
CREATE TABLE reply_templates (
    case_type TEXT NOT NULL,
    team TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    template TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (case_type, team)
);
