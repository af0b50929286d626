//! Users: list, add (with a one-time password), team memberships with an access level per case
//! type, reset password (a new one-time password), deactivate and reactivate.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use despatch_domain::access::AccessLevel;
use despatch_domain::directory::{Directory, User};

use super::{Problem, change_directory, name};
use crate::access::{Administrator, CurrentUser};
use crate::auth;
use crate::pages::Nav;
use crate::{AppState, WebError};

/// A user as listed.
struct UserRow {
    name: String,
    display_name: String,
    teams: String,
    active: bool,
    administrator: bool,
    has_account: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
pub(crate) struct UsersPage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    users: Vec<UserRow>,
    problems: Vec<Problem>,
    posted: HashMap<String, String>,
}

impl UsersPage {
    fn value(&self, field: &str) -> &str {
        self.posted.get(field).map_or("", String::as_str)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.problems.iter().find(|p| p.anchor == field).map(|p| p.message.as_str())
    }
}

fn user_names(directory: &Directory) -> BTreeSet<String> {
    directory.memberships.keys().chain(directory.users.keys()).cloned().collect()
}

async fn users_page(
    state: &AppState,
    admin: &CurrentUser,
    problems: Vec<Problem>,
    posted: HashMap<String, String>,
) -> Result<UsersPage, WebError> {
    let world = state.casework.world();
    let directory = world.directory();
    let accounts: BTreeMap<String, bool> =
        state.store().accounts().await?.into_iter().map(|account| (account.name, account.administrator)).collect();
    let users = user_names(directory)
        .into_iter()
        .map(|name| UserRow {
            display_name: directory.display_name(&name),
            teams: directory
                .memberships
                .get(&name)
                .map(|teams| {
                    teams.iter().map(|team| crate::pages::team_name(&world, team)).collect::<Vec<_>>().join(", ")
                })
                .unwrap_or_default(),
            active: directory.is_active_user(&name),
            administrator: accounts.get(&name).copied().unwrap_or(false),
            has_account: accounts.contains_key(&name),
            name,
        })
        .collect();
    Ok(UsersPage {
        title: "Users".to_string(),
        nav: Some(Nav::new(admin, "admin")),
        csrf: admin.csrf.clone(),
        users,
        problems,
        posted,
    })
}

/// `GET /admin/users`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
) -> Result<UsersPage, WebError> {
    users_page(&state, &admin, Vec::new(), HashMap::new()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/password.html")]
pub(crate) struct PasswordPage {
    title: String,
    nav: Option<Nav>,
    user: String,
    password: String,
    created: bool,
}

fn field<'a>(posted: &'a HashMap<String, String>, name: &str) -> &'a str {
    posted.get(name).map_or("", String::as_str)
}

/// `POST /admin/users`: adds a user (`user-name`, `display-name`) with a sign-in account and a
/// one-time password, shown once on the answer page.
pub(crate) async fn add(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let user = field(&posted, "user-name").trim().to_string();
    let display = field(&posted, "display-name").to_string();
    let mut problems = Vec::new();
    if !auth::valid_user_name(&user) {
        problems.push(Problem::new("user-name", "Enter a user name of letters, digits, '.', '-' or '_'"));
    }
    let display = name("display-name", &display).map_err(|p| problems.push(p)).ok();
    let exists =
        user_names(state.casework.world().directory()).contains(&user) || state.store().account(&user).await?.is_some();
    if exists {
        problems.push(Problem::new("user-name", format!("There is already a user {user}")));
    }
    let made = match display {
        Some(display) if problems.is_empty() => {
            change_directory(&state, &admin, &format!("add user {user}"), |directory| {
                directory.users.insert(user.clone(), User { name: user.clone(), display_name: display, active: true });
                directory.memberships.entry(user.clone()).or_default();
                Ok(())
            })
            .await?
        }
        _ => Err(problems),
    };
    if let Err(problems) = made {
        let page = users_page(&state, &admin, problems, posted).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let password = auth::create_account_with_one_time_password(state.store().as_ref(), &user, false)
        .await
        .map_err(|e| WebError::Setup(e.to_string()))?;
    tracing::info!(target: "despatch::admin", admin = %admin.name, user = %user, "account created with a one-time password");
    Ok(PasswordPage {
        title: format!("User {user} added"),
        nav: Some(Nav::new(&admin, "admin")),
        user,
        password,
        created: true,
    }
    .into_response())
}

/// One membership on a user's page: the team and the level per case type.
struct MembershipView {
    team: String,
    team_name: String,
    team_active: bool,
    /// (case type, level code or empty for none).
    levels: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/user.html")]
pub(crate) struct UserPage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    user: String,
    display_name: String,
    active: bool,
    has_account: bool,
    administrator: bool,
    must_change_password: bool,
    memberships: Vec<MembershipView>,
    /// Teams the user is not in yet: (code, name).
    other_teams: Vec<(String, String)>,
    case_types: Vec<String>,
    levels: Vec<(&'static str, &'static str)>,
    problems: Vec<Problem>,
}

async fn user_page(
    state: &AppState,
    admin: &CurrentUser,
    user: &str,
    problems: Vec<Problem>,
) -> Result<UserPage, WebError> {
    let world = state.casework.world();
    let directory = world.directory();
    if !user_names(directory).contains(user) {
        return Err(WebError::NotFound);
    }
    let account = state.store().account(user).await?;
    let case_types: Vec<String> = world.definitions().codes().map(str::to_string).collect();
    let teams = directory.memberships.get(user).cloned().unwrap_or_default();
    let memberships = teams
        .iter()
        .map(|team| MembershipView {
            team: team.clone(),
            team_name: crate::pages::team_name(&world, team),
            team_active: directory.is_active_team(team),
            levels: case_types
                .iter()
                .map(|case_type| {
                    let level =
                        directory.level(user, team, case_type).map(|l| l.code().to_string()).unwrap_or_default();
                    (case_type.clone(), level)
                })
                .collect(),
        })
        .collect();
    let other_teams = directory
        .teams
        .values()
        .filter(|team| !teams.contains(&team.code) && team.active)
        .map(|team| (team.code.clone(), team.name.clone()))
        .collect();
    Ok(UserPage {
        title: directory.display_name(user),
        nav: Some(Nav::new(admin, "admin")),
        csrf: admin.csrf.clone(),
        user: user.to_string(),
        display_name: directory.display_name(user),
        active: directory.is_active_user(user),
        has_account: account.is_some(),
        administrator: account.as_ref().is_some_and(|a| a.administrator),
        must_change_password: account.as_ref().is_some_and(|a| a.must_change_password),
        memberships,
        other_teams,
        case_types,
        levels: AccessLevel::ALL.iter().map(|level| (level.code(), level.describe())).collect(),
        problems,
    })
}

/// `GET /admin/users/{name}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(user): Path<String>,
) -> Result<UserPage, WebError> {
    user_page(&state, &admin, &user, Vec::new()).await
}

