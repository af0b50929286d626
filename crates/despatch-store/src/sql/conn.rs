//! The writer's connection: the few operations the writer needs, implemented directly on a
//! rusqlite connection for SQLite and on a sqlx connection for PostgreSQL.
//!
//! SQLite's writer owns its connection on its own thread through rusqlite: every statement is a
//! plain function call, so a step costs no thread switch besides the hand-over to the writer and
//! the reply (sqlx's SQLite driver runs each connection on a worker thread and pays two switches
//! per statement). PostgreSQL's writer drives a sqlx connection from the same thread with
//! `block_on`; there the network round trip is the cost either way.

use sqlx::{AnyConnection, Row};
use tokio::runtime::Handle;

use super::script::{Script, Value};
use super::write::Head;
use crate::StoreError;

/// What the writer does on its connection.
pub(super) trait WriterConnection: Send {
    /// Runs one statement without parameters (`BEGIN`, `COMMIT`, `SAVEPOINT job`…).
    fn exec(&mut self, sql: &str) -> Result<(), StoreError>;
    /// Runs every statement of a script.
    fn run(&mut self, script: Script) -> Result<(), StoreError>;
    /// Runs a script and counts the rows its statements return.
    fn returned_rows(&mut self, script: Script) -> Result<usize, StoreError>;
    /// Takes the next number of the global case-reference sequence.
    fn next_number(&mut self) -> Result<i64, StoreError>;
    /// The stored audit-chain head of a case.
    fn read_head(&mut self, case_id: i64) -> Result<Option<Head>, StoreError>;
    /// Housekeeping between batches, outside any transaction (SQLite: moves pending search
    /// text into the full-text index once enough has gathered).
    fn maintain(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Makes the database file complete on its own (SQLite: indexes pending search rows and
    /// truncates the write-ahead log into the file).
    fn checkpoint(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}

const NEXT_NUMBER: &str = "UPDATE sequences SET value = value + 1 WHERE name = 'case_reference' RETURNING value";
const READ_HEAD: &str = "SELECT version, last_event_seq, last_event_hash FROM cases WHERE id = $1";

fn write_error(error: impl std::fmt::Display) -> StoreError {
    StoreError::Write(error.to_string())
}

/// The writer's SQLite settings: WAL with an fsync at every commit (`synchronous = FULL`), an 8 MB
/// page cache, and a checkpoint every 10,000 WAL pages (about 40 MB) rather than 1,000, so that
/// pages rewritten by many commits (the FTS structure, hot case pages) are copied back once.
/// The cache is kept small on purpose: at the end of every write transaction SQLite's page cache
/// may scan its whole hash table (`pcache1TruncateUnsafe`), which with a 64 MB cache cost the
/// writer about a third more CPU per step with 32 clients (docs/PERFORMANCE.md).
const WRITER_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 10000; PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 10000;";

/// Pending search rows gathered before the writer indexes them in one batch.
const PENDING_BATCH: i64 = 512;

/// Batches between two looks at the pending search rows.
const BATCHES_PER_CHECK: u32 = 64;

/// SQLite through rusqlite.
pub(super) struct Sqlite {
    connection: rusqlite::Connection,
    batches: u32,
}

impl Sqlite {
    /// Opens the file with the store's pragmas: WAL, fsync on every commit, 10 s busy wait.
    pub fn open(path: &str) -> Result<Sqlite, StoreError> {
        let connection = rusqlite::Connection::open(path).map_err(write_error)?;
        connection.execute_batch(WRITER_PRAGMAS).map_err(write_error)?;
        connection.set_prepared_statement_cache_capacity(64);
        Ok(Sqlite { connection, batches: 0 })
    }

    /// Moves every pending search row into the full-text index, in one transaction.
    pub fn index_pending(&mut self) -> Result<(), StoreError> {
        self.connection
            .execute_batch(
                "BEGIN IMMEDIATE; \
                 INSERT OR REPLACE INTO search (rowid, body) SELECT doc, body FROM search_pending ORDER BY id; \
                 DELETE FROM search_pending; COMMIT;",
            )
            .map_err(|error| {
                let _ = self.connection.execute_batch("ROLLBACK");
                write_error(error)
            })
    }

    fn prepare<'c>(&'c self, sql: &str, params: Vec<Value>) -> Result<rusqlite::CachedStatement<'c>, StoreError> {
        let mut statement = self.connection.prepare_cached(&numbered(sql)).map_err(write_error)?;
        let count = statement.parameter_count();
        for (i, value) in params.into_iter().enumerate() {
            let index = i + 1;
            if index > count {
                break;
            }
            let bound = match value {
                Value::Int(v) => statement.raw_bind_parameter(index, v),
                Value::Text(v) => statement.raw_bind_parameter(index, v),
                Value::Bytes(v) => statement.raw_bind_parameter(index, v),
                Value::Null => statement.raw_bind_parameter(index, rusqlite::types::Null),
            };
            bound.map_err(write_error)?;
        }
        Ok(statement)
    }
}

/// The statement with its parameters `$N` written `?N`, which SQLite numbers N, so that values
/// bind by position (a `$N` is a named parameter, numbered by first appearance).
fn numbered(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('$') {
        return std::borrow::Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        let before_digit = chars.peek().is_some_and(char::is_ascii_digit);
        out.push(if c == '$' && before_digit { '?' } else { c });
    }
    std::borrow::Cow::Owned(out)
}

impl WriterConnection for Sqlite {
    fn exec(&mut self, sql: &str) -> Result<(), StoreError> {
        // A cached statement: the writer runs the same few (`BEGIN IMMEDIATE`, `SAVEPOINT job`…)
        // for every job.
        self.connection
            .prepare_cached(sql)
            .and_then(|mut statement| statement.raw_execute())
            .map(drop)
            .map_err(write_error)
    }

