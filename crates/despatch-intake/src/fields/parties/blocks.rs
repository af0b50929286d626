//! The layout of a letter: the blocks above the salutation (letterhead, recipient's address),
//! the salutation, and the sign-off.

use super::roles::{is_org_line, is_role_line, is_subunit, org_in};
use super::{ATTENTION, FROM_LINE, Party, descriptor, header};
use crate::fields::clean::{Doc, re};
use crate::fields::people::{self, Person, is_courtesy_title, is_honour, is_name_token, person_prefix, same_word};
use crate::fields::{date, postcode};
use regex::Regex;
use std::sync::LazyLock;

static CLOSING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:yours\s+(?:sincerely|faithfully|truly|ever|aye)|(?:with\s+)?(?:kind|best|warm|many)\s+(?:regards|wishes|thanks)|regards|sincerely)\b[\s,.!]*$",
    )
});
static LETTERHEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:tel|t|telephone|phone|direct\s+line|switchboard|fax|e-?mail|e|web(?:\s*site)?|gtn(?:\s+no)?|divisional\s+enquiries)\b\s*[:.]|www\.|@",
    )
});
static NOT_SALUTATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:sir|madam|sirs|sir\s*(?:or|/)\s*madam|madam\s*(?:or|/)\s*sir|colleague|colleagues|all|friend|friends|team|customer|correspondent)$",
    )
});

/// Where the landmarks of a letter are.
pub(crate) struct Layout {
    /// Line of the salutation ("Dear …").
    pub salutation: Option<usize>,
    /// Line of the closing ("Yours sincerely").
    pub closing: Option<usize>,
}

impl Layout {
    pub fn read(doc: &Doc) -> Self {
        let salutation = doc.non_empty().find(|(_, l)| is_salutation(l)).map(|(i, _)| i);
        let closing = doc.non_empty().filter(|(_, l)| CLOSING.is_match(l)).map(|(i, _)| i).last();
        Layout { salutation, closing }
    }
}

fn is_salutation(line: &str) -> bool {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let Some(first) = tokens.first() else {
        return false;
    };
    if first.eq_ignore_ascii_case("dear") {
        return tokens.len() >= 2 && tokens.len() <= 8;
    }
    // OCR: "Bear Ulr Pander" for "Dear Cllr Pandor": a word one letter from "Dear", then a
    // short run of capitalised words and nothing else.
    people::distance(first, "dear") == 1
        && first.starts_with(char::is_uppercase)
        && (2..=4).contains(&tokens.len())
        && tokens.iter().skip(1).all(|t| t.starts_with(char::is_uppercase))
}

/// What a salutation says about the addressee.
#[derive(Debug, Default)]
pub(crate) struct Salutation {
    /// A given name ("Dear Yvette", "Dear Sir David").
    pub first: Option<String>,
    /// A surname ("Dear Ms Berry").
    pub surname: Option<String>,
    /// A whole name ("Dear F Thompson").
    pub full: Option<String>,
    /// An office ("Dear Secretary of State").
    pub role: Option<String>,
    /// An organisation ("Dear Her Majesty's Treasury").
    pub org: Option<String>,
}

fn looks_like_title(token: &str) -> bool {
    if is_courtesy_title(token) || is_honour(token) {
        return true;
    }
    let t = token.trim_end_matches('.').to_lowercase();
    let n = t.chars().count();
    (n == 2 && ["mr", "ms", "dr"].iter().any(|k| people::distance(&t, k) <= 1))
        || ((3..=4).contains(&n) && ["cllr", "mrs", "miss", "lord"].iter().any(|k| people::distance(&t, k) <= 2))
}

