//! In headless Chromium (Debian's chromium and chromium-driver): sign in through the form, see
//! GOV.UK Frontend's JavaScript start from its static module under the strict CSP, and complete
//! Data Input by typing into the generated form. Skipped, with a message, when chromedriver is
//! not installed.

mod common;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use despatch_domain::engine::london_date;
use despatch_domain::testkit;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use common::{ADMINISTRATOR, OUTSIDER, PASSWORD, start, start_full};
use despatch_web::Config;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> Option<Driver> {
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        eprintln!(
            "skipped: the browser test needs {CHROMEDRIVER} and {CHROMIUM} (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not listen within 20 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Driver { child, url: format!("http://127.0.0.1:{port}") })
}

async fn browser(driver: &Driver) -> Client {
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
    ];
    let capabilities = json!({"goog:chromeOptions": {"binary": CHROMIUM, "args": args}});
    let capabilities = capabilities.as_object().cloned().unwrap_or_default();
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// The text of the first element matching `css`, retried while a navigation replaces the page.
async fn text(client: &Client, css: &str) -> String {
    let started = Instant::now();
    loop {
        let found = match client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await,
            Err(error) => Err(error),
        };
        match found {
            Ok(text) => return text,
            Err(error) if started.elapsed() > Duration::from_secs(10) => panic!("{css}: {error}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Waits until the page's path is `path`.
async fn wait_for_path(client: &Client, path: &str) {
    let started = Instant::now();
    while client.current_url().await.expect("a url").path() != path {
        assert!(started.elapsed() < Duration::from_secs(10), "the browser never reached {path}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn type_into(client: &Client, id: &str, value: &str) {
    client.find(Locator::Id(id)).await.expect(id).send_keys(value).await.expect("typed");
}

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.expect(css).click().await.expect("clicked");
}

#[tokio::test]
async fn in_chromium_a_caseworker_signs_in_and_completes_data_input_through_the_generated_form() {
    let Some(driver) = chromedriver() else { return };
    let app = start().await;
    let client = browser(&driver).await;

    client.goto(&app.url(&format!("/cases/{}", app.case_id))).await.expect("opened");
    assert_eq!(client.current_url().await.expect("a url").path(), "/sign-in");
    type_into(&client, "username", testkit::CASEWORKER).await;
    type_into(&client, "password", PASSWORD).await;
    click(&client, "form button[type=submit]").await;
    wait_for_path(&client, "/").await;
    assert_eq!(text(&client, "h1").await, "Dashboard");
    let body = client.execute("return document.body.className", vec![]).await.expect("script ran");
    let body = body.as_str().unwrap_or_default().to_string();
    assert!(body.contains("govuk-frontend-supported"), "the body-class script ran under the CSP: {body}");
    let started = client
        .execute(
            "return document.querySelector('[data-module=govuk-service-navigation]').hasAttribute('data-govuk-service-navigation-init')",
            vec![],
        )
        .await
        .expect("script ran");
    assert_eq!(started, json!(true), "GOV.UK Frontend started from /assets/init.mjs");

    client.goto(&app.url(&format!("/cases/{}", app.case_id))).await.expect("opened");
    assert_eq!(text(&client, "h1").await, app.reference);
    let written = london_date(Utc::now()).pred_opt().expect("yesterday");
    type_into(&client, "DateOfCorrespondence-day", &written.format("%d").to_string()).await;
    type_into(&client, "DateOfCorrespondence-month", &written.format("%m").to_string()).await;
    type_into(&client, "DateOfCorrespondence-year", &written.format("%Y").to_string()).await;
    // Choices: EMAIL is the first radio, POST the second; for yes/no, No is the second.
    for id in ["OriginalChannel-2", "CopyNumberTen-2", "HomeSecInterest-2", "HomeSecReply-2"] {
        click(&client, &format!("label[for='{id}']")).await;
    }
    click(&client, "#stage-form button[type=submit]").await;
    // The form posts, and the answer redirects to the case page with a success banner.
    let started = Instant::now();
    while !client.current_url().await.expect("a url").query().unwrap_or_default().contains("completed=DATA_INPUT") {
        let page = client.source().await.unwrap_or_default();
        assert!(started.elapsed() < Duration::from_secs(10), "no redirect after the form was sent: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let banner = text(&client, ".govuk-notification-banner__heading").await;
    assert_eq!(banner, "Data Input completed");
    assert_eq!(text(&client, "#stage-form h2").await, "Markup");

    client.close().await.expect("closed");
}

/// axe-core's browser build, from the npm package pinned in frontend/package.json (installed by
/// frontend/build.sh, which the crate's build runs). Not served by the app: injected by WebDriver.
fn axe_source() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run bash frontend/build.sh, which installs axe-core)", path.display()))
}

/// The WCAG 2.0, 2.1 and 2.2 A and AA rules axe-core finds broken on the current page, one line
/// per rule with the elements at fault.
async fn accessibility_violations(client: &Client, axe: &str) -> Vec<String> {
    client.execute(&format!("{axe}\n;return true;"), vec![]).await.expect("axe-core loaded");
    let script = "const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
          .then(r => done(r.passes.length === 0 ? ['axe-core checked nothing'] :
            r.violations.map(v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
          .catch(e => done(['axe failed: ' + e]));";
    let found = client.execute_async(script, vec![]).await.expect("axe-core ran");
    serde_json::from_value(found).expect("a list of violations")
}

async fn assert_accessible(client: &Client, axe: &str, page: &str) {
    let violations = accessibility_violations(client, axe).await;
    assert!(violations.is_empty(), "WCAG 2.2 A/AA violations on {page}:\n{}", violations.join("\n"));
}

/// Signs out (by forgetting the session cookie) and signs in as `user` through the form.
async fn sign_in(client: &Client, app: &common::App, user: &str) {
    client.delete_all_cookies().await.expect("signed out");
    client.goto(&app.url("/sign-in")).await.expect("opened");
    type_into(client, "username", user).await;
    type_into(client, "password", PASSWORD).await;
    click(client, "form button[type=submit]").await;
    wait_for_path(client, "/").await;
}

/// Sets a field of the stage form the way a user does: clicks a radio's or checkbox's label,
/// picks a select's option, types a date's day, month and year, or types text.
async fn fill(client: &Client, name: &str, value: &str) {
    let kind = client
        .execute(
            "const e = document.getElementsByName(arguments[0])[0];
             if (e) return e.tagName + ':' + e.type;
             return document.getElementById(arguments[0] + '-day') ? 'DATE' : 'NONE';",
            vec![json!(name)],
        )
        .await
        .expect("script ran");
    match kind.as_str().unwrap_or_default() {
        "INPUT:radio" | "INPUT:checkbox" => {
            let input = client
                .find(Locator::Css(&format!("input[name='{name}'][value='{value}']")))
                .await
                .unwrap_or_else(|e| panic!("{name}={value}: {e}"));
            let id = input.attr("id").await.expect("an id").expect("an id");
            click(client, &format!("label[for='{id}']")).await;
        }
        "SELECT:select-one" => {
            let select = client.find(Locator::Id(name)).await.expect(name);
            select.select_by_value(value).await.unwrap_or_else(|e| panic!("{name}={value}: {e}"));
        }
        "DATE" => {
            let mut parts = value.split('-');
            for part in ["year", "month", "day"] {
                type_into(client, &format!("{name}-{part}"), parts.next().expect("a YYYY-MM-DD date")).await;
            }
        }
        "NONE" => panic!("the form has no field {name}"),
        _ => {
            let input = client.find(Locator::Id(name)).await.expect(name);
            input.clear().await.expect("cleared");
            input.send_keys(value).await.expect("typed");
        }
    }
}

/// On the case page, completes the stage named `stage` with `fields` and an optional reason.
async fn complete(
    client: &Client,
    app: &common::App,
    id: i64,
    stage: &str,
    fields: &[(&str, &str)],
    note: Option<&str>,
) {
    client.goto(&app.url(&format!("/cases/{id}"))).await.expect("opened");
    assert_eq!(text(client, "#stage-form h2").await, stage, "the case is at {stage}");
    for (name, value) in fields {
        fill(client, name, value).await;
    }
    if let Some(note) = note {
        type_into(client, "note", note).await;
    }
    click(client, "#stage-form button[type=submit]").await;
    let started = Instant::now();
    while !client.current_url().await.expect("a url").query().unwrap_or_default().contains("completed=") {
        let page = client.source().await.unwrap_or_default();
        assert!(started.elapsed() < Duration::from_secs(10), "{stage} was not completed: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(text(client, ".govuk-notification-banner__heading").await, format!("{stage} completed"));
}

#[tokio::test]
async fn in_chromium_a_min_case_is_walked_to_closed_by_each_role_with_a_qa_rejection_and_no_accessibility_violations() {
    let Some(driver) = chromedriver() else { return };
    let users = [
        testkit::CASEWORKER,
        testkit::IMMIGRATION_DRAFTER,
        testkit::QA_OFFICER,
        testkit::IMMIGRATION_MINISTER_PO,
        testkit::DESPATCH_OFFICER,
    ];
    let (app, _) = start_full(Config::default(), &users, 0).await;
    let axe = axe_source();
    let client = browser(&driver).await;
    let today = london_date(Utc::now());
    let world = testkit::demo_world();
    let min = world.definitions().latest("MIN").expect("MIN");
    let calendar = world.calendar(&min.code, min.version).expect("MIN's calendar");
    // Cabinet Office target: 20 working days, day 1 the first working day after receipt.
    let deadline = calendar.add_working_days(today, 20, min.deadlines.day_one).expect("a deadline");

    sign_in(&client, &app, testkit::CASEWORKER).await;
    assert_accessible(&client, &axe, "the dashboard").await;

    // Created through the form: a MIN case from an MP picked from the register.
    client.goto(&app.url("/cases/new")).await.expect("opened");
    assert_accessible(&client, &axe, "the create-case page").await;
    client.find(Locator::Id("case_type")).await.expect("case type").select_by_value("MIN").await.expect("MIN");
    client.find(Locator::Id("mp")).await.expect("MP picker").select_by_value("4357").await.expect("an MP");
    click(&client, "form[action='/cases/new'] button[type=submit]").await;
    let started = Instant::now();
    let id: i64 = loop {
        let url = client.current_url().await.expect("a url");
        if let Some(id) = url.path().strip_prefix("/cases/").and_then(|id| id.parse().ok()) {
            break id;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no case was created: {url}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let reference = text(&client, "h1").await;
    assert!(text(&client, ".app-identity-bar").await.contains("Kirsty Blackman MP"));

    client.goto(&app.url("/teams/PERFORMANCE_AND_PROCESS")).await.expect("opened");
    assert!(text(&client, "#cases tbody").await.contains(&reference), "the new case waits in the workstack");
    assert_accessible(&client, &axe, "a team workstack").await;

    client.goto(&app.url(&format!("/cases/{id}"))).await.expect("opened");
    let identity = text(&client, ".app-identity-bar").await;
    assert!(identity.contains(&deadline.format("%-d %B %Y").to_string()), "the deadline: {identity}");
    assert!(identity.contains("(20 working days left)"), "{identity}");
    click(&client, "#stage-form button[type=submit]").await;
    assert_eq!(text(&client, ".govuk-error-summary__title").await, "There is a problem");
    assert_accessible(&client, &axe, "the case page with a form error").await;

    let written = today.pred_opt().expect("yesterday").format("%Y-%m-%d").to_string();
    let data_input = [
        ("DateOfCorrespondence", written.as_str()),
        ("OriginalChannel", "POST"),
        ("CopyNumberTen", "FALSE"),
        ("HomeSecInterest", "FALSE"),
        ("HomeSecReply", "FALSE"),
    ];
    complete(&client, &app, id, "Data Input", &data_input, None).await;
    let markup = [("MarkupDecision", "PR"), ("Topic", testkit::TOPIC_ASYLUM_SUPPORT)];
    complete(&client, &app, id, "Markup", &markup, None).await;

    let draft = [
        ("InitialDraftDecision", "ACCEPT"),
        ("ResponseChannel", "LETTER"),
        ("DraftDocuments", "draft-1"),
        ("OfflineQA", "FALSE"),
    ];
    sign_in(&client, &app, testkit::IMMIGRATION_DRAFTER).await;
    complete(&client, &app, id, "Initial Draft", &draft, None).await;
    sign_in(&client, &app, testkit::QA_OFFICER).await;
    let reason = "Answer the second question too";
    complete(&client, &app, id, "QA Response", &[("QAResponseDecision", "REJECT")], Some(reason)).await;
    assert!(text(&client, "#timeline ~ ol").await.contains(reason), "the rejection's reason is in the timeline");
    sign_in(&client, &app, testkit::IMMIGRATION_DRAFTER).await;
    complete(&client, &app, id, "Initial Draft", &draft, None).await;
    sign_in(&client, &app, testkit::QA_OFFICER).await;
    complete(&client, &app, id, "QA Response", &[("QAResponseDecision", "ACCEPT")], None).await;

    sign_in(&client, &app, testkit::IMMIGRATION_MINISTER_PO).await;
    complete(&client, &app, id, "Private Office Approval", &[("PrivateOfficeDecision", "ACCEPT")], None).await;
    complete(&client, &app, id, "Ministerial Sign Off", &[("MinisterSignOffDecision", "ACCEPT_WET")], None).await;

    sign_in(&client, &app, testkit::DESPATCH_OFFICER).await;
    client.goto(&app.url("/teams/PERFORMANCE_AND_PROCESS?stage=DISPATCH")).await.expect("opened");
    assert!(text(&client, "#cases tbody").await.contains(&reference), "the case waits for despatch");
    complete(&client, &app, id, "Dispatch", &[("DispatchDecision", "ACCEPT")], None).await;

    let identity = text(&client, ".app-identity-bar").await;
    assert!(identity.contains("Closed"), "{identity}");
    let history = text(&client, "#history tbody").await;
    assert_eq!(history.matches("Initial Draft").count(), 2, "drafted twice: {history}");
    assert_eq!(history.matches("QA Response").count(), 2, "QA twice: {history}");
    let timeline = text(&client, "#timeline ~ ol").await;
    assert!(timeline.contains(reason), "the rejection's reason stays in the timeline: {timeline}");
    assert!(timeline.contains("Case closed") || timeline.contains("closed"), "{timeline}");

    client.goto(&app.url("/search?q=Blackman")).await.expect("opened");
    assert!(text(&client, "main").await.contains(&reference), "search finds the case");
    assert_accessible(&client, &axe, "search results").await;
    client.close().await.expect("closed");
}

#[tokio::test]
async fn in_chromium_a_user_of_another_team_gets_not_found_and_sees_no_case_data() {
    let Some(driver) = chromedriver() else { return };
    let app = start().await;
    let client = browser(&driver).await;
    sign_in(&client, &app, OUTSIDER).await;
    client.goto(&app.url(&format!("/cases/{}", app.case_id))).await.expect("opened");
    let page = client.source().await.expect("the page");
    assert!(page.contains("Page not found"), "{page}");
    assert!(!page.contains(&app.reference) && !page.contains("Jo Example MP"), "no case data: {page}");
    client.goto(&app.url("/teams/PERFORMANCE_AND_PROCESS")).await.expect("opened");
    let page = client.source().await.expect("the page");
    assert!(!page.contains(&app.reference) && !page.contains("Jo Example MP"));
    client.close().await.expect("closed");
}

#[tokio::test]
async fn in_chromium_the_administration_pages_have_no_accessibility_violations_even_with_a_form_error() {
    let Some(driver) = chromedriver() else { return };
    let app = start().await;
    let axe = axe_source();
    let client = browser(&driver).await;
    sign_in(&client, &app, ADMINISTRATOR).await;
    for (path, page) in [
        ("/admin", "the administration index"),
        ("/admin/teams", "teams and units"),
        ("/admin/users", "users"),
        ("/admin/topics", "topics"),
        ("/admin/case-types/MIN", "the MIN case type with its flow diagram"),
    ] {
        client.goto(&app.url(path)).await.expect("opened");
        assert!(!text(&client, "h1").await.is_empty(), "{page} has a heading");
        assert_accessible(&client, &axe, page).await;
    }
    // Adding a user with no name: the GOV.UK error summary and message, still accessible.
    client.goto(&app.url("/admin/users")).await.expect("opened");
    click(&client, "form[action='/admin/users'] button[type=submit]").await;
    assert_eq!(text(&client, ".govuk-error-summary__title").await, "There is a problem");
    assert_accessible(&client, &axe, "the users page with a form error").await;
    client.close().await.expect("closed");
}
