//! Accounts, sessions and dashboard counts (the [`Accounts`] and [`Workload`] traits).
//!
//! These tables are small and written rarely (sign-in, sign-out, one touch per request at
//! most per minute), so they go straight to the pool rather than through the case writer.

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::read::{SUMMARY_COLUMNS, summary};
use crate::accounts::{Account, Accounts, SessionRecord, TeamCounts, Workload, WorkstackQuery};
use crate::{Page, StoreError};

fn account(row: &AnyRow) -> Result<Account, StoreError> {
    Ok(Account {
        name: row.try_get("name")?,
        password_hash: row.try_get("password_hash")?,
        administrator: row.try_get::<i64, _>("administrator")? != 0,
        created_at: row.try_get("created_at")?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
    })
}

fn session(row: &AnyRow) -> Result<SessionRecord, StoreError> {
    Ok(SessionRecord {
        id: row.try_get("id")?,
        user: row.try_get("user_name")?,
        csrf_token: row.try_get("csrf_token")?,
        created_unix: row.try_get("created_unix")?,
        seen_unix: row.try_get("seen_unix")?,
    })
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

#[async_trait]
impl Accounts for SqlStore {
    async fn account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(
            "SELECT name, password_hash, administrator, created_at, must_change_password FROM accounts WHERE name = $1",
        )
        .bind(name.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account).transpose()
    }

    async fn save_account(&self, account: &Account) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO accounts (name, password_hash, administrator, created_at, must_change_password) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, \
             administrator = excluded.administrator, must_change_password = excluded.must_change_password",
        )
        .bind(account.name.clone())
        .bind(account.password_hash.clone())
        .bind(i64::from(account.administrator))
        .bind(account.created_at.clone())
        .bind(i64::from(account.must_change_password))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, password_hash, administrator, created_at, must_change_password FROM accounts ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account).collect()
    }

    async fn delete_user_sessions(&self, user: &str) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE user_name = $1").bind(user.to_string()).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    async fn count_accounts(&self) -> Result<(u64, u64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS total, SUM(CASE WHEN administrator <> 0 THEN 1 ELSE 0 END) AS admins FROM accounts",
        )
        .fetch_one(&self.pool)
        .await?;
        let total: i64 = row.try_get("total")?;
        let admins: Option<i64> = row.try_get("admins")?;
        Ok((count(total), count(admins.unwrap_or(0))))
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, user_name, csrf_token, created_unix, seen_unix) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session.id.clone())
        .bind(session.user.clone())
        .bind(session.csrf_token.clone())
        .bind(session.created_unix)
        .bind(session.seen_unix)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query("SELECT id, user_name, csrf_token, created_unix, seen_unix FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(session).transpose()
    }

    async fn touch_session(&self, id: &str, seen_unix: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET seen_unix = $1 WHERE id = $2")
            .bind(seen_unix)
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id.to_string()).execute(&self.pool).await?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE seen_unix < $1 OR created_unix < $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl Workload for SqlStore {
    async fn team_counts(&self, team: &str, today: NaiveDate) -> Result<TeamCounts, StoreError> {
        // Open and unallocated from the counts the triggers keep; overdue (the stage deadline, or
        // the case deadline when the stage has none, before today) as two ranges of the
        // workstack index, so a team of 100,000 cases is not read row by row (migration 0012).
        let row = sqlx::query(
            "SELECT \
             (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM workstack_counts WHERE team = $1) AS open, \
             (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM workstack_counts WHERE team = $1 AND allocated = 0) \
               AS unallocated, \
             (SELECT COUNT(*) FROM cases WHERE team = $1 AND closed_at IS NULL \
               AND COALESCE(stage_deadline, '9999-12-31') < $2) \
             + (SELECT COUNT(*) FROM cases WHERE team = $1 AND closed_at IS NULL \
               AND COALESCE(stage_deadline, '9999-12-31') = '9999-12-31' AND COALESCE(deadline, '9999-12-31') < $2) \
               AS overdue",
        )
        .bind(team.to_string())
        .bind(today.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(TeamCounts {
            open: count(row.try_get("open")?),
            overdue: count(row.try_get("overdue")?),
            unallocated: count(row.try_get("unallocated")?),
        })
    }

    async fn user_cases(&self, user: &str, page: u32, page_size: u32) -> Result<Page, StoreError> {
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM cases WHERE assigned_user = $1 AND closed_at IS NULL")
            .bind(user.to_string())
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let size = page_size.clamp(1, 500);
        let offset = i64::from(page.max(1) - 1) * i64::from(size);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM cases c WHERE c.assigned_user = $1 AND c.closed_at IS NULL \
                 ORDER BY c.stage_deadline, c.id LIMIT $2 OFFSET $3"
        )))
        .bind(user.to_string())
        .bind(i64::from(size))
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page { total: count(total), rows: rows.iter().map(summary).collect::<Result<_, _>>()? })
    }

    async fn workstack_page(&self, query: &WorkstackQuery) -> Result<Page, StoreError> {
        self.workstack_rows(query).await
    }
}
