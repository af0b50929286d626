//! Correspondents and topics on a case.

use super::{CommandError, Run};
use crate::case::{CaseState, Correspondent};
use crate::command::CorrespondentDetails;
use crate::event::{Change, EventKind};

/// Most correspondents one case may hold.
const MAX_CORRESPONDENTS: usize = 200;

fn check(details: &CorrespondentDetails) -> Result<(), CommandError> {
    if details.name.trim().is_empty() {
        return Err(CommandError::invalid("name", "Enter the correspondent's full name"));
    }
    let too_long =
        [Some(&details.name), details.organisation.as_ref(), details.email.as_ref(), details.postcode.as_ref()]
            .into_iter()
            .flatten()
            .chain(details.address.iter())
            .any(|text| text.chars().count() > 500);
    if too_long {
        return Err(CommandError::invalid(
            "correspondent",
            "Each correspondent detail must be 500 characters or fewer",
        ));
    }
    Ok(())
}

fn build(id: u32, details: &CorrespondentDetails, primary: bool) -> Correspondent {
    let clean = |value: &Option<String>| value.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let details = CorrespondentDetails {
        kind: details.kind,
        name: details.name.trim().to_string(),
        organisation: clean(&details.organisation),
        address: details.address.iter().map(|line| line.trim().to_string()).filter(|line| !line.is_empty()).collect(),
        postcode: clean(&details.postcode).map(|p| p.to_ascii_uppercase()),
        email: clean(&details.email),
        their_reference: clean(&details.their_reference),
        external_key: clean(&details.external_key),
        matched: details.matched.clone(),
    };
    Correspondent { id, details, primary }
}

impl Run<'_> {
    pub(super) fn add_correspondent(
        &mut self,
        state: &mut CaseState,
        details: &CorrespondentDetails,
        primary: bool,
    ) -> Result<(), CommandError> {
        check(details)?;
        if state.correspondents.len() >= MAX_CORRESPONDENTS {
            return Err(CommandError::invalid(
                "correspondent",
                format!("A case can hold at most {MAX_CORRESPONDENTS} correspondents"),
            ));
        }
        let id = state.correspondents.iter().map(|c| c.id).max().unwrap_or(0) + 1;
        let primary = primary || state.primary_correspondent().is_none();
        let correspondent = build(id, details, false);
        state.correspondents.push(correspondent.clone());
        self.emit(EventKind::CorrespondentAdded { correspondent });
        if primary {
            self.set_primary_correspondent(state, id)?;
        }
        Ok(())
    }

    pub(super) fn update_correspondent(
        &mut self,
        state: &mut CaseState,
        id: u32,
        details: &CorrespondentDetails,
    ) -> Result<(), CommandError> {
        check(details)?;
        let existing = state.correspondents.iter_mut().find(|c| c.id == id).ok_or_else(|| unknown(id))?;
        let after = build(id, details, existing.primary);
        if *existing != after {
            let before = std::mem::replace(existing, after.clone());
            self.emit(EventKind::CorrespondentUpdated { before, after });
        }
        Ok(())
    }

    pub(super) fn remove_correspondent(&mut self, state: &mut CaseState, id: u32) -> Result<(), CommandError> {
        let index = state.correspondents.iter().position(|c| c.id == id).ok_or_else(|| unknown(id))?;
        if state.correspondents[index].primary && state.correspondents.len() > 1 {
            return Err(CommandError::invalid(
                "correspondent",
                "Make another correspondent primary before removing the primary one",
            ));
        }
        let correspondent = state.correspondents.remove(index);
        self.emit(EventKind::CorrespondentRemoved { correspondent });
        Ok(())
    }

    pub(super) fn set_primary_correspondent(&mut self, state: &mut CaseState, id: u32) -> Result<(), CommandError> {
        if !state.correspondents.iter().any(|c| c.id == id) {
            return Err(unknown(id));
        }
        let before = state.primary_correspondent().map(|c| c.id.to_string());
        if before.as_deref() == Some(id.to_string().as_str()) {
            return Ok(());
        }
        for correspondent in &mut state.correspondents {
            correspondent.primary = correspondent.id == id;
        }
        self.emit(EventKind::PrimaryCorrespondentChanged { change: Change { before, after: Some(id.to_string()) } });
        Ok(())
    }

    pub(super) fn add_topic(&mut self, state: &mut CaseState, topic: &str) -> Result<(), CommandError> {
        if !self.directory.topics.contains(topic) {
            return Err(CommandError::invalid("topic", format!("{topic} is not an active topic")));
        }
        if state.topics.iter().any(|t| t == topic) {
            return Err(CommandError::invalid("topic", format!("The case already has topic {topic}")));
        }
        state.topics.push(topic.to_string());
        self.emit(EventKind::TopicAdded { topic: topic.to_string() });
        if state.primary_topic.is_none() {
            self.make_primary_topic(state, topic);
        }
        self.settle(state, "topic added")
    }

    pub(super) fn remove_topic(&mut self, state: &mut CaseState, topic: &str) -> Result<(), CommandError> {
        let Some(index) = state.topics.iter().position(|t| t == topic) else {
            return Err(CommandError::invalid("topic", format!("The case has no topic {topic}")));
        };
        if state.primary_topic.as_deref() == Some(topic) {
            return Err(CommandError::invalid(
                "topic",
                "The primary topic cannot be removed: choose another primary topic first",
            ));
        }
        state.topics.remove(index);
        self.emit(EventKind::TopicRemoved { topic: topic.to_string() });
        Ok(())
    }

    /// Makes `topic` primary, adding it to the case's topics if needed.
    pub(super) fn make_primary_topic(&mut self, state: &mut CaseState, topic: &str) {
        if !state.topics.iter().any(|t| t == topic) {
            state.topics.push(topic.to_string());
            self.emit(EventKind::TopicAdded { topic: topic.to_string() });
        }
        if state.primary_topic.as_deref() != Some(topic) {
            let before = state.primary_topic.replace(topic.to_string());
            self.emit(EventKind::PrimaryTopicChanged { change: Change { before, after: Some(topic.to_string()) } });
        }
    }
}

fn unknown(id: u32) -> CommandError {
    CommandError::invalid("correspondent", format!("The case has no correspondent {id}"))
}
