//! Reply templates on SQLite and PostgreSQL: saved per case type and team, replaced on save,
//! listed with the default first, and seeded only into an empty table.

mod common;

use common::{Kind, TestDb};
use despatch_store::StoredTemplate;

fn template(case_type: &str, team: Option<&str>, name: &str) -> StoredTemplate {
    StoredTemplate {
        case_type: case_type.to_string(),
        team: team.map(str::to_string),
        name: name.to_string(),
        toml: format!("[[templates]]\nname = \"{name}\"\n"),
        updated_by: "admin".to_string(),
        updated_at: "2026-12-06T09:00:00Z".to_string(),
    }
}

async fn a_template_is_found_by_case_type_and_team_and_a_save_replaces_it(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    store.put_reply_template(&template("MIN", Some("SAFEGUARDING_OFFICE"), "Safeguarding")).await.expect("saved");
    store.put_reply_template(&template("MIN", None, "Default")).await.expect("saved");
    store.put_reply_template(&template("DTEN", None, "Number 10")).await.expect("saved");

    let default = store.reply_template("MIN", None).await.expect("read").expect("the default");
    assert_eq!(default, template("MIN", None, "Default"));
    let team = store.reply_template("MIN", Some("SAFEGUARDING_OFFICE")).await.expect("read").expect("the team's");
    assert_eq!(team.name, "Safeguarding");
    assert_eq!(store.reply_template("MIN", Some("NO_SUCH_TEAM")).await.expect("read"), None);
    assert_eq!(store.reply_template("TRO", None).await.expect("read"), None);

    let mut edited = template("MIN", None, "Default, revised");
    edited.updated_by = "another-admin".to_string();
    store.put_reply_template(&edited).await.expect("replaced");
    assert_eq!(store.reply_template("MIN", None).await.expect("read"), Some(edited));

    let listed: Vec<(String, Option<String>, String)> =
        store.reply_templates().await.expect("listed").into_iter().map(|t| (t.case_type, t.team, t.name)).collect();
    assert_eq!(
        listed,
        [
            ("DTEN".to_string(), None, "Number 10".to_string()),
            ("MIN".to_string(), None, "Default, revised".to_string()),
            ("MIN".to_string(), Some("SAFEGUARDING_OFFICE".to_string()), "Safeguarding".to_string()),
        ]
    );
}

async fn the_defaults_are_seeded_into_an_empty_table_and_never_over_an_administrators_templates(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    let defaults = [template("MIN", None, "Default"), template("TRO", None, "Treat official")];
    assert_eq!(store.seed_reply_templates(&defaults).await.expect("seeded"), 2);
    assert_eq!(store.reply_templates().await.expect("listed").len(), 2);

    store.put_reply_template(&template("MIN", None, "Ours")).await.expect("saved");
    assert_eq!(store.seed_reply_templates(&defaults).await.expect("not seeded again"), 0);
    assert_eq!(store.reply_template("MIN", None).await.expect("read").expect("kept").name, "Ours");
}

on_both_backends!(
    a_template_is_found_by_case_type_and_team_and_a_save_replaces_it,
    the_defaults_are_seeded_into_an_empty_table_and_never_over_an_administrators_templates,
);
