//! Correspondents matched against the MP and council registers and known correspondents.

mod common;

use despatch_intake::register::{Known, Matcher, Registers, Source};
use despatch_intake::{Hints, Options, extract};
use std::sync::Arc;

fn registers() -> Registers {
    let dir = common::shared_letters().join("..");
    Registers::load(&dir).expect("registers in shared/data")
}

fn correspondent_matches(text: &str, registers: &Registers, known: &[Known]) -> Vec<despatch_intake::register::Match> {
    let fields = extract(text, &Hints::default());
    Matcher::new(registers, known).candidates(fields.correspondent())
}

#[test]
fn an_mp_written_with_titles_is_matched_to_the_register_and_applied() {
    let registers = registers();
    let matches = correspondent_matches(
        "Rt Hon Yvette Cooper MP\nHouse of Commons\nLondon SW1A 0AA\n\nDear Yvette,\n\n\
         I am writing to ask for a meeting.\n\nYours sincerely,\n\nRt Hon Yvette Cooper MP",
        &registers,
        &[],
    );
    let best = matches.first().expect("a match");
    assert_eq!((best.source, best.id.as_str()), (Source::Mp, "420"));
    assert!(best.applied);
}

#[test]
fn a_misspelt_name_without_mp_is_shown_but_not_applied() {
    let registers = registers();
    let matches = correspondent_matches(
        "Dear Minister,\n\nI am writing to ask about school funding.\n\nYours sincerely,\n\nYvette Coopr",
        &registers,
        &[],
    );
    let best = matches.first().expect("a candidate is still shown");
    assert_eq!(best.name, "Yvette Cooper");
    assert!(best.confidence < 0.85, "{best:?}");
    assert!(!best.applied);
}

#[test]
fn mps_sharing_a_surname_are_told_apart_by_the_given_name() {
    let registers = registers();
    let matches = correspondent_matches(
        "Dear Minister,\n\nI am writing about my constituent.\n\nYours sincerely,\n\nDaisy Cooper MP",
        &registers,
        &[],
    );
    let best = matches.first().expect("a match");
    assert_eq!(best.name, "Daisy Cooper");
    assert!(best.applied);
    assert!(matches.iter().skip(1).all(|m| m.confidence < best.confidence - 0.05));
}

#[test]
fn a_council_is_matched_from_the_councillors_address_block() {
    let registers = registers();
    let text = std::fs::read_to_string(common::shared_letters().join("000-MIN-0017733-18.txt")).expect("letter 000");
    let matches = correspondent_matches(&text, &registers, &[]);
    let best = matches.first().expect("a council");
    assert_eq!((best.source, best.id.as_str()), (Source::Council, "E08000034"));
    assert!(best.applied);
}

#[test]
fn a_known_correspondent_is_matched_by_name_and_postcode() {
    let known = [
        Known { id: "c-17".into(), name: "Margaret Ellison".into(), email: None, postcode: Some("LS13 4QT".into()) },
        Known { id: "c-18".into(), name: "Margaret Allison".into(), email: None, postcode: None },
    ];
    let matches = correspondent_matches(
        "Dear Sir,\n\nI am writing to complain.\n\nYours faithfully,\n\nMargaret Ellison",
        &Registers::default(),
        &known,
    );
    let best = matches.first().expect("a known correspondent");
    assert_eq!(best.id, "c-17");
    assert!(!best.applied, "a name alone, with a near namesake, is not enough: {matches:?}");
}

#[test]
fn reading_a_letter_with_registers_fills_the_matches() {
    let options = Options { registers: Some(Arc::new(registers())), ..Options::default() };
    let intakes = despatch_intake::read_file(&common::shared_letters().join("012.txt"), &options).expect("letter 012");
    let intake = intakes.first().expect("one letter");
    assert!(intake.matches.first().is_some_and(|m| m.applied && m.id == "420"));
    assert_eq!(intake.sha256.len(), 64);
}
