//! The tamper-evident audit trail: each event of a case is hashed onto the previous one.
//!
//! `hash = SHA-256(previous hash ‖ 0x1f ‖ case id ‖ 0x1f ‖ sequence ‖ 0x1f ‖ event JSON)`, hex.
//! The first event of a case chains onto [`GENESIS`]. Editing, removing or reordering any event
//! changes every hash after it, which [`verify`] reports.

use sha2::{Digest, Sha256};

/// The "previous hash" of a case's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an event whose canonical JSON is `event_json`, at 1-based position `sequence` of
/// case `case_id`, following `previous` (hex).
pub fn chain_hash(previous: &str, case_id: i64, sequence: u64, event_json: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update([0x1f]);
    hasher.update(case_id.to_string().as_bytes());
    hasher.update([0x1f]);
    hasher.update(sequence.to_string().as_bytes());
    hasher.update([0x1f]);
    hasher.update(event_json.as_bytes());
    hex::encode(hasher.finalize())
}

/// One stored event as read back for verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Case id.
    pub case_id: i64,
    /// 1-based position within the case.
    pub sequence: u64,
    /// The event JSON as stored.
    pub event_json: String,
    /// The stored hash of the previous event.
    pub previous_hash: String,
    /// The stored hash of this event.
    pub hash: String,
}

/// A break in a case's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// Case id.
    pub case_id: i64,
    /// Sequence at which the chain breaks.
    pub sequence: u64,
    /// What is wrong, in a plain sentence.
    pub problem: String,
}

/// Checks one case's events, given in stored order. Reports an edited event (its hash does not
/// match its content), a removed or reordered event (a gap in the sequence, or a previous-hash
/// that does not match the hash before it), and a missing head (`expected_last` is the hash the
/// case row says its last event has).
pub fn verify(events: &[StoredEvent], expected_last: Option<&str>) -> Vec<ChainBreak> {
    let mut breaks = Vec::new();
    let mut previous = GENESIS.to_string();
    let mut expected_sequence = 1;
    for event in events {
        let problem = |problem: String| ChainBreak { case_id: event.case_id, sequence: event.sequence, problem };
        if event.sequence != expected_sequence {
            breaks.push(problem(format!(
                "event {} found where event {expected_sequence} was expected: an event was removed or reordered",
                event.sequence
            )));
        }
        if event.previous_hash != previous {
            breaks.push(problem("does not follow the event before it: the chain was cut or reordered".to_string()));
        }
        let computed = chain_hash(&event.previous_hash, event.case_id, event.sequence, &event.event_json);
        if computed != event.hash {
            breaks.push(problem("its content does not match its hash: the event was edited".to_string()));
        }
        previous = event.hash.clone();
        expected_sequence = event.sequence + 1;
    }
    if let Some(expected) = expected_last
        && expected != previous
        && let Some(case_id) = events.first().map(|event| event.case_id)
    {
        breaks.push(ChainBreak {
            case_id,
            sequence: expected_sequence,
            problem: "the case's last event is missing: events were removed from the end".to_string(),
        });
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(texts: &[&str]) -> Vec<StoredEvent> {
        let mut previous = GENESIS.to_string();
        let mut events = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let sequence = i as u64 + 1;
            let hash = chain_hash(&previous, 7, sequence, text);
            events.push(StoredEvent {
                case_id: 7,
                sequence,
                event_json: text.to_string(),
                previous_hash: previous,
                hash: hash.clone(),
            });
            previous = hash;
        }
        events
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let events = chain(&["a", "b", "c"]);
        let last = events.last().map(|event| event.hash.clone());
        assert!(verify(&events, last.as_deref()).is_empty());
    }

    #[test]
    fn an_edited_event_is_reported_at_its_sequence() {
        let mut events = chain(&["a", "b", "c"]);
        events[1].event_json = "B".to_string();
        let breaks = verify(&events, None);
        assert_eq!(breaks.len(), 1);
        assert_eq!(breaks[0].sequence, 2);
        assert!(breaks[0].problem.contains("edited"));
    }

    #[test]
    fn a_removed_event_is_reported() {
        let mut events = chain(&["a", "b", "c"]);
        events.remove(1);
        assert!(verify(&events, None).iter().any(|b| b.sequence == 3 && b.problem.contains("removed")));
    }

    #[test]
    fn reordered_events_are_reported() {
        let mut events = chain(&["a", "b", "c"]);
        events.swap(1, 2);
        assert!(!verify(&events, None).is_empty());
    }

    #[test]
    fn a_removed_last_event_is_reported_against_the_case_head() {
        let events = chain(&["a", "b", "c"]);
        let head = events[2].hash.clone();
        assert!(!verify(&events[..2], Some(&head)).is_empty());
    }
}
