//! Drafting the reply through the pure engine: re-tagging documents, the primary draft, a draft
//! edited in the browser, and contributions requested from other teams (with the notification to
//! the contributing team's mailbox).

use chrono::{DateTime, Utc};
use despatch_domain::case::{CaseState, ContributionStatus, DocumentRef};
use despatch_domain::command::{Actor, Command};
use despatch_domain::engine::{self, CommandError, Outcome, World};
use despatch_domain::event::EventKind;
use despatch_domain::notify::NotificationKind;
use despatch_domain::reference::Reference;
use despatch_domain::testkit::{self, *};

fn document(name: &str, fill: char, tag: &str) -> DocumentRef {
    DocumentRef {
        sha256: fill.to_string().repeat(64),
        name: name.to_string(),
        tag: tag.to_string(),
        media_type: "text/plain".to_string(),
        size: 10,
    }
}

fn now() -> DateTime<Utc> {
    at(date(2018, 11, 20), 10, 0)
}

fn execute(world: &World, state: &CaseState, user: &str, command: Command) -> Result<Outcome, CommandError> {
    engine::execute(state, &command, &Actor::user(user), world, now())
}

fn apply(world: &World, state: &CaseState, user: &str, command: Command) -> CaseState {
    execute(world, state, user, command).unwrap_or_else(|error| panic!("{error}")).state
}

/// A MIN case at Initial Draft with the asylum and immigration drafting team, as of [`now`].
fn at_initial_draft(world: &World) -> CaseState {
    let reference = Reference::new("MIN", 1, 2018).expect("reference");
    let opened =
        engine::open_case(&testkit::new_case("MIN"), 1, reference, &Actor::user(CASEWORKER), world, opened_at())
            .expect("opens");
    let mut state = opened.state;
    for (user, command) in min_email_reply_steps(&document("unused", 'f', "DRAFT"), false).into_iter().take(2) {
        state = apply(world, &state, user, command);
    }
    assert_eq!(state.stage.as_ref().map(|s| s.stage.as_str()), Some("INITIAL_DRAFT"));
    state
}

fn kinds(outcome: &Outcome) -> Vec<&'static str> {
    outcome.events.iter().map(|event| event.kind.type_name()).collect()
}

#[test]
fn a_document_is_retagged_with_an_event_but_not_to_an_unknown_tag_nor_the_approved_reply() {
    let world = demo_world();
    let state = at_initial_draft(&world);
    let state = apply(
        &world,
        &state,
        IMMIGRATION_DRAFTER,
        Command::AttachDocument { document: document("a.txt", 'a', "DRAFT") },
    );
    let retag = |tag: &str| Command::RetagDocument { sha256: "a".repeat(64), tag: tag.to_string() };
    let outcome = execute(&world, &state, IMMIGRATION_DRAFTER, retag("BACKGROUND NOTE")).expect("re-tags");
    assert_eq!(kinds(&outcome), ["DOCUMENT_RETAGGED"]);
    assert_eq!(outcome.state.documents[0].tag, "BACKGROUND NOTE");
    let unknown = execute(&world, &state, IMMIGRATION_DRAFTER, retag("SECRET")).expect_err("unknown tag");
    assert!(unknown.to_string().contains("Choose a document tag"), "{unknown}");
    let mut approved = state.clone();
    approved.approved_reply = Some(state.documents[0].clone());
    let refused = execute(&world, &approved, IMMIGRATION_DRAFTER, retag("FINAL")).expect_err("approved reply");
    assert!(refused.to_string().contains("approved reply keeps its tag"), "{refused}");
}

#[test]
fn a_user_without_write_access_cannot_retag_or_choose_the_primary_draft() {
    let world = demo_world();
    let state = at_initial_draft(&world);
    let state = apply(
        &world,
        &state,
        IMMIGRATION_DRAFTER,
        Command::AttachDocument { document: document("a.txt", 'a', "DRAFT") },
    );
    let refused = execute(&world, &state, "nobody", Command::ChoosePrimaryDraft { sha256: "a".repeat(64) });
    assert!(matches!(refused, Err(CommandError::NotAllowed { .. })), "{refused:?}");
}

