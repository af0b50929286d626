//! A script: the SQL statements of one write, each with its parameters numbered `$1…$n`, built
//! once and run by either writer connection (see `conn.rs`).

use sqlx::{AnyConnection, Executor};

/// A bind value.
#[derive(Debug, Clone)]
pub(super) enum Value {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Null,
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Int(value)
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::Text(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Text(value.to_string())
    }
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Value {
        value.map_or(Value::Null, Value::Text)
    }
}

/// Statements and parameters, in order.
#[derive(Debug, Default)]
pub(super) struct Script {
    statements: Vec<(String, Vec<Value>)>,
}

impl Script {
    /// Adds a statement whose parameters are numbered `$1…$n` locally.
    pub fn push(&mut self, sql: &str, params: Vec<Value>) {
        self.statements.push((sql.to_string(), params));
    }

    /// Adds a statement without parameters (`BEGIN`, `COMMIT`, `SAVEPOINT job`…); an empty one
    /// is left out.
    pub fn plain(&mut self, sql: &str) {
        if !sql.is_empty() {
            self.statements.push((sql.to_string(), Vec::new()));
        }
    }

    /// The statements with their parameters, in order.
    pub fn into_statements(self) -> Vec<(String, Vec<Value>)> {
        self.statements
    }

    /// Runs every statement on a sqlx connection, one at a time.
    pub async fn run_sqlx(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        for (sql, params) in self.statements {
            conn.execute(bind(&sql, params)).await?;
        }
        Ok(())
    }

    /// Runs every statement on a sqlx connection and counts the rows they return.
    pub async fn returned_rows_sqlx(self, conn: &mut AnyConnection) -> Result<usize, sqlx::Error> {
        let mut returned = 0;
        for (sql, params) in self.statements {
            returned += conn.fetch_all(bind(&sql, params)).await?.len();
        }
        Ok(returned)
    }
}

fn bind(sql: &str, params: Vec<Value>) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
    for value in params {
        query = match value {
            Value::Int(v) => query.bind(v),
            Value::Text(v) => query.bind(v),
            Value::Bytes(v) => query.bind(v),
            Value::Null => query.bind(None::<String>),
        };
    }
    query
}
