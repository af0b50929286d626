//! Letter fingerprints: what registration keeps of each incoming letter to find resends,
//! campaigns and returning correspondents among the cases already stored.
//!
//! Design, for 100,000 cases and more, every lookup through an index, never a scan:
//! - `letter_fingerprints`, one row per case registered from a letter (written in the same
//!   transaction as the case, by [`Fingerprints::create_letter_case`]): the hash of the letter's
//!   normalised text (the same for the same letter as .txt, .docx or .pdf), indexed, so a resend
//!   is one index probe; the campaign the letter joined; its MinHash signature (128 values, kept
//!   as 1 KiB of bytes) for scoring candidates; and the sender's name key, postcode and email,
//!   each indexed, for matching correspondents.
//! - `letter_bands`, one row per band of the MinHash (locality-sensitive hashing; the keys are
//!   computed by intake): primary key (band, case). A new letter's band keys fetch the few cases
//!   sharing a band, ranked by how many they share, and only those signatures are compared.
//!
//! The store computes nothing: intake makes the keys, the caller decides what they mean.

use async_trait::async_trait;
use despatch_domain::engine::Outcome;

use crate::{OpenFn, StoreError, StoredDocument};

/// What is kept of an incoming letter, beside its case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterFingerprint {
    /// SHA-256 (hex) of the letter's normalised text.
    pub text_sha256: String,
    /// MinHash of the letter's body with personal details masked; empty when too short.
    pub minhash: Vec<u64>,
    /// Locality-sensitive-hashing keys of `minhash`, one per band.
    pub bands: Vec<i64>,
    /// The campaign the letter joined, when it did.
    pub campaign: Option<String>,
    /// The sender as a correspondent to match later letters against.
    pub sender: Option<SenderKey>,
}

/// A sender's details in the normalised forms they are looked up by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SenderKey {
    /// The name as written on the case.
    pub name: String,
    /// The name reduced for comparison (no titles, lower case).
    pub name_key: String,
    /// Postcode, upper case without spaces.
    pub postcode: Option<String>,
    /// Email address, lower case.
    pub email: Option<String>,
}

/// A stored letter that shares at least one band with the letter being looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignCandidate {
    /// Its case's id.
    pub case_id: i64,
    /// Its case's reference.
    pub reference: String,
    /// The campaign it joined, if any.
    pub campaign: Option<String>,
    /// Its MinHash signature.
    pub minhash: Vec<u64>,
    /// How many bands it shares with the letter looked up.
    pub shared_bands: u32,
}

/// A sender of an earlier letter that may be the same correspondent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownSender {
    /// The case their letter was registered as.
    pub case_id: i64,
    /// Its reference.
    pub reference: String,
    /// Their name, postcode and email as stored.
    pub sender: SenderKey,
}

/// Most candidates a campaign lookup returns (those sharing most bands first).
pub const MAX_CANDIDATES: u32 = 20;

/// Most senders a correspondent lookup returns (newest first).
pub const MAX_SENDERS: u32 = 20;

/// Fingerprints of incoming letters. A supertrait of [`Store`](crate::Store); the SQL lives in
/// `sql/fingerprints.rs`.
#[async_trait]
pub trait Fingerprints {
    /// As [`Store::create_case_recorded`](crate::Store::create_case_recorded), also storing the
    /// letter's fingerprint in the same transaction: all of it is stored, or none.
    async fn create_letter_case(
        &self,
        case_type: &str,
        year: i32,
        open: OpenFn,
        documents: Vec<StoredDocument>,
        fingerprint: LetterFingerprint,
    ) -> Result<Outcome, StoreError>;

    /// The first case registered from a letter with this normalised-text hash, as (id,
    /// reference).
    async fn case_with_letter_text(&self, text_sha256: &str) -> Result<Option<(i64, String)>, StoreError>;

    /// Stored letters sharing at least one of `bands`, most shared bands first (then oldest), at
    /// most [`MAX_CANDIDATES`].
    async fn campaign_candidates(&self, bands: &[i64]) -> Result<Vec<CampaignCandidate>, StoreError>;

    /// Senders of earlier letters with the same name key, postcode or email (each compared
    /// exactly; `None` and empty values match nothing), newest first, at most [`MAX_SENDERS`].
    async fn known_senders(
        &self,
        name_key: Option<&str>,
        postcode: Option<&str>,
        email: Option<&str>,
    ) -> Result<Vec<KnownSender>, StoreError>;
}

/// The MinHash as stored: each value as 8 little-endian bytes.
pub(crate) fn minhash_bytes(minhash: &[u64]) -> Vec<u8> {
    minhash.iter().flat_map(|value| value.to_le_bytes()).collect()
}

/// The MinHash read back; `None` when the bytes are not whole values.
pub(crate) fn minhash_from_bytes(bytes: &[u8]) -> Option<Vec<u64>> {
    if !bytes.len().is_multiple_of(8) {
        return None;
    }
    Some(bytes.chunks_exact(8).map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minhash_reads_back_as_it_was_stored() {
        let minhash = vec![0, 1, u64::MAX, 0x0123_4567_89ab_cdef];
        assert_eq!(minhash_from_bytes(&minhash_bytes(&minhash)), Some(minhash));
        assert_eq!(minhash_from_bytes(&[1, 2, 3]), None);
    }
}
