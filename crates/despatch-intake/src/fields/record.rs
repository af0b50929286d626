//! The flat record printed by `despatch extract --format json`: the label keys of the letter
//! data files, plus `file`, `correspondent_type` and a confidence per field.

use super::{FIELD_NAMES, Fields};
use serde::Serialize;

/// Confidence per field (0 to 1); `None` where the field is empty.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[allow(missing_docs, reason = "the same keys as Record, documented there")]
pub struct Confidence {
    pub direction: Option<f32>,
    pub reference: Option<f32>,
    pub date: Option<f32>,
    pub sender_name: Option<f32>,
    pub sender_role: Option<f32>,
    pub sender_org: Option<f32>,
    pub recipient_name: Option<f32>,
    pub recipient_role: Option<f32>,
    pub recipient_org: Option<f32>,
    pub recipient_address: Option<f32>,
    pub in_reply_to_date: Option<f32>,
    pub correspondent_type: Option<f32>,
}

/// One letter as a flat record with exactly the label keys (dates as ISO `YYYY-MM-DD`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Record {
    /// The file (and for a mailbox, `#n` for the message).
    pub file: String,
    /// `incoming` or `reply`.
    pub direction: Option<String>,
    /// The letter's reference as printed.
    pub reference: Option<String>,
    /// The letter's date.
    pub date: Option<String>,
    /// The writer's name.
    pub sender_name: Option<String>,
    /// The writer's office.
    pub sender_role: Option<String>,
    /// The writer's organisation.
    pub sender_org: Option<String>,
    /// The addressee's name.
    pub recipient_name: Option<String>,
    /// The addressee's office.
    pub recipient_role: Option<String>,
    /// The addressee's organisation.
    pub recipient_org: Option<String>,
    /// The addressee's postal address, lines joined by ", ".
    pub recipient_address: Option<String>,
    /// The date of the correspondence answered.
    pub in_reply_to_date: Option<String>,
    /// mp, peer, councillor, member_of_public, organisation or official.
    pub correspondent_type: Option<String>,
    /// How sure the extractor is of each field.
    pub confidence: Confidence,
}

impl Record {
    /// Flattens extracted fields into a record for `file`.
    pub fn new(file: &str, fields: &Fields) -> Self {
        let v = |k: &str| fields.get(k);
        let c = |k: &str| fields.get_found(k).map(|(_, c)| (c * 100.0).round() / 100.0);
        debug_assert!(FIELD_NAMES.iter().all(|k| fields.get_found(k).is_some() || fields.get(k).is_none()));
        Record {
            file: file.to_string(),
            direction: v("direction"),
            reference: v("reference"),
            date: v("date"),
            sender_name: v("sender_name"),
            sender_role: v("sender_role"),
            sender_org: v("sender_org"),
            recipient_name: v("recipient_name"),
            recipient_role: v("recipient_role"),
            recipient_org: v("recipient_org"),
            recipient_address: v("recipient_address"),
            in_reply_to_date: v("in_reply_to_date"),
            correspondent_type: v("correspondent_type"),
            confidence: Confidence {
                direction: c("direction"),
                reference: c("reference"),
                date: c("date"),
                sender_name: c("sender_name"),
                sender_role: c("sender_role"),
                sender_org: c("sender_org"),
                recipient_name: c("recipient_name"),
                recipient_role: c("recipient_role"),
                recipient_org: c("recipient_org"),
                recipient_address: c("recipient_address"),
                in_reply_to_date: c("in_reply_to_date"),
                correspondent_type: c("correspondent_type"),
            },
        }
    }
}