impl Salutation {
    pub fn read(line: &str) -> Self {
        let rest: String = line.split_whitespace().skip(1).collect::<Vec<_>>().join(" ");
        let rest = rest.trim_end_matches([',', ':', ';', '.', ' ']);
        let mut out = Salutation::default();
        if NOT_SALUTATION.is_match(rest) {
            return out;
        }
        if is_org_line(rest) && !is_role_line(rest) {
            out.org = Some(rest.to_string());
            return out;
        }
        if is_role_line(rest) {
            out.role = Some(rest.to_string());
            return out;
        }
        let tokens: Vec<&str> = rest.split_whitespace().collect();
        if !tokens.iter().all(|t| is_name_token(t) || looks_like_title(t)) {
            return out;
        }
        match tokens.as_slice() {
            [] => {}
            [one] => out.first = Some((*one).to_string()),
            [title, name] if is_honour(title) && matches!(title.to_lowercase().as_str(), "sir" | "dame") => {
                out.first = Some((*name).to_string());
                out.full = Some(format!("{title} {name}"));
            }
            [title, rest @ ..] if looks_like_title(title) => {
                out.surname = rest.last().map(|s| (*s).to_string());
            }
            [first, .., last] => {
                out.first = Some((*first).to_string());
                out.surname = Some((*last).to_string());
                out.full = Some(tokens.join(" "));
            }
        }
        out
    }

    /// Whether a name from an address block fits this salutation. Returns the name cut after
    /// the word the salutation names, for lines where the name ran into the organisation.
    fn fits(&self, name: &str, exact: bool) -> Option<String> {
        let same = |a: &str, b: &str| {
            if exact {
                a.trim_end_matches(['.', ',']).eq_ignore_ascii_case(b.trim_end_matches(['.', ',']))
            } else {
                same_word(a, b)
            }
        };
        let words: Vec<&str> = name.split_whitespace().collect();
        if let Some(surname) = &self.surname
            && let Some(at) = words.iter().rposition(|w| same(w, surname))
        {
            return Some(words.get(..=at).unwrap_or(&words).join(" "));
        }
        if let Some(first) = &self.first
            && words.iter().take(2).any(|w| same(w, first) && !is_honour(w))
        {
            return Some(name.to_string());
        }
        None
    }

    fn has_name(&self) -> bool {
        self.first.is_some() || self.surname.is_some()
    }
}

/// A block of lines above the salutation, opened by a person's name or not.
struct Block<'a> {
    person: Option<Person>,
    lines: Vec<&'a str>,
    letterhead: bool,
    postcode: bool,
}

fn read_blocks<'a>(
    doc: &'a Doc,
    end: usize,
    consumed: &[usize],
    sender: &mut Party,
    recipient: &mut Party,
) -> Vec<Block<'a>> {
    let mut blocks: Vec<Block<'a>> = Vec::new();
    let mut open = false;
    for (index, line) in doc.lines.iter().enumerate().take(end.min(40)) {
        let line = line.as_str();
        if consumed.contains(&index) {
            open = false;
            continue;
        }
        if line.is_empty() {
            // A blank line ends a finished address block; inside one it is only spacing (OCR
            // puts a blank line between the lines of an address).
            if blocks.last().is_none_or(|b| b.postcode || b.letterhead) {
                open = false;
            }
            continue;
        }
        if header(line, sender, recipient) {
            open = false;
            continue;
        }
        if let Some(name) = ATTENTION.captures(line).and_then(|c| c.name("n")) {
            match person_prefix(name.as_str()) {
                Some(person) => recipient.take_person(&person, 0.9),
                None => recipient.describe(name.as_str(), 0.7),
            }
            open = false;
            continue;
        }
        if let Some(a) = FROM_LINE.captures(line).and_then(|c| c.name("a")) {
            descriptor(a.as_str(), sender, 0.7);
            open = false;
            continue;
        }
        // "From Jane Smith MP" on a letterhead: the writer's own block.
        let line = match line.strip_prefix("From ") {
            Some(rest) if person_prefix(rest).is_some() => {
                open = false;
                rest
            }
            _ => line,
        };
        let is_date = date::find_dates(line).first().is_some_and(|h| h.end + 2 >= line.len());
        if is_date && line.len() < 40 {
            open = false;
            continue;
        }
        let person = person_prefix(line).filter(|p| {
            let words = line.split_whitespace().count();
            p.marks.titled || (!open && words <= 6)
        });
        if person.is_some() || !open {
            blocks.push(Block { person, lines: Vec::new(), letterhead: false, postcode: false });
        }
        open = true;
        if let Some(block) = blocks.last_mut() {
            block.letterhead |= LETTERHEAD.is_match(line);
            block.postcode |= postcode::find(line).is_some();
            block.lines.push(line);
        }
    }
    blocks
}

