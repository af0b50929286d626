//! Checks that a parsed definition is coherent: every name it refers to exists, every stage can
//! be reached and can reach an end, every decision has a target, and every schedule covers
//! exactly the stages.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use toml::Spanned;

use super::model::*;

/// A problem at a byte offset of the file (when known), in a plain sentence.
pub(super) type Problem = (Option<usize>, String);

const BOOLEAN_VALUES: &[&str] = &["TRUE", "FALSE"];

pub(super) fn check(definition: &CaseTypeDefinition) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for stage in &definition.stages {
        if !seen.insert(stage.id.get_ref().as_str()) {
            problems.push(at(&stage.id, format!("stage {} is defined twice", stage.id.get_ref())));
        }
    }
    if !is_code(&definition.code) {
        problems
            .push((None, format!("case-type code {:?} must be 2 to 5 upper-case letters or digits", definition.code)));
    }
    if definition.stage(definition.initial_stage.get_ref()).is_none() {
        problems.push(at(
            &definition.initial_stage,
            format!("initial_stage {} is not a stage of this case type", definition.initial_stage.get_ref()),
        ));
    }
    check_roles(definition, &mut problems);
    for stage in &definition.stages {
        check_stage(definition, stage, &mut problems);
    }
    check_deadlines(definition, &mut problems);
    check_reply(definition, &mut problems);
    // With a decision pointing nowhere, every stage past it would also be reported as cut off;
    // the misspelt target is the one problem to fix.
    let targets_known = definition
        .stages
        .iter()
        .flat_map(|stage| stage.transitions.iter())
        .filter_map(|transition| transition.to.as_ref())
        .all(|to| definition.stage(to.get_ref()).is_some());
    if targets_known {
        check_paths(definition, &mut problems);
    }
    check_migrations(definition, &mut problems);
    problems
}

