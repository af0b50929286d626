//! The organisation directory: teams, topics, topic→team links, users and memberships.

use std::collections::BTreeMap;

use despatch_domain::directory::{Directory, Team};
use sqlx::{AnyPool, Row};

use crate::StoreError;

pub(super) async fn load_directory(pool: &AnyPool) -> Result<Directory, StoreError> {
    let mut directory = Directory::default();
    for row in sqlx::query("SELECT code, name, unit, active, mailbox FROM teams").fetch_all(pool).await? {
        if let Some(mailbox) = row.try_get::<Option<String>, _>("mailbox")? {
            directory.mailboxes.insert(row.try_get("code")?, mailbox);
        }
        let team = Team {
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            unit: row.try_get("unit")?,
            active: row.try_get::<i64, _>("active")? != 0,
        };
        directory.teams.insert(team.code.clone(), team);
    }
    for row in sqlx::query("SELECT code FROM topics WHERE active = 1").fetch_all(pool).await? {
        directory.topics.insert(row.try_get("code")?);
    }
    for row in sqlx::query("SELECT case_type, stage, topic, team FROM topic_links").fetch_all(pool).await? {
        directory
            .topic_links
            .insert((row.try_get("case_type")?, row.try_get("stage")?, row.try_get("topic")?), row.try_get("team")?);
    }
    for row in sqlx::query("SELECT name, email FROM users").fetch_all(pool).await? {
        let name: String = row.try_get("name")?;
        if let Some(email) = row.try_get::<Option<String>, _>("email")? {
            directory.emails.insert(name.clone(), email);
        }
        directory.memberships.entry(name).or_default();
    }
    for row in sqlx::query("SELECT name, address FROM recipients").fetch_all(pool).await? {
        directory.recipients.insert(row.try_get("name")?, row.try_get("address")?);
    }
    for row in sqlx::query("SELECT user_name, team FROM memberships").fetch_all(pool).await? {
        directory.memberships.entry(row.try_get("user_name")?).or_default().insert(row.try_get("team")?);
    }
    Ok(directory)
}

/// Replaces the directory in one transaction.
pub(super) async fn save_directory(pool: &AnyPool, directory: &Directory) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    for table in ["recipients", "memberships", "users", "topic_links", "topics", "teams", "units"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(&mut *tx).await?;
    }
    let units: BTreeMap<&str, ()> = directory.teams.values().map(|team| (team.unit.as_str(), ())).collect();
    for unit in units.keys() {
        sqlx::query("INSERT INTO units (code, name) VALUES ($1, $1)").bind(unit.to_string()).execute(&mut *tx).await?;
    }
    for team in directory.teams.values() {
        sqlx::query("INSERT INTO teams (code, name, unit, active, mailbox) VALUES ($1, $2, $3, $4, $5)")
            .bind(team.code.clone())
            .bind(team.name.clone())
            .bind(team.unit.clone())
            .bind(i64::from(team.active))
            .bind(directory.mailboxes.get(&team.code).cloned())
            .execute(&mut *tx)
            .await?;
    }
    for topic in &directory.topics {
        sqlx::query("INSERT INTO topics (code, name, active) VALUES ($1, $1, 1)")
            .bind(topic.clone())
            .execute(&mut *tx)
            .await?;
    }
    for ((case_type, stage, topic), team) in &directory.topic_links {
        sqlx::query("INSERT INTO topic_links (case_type, stage, topic, team) VALUES ($1, $2, $3, $4)")
            .bind(case_type.clone())
            .bind(stage.clone())
            .bind(topic.clone())
            .bind(team.clone())
            .execute(&mut *tx)
            .await?;
    }
    for (user, teams) in &directory.memberships {
        sqlx::query("INSERT INTO users (name, display_name, email) VALUES ($1, $1, $2)")
            .bind(user.clone())
            .bind(directory.emails.get(user).cloned())
            .execute(&mut *tx)
            .await?;
        for team in teams {
            sqlx::query("INSERT INTO memberships (user_name, team) VALUES ($1, $2)")
                .bind(user.clone())
                .bind(team.clone())
                .execute(&mut *tx)
                .await?;
        }
    }
    for (name, address) in &directory.recipients {
        sqlx::query("INSERT INTO recipients (name, address) VALUES ($1, $2)")
            .bind(name.clone())
            .bind(address.clone())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
