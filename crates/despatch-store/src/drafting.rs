//! What drafting needs besides the case: standard lines (administrators' agreed wording per
//! topic, migration 0010) and the contribution requests made of a team (a projection of the
//! case events, migration 0011).
//!
//! A supertrait of [`Store`](crate::Store), like [`ApiTokens`](crate::ApiTokens). Which lines a
//! drafter is offered is the domain's rule ([`despatch_domain::standard_line::offered`]) over
//! [`StandardLines::current_standard_lines`]. The SQL lives in `sql/drafting.rs`.

use async_trait::async_trait;
use chrono::NaiveDate;
use despatch_domain::standard_line::StandardLine;
use serde::Serialize;

use crate::StoreError;

/// A standard line as stored, with who wrote and last changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    /// Storage id.
    pub id: i64,
    /// Topic, title, text and expiry (civil date, Europe/London, inclusive).
    pub line: StandardLine,
    /// Who added it, and when (UTC, RFC 3339).
    pub created_by: String,
    /// When it was added (UTC, RFC 3339).
    pub created_at: String,
    /// Who changed it last.
    pub updated_by: String,
    /// When it was changed last (UTC, RFC 3339).
    pub updated_at: String,
    /// When it was retired (UTC, RFC 3339); `None` while it is current.
    pub retired_at: Option<String>,
    /// Who retired it.
    pub retired_by: Option<String>,
}

/// Who makes a change to the standard lines, and when (UTC, RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<'a> {
    /// User name.
    pub by: &'a str,
    /// Instant, UTC RFC 3339.
    pub at: &'a str,
}

/// What loading a file of standard lines did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Lines added (no current line had their topic and title).
    pub added: usize,
    /// Current lines whose text or expiry was replaced.
    pub updated: usize,
    /// Lines that were already as in the file.
    pub unchanged: usize,
}

/// Standard lines.
#[async_trait]
pub trait StandardLines {
    /// Every line, current and retired, by topic then title.
    async fn standard_lines(&self) -> Result<Vec<StoredLine>, StoreError>;

    /// The lines not retired (expired ones included: expiry is decided by the caller's date).
    async fn current_standard_lines(&self) -> Result<Vec<StandardLine>, StoreError>;

    /// The line with this id.
    async fn standard_line(&self, id: i64) -> Result<Option<StoredLine>, StoreError>;

    /// Adds a line; `None`, storing nothing, when a current line has the same topic and title.
    async fn add_standard_line(&self, line: &StandardLine, change: Change<'_>) -> Result<Option<i64>, StoreError>;

    /// Replaces a current line's topic, title, text and expiry. `false`, storing nothing, when
    /// there is no such current line or another current line has the new topic and title.
    async fn update_standard_line(&self, id: i64, line: &StandardLine, change: Change<'_>) -> Result<bool, StoreError>;

    /// Retires a current line; `false` when there is no such current line.
    async fn retire_standard_line(&self, id: i64, change: Change<'_>) -> Result<bool, StoreError>;

    /// Loads lines in one transaction: each is added, or replaces the current line with its
    /// topic and title.
    async fn load_standard_lines(&self, lines: &[StandardLine], change: Change<'_>) -> Result<Loaded, StoreError>;
}

/// An open contribution request made of a team, for its workstack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContributionRequest {
    /// Case id.
    pub case_id: i64,
    /// Case reference.
    pub reference: String,
    /// The contribution's number on the case.
    pub number: u32,
    /// The team asked.
    pub team: String,
    /// What is asked.
    pub asked: String,
    /// Due date (civil date, Europe/London).
    pub due: NaiveDate,
    /// Who asked.
    pub requested_by: String,
}

/// Contribution requests, as projected from the case events by the writer.
#[async_trait]
pub trait Contributions {
    /// The open requests made of `team` on open cases, earliest due first.
    async fn contribution_requests(&self, team: &str) -> Result<Vec<ContributionRequest>, StoreError>;
}
