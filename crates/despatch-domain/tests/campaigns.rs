//! Campaigns and resends through the pure engine: a letter joins one campaign, which makes it
//! findable by the campaign's id; a resend is attached with an event naming the file.

use despatch_domain::case::{CaseState, DocumentRef, campaign_search_words};
use despatch_domain::command::{Actor, Command};
use despatch_domain::engine::{self, CommandError, Outcome};
use despatch_domain::event::EventKind;
use despatch_domain::testkit::*;

fn opened() -> CaseState {
    let world = demo_world();
    engine::open_case(&new_case("MIN"), 7, scenario_reference("MIN", 0), &Actor::user(CASEWORKER), &world, opened_at())
        .expect("the case opens")
        .state
}

fn run(state: &CaseState, command: Command) -> Result<Outcome, CommandError> {
    engine::execute(state, &command, &Actor::user(CASEWORKER), &demo_world(), opened_at())
}

fn join(campaign: &str, similarity_percent: u8) -> Command {
    Command::JoinCampaign { campaign: campaign.to_string(), similarity_percent }
}

#[test]
fn a_letter_joins_a_campaign_once_and_is_then_found_by_the_campaigns_id() {
    let state = opened();
    assert!(!state.search_text().contains("campaign"));
    let joined = run(&state, join("MIN/0000001/26", 87)).expect("joined");
    assert_eq!(joined.state.campaign.as_deref(), Some("MIN/0000001/26"));
    assert_eq!(
        joined.events.iter().map(|e| e.kind.clone()).collect::<Vec<_>>(),
        vec![EventKind::CampaignJoined { campaign: "MIN/0000001/26".to_string(), similarity_percent: 87 }]
    );
    assert!(joined.events[0].kind.changes_case_search_text(), "the store must re-index the case");
    assert!(joined.state.search_text().ends_with(&campaign_search_words("MIN/0000001/26")));
    assert_eq!(campaign_search_words("MIN/0000001/26"), "campaign MIN000000126");

    let again = run(&joined.state, join("MIN/0000009/26", 90));
    assert!(matches!(again, Err(CommandError::Invalid(_))), "one campaign per letter: {again:?}");
    assert!(matches!(run(&state, join("  ", 90)), Err(CommandError::Invalid(_))), "a campaign needs an id");
    assert!(matches!(run(&state, join("X", 101)), Err(CommandError::Invalid(_))), "a share is at most 100%");
}

#[test]
fn a_resend_is_attached_with_an_event_naming_the_file_it_came_as() {
    let state = opened();
    let document = DocumentRef {
        sha256: "ab".repeat(32),
        name: "letter again.docx".to_string(),
        tag: "ORIGINAL".to_string(),
        media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string(),
        size: 1234,
    };
    let resent = run(&state, Command::RecordResend { document: document.clone() }).expect("recorded");
    assert_eq!(resent.state.documents, vec![document.clone()]);
    let kinds: Vec<&str> = resent.events.iter().map(|e| e.kind.type_name()).collect();
    assert_eq!(kinds, ["DOCUMENT_ADDED", "RESEND_RECEIVED"]);
    assert_eq!(
        resent.events[1].kind,
        EventKind::ResendReceived { name: "letter again.docx".to_string(), sha256: "ab".repeat(32) }
    );
    let twice = run(&resent.state, Command::RecordResend { document });
    assert!(matches!(twice, Err(CommandError::Invalid(_))), "the same bytes are on the case once");
}
