//! `despatch admin`: load-holidays stores a GOV.UK-shaped feed and refuses a bad one;
//! load-organisation, create-user and reset-password set up the organisation and its accounts.

use std::process::Command;

fn despatch(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_despatch")).args(args).output().expect("run despatch")
}

#[test]
fn a_loaded_feed_extends_the_holidays_in_force_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().expect("folder");
    let db = dir.path().join("admin.db").display().to_string();
    let feed = dir.path().join("holidays.json");
    std::fs::write(
        &feed,
        r#"{"scotland": {"division": "scotland", "events": [
            {"title": "New Year's Day", "date": "2029-01-01", "notes": "", "bunting": true},
            {"title": "2nd January", "date": "2029-01-02", "notes": "", "bunting": true}]}}"#,
    )
    .expect("write feed");
    let loaded = despatch(&["admin", "load-holidays", &feed.display().to_string(), "--db", &db]);
    let out = String::from_utf8_lossy(&loaded.stdout);
    assert!(loaded.status.success(), "{out}{}", String::from_utf8_lossy(&loaded.stderr));
    assert!(out.contains("Scotland: 2 bank holidays loaded, 2029-01-01 to 2029-12-31"), "{out}");
    assert!(out.contains("now in force for Scotland: 2012-01-01 to 2029-12-31"), "{out}");

    std::fs::write(&feed, r#"{"scotland": {"events": [{"title": "x", "date": "2029-13-01"}]}}"#).expect("write");
    let refused = despatch(&["admin", "load-holidays", &feed.display().to_string(), "--db", &db]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("2029-13-01"), "the error names the bad date");
}

#[test]
fn the_example_organisation_loads_and_a_file_naming_an_unknown_team_changes_nothing() {
    let dir = tempfile::tempdir().expect("folder");
    let db = dir.path().join("org.db").display().to_string();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/organisation.toml");
    let loaded = despatch(&["admin", "load-organisation", example, "--db", &db]);
    let out = String::from_utf8_lossy(&loaded.stdout);
    assert!(loaded.status.success(), "{out}{}", String::from_utf8_lossy(&loaded.stderr));
    assert!(out.contains("organisation loaded: 8 teams, 2 topics, 10 topic links, 3 users"), "{out}");

    let broken = dir.path().join("broken.toml");
    let text = std::fs::read_to_string(example)
        .expect("read example")
        .replace("team = \"POLICING_DRAFTING\"", "team = \"NO_SUCH_TEAM\"");
    std::fs::write(&broken, text).expect("write");
    let refused = despatch(&["admin", "load-organisation", &broken.display().to_string(), "--db", &db]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        err.contains("names team NO_SUCH_TEAM, which is not listed") && err.contains("nothing was changed"),
        "{err}"
    );
    let again = despatch(&["admin", "load-organisation", example, "--db", &db]);
    assert!(again.status.success(), "the earlier organisation is still loadable");
}

