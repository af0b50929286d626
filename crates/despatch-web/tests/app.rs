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

use common::{
    App, OUTSIDER, OWNER_USER, PASSWORD, READ_USER, csrf, data_input, start, start_full, start_with, version,
};

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

    let data_input = data_input(&token, &version);
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
async fn a_workstack_filters_by_stage_and_sorts_by_a_column_link() {
    let (app, more) = start_full(Config::default(), &[testkit::CASEWORKER], 1).await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let (_, page) = get(&client, app.url("/teams/PERFORMANCE_AND_PROCESS")).await;
    assert!(page.contains("<option value=\"DATA_INPUT\">Data Input</option>") && page.contains("2 open cases"));
    assert!(
        page.contains("aria-sort=\"ascending\"")
            && page.contains("href=\"/teams/PERFORMANCE_AND_PROCESS?sort=reference\"")
    );
    let (_, page) = get(&client, app.url("/teams/PERFORMANCE_AND_PROCESS?stage=DATA_INPUT")).await;
    assert!(page.contains("2 open cases match the filters") && page.contains(&app.reference));
    let (_, page) = get(&client, app.url("/teams/PERFORMANCE_AND_PROCESS?stage=DISPATCH")).await;
    assert!(page.contains("0 open cases match the filters") && !page.contains(&app.reference));

    let (_, page) = get(&client, app.url("/teams/PERFORMANCE_AND_PROCESS?sort=reference&dir=desc")).await;
    let first = page.find(&format!("href=\"/cases/{}\"", more[0])).expect("the newer case");
    let second = page.find(&format!("href=\"/cases/{}\"", app.case_id)).expect("the test case");
    assert!(first < second, "newest reference first when sorted descending");
    assert!(page.contains("aria-sort=\"descending\""));
    let (_, page) = get(&client, app.url(&format!("/teams/PERFORMANCE_AND_PROCESS?ref={}", app.reference))).await;
    assert!(page.contains("1 open case match") && !page.contains(&format!("href=\"/cases/{}\"", more[0])));
}

/// Posts a bulk action from a team workstack with the selected case ids.
async fn bulk(
    app: &App,
    client: &reqwest::Client,
    team: &str,
    fields: &[(&str, &str)],
    cases: &[i64],
) -> (StatusCode, String) {
    let (_, page) = get(client, app.url(&format!("/teams/{team}"))).await;
    let token = csrf(&page);
    let mut form: Vec<(String, String)> = vec![("csrf".into(), token)];
    form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    form.extend(cases.iter().map(|id| ("case".to_string(), id.to_string())));
    let response = client.post(app.url(&format!("/teams/{team}/bulk"))).form(&form).send().await.expect("an answer");
    (response.status(), response.text().await.expect("html"))
}

