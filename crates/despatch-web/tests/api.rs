//! The JSON API as a service account uses it: each test starts the app on a free port with a
//! fresh SQLite file holding the demo department, a token per demo user and one MIN case at
//! Data Input (held by the Performance and Process team), and calls it over HTTP.

#[path = "api/harness.rs"]
mod harness;

use despatch_domain::command::Command;
use despatch_domain::testkit::{self, CASEWORKER, DESPATCH_OFFICER};
use harness::{Api, OUTSIDER, READ_USER, SUMMARY_USER};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Every documented operation, with its path's parameters filled in for the test case.
fn operations(api: &Api) -> Vec<(Method, String)> {
    let doc = despatch_web::openapi_document();
    let mut operations = Vec::new();
    for (path, item) in &doc.paths.paths {
        let filled = path
            .replace("{id}", &api.case_id.to_string())
            .replace("{correspondent}", "1")
            .replace("{contribution}", "1")
            .replace("{topic}", testkit::TOPIC_ASYLUM_SUPPORT)
            .replace("{team}", testkit::PERFORMANCE_AND_PROCESS)
            .replace("{sha256}", &"0".repeat(64));
        for (method, operation) in [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::DELETE, &item.delete),
            (Method::PATCH, &item.patch),
        ] {
            if operation.is_some() {
                operations.push((method, filled.clone()));
            }
        }
    }
    operations
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_refuses_a_caller_without_a_live_token() {
    let api = Api::start().await;
    let operations = operations(&api);
    assert!(operations.len() >= 25, "the document lists every operation: {}", operations.len());
    for (method, path) in &operations {
        let none = api.call(method.clone(), path, None, Some(json!({}))).await;
        none.assert_problem(401, &format!("{method} {path} without a token"));
        assert_eq!(none.headers.get("www-authenticate").map(|v| v.as_bytes()), Some(&b"Bearer"[..]));
        let forged = api.send(api.request(method.clone(), path).bearer_auth("0".repeat(64)).json(&json!({}))).await;
        forged.assert_problem(401, &format!("{method} {path} with an unknown token"));
    }
    despatch_web::revoke_token(api.store.as_ref(), CASEWORKER, "tests").await.expect("revoked");
    let revoked = api.get(&format!("/api/v1/cases/{}", api.case_id), CASEWORKER).await;
    revoked.assert_problem(401, "a revoked token");
}

#[tokio::test]
async fn a_user_outside_the_cases_teams_gets_not_found_for_every_case_operation_and_forbidden_for_a_workstack() {
    let api = Api::start().await;
    let before = api.get(&format!("/api/v1/cases/{}", api.case_id), CASEWORKER).await;
    // One body that every operation taking one accepts (unknown fields are ignored).
    let body = json!({
        "text": "x", "stage": "DATA_INPUT", "fields": {}, "team": testkit::POLICING_DRAFTING, "reason": "y",
        "details": {"kind": "mp", "name": "A Member"}, "kind": "mp", "name": "A Member", "topic": "T",
        "tag": "DRAFT", "due": "2030-01-01", "asked": "z", "note": "n"
    });
    for (method, path) in operations(&api) {
        let answer = api.call(method.clone(), &path, Some(OUTSIDER), Some(body.clone())).await;
        if path.starts_with("/api/v1/cases/") {
            answer.assert_problem(404, &format!("{method} {path} as an outsider"));
        } else if path.starts_with("/api/v1/teams/") {
            answer.assert_problem(403, &format!("{method} {path} as an outsider"));
        } else {
            assert!(answer.status.is_success() || answer.status.as_u16() == 422, "{method} {path}: {}", answer.body);
        }
    }
    let found = api.get("/api/v1/search?q=Pandor", OUTSIDER).await;
    assert_eq!(found.body["total"], 0, "search counts only what the outsider may see");
    let after = api.get(&format!("/api/v1/cases/{}", api.case_id), CASEWORKER).await;
    assert_eq!(before.body["version"], after.body["version"], "the outsider changed nothing");
}

