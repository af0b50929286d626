//! The writes of one command, inside the writer's transaction: case row, stage visits, chained
//! events and search rows.

use despatch_domain::audit::{GENESIS, chain_hash};
use despatch_domain::case::CaseState;
use despatch_domain::engine::{CommandError, Outcome};
use despatch_domain::event::EventKind;
use despatch_domain::reference::Reference;
use sqlx::{AnyConnection, Row};

use super::date_text;
use crate::{Backend, OpenFn, StoreError};

fn encode<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Decode(e.to_string()))
}

pub(super) async fn create(
    conn: &mut AnyConnection,
    backend: Backend,
    case_type: &str,
    year: i32,
    open: OpenFn,
) -> Result<Outcome, StoreError> {
    let number: i64 =
        sqlx::query("UPDATE sequences SET value = value + 1 WHERE name = 'case_reference' RETURNING value")
            .fetch_one(&mut *conn)
            .await?
            .try_get("value")?;
    let reference =
        u32::try_from(number).ok().and_then(|n| Reference::new(case_type, n, year).ok()).ok_or_else(|| {
            StoreError::Command(CommandError::UnknownCaseType(format!("{case_type} (reference {number})")))
        })?;
    let outcome = open(number, reference)?;
    let state = &outcome.state;
    let (seq, hash) = append_events(conn, state.id, 0, GENESIS, &outcome).await?;
    sqlx::query(
        "INSERT INTO cases (id, reference, legacy_reference, case_type, version, stage, team, assigned_user, \
         stage_deadline, deadline, received, closed_at, last_event_seq, last_event_hash, updated_at, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(state.id)
    .bind(state.reference.to_string())
    .bind(state.legacy_reference.clone())
    .bind(state.case_type.clone())
    .bind(state.version as i64)
    .bind(state.stage.as_ref().map(|s| s.stage.clone()))
    .bind(state.stage.as_ref().map(|s| s.team.clone()))
    .bind(state.stage.as_ref().and_then(|s| s.user.clone()))
    .bind(date_text(state.stage.as_ref().and_then(|s| s.deadline)))
    .bind(date_text(state.deadline))
    .bind(state.received.to_string())
    .bind(state.closed_at.map(|t| t.to_rfc3339()))
    .bind(seq as i64)
    .bind(hash)
    .bind(updated_at(&outcome))
    .bind(encode(state)?)
    .execute(&mut *conn)
    .await?;
    record_projections(conn, backend, &outcome).await?;
    Ok(outcome)
}

/// The head of a case's audit chain after a version: what the next write chains onto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Head {
    pub version: u64,
    pub seq: u64,
    pub hash: String,
}

/// Saves an outcome. `known` is the writer's remembered head of this case, if any; it is used
/// only when it is for `expected_version`, and the UPDATE's version guard still decides.
pub(super) async fn save(
    conn: &mut AnyConnection,
    backend: Backend,
    expected_version: u64,
    outcome: &Outcome,
    known: Option<Head>,
) -> Result<Head, StoreError> {
    let state = &outcome.state;
    let head = match known.filter(|head| head.version == expected_version) {
        Some(head) => head,
        None => {
            let row = sqlx::query("SELECT version, last_event_seq, last_event_hash FROM cases WHERE id = $1")
                .bind(state.id)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| StoreError::NotFound(state.reference.to_string()))?;
            let version: i64 = row.try_get("version")?;
            let seq: i64 = row.try_get("last_event_seq")?;
            Head { version: version as u64, seq: seq as u64, hash: row.try_get("last_event_hash")? }
        }
    };
    if head.version != expected_version || state.version != expected_version + 1 {
        return Err(CommandError::StaleVersion { expected: expected_version, actual: head.version }.into());
    }
    let (seq, hash) = append_events(conn, state.id, head.seq, &head.hash, outcome).await?;
    let updated = sqlx::query(
        "UPDATE cases SET version = $1, stage = $2, team = $3, assigned_user = $4, stage_deadline = $5, \
         deadline = $6, received = $7, closed_at = $8, last_event_seq = $9, last_event_hash = $10, \
         updated_at = $11, state = $12, legacy_reference = $13 WHERE id = $14 AND version = $15",
    )
    .bind(state.version as i64)
    .bind(state.stage.as_ref().map(|s| s.stage.clone()))
    .bind(state.stage.as_ref().map(|s| s.team.clone()))
    .bind(state.stage.as_ref().and_then(|s| s.user.clone()))
    .bind(date_text(state.stage.as_ref().and_then(|s| s.deadline)))
    .bind(date_text(state.deadline))
    .bind(state.received.to_string())
    .bind(state.closed_at.map(|t| t.to_rfc3339()))
    .bind(seq as i64)
    .bind(hash.clone())
    .bind(updated_at(outcome))
    .bind(encode(state)?)
    .bind(state.legacy_reference.clone())
    .bind(state.id)
    .bind(expected_version as i64)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        // Another process moved the case on since the head was remembered.
        return Err(CommandError::StaleVersion { expected: expected_version, actual: expected_version + 1 }.into());
    }
    record_projections(conn, backend, outcome).await?;
    Ok(Head { version: state.version, seq, hash })
}

