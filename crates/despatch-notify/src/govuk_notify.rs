//! GOV.UK Notify (https://docs.notifications.service.gov.uk/rest-api.html) behind the same
//! [`Transport`] interface, for departments that send email through it.
//!
//! One email template serves every message: it must use the personalisation fields
//! `((subject))` and `((body))`, and `((attachment_1))`, `((attachment_2))`… for files (Notify
//! sends each as a link to download). Notify sets its own Message-ID and cannot thread a reply
//! on the correspondent's email; the outbox Message-ID is sent as the notification's
//! `reference`, so a resend is recognisable in Notify's records.

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{KeyInit, Mac};
use serde_json::json;

use crate::{Email, SendError, Transport};

/// GOV.UK Notify's API address.
pub const NOTIFY_API: &str = "https://api.notifications.service.gov.uk";

/// A GOV.UK Notify service.
pub struct GovUkNotify {
    client: reqwest::Client,
    base_url: String,
    service_id: String,
    secret: String,
    template_id: String,
}

impl GovUkNotify {
    /// A client of the Notify API at `base_url` ([`NOTIFY_API`]) with an API key as Notify issues
    /// it (`{key name}-{service id}-{secret}`, the last two UUIDs) and the email template to use.
    pub fn new(base_url: &str, api_key: &str, template_id: &str) -> Result<GovUkNotify, SendError> {
        // Two UUIDs of 36 characters joined by a hyphen end the key.
        let split = api_key.len().checked_sub(73).filter(|_| api_key.is_ascii());
        let Some(start) = split else {
            return Err(SendError::Build(
                "the GOV.UK Notify API key is too short: use the whole key Notify issued".into(),
            ));
        };
        let service_id = api_key[start..start + 36].to_string();
        let secret = api_key[start + 37..].to_string();
        Ok(GovUkNotify {
            client: reqwest::Client::new(),
            base_url: base_url.trim_end_matches('/').to_string(),
            service_id,
            secret,
            template_id: template_id.to_string(),
        })
    }

    /// The bearer token for a request made at `now_secs` (Unix seconds): an HS256 JSON Web Token
    /// whose issuer is the service id, signed with the key's secret.
    fn token(&self, now_secs: i64) -> Result<String, SendError> {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
        let claims = URL_SAFE_NO_PAD.encode(json!({ "iss": self.service_id, "iat": now_secs }).to_string());
        let signed = format!("{header}.{claims}");
        let mut mac = hmac::Hmac::<sha2_011::Sha256>::new_from_slice(self.secret.as_bytes())
            .map_err(|e| SendError::Build(format!("GOV.UK Notify key: {e}")))?;
        mac.update(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        Ok(format!("{signed}.{signature}"))
    }
}

#[async_trait]
impl Transport for GovUkNotify {
    async fn send(&self, email: &Email) -> Result<(), SendError> {
        let mut personalisation = serde_json::Map::new();
        personalisation.insert("subject".into(), json!(email.subject));
        personalisation.insert("body".into(), json!(email.body));
        for (n, attachment) in email.attachments.iter().enumerate() {
            personalisation.insert(
                format!("attachment_{}", n + 1),
                json!({
                    "file": STANDARD.encode(&attachment.bytes),
                    "filename": attachment.name,
                    "confirm_email_before_download": false,
                }),
            );
        }
        let request = json!({
            "email_address": email.to,
            "template_id": self.template_id,
            "personalisation": personalisation,
            "reference": email.message_id,
        });
        let token = self.token(chrono::Utc::now().timestamp())?;
        let response = self
            .client
            .post(format!("{}/v2/notifications/email", self.base_url))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .body(request.to_string())
            .send()
            .await
            .map_err(|e| SendError::Transport(format!("GOV.UK Notify: {e}")))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text = response.text().await.unwrap_or_default();
        Err(SendError::Transport(format!(
            "GOV.UK Notify answered {status}: {}",
            text.chars().take(500).collect::<String>()
        )))
    }
}