#[tokio::test]
async fn bulk_actions_apply_to_each_selected_case_and_report_each_refused_one_with_its_reason() {
    let users = [testkit::CASEWORKER, testkit::DESPATCH_OFFICER, OUTSIDER, OWNER_USER];
    let (app, more) = start_full(Config::default(), &users, 2).await;
    let (a, b, c) = (app.case_id, more[0], more[1]);
    let team = "PERFORMANCE_AND_PROCESS";
    let client = signed_in(&app, testkit::CASEWORKER).await;

    let (status, page) = bulk(&app, &client, team, &[("action", "allocate-to-me")], &[a, b]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Allocated to you: ") && page.contains(&app.reference) && !page.contains("There is a problem")
    );

    // c is allocated to nobody: the engine refuses to unallocate it, and a is still unallocated.
    let (status, page) = bulk(&app, &client, team, &[("action", "unallocate")], &[a, c]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Unallocated: ") && page.contains("There is a problem"));
    assert!(page.contains("allocated to nobody"), "the engine's reason for the refused row: {page}");
    let (_, mine) = get(&client, app.url("/mine")).await;
    assert!(mine.contains("1 open case") && mine.contains(&format!("href=\"/cases/{b}\"")));
    assert!(!mine.contains(&format!("href=\"/cases/{a}\"")));

    // Allocating to others and moving to another team need OWNER; WRITE gets each row refused.
    let to_colleague = [("action", "allocate-to-user"), ("user", testkit::DESPATCH_OFFICER)];
    let (status, page) = bulk(&app, &client, team, &to_colleague, &[a]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("your access level for this case type does not allow this"), "{page}");
    let client = signed_in(&app, OWNER_USER).await;
    let (status, page) = bulk(&app, &client, team, &to_colleague, &[a]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Allocated to the team member"));
    let outside = [("action", "allocate-to-user"), ("user", OUTSIDER)];
    let (status, page) = bulk(&app, &client, team, &outside, &[b]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing applied");
    assert!(page.contains("not a member"), "{page}");
    let (_, despatch) = get(&signed_in(&app, testkit::DESPATCH_OFFICER).await, app.url("/mine")).await;
    assert!(despatch.contains(&format!("href=\"/cases/{a}\"")), "a is now the despatch officer's");

    let no_reason = [("action", "move-to-team"), ("team", "TRANSFERS_AND_NO10"), ("reason", "")];
    let (status, page) = bulk(&app, &client, team, &no_reason, &[b, c]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Enter a reason") && page.contains("href=\"#reason\""));
    let moved = [("action", "move-to-team"), ("team", "TRANSFERS_AND_NO10"), ("reason", "A transfer")];
    let (status, page) = bulk(&app, &client, team, &moved, &[b, c]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Moved to the other team") && page.contains("1 open case"), "only a is left: {page}");

    let (status, _) = bulk(&app, &client, team, &[("action", "allocate-to-me")], &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no case selected");
    let outsider = signed_in(&app, OUTSIDER).await;
    let (_, page) = get(&outsider, app.url("/")).await;
    let token = csrf(&page);
    let form = [("csrf", token.as_str()), ("action", "allocate-to-me"), ("case", &a.to_string())];
    let response = outsider.post(app.url(&format!("/teams/{team}/bulk"))).form(&form).send().await.expect("an answer");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, page) = {
        let form = [("csrf", token.as_str()), ("action", "unallocate"), ("case", &a.to_string())];
        let response = outsider.post(app.url("/mine/bulk")).form(&form).send().await.expect("an answer");
        (response.status(), response.text().await.expect("html"))
    };
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not found in your teams") && !page.contains(&app.reference), "nothing of the case leaks");
}

#[tokio::test]
async fn take_next_case_allocates_the_oldest_unallocated_case_and_says_when_none_is_left() {
    let (app, more) = start_full(Config::default(), &[testkit::CASEWORKER], 1).await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let take = async |client: &reqwest::Client| {
        let (_, page) = get(client, app.url("/teams/PERFORMANCE_AND_PROCESS")).await;
        let token = csrf(&page);
        let response = client
            .post(app.url("/teams/PERFORMANCE_AND_PROCESS/take-next"))
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .expect("an answer");
        (response.url().path().to_string(), response.text().await.expect("html"))
    };
    // Both are due the same day; the older case (lower id) comes first.
    assert_eq!(take(&client).await.0, format!("/cases/{}", app.case_id));
    assert_eq!(take(&client).await.0, format!("/cases/{}", more[0]));
    let (path, page) = take(&client).await;
    assert_eq!(path, "/teams/PERFORMANCE_AND_PROCESS/take-next");
    assert!(page.contains("There is no unallocated case to take in this team"));
}

/// The shared letters folder: `shared/data/letters` in the nearest folder above the crate that
/// has one (a checkout sits beside `shared/`, or deeper for a worktree).
fn letters() -> std::path::PathBuf {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .ancestors()
        .map(|dir| dir.join("shared/data/letters"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| crate_dir.join("../../../shared/data/letters"))
}

#[tokio::test]
async fn a_case_is_created_from_typed_in_details_with_an_mp_from_the_register_and_a_topic() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let (status, page) = get(&client, app.url("/cases/new")).await;
    assert_eq!(status, StatusCode::OK);
    // Kirsty Blackman, Aberdeen North, is in shared/data/mps.csv with member id 4357.
    assert!(page.contains("<option value=\"4357\">Kirsty Blackman (Aberdeen North, Scottish National Party)</option>"));
    let token = csrf(&page);
    let today = london_date(Utc::now());
    let (day, month, year) =
        (today.format("%d").to_string(), today.format("%m").to_string(), today.format("%Y").to_string());
    let mut form = vec![
        ("csrf", token.as_str()),
        ("case_type", "MIN"),
        ("received-day", day.as_str()),
        ("received-month", month.as_str()),
        ("received-year", year.as_str()),
        ("channel", "EMAIL"),
        ("mp", "4357"),
        ("topic", testkit::TOPIC_ASYLUM_SUPPORT),
    ];
    let created = client.post(app.url("/cases/new")).form(&form).send().await.expect("an answer");
    assert!(created.url().path().starts_with("/cases/"), "opened the new case: {}", created.url());
    let page = created.text().await.expect("html");
    assert!(page.contains("Kirsty Blackman MP") && page.contains("Asylum support"), "correspondent and topic");
    assert!(page.contains("value=\"EMAIL\" checked"), "the channel waits at Data Input, filled in");

    form[1] = ("case_type", "NOPE");
    let refused = client.post(app.url("/cases/new")).form(&form).send().await.expect("an answer");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("html");
    assert!(page.contains("There is a problem") && page.contains("NOPE"), "the engine's reason is shown");
    form[1] = ("case_type", "MIN");
    form[2] = ("received-day", "31");
    form[3] = ("received-month", "2");
    let refused = client.post(app.url("/cases/new")).form(&form).send().await.expect("an answer");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.expect("html").contains("href=\"#received-day\""));
}

#[tokio::test]
async fn a_user_with_only_read_access_is_not_offered_the_case_type_and_cannot_create_one() {
    let app = start().await;
    let client = signed_in(&app, READ_USER).await;
    let (_, page) = get(&client, app.url("/cases/new")).await;
    assert!(!page.contains("<option value=\"MIN\""), "MIN is not offered to a reader");
    let today = london_date(Utc::now());
    let (day, month, year) =
        (today.format("%d").to_string(), today.format("%m").to_string(), today.format("%Y").to_string());
    let token = csrf(&page);
    let form = [
        ("csrf", token.as_str()),
        ("case_type", "MIN"),
        ("received-day", day.as_str()),
        ("received-month", month.as_str()),
        ("received-year", year.as_str()),
        ("name", "Jo Public"),
    ];
    let refused = client.post(app.url("/cases/new")).form(&form).send().await.expect("an answer");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let page = refused.text().await.expect("html");
    assert!(page.contains("There is a problem") && page.contains("write access"), "the reason is shown: {page}");
    let store = despatch_store::open(&app.db).await.expect("the test database");
    let search = despatch_store::SearchQuery { text: Some("Jo Public".to_string()), ..Default::default() };
    assert_eq!(store.search(&search).await.expect("a search").total, 0, "no case was opened");
}

async fn upload(app: &App, client: &reqwest::Client, files: &[&str]) -> reqwest::Response {
    let (_, page) = get(client, app.url("/cases/new")).await;
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf(&page)).text("upload_case_type", "MIN");
    for name in files {
        let bytes = std::fs::read(letters().join(name)).expect("a shared letter");
        form = form.part("letters", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    }
    client.post(app.url("/cases/upload")).multipart(form).send().await.expect("an answer")
}

#[tokio::test]
async fn uploaded_letters_become_cases_at_data_input_with_their_extracted_fields_to_confirm() {
    if !letters().is_dir() {
        eprintln!("SKIPPED: {} is missing", letters().display());
        return;
    }
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    // A committee chairman's letter of 28 September 2005.
    let one = upload(&app, &client, &["005.txt"]).await;
    assert!(one.url().path().starts_with("/cases/"), "one letter opens its case: {}", one.url());
    let page = one.text().await.expect("html");
    assert!(page.contains("James Arbuthnot"), "the correspondent read from the letter");
    assert!(page.contains("name=\"DateOfCorrespondence-year\" type=\"text\" inputmode=\"numeric\" value=\"2005\""));
    assert!(page.contains("005.txt"), "the original is attached");

    let several = upload(&app, &client, &["003.txt", "005.txt"]).await;
    assert_eq!(several.status(), StatusCode::OK);
    let page = several.text().await.expect("html");
    assert!(page.contains("Letters registered") && page.contains("Registered at Data Input"), "{page}");
    assert!(page.contains("Already on"), "the same file twice registers nothing new");

    let token = csrf(&get(&client, app.url("/cases/new")).await.1);
    let form = reqwest::multipart::Form::new().text("csrf", "not the token").text("x", token);
    let forged = client.post(app.url("/cases/upload")).multipart(form).send().await.expect("an answer");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "an upload without the session's token is refused");
}

/// A campaign letter: the same body from a different person at a different address.
fn campaign_letter(name: &str, street: &str, postcode: &str) -> String {
    format!(
        "{street}\nLeeds\n{postcode}\n\n3 March 2026\n\nHome Office\n2 Marsham Street\nLondon SW1P 4DF\n\n\
         Dear Home Secretary,\n\nI am writing as one of many residents deeply concerned about the planned closure \
         of the custody suite at our local police station. Officers already travel long distances with people \
         they have arrested, and every hour spent on the road is an hour not spent on patrol in our streets. \
         The consultation last autumn did not explain how response times would be protected, and the figures \
         published since then suggest they will get worse. I urge you to pause the closure until an independent \
         review of the effect on response times has been published and discussed with the community.\n\n\
         Yours sincerely,\n\n{name}\n"
    )
}

async fn upload_texts(app: &App, client: &reqwest::Client, files: &[(&str, String)]) -> reqwest::Response {
    let (_, page) = get(client, app.url("/cases/new")).await;
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf(&page)).text("upload_case_type", "MIN");
    for (name, text) in files {
        let part = reqwest::multipart::Part::bytes(text.clone().into_bytes()).file_name(name.to_string());
        form = form.part("letters", part);
    }
    client.post(app.url("/cases/upload")).multipart(form).send().await.expect("an answer")
}

