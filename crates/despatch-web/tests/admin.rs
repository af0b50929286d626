//! Administration through the browser's forms: adding a user who must then choose a password,
//! giving a membership a level, deactivating a user, teams and topics kept in the store, the
//! case-type view with its diagram, and a case's deadline explanation.

mod common;

use common::{ADMINISTRATOR, App, OUTSIDER, PASSWORD, WRITE_USER, csrf, start};
use despatch_domain::access::{AccessLevel, level_for};
use despatch_domain::testkit;
use reqwest::StatusCode;

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("an HTTP client")
}

async fn sign_in(app: &App, user: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
    let client = browser();
    let page = client.get(app.url("/sign-in")).send().await.expect("the sign-in page").text().await.expect("html");
    let token = csrf(&page);
    let response = client
        .post(app.url("/sign-in"))
        .form(&[("csrf", token.as_str()), ("username", user), ("password", password)])
        .send()
        .await
        .expect("a sign-in answer");
    (client, response)
}

async fn page(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.expect("an answer");
    (response.status(), response.text().await.expect("html"))
}

async fn post(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (StatusCode, String, String) {
    let response = client.post(url).form(form).send().await.expect("an answer");
    let path = response.url().path().to_string();
    (response.status(), path, response.text().await.expect("html"))
}

/// The one-time password shown on the answer page.
fn shown_password(page: &str) -> String {
    let marker = "class=\"app-one-time-password\">";
    let start = page.find(marker).expect("a one-time password on the page") + marker.len();
    page[start..].split('<').next().unwrap_or_default().to_string()
}

async fn stored_directory(app: &App) -> despatch_domain::directory::Directory {
    let store = despatch_store::open(&app.db).await.expect("the test database");
    store.directory().await.expect("the directory")
}

#[tokio::test]
async fn an_added_user_signs_in_with_the_one_time_password_and_must_choose_their_own() {
    let app = start().await;
    let (admin, _) = sign_in(&app, ADMINISTRATOR, PASSWORD).await;
    let (_, users) = page(&admin, app.url("/admin/users")).await;
    let token = csrf(&users);
    let (status, _, answer) = post(
        &admin,
        app.url("/admin/users"),
        &[("csrf", &token), ("user-name", "nina.new"), ("display-name", "Nina New")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let password = shown_password(&answer);

    let (client, signed_in) = sign_in(&app, "nina.new", &password).await;
    assert_eq!(signed_in.url().path(), "/account/password", "straight to choosing a password");
    let (_, dashboard) = page(&client, app.url("/")).await;
    assert!(dashboard.contains("Choose a new password"), "nothing else until a password is chosen");
    let form = signed_in.text().await.expect("html");
    let token = csrf(&form);
    let (status, _, refused) = post(
        &client,
        app.url("/account/password"),
        &[("csrf", &token), ("password", "a new long password"), ("confirm", "another password!!")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("href=\"#confirm\""));
    let chosen = "nina's own long password";
    let (_, path, _) =
        post(&client, app.url("/account/password"), &[("csrf", &token), ("password", chosen), ("confirm", chosen)])
            .await;
    assert_eq!(path, "/");

    let (_, old) = sign_in(&app, "nina.new", &password).await;
    assert_eq!(old.status(), StatusCode::UNPROCESSABLE_ENTITY, "the one-time password works once only");
    let (_, new) = sign_in(&app, "nina.new", chosen).await;
    assert_eq!(new.url().path(), "/");
    assert!(stored_directory(&app).await.users.get("nina.new").is_some_and(|u| u.display_name == "Nina New"));
}

#[tokio::test]
async fn a_level_given_on_the_users_page_opens_the_case_and_is_kept_in_the_store() {
    let app = start().await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let (outsider, _) = sign_in(&app, OUTSIDER, PASSWORD).await;
    assert_eq!(page(&outsider, case.clone()).await.0, StatusCode::NOT_FOUND);

    let (admin, _) = sign_in(&app, ADMINISTRATOR, PASSWORD).await;
    let (_, user_page) = page(&admin, app.url(&format!("/admin/users/{OUTSIDER}"))).await;
    let token = csrf(&user_page);
    let (_, path, _) = post(
        &admin,
        app.url(&format!("/admin/users/{OUTSIDER}/memberships")),
        &[("csrf", &token), ("team", testkit::TRANSFERS_AND_NO10), ("level-MIN", "READ"), ("level-TRO", "")],
    )
    .await;
    assert_eq!(path, format!("/admin/users/{OUTSIDER}"));
    let (status, case_page) = page(&outsider, case).await;
    assert_eq!(status, StatusCode::OK, "READ on MIN through any team opens a MIN case");
    assert!(!case_page.contains("id=\"stage-form\""), "but shows no form");

    let directory = stored_directory(&app).await;
    assert_eq!(level_for(&directory, OUTSIDER, "MIN"), Some(AccessLevel::Read));
    assert_eq!(level_for(&directory, OUTSIDER, "TRO"), None);

    let (status, _, refused) = post(
        &admin,
        app.url(&format!("/admin/users/{OUTSIDER}/memberships")),
        &[("csrf", &token), ("team", testkit::TRANSFERS_AND_NO10), ("level-MIN", "SUPERUSER")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("is not an access level") && refused.contains("href=\"#level-MIN\""));
}

#[tokio::test]
async fn a_deactivated_user_is_signed_out_and_cannot_sign_in_again_until_reactivated() {
    let app = start().await;
    let (writer, _) = sign_in(&app, WRITE_USER, PASSWORD).await;
    let (admin, _) = sign_in(&app, ADMINISTRATOR, PASSWORD).await;
    let (_, user_page) = page(&admin, app.url(&format!("/admin/users/{WRITE_USER}"))).await;
    let token = csrf(&user_page);
    let status_url = app.url(&format!("/admin/users/{WRITE_USER}/status"));
    post(&admin, status_url.clone(), &[("csrf", &token), ("action", "deactivate")]).await;
    let after = writer.get(app.url("/")).send().await.expect("an answer");
    assert_eq!(after.url().path(), "/sign-in", "their session ended");
    let (_, refused) = sign_in(&app, WRITE_USER, PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    post(&admin, status_url, &[("csrf", &token), ("action", "activate")]).await;
    let (_, again) = sign_in(&app, WRITE_USER, PASSWORD).await;
    assert_eq!(again.url().path(), "/");
}

#[tokio::test]
async fn teams_units_and_topics_are_added_renamed_deactivated_and_linked_and_kept_in_the_store() {
    let app = start().await;
    let (admin, _) = sign_in(&app, ADMINISTRATOR, PASSWORD).await;
    let (_, teams) = page(&admin, app.url("/admin/teams")).await;
    let token = csrf(&teams);
    let (_, path, _) = post(
        &admin,
        app.url("/admin/units"),
        &[("csrf", &token), ("unit-code", "comms"), ("unit-name", "Communications")],
    )
    .await;
    assert_eq!(path, "/admin/teams");
    let add_team =
        [("csrf", token.as_str()), ("team-code", "PRESS"), ("team-name", "Press Office"), ("team-unit", "COMMS")];
    post(&admin, app.url("/admin/teams"), &add_team).await;
    let (status, _, refused) = post(&admin, app.url("/admin/teams"), &add_team).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("There is already a team PRESS"), "a code is used once");
    post(
        &admin,
        app.url("/admin/teams/PRESS"),
        &[("csrf", &token), ("action", "rename"), ("name", "Press & Media"), ("unit", "COMMS")],
    )
    .await;
    post(&admin, app.url("/admin/teams/PRESS"), &[("csrf", &token), ("action", "deactivate")]).await;

    post(&admin, app.url("/admin/topics"), &[("csrf", &token), ("topic-code", "VISAS"), ("topic-name", "Visas")]).await;
    let child = [
        ("csrf", token.as_str()),
        ("topic-code", "STUDENT_VISAS"),
        ("topic-name", "Student visas"),
        ("parent", "VISAS"),
    ];
    post(&admin, app.url("/admin/topics"), &child).await;
    let link = [("csrf", token.as_str()), ("stage", "MIN:INITIAL_DRAFT"), ("team", testkit::IMMIGRATION_DRAFTING)];
    let (_, path, _) = post(&admin, app.url("/admin/topics/STUDENT_VISAS/links"), &link).await;
    assert_eq!(path, "/admin/topics/STUDENT_VISAS");
    let to_inactive = [("csrf", token.as_str()), ("stage", "MIN:INITIAL_DRAFT"), ("team", "PRESS")];
    let (status, _, _) = post(&admin, app.url("/admin/topics/STUDENT_VISAS/links"), &to_inactive).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an inactive team takes no new links");

    let directory = stored_directory(&app).await;
    let press = directory.teams.get("PRESS").expect("the team");
    assert_eq!((press.name.as_str(), press.unit.as_str(), press.active), ("Press & Media", "COMMS", false));
    assert_eq!(directory.units.get("COMMS").map(|u| u.name.as_str()), Some("Communications"));
    assert_eq!(directory.topic_details.get("STUDENT_VISAS").and_then(|t| t.parent.as_deref()), Some("VISAS"));
    assert_eq!(directory.topic_team("MIN", "INITIAL_DRAFT", "STUDENT_VISAS"), Some(testkit::IMMIGRATION_DRAFTING));
    let (_, listed) = page(&admin, app.url("/admin/topics")).await;
    assert!(listed.contains("Student visas") && listed.contains("app-child-topic"));
}

#[tokio::test]
async fn a_case_type_is_shown_with_its_drawn_flow_and_a_case_deadline_is_explained() {
    let app = start().await;
    let (admin, _) = sign_in(&app, ADMINISTRATOR, PASSWORD).await;
    let (status, min) = page(&admin, app.url("/admin/case-types/MIN")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(min.contains("<svg") && min.contains(">Initial Draft</text>") && min.contains("Private Office"));
    assert!(min.contains("<th scope=\"col\" class=\"govuk-table__header\">When</th>"), "the decisions in words too");

    let (writer, _) = sign_in(&app, WRITE_USER, PASSWORD).await;
    let (status, explained) = page(&writer, app.url(&format!("/cases/{}/deadline", app.case_id))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(explained.contains("Cabinet Office rule") && explained.contains("20 working days"), "{explained}");
}
