//! Commands: what a user (or a service account) asks to do to a case.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::CorrespondentKind;

/// Who issues a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// User name.
    pub user: String,
}

impl Actor {
    /// An actor with this user name.
    pub fn user(name: &str) -> Actor {
        Actor { user: name.to_string() }
    }
}

/// A new case to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCase {
    /// Case-type code (`MIN`).
    pub case_type: String,
    /// Date received (civil date, Europe/London); not in the future.
    pub received: NaiveDate,
    /// Initial case fields (e.g. from letter extraction), checked against the definition.
    #[serde(default)]
    pub data: BTreeMap<String, String>,
    /// Correspondents; the first is primary unless one says otherwise.
    #[serde(default)]
    pub correspondents: Vec<CorrespondentDetails>,
    /// A reference from an earlier system.
    #[serde(default)]
    pub legacy_reference: Option<String>,
    /// The Message-ID of the email the case came from (without angle brackets), if it came by
    /// email: a reply by email threads on it.
    #[serde(default)]
    pub message_id: Option<String>,
}

/// The details of a correspondent as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrespondentDetails {
    /// Kind.
    pub kind: CorrespondentKind,
    /// Full name (required, not blank).
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
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Their reference.
    #[serde(default)]
    pub their_reference: Option<String>,
    /// Register key (Parliament member id).
    #[serde(default)]
    pub external_key: Option<String>,
    /// The register entry or earlier correspondent these details were matched to at intake, with
    /// its confidence; `None` when nothing was matched (and then absent from the stored JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<Box<CorrespondentMatch>>,
}

/// What a correspondent was matched to when the letter was read: an MP, a council, or a
/// correspondent of an earlier case. A match below the intake threshold is kept as offered
/// (`applied` false): shown for a person to confirm, its details not used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrespondentMatch {
    /// The register: `mp`, `council` or `known` (a correspondent already in the database).
    pub register: String,
    /// The register's key: Parliament member id, GSS code, or the earlier case's reference.
    pub key: String,
    /// The name in the register.
    pub name: String,
    /// Confidence in whole percent (0–100).
    pub confidence_percent: u8,
    /// True when its details were used; false when only offered.
    pub applied: bool,
}

