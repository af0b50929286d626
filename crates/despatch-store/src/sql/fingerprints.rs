//! Letter fingerprints in SQL (the [`Fingerprints`] trait): written by the writer with the case
//! they belong to, read through the pool with indexed lookups only.

use std::collections::BTreeSet;

use async_trait::async_trait;
use despatch_domain::engine::Outcome;
use sqlx::Row;
use sqlx::any::AnyRow;
use tokio::sync::oneshot;

use super::SqlStore;
use super::script::{Script, Value};
use super::writer::Job;
use crate::fingerprints::{
    CampaignCandidate, Fingerprints, KnownSender, LetterFingerprint, MAX_CANDIDATES, MAX_SENDERS, SenderKey,
    minhash_bytes, minhash_from_bytes,
};
use crate::{OpenFn, StoreError, StoredDocument};

/// Adds the statements storing a letter's fingerprint for case `case_id` to the case's script.
pub(super) fn record(script: &mut Script, case_id: i64, fingerprint: &LetterFingerprint) {
    let sender = fingerprint.sender.as_ref();
    let text = |value: Option<&String>| value.filter(|v| !v.is_empty()).cloned().into();
    script.push(
        "INSERT INTO letter_fingerprints (case_id, text_sha256, campaign, minhash, sender_name, sender_name_key, \
         sender_postcode, sender_email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        vec![
            Value::Int(case_id),
            Value::Text(fingerprint.text_sha256.clone()),
            text(fingerprint.campaign.as_ref()),
            Value::Bytes(minhash_bytes(&fingerprint.minhash)),
            text(sender.map(|s| &s.name)),
            text(sender.map(|s| &s.name_key)),
            text(sender.and_then(|s| s.postcode.as_ref())),
            text(sender.and_then(|s| s.email.as_ref())),
        ],
    );
    let bands: BTreeSet<i64> = fingerprint.bands.iter().copied().collect();
    if bands.is_empty() {
        return;
    }
    let rows: Vec<String> = (0..bands.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
    let params = bands.into_iter().flat_map(|band| [Value::Int(band), Value::Int(case_id)]).collect();
    script.push(&format!("INSERT INTO letter_bands (band, case_id) VALUES {}", rows.join(", ")), params);
}

fn candidate(row: &AnyRow) -> Result<CampaignCandidate, StoreError> {
    let bytes: Vec<u8> = row.try_get("minhash")?;
    let shared: i64 = row.try_get("shared")?;
    Ok(CampaignCandidate {
        case_id: row.try_get("case_id")?,
        reference: row.try_get("reference")?,
        campaign: row.try_get("campaign")?,
        minhash: minhash_from_bytes(&bytes)
            .ok_or_else(|| StoreError::Decode("a letter's MinHash is not a whole number of values".to_string()))?,
        shared_bands: u32::try_from(shared).unwrap_or(u32::MAX),
    })
}

fn sender(row: &AnyRow) -> Result<KnownSender, StoreError> {
    Ok(KnownSender {
        case_id: row.try_get("case_id")?,
        reference: row.try_get("reference")?,
        sender: SenderKey {
            name: row.try_get::<Option<String>, _>("sender_name")?.unwrap_or_default(),
            name_key: row.try_get::<Option<String>, _>("sender_name_key")?.unwrap_or_default(),
            postcode: row.try_get("sender_postcode")?,
            email: row.try_get("sender_email")?,
        },
    })
}

/// A lookup value: `None` for nothing to look up (NULL never equals anything).
fn key(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

#[async_trait]
impl Fingerprints for SqlStore {
    async fn create_letter_case(
        &self,
        case_type: &str,
        year: i32,
        open: OpenFn,
        documents: Vec<StoredDocument>,
        fingerprint: LetterFingerprint,
    ) -> Result<Outcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job::Create {
            case_type: case_type.to_string(),
            year,
            open,
            documents,
            fingerprint: Some(Box::new(fingerprint)),
            reply,
        };
        self.writer.submit(job).await?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    async fn case_with_letter_text(&self, text_sha256: &str) -> Result<Option<(i64, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT f.case_id, c.reference FROM letter_fingerprints f JOIN cases c ON c.id = f.case_id \
             WHERE f.text_sha256 = $1 ORDER BY f.case_id LIMIT 1",
        )
        .bind(text_sha256.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((row.try_get("case_id")?, row.try_get("reference")?))).transpose()
    }

    async fn campaign_candidates(&self, bands: &[i64]) -> Result<Vec<CampaignCandidate>, StoreError> {
        let bands: BTreeSet<i64> = bands.iter().copied().collect();
        if bands.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (1..=bands.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT s.case_id, s.shared, c.reference, f.campaign, f.minhash FROM \
             (SELECT case_id, COUNT(*) AS shared FROM letter_bands WHERE band IN ({}) GROUP BY case_id \
              ORDER BY shared DESC, case_id LIMIT {MAX_CANDIDATES}) s \
             JOIN letter_fingerprints f ON f.case_id = s.case_id JOIN cases c ON c.id = s.case_id \
             ORDER BY s.shared DESC, s.case_id",
            list.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for band in bands {
            query = query.bind(band);
        }
        query.fetch_all(&self.pool).await?.iter().map(candidate).collect()
    }

    async fn known_senders(
        &self,
        name_key: Option<&str>,
        postcode: Option<&str>,
        email: Option<&str>,
    ) -> Result<Vec<KnownSender>, StoreError> {
        let (name_key, postcode, email) = (key(name_key), key(postcode), key(email));
        if name_key.is_none() && postcode.is_none() && email.is_none() {
            return Ok(Vec::new());
        }
        // Each condition has its own index; the closest (email, then name and postcode) come first.
        let sql = format!(
            "SELECT f.case_id, c.reference, f.sender_name, f.sender_name_key, f.sender_postcode, f.sender_email \
             FROM letter_fingerprints f JOIN cases c ON c.id = f.case_id \
             WHERE f.sender_name_key = $1 OR f.sender_postcode = $2 OR f.sender_email = $3 \
             ORDER BY (CASE WHEN f.sender_email = $3 THEN 2 ELSE 0 END) \
             + (CASE WHEN f.sender_name_key = $1 THEN 1 ELSE 0 END) \
             + (CASE WHEN f.sender_postcode = $2 THEN 1 ELSE 0 END) DESC, f.case_id DESC LIMIT {MAX_SENDERS}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name_key)
            .bind(postcode)
            .bind(email)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(sender).collect()
    }
}
