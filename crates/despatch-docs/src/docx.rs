//! A [`Letter`] as an editable Word document (.docx), for the drafter to finish in Word.
//!
//! Layout, in the same order as the PDF: the department's name, the heading and department block
//! on the right, the recipient's address block, references and date, salutation, paragraphs,
//! closing and signature. A4 with 25 mm margins, Liberation Sans (Arial's metrics) 11 pt.

use docx_rs::{AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts};

use crate::letter::Letter;

/// Twentieths of a point per millimetre (Word measures page geometry in twips).
const TWIPS_PER_MM: f64 = 1440.0 / 25.4;
/// The font a letter asks for; Word substitutes Arial's metrics where it is absent.
const FONT: &str = "Liberation Sans";

fn mm(value: f64) -> i32 {
    (value * TWIPS_PER_MM).round() as i32
}

/// Space after a paragraph, in twips.
fn after(paragraph: Paragraph, twips: u32) -> Paragraph {
    paragraph.line_spacing(LineSpacing::new().after(twips))
}

fn line(text: &str) -> Paragraph {
    after(Paragraph::new().add_run(Run::new().add_text(text)), 0)
}

/// The letter as .docx bytes.
pub fn render_docx(letter: &Letter) -> Result<Vec<u8>, String> {
    let margin = mm(25.0);
    let mut docx = Docx::new()
        .page_size(mm(210.0) as u32, mm(297.0) as u32)
        .page_margin(PageMargin::new().top(mm(20.0)).bottom(margin).left(margin).right(margin))
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .default_size(22);
    docx = docx.add_paragraph(after(
        Paragraph::new().add_run(Run::new().add_text(&letter.department_name).bold().size(32)),
        240,
    ));
    for (index, text) in letter.heading.iter().enumerate() {
        let run = Run::new().add_text(text);
        let run = if index == 0 { run.bold() } else { run };
        docx = docx.add_paragraph(after(Paragraph::new().add_run(run).align(AlignmentType::Right), 0));
    }
    docx = docx.add_paragraph(after(Paragraph::new(), 0));
    for text in &letter.department {
        docx = docx.add_paragraph(after(
            Paragraph::new().add_run(Run::new().add_text(text).size(18)).align(AlignmentType::Right),
            0,
        ));
    }
    docx = docx.add_paragraph(after(Paragraph::new(), 480));
    for text in &letter.recipient {
        docx = docx.add_paragraph(line(text));
    }
    docx = docx.add_paragraph(after(Paragraph::new(), 240));
    for (label, value) in &letter.references {
        docx = docx.add_paragraph(after(
            Paragraph::new()
                .add_run(Run::new().add_text(format!("{label}: ")).bold())
                .add_run(Run::new().add_text(value)),
            0,
        ));
    }
    docx = docx.add_paragraph(after(Paragraph::new(), 0));
    docx = docx.add_paragraph(after(line(&letter.date).align(AlignmentType::Left), 360));
    docx = docx.add_paragraph(after(Paragraph::new().add_run(Run::new().add_text(&letter.salutation)), 200));
    for text in &letter.paragraphs {
        docx = docx.add_paragraph(after(Paragraph::new().add_run(Run::new().add_text(text)), 200));
    }
    docx = docx.add_paragraph(after(Paragraph::new().add_run(Run::new().add_text(&letter.closing)), 1080));
    for (index, text) in letter.signature.iter().enumerate() {
        let run = Run::new().add_text(text);
        let run = if index == 0 { run.bold() } else { run };
        docx = docx.add_paragraph(after(Paragraph::new().add_run(run), 0));
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut bytes).map_err(|error| format!("writing the .docx: {error}"))?;
    Ok(bytes.into_inner())
}
