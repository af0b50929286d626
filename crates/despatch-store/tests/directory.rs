//! The organisation directory as administrators change it, on SQLite and PostgreSQL: units,
//! teams, topics with parents, users, memberships with an access level per case type, and
//! one-time passwords on accounts.

mod common;

use common::{Kind, TestDb};
use despatch_domain::access::{AccessLevel, level_for};
use despatch_domain::directory::{Directory, Team, Topic, Unit, User};
use despatch_store::Account;

fn organisation() -> Directory {
    let mut directory = Directory::default();
    directory
        .units
        .insert("DCU".into(), Unit { code: "DCU".into(), name: "Direct Communications Unit".into(), active: true });
    directory.units.insert("OLD".into(), Unit { code: "OLD".into(), name: "Closed unit".into(), active: false });
    for (code, unit) in [("CENTRAL", "DCU"), ("POLICING", "DCU")] {
        directory.teams.insert(
            code.into(),
            Team { code: code.into(), name: format!("{code} team"), unit: unit.into(), active: true },
        );
    }
    directory.put_topic(Topic { code: "POLICING".into(), name: "Policing".into(), parent: None, active: true });
    directory.put_topic(Topic {
        code: "FUNDING".into(),
        name: "Police funding".into(),
        parent: Some("POLICING".into()),
        active: true,
    });
    directory.put_topic(Topic { code: "RETIRED".into(), name: "Retired topic".into(), parent: None, active: false });
    directory.topic_links.insert(("MIN".into(), "INITIAL_DRAFT".into(), "FUNDING".into()), "POLICING".into());
    directory
        .users
        .insert("ada".into(), User { name: "ada".into(), display_name: "Ada Lovelace".into(), active: true });
    directory
        .users
        .insert("gone".into(), User { name: "gone".into(), display_name: "Gone Away".into(), active: false });
    directory.set_level("ada", "CENTRAL", "MIN", Some(AccessLevel::Owner));
    directory.set_level("ada", "CENTRAL", "TRO", Some(AccessLevel::Read));
    directory.set_level("ada", "POLICING", "MIN", Some(AccessLevel::Summary));
    directory.add_member("gone", "CENTRAL");
    directory.users.insert("new".into(), User { name: "new".into(), display_name: "New Starter".into(), active: true });
    directory.memberships.entry("new".into()).or_default();
    directory
}

async fn a_directory_with_levels_inactive_units_users_and_child_topics_reads_back_as_saved(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let saved = organisation();
    store.save_directory(&saved).await.expect("saved");
    let read = store.directory().await.expect("read");
    assert_eq!(read, saved);
    assert_eq!(level_for(&read, "ada", "MIN"), Some(AccessLevel::Owner), "the highest of ada's teams");
    assert_eq!(level_for(&read, "ada", "TRO"), Some(AccessLevel::Read));
    assert_eq!(level_for(&read, "ada", "DTEN"), None);
    assert!(!read.is_member("gone", "CENTRAL"), "an inactive user is no member for allocation");
    assert!(read.is_active_user("new") && read.memberships.get("new").is_some_and(|teams| teams.is_empty()));
    assert!(!read.topics.contains("RETIRED") && read.topic_details.contains_key("RETIRED"));
}

async fn ending_a_membership_drops_its_levels_and_changing_a_level_replaces_it(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let mut directory = organisation();
    store.save_directory(&directory).await.expect("saved");
    directory.remove_member("ada", "CENTRAL");
    directory.set_level("ada", "POLICING", "MIN", Some(AccessLevel::Write));
    store.save_directory(&directory).await.expect("saved again");
    let read = store.directory().await.expect("read");
    assert_eq!(read.level("ada", "CENTRAL", "MIN"), None);
    assert_eq!(level_for(&read, "ada", "MIN"), Some(AccessLevel::Write));
    assert_eq!(level_for(&read, "ada", "TRO"), None, "the TRO level went with the CENTRAL membership");
}

async fn a_one_time_password_is_flagged_until_replaced_and_a_users_sessions_can_all_be_ended(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let mut account = Account {
        name: "ada".into(),
        password_hash: "$argon2id$one-time".into(),
        administrator: false,
        created_at: "2026-12-06T07:00:00Z".into(),
        must_change_password: true,
    };
    store.save_account(&account).await.expect("saved");
    assert!(store.account("ada").await.expect("read").expect("ada").must_change_password);
    account.password_hash = "$argon2id$chosen".into();
    account.must_change_password = false;
    store.save_account(&account).await.expect("replaced");
    assert_eq!(store.accounts().await.expect("all"), vec![account]);
    for id in ["one", "two"] {
        let session = despatch_store::SessionRecord {
            id: id.into(),
            user: "ada".into(),
            csrf_token: "t".into(),
            created_unix: 1,
            seen_unix: 1,
        };
        store.create_session(&session).await.expect("session");
    }
    assert_eq!(store.delete_user_sessions("ada").await.expect("ended"), 2);
    assert_eq!(store.session("one").await.expect("read"), None);
}

on_both_backends!(
    a_directory_with_levels_inactive_units_users_and_child_topics_reads_back_as_saved,
    ending_a_membership_drops_its_levels_and_changing_a_level_replaces_it,
    a_one_time_password_is_flagged_until_replaced_and_a_users_sessions_can_all_be_ended,
);
