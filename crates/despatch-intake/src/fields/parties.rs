//! Sender and recipient: names, roles, organisations and the recipient's address, read from a
//! heading ("Letter from A to B, dated …"), the address blocks above the salutation, the
//! salutation itself ("Dear Cllr Pandor", even as OCR's "Bear Ulr Pander"), and the sign-off.

use super::clean::{Doc, re};
use super::people::{self, Marks, Person, person_prefix, same_word};
use super::{CorrespondentType, Found};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

mod blocks;
mod roles;
mod signature;

pub(crate) use roles::{is_official, org_in};

/// One side of a letter: who wrote it, or to whom it was written.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Party {
    /// The person's name (courtesy titles dropped, honours kept).
    pub name: Option<Found<String>>,
    /// Their role or office.
    pub role: Option<Found<String>>,
    /// Their organisation.
    pub org: Option<Found<String>>,
    /// Their postal address as printed, lines joined by ", " (recipient only).
    pub address: Option<Found<String>>,
    /// Their email address, when known.
    pub email: Option<String>,
    /// What their titles say (MP, peer, councillor).
    #[serde(skip)]
    pub marks: Marks,
}

fn put(slot: &mut Option<Found<String>>, value: &str, confidence: f32) {
    let value = value.trim().trim_matches([',', ':', ';', '-', ' ']).trim();
    if value.is_empty() {
        return;
    }
    if slot.as_ref().is_none_or(|f| f.confidence < confidence) {
        *slot = Some(Found::new(value.to_string(), confidence));
    }
}

/// "Her Majesty's Treasury" is written "HM Treasury".
fn canonical_org(org: &str) -> String {
    for long in ["Her Majesty's ", "His Majesty's ", "Her Majesty’s ", "His Majesty’s "] {
        if let Some(rest) = org.strip_prefix(long) {
            return format!("HM {rest}");
        }
    }
    org.to_string()
}

impl Party {
    fn set_name(&mut self, value: &str, confidence: f32) {
        put(&mut self.name, value, confidence);
    }
    fn set_role(&mut self, value: &str, confidence: f32) {
        // A bare "MP" says less than any written office.
        let weak = self.role.as_ref().is_some_and(|r| r.value == "MP" || r.value == "Councillor");
        if weak && value != "MP" {
            self.role = None;
        }
        put(&mut self.role, value, confidence);
    }
    fn set_org(&mut self, value: &str, confidence: f32) {
        put(&mut self.org, &canonical_org(value.trim()), confidence);
    }
    fn take_person(&mut self, person: &Person, confidence: f32) {
        self.set_name(&person.name, confidence);
        self.marks.mp |= person.marks.mp;
        self.marks.peer |= person.marks.peer;
        self.marks.councillor |= person.marks.councillor;
        self.marks.titled |= person.marks.titled;
        let rest = role_after_name(&person.rest);
        if rest.eq_ignore_ascii_case("mp") {
            self.set_role("MP", confidence * 0.5);
        } else if !rest.is_empty() {
            self.describe(&rest, confidence * 0.9);
        }
    }
    /// Reads a free description ("Minister of State, Department of Trade and Industry"):
    /// parts that name a government body go to the organisation, the rest is the role. Parts
    /// separated by "|" (email footers) after the first are left out.
    fn describe(&mut self, text: &str, confidence: f32) {
        let first = text.split('|').next().unwrap_or(text);
        let mut roles: Vec<&str> = Vec::new();
        for part in first.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let whole_org = org_in(part).is_some_and(|o| o.len() + 4 >= part.len());
            if whole_org || (roles::is_org_line(part) && !roles::is_role_line(part) && !roles::is_subunit(part)) {
                self.set_org(part, confidence);
            } else {
                roles.push(part);
            }
        }
        if roles.len() > 1 {
            roles.retain(|r| !r.eq_ignore_ascii_case("mp"));
        }
        if !roles.is_empty() {
            self.set_role(&roles.join(", "), confidence);
        }
    }
    /// True if `other` names the same person: the same surname (allowing an OCR error) and,
    /// when both give one, a compatible first name or initial.
    fn same_person(&self, other: &str) -> bool {
        let Some(mine) = self.name.as_ref() else {
            return false;
        };
        same_name(&mine.value, other)
    }
}

/// True if two names are the same person (see [`Party::same_person`]).
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let wa: Vec<&str> = a.split_whitespace().collect();
    let wb: Vec<&str> = b.split_whitespace().collect();
    let (Some(sa), Some(sb)) = (wa.last(), wb.last()) else {
        return false;
    };
    if !same_word(sa, sb) {
        return false;
    }
    match (wa.first(), wb.first()) {
        (Some(fa), Some(fb)) if wa.len() >= 2 && wb.len() >= 2 => {
            let ia = fa.chars().next();
            let ib = fb.chars().next();
            same_word(fa, fb)
                || (ia == ib && (fa.trim_end_matches('.').len() == 1 || fb.trim_end_matches('.').len() == 1))
                || people::is_honour(fa)
                || people::is_honour(fb)
        }
        _ => true,
    }
}

