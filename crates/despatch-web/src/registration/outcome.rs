//! What became of one letter registered: a new case (with its campaign and correspondent
//! candidates), a resend, an attached reply, a duplicate, or a failure.

use chrono::NaiveDate;
use despatch_domain::engine;
use despatch_domain::event::EventKind;
use despatch_intake::register::Match;
use serde::Serialize;

use super::seen::CampaignReport;

/// What became of one letter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// A new case was opened.
    Registered {
        /// Its reference.
        case: String,
        /// The stage it is at (`None`: closed as a historical case).
        stage: Option<String>,
        /// Date received.
        received: NaiveDate,
        /// Case deadline.
        deadline: Option<NaiveDate>,
        /// For an imported reply: the date it was sent.
        despatched_on: Option<NaiveDate>,
        /// For an imported reply: working days after the deadline (0 when on time).
        working_days_late: Option<u32>,
        /// Something a person should check, e.g. a deadline counted without bank holidays.
        #[serde(skip_serializing_if = "Option::is_none")]
        warning: Option<String>,
        /// The campaign the letter was found part of (near-identical to an earlier letter).
        #[serde(skip_serializing_if = "Option::is_none")]
        campaign: Option<CampaignReport>,
        /// Candidates for the correspondent, best first: earlier cases' correspondents (`source`
        /// `known`, `id` the case reference) and the registers. Only an `applied` one was used.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        matches: Vec<Match>,
    },
    /// The same letter (the same text, perhaps in another format) was registered before: the
    /// file was attached to that case with a "resend received" event, and no case was created.
    Resend {
        /// The reference of the first case with this letter.
        case: String,
    },
    /// A reply attached to the case its reference names.
    Attached {
        /// The case's reference.
        case: String,
    },
    /// The same bytes are already stored on these cases; nothing was created.
    Duplicate {
        /// References of the cases holding them.
        cases: Vec<String>,
    },
    /// Nothing was stored for this letter.
    Failed {
        /// Why.
        reason: String,
    },
}

/// The outcome of a case opened by the engine, before its campaign and matches are added.
pub(super) fn registered(outcome: &engine::Outcome) -> Outcome {
    let state = &outcome.state;
    let working_days_late = outcome.events.iter().find_map(|event| match &event.kind {
        EventKind::CaseClosed { working_days_late, .. } => *working_days_late,
        _ => None,
    });
    Outcome::Registered {
        case: state.reference.to_string(),
        stage: state.stage.as_ref().map(|stage| stage.stage.clone()),
        received: state.received,
        deadline: state.deadline,
        despatched_on: state.despatched_on,
        working_days_late,
        warning: None,
        campaign: None,
        matches: Vec::new(),
    }
}
