//! Who is told what, by email, when a case changes: a casework rule, decided here as a pure
//! function of the case before and after, the events of the change, the case type's reply rules
//! and the organisation directory (users' addresses, teams' nominated mailboxes, named
//! recipients). The store writes the result to its outbox in the same transaction as the change;
//! a worker sends it.
//!
//! Sources: HOCS notifies a team's nominated contacts when work is allocated to the team or a
//! contribution is asked of it, a user when a case is allocated to them, and on rejection back
//! to a stage (shared/reference/hocs.md);
//! the reply itself goes to the correspondent, threaded on their email.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::case::{CaseState, DocumentRef};
use crate::definition::CaseTypeDefinition;
use crate::directory::Directory;
use crate::engine::holds;
use crate::event::{Event, EventKind};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A stage was allocated to the recipient (a user).
    AllocatedToUser,
    /// A stage arrived at, or was moved to, the recipient's team.
    AllocatedToTeam,
    /// A stage was rejected back to the recipient's team, with the reason.
    ReturnedToTeam,
    /// The case deadline is near (from the case type's warning day).
    DeadlineApproaching,
    /// The case deadline has passed and the case is open.
    DeadlinePassed,
    /// The reply itself, to the primary correspondent.
    Reply,
    /// A copy of the reply to a named recipient (Copy To Number 10).
    ReplyCopy,
    /// A contribution was asked of the recipient's team.
    ContributionRequested,
}

impl NotificationKind {
    /// The stored name (`allocated_to_user`).
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::AllocatedToUser => "allocated_to_user",
            NotificationKind::AllocatedToTeam => "allocated_to_team",
            NotificationKind::ReturnedToTeam => "returned_to_team",
            NotificationKind::DeadlineApproaching => "deadline_approaching",
            NotificationKind::DeadlinePassed => "deadline_passed",
            NotificationKind::Reply => "reply",
            NotificationKind::ReplyCopy => "reply_copy",
            NotificationKind::ContributionRequested => "contribution_requested",
        }
    }
}

/// One email to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Unique within the case: the outbox holds one message per (case, key), so enqueuing the same
    /// key again (a deadline sweep run twice) adds nothing.
    pub key: String,
    /// What it is about.
    pub kind: NotificationKind,
    /// The recipient's address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Documents attached (by SHA-256; the sender reads their bytes from the store).
    #[serde(default)]
    pub attachments: Vec<DocumentRef>,
    /// The Message-ID (without angle brackets) this message replies to, for threading.
    #[serde(default)]
    pub in_reply_to: Option<String>,
}

