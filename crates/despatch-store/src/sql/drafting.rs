//! Standard lines ([`StandardLines`]) and contribution requests ([`Contributions`]). Standard
//! lines are written rarely (by an administrator), so straight to the pool rather than through
//! the case writer; contributions are written by the writer with the case (`write.rs`).

use async_trait::async_trait;
use despatch_domain::standard_line::StandardLine;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::SqlStore;
use crate::StoreError;
use crate::drafting::{Change, ContributionRequest, Contributions, Loaded, StandardLines, StoredLine};

const COLUMNS: &str =
    "id, topic, title, body, expires, created_by, created_at, updated_by, updated_at, retired_by, retired_at";

fn line(row: &AnyRow) -> Result<StandardLine, StoreError> {
    let expires: String = row.try_get("expires")?;
    Ok(StandardLine {
        topic: row.try_get("topic")?,
        title: row.try_get("title")?,
        text: row.try_get("body")?,
        expires: expires.parse().map_err(|_| StoreError::Decode(format!("standard line expiry {expires:?}")))?,
    })
}

fn stored(row: &AnyRow) -> Result<StoredLine, StoreError> {
    Ok(StoredLine {
        id: row.try_get("id")?,
        line: line(row)?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_by: row.try_get("updated_by")?,
        updated_at: row.try_get("updated_at")?,
        retired_by: row.try_get("retired_by")?,
        retired_at: row.try_get("retired_at")?,
    })
}

/// The id of the current line with this topic and title.
async fn current_id(conn: &mut AnyConnection, topic: &str, title: &str) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query("SELECT id FROM standard_lines WHERE topic = $1 AND title = $2 AND retired_at IS NULL")
        .bind(topic.to_string())
        .bind(title.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|row| row.try_get("id")).transpose()?)
}

async fn insert(conn: &mut AnyConnection, line: &StandardLine, change: &Change<'_>) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO standard_lines (topic, title, body, expires, created_by, created_at, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $5, $6) RETURNING id",
    )
    .bind(line.topic.clone())
    .bind(line.title.clone())
    .bind(line.text.clone())
    .bind(line.expires.to_string())
    .bind(change.by.to_string())
    .bind(change.at.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

async fn update(
    conn: &mut AnyConnection,
    id: i64,
    line: &StandardLine,
    change: &Change<'_>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE standard_lines SET topic = $1, title = $2, body = $3, expires = $4, updated_by = $5, updated_at = $6 \
         WHERE id = $7 AND retired_at IS NULL",
    )
    .bind(line.topic.clone())
    .bind(line.title.clone())
    .bind(line.text.clone())
    .bind(line.expires.to_string())
    .bind(change.by.to_string())
    .bind(change.at.to_string())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl StandardLines for SqlStore {
    async fn standard_lines(&self) -> Result<Vec<StoredLine>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM standard_lines ORDER BY topic, title, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(stored).collect()
    }

    async fn current_standard_lines(&self) -> Result<Vec<StandardLine>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM standard_lines WHERE retired_at IS NULL ORDER BY topic, title");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(line).collect()
    }

    async fn standard_line(&self, id: i64) -> Result<Option<StoredLine>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM standard_lines WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(stored).transpose()
    }

    async fn add_standard_line(&self, line: &StandardLine, change: Change<'_>) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if current_id(&mut tx, &line.topic, &line.title).await?.is_some() {
            return Ok(None);
        }
        let id = insert(&mut tx, line, &change).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn update_standard_line(&self, id: i64, line: &StandardLine, change: Change<'_>) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        if current_id(&mut tx, &line.topic, &line.title).await?.is_some_and(|other| other != id) {
            return Ok(false);
        }
        let done = update(&mut tx, id, line, &change).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn retire_standard_line(&self, id: i64, change: Change<'_>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE standard_lines SET retired_by = $1, retired_at = $2 WHERE id = $3 AND retired_at IS NULL",
        )
        .bind(change.by.to_string())
        .bind(change.at.to_string())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn load_standard_lines(&self, lines: &[StandardLine], change: Change<'_>) -> Result<Loaded, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut loaded = Loaded::default();
        for new in lines {
            match current_id(&mut tx, &new.topic, &new.title).await? {
                None => {
                    insert(&mut tx, new, &change).await?;
                    loaded.added += 1;
                }
                Some(id) => {
                    let sql = format!("SELECT {COLUMNS} FROM standard_lines WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *tx).await?;
                    if line(&row)? == *new {
                        loaded.unchanged += 1;
                    } else {
                        update(&mut tx, id, new, &change).await?;
                        loaded.updated += 1;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(loaded)
    }
}

#[async_trait]
impl Contributions for SqlStore {
    async fn contribution_requests(&self, team: &str) -> Result<Vec<ContributionRequest>, StoreError> {
        let rows = sqlx::query(
            "SELECT k.case_id, c.reference, k.number, k.team, k.asked, k.due, k.requested_by \
             FROM contributions k JOIN cases c ON c.id = k.case_id \
             WHERE k.team = $1 AND k.status = 'OPEN' AND c.closed_at IS NULL ORDER BY k.due, k.id",
        )
        .bind(team.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let due: String = row.try_get("due")?;
                let number: i64 = row.try_get("number")?;
                Ok(ContributionRequest {
                    case_id: row.try_get("case_id")?,
                    reference: row.try_get("reference")?,
                    number: u32::try_from(number).map_err(|_| StoreError::Decode(format!("contribution {number}")))?,
                    team: row.try_get("team")?,
                    asked: row.try_get("asked")?,
                    due: due.parse().map_err(|_| StoreError::Decode(format!("contribution due date {due:?}")))?,
                    requested_by: row.try_get("requested_by")?,
                })
            })
            .collect()
    }
}
