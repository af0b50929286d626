//! Who is notified, the approved reply, and despatch by email and by post: the pure engine.

use chrono::{DateTime, Utc};
use despatch_domain::case::{CaseState, DocumentRef};
use despatch_domain::command::{Actor, Command};
use despatch_domain::engine::{self, CommandError, Outcome, World};
use despatch_domain::notify::{NotificationKind, deadline_notices};
use despatch_domain::reference::Reference;
use despatch_domain::testkit::{self, *};

fn reply(name: &str, fill: char) -> DocumentRef {
    DocumentRef {
        sha256: fill.to_string().repeat(64),
        name: name.to_string(),
        tag: "DRAFT".to_string(),
        media_type: "application/pdf".to_string(),
        size: 10,
    }
}

/// The demo world with addresses: each user `NAME@dept.example`, each team `TEAM@dept.example`,
/// and Number 10.
fn world_with_addresses() -> World {
    let mut world = demo_world();
    let mut directory = world.directory().clone();
    for user in directory.memberships.keys().cloned().collect::<Vec<_>>() {
        directory.emails.insert(user.clone(), format!("{user}@dept.example"));
    }
    for team in directory.teams.keys().cloned().collect::<Vec<_>>() {
        directory.mailboxes.insert(team.clone(), format!("{}@dept.example", team.to_lowercase()));
    }
    directory.recipients.insert("NUMBER_TEN".to_string(), "copies@number10.example".to_string());
    world.set_directory(directory);
    world
}

fn now() -> DateTime<Utc> {
    at(date(2018, 11, 20), 10, 0)
}

fn open(world: &World, message_id: Option<&str>) -> Outcome {
    let mut new = testkit::new_case("MIN");
    new.message_id = message_id.map(str::to_string);
    let reference = Reference::new("MIN", 1, 2018).expect("reference");
    engine::open_case(&new, 1, reference, &Actor::user(CASEWORKER), world, opened_at()).expect("opens")
}

fn run(world: &World, state: &CaseState, steps: &[(&str, Command)]) -> Result<(CaseState, Vec<Outcome>), CommandError> {
    let mut state = state.clone();
    let mut outcomes = Vec::new();
    for (actor, command) in steps {
        let outcome = engine::execute(&state, command, &Actor::user(actor), world, now())?;
        state = outcome.state.clone();
        outcomes.push(outcome);
    }
    Ok((state, outcomes))
}

#[test]
fn a_new_case_tells_the_mailbox_of_the_team_it_arrives_at() {
    let world = world_with_addresses();
    let outcome = open(&world, None);
    let kinds: Vec<_> = outcome.notifications.iter().map(|n| (n.kind, n.to.as_str())).collect();
    assert_eq!(kinds, [(NotificationKind::AllocatedToTeam, "performance_and_process@dept.example")]);
    assert_eq!(outcome.notifications[0].key, "v1-1");
}

#[test]
fn nobody_is_notified_when_the_organisation_has_no_addresses() {
    let world = demo_world();
    let opened = open(&world, None);
    let (_, outcomes) =
        run(&world, &opened.state, &min_email_reply_steps(&reply("reply.pdf", 'a'), false)).expect("runs");
    assert!(opened.notifications.is_empty());
    assert!(outcomes.iter().all(|o| o.notifications.is_empty()));
}

#[test]
fn allocating_a_stage_to_another_user_emails_that_user_but_taking_it_yourself_does_not() {
    let world = world_with_addresses();
    let opened = open(&world, None);
    let allocate = Command::AllocateToUser { user: DESPATCH_OFFICER.to_string() };
    let outcome =
        engine::execute(&opened.state, &allocate, &Actor::user(CASEWORKER), &world, now()).expect("allocates");
    assert_eq!(outcome.notifications.len(), 1);
    assert_eq!(outcome.notifications[0].kind, NotificationKind::AllocatedToUser);
    assert_eq!(outcome.notifications[0].to, format!("{DESPATCH_OFFICER}@dept.example"));
    let taken = engine::execute(
        &opened.state,
        &Command::AllocateToUser { user: CASEWORKER.to_string() },
        &Actor::user(CASEWORKER),
        &world,
        now(),
    )
    .expect("takes");
    assert!(taken.notifications.iter().all(|n| n.kind != NotificationKind::AllocatedToUser));
}

