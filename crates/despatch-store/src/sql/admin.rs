//! The organisation directory: units, teams, topics, topic→team links, users, and memberships
//! with their access levels per case type.

use std::collections::BTreeSet;

use despatch_domain::access::AccessLevel;
use despatch_domain::directory::{Directory, Team, Topic, Unit, User};
use sqlx::{AnyPool, Row};

use crate::StoreError;

fn flag(value: i64) -> bool {
    value != 0
}

pub(super) async fn load_directory(pool: &AnyPool) -> Result<Directory, StoreError> {
    let mut directory = Directory::default();
    for row in sqlx::query("SELECT code, name, active FROM units").fetch_all(pool).await? {
        let unit =
            Unit { code: row.try_get("code")?, name: row.try_get("name")?, active: flag(row.try_get("active")?) };
        directory.units.insert(unit.code.clone(), unit);
    }
    for row in sqlx::query("SELECT code, name, unit, active, mailbox FROM teams").fetch_all(pool).await? {
        if let Some(mailbox) = row.try_get::<Option<String>, _>("mailbox")? {
            directory.mailboxes.insert(row.try_get("code")?, mailbox);
        }
        let team = Team {
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            unit: row.try_get("unit")?,
            active: flag(row.try_get("active")?),
        };
        directory.teams.insert(team.code.clone(), team);
    }
    for row in sqlx::query("SELECT code, name, parent, active FROM topics").fetch_all(pool).await? {
        directory.put_topic(Topic {
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            parent: row.try_get("parent")?,
            active: flag(row.try_get("active")?),
        });
    }
    for row in sqlx::query("SELECT case_type, stage, topic, team FROM topic_links").fetch_all(pool).await? {
        directory
            .topic_links
            .insert((row.try_get("case_type")?, row.try_get("stage")?, row.try_get("topic")?), row.try_get("team")?);
    }
    for row in sqlx::query("SELECT name, display_name, active, email FROM users").fetch_all(pool).await? {
        let user = User {
            name: row.try_get("name")?,
            display_name: row.try_get("display_name")?,
            active: flag(row.try_get("active")?),
        };
        if let Some(email) = row.try_get::<Option<String>, _>("email")? {
            directory.emails.insert(user.name.clone(), email);
        }
        directory.memberships.entry(user.name.clone()).or_default();
        directory.users.insert(user.name.clone(), user);
    }
    for row in sqlx::query("SELECT name, address FROM recipients").fetch_all(pool).await? {
        directory.recipients.insert(row.try_get("name")?, row.try_get("address")?);
    }
    for row in sqlx::query("SELECT user_name, team FROM memberships").fetch_all(pool).await? {
        directory.memberships.entry(row.try_get("user_name")?).or_default().insert(row.try_get("team")?);
    }
    for row in sqlx::query("SELECT user_name, team, case_type, level FROM membership_levels").fetch_all(pool).await? {
        let (user, team, case_type): (String, String, String) =
            (row.try_get("user_name")?, row.try_get("team")?, row.try_get("case_type")?);
        let text: String = row.try_get("level")?;
        let level: AccessLevel =
            text.parse().map_err(|e| StoreError::Corrupt(format!("level of {user} in {team} for {case_type}: {e}")))?;
        directory.set_level(&user, &team, &case_type, Some(level));
    }
    Ok(directory)
}

/// Replaces the directory in one transaction.
pub(super) async fn save_directory(pool: &AnyPool, directory: &Directory) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    for table in ["recipients", "membership_levels", "memberships", "users", "topic_links", "topics", "teams", "units"]
    {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(&mut *tx).await?;
    }
    // Units named by teams but not listed get their code as name.
    let mut units = directory.units.clone();
    for team in directory.teams.values() {
        units.entry(team.unit.clone()).or_insert_with(|| Unit {
            code: team.unit.clone(),
            name: team.unit.clone(),
            active: true,
        });
    }
    for unit in units.values() {
        sqlx::query("INSERT INTO units (code, name, active) VALUES ($1, $2, $3)")
            .bind(unit.code.clone())
            .bind(unit.name.clone())
            .bind(i64::from(unit.active))
            .execute(&mut *tx)
            .await?;
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
    let mut topics = directory.topic_details.clone();
    for code in &directory.topics {
        topics.entry(code.clone()).or_insert_with(|| Topic {
            code: code.clone(),
            name: code.clone(),
            parent: None,
            active: true,
        });
    }
    for topic in topics.values() {
        sqlx::query("INSERT INTO topics (code, name, parent, active) VALUES ($1, $2, $3, $4)")
            .bind(topic.code.clone())
            .bind(topic.name.clone())
            .bind(topic.parent.clone())
            .bind(i64::from(topic.active && directory.topics.contains(&topic.code)))
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
    let names: BTreeSet<&String> = directory.memberships.keys().chain(directory.users.keys()).collect();
    for user in names {
        sqlx::query("INSERT INTO users (name, display_name, active, email) VALUES ($1, $2, $3, $4)")
            .bind(user.clone())
            .bind(directory.display_name(user))
            .bind(i64::from(directory.is_active_user(user)))
            .bind(directory.emails.get(user).cloned())
            .execute(&mut *tx)
            .await?;
        for team in directory.memberships.get(user).into_iter().flatten() {
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
    for ((user, team), levels) in &directory.levels {
        if !directory.memberships.get(user).is_some_and(|teams| teams.contains(team)) {
            continue;
        }
        for (case_type, level) in levels {
            sqlx::query("INSERT INTO membership_levels (user_name, team, case_type, level) VALUES ($1, $2, $3, $4)")
                .bind(user.clone())
                .bind(team.clone())
                .bind(case_type.clone())
                .bind(level.code())
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
