-- Fingerprints of incoming letters, written with the case they were registered as (see
-- src/fingerprints.rs): the normalised-text hash finds a resend in any format, the MinHash and
-- its band keys find near-identical letters (campaigns), the sender keys find a correspondent
-- already written to. Every lookup goes through an index.
CREATE TABLE letter_fingerprints (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id),
    text_sha256 TEXT NOT NULL,
    campaign TEXT,
    minhash BLOB NOT NULL,
    sender_name TEXT,
    sender_name_key TEXT,
    sender_postcode TEXT,
    sender_email TEXT
);
CREATE INDEX letter_fingerprints_by_text ON letter_fingerprints (text_sha256, case_id);
CREATE INDEX letter_fingerprints_by_name ON letter_fingerprints (sender_name_key);
CREATE INDEX letter_fingerprints_by_postcode ON letter_fingerprints (sender_postcode);
CREATE INDEX letter_fingerprints_by_email ON letter_fingerprints (sender_email);

-- One row per band of a letter's MinHash (locality-sensitive hashing): letters sharing a band
-- are the candidates for one campaign.
CREATE TABLE letter_bands (
    band BIGINT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (band, case_id)
) WITHOUT ROWID;