#[test]
fn a_rejection_tells_the_team_it_returns_to_with_the_reason() {
    let world = world_with_addresses();
    let opened = open(&world, None);
    let steps = min_email_reply_steps(&reply("reply.pdf", 'a'), false);
    let (at_markup, _) = run(&world, &opened.state, &steps[..1]).expect("runs");
    let reject = Command::CompleteStage {
        stage: "MARKUP".to_string(),
        fields: [("MarkupDecision".to_string(), "REJ".to_string())].into(),
        note: Some("The correspondent's address is missing".to_string()),
        take: true,
    };
    let outcome = engine::execute(&at_markup, &reject, &Actor::user(CASEWORKER), &world, now()).expect("rejects");
    let returned: Vec<_> =
        outcome.notifications.iter().filter(|n| n.kind == NotificationKind::ReturnedToTeam).collect();
    assert_eq!(returned.len(), 1);
    assert_eq!(returned[0].to, "performance_and_process@dept.example");
    assert!(returned[0].body.contains("The correspondent's address is missing"));
}

#[test]
fn approval_records_the_newest_reply_and_despatch_by_email_sends_that_version_threaded_on_the_original() {
    let world = world_with_addresses();
    let opened = open(&world, Some("<letter-1@parliament.example>"));
    assert_eq!(opened.state.original_message_id.as_deref(), Some("letter-1@parliament.example"));
    let approved = reply("reply-v1.pdf", 'a');
    let (at_dispatch, outcomes) = run(&world, &opened.state, &min_email_reply_steps(&approved, false)).expect("runs");
    assert_eq!(at_dispatch.approved_reply.as_ref(), Some(&approved));
    let approvals = outcomes
        .iter()
        .flat_map(|o| &o.events)
        .filter(|e| matches!(&e.kind, despatch_domain::event::EventKind::ReplyApproved { document, .. } if *document == approved))
        .count();
    assert_eq!(approvals, 2, "approved at Private Office and again at sign-off");

    // A later draft attached after sign-off is not what goes out.
    let later = reply("reply-v2.pdf", 'b');
    let (at_dispatch, _) =
        run(&world, &at_dispatch, &[(DESPATCH_OFFICER, Command::AttachDocument { document: later })])
            .expect("attaches");
    let (closed, outcomes) = run(&world, &at_dispatch, &[despatch_step(None)]).expect("despatches");
    assert!(closed.is_closed());
    let sent: Vec<_> = outcomes[0].notifications.iter().filter(|n| n.kind == NotificationKind::Reply).collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "jo.example.mp@parliament.example");
    assert_eq!(sent[0].attachments, vec![approved]);
    assert_eq!(sent[0].in_reply_to.as_deref(), Some("letter-1@parliament.example"));
    assert!(sent[0].subject.contains("JE/2018/114"));
}

#[test]
fn despatch_by_email_is_refused_when_no_reply_was_approved() {
    let world = world_with_addresses();
    let opened = open(&world, None);
    let mut steps = min_email_reply_steps(&reply("reply.pdf", 'a'), false);
    steps.remove(2); // no document attached
    let (at_dispatch, _) = run(&world, &opened.state, &steps).expect("runs");
    assert_eq!(at_dispatch.approved_reply, None);
    let refused = run(&world, &at_dispatch, &[despatch_step(None)]).expect_err("refused");
    assert!(refused.to_string().contains("No reply has been approved"), "{refused}");
}

#[test]
fn a_flagged_case_sends_a_copy_of_the_approved_reply_to_number_ten() {
    let world = world_with_addresses();
    let opened = open(&world, None);
    let approved = reply("reply.pdf", 'a');
    let (at_dispatch, _) = run(&world, &opened.state, &min_email_reply_steps(&approved, true)).expect("runs");
    let (_, outcomes) = run(&world, &at_dispatch, &[despatch_step(None)]).expect("despatches");
    let copies: Vec<_> = outcomes[0].notifications.iter().filter(|n| n.kind == NotificationKind::ReplyCopy).collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].to, "copies@number10.example");
    assert_eq!(copies[0].attachments, vec![approved]);
}

