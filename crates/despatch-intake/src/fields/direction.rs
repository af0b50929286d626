//! Direction: a letter is a `reply` when a government body wrote it, `incoming` when it was
//! written to one. Decided from who each side is, then from what the letter says of itself.

use super::clean::{Doc, re};
use super::parties::is_official;
use super::{Direction, Found, Party};
use regex::Regex;
use std::sync::LazyLock;

static REPLY_PHRASES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:i\s+am\s+(?:therefore\s+)?replying|in\s+reply\s+to\s+your|asked\s+me\s+to\s+(?:reply|write\s+to\s+you|respond)|in\s+response\s+to\s+your\s+(?:recent\s+)?parliamentary\s+question|your\s+(?:recent\s+)?parliamentary\s+question|substantive\s+reply|your\s+request\s+for\s+information|acknowledge\s+receipt|our\s+ref(?:erence)?\b|your\s+ref(?:erence)?\b|i\s+hope\s+(?:you\s+find\s+)?this\s+(?:reply|answer|letter)\s+(?:is\s+)?helpful|your\s+constituent|on\s+behalf\s+of\s+your\s+constituent|i\s+have\s+(?:looked|considered)\s+(?:at\s+|into\s+)?your)",
    )
});
static INCOMING_PHRASES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:i\s+am\s+writing\s+(?:to|on\s+behalf)|we\s+are\s+writing\s+to|please\s+provide|my\s+constituent|i\s+would\s+(?:welcome|be\s+grateful\s+for)\s+your|i\s+(?:urge|ask)\s+(?:you|that|the)|could\s+you\s+(?:please\s+)?(?:tell|confirm|explain|look)|i\s+should\s+be\s+grateful\s+if\s+you\s+would|yours\s+faithfully|we\s+would\s+welcome|i\s+would\s+welcome\s+a\s+meeting)",
    )
});

fn party_official(party: &Party) -> bool {
    let role = party.role.as_ref().map_or("", |r| r.value.as_str());
    let org = party.org.as_ref().map_or("", |o| o.value.as_str());
    let both = format!("{role}, {org}");
    is_official(&both) || (org.is_empty() && is_official(role)) || (role.is_empty() && is_official(org))
}

/// Decides the direction of a letter.
pub(crate) fn decide(doc: &Doc, sender: &Party, recipient: &Party) -> Found<Direction> {
    let sender_official = party_official(sender);
    let recipient_official = party_official(recipient);
    let mut score: i32 = 0;
    if sender_official {
        score += 3;
    }
    if recipient_official {
        score -= 3;
    }
    let replying = i32::try_from(REPLY_PHRASES.find_iter(&doc.flat).count()).unwrap_or(i32::MAX);
    let incoming = i32::try_from(INCOMING_PHRASES.find_iter(&doc.flat).count()).unwrap_or(i32::MAX);
    score += replying.min(3) - incoming.min(3);
    let direction = if score > 0 { Direction::Reply } else { Direction::Incoming };
    let strength = u16::try_from(score.unsigned_abs().min(8)).unwrap_or(8);
    let confidence = (0.5 + 0.06 * f32::from(strength)).min(0.95);
    Found::new(direction, confidence)
}
