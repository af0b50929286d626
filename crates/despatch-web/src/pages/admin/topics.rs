//! Topics: list (parents with their children), add, rename, deactivate and reactivate; and each
//! topic's links to teams per case type and stage (HOCS `team_link`: which team drafts, which
//! private office approves).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use despatch_domain::directory::Topic;

use super::{Problem, change_directory, code, name};
use crate::access::{Administrator, CurrentUser};
use crate::pages::{Nav, team_name};
use crate::{AppState, WebError};

/// A topic as listed.
struct TopicRow {
    code: String,
    name: String,
    active: bool,
    links: usize,
    children: Vec<TopicRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/topics.html")]
pub(crate) struct TopicsPage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    topics: Vec<TopicRow>,
    parents: Vec<(String, String)>,
    problems: Vec<Problem>,
    posted: HashMap<String, String>,
}

impl TopicsPage {
    fn value(&self, field: &str) -> &str {
        self.posted.get(field).map_or("", String::as_str)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.problems.iter().find(|p| p.anchor == field).map(|p| p.message.as_str())
    }
}

/// Every topic with its details, including codes known only as active topics.
fn all_topics(directory: &despatch_domain::directory::Directory) -> Vec<Topic> {
    let mut topics = directory.topic_details.clone();
    for code in &directory.topics {
        topics.entry(code.clone()).or_insert_with(|| Topic {
            code: code.clone(),
            name: code.clone(),
            parent: None,
            active: true,
        });
    }
    topics.into_values().collect()
}

fn topics_page(
    state: &AppState,
    admin: &CurrentUser,
    problems: Vec<Problem>,
    posted: HashMap<String, String>,
) -> TopicsPage {
    let world = state.casework.world();
    let directory = world.directory();
    let topics = all_topics(directory);
    let links = |code: &str| directory.topic_links.keys().filter(|(_, _, topic)| topic == code).count();
    let row = |topic: &Topic| TopicRow {
        code: topic.code.clone(),
        name: topic.name.clone(),
        active: topic.active,
        links: links(&topic.code),
        children: Vec::new(),
    };
    let known = |code: &Option<String>| code.as_ref().is_some_and(|parent| topics.iter().any(|t| &t.code == parent));
    let mut rows: Vec<TopicRow> = topics.iter().filter(|topic| !known(&topic.parent)).map(row).collect();
    for topic in topics.iter().filter(|topic| known(&topic.parent)) {
        if let Some(parent) = rows.iter_mut().find(|r| Some(&r.code) == topic.parent.as_ref()) {
            parent.children.push(row(topic));
        }
    }
    TopicsPage {
        title: "Topics".to_string(),
        nav: Some(Nav::new(admin, "admin")),
        csrf: admin.csrf.clone(),
        parents: topics.iter().filter(|t| t.parent.is_none()).map(|t| (t.code.clone(), t.name.clone())).collect(),
        topics: rows,
        problems,
        posted,
    }
}

/// `GET /admin/topics`.
pub(crate) async fn list(State(state): State<AppState>, Administrator(admin): Administrator) -> TopicsPage {
    topics_page(&state, &admin, Vec::new(), HashMap::new())
}

fn field<'a>(posted: &'a HashMap<String, String>, name: &str) -> &'a str {
    posted.get(name).map_or("", String::as_str)
}

/// `POST /admin/topics`: adds a topic (`topic-code`, `topic-name`, optional `parent`, itself a
/// top-level topic: topics are two levels deep, as in HOCS).
pub(crate) async fn add(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let (code_text, name_text) = (field(&posted, "topic-code").to_string(), field(&posted, "topic-name").to_string());
    let parent = Some(field(&posted, "parent").to_string()).filter(|p| !p.is_empty());
    let made = change_directory(&state, &admin, &format!("add topic {code_text}"), |directory| {
        let mut problems = Vec::new();
        let code = code("topic-code", &code_text).map_err(|p| problems.push(p)).ok();
        let name = name("topic-name", &name_text).map_err(|p| problems.push(p)).ok();
        let topics = all_topics(directory);
        if let Some(code) = &code
            && topics.iter().any(|t| &t.code == code)
        {
            problems.push(Problem::new("topic-code", format!("There is already a topic {code}")));
        }
        if let Some(parent) = &parent
            && !topics.iter().any(|t| &t.code == parent && t.parent.is_none())
        {
            problems.push(Problem::new("parent", "Choose a top-level topic as the parent, or none"));
        }
        match (code, name) {
            (Some(code), Some(name)) if problems.is_empty() => {
                directory.put_topic(Topic { code, name, parent, active: true });
                Ok(())
            }
            _ => Err(problems),
        }
    })
    .await?;
    match made {
        Ok(()) => Ok(Redirect::to("/admin/topics").into_response()),
        Err(problems) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, topics_page(&state, &admin, problems, posted)).into_response())
        }
    }
}

