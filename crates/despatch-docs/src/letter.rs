//! The letter model: a reply with its parts laid out in order (heading, department, recipient's
//! address block, references, date, salutation, paragraphs, closing, signature), merged from a
//! [`Template`] and the case's [`LetterFacts`]. The DOCX and the PDF are both drawn from this one
//! value, so their wording is the same.

use chrono::NaiveDate;
use despatch_domain::case::{CaseState, CorrespondentKind};
use despatch_domain::command::CorrespondentDetails;
use minijinja::{Environment, UndefinedBehavior, Value, context};
use serde::Serialize;

use crate::salutation::{addressee, salutation};
use crate::template::Template;

/// The case field holding the date of the correspondent's letter (HOCS `DateOfCorrespondence`,
/// captured at Data Input as an ISO date).
pub const THEIR_LETTER_FIELD: &str = "DateOfCorrespondence";

/// What a reply needs to know about the case and the day it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterFacts {
    /// The primary correspondent: kind, name, organisation, address, postcode, their reference.
    pub correspondent: CorrespondentDetails,
    /// The constituent an MP writes on behalf of, by name (used only when the correspondent is an MP).
    pub constituent: Option<String>,
    /// Our case reference (`MIN/0017733/18`).
    pub our_reference: String,
    /// The date of their letter (civil date).
    pub their_letter: Option<NaiveDate>,
    /// The case's primary topic, by name.
    pub topic: Option<String>,
    /// The wording of the standard lines offered for the case's topics (see
    /// [`offered`](despatch_domain::standard_line::offered)), one entry per line.
    pub standard_lines: Vec<String>,
    /// The date of the reply (civil date in Europe/London).
    pub date: NaiveDate,
}

/// A reply letter, merged and ready to render. Every string is final wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    /// The department's name, at the top left.
    pub department_name: String,
    /// Heading lines: the private office's letter name and the signatory's title.
    pub heading: Vec<String>,
    /// The department's address lines and website.
    pub department: Vec<String>,
    /// The recipient's address block, one line per entry.
    pub recipient: Vec<String>,
    /// Reference lines as (label, value): our reference, their reference, the constituent.
    pub references: Vec<(String, String)>,
    /// The date of the letter, "21 December 2018".
    pub date: String,
    /// "Dear Cllr Pandor".
    pub salutation: String,
    /// The body, one entry per paragraph.
    pub paragraphs: Vec<String>,
    /// "Yours sincerely,".
    pub closing: String,
    /// The signature block: the signatory's name and title.
    pub signature: Vec<String>,
}

impl Letter {
    /// The letter's wording in reading order, one line per line or paragraph (what both
    /// renderings must contain).
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.department_name.clone()];
        lines.extend(self.heading.iter().cloned());
        lines.extend(self.department.iter().cloned());
        lines.extend(self.recipient.iter().cloned());
        lines.extend(self.references.iter().map(|(label, value)| format!("{label}: {value}")));
        lines.push(self.date.clone());
        lines.push(self.salutation.clone());
        lines.extend(self.paragraphs.iter().cloned());
        lines.push(self.closing.clone());
        lines.extend(self.signature.iter().cloned());
        lines
    }
}

/// A civil date written in full, as letters date themselves: "21 December 2018".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

impl LetterFacts {
    /// The facts of a case: its primary correspondent, first constituent, reference, the date
    /// of their letter (from [`THEIR_LETTER_FIELD`]), and `topic` (the primary topic's name,
    /// which the caller looks up in the directory); no standard lines (the caller adds those it
    /// offers). `None` when the case has no correspondent.
    pub fn from_case(case: &CaseState, topic: Option<String>, date: NaiveDate) -> Option<LetterFacts> {
        let primary = case.primary_correspondent().or_else(|| case.correspondents.first())?;
        let constituent = case
            .correspondents
            .iter()
            .find(|correspondent| correspondent.details.kind == CorrespondentKind::Constituent)
            .map(|correspondent| correspondent.details.name.clone());
        let their_letter =
            case.data.get(THEIR_LETTER_FIELD).and_then(|value| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok());
        Some(LetterFacts {
            correspondent: primary.details.clone(),
            constituent,
            our_reference: case.reference.to_string(),
            their_letter,
            topic,
            standard_lines: Vec::new(),
            date,
        })
    }

