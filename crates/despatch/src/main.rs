//! `despatch`: the command line of Despatch. Each subcommand lives in `commands/`.

mod commands;

use clap::{Parser, Subcommand};

/// Despatch: casework for official correspondence.
#[derive(Debug, Parser)]
#[command(name = "despatch", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Administration: reference data such as bank holidays.
    Admin(commands::admin::Args),
    /// Check the audit trail.
    Audit(commands::audit::Args),
    /// Run a benchmark workload and print one JSON line.
    Bench(commands::bench::Args),
    /// Compute a deadline in working days and explain it.
    Deadline(commands::deadline::Args),
    /// Start the web application on a fresh demo database with sample cases.
    Demo(commands::demo::Args),
    /// Check case-type definition files, and draw a case type's flow.
    Definitions(commands::definitions::Args),
    /// Write the reply to a case, drafted from its template, as .docx and PDF.
    Draft(commands::draft::Args),
    /// Extract letter fields from files (text, PDF, scans, Word, email).
    Extract(commands::extract::Args),
    /// Register letters as cases: incoming letters at Data Input, replies attached or imported.
    Ingest(commands::ingest::Args),
    /// Start the web application.
    Serve(commands::serve::Args),
    /// Standard lines: agreed wording per topic offered to drafters until it expires.
    StandardLines(commands::standard_lines::Args),
    /// Reply templates: list, show, load a file, the merge fields.
    Templates(commands::templates::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Serve(_) | Command::Demo(_)) {
        despatch_web::init_logs();
    }
    let result = match cli.command {
        Command::Admin(args) => commands::admin::run(args),
        Command::Audit(args) => commands::audit::run(args),
        Command::Bench(args) => commands::bench::run(args),
        Command::Deadline(args) => commands::deadline::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Definitions(args) => commands::definitions::run(args),
        Command::Draft(args) => commands::draft::run(args),
        Command::Extract(args) => commands::extract::run(args),
        Command::Ingest(args) => commands::ingest::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::StandardLines(args) => commands::standard_lines::run(args),
        Command::Templates(args) => commands::templates::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
