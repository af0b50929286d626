//! Bad uploads, on SQLite and PostgreSQL: a file of the wrong type, one over the size limit, a zip
//! bomb named .docx and a file the malware scanner flags are each refused with a clear error, and
//! the case is unchanged (same version, no document, no event, no object). The scanner here is a
//! small clamd stand-in on loopback that speaks clamd's real INSTREAM protocol (ClamAV itself is
//! not installed for the tests: its signature download is hundreds of megabytes).

mod common;

use std::io::Write;

use chrono::{TimeZone, Utc};
use common::{Kind, TestDb, alice, casework, letter};
use despatch_domain::case::DocumentRef;
use despatch_store::{Casework, DocumentError, DocumentStore, NewDocument, ScanStatus, StoreError, UploadError};
use despatch_store::{UploadPolicy, upload::DEFAULT_MAX_BYTES};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the stand-in scanner reports as malware: any stream containing this marker.
const MARKER: &[u8] = b"DESPATCH-TEST-MALWARE-MARKER";

fn upload(name: &str, bytes: Vec<u8>) -> (DocumentRef, NewDocument) {
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let reference = DocumentRef {
        sha256: sha256.clone(),
        name: name.to_string(),
        tag: "BACKGROUND NOTE".to_string(),
        media_type: "application/octet-stream".to_string(),
        size: bytes.len() as u64,
    };
    (reference, NewDocument { sha256, bytes, text: String::new() })
}

/// A Word file: a zip holding `word/document.xml` and `padding` bytes of zeros beside it.
fn docx(padding: usize) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    writer.start_file("word/document.xml", options).expect("entry");
    writer.write_all(b"<w:document><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>").expect("xml");
    if padding > 0 {
        writer.start_file("word/media/padding.bin", options).expect("entry");
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..padding / zeros.len() {
            writer.write_all(&zeros).expect("zeros");
        }
    }
    writer.finish().expect("zip").into_inner()
}

/// A clamd stand-in on loopback: reads `zINSTREAM\0` and length-prefixed chunks up to a zero
/// length, then answers `stream: OK` or `stream: Despatch-Test-Signature FOUND` as clamd does.
async fn fake_clamd() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut command = [0u8; 10];
                socket.read_exact(&mut command).await.expect("command");
                assert_eq!(&command, b"zINSTREAM\0");
                let mut stream = Vec::new();
                loop {
                    let length = socket.read_u32().await.expect("chunk length") as usize;
                    if length == 0 {
                        break;
                    }
                    let mut chunk = vec![0u8; length];
                    socket.read_exact(&mut chunk).await.expect("chunk");
                    stream.extend(chunk);
                }
                let flagged = stream.windows(MARKER.len()).any(|w| w == MARKER);
                let answer: &[u8] = if flagged { b"stream: Despatch-Test-Signature FOUND\0" } else { b"stream: OK\0" };
                socket.write_all(answer).await.expect("answer");
            });
        }
    });
    address
}

/// A case with its store, a folder document store with `policy`, and the folder.
struct Fixture {
    _db: TestDb,
    folder: tempfile::TempDir,
    casework: Casework,
    id: i64,
}

impl Fixture {
    async fn new(kind: Kind, policy: UploadPolicy) -> Option<Fixture> {
        let db = TestDb::new(kind).await?;
        let folder = tempfile::tempdir().expect("temporary folder");
        let documents = DocumentStore::local(folder.path()).expect("folder store").with_policy(policy);
        let casework = casework(despatch_store::open(&db.url).await.expect("open")).with_documents(documents);
        let id = casework.open(letter("Ms Smith"), &alice(), january()).await.expect("opened").state.id;
        Some(Fixture { _db: db, folder, casework, id })
    }

    async fn attach(&self, name: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        let (document, file) = upload(name, bytes);
        self.casework.attach(self.id, document, file, &alice(), january()).await.map(|_| ())
    }

    /// The refusal an attach met, after checking that the case and the folder are unchanged.
    async fn refused(&self, name: &str, bytes: Vec<u8>) -> UploadError {
        let before = self.casework.store().case(self.id).await.expect("read").expect("case");
        let events_before = self.casework.store().events(self.id).await.expect("events").len();
        let outcome = self.attach(name, bytes).await;
        let after = self.casework.store().case(self.id).await.expect("read").expect("case");
        assert_eq!(after, before, "the case is unchanged");
        assert!(after.documents.is_empty());
        assert_eq!(self.casework.store().events(self.id).await.expect("events").len(), events_before);
        let objects = walk(self.folder.path());
        assert!(objects.is_empty(), "no object was written: {objects:?}");
        match outcome {
            Err(StoreError::Document(DocumentError::Refused(refusal))) => refusal,
            other => panic!("expected a refused upload, got {other:?}"),
        }
    }

    async fn scan_of_only_document(&self) -> Option<ScanStatus> {
        let case = self.casework.store().case(self.id).await.expect("read").expect("case");
        assert_eq!(case.documents.len(), 1);
        self.casework.store().document_scan(&case.documents[0].sha256).await.expect("scan")
    }
}

fn walk(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

fn january() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 1, 10, 9, 0, 0).single().expect("valid instant")
}