/// Details of a block after the name: the office (role lines and sub-units such as "FOI
/// Advice Team"), the organisation, and the address from the organisation to the postcode.
fn block_details(block: &Block, first_rest: Option<&str>, party: &mut Party, with_address: bool, confidence: f32) {
    let mut address: Vec<String> = Vec::new();
    let mut role: Vec<String> = Vec::new();
    let body = block.lines.iter().skip(usize::from(block.person.is_some()));
    let first_rest = first_rest
        .map(super::role_after_name)
        .filter(|r| !r.is_empty() && !r.split_whitespace().all(people::is_post_nominal));
    for line in first_rest.iter().map(String::as_str).chain(body.copied()) {
        let mut line = line.to_string();
        if let Some(hit) = date::find_dates(&line).last().copied()
            && hit.end + 2 >= line.len()
            && hit.start > 0
        {
            line = line.get(..hit.start).unwrap_or(&line).trim().to_string();
        }
        if LETTERHEAD.is_match(&line) {
            break;
        }
        let found = postcode::find(&line);
        let has_postcode = found.is_some();
        if let Some((start, end, code)) = found {
            // The validated postcode replaces what was printed ("SW1A OAA" from OCR).
            line = format!("{}{code}{}", line.get(..start).unwrap_or(""), line.get(end..).unwrap_or(""));
        }
        let head = line.split(',').next().unwrap_or(&line).trim().to_string();
        if address.is_empty() && postcode::find(&head).is_none() {
            let whole_org = org_in(&head).is_some_and(|o| o.len() + 4 >= head.len());
            if whole_org || (is_org_line(&head) && !is_role_line(&head) && !is_subunit(&head)) {
                party.set_org(&head, confidence);
                address.push(line);
                continue;
            }
            if !has_postcode && (is_role_line(&line) || is_subunit(&line)) {
                // "To the Chief Executive" names the office addressed.
                let office = line.strip_prefix("To the ").or_else(|| line.strip_prefix("To ")).unwrap_or(&line);
                role.push(office.to_string());
                continue;
            }
        }
        address.push(line);
        if has_postcode {
            break;
        }
    }
    if !role.is_empty() {
        party.set_role(&role.join(", "), confidence);
    }
    if with_address && block.postcode && !address.is_empty() {
        let parts: Vec<&str> = address.iter().map(|l| l.trim().trim_end_matches(',').trim_end()).collect();
        put_address(party, &parts.join(", "), confidence);
    }
}

fn put_address(party: &mut Party, address: &str, confidence: f32) {
    if party.address.is_none() {
        party.address = Some(crate::fields::Found::new(address.to_string(), confidence));
    }
}

