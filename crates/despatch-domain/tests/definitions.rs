//! Case-type definitions: the embedded ones validate, broken ones are rejected with the file, the
//! line and a plain sentence, and the flow can be drawn.

use despatch_domain::definition::{DefinitionError, Definitions, EMBEDDED, GraphFormat, draw, parse};

/// A small, valid case type: INTAKE → REVIEW → REPLY → closed, or INTAKE → closed.
const SMALL: &str = r#"code = "SMALL"
name = "Small test case type"
version = 1
initial_stage = "INTAKE"

[deadlines]
regions = ["england-and-wales"]
default_schedule = "standard"

[deadlines.schedules.standard]
case = 20
[deadlines.schedules.standard.stages]
INTAKE = 2
REVIEW = 10
REPLY = 20

[[stages]]
id = "INTAKE"
name = "Intake"
team = { default = "INTAKE_TEAM" }

[[stages.fields]]
name = "Decision"
label = "What happens next?"
kind = "choice"
required = true
choices = [{ value = "REVIEW", label = "Review it" }, { value = "CLOSE", label = "Close it" }]

[[stages.transitions]]
when = { Decision = "REVIEW" }
to = "REVIEW"

[[stages.transitions]]
when = { Decision = "CLOSE" }
end = true

[[stages]]
id = "REVIEW"
name = "Review"
team = { default = "REVIEW_TEAM" }

[[stages.transitions]]
to = "REPLY"

[[stages]]
id = "REPLY"
name = "Reply"
team = { default = "REVIEW_TEAM" }

[[stages.transitions]]
end = true
"#;

/// `SMALL` with `from` replaced (exactly once) by `to`.
fn small_with(from: &str, to: &str) -> String {
    assert_eq!(SMALL.matches(from).count(), 1, "{from:?} occurs exactly once in SMALL");
    SMALL.replacen(from, to, 1)
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is in the text"));
    text[..offset].matches('\n').count() + 1
}

fn rejected(file: &str, text: &str) -> Vec<DefinitionError> {
    match parse(file, text) {
        Ok(definition) => panic!("{file} was accepted as {} v{}", definition.code, definition.version),
        Err(errors) => errors,
    }
}

/// Asserts that `errors` holds one at `line` whose sentence contains `words`.
fn assert_reported(errors: &[DefinitionError], line: usize, words: &str) {
    let found = errors.iter().any(|e| e.file == "small.toml" && e.line == Some(line) && e.message.contains(words));
    let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(found, "no error at small.toml:{line} saying {words:?}; got:\n{}", listed.join("\n"));
}

#[test]
fn the_embedded_definitions_are_valid() {
    for (file, text) in EMBEDDED {
        let definition = parse(file, text).unwrap_or_else(|errors| {
            panic!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        });
        assert_eq!(format!("{}.toml", definition.code), *file);
    }
    let definitions = Definitions::embedded().unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(definitions.codes().collect::<Vec<_>>(), ["DTEN", "MIN", "TRO"]);
    assert_eq!(definitions.latest("MIN").map(|d| d.version), Some(1));
}

#[test]
fn the_small_definition_the_other_tests_break_is_itself_valid() {
    let definition = parse("small.toml", SMALL).unwrap_or_else(|errors| panic!("{errors:?}"));
    assert_eq!(definition.stages.len(), 3);
}

