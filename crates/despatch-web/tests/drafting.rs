//! Drafting the reply in the web application: standard lines offered at a drafting stage and
//! administered, documents re-tagged and a primary draft chosen, the draft edited in the browser
//! and compared with the version before, and contributions requested of other teams. Each test
//! starts the app on a fresh SQLite file (tests/common) and brings its case to Initial Draft with
//! the stage forms; a second store on the same file stands in for another process (seeding
//! standard lines, a request made a week ago).

use chrono::{Duration, Utc};
use despatch_domain::command::{Actor, Command};
use despatch_domain::engine::london_date;
use despatch_domain::standard_line::StandardLine;
use despatch_domain::testkit::{self, IMMIGRATION_DRAFTER, POLICING_DRAFTER, POLICING_DRAFTING, QA_OFFICER};
use despatch_store::drafting::Change;
use despatch_store::{Casework, Store};
use despatch_web::Config;
use reqwest::StatusCode;

mod common;

use common::{ADMINISTRATOR, App, OUTSIDER, READ_USER, csrf, data_input, get, start_full, version};

const USERS: [&str; 6] = [testkit::CASEWORKER, IMMIGRATION_DRAFTER, POLICING_DRAFTER, QA_OFFICER, OUTSIDER, READ_USER];

async fn signed_in(app: &App, user: &str) -> reqwest::Client {
    common::signed_in(app, user, true).await
}

async fn post<F: serde::Serialize + ?Sized>(client: &reqwest::Client, url: String, form: &F) -> (StatusCode, String) {
    let response = client.post(url).form(form).send().await.expect("an answer");
    (response.status(), response.text().await.expect("a body"))
}

/// The app with the test case and one more case at Data Input; a second store on its file.
async fn app() -> (App, i64, Casework) {
    let (app, more) = start_full(Config::default(), &USERS, 1).await;
    let store: std::sync::Arc<dyn Store> = despatch_store::open(&app.db).await.expect("a second store on the file");
    (app, more[0], Casework::new(store, testkit::demo_world()))
}

/// Brings the test case to Initial Draft with the asylum and immigration drafting team: the
/// caseworker completes Data Input and Markup with the stage forms.
async fn to_initial_draft(app: &App) {
    let client = signed_in(app, testkit::CASEWORKER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let (_, page) = get(&client, case.clone()).await;
    let token = csrf(&page);
    let data_input = data_input(&token, &version(&page));
    let (status, page) = post(&client, format!("{case}/stage"), &data_input).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let markup = [
        ("csrf", token.as_str()),
        ("stage", "MARKUP"),
        ("version", &version(&page)),
        ("MarkupDecision", "PR"),
        ("Topic", testkit::TOPIC_ASYLUM_SUPPORT),
    ];
    let (status, page) = post(&client, format!("{case}/stage"), &markup).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Asylum and Immigration Policy Team"), "at Initial Draft with the drafting team");
}

async fn upload(client: &reqwest::Client, case: &str, name: &str, tag: &str, bytes: &[u8]) -> (StatusCode, String) {
    let token = csrf(&get(client, case.to_string()).await.1);
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .text("tag", tag.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    let response = client.post(format!("{case}/documents")).multipart(form).send().await.expect("an answer");
    (response.status(), response.text().await.expect("html"))
}

/// The SHA-256 in the download link of the named document on a case page.
fn sha_of(page: &str, name: &str) -> String {
    let link = page.split("<a class=\"govuk-link\" href=\"").find(|h| h.contains(&format!(">{name}</a>")));
    let href = link.and_then(|h| h.split('"').next()).unwrap_or_else(|| panic!("a link to {name}"));
    href.rsplit('/').next().unwrap_or_default().to_string()
}

fn section<'a>(page: &'a str, id: &str) -> &'a str {
    page.split(&format!("id=\"{id}\"")).nth(1).unwrap_or_else(|| panic!("a section {id}"))
}

