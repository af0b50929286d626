//! The web application as a browser uses it: each test starts the app on a free port with a
//! fresh SQLite database holding the demo department and one MIN case, and drives it over HTTP
//! with a cookie jar.

use std::time::Duration;

use chrono::Utc;
use despatch_domain::engine::london_date;
use despatch_domain::testkit;
use despatch_web::Config;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, SET_COOKIE};

mod common;

use common::{App, OUTSIDER, PASSWORD, csrf, start, start_with};

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().expect("an HTTP client")
}

async fn sign_in_as(app: &App, client: &reqwest::Client, user: &str, password: &str) -> reqwest::Response {
    let page = client.get(app.url("/sign-in")).send().await.expect("the sign-in page").text().await.expect("html");
    let token = csrf(&page);
    client
        .post(app.url("/sign-in"))
        .form(&[("csrf", token.as_str()), ("username", user), ("password", password)])
        .send()
        .await
        .expect("a sign-in answer")
}

async fn signed_in(app: &App, user: &str) -> reqwest::Client {
    let client = browser();
    let response = sign_in_as(app, &client, user, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK, "{user} signs in");
    client
}

async fn get(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.expect("an answer");
    (response.status(), response.text().await.expect("a body"))
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_sign_in() {
    let app = start().await;
    let response = browser().get(app.url("/")).send().await.expect("an answer");
    assert_eq!(response.url().path(), "/sign-in");
    let (status, _) = get(&browser(), app.url(&format!("/cases/{}", app.case_id))).await;
    assert_eq!(status, StatusCode::OK, "the case page redirects to the sign-in page");
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_right_one_opens_the_dashboard() {
    let app = start().await;
    let client = browser();
    let refused = sign_in_as(&app, &client, testkit::CASEWORKER, "not the password").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("html");
    assert!(page.contains("There is a problem") && page.contains("Enter a correct user name and password"));
    let unknown = sign_in_as(&app, &client, "nobody", PASSWORD).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY, "an unknown user gets the same answer");

    let accepted = sign_in_as(&app, &client, testkit::CASEWORKER, PASSWORD).await;
    assert_eq!(accepted.url().path(), "/");
    let page = accepted.text().await.expect("html");
    assert!(page.contains("Dashboard") && page.contains("Performance and Process Team"));
    assert!(page.contains("/teams/PERFORMANCE_AND_PROCESS"), "a card per team links to its workstack");
}

#[tokio::test]
async fn a_form_without_the_session_token_or_from_another_site_is_refused() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let allocate = app.url(&format!("/cases/{}/allocate-to-me", app.case_id));
    let forged = client.post(&allocate).form(&[("csrf", "0".repeat(64))]).send().await.expect("an answer");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let missing = client.post(&allocate).form(&[("back", "/")]).send().await.expect("an answer");
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);

    let (_, page) = get(&client, app.url(&format!("/cases/{}", app.case_id))).await;
    let token = csrf(&page);
    let cross_site = client
        .post(&allocate)
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("an answer");
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let (_, page) = get(&client, app.url(&format!("/cases/{}", app.case_id))).await;
    assert!(page.contains("Unallocated"), "none of the refused posts allocated the case");

    let sign_in_without_cookie = browser()
        .post(app.url("/sign-in"))
        .form(&[("csrf", token.as_str()), ("username", testkit::CASEWORKER), ("password", PASSWORD)])
        .send()
        .await
        .expect("an answer");
    assert_eq!(sign_in_without_cookie.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_caseworker_takes_a_min_case_through_data_input_and_markup_with_the_forms() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let stage = app.url(&format!("/cases/{}/stage", app.case_id));
    let (status, page) = get(&client, case.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&app.reference) && page.contains("Jo Example MP") && page.contains("Data Input"));
    assert!(page.contains("name=\"DateOfCorrespondence-day\"") && page.contains("type=\"radio\""));
    let token = csrf(&page);
    let version = page.split("name=\"version\" value=\"").nth(1).and_then(|rest| rest.split('"').next());
    let version = version.expect("the form carries the case version").to_string();

    // Leaving out the required answers brings the form back with an error summary.
    let incomplete = client
        .post(&stage)
        .form(&[("csrf", token.as_str()), ("stage", "DATA_INPUT"), ("version", &version), ("OriginalChannel", "POST")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(incomplete.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = incomplete.text().await.expect("html");
    assert!(page.contains("govuk-error-summary") && page.contains("href=\"#DateOfCorrespondence-day\""));
    assert!(page.contains("value=\"POST\" checked"), "the answer given is kept");

    let written = london_date(Utc::now()).pred_opt().expect("yesterday");
    let (day, month, year) =
        (written.format("%d").to_string(), written.format("%m").to_string(), written.format("%Y").to_string());
    let data_input = [
        ("csrf", token.as_str()),
        ("stage", "DATA_INPUT"),
        ("version", &version),
        ("DateOfCorrespondence-day", &day),
        ("DateOfCorrespondence-month", &month),
        ("DateOfCorrespondence-year", &year),
        ("OriginalChannel", "POST"),
        ("CopyNumberTen", "FALSE"),
        ("HomeSecInterest", "FALSE"),
        ("HomeSecReply", "FALSE"),
    ];
    let done = client.post(&stage).form(&data_input).send().await.expect("an answer");
    assert_eq!(done.status(), StatusCode::OK);
    let page = done.text().await.expect("html");
    assert!(page.contains("Data Input completed"), "a success banner and a timeline entry");
    assert!(page.contains("What sort of response is required?"), "the Markup form is next");

    let version = page.split("name=\"version\" value=\"").nth(1).and_then(|rest| rest.split('"').next());
    let version = version.expect("a version").to_string();
    let markup = [
        ("csrf", token.as_str()),
        ("stage", "MARKUP"),
        ("version", &version),
        ("MarkupDecision", "PR"),
        ("Topic", testkit::TOPIC_ASYLUM_SUPPORT),
    ];
    let done = client.post(&stage).form(&markup).send().await.expect("an answer");
    assert_eq!(done.status(), StatusCode::OK);
    let page = done.text().await.expect("html");
    assert!(page.contains("Initial Draft") && page.contains("Asylum and Immigration Policy Team"));
    assert!(!page.contains("id=\"stage-form\""), "the caseworker is not in the drafting team, so sees no form");
    let timeline = page.split("id=\"timeline\"").nth(1).expect("a timeline");
    let markup_at = timeline.find("Markup completed").expect("markup in the timeline");
    let data_input_at = timeline.find("Data Input completed").expect("data input in the timeline");
    assert!(markup_at < data_input_at, "the timeline is newest first");
}

#[tokio::test]
async fn a_user_without_access_gets_not_found_or_forbidden_and_sees_no_case_data() {
    let app = start().await;
    let client = signed_in(&app, OUTSIDER).await;
    let (status, page) = get(&client, app.url(&format!("/cases/{}", app.case_id))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains(&app.reference) && !page.contains("Jo Example MP"));

    let (status, page) = get(&client, app.url("/teams/PERFORMANCE_AND_PROCESS")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!page.contains(&app.reference));

    let (status, page) = get(&client, app.url("/search?q=Example")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(&app.reference) && !page.contains("Jo Example MP"));
    assert!(page.contains("0 cases match"), "not even the number of matches leaks");

    let (_, dashboard) = get(&client, app.url("/")).await;
    let token = csrf(&dashboard);
    let posted = client
        .post(app.url(&format!("/cases/{}/allocate-to-me", app.case_id)))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("an answer");
    assert_eq!(posted.status(), StatusCode::NOT_FOUND);

    let caseworker = signed_in(&app, testkit::CASEWORKER).await;
    let (_, page) = get(&caseworker, app.url(&format!("/cases/{}", app.case_id))).await;
    assert!(page.contains("Unallocated"), "the outsider's post changed nothing");
    let (_, page) = get(&caseworker, app.url("/search?q=Example")).await;
    assert!(page.contains(&app.reference), "a member of the case's team finds it");
}

#[tokio::test]
async fn allocate_to_me_from_the_workstack_shows_the_case_as_mine() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let (status, page) = get(&client, app.url("/teams/PERFORMANCE_AND_PROCESS")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&app.reference) && page.contains("Jo Example MP") && page.contains("1 open case"));
    let token = csrf(&page);
    let response = client
        .post(app.url(&format!("/cases/{}/allocate-to-me", app.case_id)))
        .form(&[("csrf", token.as_str()), ("back", "/")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.url().path(), "/");
    let page = response.text().await.expect("html");
    let mine = page.split("My cases").nth(1).expect("a my-cases section");
    assert!(mine.contains(&app.reference) && mine.contains("1 allocated to you"));
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_no_inline_script() {
    let app = start().await;
    let response = browser().get(app.url("/sign-in")).send().await.expect("an answer");
    let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let csp = header(CONTENT_SECURITY_POLICY);
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(header(reqwest::header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(reqwest::header::X_FRAME_OPTIONS), "DENY");
    assert_eq!(header(reqwest::header::CACHE_CONTROL), "no-store");
    let cookie = header(SET_COOKIE);
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"));
    let page = response.text().await.expect("html");
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=").count() + page.matches("<script type=\"module\" src=").count()
    );

    let over_https =
        browser().get(app.url("/sign-in")).header("x-forwarded-proto", "https").send().await.expect("an answer");
    let cookie = over_https.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(cookie.contains("; Secure"), "behind HTTPS the cookie is Secure");
    assert!(over_https.headers().contains_key(reqwest::header::STRICT_TRANSPORT_SECURITY));
}

#[tokio::test]
async fn the_stylesheet_and_scripts_are_served_without_the_gds_font() {
    let app = start().await;
    let css = browser().get(app.url("/assets/app.css")).send().await.expect("an answer");
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/css")));
    let text = css.text().await.expect("css");
    assert!(text.contains(".govuk-button") && !text.contains("GDS Transport"));
    for script in ["/assets/init.mjs", "/assets/govuk-frontend.min.js", "/assets/body-class.js"] {
        let response = browser().get(app.url(script)).send().await.expect("an answer");
        let kind = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(kind.contains("javascript"), "{script} is served as JavaScript, not {kind}");
    }
}

#[tokio::test]
async fn a_session_left_idle_longer_than_the_timeout_ends_and_sign_out_ends_it_at_once() {
    let app = start_with(Config { idle_timeout: Duration::from_secs(1), ..Config::default() }).await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let response = client.get(app.url("/")).send().await.expect("an answer");
    assert_eq!(response.url().path(), "/sign-in", "the idle session ended");

    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let (_, page) = get(&client, app.url("/")).await;
    let token = csrf(&page);
    let out = client.post(app.url("/sign-out")).form(&[("csrf", token.as_str())]).send().await.expect("an answer");
    assert_eq!(out.url().path(), "/sign-in");
    let response = client.get(app.url("/")).send().await.expect("an answer");
    assert_eq!(response.url().path(), "/sign-in", "signed out");
}

/// The version field of a case page.
fn version(page: &str) -> String {
    let version = page.split("name=\"version\" value=\"").nth(1).and_then(|rest| rest.split('"').next());
    version.expect("the form carries the case version").to_string()
}

/// A complete Data Input form.
fn data_input(token: &str, version: &str) -> Vec<(String, String)> {
    let written = london_date(Utc::now()).pred_opt().expect("yesterday");
    [
        ("csrf", token.to_string()),
        ("stage", "DATA_INPUT".to_string()),
        ("version", version.to_string()),
        ("DateOfCorrespondence-day", written.format("%d").to_string()),
        ("DateOfCorrespondence-month", written.format("%m").to_string()),
        ("DateOfCorrespondence-year", written.format("%Y").to_string()),
        ("OriginalChannel", "EMAIL".to_string()),
        ("CopyNumberTen", "FALSE".to_string()),
        ("HomeSecInterest", "FALSE".to_string()),
        ("HomeSecReply", "FALSE".to_string()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect()
}

#[tokio::test]
async fn a_form_filled_in_on_an_older_version_of_the_case_is_refused_as_changed() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let (_, page) = get(&client, case.clone()).await;
    let (token, seen) = (csrf(&page), version(&page));
    let allocate = app.url(&format!("/cases/{}/allocate-to-me", app.case_id));
    client.post(&allocate).form(&[("csrf", token.as_str())]).send().await.expect("allocated");

    let stale = client
        .post(app.url(&format!("/cases/{}/stage", app.case_id)))
        .form(&data_input(&token, &seen))
        .send()
        .await
        .expect("an answer");
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let page = stale.text().await.expect("html");
    assert!(page.contains("Someone else changed this case"));
    let (_, page) = get(&client, case).await;
    assert!(page.contains("Data Input") && !page.contains("Data Input completed"), "the case did not move");
}

#[tokio::test]
async fn only_the_user_a_stage_is_allocated_to_can_complete_it() {
    let app = start().await;
    let caseworker = signed_in(&app, testkit::CASEWORKER).await;
    let (_, page) = get(&caseworker, app.url(&format!("/cases/{}", app.case_id))).await;
    let token = csrf(&page);
    let allocate = app.url(&format!("/cases/{}/allocate-to-me", app.case_id));
    caseworker.post(&allocate).form(&[("csrf", token.as_str())]).send().await.expect("allocated");
    let (_, page) = get(&caseworker, app.url(&format!("/cases/{}", app.case_id))).await;
    let current = version(&page);

    let colleague = signed_in(&app, testkit::DESPATCH_OFFICER).await;
    let (status, page) = get(&colleague, app.url(&format!("/cases/{}", app.case_id))).await;
    assert_eq!(status, StatusCode::OK, "a member of the team sees the case");
    assert!(!page.contains("id=\"stage-form\"") && page.contains("allocated to ada.caseworker"));
    let refused = colleague
        .post(app.url(&format!("/cases/{}/stage", app.case_id)))
        .form(&data_input(&csrf(&page), &current))
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.expect("html").contains("is not allocated to you"));
}

#[tokio::test]
async fn after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while() {
    let app = start().await;
    let client = browser();
    for _ in 0..5 {
        let refused = sign_in_as(&app, &client, testkit::CASEWORKER, "a wrong guess").await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let blocked = sign_in_as(&app, &client, testkit::CASEWORKER, PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.text().await.expect("html").contains("Too many failed attempts"));
    let response = client.get(app.url("/")).send().await.expect("an answer");
    assert_eq!(response.url().path(), "/sign-in", "not signed in");
    let other = sign_in_as(&app, &browser(), OUTSIDER, PASSWORD).await;
    assert_eq!(other.url().path(), "/", "another user signs in as usual");
}

#[tokio::test]
async fn a_workstack_filters_by_stage() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let (_, page) = get(&client, app.url("/teams/PERFORMANCE_AND_PROCESS")).await;
    assert!(
        page.contains("href=\"/teams/PERFORMANCE_AND_PROCESS?stage=DATA_INPUT\"") && page.contains("Data Input (1)")
    );
    let (_, page) = get(&client, app.url("/teams/PERFORMANCE_AND_PROCESS?stage=DATA_INPUT")).await;
    assert!(page.contains("1 open case at Data Input") && page.contains(&app.reference));
    let (_, page) = get(&client, app.url("/teams/PERFORMANCE_AND_PROCESS?stage=DISPATCH")).await;
    assert!(page.contains("0 open cases at Dispatch") && !page.contains(&app.reference));
}

#[tokio::test]
async fn a_case_note_appears_in_the_timeline_and_a_blank_one_is_refused_with_an_error_summary() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let (_, page) = get(&client, case.clone()).await;
    let token = csrf(&page);
    let notes = app.url(&format!("/cases/{}/notes", app.case_id));
    let blank = client.post(&notes).form(&[("csrf", token.as_str()), ("text", "   ")]).send().await.expect("an answer");
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.text().await.expect("html").contains("href=\"#note-text\""));

    let added = client
        .post(&notes)
        .form(&[("csrf", token.as_str()), ("text", "Phoned the MP's office: <b>reply by letter</b>")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(added.status(), StatusCode::OK);
    let page = added.text().await.expect("html");
    let timeline = page.split("id=\"timeline\"").nth(1).expect("a timeline");
    assert!(timeline.contains("Case note") && timeline.contains("&#60;b&#62;reply by letter"));
    assert!(!page.contains("<b>reply by letter"), "the note is shown as text, never as markup");
}

#[tokio::test]
async fn a_caseworker_can_give_back_a_case_allocated_to_them() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let (_, page) = get(&client, case.clone()).await;
    let token = csrf(&page);
    assert!(!page.contains("/unallocate\""), "nothing to give back yet");
    let allocate = app.url(&format!("/cases/{}/allocate-to-me", app.case_id));
    let page = client.post(&allocate).form(&[("csrf", token.as_str())]).send().await.expect("an answer");
    let page = page.text().await.expect("html");
    assert!(page.contains("/unallocate\"") && !page.contains(">Unallocated<"));
    let unallocate = app.url(&format!("/cases/{}/unallocate", app.case_id));
    let page = client.post(&unallocate).form(&[("csrf", token.as_str())]).send().await.expect("an answer");
    let page = page.text().await.expect("html");
    assert!(page.contains("Unallocated from ada.caseworker"), "the timeline says so");
}