fn is_code(code: &str) -> bool {
    (2..=5).contains(&code.len()) && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn at<T>(spanned: &Spanned<T>, message: String) -> Problem {
    (Some(spanned.span().start), message)
}

fn check_roles(definition: &CaseTypeDefinition, problems: &mut Vec<Problem>) {
    for role in &definition.roles {
        if role.sources.is_empty() {
            problems.push((None, format!("role {} has no sources", role.name)));
        }
        for source in &role.sources {
            let kinds = [source.team.is_some(), source.field.is_some(), source.topic_link.is_some()];
            if kinds.iter().filter(|set| **set).count() != 1 {
                problems.push((
                    None,
                    format!("a source of role {} must name exactly one of team, field or topic_link", role.name),
                ));
            }
            if let Some(field) = &source.field {
                check_field_name(definition, field, &format!("role {}", role.name), problems);
            }
            if let Some(stage) = &source.topic_link
                && definition.stage(stage.get_ref()).is_none()
            {
                problems
                    .push(at(stage, format!("role {} links topics for unknown stage {}", role.name, stage.get_ref())));
            }
            if let Some(when) = &source.when {
                check_condition(definition, when, &format!("role {}", role.name), problems);
            }
        }
    }
}

fn check_stage(definition: &CaseTypeDefinition, stage: &Stage, problems: &mut Vec<Problem>) {
    let id = stage.id.get_ref();
    match (&stage.team.default, &stage.team.role) {
        (None, None) | (Some(_), Some(_)) => problems
            .push(at(&stage.id, format!("stage {id} must name exactly one of a default team or a role as its team"))),
        (None, Some(role)) if definition.role(role.get_ref()).is_none() => {
            problems.push(at(role, format!("stage {id} is owned by unknown role {}", role.get_ref())));
        }
        _ => {}
    }
    let mut names = BTreeSet::new();
    for field in &stage.fields {
        if !names.insert(field.name.get_ref().as_str()) {
            problems.push(at(&field.name, format!("stage {id} declares field {} twice", field.name.get_ref())));
        }
        if field.kind == FieldKind::Choice && field.choices.is_empty() {
            problems
                .push(at(&field.name, format!("choice field {} on stage {id} lists no choices", field.name.get_ref())));
        }
        if field.kind != FieldKind::Choice && !field.choices.is_empty() {
            problems.push(at(
                &field.name,
                format!("field {} on stage {id} has choices but is not a choice field", field.name.get_ref()),
            ));
        }
        if (field.sets_received || field.not_after_received) && field.kind != FieldKind::Date {
            problems.push(at(
                &field.name,
                format!(
                    "field {} on stage {id} compares with the received date but is not a date",
                    field.name.get_ref()
                ),
            ));
        }
        for condition in [&field.required_when, &field.allowed_when].into_iter().flatten() {
            check_condition(definition, condition, &format!("field {} on stage {id}", field.name.get_ref()), problems);
        }
    }
    if stage.transitions.is_empty() {
        problems.push(at(&stage.id, format!("stage {id} has no decisions, so a case there could never leave it")));
    }
    for (index, transition) in stage.transitions.iter().enumerate() {
        let what = format!("decision {} of stage {id}", index + 1);
        match (&transition.to, transition.end) {
            (None, false) => {
                problems.push(at(&stage.id, format!("{what} has no target: give `to = \"STAGE\"` or `end = true`")))
            }
            (Some(to), true) => {
                problems.push(at(to, format!("{what} both goes to {} and ends the case", to.get_ref())))
            }
            (Some(to), false) if definition.stage(to.get_ref()).is_none() => {
                problems.push(at(to, format!("{what} goes to unknown stage {}", to.get_ref())));
            }
            _ => {}
        }
        if let Some(when) = &transition.when {
            check_condition(definition, when, &what, problems);
        }
        for field in &transition.clear {
            check_field_name(definition, field, &what, problems);
        }
    }
}

fn check_field_name(definition: &CaseTypeDefinition, name: &Spanned<String>, owner: &str, problems: &mut Vec<Problem>) {
    if definition.fields_named(name.get_ref()).next().is_none() {
        problems.push(at(name, format!("{owner} refers to unknown field {}", name.get_ref())));
    }
}

fn check_condition(definition: &CaseTypeDefinition, condition: &Condition, owner: &str, problems: &mut Vec<Problem>) {
    for (key, accepted) in condition {
        if let Some(role) = key.get_ref().strip_prefix("role.") {
            if definition.role(role).is_none() {
                problems.push(at(key, format!("{owner} refers to unknown role {role}")));
            }
            continue;
        }
        let fields: Vec<&Field> = definition.fields_named(key.get_ref()).collect();
        if fields.is_empty() {
            problems.push(at(key, format!("{owner} refers to unknown field {}", key.get_ref())));
            continue;
        }
        for value in accepted.values() {
            let known = fields.iter().any(|field| match field.kind {
                FieldKind::Choice => field.choices.iter().any(|choice| &choice.value == value),
                FieldKind::Boolean | FieldKind::Confirm => BOOLEAN_VALUES.contains(&value.as_str()),
                _ => true,
            });
            if !known {
                problems.push(at(
                    key,
                    format!("{owner} tests field {} for {value:?}, which it can never hold", key.get_ref()),
                ));
            }
        }
    }
}

/// The reply rules name document tags of the case type and fields it has.
fn check_reply(definition: &CaseTypeDefinition, problems: &mut Vec<Problem>) {
    let reply = &definition.reply;
    for tag in reply.tags.iter().filter(|tag| !definition.document_tags.contains(tag)) {
        problems.push((None, format!("reply tag {tag} is not one of the case type's document_tags")));
    }
    if let Some(when) = &reply.email_when {
        check_condition(definition, when, "reply email_when", problems);
    }
    for copy in &reply.copies {
        check_condition(definition, &copy.when, &format!("the reply copy to {}", copy.to), problems);
    }
}

fn check_deadlines(definition: &CaseTypeDefinition, problems: &mut Vec<Problem>) {
    let deadlines = &definition.deadlines;
    if deadlines.regions.is_empty() {
        problems.push((None, "deadlines.regions names no bank-holiday region".to_string()));
    }
    if !deadlines.schedules.contains_key(deadlines.default_schedule.get_ref()) {
        problems.push(at(
            &deadlines.default_schedule,
            format!("default_schedule {} is not one of the schedules", deadlines.default_schedule.get_ref()),
        ));
    }
    for rule in &deadlines.rules {
        if !deadlines.schedules.contains_key(rule.schedule.get_ref()) {
            problems.push(at(
                &rule.schedule,
                format!("rule {:?} selects unknown schedule {}", rule.name, rule.schedule.get_ref()),
            ));
        }
        check_condition(definition, &rule.when, &format!("rule {:?}", rule.name), problems);
    }
    for (name, schedule) in &deadlines.schedules {
        check_target(definition, &schedule.case, &format!("schedule {name}: the case target"), problems);
        for (stage, target) in &schedule.stages {
            if definition.stage(stage.get_ref()).is_none() {
                problems
                    .push(at(stage, format!("schedule {name} sets a target for unknown stage {}", stage.get_ref())));
            }
            check_target(definition, target, &format!("schedule {name}: stage {}", stage.get_ref()), problems);
        }
        for stage in &definition.stages {
            if !schedule.stages.contains_key(stage.id.get_ref().as_str()) {
                problems.push(at(
                    &stage.id,
                    format!("schedule {name} gives no target for stage {} (use \"none\" for none)", stage.id.get_ref()),
                ));
            }
        }
    }
}

fn check_target(definition: &CaseTypeDefinition, target: &Target, owner: &str, problems: &mut Vec<Problem>) {
    let Target::Word(word) = target else { return };
    match target.rule() {
        None => problems.push(at(
            word,
            format!(
                "{owner} is {:?}; write a number of working days, \"case\", \"none\" or \"field:NAME\"",
                word.get_ref()
            ),
        )),
        Some(TargetRule::Field(name)) => {
            if !definition.fields_named(&name).any(|field| field.kind == FieldKind::Date) {
                problems
                    .push(at(word, format!("{owner} reads field {name}, which is not a date field of this case type")));
            }
        }
        Some(_) => {}
    }
}

/// Unreachable stages, and stages from which no path leads to an end.
fn check_paths(definition: &CaseTypeDefinition, problems: &mut Vec<Problem>) {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut ends: BTreeSet<&str> = BTreeSet::new();
    for stage in &definition.stages {
        let id = stage.id.get_ref().as_str();
        for transition in &stage.transitions {
            if transition.end {
                ends.insert(id);
            }
            if let Some(to) = &transition.to {
                next.entry(id).or_default().push(to.get_ref());
            }
        }
    }
    let reachable =
        walk([definition.initial_stage.get_ref().as_str()], |stage| next.get(stage).cloned().unwrap_or_default());
    let mut previous: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, targets) in &next {
        for to in targets {
            previous.entry(to).or_default().push(from);
        }
    }
    let finishing = walk(ends.iter().copied(), |stage| previous.get(stage).cloned().unwrap_or_default());
    for stage in &definition.stages {
        let id = stage.id.get_ref().as_str();
        if !reachable.contains(id) {
            problems.push(at(
                &stage.id,
                format!("stage {id} cannot be reached from the initial stage {}", definition.initial_stage.get_ref()),
            ));
        }
        if !finishing.contains(id) {
            problems.push(at(&stage.id, format!("stage {id} has no path to an end: a case there could never close")));
        }
    }
}

fn walk<'a>(
    start: impl IntoIterator<Item = &'a str>,
    neighbours: impl Fn(&'a str) -> Vec<&'a str>,
) -> BTreeSet<&'a str> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut queue: VecDeque<&str> = start.into_iter().collect();
    while let Some(stage) = queue.pop_front() {
        if seen.insert(stage) {
            queue.extend(neighbours(stage));
        }
    }
    seen
}

fn check_migrations(definition: &CaseTypeDefinition, problems: &mut Vec<Problem>) {
    for migration in &definition.migrations {
        if migration.from_version >= definition.version {
            problems.push((
                None,
                format!(
                    "migration from version {} must come from an earlier version than {}",
                    migration.from_version, definition.version
                ),
            ));
        }
        for (old, new) in &migration.stages {
            if definition.stage(new).is_none() {
                problems.push((
                    None,
                    format!(
                        "migration from version {} moves stage {old} to unknown stage {new}",
                        migration.from_version
                    ),
                ));
            }
        }
    }
}
