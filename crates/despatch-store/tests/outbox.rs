//! The outbox, on SQLite and PostgreSQL: messages are written with the case change that causes
//! them (and not when it is refused), claimed once per lease, retried after a failure, marked
//! sent, and a sweep's notice is enqueued once per case and key.

mod common;

use std::sync::Arc;

use common::{Kind, TestDb, alice, bob, directory, letter, now};
use despatch_domain::calendar::BankHolidays;
use despatch_domain::command::Command;
use despatch_domain::definition::Definitions;
use despatch_domain::engine::World;
use despatch_domain::notify::{Notification, NotificationKind};
use despatch_store::{Casework, Store};

/// Casework whose organisation has a mailbox for every team and an address for every user.
fn casework_with_addresses(store: Arc<dyn Store>) -> Casework {
    let mut directory = directory();
    for team in directory.teams.keys().cloned().collect::<Vec<_>>() {
        directory.mailboxes.insert(team.clone(), format!("{}@dept.example", team.to_lowercase()));
    }
    for user in directory.memberships.keys().cloned().collect::<Vec<_>>() {
        directory.emails.insert(user.clone(), format!("{user}@dept.example"));
    }
    let definitions = Definitions::embedded().expect("embedded definitions");
    Casework::new(store, World::new(definitions, BankHolidays::embedded(), directory).expect("world"))
}

const MS: i64 = 1_000;

async fn a_case_change_and_its_notifications_are_written_together(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let casework = casework_with_addresses(Arc::clone(&store));
    let opened = casework.open(letter("Cllr Newman"), &alice(), now()).await.expect("opened");
    let id = opened.state.id;
    let allocate = Command::AllocateToUser { user: "bob".to_string() };
    casework.execute(id, None, &allocate, &alice(), now()).await.expect("allocated");

    let outbox = store.outbox(Some(id)).await.expect("outbox");
    let sent_to: Vec<(NotificationKind, &str)> =
        outbox.iter().map(|m| (m.notification.kind, m.notification.to.as_str())).collect();
    assert_eq!(
        sent_to,
        [
            (NotificationKind::AllocatedToTeam, "performance_and_process@dept.example"),
            (NotificationKind::AllocatedToUser, "bob@dept.example"),
        ]
    );
    assert!(outbox.iter().all(|m| m.sent_ms.is_none() && m.attempts == 0));

    // A refused command (a stale version) writes no message.
    let stale = casework.execute(id, Some(1), &Command::AllocateToUser { user: "alice".into() }, &bob(), now()).await;
    assert!(stale.is_err());
    assert_eq!(store.outbox(Some(id)).await.expect("outbox").len(), 2);
}

async fn a_claimed_message_is_not_claimed_again_until_its_lease_runs_out(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let casework = casework_with_addresses(Arc::clone(&store));
    casework.open(letter("Cllr Newman"), &alice(), now()).await.expect("opened");
    let t = now().timestamp_millis();

    let first = store.claim_due(t, 60 * MS, 10).await.expect("claim");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].attempts, 1);
    assert!(store.claim_due(t + MS, 60 * MS, 10).await.expect("claim").is_empty(), "held by the first claim");
    // The claimant died: after the lease the message is due again, with the same id.
    let again = store.claim_due(t + 61 * MS, 60 * MS, 10).await.expect("claim");
    assert_eq!(again.iter().map(|m| (m.id, m.attempts)).collect::<Vec<_>>(), [(first[0].id, 2)]);

    store.mark_failed(first[0].id, "connection refused", t + 70 * MS).await.expect("failed");
    assert!(store.claim_due(t + 65 * MS, 60 * MS, 10).await.expect("claim").is_empty(), "waits for its retry");
    let retried = store.claim_due(t + 70 * MS, 60 * MS, 10).await.expect("claim");
    assert_eq!(retried.len(), 1);
    store.mark_sent(retried[0].id, t + 71 * MS).await.expect("sent");
    assert!(store.claim_due(t + 1_000 * MS, 60 * MS, 10).await.expect("claim").is_empty(), "a sent message stays sent");
    let kept = store.outbox(None).await.expect("outbox");
    assert_eq!(kept[0].sent_ms, Some(t + 71 * MS));
    assert_eq!(kept[0].attempts, 3);
    assert_eq!(kept[0].last_error, None);
}

async fn a_sweep_notice_is_enqueued_once_per_case_and_key(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let casework = casework_with_addresses(Arc::clone(&store));
    let opened = casework.open(letter("Cllr Newman"), &alice(), now()).await.expect("opened");
    let notice = Notification {
        key: "deadline-passed".to_string(),
        kind: NotificationKind::DeadlinePassed,
        to: "performance_and_process@dept.example".to_string(),
        subject: "The deadline has passed".to_string(),
        body: "Case overdue".to_string(),
        attachments: Vec::new(),
        in_reply_to: None,
    };
    let t = now().timestamp_millis();
    assert_eq!(store.enqueue(opened.state.id, std::slice::from_ref(&notice), t).await.expect("enqueue"), 1);
    assert_eq!(store.enqueue(opened.state.id, std::slice::from_ref(&notice), t + MS).await.expect("enqueue"), 0);
    let open = store.open_cases_with_deadline(0, 10).await.expect("open cases");
    assert_eq!(open.iter().map(|c| c.id).collect::<Vec<_>>(), [opened.state.id]);
    let passed = store.outbox(Some(opened.state.id)).await.expect("outbox");
    assert_eq!(passed.iter().filter(|m| m.notification.kind == NotificationKind::DeadlinePassed).count(), 1);
}

async fn the_organisation_keeps_mailboxes_user_emails_and_named_recipients(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let mut directory = directory();
    directory.mailboxes.insert("DCU_CENTRAL_DRAFTING".into(), "drafting@dept.example".into());
    directory.emails.insert("alice".into(), "alice@dept.example".into());
    directory.recipients.insert("NUMBER_TEN".into(), "copies@number10.example".into());
    store.save_directory(&directory).await.expect("saved");
    // Units, topics' details and users come back filled in from their codes; these are unchanged.
    let read = store.directory().await.expect("read");
    assert_eq!(read.mailboxes, directory.mailboxes);
    assert_eq!(read.emails, directory.emails);
    assert_eq!(read.recipients, directory.recipients);
    assert_eq!(read.memberships, directory.memberships);
}

on_both_backends!(
    a_case_change_and_its_notifications_are_written_together,
    a_claimed_message_is_not_claimed_again_until_its_lease_runs_out,
    a_sweep_notice_is_enqueued_once_per_case_and_key,
    the_organisation_keeps_mailboxes_user_emails_and_named_recipients,
);