#[test]
fn a_holiday_file_that_would_drop_christmas_is_refused_unless_asked() {
    let dir = tempfile::tempdir().expect("folder");
    let db = dir.path().join("h.db").display().to_string();
    let feed = dir.path().join("extra.json");
    std::fs::write(
        &feed,
        r#"{"england-and-wales": {"division": "england-and-wales", "events": [
            {"title": "Extra day", "date": "2026-12-01", "notes": "", "bunting": false}]}}"#,
    )
    .expect("write");
    let refused = despatch(&["admin", "load-holidays", &feed.display().to_string(), "--db", &db]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(err.contains("Christmas Day on 2026-12-25 is not in"), "{err}");
    let forced = despatch(&["admin", "load-holidays", &feed.display().to_string(), "--db", &db, "--replace-years"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
}

#[test]
fn after_a_command_the_database_file_alone_is_a_complete_copy() {
    let dir = tempfile::tempdir().expect("folder");
    let db = dir.path().join("org.db");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/organisation.toml");
    let loaded = despatch(&["admin", "load-organisation", example, "--db", &db.display().to_string()]);
    assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
    let copy = dir.path().join("copy.db");
    std::fs::copy(&db, &copy).expect("copy the file alone, as a backup by cp would");
    let conn = rusqlite::Connection::open(&copy).expect("open the copy");
    let teams: i64 = conn.query_row("SELECT COUNT(*) FROM teams", [], |row| row.get(0)).expect("read the copy");
    assert_eq!(teams, 8, "the copy holds the organisation just loaded");
}

#[test]
fn a_token_is_printed_once_refused_for_an_unknown_user_or_a_taken_label_and_revoked() {
    let dir = tempfile::tempdir().expect("folder");
    let db = dir.path().join("tokens.db").display().to_string();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/organisation.toml");
    assert!(despatch(&["admin", "load-organisation", example, "--db", &db]).status.success());

    let made = despatch(&["admin", "create-token", "--user", "caseworker", "--name", "robot", "--db", &db]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let token = String::from_utf8_lossy(&made.stdout).trim().to_string();
    assert!(token.len() == 64 && token.chars().all(|c| c.is_ascii_hexdigit()), "one token alone: {token:?}");
    let file = std::fs::read(dir.path().join("tokens.db")).expect("the database file");
    assert!(!file.windows(token.len()).any(|w| w == token.as_bytes()), "the token itself is not stored");

    let again = despatch(&["admin", "create-token", "--user", "caseworker", "--name", "robot", "--db", &db]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has a live token labelled \"robot\""));
    let stranger = despatch(&["admin", "create-token", "--user", "nobody", "--db", &db]);
    assert!(!stranger.status.success());
    assert!(String::from_utf8_lossy(&stranger.stderr).contains("there is no user \"nobody\""));

    let revoked = despatch(&["admin", "revoke-token", "--user", "caseworker", "--name", "robot", "--db", &db]);
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    let twice = despatch(&["admin", "revoke-token", "--user", "caseworker", "--name", "robot", "--db", &db]);
    assert!(!twice.status.success(), "nothing live left to revoke");
    let fresh = despatch(&["admin", "create-token", "--user", "caseworker", "--name", "robot", "--db", &db]);
    assert!(fresh.status.success(), "the label is free again");
}

/// The one-time password printed on its own line after the line naming it.
fn printed_password(out: &str) -> String {
    out.lines()
        .skip_while(|l| !l.contains("One-time password for"))
        .skip(1)
        .map(str::trim)
        .find(|l| !l.is_empty())
        .expect("a password line")
        .to_string()
}

#[test]
fn create_user_gives_levels_and_a_one_time_password_and_reset_password_gives_loaded_users_one() {
    let dir = tempfile::tempdir().expect("folder");
    let db = dir.path().join("users.db").display().to_string();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/organisation.toml");
    assert!(despatch(&["admin", "load-organisation", example, "--db", &db]).status.success());

    let created = despatch(&[
        "admin",
        "create-user",
        "rhea.reader",
        "--team",
        "POLICING_DRAFTING",
        "--level",
        "READ",
        "--case-type",
        "MIN",
        "--db",
        &db,
    ]);
    let out = String::from_utf8_lossy(&created.stdout).to_string();
    assert!(created.status.success(), "{out}{}", String::from_utf8_lossy(&created.stderr));
    let password = printed_password(&out);
    let again = despatch(&["admin", "create-user", "rhea.reader", "--db", &db]);
    assert!(!again.status.success(), "a user name is taken once");
    let unknown = despatch(&["admin", "create-user", "sam", "--team", "NO_SUCH_TEAM", "--db", &db]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no team NO_SUCH_TEAM"));

    let reset = despatch(&["admin", "reset-password", "caseworker", "--db", &db]);
    let reset_out = String::from_utf8_lossy(&reset.stdout).to_string();
    assert!(reset.status.success(), "{reset_out}");
    let caseworker_password = printed_password(&reset_out);

    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let store = despatch_store::open(&db).await.expect("the database");
        let directory = store.directory().await.expect("the directory");
        let level = despatch_domain::access::level_for(&directory, "rhea.reader", "MIN");
        assert_eq!(level, Some(despatch_domain::access::AccessLevel::Read));
        assert_eq!(despatch_domain::access::level_for(&directory, "rhea.reader", "TRO"), None);
        assert!(directory.users.contains_key("caseworker"), "create-user kept the loaded organisation");
        for (user, password) in [("rhea.reader", &password), ("caseworker", &caseworker_password)] {
            let account = store.account(user).await.expect("a read").expect("an account");
            assert!(account.must_change_password && !account.administrator);
            assert!(despatch_web::auth::verify_password(password, &account.password_hash));
        }
    });
}
