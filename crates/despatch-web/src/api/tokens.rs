//! API tokens for service accounts: 32 random bytes shown once as 64 hex digits; the store keeps
//! only their SHA-256 ([`despatch_store::ApiTokens`]).

use chrono::{SecondsFormat, Utc};
use despatch_store::{ApiToken, Store, StoreError};
use sha2::{Digest, Sha256};

use crate::session::random_token;

/// Why a token could not be made or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The user is not in the organisation directory.
    #[error("there is no user {0:?} in the organisation; load it first (despatch admin load-organisation)")]
    UnknownUser(String),
    /// The label is blank or longer than 100 characters.
    #[error("a token label is 1 to 100 characters (got {0:?})")]
    BadLabel(String),
    /// The user already has a live token with this label.
    #[error("{user} already has a live token labelled {label:?}; revoke it first or choose another label")]
    LabelTaken {
        /// User name.
        user: String,
        /// Label.
        label: String,
    },
    /// The user has no live token with this label.
    #[error("{user} has no live token labelled {label:?}")]
    NoSuchToken {
        /// User name.
        user: String,
        /// Label.
        label: String,
    },
    /// The random number generator failed.
    #[error("random number generator: {0}")]
    Random(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The stored id of a token: its SHA-256, hex.
pub(crate) fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes a token for `user` (a user of the stored organisation directory) labelled `label`;
/// returns the token, which is not stored and cannot be shown again.
pub async fn create_token(store: &dyn Store, user: &str, label: &str) -> Result<String, TokenError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(TokenError::BadLabel(label.to_string()));
    }
    if !store.directory().await?.is_user(user) {
        return Err(TokenError::UnknownUser(user.to_string()));
    }
    let token = random_token().map_err(|e| TokenError::Random(e.to_string()))?;
    let record = ApiToken {
        id: token_id(&token),
        user: user.to_string(),
        label: label.to_string(),
        created_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        revoked_at: None,
    };
    if !store.create_api_token(&record).await? {
        return Err(TokenError::LabelTaken { user: user.to_string(), label: label.to_string() });
    }
    Ok(token)
}

/// Revokes `user`'s live token labelled `label`; requests with it are refused (401) from now on.
pub async fn revoke_token(store: &dyn Store, user: &str, label: &str) -> Result<(), TokenError> {
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    if store.revoke_api_token(user, label.trim(), &now).await? {
        Ok(())
    } else {
        Err(TokenError::NoSuchToken { user: user.to_string(), label: label.trim().to_string() })
    }
}
