//! The writes of one command inside the writer's transaction: case row, stage visits, chained
//! events and search rows, as [`Script`]s run on the writer's connection.

use super::conn::WriterConnection;
use super::date_text;
use super::script::{Script, Value};
use crate::fingerprints::LetterFingerprint;
use crate::{Backend, OpenFn, StoreError, StoredDocument};
use despatch_domain::audit::{GENESIS, chain_hash};
use despatch_domain::case::{CaseState, DocumentRef};
use despatch_domain::engine::{CommandError, Outcome};
use despatch_domain::event::EventKind;
use despatch_domain::reference::Reference;

/// How one job's writes open and close inside the writer's transaction: a whole transaction for
/// a batch of one (`BEGIN IMMEDIATE` … `COMMIT`), a savepoint inside a larger batch.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    /// Opening statement.
    pub begin: &'static str,
    /// Closing statement.
    pub end: &'static str,
}

/// The head of a case's audit chain after a version: what the next write chains onto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Head {
    pub version: u64,
    pub seq: u64,
    pub hash: String,
}

/// Most events (and stage visits) one case may hold: 2^20 - 1.
pub(super) const MAX_PER_CASE: u64 = 0xF_FFFF;

/// The key of a case's event `seq` or stage visit `visit` (and of its search rows):
/// case id × 2^20 + n, so a case's rows are one contiguous range of one b-tree.
pub(super) fn clustered_id(case_id: i64, n: u64) -> i64 {
    (case_id << 20) | (n.min(MAX_PER_CASE) as i64)
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Decode(e.to_string()))
}

/// Columns of `cases` kept beside the state JSON for workstacks and search, in insert order.
/// An outcome's JSON, encoded before it reaches the writer so that the writer thread (the one
/// thread every write goes through) spends its time on SQL.
#[derive(Debug, Clone)]
pub(super) struct Encoded {
    /// The case state.
    pub state: String,
    /// Each event, in order.
    pub events: Vec<String>,
    /// Each notification, in order (usually none).
    pub notifications: Vec<String>,
}

impl Encoded {
    /// Encodes an outcome.
    pub fn of(outcome: &Outcome) -> Result<Encoded, StoreError> {
        Ok(Encoded {
            state: encode(&outcome.state)?,
            events: outcome.events.iter().map(encode).collect::<Result<_, _>>()?,
            notifications: outcome.notifications.iter().map(encode).collect::<Result<_, _>>()?,
        })
    }
}

fn case_columns(state: &CaseState, state_json: String, head: &Head, updated_at: String) -> Vec<Value> {
    let stage = state.stage.as_ref();
    vec![
        Value::Int(state.version as i64),
        stage.map(|s| s.stage.clone()).into(),
        stage.map(|s| s.team.clone()).into(),
        stage.and_then(|s| s.user.clone()).into(),
        date_text(stage.and_then(|s| s.deadline)).into(),
        date_text(state.deadline).into(),
        Value::Text(state.received.to_string()),
        state.closed_at.map(|t| t.to_rfc3339()).into(),
        Value::Int(head.seq as i64),
        Value::Text(head.hash.clone()),
        Value::Text(updated_at),
        Value::Text(state_json),
        state.legacy_reference.clone().into(),
        state.primary_correspondent().map(|c| c.details.name.clone()).into(),
        state.primary_topic.clone().into(),
        Value::Int(1),
    ]
}

/// A case to create, as the writer receives it.
pub(super) struct NewCaseJob<'a> {
    /// Case type (for the reference).
    pub case_type: &'a str,
    /// Year of the reference.
    pub year: i32,
    /// Opens the case given its id and reference.
    pub open: OpenFn,
    /// The documents its events attach.
    pub documents: &'a [StoredDocument],
}

