//! The issue's test: the reply to the seed case MIN/0017733/18 from the safeguarding minister's
//! MIN template, as a PDF that carries the minister, the recipient, the references, the date and
//! the salutation; its first page is drawn to docs/screenshots/reply-MIN-0017733-18.png.

mod support;

use std::process::Command;

use despatch_pdf::render_pdf;
use support::{pdf_text, seed_letter, words, workspace};

#[test]
fn the_seed_reply_pdf_names_the_minister_the_councillor_the_reference_the_date_and_greets_cllr_pandor() {
    let pdf = render_pdf(&seed_letter()).expect("the PDF renders");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    let Some(text) = pdf_text(&pdf) else { return };
    let text = words(&text);
    for expected in [
        "Victoria Atkins MP",
        "Minister for Crime, Safeguarding and Vulnerability",
        "Home Office",
        "2 Marsham Street",
        "London SW1P 4DF",
        "www.gov.uk/home-office",
        "Councillor Shabir Pandor Kirklees Council Leadership and Cabinet Office Civic Centre III High Street Huddersfield HD1 2TG",
        "Our reference: MIN/0017733/18",
        "21 December 2018",
        "Dear Cllr Pandor",
        "Thank you for your correspondence of 14 November 2018 about child sexual exploitation. \
         I am replying as Minister for Crime, Safeguarding and Vulnerability.",
        "Yours sincerely,",
    ] {
        assert!(text.contains(expected), "the PDF should contain {expected:?}; it reads:\n{text}");
    }
    assert!(!text.contains("Page 1"), "the first page carries no page number");
}

#[test]
fn a_picture_of_the_seed_reply_is_kept_in_the_screenshots() {
    let pdf = render_pdf(&seed_letter()).expect("the PDF renders");
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("reply.pdf");
    std::fs::write(&path, &pdf).expect("write the PDF");
    let prefix = folder.path().join("page");
    let Ok(status) = Command::new("pdftoppm")
        .args(["-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&prefix)
        .status()
    else {
        eprintln!("SKIPPED: pdftoppm is not installed (apt-get install poppler-utils)");
        return;
    };
    assert!(status.success(), "pdftoppm draws the first page");
    let png = std::fs::read(prefix.with_extension("png")).expect("the page image");
    assert!(png.starts_with(b"\x89PNG"), "a PNG image");
    // Kept up to date only on request, so that a test run does not change the working tree.
    if std::env::var_os("DESPATCH_UPDATE_SCREENSHOTS").is_some() {
        std::fs::write(workspace().join("docs/screenshots/reply-MIN-0017733-18.png"), &png)
            .expect("write the screenshot");
    }
}