    fn run(&mut self, script: Script) -> Result<(), StoreError> {
        for (sql, params) in script.into_statements() {
            self.prepare(&sql, params)?.raw_execute().map_err(write_error)?;
        }
        Ok(())
    }

    fn returned_rows(&mut self, script: Script) -> Result<usize, StoreError> {
        let mut returned = 0;
        for (sql, params) in script.into_statements() {
            let mut statement = self.prepare(&sql, params)?;
            let mut rows = statement.raw_query();
            while rows.next().map_err(write_error)?.is_some() {
                returned += 1;
            }
        }
        Ok(returned)
    }

    fn next_number(&mut self) -> Result<i64, StoreError> {
        self.connection.query_row(NEXT_NUMBER, [], |row| row.get(0)).map_err(write_error)
    }

    fn checkpoint(&mut self) -> Result<(), StoreError> {
        self.index_pending()?;
        self.connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").map_err(write_error)
    }

    fn maintain(&mut self) -> Result<(), StoreError> {
        self.batches += 1;
        if self.batches < BATCHES_PER_CHECK {
            return Ok(());
        }
        self.batches = 0;
        let pending: i64 = self
            .connection
            .query_row("SELECT COUNT(*) FROM search_pending", [], |row| row.get(0))
            .map_err(write_error)?;
        if pending >= PENDING_BATCH { self.index_pending() } else { Ok(()) }
    }

    fn read_head(&mut self, case_id: i64) -> Result<Option<Head>, StoreError> {
        let mut statement = self.prepare(READ_HEAD, vec![Value::Int(case_id)])?;
        let mut rows = statement.raw_query();
        let Some(row) = rows.next().map_err(write_error)? else { return Ok(None) };
        let version: i64 = row.get(0).map_err(write_error)?;
        let seq: i64 = row.get(1).map_err(write_error)?;
        Ok(Some(Head { version: version as u64, seq: seq as u64, hash: row.get(2).map_err(write_error)? }))
    }
}

/// PostgreSQL through sqlx, driven from the writer thread.
pub(super) struct Postgres {
    pub connection: AnyConnection,
    pub runtime: Handle,
}

impl WriterConnection for Postgres {
    fn exec(&mut self, sql: &str) -> Result<(), StoreError> {
        let sql = sql.to_string();
        self.runtime.block_on(sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut self.connection))?;
        Ok(())
    }

    fn run(&mut self, script: Script) -> Result<(), StoreError> {
        let connection = &mut self.connection;
        self.runtime.block_on(script.run_sqlx(connection))?;
        Ok(())
    }

    fn returned_rows(&mut self, script: Script) -> Result<usize, StoreError> {
        let connection = &mut self.connection;
        Ok(self.runtime.block_on(script.returned_rows_sqlx(connection))?)
    }

    fn next_number(&mut self) -> Result<i64, StoreError> {
        let row = self.runtime.block_on(sqlx::query(NEXT_NUMBER).fetch_one(&mut self.connection))?;
        Ok(row.try_get("value")?)
    }

    fn read_head(&mut self, case_id: i64) -> Result<Option<Head>, StoreError> {
        let row = self.runtime.block_on(sqlx::query(READ_HEAD).bind(case_id).fetch_optional(&mut self.connection))?;
        let Some(row) = row else { return Ok(None) };
        let version: i64 = row.try_get("version")?;
        let seq: i64 = row.try_get("last_event_seq")?;
        Ok(Some(Head { version: version as u64, seq: seq as u64, hash: row.try_get("last_event_hash")? }))
    }
}