/// Creates a case: takes the next reference number, opens the case, writes it (with the
/// letter's fingerprint, when it was registered from one).
pub(super) fn create(
    conn: &mut dyn WriterConnection,
    backend: Backend,
    frame: Frame,
    job: NewCaseJob<'_>,
    fingerprint: Option<&LetterFingerprint>,
) -> Result<(Outcome, Head), StoreError> {
    let NewCaseJob { case_type, year, open, documents } = job;
    if !frame.begin.is_empty() {
        conn.exec(frame.begin)?;
    }
    let number = conn.next_number()?;
    let reference =
        u32::try_from(number).ok().and_then(|n| Reference::new(case_type, n, year).ok()).ok_or_else(|| {
            StoreError::Command(CommandError::UnknownCaseType(format!("{case_type} (reference {number})")))
        })?;
    let outcome = open(number, reference)?;
    let state = &outcome.state;
    let mut script = Script::default();
    let encoded = Encoded::of(&outcome)?;
    let head = append_events(
        &mut script,
        state.id,
        &Head { version: 0, seq: 0, hash: GENESIS.to_string() },
        &outcome,
        &encoded.events,
    )?;
    let mut params =
        vec![Value::Int(state.id), Value::Text(state.reference.to_string()), state.case_type.as_str().into()];
    params.extend(case_columns(state, encoded.state, &head, updated_at(&outcome)));
    script.push(
        "INSERT INTO cases (id, reference, case_type, version, stage, team, assigned_user, stage_deadline, deadline, \
         received, closed_at, last_event_seq, last_event_hash, updated_at, state, legacy_reference, correspondent, \
         primary_topic, list_columns) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        params,
    );
    record_projections(&mut script, backend, &outcome, 1, documents)?;
    if let Some(fingerprint) = fingerprint {
        super::fingerprints::record(&mut script, state.id, fingerprint);
    }
    enqueue(&mut script, &outcome, &encoded.notifications);
    script.plain(frame.end);
    conn.run(script)?;
    Ok((outcome, head))
}

/// One save as the writer receives it.
pub(super) struct Save<'a> {
    /// The version the command was decided on.
    pub expected_version: u64,
    /// The engine's outcome.
    pub outcome: &'a Outcome,
    /// Its JSON.
    pub encoded: Encoded,
    /// The documents its events attach.
    pub documents: &'a [StoredDocument],
}

/// Saves an outcome. `known` is the writer's remembered head of this case, if any; it is used
/// only when it is for `expected_version`, and the UPDATE's version guard still decides.
pub(super) fn save(
    conn: &mut dyn WriterConnection,
    backend: Backend,
    frame: Frame,
    request: Save<'_>,
    known: Option<Head>,
) -> Result<Head, StoreError> {
    let Save { expected_version, outcome, encoded, documents } = request;
    let state = &outcome.state;
    let head = match known.filter(|head| head.version == expected_version) {
        Some(head) => head,
        None => conn.read_head(state.id)?.ok_or_else(|| StoreError::NotFound(state.reference.to_string()))?,
    };
    if head.version != expected_version || state.version != expected_version + 1 {
        return Err(CommandError::StaleVersion { expected: expected_version, actual: head.version }.into());
    }
    let mut rest = Script::default();
    let new_head = append_events(&mut rest, state.id, &head, outcome, &encoded.events)?;

    let mut guarded = Script::default();
    guarded.plain(frame.begin);
    let mut params = case_columns(state, encoded.state, &new_head, updated_at(outcome));
    params.extend([Value::Int(state.id), Value::Int(expected_version as i64)]);
    guarded.push(
        "UPDATE cases SET version = $1, stage = $2, team = $3, assigned_user = $4, stage_deadline = $5, \
         deadline = $6, received = $7, closed_at = $8, last_event_seq = $9, last_event_hash = $10, \
         updated_at = $11, state = $12, legacy_reference = $13, correspondent = $14, primary_topic = $15, \
         list_columns = $16 WHERE id = $17 AND version = $18 RETURNING version",
        params,
    );
    if conn.returned_rows(guarded)? != 1 {
        // Another process moved the case on since the head was read.
        return Err(CommandError::StaleVersion { expected: expected_version, actual: expected_version + 1 }.into());
    }
    record_projections(&mut rest, backend, outcome, head.seq + 1, documents)?;
    enqueue(&mut rest, outcome, &encoded.notifications);
    rest.plain(frame.end);
    conn.run(rest)?;
    Ok(new_head)
}

/// Adds the outbox rows of the outcome's notifications (JSON in `bodies`), due at once: they
/// commit or roll back with the case change. A (case, key) already there is left alone.
fn enqueue(script: &mut Script, outcome: &Outcome, bodies: &[String]) {
    let at = outcome.events.last().map_or(outcome.state.created_at, |e| e.at).timestamp_millis();
    for (notification, body) in outcome.notifications.iter().zip(bodies) {
        script.push(
            "INSERT INTO outbox (case_id, message_key, kind, recipient, message, created_ms, due_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, message_key) DO NOTHING",
            vec![
                Value::Int(outcome.state.id),
                Value::Text(notification.key.clone()),
                Value::Text(notification.kind.as_str().to_string()),
                Value::Text(notification.to.clone()),
                Value::Text(body.clone()),
                Value::Int(at),
                Value::Int(at),
            ],
        );
    }
}

fn updated_at(outcome: &Outcome) -> String {
    outcome.events.last().map_or(outcome.state.created_at, |e| e.at).to_rfc3339()
}

