//! Case types as data: parsing, validation and drawing of `definitions/*.toml`.
//!
//! The embedded defaults (MIN, TRO, DTEN) are compiled in from the repository's `definitions/`
//! folder; a department overrides or adds case types with a folder of its own, whose files the
//! caller reads and hands over as text (this crate does no IO).

mod graph;
mod model;
mod svg;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub use graph::{Edge, GraphFormat, draw, edges};
pub use model::*;
pub use svg::svg;

/// The definition files compiled into the binary: (file name, TOML text).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("MIN.toml", include_str!("../../../../definitions/MIN.toml")),
    ("TRO.toml", include_str!("../../../../definitions/TRO.toml")),
    ("DTEN.toml", include_str!("../../../../definitions/DTEN.toml")),
];

/// A problem found in a definition file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionError {
    /// The file name as given by the caller.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// A plain sentence saying what is wrong.
    pub message: String,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for DefinitionError {}

/// All problems found while loading a set of definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionErrors(pub Vec<DefinitionError>);

impl fmt::Display for DefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DefinitionErrors {}

/// Every loaded case type, at every version.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    by_code: BTreeMap<String, BTreeMap<u32, Arc<CaseTypeDefinition>>>,
}

impl Definitions {
    /// The embedded defaults. They are checked by the test suite, so this cannot fail in a
    /// released binary; it returns the error rather than panicking all the same.
    pub fn embedded() -> Result<Definitions, DefinitionErrors> {
        Definitions::from_sources(EMBEDDED.iter().map(|(name, text)| (name.to_string(), text.to_string())))
    }

    /// Parses and validates files given as (file name, TOML text). A later file with the same
    /// code and version as an earlier one replaces it (so an override folder can follow the
    /// embedded defaults). Every problem in every file is reported, not only the first.
    pub fn from_sources(sources: impl IntoIterator<Item = (String, String)>) -> Result<Definitions, DefinitionErrors> {
        let mut definitions = Definitions::default();
        let mut errors = Vec::new();
        for (file, text) in sources {
            match parse(&file, &text) {
                Ok(definition) => {
                    let versions = definitions.by_code.entry(definition.code.clone()).or_default();
                    if let Some(earlier) = versions.get(&definition.version)
                        && let Some(message) = replacement_problem(earlier, &definition)
                    {
                        errors.push(DefinitionError { file: file.clone(), line: None, message });
                        continue;
                    }
                    versions.insert(definition.version, Arc::new(definition));
                }
                Err(mut found) => errors.append(&mut found),
            }
        }
        if errors.is_empty() { Ok(definitions) } else { Err(DefinitionErrors(errors)) }
    }

    /// The newest version of a case type, used for new cases.
    pub fn latest(&self, code: &str) -> Option<&Arc<CaseTypeDefinition>> {
        self.by_code.get(code).and_then(|versions| versions.values().next_back())
    }

    /// A case type at a given version.
    pub fn get(&self, code: &str, version: u32) -> Option<&Arc<CaseTypeDefinition>> {
        self.by_code.get(code).and_then(|versions| versions.get(&version))
    }

    /// Case-type codes in alphabetical order.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.by_code.keys().map(String::as_str)
    }

    /// Every definition, every version.
    pub fn all(&self) -> impl Iterator<Item = &Arc<CaseTypeDefinition>> {
        self.by_code.values().flat_map(|versions| versions.values())
    }
}

/// Why `later` may not replace `earlier` (same code and version), if it may not: cases in flight
/// sit at `earlier`'s stages, so every one of them must still exist.
pub fn replacement_problem(earlier: &CaseTypeDefinition, later: &CaseTypeDefinition) -> Option<String> {
    let dropped: Vec<&str> =
        earlier.stages.iter().map(|stage| stage.id.get_ref().as_str()).filter(|id| later.stage(id).is_none()).collect();
    (!dropped.is_empty()).then(|| {
        format!(
            "{} version {} replaces an earlier {0} version {1} but has no stage {}, where cases may be; give \
             the changed definition a new version with a migration",
            later.code,
            later.version,
            dropped.join(", ")
        )
    })
}

/// Parses and validates one file.
pub fn parse(file: &str, text: &str) -> Result<CaseTypeDefinition, Vec<DefinitionError>> {
    let definition: CaseTypeDefinition = toml::from_str(text).map_err(|error| {
        vec![DefinitionError {
            file: file.to_string(),
            line: error.span().map(|span| line_of(text, span.start)),
            message: error.message().trim().to_string(),
        }]
    })?;
    let problems = validate::check(&definition);
    if problems.is_empty() {
        Ok(definition)
    } else {
        Err(problems
            .into_iter()
            .map(|(offset, message)| DefinitionError {
                file: file.to_string(),
                line: offset.map(|offset| line_of(text, offset)),
                message,
            })
            .collect())
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes().get(..end).map_or(0, |head| head.iter().filter(|&&b| b == b'\n').count()) + 1
}
