//! Reply templates as data: one per case type and signing team, written in TOML, with a body
//! whose merge fields and conditionals are minijinja syntax (`{{ salutation }}`,
//! `{% if constituent %}…{% endif %}`).
//!
//! A template file holds one or more `[[templates]]`; each is checked when it is read (every
//! required part present, the body parses, and it names no merge field that does not exist), so a
//! bad template is refused when an administrator loads it, not when a drafter needs a reply.

use serde::{Deserialize, Serialize};

use crate::letter::{self, Letter, LetterFacts};

/// The embedded default templates (written for Despatch; the signatory is illustrative).
pub const DEFAULT_TEMPLATES: &str = include_str!("../templates/default.toml");

/// The merge fields a body may use. Optional ones are `none` when the case does not give them,
/// so a body tests them with `{% if … %}`.
pub const MERGE_FIELDS: &[(&str, &str)] = &[
    ("salutation", "\"Dear Cllr Pandor\", from the correspondent's kind and name"),
    ("correspondent", "the correspondent's name as entered"),
    ("our_reference", "the case reference, MIN/0017733/18"),
    ("their_reference", "the correspondent's own reference (optional)"),
    ("date", "the date of the reply, \"21 December 2018\""),
    ("their_letter_date", "the date of their letter, \"14 November 2018\" (optional)"),
    ("constituent", "the constituent an MP writes for (optional)"),
    ("topic", "the case's primary topic, by name (optional)"),
    ("standard_lines", "the wording of the current standard lines for the case's topics (a list)"),
    ("signatory", "the template's signatory"),
    ("title", "the signatory's title"),
    ("department", "the department's name"),
];

/// The department block of a letter: who writes and where to reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// The department's name ("Department for Examples").
    pub name: String,
    /// Postal address, one line per entry.
    pub address: Vec<String>,
    /// Website, printed under the address.
    #[serde(default)]
    pub website: Option<String>,
}

/// A reply template for one case type and signing team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Case type it replies for (`MIN`).
    pub case_type: String,
    /// The signing team (a private office's team code); `None` for the case type's default.
    #[serde(default)]
    pub team: Option<String>,
    /// Name shown to administrators.
    pub name: String,
    /// The private office's letter name at the head of the letter ("Jo Bloggs MP").
    pub heading: String,
    /// Who signs the reply ("Jo Bloggs MP").
    pub signatory: String,
    /// The signatory's title ("Minister of State for Examples").
    pub title: String,
    /// The department's name and address.
    pub department: Department,
    /// The reply's wording: paragraphs separated by a blank line, with merge fields.
    pub body: String,
    /// Closing line before the signature.
    #[serde(default = "default_closing")]
    pub closing: String,
}

fn default_closing() -> String {
    "Yours sincerely,".to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    templates: Vec<Template>,
}

#[derive(Serialize)]
struct TemplateFileRef<'a> {
    templates: &'a [Template],
}

/// A template that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The file is not valid TOML of the template shape.
    #[error("template file: {0}")]
    Syntax(String),
    /// A template is incomplete or its body is wrong.
    #[error("template {template:?}: {message}")]
    Invalid {
        /// The template's case type and team ("MIN", "MIN/POLICING_MINISTER_OFFICE").
        template: String,
        /// What is wrong, as a sentence.
        message: String,
    },
    /// Two templates in one file for the same case type and team.
    #[error("two templates for {0}")]
    Duplicate(String),
    /// No template for the case type (and team).
    #[error("no reply template for case type {0}; load one with `despatch templates load FILE`")]
    Missing(String),
}

impl Template {
    /// "MIN" or "MIN/POLICING_MINISTER_OFFICE": the case type and team, for messages and keys.
    pub fn key(&self) -> String {
        match &self.team {
            Some(team) => format!("{}/{team}", self.case_type),
            None => self.case_type.clone(),
        }
    }

    /// Checks the template: required parts present, the body parses and uses only known merge
    /// fields (it is rendered once with every field given and once with the optional ones empty).
    pub fn check(&self) -> Result<(), TemplateError> {
        let invalid = |message: String| TemplateError::Invalid { template: self.key(), message };
        let required = [
            ("case_type", &self.case_type),
            ("name", &self.name),
            ("heading", &self.heading),
            ("signatory", &self.signatory),
            ("title", &self.title),
            ("department.name", &self.department.name),
            ("body", &self.body),
        ];
        for (field, value) in required {
            if value.trim().is_empty() {
                return Err(invalid(format!("{field} is blank")));
            }
        }
        if self.team.as_deref().is_some_and(|team| team.trim().is_empty()) {
            return Err(invalid("team is blank; leave it out for the case type's default".to_string()));
        }
        if self.department.address.iter().all(|line| line.trim().is_empty()) {
            return Err(invalid("department.address has no lines".to_string()));
        }
        for facts in [LetterFacts::sample(true), LetterFacts::sample(false)] {
            letter::merge(self, &facts).map_err(|error| invalid(error.to_string()))?;
        }
        Ok(())
    }

    /// Renders the letter for `facts`; the template is checked first.
    pub fn render(&self, facts: &LetterFacts) -> Result<Letter, TemplateError> {
        self.check()?;
        letter::merge(self, facts).map_err(|message| TemplateError::Invalid { template: self.key(), message })
    }

    /// The template as TOML (one `[[templates]]` entry), as stored and as an administrator edits it.
    pub fn to_toml(&self) -> String {
        to_toml(std::slice::from_ref(self))
    }
}

/// Reads and checks a template file: one or more `[[templates]]`, no two for the same case type
/// and team.
pub fn parse_templates(text: &str) -> Result<Vec<Template>, TemplateError> {
    let file: TemplateFile = toml::from_str(text).map_err(|error| TemplateError::Syntax(error.to_string()))?;
    let mut keys = std::collections::BTreeSet::new();
    for template in &file.templates {
        template.check()?;
        if !keys.insert(template.key()) {
            return Err(TemplateError::Duplicate(template.key()));
        }
    }
    Ok(file.templates)
}

/// Templates as a TOML file that [`parse_templates`] reads back.
pub fn to_toml(templates: &[Template]) -> String {
    toml::to_string(&TemplateFileRef { templates }).unwrap_or_default()
}

/// The template for a case of `case_type` signed by `team`: the team's own, else the case
/// type's default (no team).
pub fn choose<'a>(
    templates: &'a [Template],
    case_type: &str,
    team: Option<&str>,
) -> Result<&'a Template, TemplateError> {
    let of_type = |wanted: Option<&str>| {
        templates.iter().find(|template| template.case_type == case_type && template.team.as_deref() == wanted)
    };
    team.and_then(|team| of_type(Some(team)))
        .or_else(|| of_type(None))
        .ok_or_else(|| TemplateError::Missing(case_type.to_string()))
}
