//! The one SQL implementation of [`Store`](crate::Store), over sqlx's `Any` driver.

mod accounts;
mod admin;
mod conn;
mod drafting;
mod fingerprints;
mod inline;
mod outbox;
mod read;
mod script;
mod templates;
mod tokens;
mod write;
mod writer;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Connection, Row};

use crate::{Backend, StoreError};
use conn::WriterConnection;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How many waiting commands one transaction may carry (group commit).
const MAX_BATCH: usize = 64;

/// SQLite connection settings: WAL, every commit fsynced, foreign keys on, wait up to 10 s for
/// the write lock held by another process.
const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

/// A store on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    writer: inline::Writer,
}

impl SqlStore {
    /// Opens (and for SQLite creates) the database at `url`, migrates it, and starts the writer.
    /// Must be called inside a Tokio runtime.
    pub async fn open(url: &str) -> Result<SqlStore, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, backend, path) = normalise(url)?;
        let options = AnyConnectOptions::from_str(&url).map_err(|_| StoreError::BadUrl(url.clone()))?;
        // One direct connection first, so that a damaged file or an unreachable server is
        // reported at once rather than as a pool time-out.
        let connection = writer_connection(&options, backend).await?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        sqlx::query(SQLITE_PRAGMAS).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options.clone())
            .await
            .map_err(classify)?;
        migrate(&pool, backend).await?;
        let writer = match path {
            // SQLite: a caller commits its own job when nobody else is writing.
            Some(path) => {
                drop(connection);
                let sqlite = conn::Sqlite::open(&path)?;
                let reconnect: writer::Reconnect =
                    Box::new(move || Ok(Box::new(conn::Sqlite::open(&path)?) as Box<dyn WriterConnection>));
                inline::Writer::start(writer::Committer::new(Box::new(sqlite), reconnect, backend), true)?
            }
            // PostgreSQL: a writer thread drives the connection with `block_on`.
            None => {
                let runtime = tokio::runtime::Handle::current();
                let again = runtime.clone();
                let reconnect = move || -> Result<Box<dyn WriterConnection>, StoreError> {
                    let connection = again.block_on(writer_connection(&options, backend))?;
                    Ok(Box::new(conn::Postgres { connection, runtime: again.clone() }))
                };
                let committer = writer::Committer::new(
                    Box::new(conn::Postgres { connection, runtime }),
                    Box::new(reconnect),
                    backend,
                );
                inline::Writer::start(committer, false)?
            }
        };
        Ok(SqlStore { pool, backend, writer })
    }
}

async fn writer_connection(options: &AnyConnectOptions, backend: Backend) -> Result<AnyConnection, StoreError> {
    let mut connection = AnyConnection::connect_with(options).await.map_err(classify)?;
    if backend == Backend::Sqlite {
        sqlx::query(SQLITE_PRAGMAS).execute(&mut connection).await.map_err(classify)?;
        // The pragmas do not read the file; this does, and fails on a file that is not a database.
        sqlx::query("SELECT COUNT(*) FROM sqlite_master").execute(&mut connection).await.map_err(classify)?;
    }
    Ok(connection)
}

/// Turns a path or URL into a sqlx URL, its backend and, for SQLite, the file path.
fn normalise(url: &str) -> Result<(String, Backend, Option<String>), StoreError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_string(), Backend::Postgres, None));
    }
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if path.is_empty() || path.contains("://") {
        return Err(StoreError::BadUrl(url.to_string()));
    }
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let query = if query.is_empty() { "mode=rwc".to_string() } else { query.to_string() };
    Ok((format!("sqlite://{path}?{query}"), Backend::Sqlite, Some(path.to_string())))
}

/// Applies the embedded migrations, after refusing a database a newer binary wrote.
async fn migrate(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    let found: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations")
        .fetch_one(pool)
        .await
        .ok()
        .and_then(|row| row.try_get::<Option<i64>, _>("v").ok().flatten());
    if let Some(found) = found
        && found > known
    {
        return Err(StoreError::NewerDatabase { found, known });
    }
    migrator.run(pool).await.map_err(|error| match error {
        sqlx::migrate::MigrateError::Execute(error) => classify(error),
        other => StoreError::Corrupt(other.to_string()),
    })
}

/// Maps "not a database"-style errors to [`StoreError::Corrupt`].
pub(crate) fn classify(error: sqlx::Error) -> StoreError {
    let text = error.to_string();
    if text.contains("not a database") || text.contains("malformed") || text.contains("file is encrypted") {
        StoreError::Corrupt(text)
    } else {
        StoreError::Database(error)
    }
}

/// Text column of a date.
fn date_text(date: Option<chrono::NaiveDate>) -> Option<String> {
    date.map(|d| d.to_string())
}

/// Parses a stored date.
fn parse_date(text: Option<String>) -> Option<chrono::NaiveDate> {
    text.and_then(|t| t.parse().ok())
}
