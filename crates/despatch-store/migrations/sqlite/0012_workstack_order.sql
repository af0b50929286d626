-- Workstack pages served from an index (issue 4: 100,000 open cases, p95 under 100 ms).
-- The default order, oldest stage deadline first with cases without one last, is an index
-- on the open cases of a team in that order: the page reads its 25 rows from the index instead
-- of sorting every open case. A missing date sorts as 9999-12-31 on both backends.
CREATE INDEX cases_open_by_deadline ON cases (team, COALESCE(stage_deadline, '9999-12-31'), COALESCE(deadline, '9999-12-31'), id, stage, assigned_user)
    WHERE closed_at IS NULL;
-- It replaces the (team, stage) index: a stage or allocation filter is checked on its entries
-- before the row is read, and a change of a case updates one workstack index, not two.
DROP INDEX cases_open_by_team;
-- The workstack columns that live inside the state JSON, kept beside it by the writer so a
-- page needs no case loads: the primary correspondent's name and the primary topic.
-- list_columns is 1 once a write has filled them (rows written before this migration are 0
-- and are read from their state until their next change).
ALTER TABLE cases ADD COLUMN correspondent TEXT;
ALTER TABLE cases ADD COLUMN primary_topic TEXT;
ALTER TABLE cases ADD COLUMN list_columns BIGINT NOT NULL DEFAULT 0;
-- The true total of a workstack page without counting its rows: open cases per team, stage and
-- whether allocated, kept by triggers in the same transaction as every change of a case.
CREATE TABLE workstack_counts (
    team TEXT NOT NULL,
    stage TEXT NOT NULL,
    allocated BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (team, stage, allocated)
);
INSERT INTO workstack_counts (team, stage, allocated, n)
    SELECT team, stage, assigned_user IS NOT NULL, COUNT(*) FROM cases
    WHERE closed_at IS NULL AND team IS NOT NULL AND stage IS NOT NULL
    GROUP BY team, stage, assigned_user IS NOT NULL;
CREATE TRIGGER workstack_counts_insert AFTER INSERT ON cases
WHEN NEW.closed_at IS NULL AND NEW.team IS NOT NULL AND NEW.stage IS NOT NULL
BEGIN
    INSERT INTO workstack_counts (team, stage, allocated, n)
        VALUES (NEW.team, NEW.stage, NEW.assigned_user IS NOT NULL, 1)
        ON CONFLICT (team, stage, allocated) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER workstack_counts_update AFTER UPDATE ON cases
WHEN OLD.team IS NOT NEW.team OR OLD.stage IS NOT NEW.stage
    OR (OLD.assigned_user IS NULL) <> (NEW.assigned_user IS NULL)
    OR (OLD.closed_at IS NULL) <> (NEW.closed_at IS NULL)
BEGIN
    UPDATE workstack_counts SET n = n - 1
        WHERE OLD.closed_at IS NULL AND team = OLD.team AND stage = OLD.stage
          AND allocated = (OLD.assigned_user IS NOT NULL);
    INSERT INTO workstack_counts (team, stage, allocated, n)
        SELECT NEW.team, NEW.stage, NEW.assigned_user IS NOT NULL, 1
        WHERE NEW.closed_at IS NULL AND NEW.team IS NOT NULL AND NEW.stage IS NOT NULL
        ON CONFLICT (team, stage, allocated) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER workstack_counts_delete AFTER DELETE ON cases
WHEN OLD.closed_at IS NULL AND OLD.team IS NOT NULL AND OLD.stage IS NOT NULL
BEGIN
    UPDATE workstack_counts SET n = n - 1
        WHERE team = OLD.team AND stage = OLD.stage AND allocated = (OLD.assigned_user IS NOT NULL);
END;
