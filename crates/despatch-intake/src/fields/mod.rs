//! Field extraction: from a letter's text to the fields a caseworker registers.
//!
//! The rules read the layout of British official letters: headings such as "Letter from A to B,
//! dated …", address blocks, the salutation, the sign-off after "Yours sincerely", reference
//! labels ("Our ref:") and "Thank you for your letter of …". They are written to cope with the
//! noise of OCR and of text copied from web pages (split digits, misread salutations, column
//! markers, merged words). Nothing here knows any particular letter.

mod clean;
pub mod date;
mod direction;
mod parties;
pub mod people;
pub mod postcode;
mod record;
mod reference;

use chrono::NaiveDate;
use serde::Serialize;

pub use clean::clean_text;
pub use parties::Party;
pub use record::{Confidence, Record};

/// A value found in a letter, with how sure the extractor is of it (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found<T> {
    /// The value.
    pub value: T,
    /// Confidence between 0 and 1.
    pub confidence: f32,
}

impl<T> Found<T> {
    /// A value with a confidence.
    pub fn new(value: T, confidence: f32) -> Self {
        Self { value, confidence }
    }
}

/// Whether a letter was written to the department or by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Written to a department, minister or official body.
    Incoming,
    /// Written by one.
    Reply,
}

impl Direction {
    /// The label used in data files: `incoming` or `reply`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Incoming => "incoming",
            Direction::Reply => "reply",
        }
    }
}

/// The kind of correspondent: the writer of an incoming letter, the addressee of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrespondentType {
    /// A Member of Parliament.
    Mp,
    /// A member of the House of Lords.
    Peer,
    /// A local councillor.
    Councillor,
    /// A private individual.
    MemberOfPublic,
    /// An organisation with no named person.
    Organisation,
    /// An official of a public body.
    Official,
}

impl CorrespondentType {
    /// The snake_case label.
    pub fn as_str(self) -> &'static str {
        match self {
            CorrespondentType::Mp => "mp",
            CorrespondentType::Peer => "peer",
            CorrespondentType::Councillor => "councillor",
            CorrespondentType::MemberOfPublic => "member_of_public",
            CorrespondentType::Organisation => "organisation",
            CorrespondentType::Official => "official",
        }
    }
}

/// The label keys of a letter, in the order of the data files.
pub const FIELD_NAMES: [&str; 11] = [
    "direction",
    "reference",
    "date",
    "sender_name",
    "sender_role",
    "sender_org",
    "recipient_name",
    "recipient_role",
    "recipient_org",
    "recipient_address",
    "in_reply_to_date",
];

/// Facts known about a letter before its text is read, such as an email's headers.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The date the message was sent (an email's `Date:`).
    pub sent: Option<NaiveDate>,
    /// The sender's display name (an email's `From:`).
    pub from_name: Option<String>,
    /// The recipient's display name (an email's `To:`).
    pub to_name: Option<String>,
}

/// Everything extracted from one letter. `None` where the text does not say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fields {
    /// Written to the department (`incoming`) or by it (`reply`).
    pub direction: Found<Direction>,
    /// The letter's own reference as printed.
    pub reference: Option<Found<String>>,
    /// The date of the letter.
    pub date: Option<Found<NaiveDate>>,
    /// Who wrote it.
    pub sender: Party,
    /// To whom.
    pub recipient: Party,
    /// The date of the correspondence this letter answers.
    pub in_reply_to_date: Option<Found<NaiveDate>>,
    /// The kind of correspondent (the sender if incoming, the recipient if a reply).
    pub correspondent_type: Found<CorrespondentType>,
}

impl Fields {
    /// One label field as text, by its key in [`FIELD_NAMES`]; `None` when absent or unknown.
    pub fn get(&self, key: &str) -> Option<String> {
        self.get_found(key).map(|(value, _)| value)
    }

    /// One label field with its confidence.
    pub fn get_found(&self, key: &str) -> Option<(String, f32)> {
        let text = |f: &Option<Found<String>>| f.as_ref().map(|f| (f.value.clone(), f.confidence));
        let date =
            |f: &Option<Found<NaiveDate>>| f.as_ref().map(|f| (f.value.format("%Y-%m-%d").to_string(), f.confidence));
        match key {
            "direction" => Some((self.direction.value.as_str().to_string(), self.direction.confidence)),
            "reference" => text(&self.reference),
            "date" => date(&self.date),
            "sender_name" => text(&self.sender.name),
            "sender_role" => text(&self.sender.role),
            "sender_org" => text(&self.sender.org),
            "recipient_name" => text(&self.recipient.name),
            "recipient_role" => text(&self.recipient.role),
            "recipient_org" => text(&self.recipient.org),
            "recipient_address" => text(&self.recipient.address),
            "in_reply_to_date" => date(&self.in_reply_to_date),
            "correspondent_type" => {
                Some((self.correspondent_type.value.as_str().to_string(), self.correspondent_type.confidence))
            }
            _ => None,
        }
    }

    /// The correspondent: the sender of an incoming letter, the addressee of a reply.
    pub fn correspondent(&self) -> &Party {
        match self.direction.value {
            Direction::Incoming => &self.sender,
            Direction::Reply => &self.recipient,
        }
    }
}

/// Extracts the fields of one letter from its text.
///
/// Never fails: a field the text does not state is `None`. `hints` carries what is known from
/// outside the text (an email's headers), and fills only what the text leaves empty.
pub fn extract(text: &str, hints: &Hints) -> Fields {
    let doc = clean::Doc::new(text);
    let date = date::letter_date(&doc).or_else(|| hints.sent.map(|d| Found::new(d, 0.8)));
    let anchor = date.as_ref().map(|d| d.value);
    let in_reply_to_date = date::in_reply_to_date(&doc, anchor);
    let reference = reference::find(&doc);
    let (mut sender, mut recipient) = parties::find(&doc);
    if sender.name.is_none()
        && let Some(name) = hints.from_name.as_deref().and_then(people::clean_name)
    {
        sender.name = Some(Found::new(name, 0.8));
    }
    if recipient.name.is_none()
        && let Some(name) = hints.to_name.as_deref().and_then(people::clean_name)
    {
        recipient.name = Some(Found::new(name, 0.7));
    }
    let direction = direction::decide(&doc, &sender, &recipient);
    let correspondent = match direction.value {
        Direction::Incoming => &sender,
        Direction::Reply => &recipient,
    };
    let correspondent_type = parties::correspondent_type(correspondent);
    Fields { direction, reference, date, sender, recipient, in_reply_to_date, correspondent_type }
}
