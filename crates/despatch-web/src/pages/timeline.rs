//! The case timeline: every event, newest first, each as a sentence, with rejection reasons.

use despatch_domain::engine::World;
use despatch_domain::event::{Event, EventKind};
use despatch_store::StoredEventRow;

use super::{humanise, long_date, stage_name, team_name};

/// One entry of the timeline.
pub(crate) struct Entry {
    pub title: String,
    pub details: Vec<String>,
    pub by: String,
    pub at: String,
    /// A rejection (its reason is one of the details).
    pub rejected: bool,
}

fn change(before: Option<&str>, after: Option<&str>) -> String {
    match (before, after) {
        (Some(before), Some(after)) => format!("{before} → {after}"),
        (None, Some(after)) => after.to_string(),
        (Some(before), None) => format!("{before} → (cleared)"),
        (None, None) => String::new(),
    }
}

fn describe(case_type: &str, event: &Event, world: &World) -> (String, Vec<String>, bool) {
    let stage = |id: &str| stage_name(world, case_type, id);
    match &event.kind {
        EventKind::CaseCreated { reference, received, .. } => {
            (format!("Case {reference} created"), vec![format!("Received {}", long_date(*received))], false)
        }
        EventKind::StageStarted { stage: id, team, deadline, .. } => {
            let mut details = vec![format!("With {}", team_name(world, team))];
            details.extend(deadline.map(|d| format!("Stage deadline {}", long_date(d))));
            (format!("{} started", stage(id)), details, false)
        }
        EventKind::StageCompleted { stage: id, fields, next, .. } => {
            let mut details: Vec<String> = fields.iter().map(|(name, value)| format!("{name}: {value}")).collect();
            details.push(next.as_deref().map_or_else(|| "Case closed".to_string(), |n| format!("Next: {}", stage(n))));
            (format!("{} completed", stage(id)), details, false)
        }
        EventKind::StageAllocatedToUser { after, .. } => (format!("Allocated to {after}"), Vec::new(), false),
        EventKind::StageUnallocatedFromUser { before, .. } => (format!("Unallocated from {before}"), Vec::new(), false),
        EventKind::StageAllocatedToTeam { after, .. } => {
            (format!("Moved to {}", team_name(world, after)), Vec::new(), false)
        }
        EventKind::NoteAdded { note_type, text } => {
            let rejected = note_type == "REJECT";
            let title = match note_type.as_str() {
                "REJECT" => "Rejected".to_string(),
                "MANUAL" => "Case note".to_string(),
                other => format!("{} note", humanise(other)),
            };
            (title, vec![text.clone()], rejected)
        }
        EventKind::CaseDataUpdated { changes } => (
            "Case details updated".to_string(),
            changes
                .iter()
                .map(|(name, c)| format!("{name}: {}", change(c.before.as_deref(), c.after.as_deref())))
                .collect(),
            false,
        ),
        EventKind::TeamRoleChanged { role, change: c, because } => (
            format!("{} team set", humanise(role)),
            vec![
                change(
                    c.before.as_deref().map(|t| team_name(world, t)).as_deref(),
                    c.after.as_deref().map(|t| team_name(world, t)).as_deref(),
                ),
                because.clone(),
            ],
            false,
        ),
        EventKind::DeadlineChanged { schedule, change: c, because } => (
            "Deadline changed".to_string(),
            vec![change(c.before.as_deref(), c.after.as_deref()), format!("Schedule {schedule}: {because}")],
            false,
        ),
        EventKind::CaseClosed { despatched_on, working_days_late } => {
            let mut details: Vec<String> =
                despatched_on.iter().map(|d| format!("Despatched {}", long_date(*d))).collect();
            details.extend(working_days_late.filter(|&late| late > 0).map(|late| format!("{late} working days late")));
            ("Case closed".to_string(), details, false)
        }
        EventKind::CampaignJoined { campaign, similarity_percent } => {
            let detail = if *similarity_percent >= 100 {
                "The first letter of the campaign; later letters are near-identical to it".to_string()
            } else {
                format!("{similarity_percent}% of the text is the same as an earlier letter of the campaign")
            };
            (format!("Part of campaign {campaign}"), vec![detail], false)
        }
        EventKind::ResendReceived { name, .. } => (
            "Resend received".to_string(),
            vec![format!("{name}: the same letter again, attached to this case; no new case was registered")],
            false,
        ),
        other => match super::drafting::describe(other) {
            Some((title, details)) => (title, details, false),
            None => (humanise(other.type_name()), Vec::new(), false),
        },
    }
}

/// Timeline entries from the stored events, newest first. An event that cannot be read is shown
/// as such rather than hidden.
pub(crate) fn entries(case_type: &str, events: &[StoredEventRow], world: &World) -> Vec<Entry> {
    events
        .iter()
        .rev()
        .map(|row| match serde_json::from_str::<Event>(&row.body) {
            Ok(event) => {
                let (title, details, rejected) = describe(case_type, &event, world);
                let at = event.at.format("%-d %b %Y %H:%M UTC").to_string();
                Entry { title, details, by: event.actor, at, rejected }
            }
            Err(_) => Entry {
                title: humanise(&row.event_type),
                details: vec!["(this event could not be read)".to_string()],
                by: String::new(),
                at: String::new(),
                rejected: false,
            },
        })
        .collect()
}