#[test]
fn the_chosen_primary_draft_is_the_version_approved_until_a_newer_version_is_attached() {
    let world = demo_world();
    let mut state = at_initial_draft(&world);
    for (name, fill) in [("first.txt", 'a'), ("second.txt", 'b')] {
        state = apply(
            &world,
            &state,
            IMMIGRATION_DRAFTER,
            Command::AttachDocument { document: document(name, fill, "DRAFT") },
        );
    }
    let chosen = execute(&world, &state, IMMIGRATION_DRAFTER, Command::ChoosePrimaryDraft { sha256: "a".repeat(64) })
        .expect("chooses");
    assert_eq!(kinds(&chosen), ["PRIMARY_DRAFT_CHOSEN"]);
    let background = apply(
        &world,
        &chosen.state,
        IMMIGRATION_DRAFTER,
        Command::AttachDocument { document: document("note.txt", 'c', "BACKGROUND NOTE") },
    );
    assert_eq!(background.primary_draft, Some("a".repeat(64)), "a document that is not a reply leaves the choice");
    let not_a_reply =
        execute(&world, &background, IMMIGRATION_DRAFTER, Command::ChoosePrimaryDraft { sha256: "c".repeat(64) });
    assert!(not_a_reply.expect_err("a background note").to_string().contains("Only a document tagged"));

    // Approval (Initial Draft, QA) records the chosen version, not the newest.
    let complete = |stage: &str, fields: &[(&str, &str)]| Command::CompleteStage {
        stage: stage.to_string(),
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        note: None,
        take: true,
    };
    let drafted = apply(
        &world,
        &background,
        IMMIGRATION_DRAFTER,
        complete(
            "INITIAL_DRAFT",
            &[("InitialDraftDecision", "ACCEPT"), ("ResponseChannel", "EMAIL"), ("OfflineQA", "FALSE")],
        ),
    );
    let qa = apply(&world, &drafted, QA_OFFICER, complete("QA_RESPONSE", &[("QAResponseDecision", "ACCEPT")]));
    let approved =
        apply(&world, &qa, IMMIGRATION_MINISTER_PO, complete("PRIVATE_OFFICE", &[("PrivateOfficeDecision", "ACCEPT")]));
    assert_eq!(approved.approved_reply.as_ref().map(|d| d.name.as_str()), Some("first.txt"));

    let newer = apply(
        &world,
        &chosen.state,
        IMMIGRATION_DRAFTER,
        Command::AttachDocument { document: document("third.txt", 'd', "DRAFT") },
    );
    assert_eq!(newer.primary_draft, None, "a newer reply version is the primary draft again");
}

#[test]
fn a_draft_edited_in_the_browser_is_a_new_version_at_a_drafting_stage_only() {
    let world = demo_world();
    let state = at_initial_draft(&world);
    let state = apply(
        &world,
        &state,
        IMMIGRATION_DRAFTER,
        Command::AttachDocument { document: document("a.docx", 'a', "DRAFT") },
    );
    let edit = Command::EditDraft { based_on: "a".repeat(64), document: document("a (edited).docx", 'b', "DRAFT") };
    let outcome = execute(&world, &state, IMMIGRATION_DRAFTER, edit.clone()).expect("saves");
    assert_eq!(kinds(&outcome), ["DOCUMENT_ADDED", "DRAFT_EDITED"]);
    assert_eq!(outcome.state.documents.len(), 2);

    let from_nothing = Command::EditDraft { based_on: "9".repeat(64), document: document("x.docx", 'c', "DRAFT") };
    let refused = execute(&world, &state, IMMIGRATION_DRAFTER, from_nothing).expect_err("no such version");
    assert!(refused.to_string().contains("not a draft of this case"), "{refused}");

    // At Data Input the case is not being drafted.
    let reference = Reference::new("MIN", 2, 2018).expect("reference");
    let fresh =
        engine::open_case(&testkit::new_case("MIN"), 2, reference, &Actor::user(CASEWORKER), &world, opened_at())
            .expect("opens")
            .state;
    let fresh =
        apply(&world, &fresh, CASEWORKER, Command::AttachDocument { document: document("a.docx", 'a', "DRAFT") });
    let wrong_stage = execute(&world, &fresh, CASEWORKER, edit).expect_err("not a drafting stage");
    assert!(wrong_stage.to_string().contains("not a drafting stage"), "{wrong_stage}");
}

#[test]
fn a_contribution_is_requested_at_a_drafting_stage_with_a_due_date_not_in_the_past() {
    let world = demo_world();
    let state = at_initial_draft(&world);
    let request = |due| Command::RequestContribution {
        team: POLICING_DRAFTING.to_string(),
        due,
        asked: "The figures for 2018".to_string(),
    };
    let outcome = execute(&world, &state, IMMIGRATION_DRAFTER, request(date(2018, 11, 23))).expect("requests");
    assert_eq!(kinds(&outcome), ["CONTRIBUTION_REQUESTED"]);
    let contribution = &outcome.state.contributions[0];
    assert_eq!((contribution.id, contribution.team.as_str()), (1, POLICING_DRAFTING));
    assert_eq!(contribution.status, ContributionStatus::Open);
    assert!(!contribution.is_overdue(date(2018, 11, 23)) && contribution.is_overdue(date(2018, 11, 24)));

    let past = execute(&world, &state, IMMIGRATION_DRAFTER, request(date(2018, 11, 19))).expect_err("in the past");
    assert!(past.to_string().contains("due: The due date must be today or in the future"), "{past}");
    let blank =
        Command::RequestContribution { team: "NO_SUCH_TEAM".into(), due: date(2018, 11, 23), asked: " ".into() };
    let CommandError::Invalid(problems) = execute(&world, &state, IMMIGRATION_DRAFTER, blank).expect_err("blank")
    else {
        panic!("a refusal per field");
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["team", "asked"]);
    let stranger = execute(&world, &state, "nobody", request(date(2018, 11, 23)));
    assert!(matches!(stranger, Err(CommandError::NotAllowed { .. })), "{stranger:?}");

    let reference = Reference::new("MIN", 2, 2018).expect("reference");
    let at_data_input =
        engine::open_case(&testkit::new_case("MIN"), 2, reference, &Actor::user(CASEWORKER), &world, opened_at())
            .expect("opens")
            .state;
    let early = execute(&world, &at_data_input, CASEWORKER, request(date(2018, 11, 23))).expect_err("wrong stage");
    assert!(early.to_string().contains("not a drafting stage"), "{early}");
}