/// Adds the outcome's events after `head`, chaining hashes, in one multi-row INSERT; returns
/// the new head.
fn append_events(
    script: &mut Script,
    case_id: i64,
    head: &Head,
    outcome: &Outcome,
    bodies: &[String],
) -> Result<Head, StoreError> {
    const COLUMNS: usize = 6;
    let mut seq = head.seq;
    let mut hash = head.hash.clone();
    let mut rows = Vec::with_capacity(bodies.len());
    let mut params = Vec::with_capacity(bodies.len() * COLUMNS);
    for (event, body) in outcome.events.iter().zip(bodies) {
        seq += 1;
        if seq > MAX_PER_CASE {
            return Err(StoreError::Write(format!("case {case_id} has reached the limit of {MAX_PER_CASE} events")));
        }
        let next = chain_hash(&hash, case_id, seq, body);
        let first = params.len() + 1;
        rows.push(format!(
            "(${}, ${}, ${}, ${}, ${}, ${})",
            first,
            first + 1,
            first + 2,
            first + 3,
            first + 4,
            first + 5
        ));
        params.extend([
            Value::Int(clustered_id(case_id, seq)),
            Value::Int(case_id),
            Value::Int(seq as i64),
            Value::Text(event.kind.type_name().to_string()),
            Value::Text(body.clone()),
            Value::Text(next.clone()),
        ]);
        hash = next;
    }
    if !rows.is_empty() {
        script.push(
            &format!("INSERT INTO case_events (id, case_id, seq, event_type, body, hash) VALUES {}", rows.join(", ")),
            params,
        );
    }
    Ok(Head { version: outcome.state.version, seq, hash })
}

/// The SQLite search rowid of a case's own text (`seq` 0) or of the text of its event `seq`.
fn search_rowid(case_id: i64, seq: u64) -> i64 {
    clustered_id(case_id, seq)
}

/// Stage history, documents, contribution requests and search rows derived from the outcome, whose first event has
/// sequence `first_seq`. Every document an event attaches must be among `documents`.
fn record_projections(
    script: &mut Script,
    backend: Backend,
    outcome: &Outcome,
    first_seq: u64,
    documents: &[StoredDocument],
) -> Result<(), StoreError> {
    let state = &outcome.state;
    let mut reindex_case = false;
    for (event, seq) in outcome.events.iter().zip(first_seq..) {
        match &event.kind {
            EventKind::StageCompleted { visit, user, .. } => script.push(
                "UPDATE stage_visits SET ended_at = $1, completed_by = $2 WHERE id = $3",
                vec![
                    Value::Text(event.at.to_rfc3339()),
                    user.as_str().into(),
                    Value::Int(clustered_id(state.id, u64::from(*visit))),
                ],
            ),
            EventKind::NoteAdded { text, .. } => index_entry(script, backend, state.id, seq, "note", text),
            EventKind::DocumentAdded { document } => {
                let file = documents.iter().find(|d| d.sha256 == document.sha256).ok_or_else(|| {
                    StoreError::Write(format!("the bytes of document {} were not supplied", document.name))
                })?;
                store_document(script, backend, state.id, document, file, event.at.to_rfc3339());
                index_entry(script, backend, state.id, seq, "document", &file.text);
            }
            EventKind::CaseClosed { .. } => script.push(
                "UPDATE stage_visits SET ended_at = $1 WHERE id BETWEEN $2 AND $3 AND ended_at IS NULL",
                vec![
                    Value::Text(event.at.to_rfc3339()),
                    Value::Int(clustered_id(state.id, 0)),
                    Value::Int(clustered_id(state.id, MAX_PER_CASE)),
                ],
            ),
            EventKind::DocumentRetagged { sha256, change, .. } => script.push(
                "UPDATE case_documents SET tag = $1 WHERE case_id = $2 AND sha256 = $3",
                vec![
                    Value::Text(change.after.clone().unwrap_or_default()),
                    Value::Int(state.id),
                    sha256.as_str().into(),
                ],
            ),
            EventKind::ContributionRequested { contribution } => script.push(
                "INSERT INTO contributions (id, case_id, number, team, asked, due, requested_by, requested_at, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'OPEN')",
                vec![
                    Value::Int(clustered_id(state.id, u64::from(contribution.id))),
                    Value::Int(state.id),
                    Value::Int(i64::from(contribution.id)),
                    contribution.team.as_str().into(),
                    contribution.asked.as_str().into(),
                    Value::Text(contribution.due.to_string()),
                    contribution.requested_by.as_str().into(),
                    Value::Text(contribution.requested_at.to_rfc3339()),
                ],
            ),
            EventKind::ContributionCompleted { id, .. } | EventKind::ContributionCancelled { id, .. } => {
                let status = if matches!(event.kind, EventKind::ContributionCompleted { .. }) {
                    "COMPLETED"
                } else {
                    "CANCELLED"
                };
                script.push(
                    "UPDATE contributions SET status = $1 WHERE id = $2",
                    vec![Value::Text(status.to_string()), Value::Int(clustered_id(state.id, u64::from(*id)))],
                );
            }
            kind if kind.changes_case_search_text() => reindex_case = true,
            _ => {}
        }
    }
    if reindex_case {
        match backend {
            Backend::Sqlite => {
                let rowid = search_rowid(state.id, 0);
                if !outcome.events.iter().any(|e| matches!(e.kind, EventKind::CaseCreated { .. })) {
                    // The case's old text must stop matching now, indexed or still pending (the
                    // pending table is small: the writer indexes it every few hundred rows).
                    script.push("DELETE FROM search WHERE rowid = $1", vec![Value::Int(rowid)]);
                    script.push("DELETE FROM search_pending WHERE doc = $1", vec![Value::Int(rowid)]);
                }
                script.push(
                    "INSERT INTO search_pending (doc, body) VALUES ($1, $2)",
                    vec![Value::Int(rowid), Value::Text(state.search_text())],
                );
            }
            Backend::Postgres => script.push(
                "INSERT INTO search (id, body, case_id, kind) VALUES ($1, $2, $3, 'case') \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                vec![Value::Int(-state.id), Value::Text(state.search_text()), Value::Int(state.id)],
            ),
        }
    }
    if let Some(stage) = &state.stage {
        script.push(
            "INSERT INTO stage_visits (id, case_id, visit, stage, team, assigned_user, deadline, started_at) \
             VALUES ($8, $1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET \
             team = excluded.team, assigned_user = excluded.assigned_user, deadline = excluded.deadline",
            vec![
                Value::Int(state.id),
                Value::Int(i64::from(stage.visit)),
                stage.stage.as_str().into(),
                stage.team.as_str().into(),
                stage.user.clone().into(),
                date_text(stage.deadline).into(),
                Value::Text(stage.started_at.to_rfc3339()),
                Value::Int(clustered_id(state.id, u64::from(stage.visit))),
            ],
        );
    }
    Ok(())
}

