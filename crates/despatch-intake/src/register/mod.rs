//! Matching a letter's correspondent against registers: the MPs (`mps.csv`), local authorities
//! (`local-authorities.csv`), and correspondents already known to the caller (from its
//! database). A match carries its confidence and is marked `applied` only at or above the
//! threshold and clearly ahead of the next candidate; below that it is shown, never applied.
//!
//! A known correspondent's confidence: the same email 0.99; the same name (after
//! [`name_key`]) and postcode 0.95; the same name with no postcode to compare 0.8; the same
//! name at a different postcode 0.6; a name within one letter of theirs (Jaro-Winkler ≥ 0.9)
//! that score × 0.95 with the same postcode, × 0.75 with none, × 0.5 with a different one. With
//! the default threshold of 0.85 only the same email, or the same name at the same postcode,
//! is applied.

mod names;

use crate::IntakeError;
use crate::fields::Party;
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use names::{name_key, similarity};

/// Which register a match comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The register of MPs.
    Mp,
    /// The register of local authorities.
    Council,
    /// A correspondent already in the caller's database.
    Known,
}

/// A candidate for the correspondent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// The register.
    pub source: Source,
    /// The register's identifier (Parliament member id, GSS code, or the caller's id).
    pub id: String,
    /// The name in the register.
    pub name: String,
    /// Something to tell candidates apart (constituency and party, council type).
    pub detail: String,
    /// Confidence between 0 and 1.
    pub confidence: f32,
    /// True if confident enough to be used without asking; otherwise only shown.
    pub applied: bool,
}

/// An MP from `mps.csv`.
#[derive(Debug, Clone)]
pub struct Mp {
    /// Name as in the register ("Dr Beccy Cooper").
    pub name: String,
    /// Constituency.
    pub constituency: String,
    /// Party.
    pub party: String,
    /// Parliament member id.
    pub member_id: String,
    /// Sitting now (false for those who left).
    pub current: bool,
}

/// A local authority from `local-authorities.csv`.
#[derive(Debug, Clone)]
pub struct Council {
    /// Official name ("Kirklees Council").
    pub name: String,
    /// GSS code.
    pub code: String,
    /// Short name ("Kirklees").
    pub short_name: String,
    /// Type ("Metropolitan district").
    pub kind: String,
    /// Still exists.
    pub current: bool,
}

/// A correspondent the caller already knows (from its database).
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The caller's identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Email address, if known.
    pub email: Option<String>,
    /// Postcode, if known.
    pub postcode: Option<String>,
}

/// The registers to match against.
#[derive(Debug, Clone, Default)]
pub struct Registers {
    /// MPs.
    pub mps: Vec<Mp>,
    /// Local authorities.
    pub councils: Vec<Council>,
}

/// The sender's postcode, for matching them against earlier correspondents: from their address
/// when one was read, else the first valid postcode above the salutation that is not in the
/// recipient's address (a sender's address block heads most letters from the public). `None`
/// when there is none.
pub fn sender_postcode(text: &str, fields: &crate::Fields) -> Option<String> {
    let postcode_of =
        |party: &Party| party.address.as_ref().and_then(|a| crate::fields::postcode::find(&a.value)).map(|(_, _, p)| p);
    if let Some(postcode) = postcode_of(&fields.sender) {
        return Some(postcode);
    }
    let recipient = postcode_of(&fields.recipient);
    text.lines()
        .take_while(|line| !line.trim_start().to_lowercase().starts_with("dear "))
        .filter_map(|line| crate::fields::postcode::find(line).map(|(_, _, p)| p))
        .find(|postcode| Some(postcode) != recipient.as_ref())
}

fn csv_error(path: &Path, error: &csv::Error) -> IntakeError {
    IntakeError::Register(format!("{}: {error}", path.display()))
}

impl Registers {
    /// Reads `mps.csv` and `local-authorities.csv` from `dir`.
    pub fn load(dir: &Path) -> Result<Self, IntakeError> {
        let read = |name: &str| -> Result<(PathBuf, String), IntakeError> {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map(|text| (path.clone(), text))
                .map_err(|source| IntakeError::Io { path, source })
        };
        let (mps_path, mps) = read("mps.csv")?;
        let (councils_path, councils) = read("local-authorities.csv")?;
        Ok(Registers {
            mps: parse_mps(&mps).map_err(|e| csv_error(&mps_path, &e))?,
            councils: parse_councils(&councils).map_err(|e| csv_error(&councils_path, &e))?,
        })
    }

    /// Finds the folder holding the registers: `shared/data` in the current directory or any
    /// parent (a checkout sits beside `shared/`), else the one beside this source tree.
    pub fn find_default() -> Option<PathBuf> {
        let has = |d: &Path| d.join("mps.csv").is_file();
        let mut here = std::env::current_dir().ok();
        while let Some(dir) = here {
            for candidate in [dir.join("shared/data"), dir.join("data")] {
                if has(&candidate) {
                    return Some(candidate);
                }
            }
            here = dir.parent().map(Path::to_path_buf);
        }
        let built = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
        has(built).then(|| built.to_path_buf())
    }
}

fn field(record: &csv::StringRecord, headers: &csv::StringRecord, name: &str) -> String {
    headers.iter().position(|h| h == name).and_then(|i| record.get(i)).unwrap_or("").trim().to_string()
}

/// Parses the MPs register (columns `name`, `constituency`, `party`, `parliament_member_id`,
/// `current`).
pub fn parse_mps(text: &str) -> Result<Vec<Mp>, csv::Error> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers()?.clone();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record?;
        out.push(Mp {
            name: field(&record, &headers, "name"),
            constituency: field(&record, &headers, "constituency"),
            party: field(&record, &headers, "party"),
            member_id: field(&record, &headers, "parliament_member_id"),
            current: field(&record, &headers, "current").eq_ignore_ascii_case("true"),
        });
    }
    Ok(out)
}

