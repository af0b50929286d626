//! The outbox worker against real receivers on loopback: aiosmtpd for SMTP and a stand-in for
//! GOV.UK Notify's REST API, both started by the tests.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use common::{casework, free_port, notify_sink, smtp_sink, wait_for};
use despatch_domain::case::DocumentRef;
use despatch_domain::command::{Actor, Command};
use despatch_domain::notify::NotificationKind;
use despatch_domain::testkit::{self, CASEWORKER, despatch_step, min_email_reply_steps};
use despatch_notify::{GovUkNotify, Pass, Smtp, Worker, WorkerSettings, message_id};
use despatch_store::{Casework, NewDocument};

const SERVICE_ID: &str = "26785a09-ab16-4eb0-8407-a37497a57506";
const SECRET: &str = "3d844edf-8d35-48ac-975b-e847b4f122b0";

fn reply_pdf() -> (DocumentRef, NewDocument) {
    let bytes = b"%PDF-1.4\n% a reply for the tests\n%%EOF\n".to_vec();
    let sha256 = {
        use sha2_011::Digest;
        sha2_011::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let document = DocumentRef {
        sha256: sha256.clone(),
        name: "Reply to Jo Example MP.pdf".to_string(),
        tag: "DRAFT".to_string(),
        media_type: "application/pdf".to_string(),
        size: bytes.len() as u64,
    };
    (document, NewDocument { sha256, bytes, text: "a reply".to_string() })
}

fn settings() -> WorkerSettings {
    WorkerSettings {
        message_id_domain: "dept.example".to_string(),
        retry: Duration::from_secs(5),
        ..WorkerSettings::default()
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2018, 11, 20, 10, 0, 0).single().expect("instant")
}

/// A MIN case that came by email, taken to Dispatch with `reply` approved, then despatched.
async fn despatched_by_email(casework: &Casework, copy_number_ten: bool) -> i64 {
    let mut new = testkit::new_case("MIN");
    new.message_id = Some("<letter-1@parliament.example>".to_string());
    let opened = casework.open(new, &Actor::user(CASEWORKER), now()).await.expect("opened");
    let id = opened.state.id;
    let (document, file) = reply_pdf();
    let mut steps = min_email_reply_steps(&document, copy_number_ten);
    steps.push(despatch_step(None));
    for (actor, command) in steps {
        let actor = Actor::user(actor);
        match command {
            Command::AttachDocument { document } => {
                casework.attach(id, document, file.clone(), &actor, now()).await.expect("attached");
            }
            command => {
                casework.execute(id, None, &command, &actor, now()).await.expect("step");
            }
        }
    }
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_by_email_carries_the_approved_version_and_threads_on_the_original_email() {
    let folder = tempfile::tempdir().expect("folder");
    let port = free_port();
    let Some(_sink) = smtp_sink(port, &folder.path().join("mail")) else { return };
    let casework = casework(folder.path()).await;
    let id = despatched_by_email(&casework, true).await;

    let smtp = Smtp::new(&format!("smtp://127.0.0.1:{port}"), "Correspondence Unit <correspondence@dept.example>")
        .expect("SMTP");
    let worker = Worker::new(casework.clone(), Arc::new(smtp), settings());
    let mut sent = 0;
    while let Pass { sent: more @ 1.., .. } = worker.send_due(Utc::now()).await.expect("pass") {
        sent += more;
    }
    let outbox = casework.store().outbox(None).await.expect("outbox");
    assert_eq!(sent as usize, outbox.len());
    assert!(outbox.iter().all(|m| m.sent_ms.is_some()));

    let messages = wait_for(&folder.path().join("mail"), outbox.len(), Duration::from_secs(10));
    assert_eq!(messages.len(), outbox.len(), "each message once");
    let reply_row =
        outbox.iter().find(|m| m.case_id == id && m.notification.kind == NotificationKind::Reply).expect("reply");
    let expected_id = format!("<{}>", message_id(reply_row.id, reply_row.created_ms, "dept.example"));
    let reply = messages.iter().find(|m| m["message_id"] == expected_id.as_str()).expect("the reply arrived");
    assert_eq!(reply["to"], "jo.example.mp@parliament.example");
    assert_eq!(reply["rcpt_tos"][0], "jo.example.mp@parliament.example");
    assert_eq!(reply["in_reply_to"], "<letter-1@parliament.example>");
    assert_eq!(reply["references"], "<letter-1@parliament.example>");
    assert_eq!(reply["subject"], "Your ref JE/2018/114: our ref MIN/0000001/18");
    let (document, file) = reply_pdf();
    assert_eq!(reply["attachments"].as_array().map(Vec::len), Some(1));
    assert_eq!(reply["attachments"][0]["name"], document.name.as_str());
    assert_eq!(reply["attachments"][0]["content_type"], "application/pdf");
    let hex: String = file.bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(reply["attachments"][0]["hex"], hex.as_str());

    let copy = messages.iter().find(|m| m["to"] == "copies@number10.example").expect("the copy to Number 10 arrived");
    assert_eq!(copy["attachments"][0]["hex"], hex.as_str());
    assert!(copy["in_reply_to"].is_null(), "the copy is not part of the correspondent's thread");
    let allocation =
        messages.iter().filter(|m| m["subject"].as_str().is_some_and(|s| s.contains("new work at"))).count();
    assert!(allocation >= 1, "team mailboxes were told of work arriving");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_that_fails_is_retried_after_its_backoff_and_then_sent_once() {
    let folder = tempfile::tempdir().expect("folder");
    let port = free_port();
    let casework = casework(folder.path()).await;
    casework.open(testkit::new_case("MIN"), &Actor::user(CASEWORKER), now()).await.expect("opened");
    let smtp = Smtp::new(&format!("smtp://127.0.0.1:{port}"), "correspondence@dept.example").expect("SMTP");
    let worker = Worker::new(casework.clone(), Arc::new(smtp), settings());

    // Nobody listens yet.
    let t0 = Utc::now();
    assert_eq!(worker.send_due(t0).await.expect("pass"), Pass { sent: 0, failed: 1 });
    let waiting = casework.store().outbox(None).await.expect("outbox");
    assert_eq!(waiting[0].attempts, 1);
    assert!(waiting[0].last_error.as_deref().is_some_and(|e| e.contains("SMTP")), "{:?}", waiting[0].last_error);

    let Some(_sink) = smtp_sink(port, &folder.path().join("mail")) else { return };
    assert_eq!(worker.send_due(Utc::now()).await.expect("pass"), Pass::default(), "not before its backoff");
    let later = Utc::now() + chrono::Duration::seconds(6);
    assert_eq!(worker.send_due(later).await.expect("pass"), Pass { sent: 1, failed: 0 });
    assert_eq!(worker.send_due(later + chrono::Duration::hours(1)).await.expect("pass"), Pass::default());
    assert_eq!(wait_for(&folder.path().join("mail"), 1, Duration::from_secs(5)).len(), 1);
    let sent = casework.store().outbox(None).await.expect("outbox");
    assert_eq!((sent[0].attempts, sent[0].last_error.clone()), (2, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn govuk_notify_receives_the_message_with_a_signed_token_and_the_attachment() {
    let folder = tempfile::tempdir().expect("folder");
    let port = free_port();
    let Some(_notify) = notify_sink(port, &folder.path().join("notify"), SERVICE_ID, SECRET) else { return };
    let casework = casework(folder.path()).await;
    despatched_by_email(&casework, false).await;
    let key = format!("despatch_test-{SERVICE_ID}-{SECRET}");
    let notify = GovUkNotify::new(&format!("http://127.0.0.1:{port}"), &key, "template-1").expect("client");
    let worker = Worker::new(casework.clone(), Arc::new(notify), settings());
    while worker.send_due(Utc::now()).await.expect("pass").sent > 0 {}
    let outbox = casework.store().outbox(None).await.expect("outbox");
    assert!(outbox.iter().all(|m| m.sent_ms.is_some()), "{outbox:?}");
    let requests = wait_for(&folder.path().join("notify"), outbox.len(), Duration::from_secs(5));
    assert_eq!(requests.len(), outbox.len());
    let reply = requests.iter().find(|r| r["email_address"] == "jo.example.mp@parliament.example").expect("reply");
    assert_eq!(reply["template_id"], "template-1");
    assert!(reply["personalisation"]["subject"].as_str().is_some_and(|s| s.contains("MIN/0000001/18")));
    let (document, file) = reply_pdf();
    assert_eq!(reply["personalisation"]["attachment_1"]["filename"], document.name.as_str());
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(reply["personalisation"]["attachment_1"]["file"].as_str().expect("file"))
        .expect("base64");
    assert_eq!(bytes, file.bytes);
    assert!(reply["reference"].as_str().is_some_and(|r| r.starts_with("despatch-outbox-")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn govuk_notify_refusing_a_wrong_key_leaves_the_message_waiting_with_the_reason() {
    let folder = tempfile::tempdir().expect("folder");
    let port = free_port();
    let Some(_notify) = notify_sink(port, &folder.path().join("notify"), SERVICE_ID, SECRET) else { return };
    let casework = casework(folder.path()).await;
    casework.open(testkit::new_case("MIN"), &Actor::user(CASEWORKER), now()).await.expect("opened");
    let wrong = format!("despatch_test-{SERVICE_ID}-{}", SECRET.replace('3', "4"));
    let notify = GovUkNotify::new(&format!("http://127.0.0.1:{port}"), &wrong, "template-1").expect("client");
    let worker = Worker::new(casework.clone(), Arc::new(notify), settings());
    assert_eq!(worker.send_due(Utc::now()).await.expect("pass"), Pass { sent: 0, failed: 1 });
    let waiting = casework.store().outbox(None).await.expect("outbox");
    assert!(waiting[0].sent_ms.is_none());
    assert!(waiting[0].last_error.as_deref().is_some_and(|e| e.contains("403")), "{:?}", waiting[0].last_error);
    assert!(GovUkNotify::new("http://127.0.0.1:1", "too-short", "t").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_sweep_enqueues_each_notice_once_however_often_it_runs() {
    let folder = tempfile::tempdir().expect("folder");
    let casework = casework(folder.path()).await;
    let opened = casework.open(testkit::new_case("MIN"), &Actor::user(CASEWORKER), now()).await.expect("opened");
    let smtp = Smtp::new("smtp://127.0.0.1:1", "correspondence@dept.example").expect("SMTP");
    let worker = Worker::new(casework.clone(), Arc::new(smtp), settings());
    // Received 14 Nov 2018, due 12 Dec 2018: on 6 Dec it is approaching, on 13 Dec passed.
    let on = |d| Utc.with_ymd_and_hms(2018, 12, d, 12, 0, 0).single().expect("instant");
    assert_eq!(worker.sweep_deadlines(on(3)).await.expect("sweep"), 0);
    assert_eq!(worker.sweep_deadlines(on(6)).await.expect("sweep"), 1);
    assert_eq!(worker.sweep_deadlines(on(7)).await.expect("sweep"), 0);
    assert_eq!(worker.sweep_deadlines(on(13)).await.expect("sweep"), 1);
    assert_eq!(worker.sweep_deadlines(on(14)).await.expect("sweep"), 0);
    let kinds: Vec<NotificationKind> = casework
        .store()
        .outbox(Some(opened.state.id))
        .await
        .expect("outbox")
        .iter()
        .map(|m| m.notification.kind)
        .filter(|k| matches!(k, NotificationKind::DeadlineApproaching | NotificationKind::DeadlinePassed))
        .collect();
    assert_eq!(kinds, [NotificationKind::DeadlineApproaching, NotificationKind::DeadlinePassed]);
}