/// A topic link as its topic's page lists it.
struct LinkRow {
    /// `CASE_TYPE:STAGE`, the form value that removes it.
    key: String,
    case_type: String,
    stage: String,
    team: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/topic.html")]
pub(crate) struct TopicPage {
    title: String,
    nav: Option<Nav>,
    csrf: String,
    code: String,
    name: String,
    parent: String,
    active: bool,
    links: Vec<LinkRow>,
    /// (`CASE_TYPE:STAGE`, "MIN – Initial Draft") for every stage of every case type.
    stages: Vec<(String, String)>,
    teams: Vec<(String, String)>,
    problems: Vec<Problem>,
}

fn topic_page(
    state: &AppState,
    admin: &CurrentUser,
    topic: &str,
    problems: Vec<Problem>,
) -> Result<TopicPage, WebError> {
    let world = state.casework.world();
    let directory = world.directory();
    let entry = all_topics(directory).into_iter().find(|t| t.code == topic).ok_or(WebError::NotFound)?;
    let stage_name = |case_type: &str, stage: &str| crate::pages::stage_name(&world, case_type, stage);
    let links = directory
        .topic_links
        .iter()
        .filter(|((_, _, linked), _)| linked == topic)
        .map(|((case_type, stage, _), team)| LinkRow {
            key: format!("{case_type}:{stage}"),
            case_type: case_type.clone(),
            stage: stage_name(case_type, stage),
            team: team_name(&world, team),
        })
        .collect();
    let mut stages = Vec::new();
    for code in world.definitions().codes() {
        if let Some(definition) = world.definitions().latest(code) {
            for stage in &definition.stages {
                stages.push((format!("{code}:{}", stage.id.get_ref()), format!("{code} – {}", stage.name)));
            }
        }
    }
    Ok(TopicPage {
        title: entry.name.clone(),
        nav: Some(Nav::new(admin, "admin")),
        csrf: admin.csrf.clone(),
        code: entry.code.clone(),
        name: entry.name.clone(),
        parent: entry.parent.as_deref().map(|p| directory.topic_name(p)).unwrap_or_default(),
        active: entry.active,
        links,
        stages,
        teams: directory.teams.values().filter(|t| t.active).map(|t| (t.code.clone(), t.name.clone())).collect(),
        problems,
    })
}

/// `GET /admin/topics/{code}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(topic): Path<String>,
) -> Result<TopicPage, WebError> {
    topic_page(&state, &admin, &topic, Vec::new())
}

/// `POST /admin/topics/{code}`: `action` = `rename` (with `name`), `deactivate` (cannot be
/// chosen at markup any more; links are kept) or `activate`.
pub(crate) async fn change(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(topic): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    if !all_topics(state.casework.world().directory()).iter().any(|t| t.code == topic) {
        return Err(WebError::NotFound);
    }
    let action = field(&posted, "action").to_string();
    let new_name = field(&posted, "name").to_string();
    let made = change_directory(&state, &admin, &format!("{action} topic {topic}"), |directory| {
        let mut entry = all_topics(directory)
            .into_iter()
            .find(|t| t.code == topic)
            .ok_or_else(|| vec![Problem::new("name", "The topic no longer exists")])?;
        match action.as_str() {
            "rename" => entry.name = name("name", &new_name).map_err(|p| vec![p])?,
            "deactivate" => entry.active = false,
            "activate" => entry.active = true,
            _ => return Err(vec![Problem::new("name", "Choose what to change")]),
        }
        directory.put_topic(entry);
        Ok(())
    })
    .await?;
    answer(&state, &admin, &topic, made)
}

/// `POST /admin/topics/{code}/links`: links the topic at `stage` (`CASE_TYPE:STAGE`) to `team`,
/// replacing any link there; with `action=remove`, removes the link at `stage`.
pub(crate) async fn link(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(topic): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let world = state.casework.world();
    if !all_topics(world.directory()).iter().any(|t| t.code == topic) {
        return Err(WebError::NotFound);
    }
    let remove = field(&posted, "action") == "remove";
    let team = field(&posted, "team").to_string();
    let (case_type, stage) = field(&posted, "stage").split_once(':').unwrap_or_default();
    let (case_type, stage) = (case_type.to_string(), stage.to_string());
    let stage_known = world.definitions().latest(&case_type).is_some_and(|d| d.stage(&stage).is_some());
    let what = if remove {
        format!("unlink topic {topic} at {case_type} {stage}")
    } else {
        format!("link topic {topic} at {case_type} {stage} to team {team}")
    };
    let made = change_directory(&state, &admin, &what, |directory| {
        let key = (case_type.clone(), stage.clone(), topic.clone());
        if remove {
            directory.topic_links.remove(&key);
            return Ok(());
        }
        let mut problems = Vec::new();
        if !stage_known {
            problems.push(Problem::new("stage", "Choose a case type and stage"));
        }
        if !directory.is_active_team(&team) {
            problems.push(Problem::new("team", "Choose an active team"));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        directory.topic_links.insert(key, team.clone());
        Ok(())
    })
    .await?;
    answer(&state, &admin, &topic, made)
}

fn answer(
    state: &AppState,
    admin: &CurrentUser,
    topic: &str,
    made: Result<(), Vec<Problem>>,
) -> Result<Response, WebError> {
    match made {
        Ok(()) => Ok(Redirect::to(&format!("/admin/topics/{topic}")).into_response()),
        Err(problems) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, topic_page(state, admin, topic, problems)?).into_response())
        }
    }
}
