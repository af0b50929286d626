//! Reply letters: templates per case type and signing team, merged with a case's facts into one
//! [`Letter`] model, which renders to an editable .docx here and to a PDF in `despatch-pdf` —
//! so both carry the same wording. Standard lines ([`despatch_domain::standard_line`]) are
//! re-exported for drafters.
//!
//! **Architecture invariant:** no IO. Templates arrive as text, facts as values, and the .docx
//! leaves as bytes.

pub mod docx;
pub mod edited;
pub mod letter;
pub mod salutation;
pub mod standard_lines;
pub mod template;

pub use despatch_domain::standard_line::{StandardLine, offered};
pub use docx::render_docx;
pub use edited::text_docx;
pub use letter::{Letter, LetterFacts, long_date};
pub use salutation::{addressee, salutation};
pub use standard_lines::{StandardLinesError, parse_standard_lines};
pub use template::{DEFAULT_TEMPLATES, Department, Template, TemplateError, choose, parse_templates};

/// The embedded default templates, parsed (they are checked by a test, so this cannot fail in a
/// released build; an empty list is returned if it ever did).
pub fn default_templates() -> Vec<Template> {
    parse_templates(DEFAULT_TEMPLATES).unwrap_or_default()
}