    /// Example facts used to check a template: with every optional field given, or none.
    pub(crate) fn sample(full: bool) -> LetterFacts {
        let date = NaiveDate::from_ymd_opt(2018, 12, 21).unwrap_or_default();
        LetterFacts {
            correspondent: CorrespondentDetails {
                kind: if full { CorrespondentKind::Mp } else { CorrespondentKind::MemberOfPublic },
                name: "Jane Example".to_string(),
                organisation: full.then(|| "House of Commons".to_string()),
                address: vec!["London".to_string()],
                postcode: full.then(|| "SW1A 0AA".to_string()),
                email: None,
                their_reference: full.then(|| "JE/1".to_string()),
                external_key: None,
                matched: None,
            },
            constituent: full.then(|| "Mr A Constituent".to_string()),
            our_reference: "MIN/0000001/18".to_string(),
            their_letter: full.then_some(date),
            topic: full.then(|| "Example topic".to_string()),
            standard_lines: if full { vec!["An example line.".to_string()] } else { Vec::new() },
            date,
        }
    }
}

/// The address block: name line, organisation, address lines, postcode (blank lines dropped;
/// an address line repeating the organisation, or a postcode already on an address line, is not
/// repeated: registers and extracted letters often carry the organisation in both).
fn address_block(correspondent: &CorrespondentDetails) -> Vec<String> {
    let mut lines = vec![addressee(correspondent.kind, &correspondent.name)];
    lines.extend(correspondent.organisation.iter().cloned());
    let organisation = correspondent.organisation.as_deref().map(str::trim).unwrap_or_default();
    lines.extend(
        correspondent
            .address
            .iter()
            .filter(|line| organisation.is_empty() || !line.trim().eq_ignore_ascii_case(organisation))
            .cloned(),
    );
    if let Some(postcode) = &correspondent.postcode
        && !lines.iter().any(|line| line.contains(postcode.as_str()))
    {
        lines.push(postcode.clone());
    }
    lines.into_iter().map(|line| line.trim().to_string()).filter(|line| !line.is_empty()).collect()
}

/// Splits rendered text into paragraphs: blank lines separate them, single line breaks inside
/// one are joined with a space (so a TOML body may wrap its lines).
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// Merges a template with the facts of a case into a letter. Errors (as a sentence) when the
/// body does not parse or names a merge field that does not exist.
pub(crate) fn merge(template: &Template, facts: &LetterFacts) -> Result<Letter, String> {
    let person = &facts.correspondent;
    let greeting = salutation(person.kind, &person.name);
    let date = long_date(facts.date);
    let their_letter_date = facts.their_letter.map(long_date);
    // A constituent is named only in a letter to their MP.
    let constituent = facts.constituent.clone().filter(|_| person.kind == CorrespondentKind::Mp);
    let mut environment = Environment::new();
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    let fields = context! {
        salutation => greeting.clone(),
        correspondent => person.name.clone(),
        our_reference => facts.our_reference.clone(),
        their_reference => Value::from(person.their_reference.clone()),
        date => date.clone(),
        their_letter_date => Value::from(their_letter_date),
        constituent => Value::from(constituent.clone()),
        topic => Value::from(facts.topic.clone()),
        standard_lines => facts.standard_lines.clone(),
        signatory => template.signatory.clone(),
        title => template.title.clone(),
        department => template.department.name.clone(),
    };
    let body = environment.render_str(&template.body, fields).map_err(|error| match error.line() {
        Some(line) => format!("body line {line}: {}", error.detail().unwrap_or(&error.kind().to_string())),
        None => format!("body: {error}"),
    })?;
    let mut references = vec![("Our reference".to_string(), facts.our_reference.clone())];
    if let Some(theirs) = person.their_reference.as_ref().filter(|value| !value.trim().is_empty()) {
        references.push(("Your reference".to_string(), theirs.clone()));
    }
    if let Some(constituent) = constituent {
        references.push(("Your constituent".to_string(), constituent));
    }
    let mut department: Vec<String> =
        template.department.address.iter().filter(|l| !l.trim().is_empty()).cloned().collect();
    department.extend(template.department.website.iter().cloned());
    Ok(Letter {
        department_name: template.department.name.clone(),
        heading: vec![template.heading.clone(), template.title.clone()],
        department,
        recipient: address_block(person),
        references,
        date,
        salutation: greeting,
        paragraphs: paragraphs(&body),
        closing: template.closing.clone(),
        signature: vec![template.signatory.clone(), template.title.clone()],
    })
}
