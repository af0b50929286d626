-- Document bytes move to object storage (a local folder or S3): the bytes column is no longer
-- required (rows written before keep theirs and are still read), and each document records
-- what the malware scan found.
ALTER TABLE documents ALTER COLUMN bytes DROP NOT NULL;
ALTER TABLE documents ADD COLUMN scan TEXT NOT NULL DEFAULT 'not_scanned';
