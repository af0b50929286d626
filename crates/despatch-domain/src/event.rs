//! Events: what happened to a case. The engine emits them; the store appends them to the
//! case's hash-chained audit trail in the same transaction as the new state.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::case::Correspondent;

/// One event on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// User name of who caused it.
    pub actor: String,
    /// What happened, with before/after values where something changed.
    pub kind: EventKind,
}

/// A before/after pair for one changed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Value before (`None`: unset).
    pub before: Option<String>,
    /// Value after (`None`: cleared).
    pub after: Option<String>,
}

/// Event kinds, named after HOCS's casework events (shared/reference/hocs.md §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventKind {
    /// The case was opened.
    CaseCreated {
        /// Case reference.
        reference: String,
        /// Case-type code.
        case_type: String,
        /// Definition version.
        definition_version: u32,
        /// Received date.
        received: NaiveDate,
    },
    /// A stage visit began.
    StageStarted {
        /// Stage id.
        stage: String,
        /// Visit number.
        visit: u32,
        /// Owning team.
        team: String,
        /// Stage deadline.
        deadline: Option<NaiveDate>,
    },
    /// A stage visit ended with a decision.
    StageCompleted {
        /// Stage id.
        stage: String,
        /// Visit number.
        visit: u32,
        /// Who completed it.
        user: String,
        /// The fields submitted.
        fields: BTreeMap<String, String>,
        /// Next stage, or `None` when the case closed.
        next: Option<String>,
    },
    /// The stage was allocated to a user.
    StageAllocatedToUser {
        /// Stage id.
        stage: String,
        /// Previous user.
        before: Option<String>,
        /// New user.
        after: String,
    },
    /// The stage's user allocation was removed.
    StageUnallocatedFromUser {
        /// Stage id.
        stage: String,
        /// Previous user.
        before: String,
    },
    /// The stage moved to another team.
    StageAllocatedToTeam {
        /// Stage id.
        stage: String,
        /// Previous team.
        before: String,
        /// New team.
        after: String,
    },
    /// Case fields changed.
    CaseDataUpdated {
        /// Field name → change.
        changes: BTreeMap<String, Change>,
    },
    /// A team role (drafting team, private office) was resolved to a different team.
    TeamRoleChanged {
        /// Role name.
        role: String,
        /// Change of team code.
        change: Change,
        /// The named rule or source that chose it.
        because: String,
    },
    /// The case deadline or schedule changed.
    DeadlineChanged {
        /// Schedule now in force.
        schedule: String,
        /// Change of case deadline (ISO dates).
        change: Change,
        /// Why (rule name, extension, clock stop…).
        because: String,
    },
    /// A case note was added.
    NoteAdded {
        /// Note type: MANUAL, REJECT, ALLOCATE, CHANGE, PHONECALL, CLOCK…
        note_type: String,
        /// Text.
        text: String,
    },
    /// A correspondent was added.
    CorrespondentAdded {
        /// The correspondent.
        correspondent: Correspondent,
    },
    /// A correspondent's details changed.
    CorrespondentUpdated {
        /// Before.
        before: Correspondent,
        /// After.
        after: Correspondent,
    },
    /// A correspondent was removed.
    CorrespondentRemoved {
        /// The correspondent removed.
        correspondent: Correspondent,
    },
    /// The primary correspondent changed.
    PrimaryCorrespondentChanged {
        /// Change of correspondent id.
        change: Change,
    },
    /// A topic was added.
    TopicAdded {
        /// Topic code.
        topic: String,
    },
    /// A topic was removed.
    TopicRemoved {
        /// Topic code.
        topic: String,
    },
    /// The primary topic changed.
    PrimaryTopicChanged {
        /// Change of topic code.
        change: Change,
    },
    /// The deadline was extended.
    ExtensionApplied {
        /// Working days added.
        working_days: u32,
        /// Why.
        reason: String,
    },
    /// The clock was stopped.
    ClockStopped {
        /// First day not counted.
        from: NaiveDate,
        /// Why.
        reason: String,
    },
    /// The clock was resumed.
    ClockResumed {
        /// First day counted again.
        on: NaiveDate,
        /// Why.
        reason: String,
    },
    /// A holding reply was recorded; the deadline stands.
    HoldingReplyRecorded {
        /// Date sent.
        sent_on: NaiveDate,
    },
    /// The case closed.
    CaseClosed {
        /// Despatch date, when a reply was despatched.
        despatched_on: Option<NaiveDate>,
        /// Working days after the deadline at despatch (0 when on time).
        working_days_late: Option<u32>,
    },
    /// A document was attached.
    DocumentAdded {
        /// The document.
        document: crate::case::DocumentRef,
    },
    /// The case was flagged as one letter of a campaign.
    CampaignJoined {
        /// The campaign's id (the reference of its first case).
        campaign: String,
        /// Share of text in common with the closest earlier letter, whole percent.
        similarity_percent: u8,
    },
    /// The same letter was received again and attached to this case.
    ResendReceived {
        /// The file as received.
        name: String,
        /// SHA-256 of its bytes, hex.
        sha256: String,
    },
    /// The reply was approved at a stage: this exact document is the version despatch sends.
    ReplyApproved {
        /// Stage id of the approval (Private Office, sign-off).
        stage: String,
        /// The approved document (by SHA-256).
        document: crate::case::DocumentRef,
    },
    /// A document's tag changed.
    DocumentRetagged {
        /// The document's SHA-256.
        sha256: String,
        /// Its file name.
        name: String,
        /// Change of tag.
        change: Change,
    },
    /// A reply version was chosen as the primary draft.
    PrimaryDraftChosen {
        /// The document's SHA-256.
        sha256: String,
        /// Its file name.
        name: String,
    },
    /// The draft was edited in the browser and saved as a new version (attached by the
    /// `DOCUMENT_ADDED` event before this one).
    DraftEdited {
        /// The SHA-256 of the version it was edited from.
        based_on: String,
        /// The SHA-256 of the new version.
        sha256: String,
        /// The new version's file name.
        name: String,
    },
    /// A contribution was requested from a team.
    ContributionRequested {
        /// The request as made.
        contribution: crate::case::Contribution,
    },
    /// A team's contribution came in.
    ContributionCompleted {
        /// The contribution's number on the case.
        id: u32,
        /// The contributing team.
        team: String,
        /// The completion note.
        note: Option<String>,
        /// The SHA-256 of the contribution document, when one was attached.
        document: Option<String>,
    },
    /// A contribution request was withdrawn.
    ContributionCancelled {
        /// The contribution's number on the case.
        id: u32,
        /// The team it was asked of.
        team: String,
        /// Why.
        reason: String,
    },
    /// The case moved to another definition version.
    DefinitionMigrated {
        /// Old version.
        from_version: u32,
        /// New version.
        to_version: u32,
        /// Stage before and after.
        stage: Change,
    },
}

