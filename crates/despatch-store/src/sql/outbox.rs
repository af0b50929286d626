//! The outbox over SQL (both backends): claims, marks and sweeps, through the pool.

use async_trait::async_trait;
use despatch_domain::case::CaseState;
use despatch_domain::notify::Notification;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use crate::StoreError;
use crate::outbox::{Outbox, OutboxMessage};

const COLUMNS: &str = "id, case_id, message, attempts, created_ms, sent_ms, last_error";

fn message(row: &AnyRow) -> Result<OutboxMessage, StoreError> {
    let text: String = row.try_get("message")?;
    let notification: Notification =
        serde_json::from_str(&text).map_err(|e| StoreError::Decode(format!("outbox message: {e}")))?;
    Ok(OutboxMessage {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        notification,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        created_ms: row.try_get("created_ms")?,
        sent_ms: row.try_get("sent_ms")?,
        last_error: row.try_get("last_error")?,
    })
}

#[async_trait]
impl Outbox for SqlStore {
    async fn claim_due(&self, now_ms: i64, lease_ms: i64, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        // The outer due test is re-checked on the row as it is updated (PostgreSQL re-reads a row
        // another transaction changed; SQLite has one writer), so a message claimed by another
        // worker a moment ago is not claimed again.
        let sql = format!(
            "UPDATE outbox SET due_ms = $1, attempts = attempts + 1 \
             WHERE sent_ms IS NULL AND due_ms <= $2 AND id IN \
             (SELECT id FROM outbox WHERE sent_ms IS NULL AND due_ms <= $2 ORDER BY due_ms, id LIMIT $3) \
             RETURNING {COLUMNS}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now_ms.saturating_add(lease_ms))
            .bind(now_ms)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        let mut claimed = rows.iter().map(message).collect::<Result<Vec<_>, _>>()?;
        claimed.sort_by_key(|m| m.id);
        Ok(claimed)
    }

    async fn mark_sent(&self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET sent_ms = $1, last_error = NULL WHERE id = $2 AND sent_ms IS NULL")
            .bind(now_ms)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn mark_failed(&self, id: i64, error: &str, retry_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET due_ms = $1, last_error = $2 WHERE id = $3 AND sent_ms IS NULL")
            .bind(retry_ms)
            .bind(error.to_string())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn enqueue(&self, case_id: i64, notifications: &[Notification], now_ms: i64) -> Result<u64, StoreError> {
        let mut added = 0;
        let mut tx = self.pool.begin().await?;
        for notification in notifications {
            let body = serde_json::to_string(notification).map_err(|e| StoreError::Decode(e.to_string()))?;
            added += sqlx::query(
                "INSERT INTO outbox (case_id, message_key, kind, recipient, message, created_ms, due_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, message_key) DO NOTHING",
            )
            .bind(case_id)
            .bind(notification.key.clone())
            .bind(notification.kind.as_str().to_string())
            .bind(notification.to.clone())
            .bind(body)
            .bind(now_ms)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn outbox(&self, case_id: Option<i64>) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = match case_id {
            Some(id) => {
                sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM outbox WHERE case_id = $1 ORDER BY id")))
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM outbox ORDER BY id")))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(message).collect()
    }

    async fn open_cases_with_deadline(&self, after_id: i64, limit: u32) -> Result<Vec<CaseState>, StoreError> {
        let rows = sqlx::query(
            "SELECT state FROM cases WHERE closed_at IS NULL AND deadline IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let text: String = row.try_get("state")?;
                serde_json::from_str(&text).map_err(|e| StoreError::Decode(format!("case state: {e}")))
            })
            .collect()
    }
}
