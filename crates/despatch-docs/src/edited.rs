//! A draft edited as plain text in the browser, written back to .docx so that it stays editable
//! in Word like a generated letter: A4 with 25 mm margins, Liberation Sans 11 pt, one paragraph
//! per line of text (a blank line is an empty paragraph).

use docx_rs::{Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts};

/// Twentieths of a point per millimetre.
const TWIPS_PER_MM: f64 = 1440.0 / 25.4;
/// The font letters ask for.
const FONT: &str = "Liberation Sans";

fn mm(value: f64) -> i32 {
    (value * TWIPS_PER_MM).round() as i32
}

/// `text` as .docx bytes; errors only if the archive cannot be written.
pub fn text_docx(text: &str) -> Result<Vec<u8>, String> {
    let margin = mm(25.0);
    let mut docx = Docx::new()
        .page_size(mm(210.0) as u32, mm(297.0) as u32)
        .page_margin(PageMargin::new().top(mm(20.0)).bottom(margin).left(margin).right(margin))
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .default_size(22);
    for line in text.lines() {
        let paragraph = Paragraph::new().add_run(Run::new().add_text(line.trim_end()));
        docx = docx.add_paragraph(paragraph.line_spacing(LineSpacing::new().after(0)));
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut bytes).map_err(|error| format!("writing the .docx: {error}"))?;
    Ok(bytes.into_inner())
}
