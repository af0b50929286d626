//! Sign-in accounts, web sessions and the per-team counts a dashboard shows.
//!
//! These are supertraits of [`Store`](crate::Store), so every store has them and a
//! `dyn Store` can call them. The SQL lives in `sql/accounts.rs`.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;

use crate::{Page, StoreError};

/// A local sign-in account. The user name is the directory's user name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// User name (`ada.caseworker`).
    pub name: String,
    /// The password's argon2id hash in PHC string format; never the password.
    pub password_hash: String,
    /// Whether the account may administer the service.
    pub administrator: bool,
    /// When the account was created (UTC, RFC 3339).
    pub created_at: String,
    /// The password is a one-time password: the next sign-in must choose a new one.
    pub must_change_password: bool,
}

/// A signed-in browser session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 (hex) of the token held in the browser's cookie.
    pub id: String,
    /// The signed-in user.
    pub user: String,
    /// The synchronizer token every form of this session must carry.
    pub csrf_token: String,
    /// When the session began (Unix seconds, UTC); bounds the absolute timeout.
    pub created_unix: i64,
    /// When the session was last used (Unix seconds, UTC); bounds the idle timeout.
    pub seen_unix: i64,
}

/// Accounts and sessions.
#[async_trait]
pub trait Accounts {
    /// The account with this user name.
    async fn account(&self, name: &str) -> Result<Option<Account>, StoreError>;

    /// Creates the account, or replaces the password hash, role and one-time flag of an existing
    /// one (its creation time is kept).
    async fn save_account(&self, account: &Account) -> Result<(), StoreError>;

    /// Every account, by name.
    async fn accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// Ends every session of a user (after a password reset or deactivation); returns how many.
    async fn delete_user_sessions(&self, user: &str) -> Result<u64, StoreError>;

    /// Number of accounts, and of administrator accounts.
    async fn count_accounts(&self) -> Result<(u64, u64), StoreError>;

    /// Stores a new session.
    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    /// The session with this id (the hash of the cookie's token).
    async fn session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// Records that the session was used at `seen_unix`.
    async fn touch_session(&self, id: &str, seen_unix: i64) -> Result<(), StoreError>;

    /// Ends a session (sign-out).
    async fn delete_session(&self, id: &str) -> Result<(), StoreError>;

    /// Removes sessions idle since before `idle_before` or begun before `created_before`;
    /// returns how many were removed.
    async fn delete_expired_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64, StoreError>;
}

/// What a dashboard card shows for one team.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TeamCounts {
    /// Open cases whose current stage is with the team.
    pub open: u64,
    /// Of those, cases whose stage deadline (or case deadline) is before today.
    pub overdue: u64,
    /// Of those, cases not allocated to a user.
    pub unallocated: u64,
}

/// Workload reads for dashboards.
#[async_trait]
pub trait Workload {
    /// Counts of the open cases of a team, overdue judged against `today` (a London civil date).
    async fn team_counts(&self, team: &str, today: NaiveDate) -> Result<TeamCounts, StoreError>;

    /// Open cases whose current stage is allocated to `user`, oldest deadline first.
    async fn user_cases(&self, user: &str, page: u32, page_size: u32) -> Result<Page, StoreError>;

    /// A page of open cases chosen and ordered by `query` (a team's or a user's workstack), with
    /// the true total. Ties are broken by case id, so pages never overlap.
    async fn workstack_page(&self, query: &WorkstackQuery) -> Result<Page, StoreError>;
}

/// The column a workstack is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WorkstackSort {
    /// Stage deadline, then case deadline (the default: oldest first).
    #[default]
    Deadline,
    /// Case reference.
    Reference,
    /// Current stage id.
    Stage,
    /// Allocated user (unallocated first when ascending).
    Owner,
    /// Team holding the current stage.
    Team,
    /// Received date.
    Received,
}

/// Which allocation a workstack shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AllocationFilter {
    /// Every open case.
    #[default]
    Any,
    /// Only cases allocated to nobody.
    Unallocated,
    /// Only cases allocated to this user.
    User(String),
}

/// What a workstack page shows: open cases of a team and/or a user, filtered and sorted.
#[derive(Debug, Clone, Default)]
pub struct WorkstackQuery {
    /// Only cases whose current stage is with this team.
    pub team: Option<String>,
    /// Only cases at this stage id.
    pub stage: Option<String>,
    /// Allocation filter.
    pub allocation: AllocationFilter,
    /// Only cases whose reference contains this text (case-insensitive).
    pub reference: Option<String>,
    /// Sort column.
    pub sort: WorkstackSort,
    /// Sort descending instead of ascending.
    pub descending: bool,
    /// 1-based page.
    pub page: u32,
    /// Rows per page (1–500).
    pub page_size: u32,
}