#[tokio::test]
async fn uploaded_letters_report_a_campaign_joined_and_a_resend_attached_to_its_first_case() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let first = campaign_letter("Margaret Ellison", "14 Mill Lane", "LS13 4QT");
    let opened = upload_texts(&app, &client, &[("ellison.txt", first.clone())]).await;
    assert!(opened.url().path().starts_with("/cases/"), "a first letter opens its case: {}", opened.url());
    let first_case = opened.url().path().to_string();

    let second = campaign_letter("David Okafor", "7 Station Road", "LS6 2QB");
    // The first letter again with other line endings: other bytes, the same letter.
    let resend = first.replace('\n', "\r\n");
    let listed = upload_texts(&app, &client, &[("okafor.txt", second), ("ellison-again.txt", resend)]).await;
    assert_eq!(listed.status(), StatusCode::OK);
    let page = listed.text().await.expect("html");
    assert!(page.contains("part of campaign"), "the second letter joins the first's campaign: {page}");
    assert!(page.contains("attached to its case as a resend"), "{page}");
    assert!(page.contains(&format!("href=\"{first_case}\"")), "the resend links to the first case: {page}");
    assert_eq!(page.matches("Not registered").count(), 0, "{page}");
}

/// The case page's identity bar (reference, primary correspondent, stage, deadline).
fn identity(page: &str) -> &str {
    let start = page.find("class=\"app-identity-bar\"").expect("an identity bar");
    let end = page[start..].find("</dl>").map_or(page.len(), |end| start + end);
    &page[start..end]
}

