//! Campaigns and duplicates. A campaign is many letters with the same text and different
//! names and addresses; a resend is the same letter again. Each letter gets a [`Fingerprint`]
//! that registration can store with its case: a hash of the normalised text (for resends) and a
//! MinHash of the body's five-word shingles with the personal details masked (for campaigns).

use crate::fields::Fields;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// MinHash values kept per letter.
pub const PERMUTATIONS: usize = 128;
/// Words per shingle.
const SHINGLE: usize = 5;
/// Fewer body words than this and a letter is never part of a campaign (too little to compare).
const MIN_WORDS: usize = 40;

/// What a letter looks like for duplicate and campaign detection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    /// SHA-256 of the text lower-cased with punctuation and white space normalised.
    pub exact: String,
    /// MinHash of the masked body's shingles (empty when the body is too short).
    pub minhash: Vec<u64>,
    /// Number of words in the normalised text.
    pub words: usize,
}

/// Fewer words than this and a letter's text hash says too little to call another letter a
/// resend of it (an empty scan would be a "resend" of every other empty scan).
pub const MIN_RESEND_WORDS: usize = 20;

impl Fingerprint {
    /// Whether the text is long enough for the same text to mean the same letter.
    pub fn identifies_letter(&self) -> bool {
        self.words >= MIN_RESEND_WORDS
    }
}

/// 64-bit FNV-1a: a stable hash, so fingerprints can be stored and compared later.
fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// A 64-bit mix (splitmix64) to derive the permutations from one shingle hash.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// The words of the body with personal details masked: the sender's and recipient's names,
/// address words, numbers and dates all become placeholders.
fn masked_body(text: &str, fields: &Fields) -> Vec<String> {
    let mut personal: HashSet<String> = HashSet::new();
    for party in [&fields.sender, &fields.recipient] {
        for found in [&party.name, &party.address].into_iter().flatten() {
            personal.extend(words(&found.value));
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.trim_start().to_lowercase().starts_with("dear ")).map_or(0, |i| i + 1);
    let end = lines
        .iter()
        .rposition(|l| l.trim_start().to_lowercase().starts_with("yours"))
        .filter(|e| *e > start)
        .unwrap_or(lines.len());
    let body = lines.get(start..end).unwrap_or(&lines).join(" ");
    words(&body)
        .into_iter()
        .map(|w| {
            if w.chars().any(|c| c.is_ascii_digit()) {
                "#".to_string()
            } else if personal.contains(&w) {
                "@".to_string()
            } else {
                w
            }
        })
        .collect()
}

/// The fingerprint of one letter.
pub fn fingerprint(text: &str, fields: &Fields) -> Fingerprint {
    let all = words(text);
    let exact = hex::encode(Sha256::digest(all.join(" ").as_bytes()));
    let body = masked_body(text, fields);
    if body.len() < MIN_WORDS {
        return Fingerprint { exact, minhash: Vec::new(), words: all.len() };
    }
    let shingles: HashSet<u64> = body.windows(SHINGLE).map(|w| fnv1a(w.join(" ").as_bytes(), 0)).collect();
    let minhash = (0..PERMUTATIONS as u64)
        .map(|seed| shingles.iter().map(|s| mix(s ^ mix(seed))).min().unwrap_or(u64::MAX))
        .collect();
    Fingerprint { exact, minhash, words: all.len() }
}

/// Estimated share of shingles two letters have in common (0 to 1).
pub fn similarity(a: &Fingerprint, b: &Fingerprint) -> f32 {
    minhash_similarity(&a.minhash, &b.minhash)
}

/// Estimated share of shingles in common, from two MinHash signatures (0 when either is empty
/// or they differ in length).
pub fn minhash_similarity(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    #[expect(clippy::cast_precision_loss, reason = "at most 128")]
    let share = same as f32 / a.len() as f32;
    share
}

/// Bands of the MinHash for locality-sensitive hashing: [`BANDS`] bands of [`ROWS`] values.
pub const BANDS: usize = 32;
/// MinHash values per band.
pub const ROWS: usize = PERMUTATIONS / BANDS;

/// The locality-sensitive-hashing keys of a fingerprint, one per band (none for a body too
/// short to compare). Two letters share at least one key with probability
/// 1 − (1 − s⁴)³², s being their similarity: 0.99 at s = 0.6, 0.87 at 0.5, 0.26 at 0.3. So a
/// store can index the keys and fetch only the letters sharing one, instead of comparing a new
/// letter with every letter it holds. Keys are stable across versions (FNV-1a over the band
/// number and its values).
pub fn band_keys(fingerprint: &Fingerprint) -> Vec<i64> {
    if fingerprint.minhash.len() != PERMUTATIONS {
        return Vec::new();
    }
    fingerprint
        .minhash
        .chunks(ROWS)
        .enumerate()
        .map(|(band, values)| {
            let mut bytes = Vec::with_capacity(8 * (ROWS + 1));
            bytes.extend_from_slice(&(band as u64).to_le_bytes());
            for value in values {
                bytes.extend_from_slice(&value.to_le_bytes());
            }
            i64::from_le_bytes(fnv1a(&bytes, 0).to_le_bytes())
        })
        .collect()
}

/// The earlier letter closest to `fingerprint` among `candidates` (an id and a MinHash each),
/// when its similarity reaches `threshold`: its position in `candidates` and the similarity.
pub fn closest<'a>(
    fingerprint: &Fingerprint,
    candidates: impl IntoIterator<Item = &'a [u64]>,
    threshold: f32,
) -> Option<(usize, f32)> {
    candidates
        .into_iter()
        .enumerate()
        .map(|(i, minhash)| (i, minhash_similarity(&fingerprint.minhash, minhash)))
        .filter(|(_, score)| *score >= threshold)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// Similarity at or above which two letters are taken for one campaign.
pub const CAMPAIGN_THRESHOLD: f32 = 0.6;

/// How a new letter relates to those seen before.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Grouping {
    /// Nothing like it seen before.
    New,
    /// The same text as an earlier letter: link it to that case.
    Resend {
        /// The first letter with this text.
        of: String,
    },
    /// Nearly the same text as earlier letters: flag it as part of a campaign.
    Campaign {
        /// The first letter of the campaign (its id).
        first: String,
        /// Similarity to the closest earlier letter.
        similarity: f32,
        /// Letters in the campaign so far, this one included.
        size: usize,
    },
}