#[tokio::test]
async fn a_team_member_reads_the_case_its_stage_history_form_events_and_workstack() {
    let api = Api::start().await;
    let case = api.get(&format!("/api/v1/cases/{}", api.case_id), CASEWORKER).await;
    assert_eq!(case.status, StatusCode::OK);
    assert_eq!(case.body["stage"]["stage"], "DATA_INPUT");
    assert_eq!(case.body["stage"]["team"], testkit::PERFORMANCE_AND_PROCESS);
    let form = api.get(&format!("/api/v1/cases/{}/stage", api.case_id), CASEWORKER).await;
    let fields: Vec<&str> =
        form.body["fields"].as_array().expect("fields").iter().filter_map(|f| f["name"].as_str()).collect();
    assert!(fields.contains(&"DateOfCorrespondence") && fields.contains(&"OriginalChannel"), "{fields:?}");
    assert!(!form.body["decisions"].as_array().expect("decisions").is_empty());
    let history = api.get(&format!("/api/v1/cases/{}/stages", api.case_id), CASEWORKER).await;
    assert_eq!(history.body[0]["stage"], "DATA_INPUT");
    let events = api.get(&format!("/api/v1/cases/{}/events", api.case_id), CASEWORKER).await;
    assert_eq!(events.body[0]["event_type"], "CASE_CREATED");
    let workstack =
        api.get(&format!("/api/v1/teams/{}/workstack", testkit::PERFORMANCE_AND_PROCESS), DESPATCH_OFFICER).await;
    assert_eq!((workstack.status, workstack.body["total"].clone()), (StatusCode::OK, json!(1)));
    assert_eq!(workstack.body["cases"][0]["id"], api.case_id);
    let me = api.get("/api/v1/me", CASEWORKER).await;
    let team = me.body["teams"].as_array().expect("teams").iter().find(|t| t["code"] == "PERFORMANCE_AND_PROCESS");
    assert_eq!(team.map(|t| (t["open"].clone(), t["unallocated"].clone())), Some((json!(1), json!(1))));
    let search = api.get(&format!("/api/v1/search?q={}", api.case_id), CASEWORKER).await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.body);
}

#[tokio::test]
async fn the_api_enforces_the_access_levels_the_pages_do() {
    let api = Api::start().await;
    let case = format!("/api/v1/cases/{}", api.case_id);
    api.get(&case, SUMMARY_USER).await.assert_problem(403, "a SUMMARY level does not open the case");
    let found = api.get("/api/v1/search?q=Example", SUMMARY_USER).await;
    assert_eq!(found.body["total"], 1, "but finds its row in search: {}", found.body);
    assert_eq!(api.get(&case, READ_USER).await.status, StatusCode::OK, "READ opens the case");
    let note = json!({"text": "Telephoned the MP's office"});
    let noted = api.call(Method::POST, &format!("{case}/notes"), Some(READ_USER), Some(note)).await;
    noted.assert_problem(403, "READ adds no note");
    let take = api.call(Method::PUT, &format!("{case}/allocation"), Some(READ_USER), Some(json!({}))).await;
    take.assert_problem(403, "READ takes no stage");
    let others = json!({"user": testkit::DESPATCH_OFFICER});
    let given = api.call(Method::PUT, &format!("{case}/allocation"), Some(CASEWORKER), Some(others)).await;
    given.assert_problem(403, "WRITE allocates to no one else (OWNER does)");
}

