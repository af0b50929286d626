//! Bad input gets a clear error for that file, never a panic.

use despatch_intake::{IntakeError, Options, read_bytes, read_file};
use std::io::Write;

fn error(name: &str, bytes: &[u8]) -> IntakeError {
    match read_bytes(name, bytes, &Options::default()) {
        Ok(intakes) => panic!("{name} was accepted: {} letters", intakes.len()),
        Err(error) => error,
    }
}

/// A one-page PDF with a text layer, written by hand.
fn small_pdf(extra_trailer: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        {
            let stream = "BT /F1 12 Tf 72 770 Td (Dear Sir, thank you for your letter of 3 May 2024.) Tj ET";
            format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len())
        },
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R {extra_trailer} >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

#[test]
fn the_hand_made_pdf_is_readable_so_the_failures_below_are_real() {
    let intakes = read_bytes("letter.pdf", &small_pdf(""), &Options::default()).expect("a good PDF");
    let text = &intakes.first().expect("one").text;
    assert!(text.contains("Dear Sir"), "{text}");
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    assert!(matches!(error("letter.txt", b""), IntakeError::Empty));
    assert!(matches!(error("letter.txt", b"  \n\t\n"), IntakeError::Empty));
}

#[test]
fn binary_garbage_is_not_a_document() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let message = error("scan0001", &garbage).to_string();
    assert!(message.contains("not a recognised document"), "{message}");
}

#[test]
fn invalid_utf8_text_says_so() {
    let message = error("letter.txt", b"Dear Sir,\n\xff\xfe\xfd caf\xe9\n").to_string();
    assert!(message.contains("not valid UTF-8"), "{message}");
}

#[test]
fn a_truncated_pdf_is_a_clear_error() {
    let pdf = small_pdf("");
    let half = pdf.get(..pdf.len() / 2).expect("half");
    let message = error("letter.pdf", half).to_string();
    assert!(message.contains("PDF") || message.contains("pdftoppm"), "{message}");
}

#[test]
fn an_encrypted_pdf_asks_for_an_unprotected_copy() {
    let encrypted = small_pdf(
        "/Encrypt << /Filter /Standard /V 1 /R 2 /O <0000000000000000000000000000000000000000000000000000000000000000> \
         /U <1111111111111111111111111111111111111111111111111111111111111111> /P -4 >> \
         /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]",
    );
    let error = error("letter.pdf", &encrypted);
    assert!(matches!(error, IntakeError::EncryptedPdf), "{error}");
}

#[test]
fn a_file_named_pdf_that_is_not_one_is_called_mislabelled() {
    let message = error("letter.pdf", b"Dear Sir, this is plain text").to_string();
    assert!(message.contains("mislabelled"), "{message}");
}

#[test]
fn a_word_zip_bomb_is_refused_without_unpacking_it() {
    let mut bytes = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut bytes);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", options).expect("start");
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..60 {
            zip.write_all(&zeros).expect("write");
        }
        zip.finish().expect("finish");
    }
    let bytes = bytes.into_inner();
    assert!(bytes.len() < 1 << 20, "the bomb is small: {}", bytes.len());
    let error = error("letter.docx", &bytes);
    assert!(matches!(error, IntakeError::ZipBomb { .. }), "{error}");
}

#[test]
fn a_200_mb_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.pdf");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(200 * 1024 * 1024).expect("sparse file");
    let error = read_file(&path, &Options::default()).expect_err("too large");
    assert!(matches!(error, IntakeError::TooLarge { .. }), "{error}");
    assert!(error.to_string().contains("more than the limit"));
}

#[test]
fn html_in_an_email_becomes_text() {
    let email = b"From: Jo Bloggs <jo@example.org>\r\nTo: correspondence@example.gov.uk\r\n\
Subject: Bins\r\nDate: Tue, 4 Mar 2025 10:00:00 +0000\r\nMessage-ID: <abc@example.org>\r\n\
MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<html><head><script>alert(1)</script><style>p{color:red}</style></head><body><p>Dear Sir,</p>\
<p>I am writing to ask about <b>bin collections</b>.</p><p>Yours faithfully,</p><p>Jo Bloggs</p></body></html>\r\n";
    let intakes = read_bytes("message.eml", email, &Options::default()).expect("an email");
    let intake = intakes.first().expect("one");
    assert!(!intake.text.contains('<'), "{}", intake.text);
    assert!(!intake.text.contains("alert"), "{}", intake.text);
    assert_eq!(intake.fields.get("sender_name").as_deref(), Some("Jo Bloggs"));
    assert_eq!(intake.fields.get("date").as_deref(), Some("2025-03-04"));
    assert_eq!(intake.email.as_ref().and_then(|e| e.message_id.as_deref()), Some("abc@example.org"));
}

#[test]
fn an_email_with_no_headers_is_refused() {
    let message = error("message.eml", b"just some words\nand more words\n").to_string();
    assert!(message.contains("email"), "{message}");
}

#[test]
fn a_device_or_a_folder_is_refused_without_being_read() {
    let options = despatch_intake::Options::default();
    for path in ["/dev/zero", "/tmp"] {
        let error = despatch_intake::read_file(std::path::Path::new(path), &options).expect_err("refused");
        assert!(error.to_string().contains("not a regular file"), "{path}: {error}");
    }
}