/// The text after a name that describes the person: "MP" kept only when it stands alone or
/// before a comma ("MP, Shadow Minister"); other post-nominals dropped.
pub(super) fn role_after_name(rest: &str) -> String {
    let mut rest = rest.trim();
    while let Some((word, tail)) = rest.split_once(' ').or(Some((rest, ""))) {
        let is_mp = word.eq_ignore_ascii_case("mp");
        if word.is_empty() || !people::is_post_nominal(word) || (is_mp && tail.is_empty()) {
            break;
        }
        if is_mp && word.ends_with(',') {
            break;
        }
        rest = tail.trim();
    }
    rest.to_string()
}

static LETTER_FROM_TO: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bletter\s+from\s+(?P<a>.+?)\s+to\s+(?P<b>.+?)(?:,?\s+(?:dated|of)\s+[0-9]|:|$)"));
static LETTER_TO_FROM: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bletter\s+to\s+(?P<b>.+?)\s+from\s+(?P<a>.+?)(?:,?\s+(?:dated|of)\s+[0-9]|:|$)"));
static LETTER_FROM: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bletter\s+from\s+(?P<a>.+?)(?:,?\s+(?:dated|of)\s+[0-9]|:|$)"));
static TITLE_A_TO_B: LazyLock<Regex> = LazyLock::new(|| re(r"^(?P<a>[^:]{3,60}?)\s+to\s+(?P<b>[^:]{3,60}?)\s+-\s+\S"));
static WRITTEN_BY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:note|memorandum|letter|submission|statement)\b.*?\b(?:by|from)\s+(?P<a>[^()]+?)\s*(?:\(|$)")
});
static FROM_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?i:from)\s+(?P<a>the\s+.+)$"));
static HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?i:(?P<k>from|to)):\s*(?P<n>[^<]*?)\s*(?:<(?P<e>[^>\s]+@[^>\s]+)>)?\s*$"));
static ATTENTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:for\s+the\s+attention\s+of|f\.?a\.?o\.?|attention|attn)\s*:?\s+(?P<n>.+)$"));
static AS_ROLE_OF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?i:as)\s+(?P<r>(?:the\s+)?[A-Z][A-Za-z\-]*(?:\s+[A-Z][A-Za-z\-]*){0,4})\s+of\s+the\s+(?P<o>[A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*){0,5}),",
    )
});
static REPLYING_AS: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\breplying\s+as\s+(?P<r>[A-Z][^.]{3,80}?)\."));
static REPLY_FROM: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\breply\s+from\s+the\s+(?P<r>(?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+)){0,3})"));
static PARLIAMENTARY_QUESTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\byour\s+(?:recent\s+|earlier\s+)?parliamentary\s+question"));
static AGENCY: LazyLock<Regex> = LazyLock::new(|| re(r"\bthe\s+(?P<o>(?:[A-Z][a-z]+\s+){1,4}Agency)\b"));

/// The sender and the recipient of a letter.
pub(crate) fn find(doc: &Doc) -> (Party, Party) {
    let mut sender = Party::default();
    let mut recipient = Party::default();
    let consumed = headings(doc, &mut sender, &mut recipient);
    let layout = blocks::Layout::read(doc);
    signature::signature(doc, &layout, &mut sender);
    let salutation = layout.salutation.and_then(|i| doc.lines.get(i)).map(|l| blocks::Salutation::read(l));
    blocks::top(doc, &layout, &consumed, salutation.as_ref(), &mut sender, &mut recipient);
    if let Some(role) = REPLY_FROM.captures(&doc.flat).and_then(|c| c.name("r"))
        && roles::is_role_line(role.as_str())
    {
        sender.set_role(role.as_str(), 0.5);
    }
    if PARLIAMENTARY_QUESTION.is_match(&doc.flat) && !recipient.marks.peer {
        // Only Members ask Parliamentary Questions.
        recipient.marks.mp = true;
        recipient.set_role("MP", 0.4);
    }
    if let Some(caps) = AS_ROLE_OF.captures(&doc.flat) {
        let role = caps.name("r").map_or("", |m| m.as_str());
        if roles::is_role_line(role) {
            sender.set_role(role.trim_start_matches("the "), 0.6);
            if let Some(org) = caps.name("o") {
                sender.set_org(org.as_str(), 0.6);
            }
        }
    }
    if let Some(role) = REPLYING_AS.captures(&doc.flat).and_then(|c| c.name("r")) {
        sender.set_role(role.as_str(), 0.6);
    }
    if sender.org.is_none()
        && sender.role.as_ref().is_some_and(|r| is_official(&r.value))
        && let Some(org) = AGENCY.captures(&doc.flat).and_then(|c| c.name("o"))
    {
        sender.set_org(org.as_str(), 0.4);
    }
    for party in [&mut sender, &mut recipient] {
        if party.marks.councillor {
            party.set_role("Councillor", 0.4);
        }
        let office = party.role.as_ref().is_some_and(|r| is_official(&r.value));
        if party.marks.mp && party.org.is_none() && !office {
            party.set_org("House of Commons", 0.4);
        }
        if party.marks.mp && party.role.is_none() {
            party.set_role("MP", 0.4);
        }
        if party.marks.peer && party.org.is_none() {
            party.set_org("House of Lords", 0.4);
        }
    }
    (sender, recipient)
}

