-- Workstack pages served from an index (issue 4: 100,000 open cases, p95 under 100 ms).
-- The default order, oldest stage deadline first with cases without one last, is an index
-- on the open cases of a team in that order: the page reads its 25 rows from the index instead
-- of sorting every open case. A missing date sorts as 9999-12-31 on both backends.
CREATE INDEX cases_open_by_deadline ON cases (team, COALESCE(stage_deadline, '9999-12-31'), COALESCE(deadline, '9999-12-31'), id) WHERE closed_at IS NULL;
-- The workstack columns that live inside the state JSON, kept beside it by the writer so a
-- page needs no case loads: the primary correspondent's name and the primary topic.
-- list_columns is 1 once a write has filled them (rows written before this migration are 0
-- and are read from their state until their next change).
ALTER TABLE cases ADD COLUMN correspondent TEXT;
ALTER TABLE cases ADD COLUMN primary_topic TEXT;
ALTER TABLE cases ADD COLUMN list_columns BIGINT NOT NULL DEFAULT 0;
