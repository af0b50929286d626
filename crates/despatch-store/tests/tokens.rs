//! API tokens on SQLite and PostgreSQL: stored by hash, found, listed, revoked, and a label
//! reused only once its token is revoked.

mod common;

use common::{Kind, TestDb};
use despatch_store::ApiToken;

fn token(id: &str, user: &str, label: &str) -> ApiToken {
    ApiToken {
        id: id.to_string(),
        user: user.to_string(),
        label: label.to_string(),
        created_at: "2026-12-06T07:00:00Z".to_string(),
        revoked_at: None,
    }
}

async fn a_token_is_found_by_its_hash_and_listed_under_its_user(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    assert!(store.create_api_token(&token("hash-one", "robot", "ingest")).await.expect("created"));
    assert!(store.create_api_token(&token("hash-second", "robot", "reports")).await.expect("created"));
    assert!(store.create_api_token(&token("hash-3", "other", "ingest")).await.expect("created"));

    assert_eq!(store.api_token("hash-one").await.expect("read"), Some(token("hash-one", "robot", "ingest")));
    assert_eq!(store.api_token("no-such-hash").await.expect("read"), None);
    let labels: Vec<String> = store.api_tokens("robot").await.expect("listed").into_iter().map(|t| t.label).collect();
    assert_eq!(labels, ["ingest", "reports"]);
    assert!(store.api_tokens("nobody").await.expect("listed").is_empty());
}

async fn a_live_label_is_not_given_twice_and_is_free_again_once_revoked(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let store = despatch_store::open(&db.url).await.expect("open");
    assert!(store.create_api_token(&token("first", "robot", "ingest")).await.expect("created"));
    assert!(!store.create_api_token(&token("second", "robot", "ingest")).await.expect("refused"));
    assert_eq!(store.api_token("second").await.expect("read"), None, "nothing stored for the refused one");

    assert!(store.revoke_api_token("robot", "ingest", "2026-12-06T08:00:00Z").await.expect("revoked"));
    assert!(!store.revoke_api_token("robot", "ingest", "2026-12-06T08:01:00Z").await.expect("none live"));
    let revoked = store.api_token("first").await.expect("read").expect("kept");
    assert_eq!(revoked.revoked_at.as_deref(), Some("2026-12-06T08:00:00Z"));

    assert!(store.create_api_token(&token("third", "robot", "ingest")).await.expect("label free again"));
    assert_eq!(store.api_tokens("robot").await.expect("listed").len(), 2);
}

on_both_backends!(
    a_token_is_found_by_its_hash_and_listed_under_its_user,
    a_live_label_is_not_given_twice_and_is_free_again_once_revoked,
);
