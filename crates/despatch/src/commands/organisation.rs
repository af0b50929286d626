//! The organisation file of `despatch admin load-organisation`: units, teams, topics, topic→team
//! links per case type and stage, and users with their teams (examples/organisation.toml).

use std::collections::{BTreeMap, BTreeSet};

use despatch_domain::definition::Definitions;
use despatch_domain::directory::{Directory, Team};
use serde::Deserialize;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationFile {
    #[serde(default)]
    units: Vec<Unit>,
    #[serde(default)]
    teams: Vec<TeamEntry>,
    #[serde(default)]
    topics: Vec<Topic>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    users: Vec<User>,
    #[serde(default)]
    recipients: Vec<Recipient>,
}

/// A named recipient outside the department (`NUMBER_TEN`), named by case-type definitions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recipient {
    name: String,
    address: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Unit {
    code: String,
    #[allow(dead_code)]
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamEntry {
    code: String,
    name: String,
    unit: String,
    #[serde(default = "active")]
    active: bool,
    /// The team's nominated mailbox for notifications.
    #[serde(default)]
    mailbox: Option<String>,
}

fn active() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Topic {
    code: String,
    #[allow(dead_code)]
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Link {
    topic: String,
    case_types: Vec<String>,
    stage: String,
    team: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct User {
    name: String,
    teams: Vec<String>,
    #[serde(default)]
    email: Option<String>,
}

/// Parses and checks an organisation file against the case-type definitions. Every problem is
/// reported, one sentence each; nothing is returned unless all is well.
pub fn parse(text: &str, definitions: &Definitions) -> Result<Directory, Vec<String>> {
    let file: OrganisationFile = toml::from_str(text).map_err(|e| vec![e.to_string()])?;
    let mut problems = Vec::new();
    let units: BTreeSet<&str> = file.units.iter().map(|u| u.code.as_str()).collect();
    let mut directory = Directory::default();
    for team in &file.teams {
        if !units.contains(team.unit.as_str()) {
            problems.push(format!("team {} is in unit {}, which is not listed under [[units]]", team.code, team.unit));
        }
        let entry =
            Team { code: team.code.clone(), name: team.name.clone(), unit: team.unit.clone(), active: team.active };
        if directory.teams.insert(team.code.clone(), entry).is_some() {
            problems.push(format!("team {} is listed twice", team.code));
        }
        if let Some(mailbox) = &team.mailbox {
            check_address(mailbox, &format!("the mailbox of team {}", team.code), &mut problems);
            directory.mailboxes.insert(team.code.clone(), mailbox.clone());
        }
    }
    directory.topics = file.topics.iter().map(|t| t.code.clone()).collect();
    for link in &file.links {
        if !directory.topics.contains(&link.topic) {
            problems.push(format!("a link names topic {}, which is not listed under [[topics]]", link.topic));
        }
        if !directory.teams.contains_key(&link.team) {
            problems.push(format!("the link of topic {} names team {}, which is not listed", link.topic, link.team));
        }
        for case_type in &link.case_types {
            match definitions.latest(case_type) {
                None => problems.push(format!("the link of topic {} names unknown case type {case_type}", link.topic)),
                Some(definition) if definition.stage(&link.stage).is_none() => {
                    problems.push(format!(
                        "case type {case_type} has no stage {} (link of topic {})",
                        link.stage, link.topic
                    ));
                }
                Some(_) => {}
            }
            directory
                .topic_links
                .insert((case_type.clone(), link.stage.clone(), link.topic.clone()), link.team.clone());
        }
    }
    let mut memberships: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for user in &file.users {
        for team in &user.teams {
            if !directory.teams.contains_key(team) {
                problems.push(format!("user {} is in team {team}, which is not listed", user.name));
            }
        }
        memberships.entry(user.name.clone()).or_default().extend(user.teams.iter().cloned());
        if let Some(email) = &user.email {
            check_address(email, &format!("the email of user {}", user.name), &mut problems);
            directory.emails.insert(user.name.clone(), email.clone());
        }
    }
    for recipient in &file.recipients {
        check_address(&recipient.address, &format!("the address of recipient {}", recipient.name), &mut problems);
        if directory.recipients.insert(recipient.name.clone(), recipient.address.clone()).is_some() {
            problems.push(format!("recipient {} is listed twice", recipient.name));
        }
    }
    directory.memberships = memberships;
    for definition in definitions.all() {
        for stage in &definition.stages {
            if let Some(team) = &stage.team.default
                && !directory.teams.contains_key(team.get_ref().as_str())
            {
                problems.push(format!(
                    "case type {} sends stage {} to team {}, which is not listed",
                    definition.code,
                    stage.id.get_ref(),
                    team.get_ref()
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    if problems.is_empty() { Ok(directory) } else { Err(problems) }
}

/// An email address must have one `@` with text either side and no spaces.
fn check_address(address: &str, owner: &str, problems: &mut Vec<String>) {
    let valid = matches!(address.split_once('@'), Some((local, domain))
        if !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !address.contains(char::is_whitespace));
    if !valid {
        problems.push(format!("{owner} ({address:?}) is not an email address"));
    }
}
