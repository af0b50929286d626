//! Extraction accuracy on the real letters and on letters the rules were never written against.

mod common;

use common::{BARS, evaluate_dir, percent, shared_letters, unseen_letters};

#[test]
fn the_shared_letters_meet_the_accuracy_bars() {
    let report = evaluate_dir(&shared_letters());
    for (field, bar) in BARS {
        let got = percent(&report, field);
        let misses = &report.fields.iter().find(|f| f.field == field).expect("scored").misses;
        assert!(got >= bar, "{field}: {got:.1}% < {bar}%; misses: {misses:?}");
    }
}

#[test]
fn unseen_letters_stay_within_ten_points_of_the_shared_ones() {
    let shared = evaluate_dir(&shared_letters());
    let unseen = evaluate_dir(&unseen_letters());
    assert!(unseen.errors.is_empty(), "{:?}", unseen.errors);
    for (field, bar) in BARS {
        let reference = percent(&shared, field).min(100.0);
        let got = percent(&unseen, field);
        assert!(
            got >= bar.min(reference) - 10.0,
            "{field}: {got:.1}% on unseen letters against {reference:.1}% on the shared ones"
        );
    }
}

#[test]
fn every_shared_letter_is_read_without_error() {
    let report = evaluate_dir(&shared_letters());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.fields.iter().all(|f| f.total >= 22));
}
