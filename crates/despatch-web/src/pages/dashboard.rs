//! The dashboard: a card per team of the user (open, overdue, unallocated) and "my cases".

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{Nav, Row, rows, team_name, today};
use crate::access::CurrentUser;
use crate::{AppState, WebError};

/// One team's card.
struct Card {
    code: String,
    name: String,
    open: u64,
    overdue: u64,
    unallocated: u64,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub(crate) struct Dashboard {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    cards: Vec<Card>,
    mine: Vec<Row>,
    mine_total: u64,
}

/// `GET /`.
pub(crate) async fn show(State(state): State<AppState>, user: CurrentUser) -> Result<Dashboard, WebError> {
    let world = state.casework.world();
    let today = today();
    let mut cards = Vec::new();
    for team in &user.teams {
        let counts = state.store().team_counts(team, today).await?;
        cards.push(Card {
            code: team.clone(),
            name: team_name(&world, team),
            open: counts.open,
            overdue: counts.overdue,
            unallocated: counts.unallocated,
        });
    }
    let page = state.store().user_cases(&user.name, 1, state.config.page_size).await?;
    let mine = rows(&state, &user, &page.rows).await?;
    Ok(Dashboard {
        title: "Dashboard".to_string(),
        nav: Some(Nav::new(&user, "home")),
        csrf: user.csrf.clone(),
        cards,
        mine,
        mine_total: page.total,
    })
}