#[tokio::test]
async fn a_correspondent_is_added_from_the_mp_register_made_primary_and_edited() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let token = csrf(&get(&client, case.clone()).await.1);
    let added = client
        .post(format!("{case}/correspondents"))
        .form(&[("csrf", token.as_str()), ("mp", "4357")])
        .send()
        .await
        .expect("an answer");
    let page = added.text().await.expect("html");
    assert!(page.contains("Kirsty Blackman MP") && page.contains("House of Commons"), "the MP from the register");
    assert!(identity(&page).contains("Jo Example MP"), "the first correspondent is still primary");

    let primary = client
        .post(format!("{case}/correspondents/2/primary"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("an answer");
    let page = primary.text().await.expect("html");
    assert!(identity(&page).contains("Kirsty Blackman MP"), "the MP is now primary");

    let edited = client
        .post(format!("{case}/correspondents/1"))
        .form(&[("csrf", token.as_str()), ("name", "Jo Renamed MP"), ("kind", "mp"), ("postcode", "SW1A 1AA")])
        .send()
        .await
        .expect("an answer");
    let page = edited.text().await.expect("html");
    assert!(page.contains("Jo Renamed MP") && page.contains("SW1A 1AA") && !page.contains("Jo Example MP"));

    let blank = client
        .post(format!("{case}/correspondents"))
        .form(&[("csrf", token.as_str()), ("name", " ")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.text().await.expect("html").contains("name or choose an MP"));
}

async fn upload_document(
    client: &reqwest::Client,
    case: &str,
    name: &str,
    tag: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let token = csrf(&get(client, case.to_string()).await.1);
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .text("tag", tag.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    client.post(format!("{case}/documents")).multipart(form).send().await.expect("an answer")
}

#[tokio::test]
async fn a_document_is_uploaded_with_a_tag_and_downloaded_and_a_refused_upload_leaves_the_case_unchanged() {
    let app = start().await;
    let client = signed_in(&app, testkit::CASEWORKER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let draft = b"Dear Jo, thank you for your letter about asylum support.".to_vec();
    let uploaded = upload_document(&client, &case, "draft-reply.txt", "DRAFT", draft.clone()).await;
    assert_eq!(uploaded.url().path(), format!("/cases/{}", app.case_id));
    let page = uploaded.text().await.expect("html");
    assert!(page.contains("draft-reply.txt") && page.contains(">DRAFT<"), "listed with its tag");
    let href = page.split("href=\"").find(|h| h.contains("/documents/")).and_then(|h| h.split('"').next());
    let download = client.get(app.url(href.expect("a download link"))).send().await.expect("an answer");
    let disposition = download.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(disposition.contains("attachment") && disposition.contains("draft-reply.txt"), "{disposition}");
    assert_eq!(download.bytes().await.expect("bytes").to_vec(), draft);

    let program = upload_document(&client, &case, "setup.exe", "DRAFT", b"MZ\x90\x00 a program".to_vec()).await;
    assert_eq!(program.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = program.text().await.expect("html");
    assert!(page.contains("There is a problem") && page.contains("The file was not uploaded"), "{page}");
    assert!(!page.contains("setup.exe"), "the case is unchanged");
    let untagged = upload_document(&client, &case, "note.txt", "NOPE", b"Some text".to_vec()).await;
    assert_eq!(untagged.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = untagged.text().await.expect("html");
    assert!(page.contains("Choose a document tag") && !page.contains("note.txt"));

    let outsider = signed_in(&app, OUTSIDER).await;
    let response = outsider.get(app.url(href.expect("a download link"))).send().await.expect("an answer");
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "another team cannot download it");
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