#[tokio::test]
async fn a_drafter_is_offered_the_unexpired_standard_lines_of_the_case_topics_at_a_drafting_stage_only() {
    let (app, _, casework) = app().await;
    let today = london_date(Utc::now());
    let line = |topic: &str, title: &str, expires| StandardLine {
        topic: topic.into(),
        title: title.into(),
        text: format!("{title}: the agreed wording."),
        expires,
    };
    let change = Change { by: "admin", at: "2026-12-06T09:00:00Z" };
    for line in [
        line(testkit::TOPIC_ASYLUM_SUPPORT, "Support rates", today),
        line(testkit::TOPIC_ASYLUM_SUPPORT, "Old rates", today - Duration::days(1)),
        line(testkit::TOPIC_POLICE_FUNDING, "Settlement", today + Duration::days(30)),
    ] {
        casework.store().add_standard_line(&line, change.clone()).await.expect("stored").expect("added");
    }
    let client = signed_in(&app, IMMIGRATION_DRAFTER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let (_, page) = get(&client, case.clone()).await;
    assert!(!page.contains("Support rates"), "no lines at Data Input");

    to_initial_draft(&app).await;
    let (status, page) = get(&client, case).await;
    assert_eq!(status, StatusCode::OK);
    let drafting = section(&page, "drafting");
    assert!(drafting.contains("Standard lines for this case"), "{drafting}");
    assert!(drafting.contains("Support rates: the agreed wording."), "a line that expires today is still offered");
    assert!(!drafting.contains("Old rates"), "an expired line is not offered");
    assert!(!drafting.contains("Settlement"), "a line of another topic is not offered");
}

#[tokio::test]
async fn an_administrator_adds_edits_and_retires_a_standard_line_and_a_bad_date_writes_nothing() {
    let (app, _, casework) = app().await;
    let admin = signed_in(&app, ADMINISTRATOR).await;
    let list = app.url("/admin/standard-lines");
    let token = csrf(&get(&admin, list.clone()).await.1);
    let year = (london_date(Utc::now()) + Duration::days(400)).format("%Y").to_string();
    let form = |title: &str, day: &str| {
        vec![
            ("csrf", token.clone()),
            ("topic", testkit::TOPIC_ASYLUM_SUPPORT.to_string()),
            ("title", title.to_string()),
            ("text", "Support is paid weekly.".to_string()),
            ("expires-day", day.to_string()),
            ("expires-month", "2".to_string()),
            ("expires-year", year.clone()),
        ]
    };
    let bad = admin.post(list.clone()).form(&form("Rates", "30")).send().await.expect("an answer");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await.expect("html");
    assert!(page.contains("There is a problem") && page.contains("href=\"#expires-day\""), "{page}");
    assert!(page.contains("Enter a real expiry date"));
    assert!(casework.store().standard_lines().await.expect("read").is_empty(), "nothing was written");

    let added = admin.post(list.clone()).form(&form("Rates", "27")).send().await.expect("an answer");
    let page = added.text().await.expect("html");
    assert!(page.contains(">Rates</a>") && page.contains("Current"), "{page}");
    let twin = admin.post(list.clone()).form(&form("Rates", "27")).send().await.expect("an answer");
    assert_eq!(twin.status(), StatusCode::UNPROCESSABLE_ENTITY, "a topic and title name one current line");

    let id = casework.store().standard_lines().await.expect("read")[0].id;
    let one = app.url(&format!("/admin/standard-lines/{id}"));
    let (status, page) = get(&admin, one.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Support is paid weekly.") && page.contains("Added by admin"));
    let changed = admin.post(one.clone()).form(&form("Weekly rates", "27")).send().await.expect("an answer");
    assert!(changed.text().await.expect("html").contains(">Weekly rates</a>"));
    let (_, page) = post(&admin, format!("{one}/retire"), &[("csrf", token.as_str())]).await;
    assert!(page.contains("Retired"), "{page}");
    assert!(casework.store().current_standard_lines().await.expect("read").is_empty());

    let drafter = signed_in(&app, IMMIGRATION_DRAFTER).await;
    let (status, _) = get(&drafter, list).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only administrators manage standard lines");
}

#[tokio::test]
async fn a_draft_is_made_primary_and_a_document_retagged_from_the_documents_table() {
    let (app, _, _) = app().await;
    to_initial_draft(&app).await;
    let client = signed_in(&app, IMMIGRATION_DRAFTER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    upload(&client, &case, "first.txt", "DRAFT", b"Dear Jo, first.").await;
    let (_, page) = upload(&client, &case, "second.txt", "DRAFT", b"Dear Jo, second.").await;
    assert!(section(&page, "drafting").contains("Primary draft: <strong>second.txt</strong>"), "the newest at first");
    let (first, second) = (sha_of(&page, "first.txt"), sha_of(&page, "second.txt"));
    let token = csrf(&page);

    let (status, page) = post(&client, format!("{case}/documents/{first}/primary"), &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(section(&page, "drafting").contains("Primary draft: <strong>first.txt</strong>"));
    assert!(section(&page, "timeline").contains("first.txt chosen as the primary draft"));

    let retag = format!("{case}/documents/{second}/tag");
    let (status, page) = post(&client, retag.clone(), &[("csrf", token.as_str()), ("tag", "BACKGROUND NOTE")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(section(&page, "timeline").contains("second.txt re-tagged") && page.contains("DRAFT → BACKGROUND NOTE"));
    let (status, page) = post(&client, retag.clone(), &[("csrf", token.as_str()), ("tag", "SECRET")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("There is a problem") && page.contains("Choose a document tag"));
    let timeline = section(&page, "timeline");
    assert_eq!(timeline.matches("re-tagged").count(), 1, "the refused change wrote nothing");

    let reader = signed_in(&app, READ_USER).await;
    let token = csrf(&get(&reader, case.clone()).await.1);
    let (status, _) = post(&reader, retag, &[("csrf", token.as_str()), ("tag", "DRAFT")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a READ level changes nothing");
}

#[tokio::test]
async fn the_drafter_edits_the_draft_in_the_browser_and_qa_sees_what_changed() {
    let (app, at_data_input, _) = app().await;
    to_initial_draft(&app).await;
    let client = signed_in(&app, IMMIGRATION_DRAFTER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let (_, page) = upload(&client, &case, "reply.txt", "DRAFT", b"Dear Jo,\n\nFunding rose by 5%.\n").await;
    assert!(section(&page, "drafting").contains("Edit the draft in the browser"));
    assert!(!page.contains("Compare versions of the draft"), "one version: nothing to compare");

    let (status, page) = get(&client, format!("{case}/draft")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Funding rose by 5%.") && page.contains("You are editing reply.txt"));
    let token = csrf(&page);
    let based_on = page.split("name=\"based_on\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("based_on");
    let version = page.split("name=\"version\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("version");
    let save = |text: &'static str, version: &str| {
        vec![
            ("csrf", token.clone()),
            ("based_on", based_on.to_string()),
            ("version", version.to_string()),
            ("text", text.to_string()),
        ]
    };
    for (text, expected) in [
        ("Dear Jo,\r\n\r\nFunding rose by 5%.  ", "You have not changed the draft"),
        ("   ", "Enter the text of the draft"),
    ] {
        let refused = client.post(format!("{case}/draft")).form(&save(text, version)).send().await.expect("an answer");
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = refused.text().await.expect("html");
        assert!(page.contains(expected) && page.contains("href=\"#draft-text\""), "{page}");
    }
    let stale =
        client.post(format!("{case}/draft")).form(&save("Dear Jo,\n\nNew.", "1")).send().await.expect("an answer");
    assert_eq!(stale.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.text().await.expect("html").contains("Someone else changed this case"));

    let edited = "Dear Jo,\n\nFunding rose by 7% this year.";
    let saved = client.post(format!("{case}/draft")).form(&save(edited, version)).send().await.expect("an answer");
    assert_eq!(saved.status(), StatusCode::OK);
    assert!(saved.url().path().ends_with("/drafts/compare"), "{}", saved.url());
    let page = saved.text().await.expect("html");
    assert!(page.contains("<del><span class=\"govuk-visually-hidden\">[removed: </span>5%."), "{page}");
    assert!(page.contains("[added: </span>7%"), "{page}");

    let (_, page) = get(&client, case.clone()).await;
    assert!(page.contains("reply v2.docx") && section(&page, "timeline").contains("Draft edited in the browser"));
    let sha = sha_of(&page, "reply v2.docx");
    let bytes =
        client.get(format!("{case}/documents/{sha}")).send().await.expect("a download").bytes().await.expect("bytes");
    let text =
        despatch_intake::document_text("reply v2.docx", &bytes, &despatch_intake::Options::default()).expect("a .docx");
    assert!(text.contains("Funding rose by 7% this year."), "{text}");

    let qa = signed_in(&app, QA_OFFICER).await;
    let (status, page) = get(&qa, format!("{case}/drafts/compare")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Changes from version 1, reply.txt to version 2, reply v2.docx")
            && page.contains("[added: </span>7%")
    );

    let other = app.url(&format!("/cases/{at_data_input}"));
    let (status, page) = get(&signed_in(&app, testkit::CASEWORKER).await, format!("{other}/draft")).await;
    assert_eq!(status, StatusCode::CONFLICT, "not at a drafting stage");
    assert!(page.contains("only while the reply is being drafted"));
}

#[tokio::test]
async fn contributions_are_requested_shown_on_the_team_workstack_marked_overdue_and_completed() {
    let (app, at_data_input, casework) = app().await;
    to_initial_draft(&app).await;
    let client = signed_in(&app, IMMIGRATION_DRAFTER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let token = csrf(&get(&client, case.clone()).await.1);
    let next_year = (london_date(Utc::now()) + Duration::days(366)).format("%Y").to_string();
    let request = |day: &str, year: &str| {
        vec![
            ("csrf", token.clone()),
            ("team", POLICING_DRAFTING.to_string()),
            ("asked", "The figures for this year".to_string()),
            ("due-day", day.to_string()),
            ("due-month", "2".to_string()),
            ("due-year", year.to_string()),
        ]
    };
    let contributions = format!("{case}/contributions");
    for (day, year, expected) in [
        ("31", next_year.as_str(), "Enter a real due date"),
        ("1", "2020", "The due date must be today or in the future"),
    ] {
        let refused = client.post(&contributions).form(&request(day, year)).send().await.expect("an answer");
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = refused.text().await.expect("html");
        assert!(page.contains("There is a problem") && page.contains(expected), "{page}");
        assert!(page.contains("id=\"due-error\""), "the error is also beside the due date");
        assert!(page.contains("No contributions have been requested"), "nothing was written");
        assert!(page.contains("The figures for this year"), "the answers are kept");
    }
    let made = client.post(&contributions).form(&request("14", &next_year)).send().await.expect("an answer");
    assert_eq!(made.status(), StatusCode::OK);
    let page = made.text().await.expect("html");
    assert!(section(&page, "contributions").contains("Policing Policy Team") && !page.contains("Overdue: due"));

    // A request made earlier with a due date now past shows as overdue, in words.
    let week_ago = Utc::now() - Duration::days(7);
    let due = london_date(week_ago) + Duration::days(2);
    let earlier = Command::RequestContribution { team: POLICING_DRAFTING.into(), due, asked: "Background".into() };
    casework
        .execute(app.case_id, None, &earlier, &Actor::user(IMMIGRATION_DRAFTER), week_ago)
        .await
        .expect("requested");
    let (_, page) = get(&client, case.clone()).await;
    assert!(section(&page, "contributions").contains("<strong class=\"govuk-tag govuk-tag--red\">Overdue: due"));

    let policing = signed_in(&app, POLICING_DRAFTER).await;
    let (status, page) = get(&policing, app.url(&format!("/teams/{POLICING_DRAFTING}"))).await;
    assert_eq!(status, StatusCode::OK);
    let requested = section(&page, "contributions");
    assert!(requested.contains("Contributions requested") || page.contains("Contributions requested"));
    assert!(requested.contains(&app.reference) && requested.contains("The figures for this year"), "{requested}");
    assert!(requested.contains("Overdue: due"), "the overdue one is marked on the workstack too");

    let token = csrf(&get(&policing, case.clone()).await.1);
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .text("note", "Figures attached")
        .part("file", reqwest::multipart::Part::bytes(b"Officers: 1,000 more.".to_vec()).file_name("figures.txt"));
    let done =
        policing.post(format!("{case}/contributions/1/complete")).multipart(form).send().await.expect("an answer");
    assert_eq!(done.status(), StatusCode::OK);
    let page = done.text().await.expect("html");
    let listed = section(&page, "contributions");
    assert!(listed.contains("Completed") && listed.contains("figures.txt") && listed.contains("Figures attached"));
    let (_, page) = get(&policing, app.url(&format!("/teams/{POLICING_DRAFTING}"))).await;
    assert!(!section(&page, "contributions").contains("The figures for this year"), "no longer requested");

    let caseworker = signed_in(&app, testkit::CASEWORKER).await;
    let other = app.url(&format!("/cases/{at_data_input}"));
    let token = csrf(&get(&caseworker, other.clone()).await.1);
    let request = vec![
        ("csrf", token),
        ("team", POLICING_DRAFTING.to_string()),
        ("asked", "Figures".to_string()),
        ("due-day", "14".to_string()),
        ("due-month", "2".to_string()),
        ("due-year", next_year),
    ];
    let refused = caseworker.post(format!("{other}/contributions")).form(&request).send().await.expect("an answer");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("html");
    assert!(page.contains("not a drafting stage") && page.contains("No contributions have been requested"), "{page}");
}