/// Parses the local authorities register (columns `name`, `code`, `short_name`, `type`,
/// `current`).
pub fn parse_councils(text: &str) -> Result<Vec<Council>, csv::Error> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers()?.clone();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record?;
        out.push(Council {
            name: field(&record, &headers, "name"),
            code: field(&record, &headers, "code"),
            short_name: field(&record, &headers, "short_name"),
            kind: field(&record, &headers, "type"),
            current: field(&record, &headers, "current").eq_ignore_ascii_case("true"),
        });
    }
    Ok(out)
}

/// Matches correspondents against the registers and the caller's known correspondents.
#[derive(Debug, Clone)]
pub struct Matcher<'a> {
    registers: &'a Registers,
    known: &'a [Known],
    /// Confidence at or above which a match is applied (default 0.85).
    pub threshold: f32,
}

impl<'a> Matcher<'a> {
    /// A matcher with the default threshold of 0.85.
    pub fn new(registers: &'a Registers, known: &'a [Known]) -> Self {
        Matcher { registers, known, threshold: 0.85 }
    }

    /// The candidates for a party, best first (at most five), the best marked `applied` when
    /// it reaches the threshold and leads the next candidate by at least 0.05.
    pub fn candidates(&self, party: &Party) -> Vec<Match> {
        let mut out = Vec::new();
        if let Some(name) = party.name.as_ref().map(|n| n.value.as_str()) {
            self.match_known(party, name, &mut out);
            self.match_mps(party, name, &mut out);
        }
        if party.name.is_none() || party.marks.councillor {
            self.match_councils(party, &mut out);
        }
        if party.name.is_none()
            && let Some(email) = &party.email
        {
            self.match_known_email(email, &mut out);
        }
        out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        out.truncate(5);
        let second = out.get(1).map_or(0.0, |m| m.confidence);
        if let Some(best) = out.first_mut() {
            best.applied = best.confidence >= self.threshold && best.confidence - second >= 0.05;
        }
        out
    }

    fn match_mps(&self, party: &Party, name: &str, out: &mut Vec<Match>) {
        let key = name_key(name);
        let described = [party.role.as_ref(), party.org.as_ref()]
            .into_iter()
            .flatten()
            .map(|f| f.value.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        for mp in &self.registers.mps {
            let score = similarity(&key, &name_key(&mp.name));
            if score < 0.85 {
                continue;
            }
            let mut confidence = score * if party.marks.mp { 1.0 } else { 0.85 };
            if !mp.current {
                confidence -= 0.1;
            }
            if !mp.constituency.is_empty() && described.contains(&mp.constituency.to_lowercase()) {
                confidence = (confidence + 0.1).min(1.0);
            }
            out.push(Match {
                source: Source::Mp,
                id: mp.member_id.clone(),
                name: mp.name.clone(),
                detail: format!("{} ({})", mp.constituency, mp.party),
                confidence,
                applied: false,
            });
        }
    }

    fn match_councils(&self, party: &Party, out: &mut Vec<Match>) {
        let texts: Vec<String> = [party.org.as_ref(), party.address.as_ref()]
            .into_iter()
            .flatten()
            .map(|f| names::council_key(&f.value))
            .collect();
        for council in &self.registers.councils {
            let full = names::council_key(&council.name);
            let short = names::council_key(&council.short_name);
            let confidence = texts
                .iter()
                .map(|t| {
                    if *t == full || *t == short {
                        0.95
                    } else if names::contains_words(t, &full) {
                        0.9
                    } else if !short.is_empty() && names::starts_with_words(t, &short) {
                        0.8
                    } else {
                        0.0
                    }
                })
                .fold(0.0_f32, f32::max);
            if confidence > 0.0 {
                out.push(Match {
                    source: Source::Council,
                    id: council.code.clone(),
                    name: council.name.clone(),
                    detail: council.kind.clone(),
                    confidence: if council.current { confidence } else { confidence - 0.2 },
                    applied: false,
                });
            }
        }
    }

    fn match_known(&self, party: &Party, name: &str, out: &mut Vec<Match>) {
        let key = name_key(name);
        let postcode = party.address.as_ref().and_then(|a| crate::fields::postcode::find(&a.value)).map(|(_, _, p)| p);
        for known in self.known {
            let email_same =
                party.email.as_ref().zip(known.email.as_ref()).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
            let score = similarity(&key, &name_key(&known.name));
            let postcode_same = postcode.is_some() && postcode == known.postcode;
            // Both postcodes known and different: most likely a namesake, never applied.
            let postcode_differs = postcode.is_some() && known.postcode.is_some() && !postcode_same;
            let confidence = if email_same {
                0.99
            } else if score >= 0.99 && postcode_same {
                0.95
            } else if score >= 0.99 && postcode_differs {
                0.6
            } else if score >= 0.99 {
                0.8
            } else if score >= 0.9 {
                score
                    * if postcode_same {
                        0.95
                    } else if postcode_differs {
                        0.5
                    } else {
                        0.75
                    }
            } else {
                continue;
            };
            out.push(Match {
                source: Source::Known,
                id: known.id.clone(),
                name: known.name.clone(),
                detail: known.postcode.clone().unwrap_or_default(),
                confidence,
                applied: false,
            });
        }
    }

    fn match_known_email(&self, email: &str, out: &mut Vec<Match>) {
        for known in self.known {
            if known.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email)) {
                out.push(Match {
                    source: Source::Known,
                    id: known.id.clone(),
                    name: known.name.clone(),
                    detail: email.to_string(),
                    confidence: 0.99,
                    applied: false,
                });
            }
        }
    }
}
