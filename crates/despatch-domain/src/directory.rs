//! The organisation as the engine sees it: teams, topics, topic→team links and memberships.
//!
//! The store holds this data (administrators edit it); the caller loads it and hands the engine a
//! [`Directory`] value, so routing stays a pure function.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

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
    /// Topic codes that exist and are active.
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

    /// Whether a user belongs to a team.
    pub fn is_member(&self, user: &str, team: &str) -> bool {
        self.memberships.get(user).is_some_and(|teams| teams.contains(team))
    }

    /// Whether a user exists (belongs to at least one team).
    pub fn is_user(&self, user: &str) -> bool {
        self.memberships.contains_key(user)
    }
}