/// The notifications of one accepted change: `before` is the case as it was (`None` for a new
/// case), `after` the case as saved and `events` what happened. Keys are `v{version}-{n}`.
pub fn notifications(
    before: Option<&CaseState>,
    after: &CaseState,
    events: &[Event],
    definition: &CaseTypeDefinition,
    directory: &Directory,
) -> Vec<Notification> {
    let mut out = Vec::new();
    let reference = after.reference.to_string();
    let stage_name = |id: &str| definition.stage(id).map_or_else(|| id.to_string(), |stage| stage.name.clone());
    let mut rejection: Option<&str> = None;
    for event in events {
        match &event.kind {
            EventKind::NoteAdded { note_type, text } if note_type == "REJECT" => rejection = Some(text),
            EventKind::StageAllocatedToUser { stage, after: user, .. } if *user != event.actor => {
                if let Some(to) = directory.emails.get(user) {
                    out.push(message(
                        NotificationKind::AllocatedToUser,
                        to,
                        format!("{reference}: allocated to you at {}", stage_name(stage)),
                        format!(
                            "Case {reference} has been allocated to you by {} at stage {}.{}",
                            event.actor,
                            stage_name(stage),
                            deadline_line(after)
                        ),
                    ));
                }
            }
            EventKind::StageStarted { stage, team, .. } => {
                if let Some(to) = directory.mailboxes.get(team) {
                    let (kind, subject, why) = match rejection.take() {
                        Some(reason) => (
                            NotificationKind::ReturnedToTeam,
                            format!("{reference}: returned to {}", stage_name(stage)),
                            format!(" It was returned by {}: {reason}", event.actor),
                        ),
                        None => (
                            NotificationKind::AllocatedToTeam,
                            format!("{reference}: new work at {}", stage_name(stage)),
                            String::new(),
                        ),
                    };
                    let body = format!(
                        "Case {reference} is with your team at stage {}.{why}{}",
                        stage_name(stage),
                        deadline_line(after)
                    );
                    out.push(message(kind, to, subject, body));
                }
            }
            EventKind::StageAllocatedToTeam { stage, after: team, .. } => {
                if let Some(to) = directory.mailboxes.get(team) {
                    out.push(message(
                        NotificationKind::AllocatedToTeam,
                        to,
                        format!("{reference}: moved to your team at {}", stage_name(stage)),
                        format!(
                            "Case {reference} was moved to your team at stage {} by {}.{}",
                            stage_name(stage),
                            event.actor,
                            deadline_line(after)
                        ),
                    ));
                }
            }
            EventKind::ContributionRequested { contribution } => {
                if let Some(to) = directory.mailboxes.get(&contribution.team) {
                    let due = contribution.due.format("%-d %B %Y");
                    out.push(message(
                        NotificationKind::ContributionRequested,
                        to,
                        format!("{reference}: contribution requested by {due}"),
                        format!(
                            "{} asks your team for a contribution to the reply to case {reference}, due by {due}:\n\n{}",
                            event.actor, contribution.asked
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    out.extend(replies(before, after, events, definition, directory));
    for (n, notification) in out.iter_mut().enumerate() {
        notification.key = format!("v{}-{}", after.version, n + 1);
    }
    out
}

/// The reply and its copies, when this change despatched it through a stage decision (not a
/// historical import, whose reply left long ago).
fn replies(
    before: Option<&CaseState>,
    after: &CaseState,
    events: &[Event],
    definition: &CaseTypeDefinition,
    directory: &Directory,
) -> Vec<Notification> {
    let despatched_now = after.despatched_on.is_some() && before.is_some_and(|b| b.despatched_on.is_none());
    let by_decision = events.iter().any(|e| matches!(e.kind, EventKind::StageCompleted { .. }));
    let Some(reply) = after.approved_reply.as_ref().filter(|_| despatched_now && by_decision) else {
        return Vec::new();
    };
    let reference = after.reference.to_string();
    let rules = &definition.reply;
    let primary = after.primary_correspondent();
    let mut out = Vec::new();
    if rules.email_when.as_ref().is_some_and(|when| holds(when, &after.data, &after.roles))
        && let Some(to) = primary.and_then(|c| c.details.email.as_deref())
    {
        let their = primary.and_then(|c| c.details.their_reference.as_deref());
        let subject = match their {
            Some(their) => format!("Your ref {their}: our ref {reference}"),
            None => format!("Our ref {reference}"),
        };
        let mut reply_message = message(
            NotificationKind::Reply,
            to,
            subject,
            format!("Please find attached our reply ({}), reference {reference}.", reply.name),
        );
        reply_message.attachments = vec![reply.clone()];
        reply_message.in_reply_to = after.original_message_id.clone();
        out.push(reply_message);
    }
    for copy in rules.copies.iter().filter(|copy| holds(&copy.when, &after.data, &after.roles)) {
        if let Some(to) = directory.recipients.get(&copy.to) {
            let mut copy_message = message(
                NotificationKind::ReplyCopy,
                to,
                format!("Copy of reply {reference}"),
                format!(
                    "A copy of the reply to {} ({}), reference {reference}, despatched {}.",
                    primary.map_or("the correspondent", |c| c.details.name.as_str()),
                    reply.name,
                    after.despatched_on.map(|d| d.to_string()).unwrap_or_default()
                ),
            );
            copy_message.attachments = vec![reply.clone()];
            out.push(copy_message);
        }
    }
    out
}

/// Deadline notices for an open case on `today` (civil date): "approaching" from the case
/// type's warning day (`warning_days` working days after receipt, the amber point) up to the
/// deadline, "passed" after it. Each kind once per case: keys `deadline-approaching` and
/// `deadline-passed`. They go to the user the stage is allocated to, else the team's mailbox.
pub fn deadline_notices(
    state: &CaseState,
    definition: &CaseTypeDefinition,
    calendar: &Calendar,
    directory: &Directory,
    today: NaiveDate,
) -> Vec<Notification> {
    let (Some(stage), Some(deadline)) = (state.stage.as_ref(), state.deadline) else {
        return Vec::new();
    };
    let Some(to) = stage
        .user
        .as_ref()
        .and_then(|user| directory.emails.get(user))
        .or_else(|| directory.mailboxes.get(&stage.team))
    else {
        return Vec::new();
    };
    let reference = state.reference.to_string();
    let (kind, key, subject) = if today > deadline {
        (NotificationKind::DeadlinePassed, "deadline-passed", format!("{reference}: the deadline has passed"))
    } else {
        let warning = definition
            .deadlines
            .warning_days
            .and_then(|days| calendar.add_working_days(state.received, days, definition.deadlines.day_one).ok());
        match warning {
            Some(warning) if today >= warning => (
                NotificationKind::DeadlineApproaching,
                "deadline-approaching",
                format!("{reference}: the deadline is approaching"),
            ),
            _ => return Vec::new(),
        }
    };
    let body = format!(
        "Case {reference} is at stage {} with {}.{}",
        definition.stage(&stage.stage).map_or(stage.stage.as_str(), |s| s.name.as_str()),
        stage.user.as_deref().unwrap_or(stage.team.as_str()),
        deadline_line(state)
    );
    let mut notice = message(kind, to, subject, body);
    notice.key = key.to_string();
    vec![notice]
}

fn message(kind: NotificationKind, to: &str, subject: String, body: String) -> Notification {
    Notification {
        key: String::new(),
        kind,
        to: to.to_string(),
        subject,
        body,
        attachments: Vec::new(),
        in_reply_to: None,
    }
}

fn deadline_line(state: &CaseState) -> String {
    state.deadline.map(|d| format!(" The case deadline is {}.", d.format("%-d %B %Y"))).unwrap_or_default()
}
