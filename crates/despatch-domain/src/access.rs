//! Access to cases as in HOCS (shared/reference/hocs.md §4): a user's membership of a team
//! carries an [`AccessLevel`] per case type, and one pure function, [`case_access`], decides what
//! the user may do with a case.
//!
//! Rules (HOCS `AccessLevel.java` and its casework service):
//! - a user's level for a case type is the highest their active teams give them;
//! - a user with no level for the case type, one of whose teams holds or has held a stage of the
//!   case, has [`AccessLevel::Read`];
//! - progressing a stage also needs the stage allocated to the user (the engine checks that).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::directory::Directory;

/// How much a user may do with the cases of a case type, lowest first (HOCS levels 3–7; HOCS's
/// UNSET, MIGRATE and RESTRICTED_OWNER are not used).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccessLevel {
    /// Sees the case's row in workstacks and search results, not the case itself.
    Summary,
    /// Opens the case: summary, timeline, documents. Changes nothing.
    Read,
    /// Adds notes, allocates stages to themself, completes the stages allocated to them.
    Write,
    /// Also allocates stages to others and moves them to another team.
    Owner,
    /// Also takes administrative actions on the case type's cases.
    CaseAdmin,
}

impl AccessLevel {
    /// Every level, lowest first.
    pub const ALL: [AccessLevel; 5] =
        [AccessLevel::Summary, AccessLevel::Read, AccessLevel::Write, AccessLevel::Owner, AccessLevel::CaseAdmin];