fn updated_at(outcome: &Outcome) -> String {
    outcome.events.last().map_or(outcome.state.created_at, |e| e.at).to_rfc3339()
}

/// Appends the outcome's events after `last_seq`, chaining hashes; returns the new head.
async fn append_events(
    conn: &mut AnyConnection,
    case_id: i64,
    last_seq: u64,
    last_hash: &str,
    outcome: &Outcome,
) -> Result<(u64, String), StoreError> {
    let mut seq = last_seq;
    let mut hash = last_hash.to_string();
    if outcome.events.is_empty() {
        return Ok((seq, hash));
    }
    let mut sql =
        String::from("INSERT INTO case_events (case_id, seq, at, actor, event_type, body, prev_hash, hash) VALUES ");
    let mut rows = Vec::with_capacity(outcome.events.len());
    for (i, event) in outcome.events.iter().enumerate() {
        let body = encode(event)?;
        seq += 1;
        let next = chain_hash(&hash, case_id, seq, &body);
        let base = i * 8;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
            base + 1,
            base + 2,
            base + 3,
            base + 4,
            base + 5,
            base + 6,
            base + 7,
            base + 8
        ));
        rows.push((
            seq,
            event.at.to_rfc3339(),
            event.actor.clone(),
            event.kind.type_name(),
            body,
            hash.clone(),
            next.clone(),
        ));
        hash = next;
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (seq, at, actor, event_type, body, prev, next) in rows {
        query =
            query.bind(case_id).bind(seq as i64).bind(at).bind(actor).bind(event_type).bind(body).bind(prev).bind(next);
    }
    query.execute(&mut *conn).await?;
    Ok((seq, hash))
}

/// Stage history and search rows derived from the outcome.
async fn record_projections(conn: &mut AnyConnection, backend: Backend, outcome: &Outcome) -> Result<(), StoreError> {
    let state = &outcome.state;
    let mut reindex_case = false;
    for event in &outcome.events {
        match &event.kind {
            EventKind::StageCompleted { visit, user, .. } => {
                sqlx::query(
                    "UPDATE stage_visits SET ended_at = $1, completed_by = $2 WHERE case_id = $3 AND visit = $4",
                )
                .bind(event.at.to_rfc3339())
                .bind(user.clone())
                .bind(state.id)
                .bind(i64::from(*visit))
                .execute(&mut *conn)
                .await?;
            }
            EventKind::NoteAdded { text, .. } => index_entry(conn, backend, state.id, "note", text).await?,
            kind if kind.changes_case_search_text() => reindex_case = true,
            _ => {}
        }
    }
    if reindex_case {
        index_case(conn, backend, state).await?;
    }
    if let Some(stage) = &state.stage {
        sqlx::query(
            "INSERT INTO stage_visits (case_id, visit, stage, team, assigned_user, deadline, started_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, visit) DO UPDATE SET \
             team = excluded.team, assigned_user = excluded.assigned_user, deadline = excluded.deadline",
        )
        .bind(state.id)
        .bind(i64::from(stage.visit))
        .bind(stage.stage.clone())
        .bind(stage.team.clone())
        .bind(stage.user.clone())
        .bind(date_text(stage.deadline))
        .bind(stage.started_at.to_rfc3339())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces the case's own search row.
async fn index_case(conn: &mut AnyConnection, backend: Backend, state: &CaseState) -> Result<(), StoreError> {
    let sql = match backend {
        Backend::Sqlite => "INSERT OR REPLACE INTO search (rowid, body, case_id, kind) VALUES ($1, $2, $3, 'case')",
        Backend::Postgres => {
            "INSERT INTO search (id, body, case_id, kind) VALUES ($1, $2, $3, 'case') \
             ON CONFLICT (id) DO UPDATE SET body = excluded.body"
        }
    };
    sqlx::query(sql).bind(-state.id).bind(state.search_text()).bind(state.id).execute(&mut *conn).await?;
    Ok(())
}

/// Appends a search row for a note or document text.
pub(super) async fn index_entry(
    conn: &mut AnyConnection,
    backend: Backend,
    case_id: i64,
    kind: &str,
    text: &str,
) -> Result<(), StoreError> {
    let sql = match backend {
        Backend::Sqlite => "INSERT INTO search (body, case_id, kind) VALUES ($1, $2, $3)",
        Backend::Postgres => "INSERT INTO search (id, body, case_id, kind) VALUES (nextval('search_ids'), $1, $2, $3)",
    };
    sqlx::query(sql).bind(text.to_string()).bind(case_id).bind(kind.to_string()).execute(&mut *conn).await?;
    Ok(())
}
