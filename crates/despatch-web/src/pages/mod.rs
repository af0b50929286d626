//! Pages: each module renders one page (askama templates in `templates/`), plus the pieces
//! they share — the navigation, case-list rows with red/amber deadlines, and pagination.

pub(crate) mod admin;
pub(crate) mod bulk;
pub(crate) mod case;
pub(crate) mod contributions;
pub(crate) mod create;
pub(crate) mod dashboard;
pub(crate) mod deadline;
pub(crate) mod draft;
pub(crate) mod drafting;
mod form;
pub(crate) mod parties;
pub(crate) mod search;
mod timeline;
pub(crate) mod versions;
pub(crate) mod workstack;

use chrono::{NaiveDate, Utc};
use despatch_domain::engine::{World, london_date};
use despatch_store::{CaseSummary, Listed};

use crate::access::{CurrentUser, row_access};
use crate::{AppState, WebError};

/// What the page layout shows of the signed-in user.
pub(crate) struct Nav {
    /// User name.
    pub user: String,
    /// The session's CSRF token (for the sign-out form).
    pub csrf: String,
    /// Which navigation item is current: `home`, `create`, `search` or `admin`.
    pub current: &'static str,
    /// Whether to offer the administration pages.
    pub administrator: bool,
}

impl Nav {
    pub(crate) fn new(user: &CurrentUser, current: &'static str) -> Nav {
        Nav { user: user.name.clone(), csrf: user.csrf.clone(), current, administrator: user.administrator }
    }
}

/// Today in Europe/London.
pub(crate) fn today() -> NaiveDate {
    london_date(Utc::now())
}

/// `14 November 2018`.
pub(crate) fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// `14 Nov 2018`.
pub(crate) fn short_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// How a deadline is flagged: `red` when passed, `amber` when due today or when the case type's
/// warning rule (working days after receipt) has been reached, otherwise none.
pub(crate) fn deadline_flag(
    world: &World,
    case_type: &str,
    received: NaiveDate,
    deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> &'static str {
    let Some(deadline) = deadline else { return "" };
    if deadline < today {
        return "red";
    }
    if deadline == today {
        return "amber";
    }
    let Some(definition) = world.definitions().latest(case_type) else { return "" };
    let Some(days) = definition.deadlines.warning_days else { return "" };
    let warned = world
        .calendar(&definition.code, definition.version)
        .and_then(|calendar| calendar.add_working_days(received, days, definition.deadlines.day_one).ok())
        .is_some_and(|warning| today >= warning);
    if warned { "amber" } else { "" }
}

/// The display name of a stage of a case type.
pub(crate) fn stage_name(world: &World, case_type: &str, stage: &str) -> String {
    world
        .definitions()
        .latest(case_type)
        .and_then(|definition| definition.stage(stage))
        .map_or_else(|| stage.to_string(), |stage| stage.name.clone())
}

/// The display name of a team.
pub(crate) fn team_name(world: &World, team: &str) -> String {
    world.directory().teams.get(team).map_or_else(|| team.to_string(), |team| team.name.clone())
}

/// A human form of a code (`POLICE_FUNDING` → `Police funding`).
pub(crate) fn humanise(code: &str) -> String {
    let lower = code.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One row of a case table (workstack, my cases, search results).
pub(crate) struct Row {
    pub id: i64,
    pub reference: String,
    pub correspondent: String,
    pub stage: String,
    pub team: String,
    pub owner: String,
    pub topic: String,
    pub deadline: String,
    /// `red`, `amber` or empty.
    pub flag: &'static str,
    /// Whether the signed-in user could take this case ("allocate to me").
    pub can_take: bool,
}

/// Rows for case summaries, with the correspondent and topic read from each case.
pub(crate) async fn rows(state: &AppState, user: &CurrentUser, cases: &[CaseSummary]) -> Result<Vec<Row>, WebError> {
    let world = state.casework.world();
    let today = today();
    let mut rows = Vec::with_capacity(cases.len());
    for summary in cases {
        let listed = match &summary.listed {
            Some(listed) => listed.clone(),
            // A row not written since the columns were added: read them from its state.
            None => {
                let case = state.store().case(summary.id).await?;
                Listed {
                    correspondent: case
                        .as_ref()
                        .and_then(|c| c.primary_correspondent())
                        .map(|c| c.details.name.clone()),
                    primary_topic: case.and_then(|c| c.primary_topic),
                }
            }
        };
        let correspondent = listed.correspondent.unwrap_or_default();
        let topic = listed.primary_topic.as_deref().map(humanise).unwrap_or_default();
        let stage = summary
            .stage
            .as_deref()
            .map_or_else(|| "Closed".to_string(), |s| stage_name(&world, &summary.case_type, s));
        let team = summary.team.as_deref().map(|t| team_name(&world, t)).unwrap_or_default();
        let deadline = summary.stage_deadline.or(summary.deadline);
        let flag = if summary.stage.is_some() {
            deadline_flag(&world, &summary.case_type, summary.received, deadline, today)
        } else {
            ""
        };
        let can_take = row_access(&world, user, summary).take;
        rows.push(Row {
            id: summary.id,
            reference: summary.reference.clone(),
            correspondent,
            stage,
            team,
            owner: summary.user.clone().unwrap_or_default(),
            topic,
            deadline: deadline.map(short_date).unwrap_or_default(),
            flag,
            can_take,
        });
    }
    Ok(rows)
}

/// Pagination links for a list of `total` items.
pub(crate) struct Pager {
    pub page: u32,
    pub pages: u32,
    pub total: u64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// Links to `base` with `page=N` appended (`base` ends in `?` or `&`).
    pub(crate) fn new(base: &str, page: u32, page_size: u32, total: u64) -> Pager {
        let pages = u32::try_from(total.div_ceil(u64::from(page_size.max(1)))).unwrap_or(u32::MAX).max(1);
        let link = |n: u32| format!("{base}page={n}");
        Pager {
            page,
            pages,
            total,
            previous: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

/// A query parameter for a page number: absent or not a positive number means 1.
pub(crate) fn page_number(page: Option<&str>) -> u32 {
    page.and_then(|p| p.parse::<u32>().ok()).filter(|&p| p > 0).unwrap_or(1)
}

/// Minimal percent-encoding for a query-string value.
pub(crate) fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The fallback for unknown paths.
pub(crate) async fn not_found() -> WebError {
    WebError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pager_links_only_to_pages_that_exist() {
        let pager = Pager::new("/teams/X?", 1, 25, 60);
        assert_eq!((pager.pages, pager.previous.as_deref(), pager.next.as_deref()), (3, None, Some("/teams/X?page=2")));
        let last = Pager::new("/teams/X?", 3, 25, 60);
        assert_eq!((last.previous.as_deref(), last.next.as_deref()), (Some("/teams/X?page=2"), None));
        assert_eq!(Pager::new("/s?", 1, 25, 0).pages, 1);
    }

    #[test]
    fn codes_read_as_words_and_query_values_are_encoded() {
        assert_eq!(humanise("POLICE_FUNDING"), "Police funding");
        assert_eq!(query_value("a b/c&d"), "a+b%2Fc%26d");
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("x")), 1);
        assert_eq!(page_number(Some("4")), 4);
    }
}