/// `POST /admin/users/{name}/memberships`: makes the user a member of `team` with, for each case
/// type, the level in field `level-CODE` (empty for none), replacing the membership's levels.
/// With `action=remove`, ends the membership instead.
pub(crate) async fn membership(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(user): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    if !user_names(state.casework.world().directory()).contains(&user) {
        return Err(WebError::NotFound);
    }
    let team = field(&posted, "team").to_string();
    let remove = field(&posted, "action") == "remove";
    let case_types: Vec<String> = state.casework.world().definitions().codes().map(str::to_string).collect();
    let mut levels = BTreeMap::new();
    let mut problems = Vec::new();
    for case_type in &case_types {
        let text = field(&posted, &format!("level-{case_type}"));
        if text.is_empty() {
            continue;
        }
        match text.parse::<AccessLevel>() {
            Ok(level) => {
                levels.insert(case_type.clone(), level);
            }
            Err(error) => problems.push(Problem::new(&format!("level-{case_type}"), error.to_string())),
        }
    }
    let what = if remove {
        format!("remove {user} from team {team}")
    } else {
        let described: Vec<String> = levels.iter().map(|(case_type, level)| format!("{case_type} {level}")).collect();
        format!(
            "set {user} in team {team}: {}",
            if described.is_empty() { "no levels".to_string() } else { described.join(", ") }
        )
    };
    let made = change_directory(&state, &admin, &what, |directory| {
        if !directory.teams.contains_key(&team) {
            problems.push(Problem::new("team", "Choose a team"));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        if remove {
            directory.remove_member(&user, &team);
            return Ok(());
        }
        directory.add_member(&user, &team);
        for case_type in &case_types {
            directory.set_level(&user, &team, case_type, levels.get(case_type).copied());
        }
        Ok(())
    })
    .await?;
    match made {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{user}")).into_response()),
        Err(problems) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, user_page(&state, &admin, &user, problems).await?).into_response())
        }
    }
}

/// `POST /admin/users/{name}/password`: a new one-time password, shown once; the user's sessions
/// end. A user without an account (loaded from an organisation file) gets one this way.
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(user): Path<String>,
) -> Result<Response, WebError> {
    if !user_names(state.casework.world().directory()).contains(&user) && state.store().account(&user).await?.is_none()
    {
        return Err(WebError::NotFound);
    }
    let password =
        auth::reset_password(state.store().as_ref(), &user).await.map_err(|e| WebError::Setup(e.to_string()))?;
    tracing::info!(target: "despatch::admin", admin = %admin.name, user = %user, "password reset to a one-time password");
    let title = format!("New one-time password for {user}");
    Ok(PasswordPage { title, nav: Some(Nav::new(&admin, "admin")), user, password, created: false }.into_response())
}

/// `POST /admin/users/{name}/status`: `action` = `deactivate` (the user can no longer sign in,
/// be allocated cases or see any; their sessions end) or `activate`; `display-name` with
/// `action=rename` changes the name shown.
pub(crate) async fn status(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(user): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    if !user_names(state.casework.world().directory()).contains(&user) {
        return Err(WebError::NotFound);
    }
    let action = field(&posted, "action").to_string();
    let display = field(&posted, "display-name").to_string();
    if action == "deactivate" && user == admin.name {
        let problems = vec![Problem::new("status", "You cannot deactivate yourself")];
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, user_page(&state, &admin, &user, problems).await?).into_response()
        );
    }
    let made = change_directory(&state, &admin, &format!("{action} user {user}"), |directory| {
        let mut entry = directory.users.get(&user).cloned().unwrap_or_else(|| User {
            name: user.clone(),
            display_name: user.clone(),
            active: true,
        });
        match action.as_str() {
            "deactivate" => entry.active = false,
            "activate" => entry.active = true,
            "rename" => entry.display_name = name("display-name", &display).map_err(|p| vec![p])?,
            _ => return Err(vec![Problem::new("status", "Choose what to change")]),
        }
        directory.memberships.entry(user.clone()).or_default();
        directory.users.insert(user.clone(), entry);
        Ok(())
    })
    .await?;
    if made.is_ok() && action == "deactivate" {
        state.store().delete_user_sessions(&user).await?;
    }
    match made {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{user}")).into_response()),
        Err(problems) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, user_page(&state, &admin, &user, problems).await?).into_response())
        }
    }
}
