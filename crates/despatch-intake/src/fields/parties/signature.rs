//! The sign-off: the name and office under "Yours sincerely", or at the foot of a letter with
//! no closing (above its date and footnotes).

use super::Party;
use super::blocks::Layout;
use super::roles::{is_org_line, is_role_line, is_subunit, org_in};
use crate::fields::clean::{Doc, re};
use crate::fields::people::person_prefix;
use crate::fields::{date, postcode};
use regex::Regex;
use std::sync::LazyLock;

static FOOTNOTE: LazyLock<Regex> = LazyLock::new(|| re(r"^[0-9]{1,2}\s+\S|^\*[\s*]*$"));

/// The sign-off: the name and office under "Yours sincerely", or, without a closing, the name
/// at the foot of the letter above its date.
pub(crate) fn signature(doc: &Doc, layout: &Layout, sender: &mut Party) {
    let lines: Vec<(usize, &str)> = match layout.closing {
        Some(closing) => doc.non_empty().filter(|(i, _)| *i > closing).take(6).collect(),
        None => tail(doc),
    };
    let mut flat = String::new();
    let mut role: Vec<String> = Vec::new();
    let mut started = false;
    for (n, (_, line)) in lines.iter().enumerate() {
        if line.split_whitespace().count() > 14 {
            break;
        }
        flat.push_str(line);
        flat.push(' ');
        if n == 0
            && let Some(person) = person_prefix(line)
        {
            sender.take_person(&person, 0.9);
            started = true;
            continue;
        }
        if postcode::find(line).is_some() {
            break;
        }
        let first_part = line.split('|').next().unwrap_or(line).trim();
        let whole_org = org_in(first_part).is_some_and(|o| o.len() + 4 >= first_part.len());
        if whole_org || (is_org_line(first_part) && !is_role_line(first_part) && !is_subunit(first_part)) {
            sender.set_org(first_part, 0.8);
        } else if is_role_line(first_part) || is_subunit(first_part) {
            role.push(first_part.to_string());
        } else if started || !role.is_empty() {
            break;
        }
        started = true;
    }
    if !role.is_empty() {
        sender.set_role(&role.join(", "), 0.8);
    }
    if let Some(org) = org_in(&flat) {
        sender.set_org(&org, 0.85);
    }
}

/// The foot of a letter with no closing: from the last line up, skipping dates and footnotes,
/// the short lines that could be a signature, in reading order. An address block at the foot
/// is read from its first line.
fn tail(doc: &Doc) -> Vec<(usize, &str)> {
    let mut picked: Vec<(usize, &str)> = Vec::new();
    let mut in_address = false;
    let lines: Vec<(usize, &str)> = doc.non_empty().collect();
    for (i, line) in lines.iter().rev().take(12) {
        let is_date = date::find_dates(line).first().is_some_and(|h| h.start == 0 && line.len() - h.end < 3);
        if picked.is_empty() && (is_date || FOOTNOTE.is_match(line)) {
            continue;
        }
        if is_date {
            continue;
        }
        if postcode::find(line).is_some() {
            in_address = true;
        }
        let words = line.split_whitespace().count();
        if words > 8 || line.ends_with('.') && words > 3 {
            break;
        }
        picked.push((*i, line));
    }
    picked.reverse();
    if in_address {
        return picked;
    }
    // Only the lines from the last name-like line on belong to the signature.
    if let Some(start) = picked.iter().rposition(|(_, l)| person_prefix(l).is_some()) {
        picked.drain(..start);
    } else {
        picked.retain(|(_, l)| is_role_line(l) || is_org_line(l));
        picked.truncate(1);
    }
    picked
}