impl EventKind {
    /// The event type name as stored (`STAGE_COMPLETED`).
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::CaseCreated { .. } => "CASE_CREATED",
            EventKind::StageStarted { .. } => "STAGE_STARTED",
            EventKind::StageCompleted { .. } => "STAGE_COMPLETED",
            EventKind::StageAllocatedToUser { .. } => "STAGE_ALLOCATED_TO_USER",
            EventKind::StageUnallocatedFromUser { .. } => "STAGE_UNALLOCATED_FROM_USER",
            EventKind::StageAllocatedToTeam { .. } => "STAGE_ALLOCATED_TO_TEAM",
            EventKind::CaseDataUpdated { .. } => "CASE_DATA_UPDATED",
            EventKind::TeamRoleChanged { .. } => "TEAM_ROLE_CHANGED",
            EventKind::DeadlineChanged { .. } => "DEADLINE_CHANGED",
            EventKind::NoteAdded { .. } => "NOTE_ADDED",
            EventKind::CorrespondentAdded { .. } => "CORRESPONDENT_ADDED",
            EventKind::CorrespondentUpdated { .. } => "CORRESPONDENT_UPDATED",
            EventKind::CorrespondentRemoved { .. } => "CORRESPONDENT_REMOVED",
            EventKind::PrimaryCorrespondentChanged { .. } => "PRIMARY_CORRESPONDENT_CHANGED",
            EventKind::TopicAdded { .. } => "TOPIC_ADDED",
            EventKind::TopicRemoved { .. } => "TOPIC_REMOVED",
            EventKind::PrimaryTopicChanged { .. } => "PRIMARY_TOPIC_CHANGED",
            EventKind::ExtensionApplied { .. } => "EXTENSION_APPLIED",
            EventKind::ClockStopped { .. } => "CLOCK_STOPPED",
            EventKind::ClockResumed { .. } => "CLOCK_RESUMED",
            EventKind::HoldingReplyRecorded { .. } => "HOLDING_REPLY_RECORDED",
            EventKind::CaseClosed { .. } => "CASE_CLOSED",
            EventKind::DocumentAdded { .. } => "DOCUMENT_ADDED",
            EventKind::ReplyApproved { .. } => "REPLY_APPROVED",
            EventKind::DefinitionMigrated { .. } => "DEFINITION_MIGRATED",
            EventKind::CampaignJoined { .. } => "CAMPAIGN_JOINED",
            EventKind::ResendReceived { .. } => "RESEND_RECEIVED",
            EventKind::DocumentRetagged { .. } => "DOCUMENT_RETAGGED",
            EventKind::PrimaryDraftChosen { .. } => "PRIMARY_DRAFT_CHOSEN",
            EventKind::DraftEdited { .. } => "DRAFT_EDITED",
            EventKind::ContributionRequested { .. } => "CONTRIBUTION_REQUESTED",
            EventKind::ContributionCompleted { .. } => "CONTRIBUTION_COMPLETED",
            EventKind::ContributionCancelled { .. } => "CONTRIBUTION_CANCELLED",
        }
    }

    /// Whether the case's own search text (reference, correspondents, topics) changes, so the
    /// store must re-index it. Notes are indexed as their own entries.
    pub fn changes_case_search_text(&self) -> bool {
        matches!(
            self,
            EventKind::CaseCreated { .. }
                | EventKind::CorrespondentAdded { .. }
                | EventKind::CorrespondentUpdated { .. }
                | EventKind::CorrespondentRemoved { .. }
                | EventKind::TopicAdded { .. }
                | EventKind::TopicRemoved { .. }
                | EventKind::CampaignJoined { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_name_is_the_tag_the_event_is_stored_with() {
        let kinds = [
            EventKind::TopicAdded { topic: "T".into() },
            EventKind::StageUnallocatedFromUser { stage: "S".into(), before: "u".into() },
            EventKind::CaseClosed { despatched_on: None, working_days_late: None },
        ];
        for kind in kinds {
            let stored = serde_json::to_value(&kind).expect("serialises");
            assert_eq!(stored["type"], kind.type_name());
        }
    }
}
