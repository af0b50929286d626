//! Reply templates: checked when loaded, chosen by case type and signing team, merged into a
//! letter with the right salutation, address block, references and dates.

use chrono::NaiveDate;
use despatch_docs::{LetterFacts, Template, TemplateError, choose, default_templates, parse_templates};
use despatch_domain::case::CorrespondentKind;
use despatch_domain::command::CorrespondentDetails;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn mp_facts() -> LetterFacts {
    LetterFacts {
        correspondent: CorrespondentDetails {
            kind: CorrespondentKind::Mp,
            name: "Rt Hon Sir Iain Example MP".to_string(),
            organisation: Some("House of Commons".to_string()),
            address: vec!["London".to_string()],
            postcode: Some("SW1A 0AA".to_string()),
            email: None,
            their_reference: Some("IE/2018/44".to_string()),
            external_key: None,
            matched: None,
        },
        constituent: Some("Mrs Ada Constituent".to_string()),
        our_reference: "MIN/0000042/18".to_string(),
        their_letter: Some(date(2018, 11, 7)),
        topic: Some("Police funding".to_string()),
        standard_lines: vec!["Funding rose this year.".to_string()],
        date: date(2019, 1, 2),
    }
}

fn min_default() -> Template {
    default_templates().into_iter().find(|t| t.case_type == "MIN" && t.team.is_none()).expect("MIN default")
}

fn with_body(body: &str) -> String {
    let mut template = min_default();
    template.body = body.to_string();
    template.to_toml()
}

#[test]
fn the_embedded_templates_are_valid_and_round_trip_through_their_toml() {
    let defaults = default_templates();
    assert!(!defaults.is_empty(), "the embedded templates parse");
    let template = min_default();
    assert_eq!(parse_templates(&template.to_toml()).expect("round trip"), vec![template]);
}

#[test]
fn an_mp_reply_greets_the_knight_names_the_constituent_and_dates_both_letters_in_full() {
    let letter = min_default().render(&mp_facts()).expect("renders");
    assert_eq!(letter.salutation, "Dear Sir Iain");
    assert_eq!(letter.date, "2 January 2019");
    assert_eq!(letter.recipient, ["Rt Hon Sir Iain Example MP", "House of Commons", "London", "SW1A 0AA"]);
    assert_eq!(
        letter.references,
        [
            ("Our reference".to_string(), "MIN/0000042/18".to_string()),
            ("Your reference".to_string(), "IE/2018/44".to_string()),
            ("Your constituent".to_string(), "Mrs Ada Constituent".to_string()),
        ]
    );
    assert!(
        letter.paragraphs[0].starts_with(
            "Thank you for your letter of 7 November 2018 on behalf of your constituent, Mrs Ada Constituent, about police funding."
        ),
        "{}",
        letter.paragraphs[0]
    );
    assert_eq!(letter.paragraphs[1], "Funding rose this year.", "the offered standard line is a paragraph");
}

#[test]
fn a_public_letter_without_a_title_or_a_date_gets_sir_or_madam_and_no_constituent_line() {
    let mut facts = mp_facts();
    facts.correspondent.kind = CorrespondentKind::MemberOfPublic;
    facts.correspondent.name = "Jo Public".to_string();
    facts.correspondent.their_reference = None;
    facts.their_letter = None;
    facts.standard_lines.clear();
    let letter = min_default().render(&facts).expect("renders");
    assert_eq!(letter.salutation, "Dear Sir or Madam");
    assert_eq!(letter.references.len(), 1, "our reference only: {:?}", letter.references);
    assert!(letter.paragraphs[0].starts_with("Thank you for your recent letter about police funding."));
}

#[test]
fn a_template_naming_an_unknown_merge_field_or_missing_its_signatory_is_refused_on_load() {
    let error = parse_templates(&with_body("Dear {{ recipient_name }}")).expect_err("unknown field");
    assert!(matches!(&error, TemplateError::Invalid { template, .. } if template == "MIN"), "{error}");
    assert!(error.to_string().contains("recipient_name") || error.to_string().contains("undefined"), "{error}");
    assert!(parse_templates(&with_body("{% if constituent %}unclosed")).is_err(), "a body that does not parse");
    let mut template = min_default();
    template.signatory = "  ".to_string();
    let error = parse_templates(&template.to_toml()).expect_err("blank signatory");
    assert!(error.to_string().contains("signatory is blank"), "{error}");
    let twice = format!("{}\n{}", min_default().to_toml(), min_default().to_toml());
    assert_eq!(parse_templates(&twice), Err(TemplateError::Duplicate("MIN".to_string())));
}

#[test]
fn the_signing_teams_own_template_is_chosen_before_the_case_types_default() {
    let mut policing = min_default();
    policing.team = Some("POLICING_MINISTER_OFFICE".to_string());
    policing.signatory = "Policing Minister".to_string();
    let templates = vec![min_default(), policing];
    assert_eq!(
        choose(&templates, "MIN", Some("POLICING_MINISTER_OFFICE")).expect("own").signatory,
        "Policing Minister"
    );
    assert_eq!(choose(&templates, "MIN", Some("HOME_SECRETARY_OFFICE")).expect("default").team, None);
    assert_eq!(choose(&templates, "MIN", None).expect("default").team, None);
    assert_eq!(choose(&templates, "TRO", None), Err(TemplateError::Missing("TRO".to_string())));
}

#[test]
fn an_address_line_repeating_the_organisation_is_written_once() {
    let mut facts = mp_facts();
    facts.correspondent.address = vec!["House of Commons".to_string(), "London".to_string()];
    let letter = min_default().render(&facts).expect("renders");
    assert_eq!(letter.recipient, ["Rt Hon Sir Iain Example MP", "House of Commons", "London", "SW1A 0AA"]);
}
