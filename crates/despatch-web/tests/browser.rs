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

use common::{PASSWORD, start};

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
