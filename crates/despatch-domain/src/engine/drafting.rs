//! Drafting the reply: re-tagging documents, choosing the primary draft, saving a draft edited in
//! the browser, and contributions requested from other teams.
//!
//! Who may: every command here needs WRITE on the case type ([`crate::access::level_for`]); a
//! new draft version and a contribution request also need the case at a drafting stage (a stage
//! marked `drafting` in its definition). A contribution is completed by a member of the
//! contributing team or of the team drafting; it is cancelled by the requester or a member of
//! the team drafting.

use chrono::NaiveDate;

use super::{CommandError, MAX_NOTE_CHARS, Run};
use crate::access::{AccessLevel, level_for};
use crate::case::{CaseState, Contribution, ContributionStatus, DocumentRef};
use crate::event::{Change, EventKind};

impl Run<'_> {
    /// Refuses an actor without WRITE on the case type.
    fn require_write(&self, state: &CaseState, command: &'static str) -> Result<(), CommandError> {
        let level = level_for(self.directory, &self.actor.user, &state.case_type);
        if level.is_some_and(|level| level >= AccessLevel::Write) {
            return Ok(());
        }
        Err(CommandError::NotAllowed {
            command,
            situation: format!(
                "for {}: their access to {} cases does not allow changes",
                self.actor.user, state.case_type
            ),
        })
    }

    /// Refuses a case whose current stage is not a drafting stage.
    fn require_drafting_stage(&self, state: &CaseState, command: &'static str) -> Result<(), CommandError> {
        let stage = state.stage.as_ref().map(|stage| stage.stage.as_str()).unwrap_or_default();
        if self.definition.stage(stage).is_some_and(|definition| definition.drafting) {
            return Ok(());
        }
        Err(CommandError::NotAllowed { command, situation: format!("at stage {stage}, which is not a drafting stage") })
    }

    /// Whether the actor belongs to the team holding the current stage.
    fn in_stage_team(&self, state: &CaseState) -> bool {
        state.stage.as_ref().is_some_and(|stage| self.directory.is_member(&self.actor.user, &stage.team))
    }

    /// Gives a document another of the case type's tags. The approved reply keeps its tag (it is
    /// the version despatch sends); a primary draft re-tagged as something other than a reply is
    /// no longer the primary draft.
    pub(super) fn retag_document(
        &mut self,
        state: &mut CaseState,
        sha256: &str,
        tag: &str,
    ) -> Result<(), CommandError> {
        self.require_write(state, "retag document")?;
        if !self.definition.document_tags.iter().any(|known| known == tag) {
            let tags = self.definition.document_tags.join(", ");
            return Err(CommandError::invalid("tag", format!("Choose a document tag: {tags}")));
        }
        let Some(index) = state.documents.iter().position(|document| document.sha256 == sha256) else {
            return Err(CommandError::invalid("document", "There is no such document on this case"));
        };
        let before = state.documents[index].tag.clone();
        if before == tag {
            return Err(CommandError::invalid("tag", format!("The document is already tagged {tag}")));
        }
        if state.approved_reply.as_ref().is_some_and(|approved| approved.sha256 == sha256) {
            return Err(CommandError::invalid("tag", "The approved reply keeps its tag: it is the version to be sent"));
        }
        state.documents[index].tag = tag.to_string();
        if state.primary_draft.as_deref() == Some(sha256) && !self.definition.reply.tags.iter().any(|t| t == tag) {
            state.primary_draft = None;
        }
        let name = state.documents[index].name.clone();
        let change = Change { before: Some(before), after: Some(tag.to_string()) };
        self.emit(EventKind::DocumentRetagged { sha256: sha256.to_string(), name, change });
        Ok(())
    }

    /// Makes a reply version the primary draft.
    pub(super) fn choose_primary_draft(&mut self, state: &mut CaseState, sha256: &str) -> Result<(), CommandError> {
        self.require_write(state, "choose primary draft")?;
        let Some(document) = state.document(sha256).cloned() else {
            return Err(CommandError::invalid("document", "There is no such document on this case"));
        };
        if !self.definition.reply.tags.contains(&document.tag) {
            let tags = self.definition.reply.tags.join(" or ");
            return Err(CommandError::invalid(
                "document",
                format!("Only a document tagged {tags} can be the primary draft"),
            ));
        }
        if self.primary_draft(state).is_some_and(|primary| primary.sha256 == sha256) {
            return Err(CommandError::invalid("document", format!("{} is already the primary draft", document.name)));
        }
        state.primary_draft = Some(sha256.to_string());
        self.emit(EventKind::PrimaryDraftChosen { sha256: sha256.to_string(), name: document.name });
        Ok(())
    }

    /// The primary draft ([`CaseState::primary_draft_document`]).
    pub(super) fn primary_draft<'s>(&self, state: &'s CaseState) -> Option<&'s DocumentRef> {
        state.primary_draft_document(&self.definition.reply.tags)
    }

    /// Attaches a new reply version edited from `based_on` (a reply version on the case), at a
    /// drafting stage. It becomes the primary draft, as any newer reply version does.
    pub(super) fn edit_draft(
        &mut self,
        state: &mut CaseState,
        based_on: &str,
        document: &DocumentRef,
    ) -> Result<(), CommandError> {
        self.require_write(state, "edit draft")?;
        self.require_drafting_stage(state, "edit draft")?;
        let definition = self.definition;
        let tags = &definition.reply.tags;
        if !state.document(based_on).is_some_and(|original| tags.contains(&original.tag)) {
            return Err(CommandError::invalid("based_on", "The version edited is not a draft of this case"));
        }
        if !tags.contains(&document.tag) {
            return Err(CommandError::invalid("tag", format!("A draft is tagged {}", tags.join(" or "))));
        }
        self.attach_document(state, document)?;
        self.emit(EventKind::DraftEdited {
            based_on: based_on.to_string(),
            sha256: document.sha256.clone(),
            name: document.name.clone(),
        });
        Ok(())
    }

    /// Asks `team` for a contribution due on `due`, at a drafting stage.
    pub(super) fn request_contribution(
        &mut self,
        state: &mut CaseState,
        team: &str,
        due: NaiveDate,
        asked: &str,
    ) -> Result<(), CommandError> {
        self.require_write(state, "request contribution")?;
        self.require_drafting_stage(state, "request contribution")?;
        let mut problems = Vec::new();
        if !self.directory.is_active_team(team) {
            problems.push(("team", "Choose the team to ask for a contribution".to_string()));
        } else if state.stage.as_ref().is_some_and(|stage| stage.team == team) {
            problems.push(("team", "Choose another team: the case is already with this one".to_string()));
        }
        if due < self.today() {
            problems.push(("due", "The due date must be today or in the future".to_string()));
        }
        let asked = asked.trim();
        if asked.is_empty() {
            problems.push(("asked", "Enter what you are asking the team for".to_string()));
        } else if asked.chars().count() > MAX_NOTE_CHARS {
            problems.push(("asked", format!("The request must be {MAX_NOTE_CHARS} characters or fewer")));
        }
        if !problems.is_empty() {
            return Err(CommandError::Invalid(
                problems
                    .into_iter()
                    .map(|(field, message)| super::FieldError { field: field.to_string(), message })
                    .collect(),
            ));
        }
        let contribution = Contribution {
            id: u32::try_from(state.contributions.len() + 1).unwrap_or(u32::MAX),
            team: team.to_string(),
            asked: asked.to_string(),
            due,
            requested_by: self.actor.user.clone(),
            requested_at: self.now,
            status: ContributionStatus::Open,
            closed_by: None,
            closed_at: None,
            note: None,
            document: None,
        };
        state.contributions.push(contribution.clone());
        self.emit(EventKind::ContributionRequested { contribution });
        Ok(())
    }

    /// The open contribution `id`, or why it cannot be changed.
    fn open_contribution(&self, state: &CaseState, id: u32) -> Result<usize, CommandError> {
        let index = state.contributions.iter().position(|contribution| contribution.id == id).ok_or_else(|| {
            CommandError::invalid("contribution", format!("There is no contribution {id} on this case"))
        })?;
        match state.contributions[index].status {
            ContributionStatus::Open => Ok(index),
            ContributionStatus::Completed => {
                Err(CommandError::invalid("contribution", "This contribution has already been completed"))
            }
            ContributionStatus::Cancelled => {
                Err(CommandError::invalid("contribution", "This contribution was cancelled"))
            }
        }
    }

    /// Records contribution `id` as done, with an optional note and document.
    pub(super) fn complete_contribution(
        &mut self,
        state: &mut CaseState,
        id: u32,
        note: Option<&str>,
        document: Option<&DocumentRef>,
    ) -> Result<(), CommandError> {
        self.require_write(state, "complete contribution")?;
        let index = self.open_contribution(state, id)?;
        let team = state.contributions[index].team.clone();
        if !self.directory.is_member(&self.actor.user, &team) && !self.in_stage_team(state) {
            return Err(CommandError::NotInTeam { user: self.actor.user.clone(), team });
        }
        let note = note.map(str::trim).filter(|note| !note.is_empty()).map(str::to_string);
        if note.as_ref().is_some_and(|note| note.chars().count() > MAX_NOTE_CHARS) {
            return Err(CommandError::invalid("note", format!("A note must be {MAX_NOTE_CHARS} characters or fewer")));
        }
        if note.is_none() && document.is_none() {
            return Err(CommandError::invalid("note", "Enter the contribution or attach it as a document"));
        }
        if let Some(document) = document {
            self.attach_document(state, document)?;
        }
        let contribution = &mut state.contributions[index];
        contribution.status = ContributionStatus::Completed;
        contribution.closed_by = Some(self.actor.user.clone());
        contribution.closed_at = Some(self.now);
        contribution.note = note.clone();
        contribution.document = document.map(|document| document.sha256.clone());
        let document = contribution.document.clone();
        self.emit(EventKind::ContributionCompleted { id, team, note, document });
        Ok(())
    }

    /// Withdraws contribution `id`, with a reason.
    pub(super) fn cancel_contribution(
        &mut self,
        state: &mut CaseState,
        id: u32,
        reason: &str,
    ) -> Result<(), CommandError> {
        self.require_write(state, "cancel contribution")?;
        let index = self.open_contribution(state, id)?;
        let team = state.contributions[index].team.clone();
        if state.contributions[index].requested_by != self.actor.user && !self.in_stage_team(state) {
            let stage_team = state.stage.as_ref().map(|stage| stage.team.clone()).unwrap_or_default();
            return Err(CommandError::NotInTeam { user: self.actor.user.clone(), team: stage_team });
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(CommandError::invalid("reason", "Enter why the contribution is no longer needed"));
        }
        if reason.chars().count() > MAX_NOTE_CHARS {
            return Err(CommandError::invalid(
                "reason",
                format!("A reason must be {MAX_NOTE_CHARS} characters or fewer"),
            ));
        }
        let contribution = &mut state.contributions[index];
        contribution.status = ContributionStatus::Cancelled;
        contribution.closed_by = Some(self.actor.user.clone());
        contribution.closed_at = Some(self.now);
        contribution.note = Some(reason.to_string());
        self.emit(EventKind::ContributionCancelled { id, team, reason: reason.to_string() });
        Ok(())
    }
}
