-- Contributions requested from other teams, projected from the case events (the case state JSON
-- holds them too) so that a team's workstack finds the requests made of it through an index.
-- id = case id * 2^20 + the contribution's number, as for stage visits. `due` is a civil date in
-- Europe/London (ISO); `status` OPEN, COMPLETED or CANCELLED.
CREATE TABLE contributions (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    number BIGINT NOT NULL,
    team TEXT NOT NULL,
    asked TEXT NOT NULL,
    due TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX contributions_open_by_team ON contributions (team, due) WHERE status = 'OPEN';
