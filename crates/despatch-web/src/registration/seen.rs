//! What the database already holds that a new incoming letter relates to: the same letter (a
//! resend: the same normalised text, whatever the file's format), near-identical letters (a
//! campaign: MinHash similarity at least [`CAMPAIGN_THRESHOLD`]) and the same correspondent
//! (name and postcode, or email). Intake computes the keys and the rules, the store finds the
//! candidates through its indexes (`despatch_store::fingerprints`), and this puts them together.

use std::collections::{BTreeMap, BTreeSet};

use despatch_domain::command::{CorrespondentDetails, CorrespondentMatch};
use despatch_intake::campaign::{CAMPAIGN_THRESHOLD, band_keys, closest};
use despatch_intake::register::{Known, Match, Matcher, Registers, Source, name_key, sender_postcode};
use despatch_intake::{Found, Intake, Party};
use despatch_store::{LetterFingerprint, SenderKey, Store};
use serde::Serialize;

/// The campaign a letter joins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignReport {
    /// The campaign's id: the reference of its first case.
    pub campaign: String,
    /// The earlier case whose letter is closest to this one.
    pub closest: String,
    /// Estimated share of text in common with it (0 to 1).
    pub similarity: f32,
    /// What to search for to find every letter of the campaign.
    pub search: String,
}

/// What the database holds that a letter relates to.
#[derive(Debug, Default)]
pub(super) struct Seen {
    /// The first case registered from the same text: (id, reference).
    pub resend_of: Option<(i64, String)>,
    /// The campaign to join.
    pub campaign: Option<CampaignReport>,
    /// The campaign's first case, when it is not yet flagged as one (its id).
    pub first_case: Option<i64>,
    /// Candidates among correspondents of earlier cases, best first (`id` is the case's
    /// reference); the first is `applied` only above the threshold.
    pub known: Vec<Match>,
    /// The primary correspondent of the earlier case, when the best known match is applied.
    pub known_details: Option<CorrespondentDetails>,
    /// The sender's postcode as found in the letter.
    pub postcode: Option<String>,
}

fn error(e: impl std::fmt::Display) -> String {
    format!("the database could not be searched for earlier letters: {e}")
}

/// A party's details in the forms the store looks them up by.
pub(super) fn sender_key(name: &str, postcode: Option<&str>, email: Option<&str>) -> SenderKey {
    SenderKey {
        name: name.to_string(),
        name_key: name_key(name),
        postcode: postcode.and_then(despatch_intake::fields::postcode::normalise),
        email: email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()),
    }
}

fn party_key(party: &Party) -> SenderKey {
    let postcode = party.address.as_ref().and_then(|a| despatch_intake::fields::postcode::find(&a.value)).map(|f| f.2);
    let name = party.name.as_ref().map(|n| n.value.as_str()).unwrap_or_default();
    sender_key(name, postcode.as_deref(), party.email.as_deref())
}

