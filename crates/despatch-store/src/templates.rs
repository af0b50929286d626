//! Reply templates as stored: one per case type and signing team, kept as the TOML an
//! administrator edits. The store keeps the text; `despatch-docs` reads and checks it (the store
//! holds no rule about what a template may say).
//!
//! A supertrait of [`Store`](crate::Store), like [`ApiTokens`](crate::ApiTokens). The SQL lives
//! in `sql/templates.rs`.

use async_trait::async_trait;

use crate::StoreError;

/// A reply template as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTemplate {
    /// The case type it replies for (`MIN`).
    pub case_type: String,
    /// The signing team (a private office's team code); `None` for the case type's default.
    pub team: Option<String>,
    /// Name shown to administrators.
    pub name: String,
    /// The template as TOML: one `[[templates]]` entry, as `despatch_docs::parse_templates` reads.
    pub toml: String,
    /// Who saved it last (a user name, or `despatch` for the embedded defaults).
    pub updated_by: String,
    /// When it was saved last (UTC, RFC 3339).
    pub updated_at: String,
}

/// Reply templates.
#[async_trait]
pub trait ReplyTemplates {
    /// Every stored template, by case type then team (the default, with no team, first).
    async fn reply_templates(&self) -> Result<Vec<StoredTemplate>, StoreError>;

    /// The template for a case type and team (`None` for the case type's default), if stored.
    async fn reply_template(&self, case_type: &str, team: Option<&str>) -> Result<Option<StoredTemplate>, StoreError>;

    /// Saves a template, replacing the one stored for its case type and team.
    async fn put_reply_template(&self, template: &StoredTemplate) -> Result<(), StoreError>;

    /// Stores `templates` only if no template is stored yet (the first start seeds the embedded
    /// defaults), all or none; returns how many it stored (0 when there were templates already).
    async fn seed_reply_templates(&self, templates: &[StoredTemplate]) -> Result<usize, StoreError>;
}
