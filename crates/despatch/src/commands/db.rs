//! Opening the store and building the engine's world from it, shared by the commands that
//! touch cases.

use std::sync::Arc;

use anyhow::Context;
use despatch_domain::calendar::BankHolidays;
use despatch_domain::definition::Definitions;
use despatch_domain::engine::World;
use despatch_store::{Casework, Store};

/// The default database: `despatch.db` in the working folder.
pub const DEFAULT_DB: &str = "despatch.db";

/// Opens the store named by `--db` (or `DATABASE_URL`, or `despatch.db`).
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    despatch_store::open(url).await.with_context(|| format!("opening the database {url}"))
}

/// Opens a database that must already exist: a SQLite file named by a path that is missing is an
/// error here rather than a new, empty database (for commands that only read, such as audits).
pub async fn open_existing(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let is_postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !is_postgres {
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        let path = path.split('?').next().unwrap_or(path);
        if !std::path::Path::new(path).is_file() {
            anyhow::bail!("there is no database file at {path}");
        }
    }
    open(url).await
}

/// The bank holidays in force: the feed an administrator stored, else the embedded one.
pub async fn holidays(store: &dyn Store) -> anyhow::Result<BankHolidays> {
    Ok(match store.bank_holidays().await? {
        Some(feed) => {
            let mut holidays = BankHolidays::embedded().clone();
            holidays.merge(&BankHolidays::from_govuk_json(&feed).context("the stored bank-holiday feed")?);
            holidays
        }
        None => BankHolidays::embedded().clone(),
    })
}

/// The case-type definitions in force: the embedded ones, then the `*.toml` files of the folder
/// named by `DESPATCH_DEFINITIONS` (a file with the same code and version replaces the embedded
/// one; newer versions are added). Any problem in any file refuses them all.
pub fn definitions() -> anyhow::Result<Definitions> {
    let dir = std::env::var_os("DESPATCH_DEFINITIONS").map(std::path::PathBuf::from);
    let mut texts = Vec::new();
    for source in super::definitions::sources(dir.as_deref())? {
        let text = source.text.with_context(|| format!("{} is not UTF-8 text", source.file))?;
        texts.push((source.file, text));
    }
    Definitions::from_sources(texts)
        .map_err(|errors| anyhow::anyhow!("the case-type definitions have problems:\n{errors}"))
}

/// Casework over the store, with the definitions in force and the stored directory and holidays.
pub async fn casework(store: Arc<dyn Store>) -> anyhow::Result<Casework> {
    let definitions = definitions()?;
    let directory = store.directory().await?;
    let world = World::new(definitions, &holidays(store.as_ref()).await?, directory)?;
    Ok(Casework::new(store, world))
}

/// Ends a command's use of the store: SQLite's write-ahead log is folded into the database file,
/// so that the file alone is a complete copy.
pub async fn finish(store: &dyn Store) -> anyhow::Result<()> {
    store.checkpoint().await.context("folding the write-ahead log into the database file")
}

/// A Tokio runtime for a command.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")
}