/// Looks up what an incoming letter relates to. `threshold` is the confidence at or above which
/// a correspondent match is applied.
pub(super) async fn look(store: &dyn Store, intake: &Intake, threshold: f32) -> Result<Seen, String> {
    let fingerprint = &intake.fingerprint;
    if fingerprint.identifies_letter()
        && let Some(first) = store.case_with_letter_text(&fingerprint.exact).await.map_err(error)?
    {
        return Ok(Seen { resend_of: Some(first), ..Seen::default() });
    }
    let mut seen = Seen::default();
    let candidates = store.campaign_candidates(&band_keys(fingerprint)).await.map_err(error)?;
    let best = closest(fingerprint, candidates.iter().map(|c| c.minhash.as_slice()), CAMPAIGN_THRESHOLD);
    if let Some((candidate, similarity)) = best.and_then(|(i, score)| candidates.get(i).map(|c| (c, score))) {
        let campaign = candidate.campaign.clone().unwrap_or_else(|| candidate.reference.clone());
        seen.campaign = Some(CampaignReport {
            search: despatch_domain::case::campaign_search_words(&campaign),
            campaign,
            closest: candidate.reference.clone(),
            similarity,
        });
        if candidate.campaign.is_none() {
            seen.first_case = Some(candidate.case_id);
        }
    }

    // The sender's address is not among the fields read; their postcode is looked for apart.
    let mut party = intake.fields.correspondent().clone();
    if party.address.is_none()
        && let Some(postcode) = sender_postcode(&intake.text, &intake.fields)
    {
        party.address = Some(Found::new(postcode, 0.5));
    }
    let party = &party;
    let key = party_key(party);
    seen.postcode.clone_from(&key.postcode);
    let senders =
        store.known_senders(Some(&key.name_key), key.postcode.as_deref(), key.email.as_deref()).await.map_err(error)?;
    // One candidate per correspondent (their newest case), so a correspondent who wrote twice
    // is not two rival candidates.
    let mut distinct = BTreeSet::new();
    let mut case_ids = BTreeMap::new();
    let known: Vec<Known> = senders
        .into_iter()
        .filter(|s| distinct.insert((s.sender.name_key.clone(), s.sender.postcode.clone(), s.sender.email.clone())))
        .map(|s| {
            case_ids.insert(s.reference.clone(), s.case_id);
            Known { id: s.reference, name: s.sender.name, email: s.sender.email, postcode: s.sender.postcode }
        })
        .collect();
    let no_registers = Registers::default();
    let mut matcher = Matcher::new(&no_registers, &known);
    matcher.threshold = threshold;
    seen.known = matcher.candidates(party).into_iter().filter(|m| m.source == Source::Known).collect();
    if let Some(case_id) = seen.known.first().filter(|m| m.applied).and_then(|m| case_ids.get(&m.id)) {
        let earlier = store.case(*case_id).await.map_err(error)?;
        seen.known_details = earlier.and_then(|case| case.primary_correspondent().map(|c| c.details.clone()));
    }
    Ok(seen)
}

impl Seen {
    /// Adds what was matched to the correspondent's details: an applied register match first,
    /// else the best earlier correspondent (applied or only offered), else the best register
    /// candidate offered. An applied earlier correspondent also fills the details the letter
    /// does not give (organisation, address, postcode, email, register key).
    pub fn apply_to(&self, details: &mut CorrespondentDetails, registers: &[Match]) {
        if details.postcode.is_none() {
            details.postcode.clone_from(&self.postcode);
        }
        let register = registers.first();
        let chosen = register.filter(|m| m.applied).or(self.known.first()).or(register);
        details.matched = chosen.map(|m| {
            Box::new(CorrespondentMatch {
                register: match m.source {
                    Source::Mp => "mp",
                    Source::Council => "council",
                    Source::Known => "known",
                }
                .to_string(),
                key: m.id.clone(),
                name: m.name.clone(),
                confidence_percent: percent(m.confidence),
                applied: m.applied,
            })
        });
        let Some(earlier) = self.known_details.as_ref().filter(|_| self.known.first().is_some_and(|m| m.applied))
        else {
            return;
        };
        if details.organisation.is_none() {
            details.organisation.clone_from(&earlier.organisation);
        }
        if details.address.is_empty() {
            details.address.clone_from(&earlier.address);
        }
        if details.postcode.is_none() {
            details.postcode.clone_from(&earlier.postcode);
        }
        if details.email.is_none() {
            details.email.clone_from(&earlier.email);
        }
        if details.external_key.is_none() {
            details.external_key.clone_from(&earlier.external_key);
        }
    }

    /// The fingerprint to store with the case registered from `intake`, its sender as
    /// registered (`details`).
    pub fn fingerprint(&self, intake: &Intake, details: Option<&CorrespondentDetails>) -> LetterFingerprint {
        LetterFingerprint {
            text_sha256: intake.fingerprint.exact.clone(),
            minhash: intake.fingerprint.minhash.clone(),
            bands: band_keys(&intake.fingerprint),
            campaign: self.campaign.as_ref().map(|c| c.campaign.clone()),
            sender: details.map(|d| sender_key(&d.name, d.postcode.as_deref(), d.email.as_deref())),
        }
    }
}

/// A confidence (0 to 1) in whole percent.
pub(super) fn percent(share: f32) -> u8 {
    // Clamped to 0..=100 first, so the cast neither truncates nor wraps.
    (share.clamp(0.0, 1.0) * 100.0).round() as u8
}
