//! One letter as it is stored: its original (the file, or a mailbox message's text), its
//! email attachments, how it came, and its correspondent as the letter names them.

use std::collections::BTreeSet;
use std::path::Path;

use despatch_domain::case::{CorrespondentKind, DocumentRef};
use despatch_domain::command::{Command, CorrespondentDetails};
use despatch_intake::register::Source;
use despatch_intake::text::Kind;
use despatch_intake::{CorrespondentType, Intake, Party};
use despatch_store::NewDocument;

use super::ORIGINAL;

/// A file as stored: its bytes, the name and media type it is stored under, and its text.
pub struct Original {
    pub(super) name: String,
    pub(super) media_type: String,
    pub(super) bytes: Vec<u8>,
    pub(super) text: String,
}

impl Original {
    pub(super) fn sha256(&self) -> String {
        despatch_intake::sha256_hex(&self.bytes)
    }

    /// The document reference and the stored document.
    pub(super) fn document(&self, tag: &str) -> (DocumentRef, NewDocument) {
        let sha256 = self.sha256();
        let reference = DocumentRef {
            sha256: sha256.clone(),
            name: self.name.clone(),
            tag: tag.to_string(),
            media_type: self.media_type.clone(),
            size: self.bytes.len() as u64,
        };
        (reference, NewDocument { sha256, bytes: self.bytes.clone(), text: self.text.clone() })
    }
}

/// The original to store for one letter: the file's bytes, or for a message of a mailbox (whose
/// own bytes intake does not return) the message's text.
pub(super) fn original(name: &str, bytes: &[u8], intake: &Intake) -> Result<Original, String> {
    if intake.kind == Kind::Mbox {
        return Ok(Original {
            name: format!("{}.txt", intake.source),
            media_type: "text/plain; charset=utf-8".to_string(),
            bytes: intake.text.as_bytes().to_vec(),
            text: intake.text.clone(),
        });
    }
    if despatch_intake::sha256_hex(bytes) != intake.sha256 {
        return Err("the file changed while it was being read; try again".to_string());
    }
    Ok(Original {
        name: name.to_string(),
        media_type: media_type(name, intake.kind),
        bytes: bytes.to_vec(),
        text: intake.text.clone(),
    })
}

fn media_type(name: &str, kind: Kind) -> String {
    let extension = Path::new(name).extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match kind {
        Kind::Text if matches!(extension.as_str(), "html" | "htm") => "text/html",
        Kind::Text => "text/plain",
        Kind::Pdf => "application/pdf",
        Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Kind::Email => "message/rfc822",
        Kind::Mbox => "application/mbox",
        Kind::Image => match extension.as_str() {
            "png" => "image/png",
            "tif" | "tiff" => "image/tiff",
            _ => "image/jpeg",
        },
    }
    .to_string()
}

/// How the letter came: an email, or paper (a scan); unknown for text, PDF and Word files.
pub(super) fn channel(intake: &Intake) -> Option<&'static str> {
    match intake.kind {
        Kind::Email | Kind::Mbox => Some("EMAIL"),
        _ if intake.ocr => Some("POST"),
        _ => None,
    }
}

/// An email's attachments as documents with `tag`.
pub(super) fn attachments(intake: &Intake, tag: &str) -> Vec<(DocumentRef, NewDocument)> {
    intake
        .attachments
        .iter()
        .map(|attachment| {
            let document = DocumentRef {
                sha256: attachment.sha256.clone(),
                name: attachment.name.clone(),
                tag: tag.to_string(),
                media_type: attachment.content_type.clone(),
                size: attachment.size as u64,
            };
            let stored = NewDocument {
                sha256: attachment.sha256.clone(),
                bytes: attachment.bytes.clone(),
                text: attachment.text.clone().unwrap_or_default(),
            };
            (document, stored)
        })
        .collect()
}

/// Adds an email's attachments (each once, never the original again) to a case being opened.
pub(super) fn add_attachments(
    intake: &Intake,
    original: &Original,
    then: &mut Vec<Command>,
    documents: &mut Vec<NewDocument>,
) {
    let mut held = BTreeSet::from([original.sha256()]);
    for (document, stored) in attachments(intake, ORIGINAL) {
        if held.insert(document.sha256.clone()) {
            then.push(Command::AttachDocument { document });
            documents.push(stored);
        }
    }
}

/// The correspondent: the sender of an incoming letter, the addressee of a reply. A register
/// match is used only when intake applied it. `None` when the letter names nobody.
pub(super) fn correspondent(intake: &Intake, their_reference: Option<String>) -> Option<CorrespondentDetails> {
    let fields = &intake.fields;
    let party: &Party = fields.correspondent();
    let applied = intake.matches.first().filter(|m| m.applied);
    let mp_key = applied.filter(|m| m.source == Source::Mp).map(|m| m.id.clone());
    let council = applied.filter(|m| m.source == Source::Council).map(|m| m.name.clone());
    let organisation = party.org.as_ref().map(|o| o.value.clone()).or(council);
    let name = party.name.as_ref().map(|n| n.value.clone()).or_else(|| organisation.clone())?;
    let kind = match fields.correspondent_type.value {
        CorrespondentType::Mp => CorrespondentKind::Mp,
        CorrespondentType::Peer => CorrespondentKind::Peer,
        CorrespondentType::Councillor => CorrespondentKind::Councillor,
        CorrespondentType::MemberOfPublic => CorrespondentKind::MemberOfPublic,
        CorrespondentType::Organisation | CorrespondentType::Official => CorrespondentKind::Organisation,
    };
    let mut address: Vec<String> = party
        .address
        .as_ref()
        .map(|a| a.value.split(", ").map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    let postcode = address.last().and_then(|line| despatch_intake::fields::postcode::normalise(line));
    if postcode.is_some() {
        address.pop();
    }
    Some(CorrespondentDetails {
        kind,
        name,
        organisation,
        address,
        postcode,
        // An email's Reply-To (else From) is where a reply by email goes.
        email: party.email.clone().or_else(|| intake.email.as_ref().and_then(|email| email.reply_to.clone())),
        their_reference,
        external_key: mp_key,
        matched: None,
    })
}
