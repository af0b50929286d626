//! Documents on a case, resends and campaigns, and closing a case imported from a reply
//! already sent.

use chrono::NaiveDate;

use super::{CommandError, Run};
use crate::case::{CaseState, DocumentRef};
use crate::event::EventKind;

impl Run<'_> {
    /// Attaches a document whose tag is one of the case type's document tags. The same bytes
    /// (same SHA-256) are attached to a case once. A new reply version clears the choice of
    /// primary draft, so that the newest version is the primary one.
    pub(super) fn attach_document(
        &mut self,
        state: &mut CaseState,
        document: &DocumentRef,
    ) -> Result<(), CommandError> {
        if !self.definition.document_tags.contains(&document.tag) {
            let tags = self.definition.document_tags.join(", ");
            return Err(CommandError::invalid("tag", format!("Choose a document tag: {tags}")));
        }
        let valid_hash = document.sha256.len() == 64 && document.sha256.chars().all(|c| c.is_ascii_hexdigit());
        if !valid_hash || document.name.trim().is_empty() {
            return Err(CommandError::invalid("document", "The document needs a name and a SHA-256 content hash"));
        }
        if state.documents.iter().any(|existing| existing.sha256 == document.sha256) {
            return Err(CommandError::invalid("document", format!("{} is already on this case", document.name)));
        }
        state.documents.push(document.clone());
        // A newer reply version is the primary draft again until someone chooses another.
        if self.definition.reply.tags.contains(&document.tag) {
            state.primary_draft = None;
        }
        self.emit(EventKind::DocumentAdded { document: document.clone() });
        Ok(())
    }

    /// Records a resend: the file is attached (as [`Run::attach_document`] checks it) and the
    /// resend is noted by name. Allowed on a closed case too: the letter came again either way.
    pub(super) fn record_resend(&mut self, state: &mut CaseState, document: &DocumentRef) -> Result<(), CommandError> {
        self.attach_document(state, document)?;
        self.emit(EventKind::ResendReceived { name: document.name.clone(), sha256: document.sha256.clone() });
        Ok(())
    }

    /// Flags the case as a letter of `campaign`. A case belongs to one campaign: joining it
    /// again, or another one, is refused.
    pub(super) fn join_campaign(
        &mut self,
        state: &mut CaseState,
        campaign: &str,
        similarity_percent: u8,
    ) -> Result<(), CommandError> {
        let campaign = campaign.trim();
        if campaign.is_empty() || campaign.chars().count() > 100 {
            return Err(CommandError::invalid("campaign", "Give the campaign's id (100 characters or fewer)"));
        }
        if similarity_percent > 100 {
            return Err(CommandError::invalid("similarity_percent", "A similarity is a percentage from 0 to 100"));
        }
        if let Some(existing) = &state.campaign {
            return Err(CommandError::invalid("campaign", format!("The case is already part of campaign {existing}")));
        }
        state.campaign = Some(campaign.to_string());
        self.emit(EventKind::CampaignJoined { campaign: campaign.to_string(), similarity_percent });
        Ok(())
    }

    /// Closes an open case as a historical one: the reply left on `despatched_on`, so the case
    /// records that date and the working days late against its deadline.
    pub(super) fn close_historical(
        &mut self,
        state: &mut CaseState,
        despatched_on: NaiveDate,
        reason: &str,
    ) -> Result<(), CommandError> {
        if despatched_on < state.received || despatched_on > self.today() {
            return Err(CommandError::invalid(
                "despatched_on",
                "The reply must be dated between the date received and today",
            ));
        }
        self.note(state, "CLOSE", reason)?;
        let late = state.deadline.map(|deadline| self.calendar.working_days_late(deadline, despatched_on));
        state.stage = None;
        state.despatched_on = Some(despatched_on);
        state.closed_at = Some(self.now);
        self.emit(EventKind::CaseClosed { despatched_on: Some(despatched_on), working_days_late: late });
        Ok(())
    }
}
