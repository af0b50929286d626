//! What the API answers with: JSON shapes of cases, stages, correspondents, documents and pages
//! of cases, each with its OpenAPI schema. Dates that the law counts are civil dates in
//! Europe/London (`2018-11-14`); instants are UTC (RFC 3339).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use despatch_domain::case::{CaseState, Correspondent, CorrespondentKind, DocumentRef};
use despatch_domain::command::CorrespondentDetails;
use despatch_store::{CaseSummary, Page, StageVisit, StoredEventRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Correspondent types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// Member of Parliament.
    Mp,
    /// Member of the House of Lords.
    Peer,
    /// Local councillor.
    Councillor,
    /// Member of the public.
    MemberOfPublic,
    /// An organisation.
    Organisation,
    /// The constituent an MP writes on behalf of.
    Constituent,
}

impl From<Kind> for CorrespondentKind {
    fn from(kind: Kind) -> CorrespondentKind {
        match kind {
            Kind::Mp => CorrespondentKind::Mp,
            Kind::Peer => CorrespondentKind::Peer,
            Kind::Councillor => CorrespondentKind::Councillor,
            Kind::MemberOfPublic => CorrespondentKind::MemberOfPublic,
            Kind::Organisation => CorrespondentKind::Organisation,
            Kind::Constituent => CorrespondentKind::Constituent,
        }
    }
}

impl From<CorrespondentKind> for Kind {
    fn from(kind: CorrespondentKind) -> Kind {
        match kind {
            CorrespondentKind::Mp => Kind::Mp,
            CorrespondentKind::Peer => Kind::Peer,
            CorrespondentKind::Councillor => Kind::Councillor,
            CorrespondentKind::MemberOfPublic => Kind::MemberOfPublic,
            CorrespondentKind::Organisation => Kind::Organisation,
            CorrespondentKind::Constituent => Kind::Constituent,
        }
    }
}

/// A correspondent's details, as sent and as answered.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub(crate) struct Details {
    /// Type of correspondent.
    pub kind: Kind,
    /// Full name (not blank).
    pub name: String,
    /// Organisation.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Address lines.
    #[serde(default)]
    pub address: Vec<String>,
    /// Postcode.
    #[serde(default)]
    pub postcode: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Their reference.
    #[serde(default)]
    pub their_reference: Option<String>,
    /// Register key (Parliament member id).
    #[serde(default)]
    pub external_key: Option<String>,
}

impl From<Details> for CorrespondentDetails {
    fn from(d: Details) -> CorrespondentDetails {
        CorrespondentDetails {
            kind: d.kind.into(),
            name: d.name,
            organisation: d.organisation,
            address: d.address,
            postcode: d.postcode,
            email: d.email,
            their_reference: d.their_reference,
            external_key: d.external_key,
            matched: None,
        }
    }
}

impl From<&CorrespondentDetails> for Details {
    fn from(d: &CorrespondentDetails) -> Details {
        Details {
            kind: d.kind.into(),
            name: d.name.clone(),
            organisation: d.organisation.clone(),
            address: d.address.clone(),
            postcode: d.postcode.clone(),
            email: d.email.clone(),
            their_reference: d.their_reference.clone(),
            external_key: d.external_key.clone(),
        }
    }
}

/// A correspondent on a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct CorrespondentView {
    /// Id within the case.
    pub id: u32,
    /// Whether this is the primary correspondent.
    pub primary: bool,
    /// Their details.
    #[serde(flatten)]
    pub details: Details,
}

impl From<&Correspondent> for CorrespondentView {
    fn from(c: &Correspondent) -> CorrespondentView {
        CorrespondentView { id: c.id, primary: c.primary, details: (&c.details).into() }
    }
}

/// A document on a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct DocumentView {
    /// SHA-256 of the bytes, hex: the document's address.
    pub sha256: String,
    /// File name as received.
    pub name: String,
    /// Tag from the case type's list (`ORIGINAL`, `DRAFT`, `FINAL`…).
    pub tag: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
}

impl From<&DocumentRef> for DocumentView {
    fn from(d: &DocumentRef) -> DocumentView {
        DocumentView {
            sha256: d.sha256.clone(),
            name: d.name.clone(),
            tag: d.tag.clone(),
            media_type: d.media_type.clone(),
            size: d.size,
        }
    }
}

/// The stage a case is at.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ActiveStageView {
    /// Stage id (`MARKUP`).
    pub stage: String,
    /// Visit number (1-based, across the case's stages).
    pub visit: u32,
    /// Owning team code.
    pub team: String,
    /// Allocated user, if any.
    pub user: Option<String>,
    /// Stage deadline (civil date).
    pub deadline: Option<NaiveDate>,
    /// When the stage started (UTC).
    pub started_at: DateTime<Utc>,
}