#[tokio::test]
async fn only_the_allocated_user_completes_a_stage_and_the_engines_refusals_are_problems() {
    let api = Api::start().await;
    let stage = format!("/api/v1/cases/{}/stage", api.case_id);
    let allocation = format!("/api/v1/cases/{}/allocation", api.case_id);
    let body = json!({"stage": "DATA_INPUT", "fields": {}});
    let unallocated = api.call(Method::POST, &stage, Some(CASEWORKER), Some(body.clone())).await;
    unallocated.assert_problem(403, "completing a stage allocated to nobody");

    let taken = api.call(Method::PUT, &allocation, Some(DESPATCH_OFFICER), Some(json!({}))).await;
    assert_eq!(taken.body["stage"]["user"], DESPATCH_OFFICER, "{}", taken.body);
    let not_mine = api.call(Method::POST, &stage, Some(CASEWORKER), Some(body.clone())).await;
    not_mine.assert_problem(403, "completing another user's stage");
    assert!(not_mine.body["detail"].as_str().unwrap_or_default().contains("allocated to dev.despatch"));

    let missing = api.call(Method::POST, &stage, Some(DESPATCH_OFFICER), Some(body)).await;
    missing.assert_problem(422, "a stage without its fields");
    let fields: Vec<&str> =
        missing.body["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    assert!(fields.contains(&"OriginalChannel"), "each missing field is named: {fields:?}");

    let version = taken.body["version"].as_u64().expect("a version");
    let note = json!({"text": "Telephoned the MP's office"});
    let noted =
        api.call(Method::POST, &format!("/api/v1/cases/{}/notes", api.case_id), Some(CASEWORKER), Some(note)).await;
    assert_eq!(noted.status, StatusCode::OK, "{}", noted.body);
    let stale = json!({"stage": "DATA_INPUT", "version": version, "fields": {"OriginalChannel": "POST"}});
    let changed = api.call(Method::POST, &stage, Some(DESPATCH_OFFICER), Some(stale)).await;
    changed.assert_problem(409, "a command on a version the case has moved past");
    assert_eq!(changed.body["type"], "urn:despatch:problem:case-changed");

    let back = api.call(Method::DELETE, &allocation, Some(DESPATCH_OFFICER), None).await;
    assert_eq!(back.body["stage"]["user"], Value::Null);
    let again = api.call(Method::DELETE, &allocation, Some(DESPATCH_OFFICER), None).await;
    // As on the case page, the access decision refuses it: there is no allocation to give back.
    again.assert_problem(403, "unallocating a stage allocated to nobody");
    let stranger = api.call(Method::PUT, &allocation, Some(CASEWORKER), Some(json!({"user": OUTSIDER}))).await;
    stranger.assert_problem(403, "allocating to a user outside the team");
}

#[tokio::test]
async fn bad_requests_unknown_addresses_and_methods_are_problem_details() {
    let api = Api::start().await;
    let notes = format!("/api/v1/cases/{}/notes", api.case_id);
    let token = api.token(CASEWORKER);
    let text = api.request(Method::POST, &notes).bearer_auth(&token).body("{\"text\": \"x\"}");
    api.send(text).await.assert_problem(415, "a body without a JSON content type");
    let broken = api.request(Method::POST, &notes).bearer_auth(&token).header("content-type", "application/json");
    api.send(broken.body("{\"text\": ")).await.assert_problem(400, "malformed JSON");
    let shape = api.call(Method::POST, &notes, Some(CASEWORKER), Some(json!({"text": 5}))).await;
    shape.assert_problem(422, "JSON of the wrong shape");
    let blank = api.call(Method::POST, &notes, Some(CASEWORKER), Some(json!({"text": "  "}))).await;
    blank.assert_problem(422, "a blank note");
    api.get("/api/v1/no/such/thing", CASEWORKER).await.assert_problem(404, "an unknown address");
    api.get("/api/v1", CASEWORKER).await.assert_problem(404, "the bare base");
    api.get("/api/v1/cases/not-a-number", CASEWORKER).await.assert_problem(400, "a malformed id");
    api.get("/api/v1/cases/999999", CASEWORKER).await.assert_problem(404, "an unknown case");
    let patched = api.call(Method::PATCH, &notes, Some(CASEWORKER), None).await;
    patched.assert_problem(405, "a method the address does not answer");
    let future = json!({"case_type": "MIN", "received": "2999-01-01", "correspondents": []});
    let opened = api.call(Method::POST, "/api/v1/cases", Some(CASEWORKER), Some(future)).await;
    opened.assert_problem(422, "a case received in the future");
    assert_eq!(opened.body["errors"][0]["field"], "received");
    let unknown = json!({"case_type": "NOPE", "received": "2018-11-14"});
    let refused = api.call(Method::POST, "/api/v1/cases", Some(CASEWORKER), Some(unknown)).await;
    refused.assert_problem(422, "an unknown case type");
    let mine = json!({"case_type": "MIN", "received": "2018-11-14", "correspondents": []});
    let reader = api.call(Method::POST, "/api/v1/cases", Some(READ_USER), Some(mine)).await;
    reader.assert_problem(403, "opening a case of a type the caller only reads");
}

#[tokio::test]
async fn correspondents_topics_and_documents_are_managed_through_the_api() {
    let api = Api::start().await;
    let case = format!("/api/v1/cases/{}", api.case_id);
    let council = json!({"details": {"kind": "councillor", "name": "Cllr Jo Bloggs"}, "primary": true});
    let added = api.call(Method::POST, &format!("{case}/correspondents"), Some(CASEWORKER), Some(council)).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let listed = api.get(&format!("{case}/correspondents"), CASEWORKER).await;
    let primary = listed.body.as_array().expect("a list").iter().find(|c| c["primary"] == true).cloned();
    assert_eq!(primary.map(|c| c["name"].clone()), Some(json!("Cllr Jo Bloggs")));
    let first = api.call(Method::PUT, &format!("{case}/correspondents/1/primary"), Some(CASEWORKER), None).await;
    assert_eq!(first.body["correspondents"][0]["primary"], true, "{}", first.body);

    let topic = json!({"topic": testkit::TOPIC_ASYLUM_SUPPORT});
    let with = api.call(Method::POST, &format!("{case}/topics"), Some(CASEWORKER), Some(topic)).await;
    assert_eq!(with.body["topics"], json!([testkit::TOPIC_ASYLUM_SUPPORT]), "{}", with.body);
    let second = json!({"topic": testkit::TOPIC_POLICE_FUNDING});
    api.call(Method::POST, &format!("{case}/topics"), Some(CASEWORKER), Some(second)).await;
    let path = format!("{case}/topics/{}", testkit::TOPIC_POLICE_FUNDING);
    let without = api.call(Method::DELETE, &path, Some(CASEWORKER), None).await;
    assert_eq!(without.body["topics"], json!([testkit::TOPIC_ASYLUM_SUPPORT]), "{}", without.body);
    let primary = format!("{case}/topics/{}", testkit::TOPIC_ASYLUM_SUPPORT);
    let refused = api.call(Method::DELETE, &primary, Some(CASEWORKER), None).await;
    refused.assert_problem(422, "removing the primary topic");

    let letter = "Dear Minister, I write about asylum support.";
    let upload = api
        .request(Method::POST, &format!("{case}/documents?name=letter.txt&tag=ORIGINAL"))
        .bearer_auth(api.token(CASEWORKER))
        .header("content-type", "text/plain")
        .body(letter);
    let uploaded = api.send(upload).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    let sha256 = uploaded.body["documents"][0]["sha256"].as_str().expect("its address").to_string();
    let bytes = api
        .request(Method::GET, &format!("{case}/documents/{sha256}"))
        .bearer_auth(api.token(CASEWORKER))
        .send()
        .await
        .expect("the bytes");
    assert_eq!(bytes.text().await.expect("text"), letter);
}

#[tokio::test]
async fn a_min_case_goes_from_creation_through_every_stage_to_closed_over_the_api() {
    let api = Api::start().await;
    let scenario = testkit::scenarios().into_iter().next().expect("the first MIN scenario");
    let mut new = serde_json::to_value(&scenario.new_case).expect("a new case as JSON");
    new["correspondents"] = json!([{"kind": "mp", "name": "Jo Member MP"}]);
    let opened = api.call(Method::POST, "/api/v1/cases", Some(&scenario.opened_by.user), Some(new)).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let id = opened.body["id"].as_i64().expect("an id");
    let mut path = vec![opened.body["stage"]["stage"].as_str().unwrap_or_default().to_string()];
    for step in &scenario.steps {
        let Command::CompleteStage { stage, fields, note, .. } = &step.command else {
            panic!("the walk covers stage completions only: {:?}", step.command);
        };
        let user = step.actor.user.as_str();
        let taken = api.call(Method::PUT, &format!("/api/v1/cases/{id}/allocation"), Some(user), Some(json!({}))).await;
        assert_eq!(taken.status, StatusCode::OK, "{user} takes {stage}: {}", taken.body);
        let body = json!({"stage": stage, "version": taken.body["version"], "fields": fields, "note": note});
        let done = api.call(Method::POST, &format!("/api/v1/cases/{id}/stage"), Some(user), Some(body)).await;
        assert_eq!(done.status, StatusCode::OK, "{user} completes {stage}: {}", done.body);
        if let Some(next) = done.body["stage"]["stage"].as_str() {
            path.push(next.to_string());
        }
    }
    assert_eq!(path, scenario.expected_path, "the stages visited");
    let closed = api.get(&format!("/api/v1/cases/{id}"), DESPATCH_OFFICER).await;
    assert!(closed.body["stage"].is_null() && closed.body["closed_at"].is_string(), "{}", closed.body);
    let history = api.get(&format!("/api/v1/cases/{id}/stages"), DESPATCH_OFFICER).await;
    assert_eq!(history.body.as_array().map(Vec::len), Some(scenario.expected_path.len()));
}

#[tokio::test]
async fn the_openapi_document_is_3_1_with_the_bearer_scheme_and_problem_answers() {
    let api = Api::start().await;
    let answer = api.send(api.request(Method::GET, "/api/v1/openapi.json")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let doc = answer.body;
    assert!(doc["openapi"].as_str().unwrap_or_default().starts_with("3.1"), "{}", doc["openapi"]);
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert_eq!(doc["security"], json!([{"bearer": []}]));
    for (path, item) in doc["paths"].as_object().expect("paths") {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, operation) in item.as_object().expect("operations") {
            let unauthorised = &operation["responses"]["401"]["content"]["application/problem+json"];
            assert!(unauthorised.is_object(), "{method} {path} documents its 401 problem");
        }
    }
}

#[tokio::test]
async fn health_and_metrics_report_the_database_requests_and_commands() {
    let api = Api::start().await;
    let health = api.send(api.request(Method::GET, "/healthz")).await;
    assert_eq!(health.status, StatusCode::OK);
    api.get(&format!("/api/v1/cases/{}", api.case_id), CASEWORKER).await;
    let note = json!({"text": "Checked"});
    api.call(Method::POST, &format!("/api/v1/cases/{}/notes", api.case_id), Some(CASEWORKER), Some(note)).await;
    let metrics = api.request(Method::GET, "/metrics").send().await.expect("metrics");
    assert!(metrics.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/plain"));
    let text = metrics.text().await.expect("text");
    assert!(
        text.lines().any(|l| l.starts_with("despatch_http_requests_total{")
            && l.contains("route=\"/api/v1/cases/{id}\"")
            && l.contains("status=\"200\"")),
        "requests are counted by route template and status:\n{text}"
    );
    assert!(text.contains("despatch_http_request_duration_seconds_bucket{"), "latency is a histogram");
    assert!(
        text.lines().any(|l| l.starts_with("despatch_commands_total{")
            && l.contains("command=\"add note\"")
            && l.contains("result=\"ok\"")),
        "commands are counted by type and result:\n{text}"
    );
}

/// Schemathesis (PyPI, the executable named by `DESPATCH_TEST_SCHEMATHESIS`; `.ci/run` installs
/// it) generates requests from the OpenAPI document, valid and invalid, as a team member with a
/// token: none may end in a 5xx. Bounded to 25 examples per operation and 60 seconds; one worker,
/// since hypothesis parsing source from two threads at once trips a CPython 3.11 AST bug
/// ("AST constructor recursion depth mismatch") that schemathesis reports as a runtime error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_anywhere_in_the_api() {
    let Ok(schemathesis) = std::env::var("DESPATCH_TEST_SCHEMATHESIS") else {
        eprintln!("SKIPPED: schemathesis run: DESPATCH_TEST_SCHEMATHESIS (the schemathesis executable) is not set");
        return;
    };
    let api = Api::start().await;
    let folder = tempfile::tempdir().expect("a folder for its reports");
    let output = tokio::process::Command::new(&schemathesis)
        .current_dir(folder.path())
        .args(["run", &format!("{}/api/v1/openapi.json", api.base)])
        .args(["--checks", "not_a_server_error", "--max-examples", "25", "--max-time", "60"])
        .args(["--request-timeout", "10", "--generation-database", "none", "--no-color", "--workers", "1"])
        .args(["--header", &format!("Authorization: Bearer {}", api.token(CASEWORKER))])
        .output()
        .await
        .expect("schemathesis runs");
    let out = String::from_utf8_lossy(&output.stdout);
    let tail: String = out.lines().rev().take(80).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
    eprintln!("{tail}");
    assert!(
        output.status.success(),
        "schemathesis found a problem:\n{tail}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
