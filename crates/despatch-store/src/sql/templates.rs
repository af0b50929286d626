//! Reply templates (the [`ReplyTemplates`] trait). Written rarely (by an administrator), so
//! straight to the pool rather than through the case writer. The default template of a case
//! type is stored with team `''`.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use crate::StoreError;
use crate::templates::{ReplyTemplates, StoredTemplate};

const COLUMNS: &str = "case_type, team, name, template, updated_by, updated_at";

fn stored(row: &AnyRow) -> Result<StoredTemplate, StoreError> {
    let team: String = row.try_get("team")?;
    Ok(StoredTemplate {
        case_type: row.try_get("case_type")?,
        team: Some(team).filter(|team| !team.is_empty()),
        name: row.try_get("name")?,
        toml: row.try_get("template")?,
        updated_by: row.try_get("updated_by")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The upsert of one template; PostgreSQL and SQLite share `ON CONFLICT … DO UPDATE`.
const UPSERT: &str = "INSERT INTO reply_templates (case_type, team, name, template, updated_by, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_type, team) DO UPDATE SET \
     name = excluded.name, template = excluded.template, updated_by = excluded.updated_by, \
     updated_at = excluded.updated_at";

fn upsert(template: &StoredTemplate) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(UPSERT)
        .bind(template.case_type.clone())
        .bind(template.team.clone().unwrap_or_default())
        .bind(template.name.clone())
        .bind(template.toml.clone())
        .bind(template.updated_by.clone())
        .bind(template.updated_at.clone())
}

#[async_trait]
impl ReplyTemplates for SqlStore {
    async fn reply_templates(&self) -> Result<Vec<StoredTemplate>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM reply_templates ORDER BY case_type, team");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(stored).collect()
    }

    async fn reply_template(&self, case_type: &str, team: Option<&str>) -> Result<Option<StoredTemplate>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM reply_templates WHERE case_type = $1 AND team = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case_type.to_string())
            .bind(team.unwrap_or_default().to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(stored).transpose()
    }

    async fn put_reply_template(&self, template: &StoredTemplate) -> Result<(), StoreError> {
        upsert(template).execute(&self.pool).await?;
        Ok(())
    }

    async fn seed_reply_templates(&self, templates: &[StoredTemplate]) -> Result<usize, StoreError> {
        let mut transaction = self.pool.begin().await?;
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM reply_templates")
            .fetch_one(&mut *transaction)
            .await?
            .try_get("n")?;
        if count > 0 {
            return Ok(0);
        }
        for template in templates {
            upsert(template).execute(&mut *transaction).await?;
        }
        transaction.commit().await?;
        Ok(templates.len())
    }
}