/// Adds a search row for the note or document text of event `seq` of a case.
pub(super) fn index_entry(script: &mut Script, backend: Backend, case_id: i64, seq: u64, kind: &str, text: &str) {
    match backend {
        Backend::Sqlite => script.push(
            "INSERT INTO search_pending (doc, body) VALUES ($1, $2)",
            vec![Value::Int(search_rowid(case_id, seq)), Value::Text(text.to_string())],
        ),
        Backend::Postgres => script.push(
            "INSERT INTO search (id, body, case_id, kind) VALUES (nextval('search_ids'), $1, $2, $3)",
            vec![Value::Text(text.to_string()), Value::Int(case_id), Value::Text(kind.to_string())],
        ),
    }
}

/// Stores a document's bytes once (content-addressed) and links it to the case.
fn store_document(
    script: &mut Script,
    backend: Backend,
    case_id: i64,
    document: &DocumentRef,
    file: &StoredDocument,
    at: String,
) {
    // Bytes already in object storage are not written (the column stays NULL): the statement
    // names the column only when it has a value, so no typed NULL is bound on PostgreSQL.
    let (columns, values) = match file.bytes {
        Some(_) => ("sha256, media_type, size, created_at, scan, bytes", "$1, $2, $3, $4, $5, $6"),
        None => ("sha256, media_type, size, created_at, scan", "$1, $2, $3, $4, $5"),
    };
    let insert = match backend {
        Backend::Sqlite => format!("INSERT OR IGNORE INTO documents ({columns}) VALUES ({values})"),
        Backend::Postgres => {
            format!("INSERT INTO documents ({columns}) VALUES ({values}) ON CONFLICT (sha256) DO NOTHING")
        }
    };
    let mut params = vec![
        Value::Text(document.sha256.clone()),
        Value::Text(document.media_type.clone()),
        Value::Int(i64::try_from(file.size).unwrap_or(i64::MAX)),
        Value::Text(at.clone()),
        Value::Text(file.scan.as_str().to_string()),
    ];
    if let Some(bytes) = &file.bytes {
        params.push(Value::Bytes(bytes.clone()));
    }
    script.push(&insert, params);
    script.push(
        "INSERT INTO case_documents (case_id, sha256, name, tag, added_at) VALUES ($1, $2, $3, $4, $5)",
        vec![
            Value::Int(case_id),
            Value::Text(document.sha256.clone()),
            Value::Text(document.name.clone()),
            Value::Text(document.tag.clone()),
            Value::Text(at),
        ],
    );
}
