//! API tokens (the [`ApiTokens`] trait). Written rarely (by an administrator), so straight to
//! the pool rather than through the case writer.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use crate::StoreError;
use crate::tokens::{ApiToken, ApiTokens};

const COLUMNS: &str = "id, user_name, label, created_at, revoked_at";

fn token(row: &AnyRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: row.try_get("id")?,
        user: row.try_get("user_name")?,
        label: row.try_get("label")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

#[async_trait]
impl ApiTokens for SqlStore {
    async fn create_api_token(&self, token: &ApiToken) -> Result<bool, StoreError> {
        // The partial unique index refuses a second live token with the same label; the insert
        // is skipped instead of failing, and the caller is told.
        let done = sqlx::query(
            "INSERT INTO api_tokens (id, user_name, label, created_at, revoked_at) \
             SELECT $1, $2, $3, $4, NULL WHERE NOT EXISTS \
             (SELECT 1 FROM api_tokens WHERE user_name = $2 AND label = $3 AND revoked_at IS NULL)",
        )
        .bind(token.id.clone())
        .bind(token.user.clone())
        .bind(token.label.clone())
        .bind(token.created_at.clone())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn api_token(&self, id: &str) -> Result<Option<ApiToken>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(token).transpose()
    }

    async fn api_tokens(&self, user: &str) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE user_name = $1 ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(token).collect()
    }

    async fn revoke_api_token(&self, user: &str, label: &str, revoked_at: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_name = $2 AND label = $3 AND revoked_at IS NULL",
        )
        .bind(revoked_at.to_string())
        .bind(user.to_string())
        .bind(label.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
