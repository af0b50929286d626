//! Words of office and of organisation, and whether a text names a public (official) body.

use super::super::clean::re;
use regex::Regex;
use std::sync::LazyLock;

static ROLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:minister|secretary|chair|chairman|chairwoman|chief|director|head|officer|commissioner|speaker|leader|manager|clerk|advis[eo]r|president|councillor|deputy|treasurer|chancellor|attorney|solicitor\s+general|whip|team|unit|caseworker|member\s+of\s+parliament|mp|private\s+office)\b",
    )
});
static ORG_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:the\s+)?(?:department|ministry|house\s+of|hm\b|her\s+majesty|his\s+majesty|office\s+(?:of|for))")
});
static ORG: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:department|ministry|office|treasury|agency|council|committee|house\s+of\s+(?:commons|lords)|authority|trust|commission|inquiry|board|revenue|customs|university|charity|association|society|foundation|institute|company|ltd|plc|division|directorate|government|parliament|police|nhs|hm|her\s+majesty's|his\s+majesty's|executive)\b",
    )
});
static OFFICIAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:minister|secretary\s+of\s+state|home\s+secretary|chancellor|chief\s+secretary|financial\s+secretary|economic\s+secretary|permanent\s+secretary|under[\s\-]+secretary|department\s+(?:for|of)|ministry|home\s+office|cabinet\s+office|foreign\s+office|treasury|agency|chief\s+executive|commissioner|speaker|private\s+(?:office|secretary)|information\s+rights|foi|freedom\s+of\s+information|correspondence\s+unit|revenue\s+and\s+customs|hmrc|chief\s+statistician|chief\s+data\s+officer|civil\s+service|government|directorate|statistics\s+authority)\b",
    )
});
static NOT_OFFICIAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:shadow|trust|charity|association|society|foundation|ltd|plc|council|committee|campaign|union|opposition)\b",
    )
});
static ORG_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:HM\s+(?:Treasury|Revenue\s+(?:and|&)\s+Customs|Prison\s+and\s+Probation\s+Service|Courts\s+and\s+Tribunals\s+Service|Land\s+Registry|Passport\s+Office)|Her\s+Majesty's\s+Treasury|Department\s+(?:for|of)\s+(?:the\s+)?[A-Z][a-z]+(?:(?:,\s+|\s+and\s+|\s+)(?:the\s+)?[A-Z][a-z]+){0,5}|Ministry\s+of\s+[A-Z][a-z]+(?:(?:,\s+|\s+and\s+|\s+)[A-Z][a-z]+){0,4}|(?:Home|Cabinet|Northern\s+Ireland|Scotland|Wales|Foreign)\s+Office|(?i:House\s+of\s+(?:Commons|Lords))|(?:[A-Z][a-z]+\s+){1,4}Agency)\b",
    )
});

static SUBUNIT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:division|directorate|team|unit|section|branch|services)\b"));

/// True if the line names a part of an organisation ("FOI Advice Team", "… Division").
pub(crate) fn is_subunit(text: &str) -> bool {
    SUBUNIT.is_match(text) && !ORG_HEAD.is_match(text)
}

/// True if the line names an office or role ("Chair, Home Affairs Committee").
pub(crate) fn is_role_line(text: &str) -> bool {
    ROLE.is_match(text) && !ORG_HEAD.is_match(text)
}

/// True if the line names an organisation ("Department for Transport").
pub(crate) fn is_org_line(text: &str) -> bool {
    ORG.is_match(text) && !text.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// True if a role or organisation is part of government (a minister, department, agency, an
/// official), as opposed to Parliament, a council, a charity or a member of the public.
pub(crate) fn is_official(text: &str) -> bool {
    OFFICIAL.is_match(text) && !NOT_OFFICIAL.is_match(text)
}

/// The first name of a government body in `text` ("HM Treasury", "Department for Transport").
pub(crate) fn org_in(text: &str) -> Option<String> {
    let found = ORG_NAME.find(text)?.as_str();
    if found.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase) {
        // "HOUSE OF LORDS" on a letterhead.
        let words: Vec<String> = found
            .split_whitespace()
            .map(|w| {
                let lower = w.to_lowercase();
                if lower == "of" {
                    return lower;
                }
                let mut chars = lower.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            })
            .collect();
        return Some(words.join(" "));
    }
    Some(found.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ministers_and_departments_are_official_but_shadow_ministers_and_charities_are_not() {
        assert!(is_official("Minister of State for Policing"));
        assert!(is_official("Department for Transport"));
        assert!(!is_official("MP, Shadow Minister for Schools"));
        assert!(!is_official("Chief Executive, The Riverside Trust"));
        assert!(!is_official("Leader of the Council"));
    }

    #[test]
    fn a_government_body_is_found_in_running_text() {
        assert_eq!(org_in("Rights | HM Treasury, 1 Horse Guards Road").as_deref(), Some("HM Treasury"));
        assert_eq!(
            org_in("Department for Environment, Food and Rural Affairs").as_deref(),
            Some("Department for Environment, Food and Rural Affairs")
        );
    }
}