/// A command on an existing case. Each is applied as one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Submit the current stage's form: the fields it captures and, where the decision needs one,
    /// a reason note. `take` first allocates an unallocated stage to the actor, if they belong to
    /// its team ("allocate to me and complete" in one step).
    CompleteStage {
        /// The stage the user saw (guards against completing a stage that has moved on).
        stage: String,
        /// Field values.
        fields: BTreeMap<String, String>,
        /// The reason or stage note.
        #[serde(default)]
        note: Option<String>,
        /// Allocate to the actor first when unallocated.
        #[serde(default)]
        take: bool,
    },
    /// Allocate the current stage to a user of its team.
    AllocateToUser {
        /// User name.
        user: String,
    },
    /// Remove the user allocation of the current stage.
    Unallocate,
    /// Move the current stage to another team.
    MoveToTeam {
        /// Team code.
        team: String,
        /// Why.
        reason: String,
    },
    /// Add a case note.
    AddNote {
        /// Note text (not blank).
        text: String,
    },
    /// Add a correspondent.
    AddCorrespondent {
        /// Details.
        details: CorrespondentDetails,
        /// Make this the primary correspondent.
        #[serde(default)]
        primary: bool,
    },
    /// Replace a correspondent's details.
    UpdateCorrespondent {
        /// Correspondent id on the case.
        id: u32,
        /// New details.
        details: CorrespondentDetails,
    },
    /// Remove a correspondent (not the primary one while others remain).
    RemoveCorrespondent {
        /// Correspondent id.
        id: u32,
    },
    /// Make a correspondent primary.
    SetPrimaryCorrespondent {
        /// Correspondent id.
        id: u32,
    },
    /// Add a topic.
    AddTopic {
        /// Topic code.
        topic: String,
    },
    /// Remove a topic.
    RemoveTopic {
        /// Topic code.
        topic: String,
    },
    /// Extend the case deadline by working days.
    ApplyExtension {
        /// Working days to add (1 or more).
        working_days: u32,
        /// Why (required).
        reason: String,
    },
    /// Stop the clock: working days from `from` do not count until it is resumed.
    StopClock {
        /// First day not counted (civil date).
        from: NaiveDate,
        /// Why (required).
        reason: String,
    },
    /// Resume the clock: `on` counts again.
    ResumeClock {
        /// First day counted again (civil date).
        on: NaiveDate,
        /// Why (required).
        reason: String,
    },
    /// Record a holding reply; the deadline stands.
    RecordHoldingReply {
        /// Date it was sent (civil date).
        sent_on: NaiveDate,
        /// What it said.
        note: String,
    },
    /// Attach a document (the bytes are stored by the store with the outcome).
    AttachDocument {
        /// The document.
        document: crate::case::DocumentRef,
    },
    /// Close a case imported from a reply that was already sent (a historical case): records
    /// the despatch date and the working days late against the case deadline.
    CloseAsHistorical {
        /// Date the reply was sent (civil date).
        despatched_on: NaiveDate,
        /// Why the case is closed this way (e.g. "imported from the reply").
        reason: String,
    },
    /// Flag the case as one letter of a campaign: near-identical letters from different people.
    JoinCampaign {
        /// The campaign's id (the reference of its first case).
        campaign: String,
        /// Estimated share of text in common with the closest earlier letter, whole percent
        /// (100 for the campaign's first case).
        similarity_percent: u8,
    },
    /// Record a resend: the same letter received again (the same text, perhaps in another
    /// format), attached to this case rather than registered as a new one.
    RecordResend {
        /// The file received again.
        document: crate::case::DocumentRef,
    },
    /// Change the tag of a document on the case (not of the approved reply).
    RetagDocument {
        /// The document's SHA-256.
        sha256: String,
        /// The new tag, one of the case type's document tags.
        tag: String,
    },
    /// Choose which reply version is the primary draft: the one an approving decision records.
    ChoosePrimaryDraft {
        /// The SHA-256 of a document tagged as a reply.
        sha256: String,
    },
    /// Save the draft as edited in the browser: a new reply version (the bytes are stored by the
    /// store with the outcome), at a drafting stage.
    EditDraft {
        /// The SHA-256 of the version the text was edited from.
        based_on: String,
        /// The new version, tagged as a reply.
        document: crate::case::DocumentRef,
    },
    /// Ask another team for a contribution by a due date, at a drafting stage.
    RequestContribution {
        /// The contributing team's code (an active team other than the stage's own).
        team: String,
        /// Due date (civil date, Europe/London): today or later.
        due: NaiveDate,
        /// What is asked (not blank).
        asked: String,
    },
    /// Record that a team contributed, with an optional note and an optional document (the
    /// bytes are stored by the store with the outcome).
    CompleteContribution {
        /// The contribution's number on the case.
        id: u32,
        /// What came back, in words.
        #[serde(default)]
        note: Option<String>,
        /// The contribution as a document, tagged from the case type's document tags.
        #[serde(default)]
        document: Option<crate::case::DocumentRef>,
    },
    /// Withdraw a contribution request that is no longer needed.
    CancelContribution {
        /// The contribution's number on the case.
        id: u32,
        /// Why (required).
        reason: String,
    },
    /// Move the case to a newer definition version of its case type.
    MigrateDefinition {
        /// Target version.
        to_version: u32,
    },
}

impl Command {
    /// Short name for logs and errors.
    pub fn name(&self) -> &'static str {
        match self {
            Command::CompleteStage { .. } => "complete stage",
            Command::AllocateToUser { .. } => "allocate to user",
            Command::Unallocate => "unallocate",
            Command::MoveToTeam { .. } => "move to team",
            Command::AddNote { .. } => "add note",
            Command::AddCorrespondent { .. } => "add correspondent",
            Command::UpdateCorrespondent { .. } => "update correspondent",
            Command::RemoveCorrespondent { .. } => "remove correspondent",
            Command::SetPrimaryCorrespondent { .. } => "set primary correspondent",
            Command::AddTopic { .. } => "add topic",
            Command::RemoveTopic { .. } => "remove topic",
            Command::ApplyExtension { .. } => "apply extension",
            Command::StopClock { .. } => "stop clock",
            Command::ResumeClock { .. } => "resume clock",
            Command::RecordHoldingReply { .. } => "record holding reply",
            Command::MigrateDefinition { .. } => "migrate definition",
            Command::AttachDocument { .. } => "attach document",
            Command::CloseAsHistorical { .. } => "close as historical",
            Command::JoinCampaign { .. } => "join campaign",
            Command::RecordResend { .. } => "record resend",
            Command::RetagDocument { .. } => "retag document",
            Command::ChoosePrimaryDraft { .. } => "choose primary draft",
            Command::EditDraft { .. } => "edit draft",
            Command::RequestContribution { .. } => "request contribution",
            Command::CompleteContribution { .. } => "complete contribution",
            Command::CancelContribution { .. } => "cancel contribution",
        }
    }
}
