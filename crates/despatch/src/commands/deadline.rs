//! `despatch deadline` (to be written).

use std::process::ExitCode;

/// Arguments of `despatch deadline`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `despatch deadline`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet available")
}
