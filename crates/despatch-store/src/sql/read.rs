//! Reads: cases, search, workstacks, stage history, events and audit verification.

use async_trait::async_trait;
use despatch_domain::audit::{ChainBreak, GENESIS, StoredEvent, verify};
use despatch_domain::case::CaseState;
use despatch_domain::directory::Directory;
use despatch_domain::engine::Outcome;
use sqlx::Row;
use sqlx::any::AnyRow;
use tokio::sync::oneshot;

use super::write::{MAX_PER_CASE, clustered_id};
use super::writer::Job;
use super::{SqlStore, classify, parse_date};
use crate::accounts::{AllocationFilter, WorkstackQuery, WorkstackSort};
use crate::{
    Backend, CaseSummary, Listed, OpenFn, Page, ScanStatus, SearchQuery, StageVisit, Store, StoreError, StoredDocument,
    StoredEventRow,
};

pub(super) const SUMMARY_COLUMNS: &str = "c.id, c.reference, c.case_type, c.stage, c.team, c.assigned_user, \
     c.stage_deadline, c.deadline, c.received, c.correspondent, c.primary_topic, c.list_columns";

/// A workstack or search row from the summary columns of `cases`.
pub(super) fn summary(row: &AnyRow) -> Result<CaseSummary, StoreError> {
    let received: String = row.try_get("received")?;
    Ok(CaseSummary {
        id: row.try_get("id")?,
        reference: row.try_get("reference")?,
        case_type: row.try_get("case_type")?,
        stage: row.try_get("stage")?,
        team: row.try_get("team")?,
        user: row.try_get("assigned_user")?,
        stage_deadline: parse_date(row.try_get("stage_deadline")?),
        deadline: parse_date(row.try_get("deadline")?),
        received: received.parse().map_err(|_| StoreError::Decode(format!("received date {received:?}")))?,
        listed: match row.try_get::<i64, _>("list_columns")? {
            0 => None,
            _ => Some(Listed {
                correspondent: row.try_get("correspondent")?,
                primary_topic: row.try_get("primary_topic")?,
            }),
        },
    })
}

/// How a missing deadline sorts: after every real date, in the workstack order and its index.
const NO_DATE: &str = "9999-12-31";

fn decode_state(text: &str) -> Result<CaseState, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Decode(format!("case state: {e}")))
}

/// A bind parameter of a dynamically built query.
enum Param {
    Text(String),
    Int(i64),
}

/// The words of a search: runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// Words of a search, each quoted for FTS5 so user text is never query syntax.
fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> = words(text).map(|w| format!("\"{w}\"")).collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn page_bounds(page: u32, page_size: u32) -> (i64, i64) {
    let size = page_size.clamp(1, 500);
    (i64::from(size), i64::from(page.max(1) - 1) * i64::from(size))
}

impl SqlStore {
    /// The rows of one case in a table keyed by [`clustered_id`]: `sql` takes the id range as
    /// `$1` and `$2`.
    async fn case_rows(&self, sql: &'static str, case_id: i64) -> Result<Vec<AnyRow>, StoreError> {
        Ok(sqlx::query(sql)
            .bind(clustered_id(case_id, 0))
            .bind(clustered_id(case_id, MAX_PER_CASE))
            .fetch_all(&self.pool)
            .await?)
    }

