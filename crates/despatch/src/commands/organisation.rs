//! The organisation file of `despatch admin load-organisation`: units, teams, topics (with
//! parents), topic→team links per case type and stage, and users with their teams and access
//! levels per case type (examples/organisation.toml).

use std::collections::BTreeMap;

use despatch_domain::access::AccessLevel;
use despatch_domain::definition::Definitions;
use despatch_domain::directory::{Directory, Team, Topic as TopicEntry, Unit as UnitEntry, User as UserEntry};
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
    name: String,
    #[serde(default = "active")]
    active: bool,
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
    name: String,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default = "active")]
    active: bool,
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
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default = "active")]
    active: bool,
    teams: Vec<Membership>,
    /// Levels per case type for every team listed by code alone.
    #[serde(default)]
    levels: BTreeMap<String, AccessLevel>,
    /// The address that notifications of allocation to the user go to.
    #[serde(default)]
    email: Option<String>,
}

/// A team of a user: its code (with the user's `levels`), or a table with its own levels.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Membership {
    Code(String),
    WithLevels { team: String, levels: BTreeMap<String, AccessLevel> },
}

/// Parses and checks an organisation file against the case-type definitions. Every problem is
/// reported, one sentence each; nothing is returned unless all is well.
pub fn parse(text: &str, definitions: &Definitions) -> Result<Directory, Vec<String>> {
    let file: OrganisationFile = toml::from_str(text).map_err(|e| vec![e.to_string()])?;
    let mut problems = Vec::new();
    let mut directory = Directory::default();
    for unit in &file.units {
        let entry = UnitEntry { code: unit.code.clone(), name: unit.name.clone(), active: unit.active };
        if directory.units.insert(unit.code.clone(), entry).is_some() {
            problems.push(format!("unit {} is listed twice", unit.code));
        }
    }
    let units = directory.units.clone();
    for team in &file.teams {
        if !units.contains_key(&team.unit) {
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
    for topic in &file.topics {
        if let Some(parent) = &topic.parent
            && !file.topics.iter().any(|t| &t.code == parent && t.parent.is_none())
        {
            problems.push(format!("topic {} has parent {parent}, which is not a top-level topic listed", topic.code));
        }
        let entry = TopicEntry {
            code: topic.code.clone(),
            name: topic.name.clone(),
            parent: topic.parent.clone(),
            active: topic.active,
        };
        directory.put_topic(entry);
    }
    for link in &file.links {
        if !directory.topic_details.contains_key(&link.topic) {
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
    for user in &file.users {
        let valid = !user.name.is_empty()
            && user.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid {
            problems.push(format!("user name {:?} may hold only letters, digits, '.', '-' and '_'", user.name));
        }
        if directory.users.contains_key(&user.name) {
            problems.push(format!("user {} is listed twice", user.name));
        }
        let display_name = user.display_name.clone().unwrap_or_else(|| user.name.clone());
        directory
            .users
            .insert(user.name.clone(), UserEntry { name: user.name.clone(), display_name, active: user.active });
        directory.memberships.entry(user.name.clone()).or_default();
        for membership in &user.teams {
            let (team, levels) = match membership {
                Membership::Code(team) => (team, &user.levels),
                Membership::WithLevels { team, levels } => (team, levels),
            };
            if !directory.teams.contains_key(team) {
                problems.push(format!("user {} is in team {team}, which is not listed", user.name));
            }
            if levels.is_empty() {
                problems.push(format!(
                    "user {} has no access level in team {team}: add levels = {{ MIN = \"WRITE\" }} (SUMMARY, READ, \
                     WRITE, OWNER or CASE_ADMIN per case type)",
                    user.name
                ));
            }
            directory.add_member(&user.name, team);
            for (case_type, level) in levels {
                if definitions.latest(case_type).is_none() {
                    problems.push(format!("user {} has a level for unknown case type {case_type}", user.name));
                }
                directory.set_level(&user.name, team, case_type, Some(*level));
            }
        }
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
