//! The organisation as the engine sees it: units, teams, topics, topic→team links, users, and
//! their memberships with an access level per case type.
//!
//! The store holds this data (administrators edit it); the caller loads it and hands the engine a
//! [`Directory`] value, so routing and access stay pure functions.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::access::AccessLevel;

/// A unit: a group of teams (HOCS §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Stable code (`DCU`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// Inactive units are kept for history; their teams stay as they are.
    pub active: bool,
}

/// A topic as administrators see it: name, parent, and whether it can still be chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    /// Stable code (`POLICE_FUNDING`), as stored in case data.
    pub code: String,
    /// Display name.
    pub name: String,
    /// The parent topic's code, for a child topic.
    pub parent: Option<String>,
    /// Inactive topics cannot be chosen for new markup.
    pub active: bool,
}

/// A user of the directory (the sign-in account is kept apart, under the same name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// User name (`ada.caseworker`).
    pub name: String,
    /// Name shown to people.
    pub display_name: String,
    /// An inactive user has no access, cannot be allocated a case, and cannot sign in.
    pub active: bool,
}

/// A team (HOCS §4): a drafting team, a private office, a correspondence unit team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Stable code used in definitions and case data (`DCU_CENTRAL_DRAFTING`).
    pub code: String,
    /// Display name.
    pub name: String,
    /// Unit code the team belongs to.
    pub unit: String,
    /// Inactive teams are never routed to.
    pub active: bool,
}

/// Teams, topics and links, keyed for routing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    /// Teams by code.
    pub teams: BTreeMap<String, Team>,
    /// Topic codes that exist and are active (the engine's view of [`Directory::topic_details`]).
    pub topics: BTreeSet<String>,
    /// (case type, stage, topic) → team code (HOCS `team_link`).
    pub topic_links: BTreeMap<(String, String, String), String>,
    /// User name → team codes the user belongs to.
    pub memberships: BTreeMap<String, BTreeSet<String>>,
    /// User name → email address (notifications of allocation to them).
    #[serde(default)]
    pub emails: BTreeMap<String, String>,
    /// Team code → the team's nominated mailbox (HOCS's nominated contacts): notifications of
    /// work arriving at, or returned to, the team.
    #[serde(default)]
    pub mailboxes: BTreeMap<String, String>,
    /// Named recipients outside the department (`NUMBER_TEN` → its correspondence address), which
    /// case-type definitions refer to by name (e.g. the copy to Number 10).
    #[serde(default)]
    pub recipients: BTreeMap<String, String>,
    /// Units by code.
    #[serde(default)]
    pub units: BTreeMap<String, Unit>,
    /// Every topic, active or not, with its name and parent. [`Directory::put_topic`] keeps
    /// [`Directory::topics`] in step; a topic code in `topics` without details here is active
    /// and named by its code.
    #[serde(default)]
    pub topic_details: BTreeMap<String, Topic>,
    /// Users' names and whether they are active. A user in `memberships` without an entry here
    /// is active.
    #[serde(default)]
    pub users: BTreeMap<String, User>,
    /// (user, team) → case type → the access level that membership gives (HOCS permission).
    /// A membership without an entry gives no level.
    #[serde(default)]
    pub levels: BTreeMap<(String, String), BTreeMap<String, AccessLevel>>,
}

impl Directory {
    /// Whether a team exists and is active.
    pub fn is_active_team(&self, code: &str) -> bool {
        self.teams.get(code).is_some_and(|team| team.active)
    }

    /// The team linked to a topic for a stage of a case type.
    pub fn topic_team(&self, case_type: &str, stage: &str, topic: &str) -> Option<&str> {
        self.topic_links.get(&(case_type.to_string(), stage.to_string(), topic.to_string())).map(String::as_str)
    }

    /// Whether a user is active: listed (in `memberships` or `users`) and not deactivated.
    pub fn is_active_user(&self, user: &str) -> bool {
        match self.users.get(user) {
            Some(entry) => entry.active,
            None => self.memberships.contains_key(user),
        }
    }

    /// Whether an active user belongs to a team.
    pub fn is_member(&self, user: &str, team: &str) -> bool {
        self.memberships.get(user).is_some_and(|teams| teams.contains(team)) && self.is_active_user(user)
    }

    /// Whether a user exists and is active (cases can be allocated to them).
    pub fn is_user(&self, user: &str) -> bool {
        self.memberships.contains_key(user) && self.is_active_user(user)
    }

    /// The level a membership gives for a case type.
    pub fn level(&self, user: &str, team: &str, case_type: &str) -> Option<AccessLevel> {
        self.levels.get(&(user.to_string(), team.to_string()))?.get(case_type).copied()
    }

    /// Sets (or with `None` removes) the level a membership gives for a case type. Setting a
    /// level makes the user a member of the team.
    pub fn set_level(&mut self, user: &str, team: &str, case_type: &str, level: Option<AccessLevel>) {
        let key = (user.to_string(), team.to_string());
        match level {
            Some(level) => {
                self.add_member(user, team);
                self.levels.entry(key).or_default().insert(case_type.to_string(), level);
            }
            None => {
                if let Some(levels) = self.levels.get_mut(&key) {
                    levels.remove(case_type);
                    if levels.is_empty() {
                        self.levels.remove(&key);
                    }
                }
            }
        }
    }

    /// Makes a user a member of a team (with no levels yet).
    pub fn add_member(&mut self, user: &str, team: &str) {
        self.memberships.entry(user.to_string()).or_default().insert(team.to_string());
    }

    /// Ends a user's membership of a team, with its levels. The user stays listed.
    pub fn remove_member(&mut self, user: &str, team: &str) {
        if let Some(teams) = self.memberships.get_mut(user) {
            teams.remove(team);
        }
        self.levels.remove(&(user.to_string(), team.to_string()));
    }

    /// Adds or replaces a topic, keeping the active set [`Directory::topics`] in step.
    pub fn put_topic(&mut self, topic: Topic) {
        if topic.active {
            self.topics.insert(topic.code.clone());
        } else {
            self.topics.remove(&topic.code);
        }
        self.topic_details.insert(topic.code.clone(), topic);
    }

    /// The display name of a topic (its code when it has no details).
    pub fn topic_name(&self, code: &str) -> String {
        self.topic_details.get(code).map_or_else(|| code.to_string(), |topic| topic.name.clone())
    }

    /// The name shown for a user (the user name when none is recorded).
    pub fn display_name(&self, user: &str) -> String {
        self.users.get(user).map_or_else(|| user.to_string(), |entry| entry.display_name.clone())
    }
}
