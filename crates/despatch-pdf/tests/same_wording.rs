//! One template source, the same wording: a letter rendered to .docx and to PDF reads back as
//! the same text, in the same order.

mod support;

use despatch_docs::render_docx;
use despatch_pdf::render_pdf;
use support::{docx_text, pdf_text, seed_letter, words};

/// The position of each of `parts` in `text`, searched from the end of the one before, or the
/// first part that is missing.
fn in_order(text: &str, parts: &[String]) -> Result<(), String> {
    let mut from = 0;
    for part in parts {
        match text[from..].find(part.as_str()) {
            Some(at) => from += at + part.len(),
            None => return Err(part.clone()),
        }
    }
    Ok(())
}

#[test]
fn the_docx_and_the_pdf_of_a_reply_carry_the_same_wording_in_the_same_order() {
    let letter = seed_letter();
    let parts: Vec<String> = letter.lines().iter().map(|line| words(line)).collect();
    let docx = words(&docx_text(&render_docx(&letter).expect("the .docx renders")));
    let Some(pdf) = pdf_text(&render_pdf(&letter).expect("the PDF renders")) else { return };
    let pdf = words(&pdf);
    assert_eq!(in_order(&docx, &parts), Ok(()), "the .docx should hold every line in order; it reads:\n{docx}");
    assert_eq!(in_order(&pdf, &parts), Ok(()), "the PDF should hold every line in order; it reads:\n{pdf}");
    // Nothing else: once the letter's lines are taken out, neither has words of its own.
    let rest = |text: &str| parts.iter().fold(text.to_string(), |text, part| text.replacen(part.as_str(), "", 1));
    assert_eq!(words(&rest(&docx)), "", "the .docx has no wording beyond the letter's");
    assert_eq!(words(&rest(&pdf)), "", "the PDF has no wording beyond the letter's");
}

#[test]
fn a_long_reply_runs_on_to_numbered_pages_without_losing_a_word() {
    let mut letter = seed_letter();
    let paragraph = letter.paragraphs[1].clone();
    letter.paragraphs = std::iter::repeat_n(paragraph, 14).collect();
    let Some(pdf) = pdf_text(&render_pdf(&letter).expect("the PDF renders")) else { return };
    assert!(pdf.contains("Page 2 of 2"), "the second page is numbered: {pdf}");
    assert!(!pdf.contains("Page 1 of"), "the first page is not");
    let without_footers = words(&pdf.replace("Page 2 of 2", ""));
    let parts: Vec<String> = letter.lines().iter().map(|line| words(line)).collect();
    assert_eq!(in_order(&without_footers, &parts), Ok(()), "every paragraph survives the page break");
}

#[test]
fn wording_that_looks_like_typst_markup_is_printed_as_written() {
    let mut letter = seed_letter();
    let hostile = r#"#set text(fill: red) *bold* $x^2$ #panic("no") <label> @ref // not a comment"#;
    letter.salutation = "Dear #Cllr [Pandor]".to_string();
    letter.paragraphs = vec![hostile.to_string()];
    let Some(pdf) = pdf_text(&render_pdf(&letter).expect("markup in the wording does not break the PDF")) else {
        return;
    };
    let pdf = words(&pdf);
    assert!(pdf.contains(hostile), "the paragraph is printed verbatim: {pdf}");
    assert!(pdf.contains("Dear #Cllr [Pandor]"), "the salutation is printed verbatim: {pdf}");
}