    /// The SQL of [`Workload::workstack_page`](crate::Workload::workstack_page).
    pub(super) async fn workstack_rows(&self, query: &WorkstackQuery) -> Result<Page, StoreError> {
        let mut params = Vec::new();
        let mut filters = vec!["c.closed_at IS NULL".to_string()];
        if let Some(team) = &query.team {
            params.push(Param::Text(team.clone()));
            filters.push(format!("c.team = ${}", params.len()));
        }
        if let Some(stage) = &query.stage {
            params.push(Param::Text(stage.clone()));
            filters.push(format!("c.stage = ${}", params.len()));
        }
        match &query.allocation {
            AllocationFilter::Any => {}
            AllocationFilter::Unallocated => filters.push("c.assigned_user IS NULL".to_string()),
            AllocationFilter::User(user) => {
                params.push(Param::Text(user.clone()));
                filters.push(format!("c.assigned_user = ${}", params.len()));
            }
        }
        if let Some(text) = query.reference.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let escaped = text.to_uppercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            params.push(Param::Text(format!("%{escaped}%")));
            filters.push(format!("UPPER(c.reference) LIKE ${} ESCAPE '\\'", params.len()));
        }
        let direction = if query.descending { "DESC" } else { "ASC" };
        // NULLs (no deadline, unallocated) sort first ascending on both backends.
        let column = |name: &str| format!("CASE WHEN {name} IS NULL THEN 0 ELSE 1 END {direction}, {name} {direction}");
        let order = match query.sort {
            // Cases without a deadline come last ascending.
            // The order of index cases_open_by_deadline (migration 0012), so a team's page is
            // read from the index rather than sorted.
            WorkstackSort::Deadline => format!(
                "COALESCE(c.stage_deadline, '{NO_DATE}') {direction}, COALESCE(c.deadline, '{NO_DATE}') {direction}"
            ),
            WorkstackSort::Reference => format!("c.reference {direction}"),
            WorkstackSort::Stage => column("c.stage"),
            WorkstackSort::Owner => column("c.assigned_user"),
            WorkstackSort::Team => column("c.team"),
            WorkstackSort::Received => column("c.received"),
        };
        let order = format!("{order}, c.id {direction}");
        let total = self.counted_total(query).await?;
        self.paged("cases c", &filters.join(" AND "), &order, params, total, (query.page, query.page_size)).await
    }

    /// A team's total from `workstack_counts` (kept by triggers, migration 0012) when the
    /// filters are ones it counts by (stage, unallocated); `None` when the rows must be counted.
    async fn counted_total(&self, query: &WorkstackQuery) -> Result<Option<i64>, StoreError> {
        let Some(team) = &query.team else { return Ok(None) };
        let allocated = match query.allocation {
            AllocationFilter::Any => "",
            AllocationFilter::Unallocated => " AND allocated = 0",
            AllocationFilter::User(_) => return Ok(None),
        };
        if query.reference.as_deref().is_some_and(|text| !text.trim().is_empty()) {
            return Ok(None);
        }
        let stage = if query.stage.is_some() { " AND stage = $2" } else { "" };
        // SUM is a numeric on PostgreSQL: cast, so both backends give a 64-bit integer.
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM workstack_counts WHERE team = $1{stage}{allocated}"
        );
        let mut counted = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(team.clone());
        if let Some(stage) = &query.stage {
            counted = counted.bind(stage.clone());
        }
        let total: i64 = counted.fetch_one(&self.pool).await?.try_get("n")?;
        Ok(Some(total))
    }

    /// One page of `SELECT … FROM {from} WHERE {filter} ORDER BY {order}` with its true total:
    /// `total` when the caller already knows it, else counted. `(page, page_size)` is 1-based.
    async fn paged(
        &self,
        from: &str,
        filter: &str,
        order: &str,
        params: Vec<Param>,
        total: Option<i64>,
        (page, page_size): (u32, u32),
    ) -> Result<Page, StoreError> {
        let bind = |sql: String, params: &[Param]| {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for param in params {
                query = match param {
                    Param::Text(text) => query.bind(text.clone()),
                    Param::Int(value) => query.bind(*value),
                };
            }
            query
        };
        let total: i64 = match total {
            Some(total) => total,
            None => bind(format!("SELECT COUNT(*) AS n FROM {from} WHERE {filter}"), &params)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?,
        };
        let (limit, offset) = page_bounds(page, page_size);
        let n = params.len();
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {from} WHERE {filter} ORDER BY {order} LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let mut all = params;
        all.push(Param::Int(limit));
        all.push(Param::Int(offset));
        let rows = bind(sql, &all).fetch_all(&self.pool).await?;
        Ok(Page { total: total as u64, rows: rows.iter().map(summary).collect::<Result<_, _>>()? })
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn create_case_recorded(
        &self,
        case_type: &str,
        year: i32,
        open: OpenFn,
        documents: Vec<StoredDocument>,
    ) -> Result<Outcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job::Create { case_type: case_type.to_string(), year, open, documents, fingerprint: None, reply };
        self.writer.submit(job).await?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    async fn save_recorded(
        &self,
        expected_version: u64,
        outcome: Outcome,
        documents: Vec<StoredDocument>,
    ) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        let encoded = super::write::Encoded::of(&outcome)?;
        let job = Job::Save { expected_version, outcome: Box::new(outcome), encoded, documents, reply };
        self.writer.submit(job).await?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    async fn cases_with_document(&self, sha256: &str) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.case_id, c.reference FROM case_documents d JOIN cases c ON c.id = d.case_id \
             WHERE d.sha256 = $1 ORDER BY d.case_id",
        )
        .bind(sha256.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((row.try_get("case_id")?, row.try_get("reference")?))).collect()
    }

    async fn document_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT bytes FROM documents WHERE sha256 = $1")
            .bind(sha256.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| row.try_get::<Option<Vec<u8>>, _>("bytes")).transpose()?.flatten())
    }

    async fn document_scan(&self, sha256: &str) -> Result<Option<ScanStatus>, StoreError> {
        let row = sqlx::query("SELECT scan FROM documents WHERE sha256 = $1")
            .bind(sha256.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| row.try_get::<String, _>("scan")).transpose()?.map(|scan| ScanStatus::parse(&scan)))
    }

    async fn case(&self, id: i64) -> Result<Option<CaseState>, StoreError> {
        let row = sqlx::query("SELECT state FROM cases WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(classify)?;
        row.map(|row| decode_state(&row.try_get::<String, _>("state")?)).transpose()
    }

    async fn case_by_reference(&self, reference: &str) -> Result<Option<CaseState>, StoreError> {
        let reference = reference.trim().to_ascii_uppercase();
        let row = sqlx::query(
            "SELECT state FROM cases WHERE reference = $1 OR UPPER(legacy_reference) = $1 ORDER BY id LIMIT 1",
        )
        .bind(reference)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| decode_state(&row.try_get::<String, _>("state")?)).transpose()
    }

    async fn search(&self, query: &SearchQuery) -> Result<Page, StoreError> {
        let mut params = Vec::new();
        let mut filters = vec!["1 = 1".to_string()];
        let mut from = "cases c".to_string();
        let mut order = "c.received DESC, c.id DESC".to_string();
        let text = query.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if let Some(text) = text {
            if text.contains('/') {
                params.push(Param::Text(format!("{}%", text.to_ascii_uppercase())));
                filters.push(format!("(c.reference LIKE ${0} OR UPPER(c.legacy_reference) LIKE ${0})", params.len()));
            } else {
                let hits = match self.backend {
                    Backend::Sqlite => {
                        let Some(fts) = fts5_query(text) else { return Ok(Page { total: 0, rows: Vec::new() }) };
                        params.push(Param::Text(fts));
                        let matched = params.len();
                        let mut pending = Vec::new();
                        for word in words(text) {
                            params.push(Param::Text(format!("%{word}%")));
                            pending.push(format!("body LIKE ${}", params.len()));
                        }
                        format!(
                            "(SELECT case_id, MIN(score) AS score FROM ( \
                               SELECT rowid >> 20 AS case_id, rank AS score FROM search WHERE search MATCH ${matched} \
                               UNION ALL SELECT doc >> 20, 0.0 FROM search_pending WHERE {}) GROUP BY case_id)",
                            pending.join(" AND ")
                        )
                    }
                    Backend::Postgres => {
                        params.push(Param::Text(text.to_string()));
                        format!(
                            "(SELECT case_id, -MAX(ts_rank(tsv, q)) AS score FROM search, websearch_to_tsquery('english', ${}) q \
                             WHERE tsv @@ q GROUP BY case_id)",
                            params.len()
                        )
                    }
                };
                from = format!("cases c JOIN {hits} h ON h.case_id = c.id");
                order = "h.score, c.id DESC".to_string();
            }
        }
        if let Some(case_type) = &query.case_type {
            params.push(Param::Text(case_type.clone()));
            filters.push(format!("c.case_type = ${}", params.len()));
        }
        if query.active_only {
            filters.push("c.closed_at IS NULL".to_string());
        }
        if let Some(from_date) = query.received_from {
            params.push(Param::Text(from_date.to_string()));
            filters.push(format!("c.received >= ${}", params.len()));
        }
        if let Some(to_date) = query.received_to {
            params.push(Param::Text(to_date.to_string()));
            filters.push(format!("c.received <= ${}", params.len()));
        }
        if let Some(teams) = &query.teams {
            if teams.is_empty() && query.or_case_types.is_empty() {
                return Ok(Page { total: 0, rows: Vec::new() });
            }
            let mut visible = Vec::new();
            if !teams.is_empty() {
                let mut list = Vec::new();
                for team in teams {
                    params.push(Param::Text(team.clone()));
                    list.push(format!("${}", params.len()));
                }
                let list = list.join(", ");
                // A case's stage visits are the ids case id × 2^20 + n (see write.rs).
                visible.push(format!(
                    "c.team IN ({list}) OR EXISTS (SELECT 1 FROM stage_visits v \
                     WHERE v.id BETWEEN c.id * 1048576 AND c.id * 1048576 + 1048575 AND v.team IN ({list}))"
                ));
            }
            if !query.or_case_types.is_empty() {
                let mut list = Vec::new();
                for case_type in &query.or_case_types {
                    params.push(Param::Text(case_type.clone()));
                    list.push(format!("${}", params.len()));
                }
                visible.push(format!("c.case_type IN ({})", list.join(", ")));
            }
            filters.push(format!("({})", visible.join(" OR ")));
        }
        self.paged(&from, &filters.join(" AND "), &order, params, None, (query.page, query.page_size)).await
    }

    async fn workstack(&self, team: &str, stage: Option<&str>, page: u32, page_size: u32) -> Result<Page, StoreError> {
        let mut params = vec![Param::Text(team.to_string())];
        let mut filter = "c.team = $1 AND c.closed_at IS NULL".to_string();
        if let Some(stage) = stage {
            params.push(Param::Text(stage.to_string()));
            filter.push_str(" AND c.stage = $2");
        }
        self.paged("cases c", &filter, "c.stage_deadline, c.id", params, None, (page, page_size)).await
    }

    async fn stage_history(&self, case_id: i64) -> Result<Vec<StageVisit>, StoreError> {
        let rows = self
            .case_rows(
                "SELECT visit, stage, team, assigned_user, deadline, started_at, ended_at, completed_by \
                 FROM stage_visits WHERE id BETWEEN $1 AND $2 ORDER BY id",
                case_id,
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(StageVisit {
                    visit: row.try_get::<i64, _>("visit")? as u32,
                    stage: row.try_get("stage")?,
                    team: row.try_get("team")?,
                    user: row.try_get("assigned_user")?,
                    deadline: parse_date(row.try_get("deadline")?),
                    started_at: row.try_get("started_at")?,
                    ended_at: row.try_get("ended_at")?,
                    completed_by: row.try_get("completed_by")?,
                })
            })
            .collect()
    }

    async fn events(&self, case_id: i64) -> Result<Vec<StoredEventRow>, StoreError> {
        let rows = self
            .case_rows(
                "SELECT seq, event_type, body, hash FROM case_events WHERE id BETWEEN $1 AND $2 ORDER BY id",
                case_id,
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredEventRow {
                    seq: row.try_get::<i64, _>("seq")? as u64,
                    event_type: row.try_get("event_type")?,
                    body: row.try_get("body")?,
                    hash: row.try_get("hash")?,
                })
            })
            .collect()
    }

    async fn verify_audit(&self) -> Result<(u64, Vec<ChainBreak>), StoreError> {
        let heads = sqlx::query("SELECT id, last_event_hash FROM cases ORDER BY id").fetch_all(&self.pool).await?;
        let mut breaks = Vec::new();
        let mut checked = 0;
        // Case ids come from one sequence whose numbers are only taken by committed cases, so
        // every id up to the sequence's value must be there: a gap is a deleted case.
        let issued: i64 = sqlx::query("SELECT value FROM sequences WHERE name = 'case_reference'")
            .fetch_optional(&self.pool)
            .await?
            .map(|row| row.try_get("value"))
            .transpose()?
            .unwrap_or(0);
        let mut expected_id = 1;
        for head in &heads {
            let case_id: i64 = head.try_get("id")?;
            for missing in expected_id..case_id {
                breaks.push(ChainBreak {
                    case_id: missing,
                    sequence: 0,
                    problem: "the case is missing: it was deleted".to_string(),
                });
            }
            expected_id = case_id + 1;
            let last: String = head.try_get("last_event_hash")?;
            let rows = self
                .case_rows("SELECT seq, body, hash FROM case_events WHERE id BETWEEN $1 AND $2 ORDER BY id", case_id)
                .await?;
            // Each event chains onto the hash stored with the row before it.
            let mut previous_hash = GENESIS.to_string();
            let mut events = Vec::with_capacity(rows.len());
            for row in &rows {
                let hash: String = row.try_get("hash")?;
                events.push(StoredEvent {
                    case_id,
                    sequence: row.try_get::<i64, _>("seq")? as u64,
                    event_json: row.try_get("body")?,
                    previous_hash: std::mem::replace(&mut previous_hash, hash.clone()),
                    hash,
                });
            }
            checked += events.len() as u64;
            if events.is_empty() {
                breaks.push(ChainBreak {
                    case_id,
                    sequence: 1,
                    problem: "the case has no events: they were removed".to_string(),
                });
                continue;
            }
            breaks.extend(verify(&events, Some(&last)));
        }
        for missing in expected_id..=issued {
            breaks.push(ChainBreak {
                case_id: missing,
                sequence: 0,
                problem: "the case is missing: it was deleted".to_string(),
            });
        }
        Ok((checked, breaks))
    }

    async fn directory(&self) -> Result<Directory, StoreError> {
        super::admin::load_directory(&self.pool).await
    }

    async fn save_directory(&self, directory: &Directory) -> Result<(), StoreError> {
        super::admin::save_directory(&self.pool, directory).await
    }

    async fn bank_holidays(&self) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT feed FROM bank_holidays WHERE id = 1").fetch_optional(&self.pool).await?;
        Ok(row.map(|row| row.try_get("feed")).transpose()?)
    }

    async fn save_bank_holidays(&self, feed: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO bank_holidays (id, feed, loaded_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET feed = excluded.feed, loaded_at = excluded.loaded_at",
        )
        .bind(feed.to_string())
        .bind(chrono::Utc::now().to_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn checkpoint(&self) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.writer.submit(Job::Checkpoint { reply }).await?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    async fn count_cases(&self) -> Result<(u64, u64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS total, SUM(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END) AS open FROM cases",
        )
        .fetch_one(&self.pool)
        .await?;
        let total: i64 = row.try_get("total")?;
        let open: Option<i64> = row.try_get("open")?;
        Ok((open.unwrap_or(0) as u64, total as u64))
    }
}
