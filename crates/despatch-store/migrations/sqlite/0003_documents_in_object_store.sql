-- Document bytes move to object storage (a local folder or S3): the bytes column is no longer
-- required (rows written before keep theirs and are still read), and each document records
-- what the malware scan found. SQLite cannot drop NOT NULL in place, so the table is rebuilt.
CREATE TABLE documents_0003 (sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, size BIGINT NOT NULL,
    bytes BLOB, created_at TEXT NOT NULL, scan TEXT NOT NULL DEFAULT 'not_scanned');
INSERT INTO documents_0003 (sha256, media_type, size, bytes, created_at)
    SELECT sha256, media_type, size, bytes, created_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_0003 RENAME TO documents;
