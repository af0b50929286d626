//! Drafting through the JSON API: the primary draft and re-tagging, and contributions requested,
//! listed and completed; the engine's refusals (wrong stage, a due date in the past, another
//! team's contribution) as problems.

// The shared harness; this file uses part of it.
#[allow(dead_code)]
#[path = "api/harness.rs"]
mod harness;

use chrono::{Duration, Utc};
use despatch_domain::case::DocumentRef;
use despatch_domain::command::Command;
use despatch_domain::engine::london_date;
use despatch_domain::testkit::{self, CASEWORKER, IMMIGRATION_DRAFTER, POLICING_DRAFTER, POLICING_DRAFTING};
use harness::{Api, OUTSIDER};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Completes Data Input and Markup over the API, so the case is at Initial Draft with the asylum
/// and immigration drafting team.
async fn to_initial_draft(api: &Api) {
    let placeholder = DocumentRef {
        sha256: "f".repeat(64),
        name: "unused".into(),
        tag: "DRAFT".into(),
        media_type: "text/plain".into(),
        size: 1,
    };
    for (user, command) in testkit::min_email_reply_steps(&placeholder, false).into_iter().take(2) {
        let Command::CompleteStage { stage, fields, .. } = command else { panic!("a stage completion") };
        let case = format!("/api/v1/cases/{}", api.case_id);
        let taken = api.call(Method::PUT, &format!("{case}/allocation"), Some(user), Some(json!({}))).await;
        assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
        let body = json!({"stage": stage, "version": taken.body["version"], "fields": fields});
        let done = api.call(Method::POST, &format!("{case}/stage"), Some(user), Some(body)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    }
}

async fn upload(api: &Api, name: &str, text: &str) -> String {
    let path = format!("/api/v1/cases/{}/documents?name={name}&tag=DRAFT", api.case_id);
    let request = api
        .request(Method::POST, &path)
        .bearer_auth(api.token(IMMIGRATION_DRAFTER))
        .header("content-type", "text/plain");
    let uploaded = api.send(request.body(text.to_string())).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    let documents = uploaded.body["documents"].as_array().expect("documents").clone();
    documents.last().and_then(|d| d["sha256"].as_str()).expect("its address").to_string()
}

#[tokio::test]
async fn a_draft_is_made_primary_and_a_document_retagged_over_the_api() {
    let api = Api::start().await;
    to_initial_draft(&api).await;
    let first = upload(&api, "first.txt", "Dear Jo, first.").await;
    let second = upload(&api, "second.txt", "Dear Jo, second.").await;
    let case = format!("/api/v1/cases/{}", api.case_id);
    let chosen =
        api.call(Method::PUT, &format!("{case}/documents/{first}/primary"), Some(IMMIGRATION_DRAFTER), None).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    let events = api.get(&format!("{case}/events"), IMMIGRATION_DRAFTER).await;
    let types: Vec<&str> =
        events.body.as_array().expect("events").iter().filter_map(|e| e["event_type"].as_str()).collect();
    assert!(types.contains(&"PRIMARY_DRAFT_CHOSEN"), "{types:?}");

    let tag = |tag: &str| json!({"tag": tag});
    let path = format!("{case}/documents/{second}/tag");
    let retagged = api.call(Method::PUT, &path, Some(IMMIGRATION_DRAFTER), Some(tag("BACKGROUND NOTE"))).await;
    assert_eq!(retagged.body["documents"][1]["tag"], "BACKGROUND NOTE", "{}", retagged.body);
    api.call(Method::PUT, &path, Some(IMMIGRATION_DRAFTER), Some(tag("SECRET")))
        .await
        .assert_problem(422, "an unknown tag");
    let outsider = api.call(Method::PUT, &path, Some(OUTSIDER), Some(tag("DRAFT"))).await;
    outsider.assert_problem(404, "a user outside the case's teams");
}

#[tokio::test]
async fn a_contribution_is_requested_listed_and_completed_over_the_api() {
    let api = Api::start().await;
    let contributions = format!("/api/v1/cases/{}/contributions", api.case_id);
    let due = (london_date(Utc::now()) + Duration::days(7)).to_string();
    let request = json!({"team": POLICING_DRAFTING, "due": due, "asked": "The figures for this year"});
    let early = api.call(Method::POST, &contributions, Some(CASEWORKER), Some(request.clone())).await;
    early.assert_problem(409, "not at a drafting stage");

    to_initial_draft(&api).await;
    let past = json!({"team": POLICING_DRAFTING, "due": "2020-01-01", "asked": "Figures"});
    let refused = api.call(Method::POST, &contributions, Some(IMMIGRATION_DRAFTER), Some(past)).await;
    refused.assert_problem(422, "a due date in the past");
    assert_eq!(refused.body["errors"][0]["field"], "due", "{}", refused.body);

    let made = api.call(Method::POST, &contributions, Some(IMMIGRATION_DRAFTER), Some(request)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!((made.body[0]["status"].clone(), made.body[0]["overdue"].clone()), (json!("OPEN"), json!(false)));
    let listed = api.get(&contributions, POLICING_DRAFTER).await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "{}", listed.body);
    assert_eq!(listed.body[0]["due"], json!(due));

    let note = json!({"note": "1,000 more officers"});
    let outsider =
        api.call(Method::POST, &format!("{contributions}/1/complete"), Some(OUTSIDER), Some(note.clone())).await;
    outsider.assert_problem(404, "a user outside the case's teams");
    let done = api.call(Method::POST, &format!("{contributions}/1/complete"), Some(POLICING_DRAFTER), Some(note)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        (done.body[0]["status"].clone(), done.body[0]["note"].clone()),
        (json!("COMPLETED"), json!("1,000 more officers"))
    );
    let again = json!({"reason": "no longer needed"});
    let cancel =
        api.call(Method::POST, &format!("{contributions}/1/cancel"), Some(IMMIGRATION_DRAFTER), Some(again)).await;
    cancel.assert_problem(422, "a completed contribution cannot be cancelled");
}