#[test]
fn a_decision_to_an_unknown_stage_is_reported_on_its_line() {
    let text = small_with(r#"to = "REPLY""#, r#"to = "REPLIE""#);
    let errors = rejected("small.toml", &text);
    assert_reported(
        &errors,
        line_of(&text, r#"to = "REPLIE""#),
        "decision 1 of stage REVIEW goes to unknown stage REPLIE",
    );
}

#[test]
fn a_condition_on_an_unknown_field_is_reported_on_its_line() {
    let text = small_with(r#"when = { Decision = "CLOSE" }"#, r#"when = { Decison = "CLOSE" }"#);
    let errors = rejected("small.toml", &text);
    assert_reported(&errors, line_of(&text, "Decison"), "refers to unknown field Decison");
}

#[test]
fn a_condition_testing_a_value_the_field_can_never_hold_is_reported() {
    let text = small_with(r#"when = { Decision = "CLOSE" }"#, r#"when = { Decision = "SHUT" }"#);
    let errors = rejected("small.toml", &text);
    assert_reported(
        &errors,
        line_of(&text, r#"{ Decision = "SHUT" }"#),
        "tests field Decision for \"SHUT\", which it can never hold",
    );
}

#[test]
fn a_stage_nothing_leads_to_is_reported_as_unreachable() {
    let orphan = "\n[[stages]]\nid = \"ORPHAN\"\nname = \"Orphan\"\nteam = { default = \"REVIEW_TEAM\" }\n\n[[stages.transitions]]\nend = true\n";
    let text = format!("{}{orphan}", small_with("REPLY = 20", "REPLY = 20\nORPHAN = 20"));
    let errors = rejected("small.toml", &text);
    assert_reported(
        &errors,
        line_of(&text, r#"id = "ORPHAN""#),
        "stage ORPHAN cannot be reached from the initial stage INTAKE",
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn a_stage_with_no_path_to_an_end_is_reported() {
    let text = small_with(r#"to = "REPLY""#, r#"to = "REVIEW""#);
    let errors = rejected("small.toml", &text);
    assert_reported(&errors, line_of(&text, r#"id = "REVIEW""#), "stage REVIEW has no path to an end");
    // REPLY is now unreachable, and that is said too.
    assert_reported(&errors, line_of(&text, r#"id = "REPLY""#), "stage REPLY cannot be reached");
}

#[test]
fn a_decision_without_a_target_is_reported() {
    let text = small_with("[[stages.transitions]]\nto = \"REPLY\"", "[[stages.transitions]]\nnote = \"REJECT\"");
    let errors = rejected("small.toml", &text);
    assert_reported(&errors, line_of(&text, r#"id = "REVIEW""#), "decision 1 of stage REVIEW has no target");
}

#[test]
fn a_decision_that_both_moves_and_ends_is_reported() {
    let text =
        small_with("[[stages.transitions]]\nto = \"REPLY\"", "[[stages.transitions]]\nto = \"REPLY\"\nend = true");
    let errors = rejected("small.toml", &text);
    assert_reported(&errors, line_of(&text, r#"to = "REPLY""#), "both goes to REPLY and ends the case");
}

#[test]
fn a_schedule_missing_a_stage_is_reported() {
    let text = small_with("REVIEW = 10\n", "");
    let errors = rejected("small.toml", &text);
    assert_reported(&errors, line_of(&text, r#"id = "REVIEW""#), "schedule standard gives no target for stage REVIEW");
}

#[test]
fn a_schedule_naming_an_unknown_stage_is_reported() {
    let text = small_with("REVIEW = 10\n", "REVIEW = 10\nREVEIW = 10\n");
    let errors = rejected("small.toml", &text);
    assert_reported(&errors, line_of(&text, "REVEIW = 10"), "schedule standard sets a target for unknown stage REVEIW");
}

#[test]
fn a_deadline_target_that_is_not_a_number_or_a_known_word_is_reported() {
    let text = small_with("REPLY = 20", "REPLY = \"soon\"");
    let errors = rejected("small.toml", &text);
    assert_reported(&errors, line_of(&text, "\"soon\""), "stage REPLY is \"soon\"");
    let text = small_with("REPLY = 20", "REPLY = \"field:Decision\"");
    let errors = rejected("small.toml", &text);
    assert_reported(&errors, line_of(&text, "field:Decision"), "reads field Decision, which is not a date field");
}

#[test]
fn a_toml_syntax_error_is_reported_on_its_line() {
    let text = small_with(r#"name = "Review""#, r#"name = "Review"#);
    let errors = rejected("small.toml", &text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, Some(line_of(&text, r#"name = "Review"#)));
    assert!(!errors[0].message.is_empty());
    assert!(errors[0].to_string().starts_with(&format!("small.toml:{}: ", line_of(&text, r#"name = "Review"#))));
}

#[test]
fn an_unknown_key_is_a_syntax_error_not_silently_ignored() {
    let text = small_with(r#"name = "Reply""#, "name = \"Reply\"\ncolour = \"red\"");
    let errors = rejected("small.toml", &text);
    assert_reported(&errors, line_of(&text, "colour"), "colour");
}

#[test]
fn every_problem_in_every_file_is_reported_not_only_the_first() {
    let first = small_with(r#"to = "REPLY""#, r#"to = "REPLIE""#);
    let second = small_with("REVIEW = 10\n", "").replace("code = \"SMALL\"", "code = \"OTHER\"");
    let sources = [("small.toml".to_string(), first), ("other.toml".to_string(), second)];
    let errors = Definitions::from_sources(sources).expect_err("both files are broken").0;
    assert!(errors.iter().any(|e| e.file == "small.toml" && e.message.contains("REPLIE")), "{errors:?}");
    assert!(
        errors.iter().any(|e| e.file == "other.toml" && e.message.contains("gives no target for stage REVIEW")),
        "{errors:?}"
    );
}

#[test]
fn a_later_file_with_the_same_code_and_version_replaces_the_earlier_one() {
    let renamed = SMALL.replace("name = \"Small test case type\"", "name = \"Replacement\"");
    let sources = [("small.toml".to_string(), SMALL.to_string()), ("override/small.toml".to_string(), renamed)];
    let definitions = Definitions::from_sources(sources).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(definitions.all().count(), 1);
    assert_eq!(definitions.latest("SMALL").map(|d| d.name.clone()), Some("Replacement".to_string()));
}

/// Every stage is a node and every decision an edge, in both formats.
#[test]
fn draw_shows_every_stage_and_every_decision_in_mermaid_and_dot() {
    let definitions = Definitions::embedded().unwrap_or_else(|errors| panic!("{errors}"));
    for definition in definitions.all() {
        let mermaid = draw(definition, GraphFormat::Mermaid);
        let dot = draw(definition, GraphFormat::Dot);
        assert!(mermaid.starts_with("flowchart TD\n"), "{mermaid}");
        assert!(dot.starts_with(&format!("digraph {} {{", definition.code)) && dot.trim_end().ends_with('}'), "{dot}");
        let mut decisions = 0;
        for stage in &definition.stages {
            let id = stage.id.get_ref();
            assert!(
                mermaid.contains(&format!("  {id}[\"{}\"]", stage.name)),
                "{} node {id} missing:\n{mermaid}",
                definition.code
            );
            assert!(
                dot.contains(&format!("  {id} [label=\"{}\"];", stage.name)),
                "{} node {id} missing:\n{dot}",
                definition.code
            );
            for transition in &stage.transitions {
                decisions += 1;
                let to = transition.to.as_ref().map_or("CLOSED", |to| to.get_ref().as_str());
                let in_mermaid =
                    mermaid.lines().any(|l| l.starts_with(&format!("  {id} -->")) && l.ends_with(&format!(" {to}")));
                let in_dot = dot.lines().any(|l| l.starts_with(&format!("  {id} -> {to} [")));
                assert!(in_mermaid, "{} edge {id} → {to} missing:\n{mermaid}", definition.code);
                assert!(in_dot, "{} edge {id} → {to} missing:\n{dot}", definition.code);
            }
        }
        // One line per decision, plus the arrow from the start.
        assert_eq!(mermaid.matches(" --> ").count() + mermaid.matches(" -->|").count(), decisions + 1, "{mermaid}");
        assert_eq!(dot.matches(" -> ").count(), decisions + 1, "{dot}");
    }
}

#[test]
fn draw_labels_a_decision_with_its_condition_and_required_note() {
    let definitions = Definitions::embedded().unwrap_or_else(|errors| panic!("{errors}"));
    let min = definitions.latest("MIN").expect("MIN");
    let mermaid = draw(min, GraphFormat::Mermaid);
    assert!(mermaid.contains("  MARKUP -->|\"MarkupDecision = REJ; REJECT note\"| DATA_INPUT"), "{mermaid}");
    assert!(mermaid.contains("  START(( )) --> DATA_INPUT"), "{mermaid}");
}

#[test]
fn a_replacement_of_the_same_version_that_drops_a_stage_is_refused_because_cases_may_be_there() {
    let renamed = despatch_domain::definition::EMBEDDED
        .iter()
        .find(|(name, _)| *name == "MIN.toml")
        .map(|(_, text)| text.replace("DATA_INPUT", "INTAKE"))
        .expect("MIN is embedded");
    let sources = despatch_domain::definition::EMBEDDED
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .chain([("override/MIN.toml".to_string(), renamed)]);
    let errors = despatch_domain::definition::Definitions::from_sources(sources).expect_err("refused");
    assert!(
        errors
            .to_string()
            .contains("override/MIN.toml: MIN version 1 replaces an earlier MIN version 1 but has no stage DATA_INPUT"),
        "{errors}"
    );
}

#[test]
fn a_misspelt_target_is_the_only_problem_reported_not_every_stage_it_cuts_off() {
    let text = small_with(r#"to = "REPLY""#, r#"to = "REPLIE""#);
    let errors = rejected("small.toml", &text);
    assert_eq!(errors.len(), 1, "{errors:?}");
}
