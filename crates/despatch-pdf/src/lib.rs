//! Reply letters as PDF: a [`Letter`] from `despatch-docs` typeset with typst as a library, on
//! A4 in Liberation Sans (embedded and subset), page numbers from page 2. The .docx and the PDF
//! are drawn from the same [`Letter`], so their wording is the same.
//!
//! The letter's layout is one Typst file (`letter.typ`) compiled into the binary; the letter's
//! wording reaches it only through `sys.inputs` as strings, so nothing a correspondent or an
//! administrator wrote is ever read as Typst markup.
//!
//! This crate is the heaviest build in the workspace (typst brings ICU data and hyphenation
//! patterns); it stands alone so that other crates' incremental builds never rebuild it.
//!
//! **Architecture invariant:** no IO at run time: the layout and the fonts are embedded.

use std::sync::OnceLock;

use despatch_docs::Letter;
use typst::foundations::{Array, Dict, IntoValue, Str, Value};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};

/// The layout: a Typst file that reads the letter from `sys.inputs`.
const LAYOUT: &str = include_str!("letter.typ");

/// Liberation Sans (SIL Open Font License 1.1, Arial's metrics), from Debian's
/// `fonts-liberation2`; `build.rs` finds the folder.
const FONTS: [&[u8]; 4] = [
    include_bytes!(concat!(env!("DESPATCH_LIBERATION_SANS_DIR"), "/LiberationSans-Regular.ttf")),
    include_bytes!(concat!(env!("DESPATCH_LIBERATION_SANS_DIR"), "/LiberationSans-Bold.ttf")),
    include_bytes!(concat!(env!("DESPATCH_LIBERATION_SANS_DIR"), "/LiberationSans-Italic.ttf")),
    include_bytes!(concat!(env!("DESPATCH_LIBERATION_SANS_DIR"), "/LiberationSans-BoldItalic.ttf")),
];

/// A letter that could not be typeset. Not expected for any letter (its wording is plain text);
/// it would mean the embedded layout is wrong, and the message says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// Typst refused the layout with these inputs.
    #[error("typesetting the letter: {0}")]
    Typeset(String),
    /// The typeset letter could not be written as PDF.
    #[error("writing the PDF: {0}")]
    Export(String),
}

/// The compiled layout with its fonts, built once per process (font parsing is the costly part).
fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| TypstEngine::builder().main_file(LAYOUT).fonts(FONTS).build())
}

fn strings(items: &[String]) -> Value {
    items.iter().map(|item| Value::Str(Str::from(item.as_str()))).collect::<Array>().into_value()
}

/// The letter as the layout's `sys.inputs`: strings and arrays of strings only.
fn inputs(letter: &Letter) -> Dict {
    let text = |value: &str| Value::Str(Str::from(value));
    let references: Array = letter
        .references
        .iter()
        .map(|(label, value)| [text(label), text(value)].into_iter().collect::<Array>().into_value())
        .collect();
    let title = match letter.references.first() {
        Some((_, reference)) => format!("Reply {reference}"),
        None => "Reply".to_string(),
    };
    let mut dict = Dict::new();
    dict.insert("title".into(), text(&title));
    dict.insert("department_name".into(), text(&letter.department_name));
    dict.insert("heading".into(), strings(&letter.heading));
    dict.insert("department".into(), strings(&letter.department));
    dict.insert("recipient".into(), strings(&letter.recipient));
    dict.insert("references".into(), references.into_value());
    dict.insert("date".into(), text(&letter.date));
    dict.insert("salutation".into(), text(&letter.salutation));
    dict.insert("paragraphs".into(), strings(&letter.paragraphs));
    dict.insert("closing".into(), text(&letter.closing));
    dict.insert("signature".into(), strings(&letter.signature));
    dict
}

/// The letter as PDF bytes (A4, fonts embedded and subset). Takes a few milliseconds once the
/// first call has loaded the fonts.
pub fn render_pdf(letter: &Letter) -> Result<Vec<u8>, PdfError> {
    let compiled = engine().compile_with_input::<_, typst_layout::PagedDocument>(inputs(letter));
    let document = compiled.output.map_err(|error| PdfError::Typeset(error.to_string()))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PdfError::Export(errors.iter().map(|error| error.message.to_string()).collect::<Vec<_>>().join("; "))
    })
}