async fn a_program_named_as_a_pdf_is_refused_as_the_wrong_type(kind: Kind) {
    let Some(case) = Fixture::new(kind, UploadPolicy::default()).await else { return };
    let mut program = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    program.extend([0u8; 256]);
    let refusal = case.refused("reply.pdf", program).await;
    assert!(matches!(refusal, UploadError::NotAllowed { ref found } if found == "a Windows program"), "{refusal}");
    assert!(refusal.to_string().contains("cannot be attached"), "{refusal}");
}

async fn a_file_over_the_size_limit_is_refused_and_one_at_the_limit_is_taken(kind: Kind) {
    let policy = UploadPolicy { max_bytes: 1000, ..UploadPolicy::default() };
    let Some(case) = Fixture::new(kind, policy).await else { return };
    let refusal = case.refused("long.txt", vec![b'a'; 1001]).await;
    assert_eq!(refusal, UploadError::TooLarge { size: 1001, limit: 1000 });
    case.attach("exact.txt", vec![b'a'; 1000]).await.expect("a file at the limit is taken");
    assert_eq!(UploadPolicy::default().max_bytes, DEFAULT_MAX_BYTES);
    assert_eq!(DEFAULT_MAX_BYTES, 25 * 1024 * 1024);
}

async fn a_zip_bomb_named_docx_is_refused_and_a_real_docx_is_taken(kind: Kind) {
    let Some(case) = Fixture::new(kind, UploadPolicy::default()).await else { return };
    // 64 MiB of zeros packs to about 64 KiB: a ratio no Word file has.
    let bomb = docx(64 * 1024 * 1024);
    assert!(bomb.len() < 1024 * 1024, "the bomb is small on the wire ({} bytes)", bomb.len());
    let refusal = case.refused("letter.docx", bomb).await;
    assert!(matches!(refusal, UploadError::BadArchive { kind: "Word", .. }), "{refusal}");
    assert!(refusal.to_string().contains("zip bomb"), "{refusal}");
    case.attach("letter.docx", docx(0)).await.expect("a small Word file is taken");
}

async fn a_file_the_scanner_flags_is_refused_and_a_clean_one_is_marked_clean(kind: Kind) {
    let policy = UploadPolicy { clamd: Some(fake_clamd().await), ..UploadPolicy::default() };
    let Some(case) = Fixture::new(kind, policy).await else { return };
    let mut infected = b"Dear Sir, please open the attached. ".to_vec();
    infected.extend(MARKER);
    let refusal = case.refused("note.txt", infected).await;
    assert_eq!(refusal, UploadError::Infected { signature: "Despatch-Test-Signature".into() });
    case.attach("note.txt", b"Dear Sir, nothing untoward here.".to_vec()).await.expect("clean file taken");
    assert_eq!(case.scan_of_only_document().await, Some(ScanStatus::Clean));
}

async fn with_a_scanner_configured_but_down_the_upload_is_refused_not_stored_unscanned(kind: Kind) {
    // A port that was just free: nothing listens there.
    let address = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").to_string();
    let policy = UploadPolicy { clamd: Some(address), ..UploadPolicy::default() };
    let Some(case) = Fixture::new(kind, policy).await else { return };
    let refusal = case.refused("note.txt", b"Dear Sir".to_vec()).await;
    assert!(matches!(refusal, UploadError::ScannerUnavailable { .. }), "{refusal}");
}

async fn without_a_scanner_a_document_is_marked_not_scanned(kind: Kind) {
    let Some(case) = Fixture::new(kind, UploadPolicy::default()).await else { return };
    case.attach("note.txt", b"Dear Sir".to_vec()).await.expect("taken");
    assert_eq!(case.scan_of_only_document().await, Some(ScanStatus::NotScanned));
}

#[test]
fn each_allowed_type_is_recognised_from_its_bytes() {
    let policy = UploadPolicy::default();
    let cases: &[(&[u8], &str)] = &[
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", "application/msword"),
        (b"\x89PNG\r\n\x1A\n\x00", "image/png"),
        (b"\xFF\xD8\xFF\xE0\x00", "image/jpeg"),
        (b"II*\x00\x08\x00", "image/tiff"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"BM\x3A\x00", "image/bmp"),
        (b"<!DOCTYPE html><html></html>", "text/html"),
        (b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Bypass\r\n\r\nHello", "message/rfc822"),
        (b"Dear Minister,\nI write about the bypass.", "text/plain"),
    ];
    for (bytes, media_type) in cases {
        assert_eq!(policy.check_content(bytes), Ok(*media_type), "{:?}", String::from_utf8_lossy(bytes));
    }
    assert_eq!(
        policy.check_content(&docx(0)),
        Ok("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    assert_eq!(policy.check_content(b""), Err(UploadError::Empty));
    assert!(matches!(policy.check_content(b"\x7FELF\x02\x01"), Err(UploadError::NotAllowed { .. })));
    assert!(matches!(policy.check_content(b"\x00\x01\x02\x03binary"), Err(UploadError::NotAllowed { .. })));
}

on_both_backends!(
    a_program_named_as_a_pdf_is_refused_as_the_wrong_type,
    a_file_over_the_size_limit_is_refused_and_one_at_the_limit_is_taken,
    a_zip_bomb_named_docx_is_refused_and_a_real_docx_is_taken,
    a_file_the_scanner_flags_is_refused_and_a_clean_one_is_marked_clean,
    with_a_scanner_configured_but_down_the_upload_is_refused_not_stored_unscanned,
    without_a_scanner_a_document_is_marked_not_scanned,
);
