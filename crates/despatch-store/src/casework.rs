//! The casework service: load a case, run the engine, save the outcome. It orchestrates; the
//! engine decides.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Datelike, Utc};
use despatch_domain::case::CaseState;
use despatch_domain::command::{Actor, Command, NewCase};
use despatch_domain::engine::{self, Outcome, World, london_date};

use crate::{Store, StoreError};

/// Casework over a store: creating cases and executing commands as one transaction each.
#[derive(Clone)]
pub struct Casework {
    store: Arc<dyn Store>,
    world: Arc<RwLock<Arc<World>>>,
}

impl Casework {
    /// A service over `store` with the given world (definitions, calendars, directory).
    pub fn new(store: Arc<dyn Store>, world: World) -> Casework {
        Casework { store, world: Arc::new(RwLock::new(Arc::new(world))) }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The world in force.
    pub fn world(&self) -> Arc<World> {
        match self.world.read() {
            Ok(world) => Arc::clone(&world),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the world (after definitions, holidays or the directory change).
    pub fn set_world(&self, world: World) {
        let mut guard = match self.world.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(world);
    }

    /// Opens a case; the reference's year is the year of creation in Europe/London.
    pub async fn open(&self, new: NewCase, actor: &Actor, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
        let world = self.world();
        let actor = actor.clone();
        let case_type = new.case_type.clone();
        let year = london_date(now).year();
        let open = Box::new(move |id, reference| engine::open_case(&new, id, reference, &actor, &world, now));
        self.store.create_case(&case_type, year, open).await
    }

    /// Executes a command on the case as the actor saw it (`state.version` guards the write).
    pub async fn execute_on(
        &self,
        state: &CaseState,
        command: &Command,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        let outcome = engine::execute(state, command, actor, &self.world(), now)?;
        self.store.save(state.version, outcome.clone()).await?;
        Ok(outcome)
    }

    /// Loads the case and executes a command on it. `expected_version`, when given, is the
    /// version the user saw; a different stored version fails with "case changed, reload".
    pub async fn execute(
        &self,
        case_id: i64,
        expected_version: Option<u64>,
        command: &Command,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        let state = self.store.case(case_id).await?.ok_or_else(|| StoreError::NotFound(case_id.to_string()))?;
        if let Some(expected) = expected_version
            && expected != state.version
        {
            return Err(engine::CommandError::StaleVersion { expected, actual: state.version }.into());
        }
        self.execute_on(&state, command, actor, now).await
    }
}
