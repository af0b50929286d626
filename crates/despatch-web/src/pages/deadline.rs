//! The deadline explanation of a case: the schedule in force, and the count of working days
//! from the received date with every weekend, bank holiday, exemption date and clock stop that
//! was skipped — the explanation `despatch deadline --explain` prints, from the same calendar.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use despatch_domain::definition::TargetRule;
use despatch_domain::engine::explain_case_deadline;

use super::{Nav, humanise, long_date, stage_name};
use crate::access::{CurrentUser, load_case};
use crate::{AppState, WebError};

/// A statement of the explanation, with the list that follows it (the days not counted).
pub(crate) struct Line {
    text: String,
    items: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "deadline.html")]
pub(crate) struct DeadlinePage {
    title: String,
    nav: Option<Nav>,
    id: i64,
    reference: String,
    deadline: String,
    schedule: String,
    target: String,
    stage_deadline: String,
    lines: Vec<Line>,
}

/// The explanation's text as statements; its indented lines are the items of the statement
/// before them.
fn lines(text: &str) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        match lines.last_mut() {
            Some(last) if line.starts_with("  ") => last.items.push(line.trim().to_string()),
            _ => lines.push(Line { text: line.trim().to_string(), items: Vec::new() }),
        }
    }
    lines
}

/// `GET /cases/{id}/deadline`: for anyone who may read the case.
pub(crate) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<DeadlinePage, WebError> {
    let (case, _, _) = load_case(&state, &user, &id, |access| access.read).await?;
    let world = state.casework.world();
    let explained = explain_case_deadline(&case, &world).map_err(|e| WebError::Setup(e.to_string()))?;
    let target = match &explained.target {
        Some(TargetRule::WorkingDays(days)) => format!("{days} working days from the received date"),
        Some(TargetRule::Field(field)) => format!("the date in the case's {} field", humanise(field)),
        Some(TargetRule::None | TargetRule::Case) | None => "no case deadline".to_string(),
    };
    let lines = match &explained.count {
        Some(count) => lines(&count.to_string()),
        None => vec![Line { text: format!("This case's schedule sets {target}."), items: Vec::new() }],
    };
    let stage_deadline = case
        .stage
        .as_ref()
        .and_then(|stage| {
            stage.deadline.map(|d| format!("{} ({})", long_date(d), stage_name(&world, &case.case_type, &stage.stage)))
        })
        .unwrap_or_else(|| "None".to_string());
    Ok(DeadlinePage {
        title: format!("Deadline of {}", case.reference),
        nav: Some(Nav::new(&user, "home")),
        id: case.id,
        reference: case.reference.to_string(),
        deadline: case.deadline.map(long_date).unwrap_or_else(|| "None".to_string()),
        schedule: humanise(&explained.schedule),
        target,
        stage_deadline,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indented_lines_of_the_explanation_become_list_items() {
        let lines = lines("Received on Wednesday.\nNot counted:\n  Saturday 17 and Sunday 18 November 2018: weekend\n");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].text, "Not counted:");
        assert_eq!(lines[1].items, vec!["Saturday 17 and Sunday 18 November 2018: weekend".to_string()]);
    }
}