#[test]
fn the_contributing_team_completes_a_contribution_with_a_document_and_the_drafter_may_cancel_another() {
    let world = demo_world();
    let state = at_initial_draft(&world);
    let mut state = state;
    for asked in ["Figures", "Background"] {
        state = apply(
            &world,
            &state,
            IMMIGRATION_DRAFTER,
            Command::RequestContribution {
                team: POLICING_DRAFTING.to_string(),
                due: date(2018, 11, 23),
                asked: asked.to_string(),
            },
        );
    }
    let complete = |id, document: Option<DocumentRef>| Command::CompleteContribution { id, note: None, document };
    let outsider = execute(&world, &state, CENTRAL_DRAFTER, complete(1, Some(document("c.txt", 'c', "CONTRIBUTION"))));
    assert!(matches!(outsider, Err(CommandError::NotInTeam { .. })), "{outsider:?}");
    let empty = execute(&world, &state, POLICING_DRAFTER, complete(1, None)).expect_err("nothing contributed");
    assert!(empty.to_string().contains("Enter the contribution"), "{empty}");

    let done = execute(&world, &state, POLICING_DRAFTER, complete(1, Some(document("c.txt", 'c', "CONTRIBUTION"))))
        .expect("completes");
    assert_eq!(kinds(&done), ["DOCUMENT_ADDED", "CONTRIBUTION_COMPLETED"]);
    assert_eq!(done.state.contributions[0].status, ContributionStatus::Completed);
    assert_eq!(done.state.contributions[0].document, Some("c".repeat(64)));
    let again =
        execute(&world, &done.state, POLICING_DRAFTER, complete(1, Some(document("d.txt", 'd', "CONTRIBUTION"))));
    assert!(again.expect_err("once").to_string().contains("already been completed"));

    let cancel =
        |user| execute(&world, &done.state, user, Command::CancelContribution { id: 2, reason: "Not needed".into() });
    assert!(matches!(cancel(POLICING_DRAFTER), Err(CommandError::NotInTeam { .. })));
    let cancelled = cancel(IMMIGRATION_DRAFTER).expect("the requester cancels");
    assert!(
        matches!(&cancelled.events[0].kind, EventKind::ContributionCancelled { id: 2, reason, .. } if reason == "Not needed")
    );
    assert_eq!(cancelled.state.contributions[1].status, ContributionStatus::Cancelled);
}

#[test]
fn a_contribution_request_notifies_the_contributing_teams_mailbox() {
    let mut world = demo_world();
    let mut directory = world.directory().clone();
    directory.mailboxes.insert(POLICING_DRAFTING.to_string(), "policing@dept.example".to_string());
    world.set_directory(directory);
    let state = at_initial_draft(&world);
    let outcome = execute(
        &world,
        &state,
        IMMIGRATION_DRAFTER,
        Command::RequestContribution {
            team: POLICING_DRAFTING.to_string(),
            due: date(2018, 11, 23),
            asked: "The figures for 2018".to_string(),
        },
    )
    .expect("requests");
    assert_eq!(outcome.notifications.len(), 1);
    let notice = &outcome.notifications[0];
    assert_eq!((notice.kind, notice.to.as_str()), (NotificationKind::ContributionRequested, "policing@dept.example"));
    assert_eq!(notice.subject, "MIN/0000001/18: contribution requested by 23 November 2018");
    assert!(
        notice.body.contains("The figures for 2018") && notice.body.contains(IMMIGRATION_DRAFTER),
        "{}",
        notice.body
    );

    let without_mailbox = demo_world();
    let state = at_initial_draft(&without_mailbox);
    let quiet = execute(
        &without_mailbox,
        &state,
        IMMIGRATION_DRAFTER,
        Command::RequestContribution {
            team: POLICING_DRAFTING.to_string(),
            due: date(2018, 11, 23),
            asked: "Figures".to_string(),
        },
    )
    .expect("requests");
    assert!(quiet.notifications.is_empty(), "a team without a mailbox is not emailed");
}