struct Seen {
    id: String,
    fingerprint: Fingerprint,
    campaign: Option<usize>,
}

/// Groups letters as they arrive: resends, and campaigns of near-identical letters.
pub struct Detector {
    seen: Vec<Seen>,
    by_text: HashMap<String, usize>,
    campaigns: Vec<Vec<String>>,
    /// Similarity at or above which letters are one campaign (default [`CAMPAIGN_THRESHOLD`]).
    pub threshold: f32,
}

impl Default for Detector {
    fn default() -> Self {
        Detector { seen: Vec::new(), by_text: HashMap::new(), campaigns: Vec::new(), threshold: CAMPAIGN_THRESHOLD }
    }
}

impl Detector {
    /// A detector with nothing seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a letter (by the caller's id) and says how it relates to those already added.
    pub fn add(&mut self, id: &str, fingerprint: Fingerprint) -> Grouping {
        if let Some(of) = self.by_text.get(&fingerprint.exact).and_then(|i| self.seen.get(*i)).map(|s| s.id.clone()) {
            return Grouping::Resend { of };
        }
        self.by_text.insert(fingerprint.exact.clone(), self.seen.len());
        let closest = self
            .seen
            .iter()
            .enumerate()
            .map(|(i, s)| (i, similarity(&s.fingerprint, &fingerprint)))
            .filter(|(_, score)| *score >= self.threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((index, score)) = closest else {
            self.seen.push(Seen { id: id.to_string(), fingerprint, campaign: None });
            return Grouping::New;
        };
        let campaign = match self.seen.get(index).and_then(|s| s.campaign) {
            Some(campaign) => campaign,
            None => {
                let first = self.seen.get(index).map(|s| s.id.clone()).unwrap_or_default();
                self.campaigns.push(vec![first]);
                let number = self.campaigns.len() - 1;
                if let Some(seen) = self.seen.get_mut(index) {
                    seen.campaign = Some(number);
                }
                number
            }
        };
        let (first, size) = match self.campaigns.get_mut(campaign) {
            Some(members) => {
                members.push(id.to_string());
                (members.first().cloned().unwrap_or_default(), members.len())
            }
            None => (String::new(), 0),
        };
        self.seen.push(Seen { id: id.to_string(), fingerprint, campaign: Some(campaign) });
        Grouping::Campaign { first, similarity: score, size }
    }

    /// The campaigns found so far, each as its letters' ids in order of arrival.
    pub fn campaigns(&self) -> &[Vec<String>] {
        &self.campaigns
    }
}
