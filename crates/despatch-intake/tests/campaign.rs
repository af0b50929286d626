//! Campaigns (the same text from many people) and resends (the same letter again).

mod common;

use despatch_intake::campaign::{Detector, Grouping, fingerprint, similarity};
use despatch_intake::{Hints, extract};

const TEMPLATE: &str = "{address}\n\n{date}\n\nDear Minister,\n\nSave our local bus routes\n\n\
I am writing to ask you to protect the rural bus services that the county plans to cut next spring. \
Many people in villages like mine have no car and rely on the bus to reach work, the doctor and the shops. \
Without these routes older residents will be cut off and young people will struggle to get to college. \
The bus service improvement money should be used to keep existing routes running before new ones are planned. \
{personal}\n\nPlease support the Save Our Buses campaign and meet the county council to discuss this.\n\n\
Yours sincerely,\n\n{name}\n";

fn letter(name: &str, address: &str, date: &str, personal: &str) -> String {
    TEMPLATE
        .replace("{name}", name)
        .replace("{address}", address)
        .replace("{date}", date)
        .replace("{personal}", personal)
}

fn add(detector: &mut Detector, id: &str, text: &str) -> Grouping {
    let fields = extract(text, &Hints::default());
    detector.add(id, fingerprint(text, &fields))
}

#[test]
fn near_identical_letters_with_different_names_and_addresses_form_a_campaign() {
    let mut detector = Detector::new();
    let first = letter("Mary Holt", "3 Mill Row\nAskham\nPenrith\nCA10 2PF", "2 March 2025", "");
    let second = letter(
        "Dev Patel",
        "Flat 2, 18 Station Road\nKirkby Stephen\nCA17 4LA",
        "4 March 2025",
        "My daughter takes the number 563 every day.",
    );
    let third = letter("Ann O'Neill", "The Old Forge\nShap\nCA10 3NL", "9 March 2025", "");
    assert_eq!(add(&mut detector, "case-1", &first), Grouping::New);
    match add(&mut detector, "case-2", &second) {
        Grouping::Campaign { first, similarity, size } => {
            assert_eq!((first.as_str(), size), ("case-1", 2));
            assert!(similarity >= 0.6, "{similarity}");
        }
        other => panic!("expected a campaign, got {other:?}"),
    }
    assert!(matches!(add(&mut detector, "case-3", &third), Grouping::Campaign { size: 3, .. }));
    assert_eq!(detector.campaigns(), &[vec!["case-1".to_string(), "case-2".to_string(), "case-3".to_string()]]);
}

#[test]
fn an_exact_resend_is_linked_to_the_first_case_even_with_different_spacing() {
    let mut detector = Detector::new();
    let original = letter("Mary Holt", "3 Mill Row\nAskham\nCA10 2PF", "2 March 2025", "");
    let resent = original.replace('\n', "\r\n").replace("  ", " ");
    assert_eq!(add(&mut detector, "case-1", &original), Grouping::New);
    assert_eq!(add(&mut detector, "case-7", &resent), Grouping::Resend { of: "case-1".to_string() });
}

#[test]
fn none_of_the_real_letters_are_taken_for_a_campaign_or_a_resend() {
    let mut detector = Detector::new();
    let letters = despatch_intake::evaluate::labelled_letters(&common::shared_letters()).expect("letters");
    for letter in &letters {
        let text = std::fs::read_to_string(&letter.document).expect("text");
        let id = letter.document.display().to_string();
        assert_eq!(add(&mut detector, &id, &text), Grouping::New, "{id}");
    }
}

#[test]
fn a_campaign_letter_is_not_similar_to_an_unrelated_one() {
    let campaign = letter("Mary Holt", "3 Mill Row\nAskham\nCA10 2PF", "2 March 2025", "");
    let other = std::fs::read_to_string(common::shared_letters().join("012.txt")).expect("letter");
    let a = fingerprint(&campaign, &extract(&campaign, &Hints::default()));
    let b = fingerprint(&other, &extract(&other, &Hints::default()));
    assert!(similarity(&a, &b) < 0.1);
    assert!((similarity(&a, &a) - 1.0).abs() < f32::EPSILON);
}
