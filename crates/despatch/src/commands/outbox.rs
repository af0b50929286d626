//! Starting the outbox worker of `despatch serve` and `despatch demo` from the environment.
//!
//! | variable | meaning |
//! |---|---|
//! | `DESPATCH_SMTP_URL` | `smtp://host:port`, `smtp://user:pass@host:587?tls=required`, `smtps://…` |
//! | `DESPATCH_NOTIFY_API_KEY` (or `_FILE`) | a GOV.UK Notify API key: send through Notify instead |
//! | `DESPATCH_NOTIFY_TEMPLATE_ID` | the Notify email template (fields `subject`, `body`, `attachment_N`) |
//! | `DESPATCH_NOTIFY_URL` | the Notify API address (default GOV.UK Notify's) |
//! | `DESPATCH_MAIL_FROM` | sender, `Name <address>`; its domain names the Message-IDs |
//! | `DESPATCH_OUTBOX_RETRY_SECS`, `DESPATCH_OUTBOX_LEASE_SECS` | first retry wait; claim lease |
//!
//! With neither SMTP nor Notify configured no worker runs and messages wait in the outbox.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use despatch_notify::{GovUkNotify, NOTIFY_API, Smtp, Transport, Worker, WorkerSettings};
use despatch_store::Casework;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// A secret from `NAME`, or from the file `NAME_FILE` names.
fn secret(name: &str) -> anyhow::Result<Option<String>> {
    if let Some(value) = var(name) {
        return Ok(Some(value));
    }
    match var(&format!("{name}_FILE")) {
        Some(path) => {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {name}_FILE {path}"))?;
            Ok(Some(text.trim().to_string()))
        }
        None => Ok(None),
    }
}

fn seconds(name: &str) -> anyhow::Result<Option<Duration>> {
    var(name)
        .map(|v| v.parse::<f64>().ok().filter(|s| s.is_finite() && *s > 0.0).map(Duration::from_secs_f64))
        .map(|parsed| parsed.with_context(|| format!("{name} must be a positive number of seconds")))
        .transpose()
}

/// Starts the outbox worker when email is configured; says so either way.
pub fn start(casework: &Casework) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let from = var("DESPATCH_MAIL_FROM");
    let transport: Arc<dyn Transport> = if let Some(url) = var("DESPATCH_SMTP_URL") {
        let from = from.as_deref().context("DESPATCH_SMTP_URL is set: set DESPATCH_MAIL_FROM, the sender, too")?;
        Arc::new(Smtp::new(&url, from)?)
    } else if let Some(key) = secret("DESPATCH_NOTIFY_API_KEY")? {
        let template = var("DESPATCH_NOTIFY_TEMPLATE_ID")
            .context("DESPATCH_NOTIFY_API_KEY is set: set DESPATCH_NOTIFY_TEMPLATE_ID, the email template, too")?;
        let url = var("DESPATCH_NOTIFY_URL").unwrap_or_else(|| NOTIFY_API.to_string());
        Arc::new(GovUkNotify::new(&url, &key, &template)?)
    } else {
        println!(
            "Email is not configured (DESPATCH_SMTP_URL or DESPATCH_NOTIFY_API_KEY): notifications wait in the outbox"
        );
        return Ok(None);
    };
    let mut settings = WorkerSettings::default();
    if let Some(domain) = from.as_deref().and_then(|f| f.rsplit('@').next()).map(|d| d.trim_end_matches('>').trim()) {
        settings.message_id_domain = domain.to_string();
    }
    if let Some(retry) = seconds("DESPATCH_OUTBOX_RETRY_SECS")? {
        settings.retry = retry;
    }
    if let Some(lease) = seconds("DESPATCH_OUTBOX_LEASE_SECS")? {
        settings.lease = lease;
    }
    Ok(Some(Worker::new(casework.clone(), transport, settings).spawn()))
}
