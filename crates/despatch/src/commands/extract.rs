//! `despatch extract` (to be written).

use std::process::ExitCode;

/// Arguments of `despatch extract`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `despatch extract`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet available")
}
