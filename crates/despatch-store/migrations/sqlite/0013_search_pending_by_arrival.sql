-- Pending search text in order of arrival: rows are appended at the end of one b-tree, so the
-- steps of a group commit share its last page instead of each dirtying a page of its own (the
-- rowid used to be the search row's id, case id * 2^20 + n, which put each case's rows apart).
-- `doc` is that search row id, which the writer gives the FTS5 row when it indexes the text.
CREATE TABLE search_pending_by_arrival (id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, body TEXT NOT NULL);
INSERT INTO search_pending_by_arrival (doc, body) SELECT rowid, body FROM search_pending ORDER BY rowid;
DROP TABLE search_pending;
ALTER TABLE search_pending_by_arrival RENAME TO search_pending;
