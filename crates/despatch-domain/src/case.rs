//! The state of one case, as the engine reads and writes it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::ClockStop;
use crate::command::CorrespondentDetails;
use crate::reference::Reference;

/// A case: its identity, data, current stage, deadlines and clock.
///
/// Dates that the law counts (`received`, deadlines, despatch) are civil dates in Europe/London;
/// instants (`created_at`, `closed_at`) are UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseState {
    /// Storage id, assigned when the case is created.
    pub id: i64,
    /// Case reference (`MIN/0017733/18`).
    pub reference: Reference,
    /// A reference from an earlier system, kept and searchable.
    #[serde(default)]
    pub legacy_reference: Option<String>,
    /// Case-type code.
    pub case_type: String,
    /// The definition version this case follows until it is migrated.
    pub definition_version: u32,
    /// Optimistic-concurrency version: 1 at creation, +1 per accepted command.
    pub version: u64,
    /// Date the correspondence was received (civil date, Europe/London).
    pub received: NaiveDate,
    /// When the case was created (UTC).
    pub created_at: DateTime<Utc>,
    /// Case fields as strings, keyed by field name (dates ISO, booleans `TRUE`/`FALSE`).
    pub data: BTreeMap<String, String>,
    /// The open stage; `None` once the case is closed.
    pub stage: Option<ActiveStage>,
    /// Resolved team roles: role name → team code.
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    /// The deadline schedule in force.
    pub schedule: String,
    /// Case deadline; `None` while the clock is stopped or no target applies.
    pub deadline: Option<NaiveDate>,
    /// Extensions, clock stops and holding replies.
    #[serde(default)]
    pub clock: Clock,
    /// Correspondents; exactly one is primary once any is added.
    #[serde(default)]
    pub correspondents: Vec<Correspondent>,
    /// Topic codes on the case.
    #[serde(default)]
    pub topics: Vec<String>,
    /// The primary topic, which drives routing.
    #[serde(default)]
    pub primary_topic: Option<String>,
    /// Number of stage visits so far (each visit of a stage is kept, numbered from 1).
    pub stage_visits: u32,
    /// Date the reply left the department (civil date).
    #[serde(default)]
    pub despatched_on: Option<NaiveDate>,
    /// When the case was closed (UTC).
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    /// Documents attached to the case, oldest first.
    #[serde(default)]
    pub documents: Vec<DocumentRef>,
    /// The campaign this letter belongs to (the reference of the campaign's first case), when
    /// it was found near-identical to other letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// The Message-ID (without angle brackets) of the email the case came from, so that a reply
    /// by email threads on it.
    #[serde(default)]
    pub original_message_id: Option<String>,
    /// The reply as last approved (Private Office approval, ministerial sign-off): the exact
    /// version despatch sends.
    #[serde(default)]
    pub approved_reply: Option<DocumentRef>,
    /// The SHA-256 of the draft chosen as the primary one (what an approving decision records),
    /// when a user chose one; `None` means the newest document tagged as a reply. Attaching a
    /// newer reply version clears the choice, so the newest version is again the primary draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_draft: Option<String>,
    /// Contributions requested from other teams, oldest first (numbered from 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributions: Vec<Contribution>,
}

/// A contribution requested from another team while the reply is drafted (HOCS "contributions"):
/// what is asked, of which team, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// Number within the case (1-based).
    pub id: u32,
    /// The contributing team's code.
    pub team: String,
    /// What is asked of the team.
    pub asked: String,
    /// Due date (civil date, Europe/London): due by the end of that day.
    pub due: NaiveDate,
    /// User name of the requester.
    pub requested_by: String,
    /// When it was requested (UTC).
    pub requested_at: DateTime<Utc>,
    /// Open, completed or cancelled.
    pub status: ContributionStatus,
    /// Who completed or cancelled it.
    #[serde(default)]
    pub closed_by: Option<String>,
    /// When it was completed or cancelled (UTC).
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    /// The completion note or the reason for cancelling.
    #[serde(default)]
    pub note: Option<String>,
    /// The SHA-256 of the document the contribution came as, when one was attached.
    #[serde(default)]
    pub document: Option<String>,
}

/// Where a contribution request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContributionStatus {
    /// Waiting for the team.
    Open,
    /// The team contributed.
    Completed,
    /// No longer needed.
    Cancelled,
}

impl ContributionStatus {
    /// The stored name (`OPEN`).
    pub fn as_str(self) -> &'static str {
        match self {
            ContributionStatus::Open => "OPEN",
            ContributionStatus::Completed => "COMPLETED",
            ContributionStatus::Cancelled => "CANCELLED",
        }
    }
}

impl Contribution {
    /// Whether it is still open after its due date on `today` (civil date, Europe/London): due
    /// on the 3rd, it is overdue from the 4th.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == ContributionStatus::Open && today > self.due
    }
}

