//! Bearer tokens for service accounts calling the JSON API.
//!
//! A supertrait of [`Store`](crate::Store), like [`Accounts`](crate::Accounts). Only the
//! SHA-256 of a token is stored; the token itself is shown once when it is made. The SQL lives in
//! `sql/tokens.rs`.

use async_trait::async_trait;

use crate::StoreError;

/// An API token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// SHA-256 (hex) of the token the caller presents.
    pub id: String,
    /// The user (directory user name) the token acts as.
    pub user: String,
    /// A label telling the user's tokens apart (`ingest-robot`); unique among their live tokens.
    pub label: String,
    /// When it was made (UTC, RFC 3339).
    pub created_at: String,
    /// When it was revoked (UTC, RFC 3339); `None` while it is live.
    pub revoked_at: Option<String>,
}

/// API tokens.
#[async_trait]
pub trait ApiTokens {
    /// Stores a new token. Returns `false`, storing nothing, when the user already has a live
    /// token with this label.
    async fn create_api_token(&self, token: &ApiToken) -> Result<bool, StoreError>;

    /// The token with this id (the SHA-256 of what the caller presents), live or revoked.
    async fn api_token(&self, id: &str) -> Result<Option<ApiToken>, StoreError>;

    /// A user's tokens, live and revoked, oldest first.
    async fn api_tokens(&self, user: &str) -> Result<Vec<ApiToken>, StoreError>;

    /// Revokes the user's live token with this label at `revoked_at` (UTC, RFC 3339); returns
    /// whether there was one.
    async fn revoke_api_token(&self, user: &str, label: &str, revoked_at: &str) -> Result<bool, StoreError>;
}