/// Reads a descriptor from a heading ("the Chairman", "Rt Hon Alun Michael MP, Minister …").
fn descriptor(text: &str, party: &mut Party, confidence: f32) {
    let text = text.trim().trim_end_matches([',', ':', '.']);
    if let Some(person) = person_prefix(text) {
        party.take_person(&person, confidence);
    } else {
        let described = text
            .strip_prefix("the ")
            .or_else(|| text.strip_prefix("The "))
            .or_else(|| text.strip_prefix("Madam "))
            .or_else(|| text.strip_prefix("Mr "))
            .unwrap_or(text);
        party.describe(described, confidence * 0.9);
    }
}

fn headings(doc: &Doc, sender: &mut Party, recipient: &mut Party) -> Vec<usize> {
    let mut consumed = Vec::new();
    let first: Vec<(usize, &str)> = doc.non_empty().take(4).collect();
    for (n, &(index, line)) in first.iter().enumerate().take(3) {
        // A heading that wrapped: "… Minister of State for Industry and the" / "Regions, …".
        let joined;
        let line = match first.get(n + 1) {
            Some(&(next_index, next))
                if next_index == index + 1
                    && line.to_lowercase().contains("letter ")
                    && !line.ends_with([':', '.'])
                    && next.len() < 70
                    && !next.contains(". ") =>
            {
                consumed.push(next_index);
                joined = format!("{line} {next}");
                joined.as_str()
            }
            _ => line,
        };
        let from_pos = line.to_lowercase().find("letter from");
        let to_pos = line.to_lowercase().find("letter to");
        let caps = match (from_pos, to_pos) {
            (Some(f), Some(t)) if t < f => LETTER_TO_FROM.captures(line),
            (None, Some(_)) => LETTER_TO_FROM.captures(line),
            (Some(_), _) => LETTER_FROM_TO.captures(line).or_else(|| LETTER_FROM.captures(line)),
            _ => None,
        };
        if let Some(caps) = caps {
            if let Some(a) = caps.name("a") {
                descriptor(a.as_str(), sender, 0.9);
            }
            if let Some(b) = caps.name("b") {
                descriptor(b.as_str(), recipient, 0.9);
            }
            consumed.push(index);
            continue;
        }
        if let Some(caps) = TITLE_A_TO_B.captures(line) {
            let a = caps.name("a").map_or("", |m| m.as_str());
            let b = caps.name("b").map_or("", |m| m.as_str());
            if let (Some(pa), Some(pb)) = (person_prefix(a), person_prefix(b)) {
                sender.take_person(&pa, 0.85);
                recipient.take_person(&pb, 0.85);
                consumed.push(index);
                continue;
            }
        }
        if let Some(a) = WRITTEN_BY.captures(line).and_then(|c| c.name("a")) {
            descriptor(a.as_str(), sender, 0.8);
            consumed.push(index);
        }
    }
    consumed
}

/// Reads a header line of a printed email or memo ("From: Name <address>", "To: …").
fn header(line: &str, sender: &mut Party, recipient: &mut Party) -> bool {
    let Some(caps) = HEADER.captures(line) else {
        return false;
    };
    let party = match caps.name("k").map(|k| k.as_str().to_lowercase()) {
        Some(k) if k == "from" => sender,
        _ => recipient,
    };
    let name = caps.name("n").map_or("", |m| m.as_str()).trim_matches('"');
    if let Some(person) = person_prefix(name) {
        party.take_person(&person, 0.85);
    } else if !name.is_empty() {
        party.describe(name, 0.6);
    }
    if let Some(email) = caps.name("e") {
        party.email = Some(email.as_str().to_string());
    }
    true
}

/// The kind of correspondent a party is, from their titles, role and organisation.
pub(crate) fn correspondent_type(party: &Party) -> Found<CorrespondentType> {
    let role = party.role.as_ref().map_or("", |r| r.value.as_str()).to_lowercase();
    let org = party.org.as_ref().map_or("", |o| o.value.as_str()).to_lowercase();
    let (kind, confidence) = if party.marks.councillor || role.contains("councillor") {
        (CorrespondentType::Councillor, 0.9)
    } else if party.marks.peer || org.contains("house of lords") {
        (CorrespondentType::Peer, 0.85)
    } else if party.marks.mp || role == "mp" || role.contains("member of parliament") {
        (CorrespondentType::Mp, 0.9)
    } else if is_official(&role) || is_official(&org) {
        (CorrespondentType::Official, 0.7)
    } else if party.name.is_some() {
        (CorrespondentType::MemberOfPublic, 0.6)
    } else if party.org.is_some() || party.role.is_some() {
        (CorrespondentType::Organisation, 0.5)
    } else {
        (CorrespondentType::MemberOfPublic, 0.3)
    };
    Found::new(kind, confidence)
}
