-- SQLite's pending search text is kept in order of arrival from this version on; PostgreSQL has
-- no pending table (its GIN index keeps its own pending list), so nothing changes here. The
-- migration exists so that both backends carry the same versions.
SELECT 1;