/// The blocks above the salutation: the recipient's name and address, and the sender's
/// letterhead.
pub(crate) fn top(
    doc: &Doc,
    layout: &Layout,
    consumed: &[usize],
    salutation: Option<&Salutation>,
    sender: &mut Party,
    recipient: &mut Party,
) {
    let end = layout.salutation.unwrap_or_else(|| {
        doc.non_empty().find(|(_, l)| l.split_whitespace().count() > 14).map_or(doc.lines.len(), |(i, _)| i)
    });
    let blocks = read_blocks(doc, end, consumed, sender, recipient);
    let empty = Salutation::default();
    let salutation = salutation.unwrap_or(&empty);
    let mut chosen: Option<(usize, String)> = None;
    // 1. The block of the recipient already named, or a block that fits the salutation:
    //    exactly first, then allowing for OCR errors.
    'search: for exact in [true, false] {
        for (index, block) in blocks.iter().enumerate() {
            let Some(person) = &block.person else {
                continue;
            };
            if recipient.same_person(&person.name) {
                chosen = Some((index, person.rest.clone()));
                break 'search;
            }
            if sender.same_person(&person.name) || recipient.name.is_some() {
                continue;
            }
            if let Some(name) = salutation.fits(&person.name, exact) {
                let cut = person.name.get(name.len()..).unwrap_or("").trim();
                let rest = format!("{cut} {}", person.rest).trim().to_string();
                let fitted = Person { name, rest: String::new(), marks: person.marks.clone() };
                recipient.take_person(&fitted, if exact { 0.9 } else { 0.8 });
                chosen = Some((index, rest));
                break 'search;
            }
        }
    }
    // 2. With no name in the salutation, the last titled block that is not the sender's.
    if chosen.is_none() && !salutation.has_name() && recipient.name.is_none() {
        let found = blocks.iter().rposition(|b| {
            b.person.as_ref().is_some_and(|p| p.marks.titled && !sender.same_person(&p.name)) && !b.letterhead
        });
        if let Some((index, person)) = found.and_then(|i| blocks.get(i).and_then(|b| b.person.clone()).map(|p| (i, p)))
        {
            recipient.take_person(&Person { rest: String::new(), ..person.clone() }, 0.6);
            chosen = Some((index, person.rest));
        }
    }
    if let Some((block, rest)) = chosen.as_ref().and_then(|(i, r)| blocks.get(*i).map(|b| (b, r))) {
        block_details(block, Some(rest), recipient, true, 0.8);
    } else {
        // 3. The salutation alone, and the last plain address block for the address.
        if let Some(full) = &salutation.full {
            recipient.set_name(full, 0.7);
        } else if let Some(first) = &salutation.first {
            recipient.set_name(first, 0.5);
        } else if let Some(surname) = &salutation.surname {
            recipient.set_name(surname, 0.4);
        }
        let address_block = blocks
            .iter()
            .rposition(|b| b.postcode && !b.letterhead && b.person.is_none())
            .filter(|i| *i > 0 || blocks.len() == 1 && sender.name.is_some());
        if let Some(index) = address_block
            && let Some(block) = blocks.get(index)
        {
            block_details(block, None, recipient, true, 0.6);
            chosen = Some((index, String::new()));
        }
    }
    if let Some(role) = &salutation.role {
        recipient.set_role(role, 0.5);
    }
    if let Some(org) = &salutation.org {
        recipient.set_org(org, 0.5);
    }
    let chosen = chosen.map(|(i, _)| i);
    // The sender's own block: the block with their name, or a named letterhead block.
    let own = blocks.iter().enumerate().find(|(i, b)| {
        Some(*i) != chosen
            && b.person.as_ref().is_some_and(|p| {
                sender.same_person(&p.name)
                    || (sender.name.is_none()
                        && !recipient.same_person(&p.name)
                        && salutation.fits(&p.name, true).is_none())
            })
    });
    if let Some((_, block)) = own {
        if let Some(person) = &block.person {
            // The fuller form of the same name ("Joan Whitfield" for a signature "J. Whitfield").
            let initial = sender
                .name
                .as_ref()
                .and_then(|n| n.value.split_whitespace().next())
                .is_some_and(|w| w.trim_end_matches('.').chars().count() == 1);
            if initial && person.name.len() > sender.name.as_ref().map_or(0, |n| n.value.len()) {
                sender.name = None;
            }
            sender.take_person(&Person { rest: String::new(), ..person.clone() }, 0.6);
            block_details(block, Some(&person.rest), sender, false, 0.85);
        }
    } else if sender.org.is_none() {
        let head = blocks
            .iter()
            .enumerate()
            .filter(|(i, _)| chosen.is_none_or(|c| *i < c))
            .flat_map(|(_, b)| b.lines.iter().copied())
            .filter(|l| l.split_whitespace().count() <= 8)
            .find_map(org_in);
        if let Some(org) = head {
            sender.set_org(&org, 0.6);
        }
    }
}