/// A case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct CaseView {
    /// Case id, used in the API's addresses.
    pub id: i64,
    /// Case reference (`MIN/0017733/18`).
    pub reference: String,
    /// A reference from an earlier system.
    pub legacy_reference: Option<String>,
    /// Case-type code.
    pub case_type: String,
    /// The definition version the case follows.
    pub definition_version: u32,
    /// The case's version: send it back with a command to have it refused (409) if the case
    /// changed meanwhile.
    pub version: u64,
    /// Date received (civil date).
    pub received: NaiveDate,
    /// When the case was created (UTC).
    pub created_at: DateTime<Utc>,
    /// Case fields (dates ISO, booleans `TRUE`/`FALSE`).
    pub data: BTreeMap<String, String>,
    /// The open stage; absent once the case is closed.
    pub stage: Option<ActiveStageView>,
    /// Case deadline (civil date); absent while the clock is stopped.
    pub deadline: Option<NaiveDate>,
    /// Correspondents.
    pub correspondents: Vec<CorrespondentView>,
    /// Topic codes.
    pub topics: Vec<String>,
    /// The primary topic.
    pub primary_topic: Option<String>,
    /// Documents, oldest first.
    pub documents: Vec<DocumentView>,
    /// Date the reply left the department (civil date).
    pub despatched_on: Option<NaiveDate>,
    /// When the case was closed (UTC).
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<&CaseState> for CaseView {
    fn from(case: &CaseState) -> CaseView {
        CaseView {
            id: case.id,
            reference: case.reference.to_string(),
            legacy_reference: case.legacy_reference.clone(),
            case_type: case.case_type.clone(),
            definition_version: case.definition_version,
            version: case.version,
            received: case.received,
            created_at: case.created_at,
            data: case.data.clone(),
            stage: case.stage.as_ref().map(|s| ActiveStageView {
                stage: s.stage.clone(),
                visit: s.visit,
                team: s.team.clone(),
                user: s.user.clone(),
                deadline: s.deadline,
                started_at: s.started_at,
            }),
            deadline: case.deadline,
            correspondents: case.correspondents.iter().map(CorrespondentView::from).collect(),
            topics: case.topics.clone(),
            primary_topic: case.primary_topic.clone(),
            documents: case.documents.iter().map(DocumentView::from).collect(),
            despatched_on: case.despatched_on,
            closed_at: case.closed_at,
        }
    }
}

/// One visit of a stage in a case's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct VisitView {
    /// Visit number.
    pub visit: u32,
    /// Stage id.
    pub stage: String,
    /// Owning team.
    pub team: String,
    /// Last allocated user.
    pub user: Option<String>,
    /// Stage deadline (civil date).
    pub deadline: Option<NaiveDate>,
    /// Started (UTC, RFC 3339).
    pub started_at: String,
    /// Ended (UTC, RFC 3339).
    pub ended_at: Option<String>,
    /// Who completed it.
    pub completed_by: Option<String>,
}

impl From<&StageVisit> for VisitView {
    fn from(v: &StageVisit) -> VisitView {
        VisitView {
            visit: v.visit,
            stage: v.stage.clone(),
            team: v.team.clone(),
            user: v.user.clone(),
            deadline: v.deadline,
            started_at: v.started_at.clone(),
            ended_at: v.ended_at.clone(),
            completed_by: v.completed_by.clone(),
        }
    }
}

/// One event of a case's audit trail.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct EventView {
    /// Position in the case's chain (1-based).
    pub seq: u64,
    /// Event type (`NOTE_ADDED`, `STAGE_COMPLETED`…).
    pub event_type: String,
    /// The event as recorded (who, when, what).
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    /// Hash of this event, chained onto the previous one.
    pub hash: String,
}

impl From<&StoredEventRow> for EventView {
    fn from(e: &StoredEventRow) -> EventView {
        EventView {
            seq: e.seq,
            event_type: e.event_type.clone(),
            body: serde_json::from_str(&e.body).unwrap_or(serde_json::Value::Null),
            hash: e.hash.clone(),
        }
    }
}

/// One case in a workstack or search result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct SummaryView {
    /// Case id.
    pub id: i64,
    /// Case reference.
    pub reference: String,
    /// Case type.
    pub case_type: String,
    /// Current stage; absent when closed.
    pub stage: Option<String>,
    /// Owning team.
    pub team: Option<String>,
    /// Allocated user.
    pub user: Option<String>,
    /// Stage deadline (civil date).
    pub stage_deadline: Option<NaiveDate>,
    /// Case deadline (civil date).
    pub deadline: Option<NaiveDate>,
    /// Received (civil date).
    pub received: NaiveDate,
}

impl From<&CaseSummary> for SummaryView {
    fn from(s: &CaseSummary) -> SummaryView {
        SummaryView {
            id: s.id,
            reference: s.reference.clone(),
            case_type: s.case_type.clone(),
            stage: s.stage.clone(),
            team: s.team.clone(),
            user: s.user.clone(),
            stage_deadline: s.stage_deadline,
            deadline: s.deadline,
            received: s.received,
        }
    }
}

/// A page of cases with the true total (never capped).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct PageView {
    /// Every matching case, over all pages.
    pub total: u64,
    /// This page (1-based).
    pub page: u32,
    /// Cases per page.
    pub page_size: u32,
    /// This page's cases.
    pub cases: Vec<SummaryView>,
}

impl PageView {
    /// A page of the store's results.
    pub fn new(found: &Page, page: u32, page_size: u32) -> PageView {
        PageView { total: found.total, page, page_size, cases: found.rows.iter().map(SummaryView::from).collect() }
    }
}

/// Paging of a list: `page` from 1, `page_size` 1–100 (default 25).
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Paging {
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Cases per page, 1–100.
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

impl Paging {
    /// The page (at least 1) and page size (1–100).
    pub fn resolve(&self, default_size: u32) -> (u32, u32) {
        (self.page.unwrap_or(1).max(1), self.page_size.unwrap_or(default_size).clamp(1, 100))
    }
}
