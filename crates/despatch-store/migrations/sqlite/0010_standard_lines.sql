-- Standard lines: agreed wording per topic that a drafter is offered until it expires. `expires`
-- is a civil date in Europe/London (ISO, inclusive: the line may be used on that day); instants
-- are UTC RFC 3339. A retired line is kept (with who and when) but no longer offered or listed
-- as current; a topic and title name one current line.
CREATE TABLE standard_lines (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    expires TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    retired_by TEXT,
    retired_at TEXT
);
CREATE UNIQUE INDEX standard_lines_current_title ON standard_lines (topic, title) WHERE retired_at IS NULL;
