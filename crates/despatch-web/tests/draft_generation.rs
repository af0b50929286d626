//! Drafting the reply from a template: at Initial Draft a drafter generates the reply from the
//! case's template as DRAFT .docx and PDF documents (page and API); administrators manage the
//! templates, and a template with a misspelt merge field is refused with an error summary.

use chrono::Utc;
use despatch_domain::engine::london_date;
use despatch_domain::testkit;
use despatch_web::Config;
use reqwest::StatusCode;

mod common;

use common::{ADMINISTRATOR, App, csrf, data_input, get, start_full, version};

async fn signed_in(app: &App, user: &str) -> reqwest::Client {
    common::signed_in(app, user, false).await
}

/// An app whose test case the caseworker has taken through Data Input and Markup (a policy
/// response on asylum support), so that it waits at Initial Draft with the immigration drafters.
async fn at_initial_draft() -> App {
    let users = [testkit::CASEWORKER, testkit::IMMIGRATION_DRAFTER];
    let (app, _) = start_full(Config::default(), &users, 0).await;
    let caseworker = signed_in(&app, testkit::CASEWORKER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let stage = app.url(&format!("/cases/{}/stage", app.case_id));
    let (_, page) = get(&caseworker, case.clone()).await;
    assert!(!page.contains("Generate draft from template"), "no draft is offered at Data Input");
    let token = csrf(&page);
    let data_input = data_input(&token, &version(&page));
    let done = caseworker.post(&stage).form(&data_input).send().await.expect("data input");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let (_, page) = get(&caseworker, case.clone()).await;
    let markup = [
        ("csrf", token.as_str()),
        ("stage", "MARKUP"),
        ("version", &version(&page)),
        ("MarkupDecision", "PR"),
        ("Topic", testkit::TOPIC_ASYLUM_SUPPORT),
    ];
    let done = caseworker.post(&stage).form(&markup).send().await.expect("markup");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    app
}

#[tokio::test]
async fn a_drafter_generates_the_reply_from_the_template_as_draft_word_and_pdf_documents() {
    let app = at_initial_draft().await;
    let drafter = signed_in(&app, testkit::IMMIGRATION_DRAFTER).await;
    let case = app.url(&format!("/cases/{}", app.case_id));
    let (status, page) = get(&drafter, case.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Initial Draft") && page.contains("Generate draft from template"),
        "offered at Initial Draft"
    );
    assert!(page.contains("Ministerial reply (default)"), "the case type's default template, no team having its own");

    let token = csrf(&page);
    let made = drafter
        .post(format!("{case}/draft/generate"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("an answer");
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let (_, page) = get(&drafter, case.clone()).await;
    let stem = format!("reply-{}", app.reference.replace('/', "-"));
    assert!(page.contains(&format!("{stem}.docx")) && page.contains(&format!("{stem}.pdf")), "both are listed");
    let timeline = page.split("id=\"timeline\"").nth(1).expect("a timeline");
    assert_eq!(timeline.matches("Document added").count(), 2, "each recorded like an upload");

    let pdf_href = page
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.contains("/documents/") && page.contains(&format!("{href}\" download>{stem}.pdf")))
        .expect("a link to the PDF")
        .to_string();
    let pdf = drafter.get(app.url(&pdf_href)).send().await.expect("the PDF");
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.expect("bytes").starts_with(b"%PDF-"));

    // The same draft again adds nothing: its files are already on the case.
    let again =
        drafter.post(format!("{case}/draft/generate")).form(&[("csrf", token.as_str())]).send().await.expect("again");
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let (_, page) = get(&drafter, case).await;
    assert_eq!(page.matches(&format!("download>{stem}.pdf<")).count(), 1, "not attached twice");
}

#[tokio::test]
async fn the_api_drafts_the_reply_and_names_its_template_and_documents() {
    let app = at_initial_draft().await;
    let store = despatch_store::open(&app.db).await.expect("the app's database");
    let token = despatch_web::create_token(store.as_ref(), testkit::IMMIGRATION_DRAFTER, "drafting-robot")
        .await
        .expect("a token");
    let today = london_date(Utc::now());
    let line = |title: &str, expires| despatch_domain::standard_line::StandardLine {
        topic: testkit::TOPIC_ASYLUM_SUPPORT.to_string(),
        title: title.to_string(),
        text: format!("Agreed wording: {title}."),
        expires,
    };
    let lines = [line("Current line", today), line("Expired line", today.pred_opt().expect("yesterday"))];
    let at = Utc::now().to_rfc3339();
    store.load_standard_lines(&lines, despatch_store::drafting::Change { by: "admin", at: &at }).await.expect("lines");
    let client = reqwest::Client::new();
    let answer = client
        .post(app.url(&format!("/api/v1/cases/{}/draft", app.case_id)))
        .bearer_auth(&token)
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), StatusCode::CREATED);
    let body: serde_json::Value = answer.json().await.expect("JSON");
    assert_eq!(body["template"], "Ministerial reply (default)");
    let types: Vec<&str> =
        body["documents"].as_array().expect("documents").iter().filter_map(|d| d["media_type"].as_str()).collect();
    assert_eq!(types, [despatch_web::drafting::DOCX_MEDIA_TYPE, despatch_web::drafting::PDF_MEDIA_TYPE]);
    assert!(body["documents"].as_array().expect("documents").iter().all(|d| d["tag"] == "DRAFT"));
    let docx = &body["documents"][0]["sha256"];
    let url = app.url(&format!("/api/v1/cases/{}/documents/{}", app.case_id, docx.as_str().expect("a sha256")));
    let bytes = client.get(url).bearer_auth(&token).send().await.expect("the .docx").bytes().await.expect("bytes");
    let text =
        despatch_intake::document_text("reply.docx", &bytes, &despatch_intake::Options::default()).expect("text");
    assert!(text.contains("Agreed wording: Current line."), "the current standard line is in the reply: {text}");
    assert!(!text.contains("Expired line"), "an expired line is not");
}