/// A document on a case: an immutable, content-addressed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// File name as received.
    pub name: String,
    /// Tag from the case type's list (`ORIGINAL`, `DRAFT`, `FINAL`…).
    pub tag: String,
    /// Media type (`application/pdf`).
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
}

/// The stage a case is at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveStage {
    /// Stage id (`INITIAL_DRAFT`).
    pub stage: String,
    /// Visit number (1-based, across all stages of the case).
    pub visit: u32,
    /// Owning team code.
    pub team: String,
    /// User the stage is allocated to, if any.
    #[serde(default)]
    pub user: Option<String>,
    /// Stage deadline (civil date), counted from the received date.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    /// When the stage started (UTC).
    pub started_at: DateTime<Utc>,
}

/// Extensions, clock stops and holding replies on a case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Extensions granted, in order.
    #[serde(default)]
    pub extensions: Vec<Extension>,
    /// Clock stops; at most the last may be open.
    #[serde(default)]
    pub stops: Vec<ClockStop>,
    /// Holding replies sent (the deadline stands).
    #[serde(default)]
    pub holding_replies: Vec<NaiveDate>,
}

impl Clock {
    /// Total working days of extension granted.
    pub fn extension_days(&self) -> u32 {
        self.extensions.iter().map(|extension| extension.working_days).sum()
    }

    /// Whether the clock is stopped now.
    pub fn is_stopped(&self) -> bool {
        self.stops.last().is_some_and(|stop| stop.until.is_none())
    }
}

/// An extension of the case deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// Working days added.
    pub working_days: u32,
    /// Why.
    pub reason: String,
}

/// A correspondent on a case (HOCS §3.2): the details as entered (cleaned), an id and whether
/// it is the primary one. Stored flat, as `{ "id", "kind", "name", …, "primary" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correspondent {
    /// Id unique within the case (1-based).
    pub id: u32,
    /// Kind, name, organisation, address, postcode, email, their reference, register key.
    #[serde(flatten)]
    pub details: CorrespondentDetails,
    /// Whether this is the primary correspondent.
    pub primary: bool,
}

/// Correspondent types (DESIGN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrespondentKind {
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

impl CaseState {
    /// The primary correspondent.
    pub fn primary_correspondent(&self) -> Option<&Correspondent> {
        self.correspondents.iter().find(|correspondent| correspondent.primary)
    }

    /// The document with this SHA-256.
    pub fn document(&self, sha256: &str) -> Option<&DocumentRef> {
        self.documents.iter().find(|document| document.sha256 == sha256)
    }

    /// The versions of the reply: documents tagged with one of `reply_tags` (the case type's
    /// `[reply] tags`), oldest first.
    pub fn reply_versions<'a>(&'a self, reply_tags: &'a [String]) -> impl Iterator<Item = &'a DocumentRef> + 'a {
        self.documents.iter().filter(move |document| reply_tags.contains(&document.tag))
    }

    /// The primary draft: the version chosen ([`CaseState::primary_draft`]) while it is still
    /// tagged as a reply, else the newest reply version; `None` without one.
    pub fn primary_draft_document(&self, reply_tags: &[String]) -> Option<&DocumentRef> {
        let chosen = self.primary_draft.as_deref().and_then(|sha256| self.document(sha256));
        chosen
            .filter(|document| reply_tags.contains(&document.tag))
            .or_else(|| self.documents.iter().rev().find(|document| reply_tags.contains(&document.tag)))
    }

    /// Whether the case is closed.
    pub fn is_closed(&self) -> bool {
        self.stage.is_none()
    }

    /// The text full-text search indexes for the case itself (reference, legacy reference,
    /// correspondents, topics, and [`campaign_search_words`] for its campaign). Notes and
    /// documents are indexed as separate entries.
    pub fn search_text(&self) -> String {
        let mut parts: Vec<&str> = vec![self.case_type.as_str()];
        let reference = self.reference.to_string();
        parts.push(&reference);
        if let Some(legacy) = &self.legacy_reference {
            parts.push(legacy);
        }
        for correspondent in self.correspondents.iter().map(|c| &c.details) {
            parts.push(&correspondent.name);
            parts.extend(correspondent.organisation.as_deref());
            parts.extend(correspondent.address.iter().map(String::as_str));
            parts.extend(correspondent.postcode.as_deref());
            parts.extend(correspondent.email.as_deref());
            parts.extend(correspondent.their_reference.as_deref());
        }
        parts.extend(self.topics.iter().map(String::as_str));
        let campaign = self.campaign.as_deref().map(campaign_search_words);
        parts.extend(campaign.as_deref());
        parts.join(" ")
    }
}

/// The words that find every letter of a campaign in search: `campaign` and the campaign's id
/// as one word, without its slashes (`MIN/0000001/26` → `campaign MIN000000126`), since a search
/// with a slash is a reference lookup and full-text search splits words at slashes.
pub fn campaign_search_words(campaign: &str) -> String {
    let word: String = campaign.chars().filter(|c| c.is_alphanumeric()).collect();
    format!("campaign {word}")
}
