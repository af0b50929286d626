//! One module per subcommand; each exposes `Args` (clap) and `run(Args) -> anyhow::Result<ExitCode>`.

pub mod admin;
pub mod audit;
pub mod bench;
mod bench_workstack;
pub mod db;
pub mod deadline;
pub mod definitions;
pub mod demo;
pub mod draft;
pub mod extract;
pub mod ingest;
pub mod organisation;
pub mod outbox;
pub mod serve;
pub mod standard_lines;
pub mod templates;
pub mod users;