#[tokio::test]
async fn an_administrator_adds_a_private_offices_template_which_the_next_draft_uses() {
    let app = at_initial_draft().await;
    let admin = signed_in(&app, ADMINISTRATOR).await;
    let (status, list) = get(&admin, app.url("/admin/templates")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Ministerial reply (default)"), "the embedded defaults are seeded: {list}");
    let (_, page) = get(&admin, app.url("/admin/templates/new")).await;
    let token = csrf(&page);

    let ours = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/reply-templates.toml"))
        .expect("the example templates")
        .replace("SAFEGUARDING_MINISTER_OFFICE", testkit::IMMIGRATION_MINISTER_OFFICE);
    let misspelt = ours.replace("{{ title }}", "{{ titel }}");
    let refused = admin
        .post(app.url("/admin/templates"))
        .form(&[("csrf", token.as_str()), ("template", misspelt.as_str())])
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("html");
    assert!(page.contains("govuk-error-summary") && page.contains("href=\"#template\""), "an error summary");
    assert!(page.contains("body line 1: undefined value"), "the message says where the body is wrong");
    assert!(page.contains("{{ titel }}"), "the text is kept for correcting");

    let added = admin
        .post(app.url("/admin/templates"))
        .form(&[("csrf", token.as_str()), ("template", ours.as_str())])
        .send()
        .await
        .expect("an answer");
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let again = admin
        .post(app.url("/admin/templates"))
        .form(&[("csrf", token.as_str()), ("template", ours.as_str())])
        .send()
        .await
        .expect("an answer");
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "adding never replaces a template");
    let (status, page) =
        get(&admin, app.url(&format!("/admin/templates/MIN/{}", testkit::IMMIGRATION_MINISTER_OFFICE))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Victoria Atkins MP") && page.contains("by admin"), "saved, and by whom");

    let drafter = signed_in(&app, testkit::IMMIGRATION_DRAFTER).await;
    let (_, page) = get(&drafter, app.url(&format!("/cases/{}", app.case_id))).await;
    assert!(
        page.contains("Minister for Crime, Safeguarding and Vulnerability"),
        "the case's private office now has its own template"
    );
}
