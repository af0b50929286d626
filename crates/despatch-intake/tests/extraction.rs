//! Behaviour of the extractor on short letters written for these tests.

use despatch_intake::{CorrespondentType, Direction, Hints, extract};

fn fields(text: &str) -> despatch_intake::Fields {
    extract(text, &Hints::default())
}

#[test]
fn a_misread_salutation_still_finds_the_councillor_in_the_address_block() {
    let f = fields(
        "Councillor Shabir Pandor Kirklees Council, Civic Centre III, High Street Huddersfield HD1 2TG\n\n\
         Bear Ulr Pander\n\n2 1 DEC 2018\n\nThank you for your letter of 14 November.\n\nJane Doe MP\nMinister for Crime",
    );
    let recipient = f.recipient.name.as_ref().map(|n| n.value.as_str());
    assert_eq!(recipient, Some("Shabir Pandor"));
    assert_eq!(f.correspondent_type.value, CorrespondentType::Councillor);
    assert_eq!(f.get("date").as_deref(), Some("2018-12-21"));
    assert_eq!(f.get("in_reply_to_date").as_deref(), Some("2018-11-14"));
}

#[test]
fn a_minister_answering_an_mp_is_a_reply_and_the_mp_is_the_correspondent() {
    let f = fields(
        "Rt Hon Anna Field MP\nHouse of Commons\nLondon SW1A 0AA\n\n3 May 2024\n\nDear Anna,\n\n\
         Thank you for your letter of 2 April on behalf of your constituent.\n\nYours sincerely,\n\n\
         Rt Hon Paul Grey MP\nMinister of State for Housing",
    );
    assert_eq!(f.direction.value, Direction::Reply);
    assert_eq!(f.get("recipient_name").as_deref(), Some("Anna Field"));
    assert_eq!(f.get("sender_name").as_deref(), Some("Paul Grey"));
    assert_eq!(f.get("sender_role").as_deref(), Some("Minister of State for Housing"));
    assert_eq!(f.get("recipient_address").as_deref(), Some("House of Commons, London SW1A 0AA"));
    assert_eq!(f.correspondent_type.value, CorrespondentType::Mp);
}

#[test]
fn a_member_of_the_public_writing_to_an_agency_is_incoming() {
    let f = fields(
        "12 Hill Road\nYork\nYO1 7HH\n\n4 March 2025\n\nPassport Office\nPeterborough\nPE2 6TZ\n\n\
         Dear Sir or Madam,\n\nI am writing to ask why my application has taken ten weeks.\n\n\
         Yours faithfully,\n\nAlan Mistry",
    );
    assert_eq!(f.direction.value, Direction::Incoming);
    assert_eq!(f.get("sender_name").as_deref(), Some("Alan Mistry"));
    assert_eq!(f.get("recipient_name"), None);
    assert_eq!(f.get("recipient_address").as_deref(), Some("Passport Office, Peterborough, PE2 6TZ"));
    assert_eq!(f.correspondent_type.value, CorrespondentType::MemberOfPublic);
}

#[test]
fn a_date_without_a_year_in_the_reply_phrase_takes_the_year_before_when_needed() {
    let f = fields("8 January 2024\n\nDear Ms Cole,\n\nThank you for your letter of 19 December.\n");
    assert_eq!(f.get("in_reply_to_date").as_deref(), Some("2023-12-19"));
}

#[test]
fn with_no_letter_date_a_yearless_reply_date_stays_unknown() {
    let f = fields("Dear Ed,\n\nThank you for your letter dated 17th May regarding the report.\n");
    assert_eq!(f.get("in_reply_to_date"), None);
    assert_eq!(f.get("recipient_name").as_deref(), Some("Ed"));
}

#[test]
fn an_empty_text_gives_empty_fields_not_a_panic() {
    let f = fields("");
    assert_eq!(f.get("date"), None);
    assert_eq!(f.get("sender_name"), None);
    let f = fields("\u{0}\u{1}\u{fffd} ~~~ ((( ))) 2 1 1 1 Dear");
    assert_eq!(f.get("reference"), None);
}
