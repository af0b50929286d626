//! The reply: which version is approved, and whether it can be despatched as the case type's
//! reply rules ask (by email to the primary correspondent, with copies to named recipients).

use super::settle::holds;
use super::{CommandError, Run};
use crate::case::CaseState;
use crate::event::EventKind;

impl Run<'_> {
    /// Records the primary draft (the version chosen, else the newest document tagged as a
    /// reply) as the approved version, with an event. A case with no such document (a reply on
    /// paper only) records none.
    pub(super) fn approve_reply(&mut self, state: &mut CaseState, stage: &str) {
        if let Some(document) = self.primary_draft(state).cloned() {
            state.approved_reply = Some(document.clone());
            self.emit(EventKind::ReplyApproved { stage: stage.to_string(), document });
        }
    }

    /// Refuses a despatch the reply rules cannot carry out: a reply by email needs an approved
    /// document and the primary correspondent's email address, and each copy its recipient's
    /// address in the organisation when an approved reply goes with it.
    pub(super) fn check_reply_can_leave(&self, state: &CaseState) -> Result<(), CommandError> {
        let rules = &self.definition.reply;
        if rules.email_when.as_ref().is_some_and(|when| holds(when, &state.data, &state.roles)) {
            if state.approved_reply.is_none() {
                return Err(CommandError::invalid(
                    "reply",
                    "No reply has been approved: attach the reply and have it approved before it is sent by email",
                ));
            }
            let email = state.primary_correspondent().and_then(|c| c.details.email.as_deref());
            if email.is_none_or(|email| !email.contains('@')) {
                return Err(CommandError::invalid(
                    "correspondents",
                    "Add the primary correspondent's email address to send the reply by email",
                ));
            }
        }
        // A copy goes with the approved reply; without one (a reply on paper), the case type's
        // own copy stage is the way. A copy whose recipient has no address is refused, not lost.
        if state.approved_reply.is_some() {
            for copy in rules.copies.iter().filter(|copy| holds(&copy.when, &state.data, &state.roles)) {
                if !self.directory.recipients.contains_key(&copy.to) {
                    return Err(CommandError::invalid(
                        "reply",
                        format!("The organisation has no address for {}: add it before despatch", copy.to),
                    ));
                }
            }
        }
        Ok(())
    }
}
