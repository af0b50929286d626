//! Allocation of the current stage: to a user of its team, back to the team, or to another team.

use super::{CommandError, Run};
use crate::case::CaseState;
use crate::event::EventKind;

impl Run<'_> {
    fn open_stage<'s>(
        &self,
        state: &'s mut CaseState,
        command: &'static str,
    ) -> Result<&'s mut crate::case::ActiveStage, CommandError> {
        state
            .stage
            .as_mut()
            .ok_or_else(|| CommandError::NotAllowed { command, situation: "on a closed case".to_string() })
    }

    pub(super) fn allocate_to_user(&mut self, state: &mut CaseState, user: &str) -> Result<(), CommandError> {
        let directory = self.directory;
        let stage = self.open_stage(state, "allocate to user")?;
        if !directory.is_member(user, &stage.team) {
            return Err(CommandError::NotInTeam { user: user.to_string(), team: stage.team.clone() });
        }
        if stage.user.as_deref() == Some(user) {
            return Ok(());
        }
        let before = stage.user.replace(user.to_string());
        let stage_id = stage.stage.clone();
        self.emit(EventKind::StageAllocatedToUser { stage: stage_id, before, after: user.to_string() });
        Ok(())
    }

    pub(super) fn unallocate(&mut self, state: &mut CaseState) -> Result<(), CommandError> {
        let stage = self.open_stage(state, "unallocate")?;
        let Some(before) = stage.user.take() else {
            return Err(CommandError::NotAllowed {
                command: "unallocate",
                situation: "on a stage allocated to nobody".to_string(),
            });
        };
        let stage_id = stage.stage.clone();
        self.emit(EventKind::StageUnallocatedFromUser { stage: stage_id, before });
        Ok(())
    }

    pub(super) fn move_to_team(&mut self, state: &mut CaseState, team: &str, reason: &str) -> Result<(), CommandError> {
        if !self.directory.is_active_team(team) {
            return Err(CommandError::invalid("team", format!("{team} is not an active team")));
        }
        if reason.trim().is_empty() {
            return Err(CommandError::invalid("note", "Enter a reason"));
        }
        let stage = self.open_stage(state, "move to team")?;
        if stage.team == team {
            return Err(CommandError::invalid("team", format!("The case is already with {team}")));
        }
        let before = std::mem::replace(&mut stage.team, team.to_string());
        let previous_user = stage.user.take();
        let stage_id = stage.stage.clone();
        if let Some(previous_user) = previous_user {
            self.emit(EventKind::StageUnallocatedFromUser { stage: stage_id.clone(), before: previous_user });
        }
        self.emit(EventKind::StageAllocatedToTeam { stage: stage_id, before, after: team.to_string() });
        self.note(state, "ALLOCATE", reason)
    }
}