    /// The HOCS name (`CASE_ADMIN`), as written in organisation files and forms.
    pub fn code(self) -> &'static str {
        match self {
            AccessLevel::Summary => "SUMMARY",
            AccessLevel::Read => "READ",
            AccessLevel::Write => "WRITE",
            AccessLevel::Owner => "OWNER",
            AccessLevel::CaseAdmin => "CASE_ADMIN",
        }
    }

    /// A short description for people (`Read: opens cases, changes nothing`).
    pub fn describe(self) -> &'static str {
        match self {
            AccessLevel::Summary => "Summary: sees rows in workstacks and search",
            AccessLevel::Read => "Read: opens cases, changes nothing",
            AccessLevel::Write => "Write: notes, takes and completes stages",
            AccessLevel::Owner => "Owner: also allocates to others and moves teams",
            AccessLevel::CaseAdmin => "Case admin: also administrative actions",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A level name that is not one of [`AccessLevel::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an access level (SUMMARY, READ, WRITE, OWNER or CASE_ADMIN)")]
pub struct UnknownLevel(pub String);

impl FromStr for AccessLevel {
    type Err = UnknownLevel;

    fn from_str(text: &str) -> Result<AccessLevel, UnknownLevel> {
        AccessLevel::ALL
            .into_iter()
            .find(|level| level.code().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownLevel(text.to_string()))
    }
}

/// The case as access needs it: its type, where its current stage is and who holds it, and the
/// teams that held its earlier stages.
#[derive(Debug, Clone, Copy)]
pub struct CaseScope<'a> {
    /// Case-type code (`MIN`).
    pub case_type: &'a str,
    /// The team of the current stage; `None` when the case is closed.
    pub team: Option<&'a str>,
    /// The user the current stage is allocated to.
    pub allocated_to: Option<&'a str>,
    /// Teams that held any stage of the case (its stage history), in any order.
    pub held_by: &'a [&'a str],
}

/// What a user may do with one case. Every field is false for a user without access.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseAccess {
    /// The level that applies, if any.
    pub level: Option<AccessLevel>,
    /// Sees the case's row in workstacks and search results (SUMMARY).
    pub see_row: bool,
    /// Opens the case page: summary, timeline, documents (READ).
    pub read: bool,
    /// Adds case notes (WRITE).
    pub add_note: bool,
    /// Changes the case's correspondents, topics and documents (WRITE).
    pub edit: bool,
    /// Allocates the open stage to themself: WRITE and a member of the stage's team, and the
    /// stage not already theirs.
    pub take: bool,
    /// Submits the open stage's form: WRITE, a member of its team, and the stage allocated to them
    /// or to nobody (submitting takes it first).
    pub complete: bool,
    /// Gives back a stage allocated to them (WRITE), or unallocates anyone's (OWNER).
    pub unallocate: bool,
    /// Allocates the open stage to another member of its team (OWNER).
    pub allocate_others: bool,
    /// Moves the open stage to another team (OWNER).
    pub move_team: bool,
    /// Administrative actions on the case (CASE_ADMIN).
    pub administer: bool,
}

/// The highest level a user's active teams give them for a case type; `None` without one. An
/// inactive user has none.
pub fn level_for(directory: &Directory, user: &str, case_type: &str) -> Option<AccessLevel> {
    if !directory.is_active_user(user) {
        return None;
    }
    directory
        .memberships
        .get(user)?
        .iter()
        .filter(|team| directory.is_active_team(team))
        .filter_map(|team| directory.level(user, team, case_type))
        .max()
}

/// What `user` may do with the case in `scope` (the one decision every page and API handler
/// asks). Pure: the directory is the only source of memberships and levels.
pub fn case_access(directory: &Directory, user: &str, scope: &CaseScope<'_>) -> CaseAccess {
    let in_team = |team: &str| directory.is_member(user, team) && directory.is_active_user(user);
    let level = level_for(directory, user, scope.case_type).or_else(|| {
        let held = scope.team.into_iter().chain(scope.held_by.iter().copied()).any(in_team);
        held.then_some(AccessLevel::Read)
    });
    let Some(level) = level else { return CaseAccess::default() };
    let write = level >= AccessLevel::Write;
    let owner = level >= AccessLevel::Owner;
    let open = scope.team.is_some();
    let member_of_stage_team = scope.team.is_some_and(in_team);
    let mine = open && scope.allocated_to == Some(user);
    let allocated = scope.allocated_to.is_some();
    CaseAccess {
        level: Some(level),
        see_row: true,
        read: level >= AccessLevel::Read,
        add_note: write,
        edit: write,
        take: write && member_of_stage_team && !mine,
        complete: write && member_of_stage_team && (mine || !allocated),
        unallocate: open && allocated && ((write && mine) || owner),
        allocate_others: open && owner,
        move_team: open && owner,
        administer: level >= AccessLevel::CaseAdmin,
    }
}

/// Whether `user` may open a case of `case_type`: at least WRITE on the case type through one of
/// their active teams (HOCS gives case creation to the teams that work the case type).
pub fn may_create(directory: &Directory, user: &str, case_type: &str) -> bool {
    level_for(directory, user, case_type).is_some_and(|level| level >= AccessLevel::Write)
}

/// The case types for which a user has at least `minimum` (for search and lists).
pub fn case_types_at_least(
    directory: &Directory,
    user: &str,
    case_types: impl IntoIterator<Item = String>,
    minimum: AccessLevel,
) -> Vec<String> {
    case_types.into_iter().filter(|code| level_for(directory, user, code).is_some_and(|l| l >= minimum)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{Team, User};

    fn directory() -> Directory {
        let mut directory = Directory::default();
        for (code, active) in [("DCU", true), ("DRAFTING", true), ("OLD", false)] {
            let team = Team { code: code.into(), name: code.into(), unit: "U".into(), active };
            directory.teams.insert(code.into(), team);
        }
        for (user, team, level) in [
            ("summary", "DCU", AccessLevel::Summary),
            ("reader", "DCU", AccessLevel::Read),
            ("writer", "DCU", AccessLevel::Write),
            ("owner", "DCU", AccessLevel::Owner),
            ("admin", "DCU", AccessLevel::CaseAdmin),
            ("drafter", "DRAFTING", AccessLevel::Write),
            ("retired", "OLD", AccessLevel::CaseAdmin),
        ] {
            directory.add_member(user, team);
            directory.set_level(user, team, "MIN", Some(level));
        }
        directory.add_member("unlevelled", "DRAFTING");
        directory
    }

    fn at_dcu<'a>(allocated_to: Option<&'a str>, held_by: &'a [&'a str]) -> CaseScope<'a> {
        CaseScope { case_type: "MIN", team: Some("DCU"), allocated_to, held_by }
    }

    #[test]
    fn each_level_opens_exactly_what_it_should_on_an_unallocated_stage() {
        let directory = directory();
        let scope = at_dcu(None, &[]);
        let access = |user| case_access(&directory, user, &scope);
        assert!(access("summary").see_row && !access("summary").read);
        assert!(access("reader").read && !access("reader").add_note && !access("reader").take);
        let writer = access("writer");
        assert!(writer.add_note && writer.take && writer.complete && !writer.unallocate && !writer.allocate_others);
        let owner = access("owner");
        assert!(owner.allocate_others && owner.move_team && !owner.administer);
        assert!(access("admin").administer);
    }

    #[test]
    fn only_the_allocated_writer_completes_and_an_owner_may_unallocate_anyone() {
        let directory = directory();
        let scope = at_dcu(Some("writer"), &[]);
        let writer = case_access(&directory, "writer", &scope);
        assert!(writer.complete && writer.unallocate && !writer.take);
        let owner = case_access(&directory, "owner", &scope);
        assert!(!owner.complete && owner.take && owner.unallocate);
    }

    #[test]
    fn a_writer_of_another_team_reads_and_notes_but_cannot_take_the_stage() {
        let directory = directory();
        let drafter = case_access(&directory, "drafter", &at_dcu(None, &[]));
        assert!(drafter.read && drafter.add_note && !drafter.take && !drafter.complete);
    }

    #[test]
    fn a_team_that_held_the_case_gives_read_to_a_member_without_a_level() {
        let directory = directory();
        let held = case_access(&directory, "unlevelled", &at_dcu(None, &["DRAFTING"]));
        assert_eq!(held.level, Some(AccessLevel::Read));
        assert!(held.read && !held.add_note);
        let never = case_access(&directory, "unlevelled", &at_dcu(None, &[]));
        assert_eq!(never, CaseAccess::default());
    }

    #[test]
    fn inactive_teams_and_inactive_users_give_nothing() {
        let mut directory = directory();
        assert_eq!(level_for(&directory, "retired", "MIN"), None);
        directory
            .users
            .insert("writer".into(), User { name: "writer".into(), display_name: "W".into(), active: false });
        assert_eq!(case_access(&directory, "writer", &at_dcu(None, &["DCU"])), CaseAccess::default());
    }

    #[test]
    fn a_closed_case_can_be_read_but_not_allocated_or_completed() {
        let directory = directory();
        let closed = CaseScope { case_type: "MIN", team: None, allocated_to: None, held_by: &["DCU"] };
        let owner = case_access(&directory, "owner", &closed);
        assert!(owner.read && !owner.take && !owner.complete && !owner.unallocate && !owner.move_team);
    }

    #[test]
    fn levels_read_and_write_as_their_hocs_names() {
        assert_eq!("case_admin".parse::<AccessLevel>(), Ok(AccessLevel::CaseAdmin));
        assert!("ADMIN".parse::<AccessLevel>().is_err());
        assert!(AccessLevel::Summary < AccessLevel::Read && AccessLevel::Owner < AccessLevel::CaseAdmin);
        assert_eq!(AccessLevel::Write.to_string(), "WRITE");
    }
}