#[test]
fn a_copy_to_number_ten_is_refused_when_the_organisation_has_no_address_for_it() {
    let mut world = world_with_addresses();
    let mut directory = world.directory().clone();
    directory.recipients.clear();
    world.set_directory(directory);
    let opened = open(&world, None);
    let (at_dispatch, _) =
        run(&world, &opened.state, &min_email_reply_steps(&reply("r.pdf", 'a'), true)).expect("runs");
    let refused = run(&world, &at_dispatch, &[despatch_step(None)]).expect_err("refused");
    assert!(refused.to_string().contains("NUMBER_TEN"), "{refused}");
}

#[test]
fn despatch_by_post_records_the_date_entered_and_counts_days_late_to_it() {
    let world = demo_world();
    let opened = open(&world, None);
    let mut steps = min_email_reply_steps(&reply("reply.pdf", 'a'), false);
    // Respond by letter instead of email.
    if let Command::CompleteStage { fields, .. } = &mut steps[3].1 {
        fields.insert("ResponseChannel".to_string(), "LETTER".to_string());
    }
    let (at_dispatch, _) = run(&world, &opened.state, &steps).expect("runs");
    assert_eq!(at_dispatch.deadline, Some(date(2018, 12, 12)));
    let later = at(date(2018, 12, 28), 10, 0);
    let (actor, command) = despatch_step(Some(date(2018, 12, 21)));
    let outcome = engine::execute(&at_dispatch, &command, &Actor::user(actor), &world, later).expect("despatches");
    assert_eq!(outcome.state.despatched_on, Some(date(2018, 12, 21)));
    let closed = outcome.events.iter().find_map(|e| match e.kind {
        despatch_domain::event::EventKind::CaseClosed { working_days_late, .. } => Some(working_days_late),
        _ => None,
    });
    assert_eq!(closed, Some(Some(7)), "12 Dec to 21 Dec 2018 is seven working days");
    assert!(outcome.notifications.iter().all(|n| n.kind != NotificationKind::Reply));
}

#[test]
fn a_despatch_date_in_the_future_is_refused() {
    let world = demo_world();
    let opened = open(&world, None);
    let mut steps = min_email_reply_steps(&reply("reply.pdf", 'a'), false);
    if let Command::CompleteStage { fields, .. } = &mut steps[3].1 {
        fields.insert("ResponseChannel".to_string(), "LETTER".to_string());
    }
    let (at_dispatch, _) = run(&world, &opened.state, &steps).expect("runs");
    let refused = run(&world, &at_dispatch, &[despatch_step(Some(date(2018, 11, 30)))]).expect_err("refused");
    assert!(refused.to_string().contains("between the date received and today"), "{refused}");
}

#[test]
fn deadline_notices_come_from_the_warning_day_and_after_the_deadline_each_with_its_own_key() {
    let world = world_with_addresses();
    let opened = open(&world, None);
    let state = &opened.state;
    let definition = world.definitions().get("MIN", 1).expect("MIN v1");
    let calendar = world.calendar("MIN", 1).expect("calendar");
    let notices = |today| deadline_notices(state, definition, calendar, world.directory(), today);
    // Received 14 Nov 2018; 15 working days later is 5 Dec; the deadline is 12 Dec.
    assert!(notices(date(2018, 12, 4)).is_empty());
    let approaching = notices(date(2018, 12, 5));
    assert_eq!(approaching.len(), 1);
    assert_eq!(
        (approaching[0].kind, approaching[0].key.as_str()),
        (NotificationKind::DeadlineApproaching, "deadline-approaching")
    );
    assert_eq!(approaching[0].to, "performance_and_process@dept.example");
    let passed = notices(date(2018, 12, 13));
    assert_eq!((passed[0].kind, passed[0].key.as_str()), (NotificationKind::DeadlinePassed, "deadline-passed"));
}
