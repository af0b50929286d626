//! Checks an upload passes before it is stored: an allowed type (sniffed from the bytes, not
//! taken from the name), a size limit, no zip bomb inside a .docx or .xlsx, and a malware scan
//! through ClamAV's clamd when one is configured.

use std::io::{Cursor, Read};
use std::time::Duration;

use serde::Serialize;

use crate::clamd;
use crate::documents::DocumentError;

/// Default largest upload: 25 MiB (26,214,400 bytes).
pub const DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;
/// Default most bytes the entries of a .docx/.xlsx may unpack to: 200 MiB.
pub const DEFAULT_MAX_UNZIPPED_BYTES: u64 = 200 * 1024 * 1024;
/// Most entries a .docx/.xlsx may hold.
const MAX_ENTRIES: usize = 10_000;
/// Largest ratio of unpacked to packed size for an entry over 1 MiB unpacked.
const MAX_RATIO: u64 = 200;

/// What the malware scan found, recorded with the document so that a page can say so honestly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanStatus {
    /// No scanner is configured: the file was not scanned.
    NotScanned,
    /// clamd scanned it and found nothing.
    Clean,
    /// clamd found malware (such a file is refused, so it is never stored with this status).
    Infected,
}

impl ScanStatus {
    /// The stored form: `not_scanned`, `clean` or `infected`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScanStatus::NotScanned => "not_scanned",
            ScanStatus::Clean => "clean",
            ScanStatus::Infected => "infected",
        }
    }

    /// Parses the stored form; anything unknown reads as not scanned (never as clean).
    pub fn parse(stored: &str) -> ScanStatus {
        match stored {
            "clean" => ScanStatus::Clean,
            "infected" => ScanStatus::Infected,
            _ => ScanStatus::NotScanned,
        }
    }
}

/// Why an upload was refused. Each message is fit to show the user; nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// Over the size limit (bytes).
    #[error("the file is {size} bytes; the largest allowed is {limit} bytes")]
    TooLarge {
        /// Size of the upload in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// Not one of the allowed types.
    #[error(
        "the file is {found}, which cannot be attached: use PDF, Word, Excel, plain text, email, HTML or an image (PNG, JPEG, TIFF, GIF, BMP)"
    )]
    NotAllowed {
        /// What the bytes look like.
        found: String,
    },
    /// A .docx/.xlsx whose entries would unpack to too much (a zip bomb) or that cannot be read.
    #[error("the {kind} file was refused: {reason}")]
    BadArchive {
        /// `Word` or `Excel`.
        kind: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// clamd found malware.
    #[error("the file contains malware ({signature}) and was refused")]
    Infected {
        /// The signature clamd named.
        signature: String,
    },
    /// A scanner is configured but did not answer; the file is refused rather than stored unscanned.
    #[error("the malware scanner at {address} could not scan the file ({reason}); try again later")]
    ScannerUnavailable {
        /// clamd's `host:port`.
        address: String,
        /// What went wrong.
        reason: String,
    },
}

/// The checks every upload passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadPolicy {
    /// Largest upload in bytes (default [`DEFAULT_MAX_BYTES`]).
    pub max_bytes: u64,
    /// Most bytes the entries of a .docx/.xlsx may unpack to (default [`DEFAULT_MAX_UNZIPPED_BYTES`]).
    pub max_unzipped_bytes: u64,
    /// clamd's `host:port` (`DESPATCH_CLAMD`); `None` means files are stored as not scanned.
    pub clamd: Option<String>,
    /// How long a scan may take, connection included (default 60 s).
    pub scan_timeout: Duration,
}

impl Default for UploadPolicy {
    fn default() -> Self {
        UploadPolicy {
            max_bytes: DEFAULT_MAX_BYTES,
            max_unzipped_bytes: DEFAULT_MAX_UNZIPPED_BYTES,
            clamd: None,
            scan_timeout: Duration::from_secs(60),
        }
    }
}

/// An upload that passed: its sniffed media type and the scan result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// The media type the bytes show (`application/pdf`, `image/png`…).
    pub media_type: &'static str,
    /// What the malware scan found (never infected: that is refused).
    pub scan: ScanStatus,
}

impl UploadPolicy {
    /// The defaults, with the scanner from `DESPATCH_CLAMD` (`host:port`) and the size limit from
    /// `DESPATCH_MAX_UPLOAD_BYTES` (bytes) when set.
    ///
    /// # Errors
    /// [`DocumentError::BadSetting`] when either is set to something unusable.
    pub fn from_env() -> Result<UploadPolicy, DocumentError> {
        let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let bad = |name: &'static str, value: String, expected: &'static str| DocumentError::BadSetting {
            name,
            value,
            expected,
        };
        let mut policy = UploadPolicy::default();
        if let Some(address) = var("DESPATCH_CLAMD") {
            if !address.rsplit_once(':').is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok()) {
                return Err(bad("DESPATCH_CLAMD", address, "clamd's host:port, e.g. 127.0.0.1:3310"));
            }
            policy.clamd = Some(address);
        }
        if let Some(limit) = var("DESPATCH_MAX_UPLOAD_BYTES") {
            policy.max_bytes = limit
                .parse()
                .ok()
                .filter(|&n: &u64| n > 0)
                .ok_or_else(|| bad("DESPATCH_MAX_UPLOAD_BYTES", limit, "a whole number of bytes above 0"))?;
        }
        Ok(policy)
    }

    /// Checks an upload: size, type, archive limits, then the malware scan (last, as the costliest).
    ///
    /// # Errors
    /// The first [`UploadError`] found.
    pub async fn check(&self, bytes: &[u8]) -> Result<Checked, UploadError> {
        let media_type = self.check_content(bytes)?;
        let scan = match &self.clamd {
            None => ScanStatus::NotScanned,
            Some(address) => match clamd::scan(address, bytes, self.scan_timeout).await {
                Ok(None) => ScanStatus::Clean,
                Ok(Some(signature)) => return Err(UploadError::Infected { signature }),
                Err(reason) => {
                    return Err(UploadError::ScannerUnavailable { address: address.clone(), reason });
                }
            },
        };
        Ok(Checked { media_type, scan })
    }

    /// The checks that need no scanner: size, type and archive limits. Returns the media type.
    ///
    /// # Errors
    /// [`UploadError::Empty`], [`UploadError::TooLarge`], [`UploadError::NotAllowed`],
    /// [`UploadError::BadArchive`].
    pub fn check_content(&self, bytes: &[u8]) -> Result<&'static str, UploadError> {
        if bytes.is_empty() {
            return Err(UploadError::Empty);
        }
        let size = bytes.len() as u64;
        if size > self.max_bytes {
            return Err(UploadError::TooLarge { size, limit: self.max_bytes });
        }
        match sniff(bytes) {
            Sniffed::Allowed(media_type) => Ok(media_type),
            Sniffed::Zip => self.check_office_zip(bytes),
            Sniffed::Other(found) => Err(UploadError::NotAllowed { found: found.to_string() }),
        }
    }

    /// A zip is allowed only as a Word or Excel file whose entries unpack within the limits. The
    /// sizes the archive declares are not trusted: every entry is inflated, counting bytes.
    fn check_office_zip(&self, bytes: &[u8]) -> Result<&'static str, UploadError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|_| UploadError::NotAllowed { found: "a damaged zip archive".into() })?;
        let (kind, media_type) = if archive.index_for_name("word/document.xml").is_some() {
            ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else if archive.index_for_name("xl/workbook.xml").is_some() {
            ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        } else {
            return Err(UploadError::NotAllowed { found: "a zip archive".into() });
        };
        let refuse = |reason: String| UploadError::BadArchive { kind, reason };
        if archive.len() > MAX_ENTRIES {
            return Err(refuse(format!("it holds {} parts; at most {MAX_ENTRIES} are allowed", archive.len())));
        }
        let limit = self.max_unzipped_bytes;
        let mut total: u64 = 0;
        for index in 0..archive.len() {
            let mut entry =
                archive.by_index(index).map_err(|e| refuse(format!("part {index} cannot be read ({e})")))?;
            let name = entry.name().map(|n| n.to_string()).unwrap_or_else(|_| format!("part {index}"));
            let packed = entry.compressed_size().max(1);
            if entry.size() > limit.saturating_sub(total) {
                return Err(refuse(format!("{name} would unpack to more than {limit} bytes (a zip bomb)")));
            }
            let budget = limit.saturating_sub(total);
            let unpacked = std::io::copy(&mut entry.by_ref().take(budget.saturating_add(1)), &mut std::io::sink())
                .map_err(|e| refuse(format!("{name} cannot be unpacked ({e})")))?;
            total = total.saturating_add(unpacked);
            if total > limit {
                return Err(refuse(format!("its parts unpack to more than {limit} bytes (a zip bomb)")));
            }
            if unpacked > 1024 * 1024 && unpacked / packed > MAX_RATIO {
                return Err(refuse(format!(
                    "{name} unpacks {} times its packed size (a zip bomb); at most {MAX_RATIO} is allowed",
                    unpacked / packed
                )));
            }
        }
        Ok(media_type)
    }
}

enum Sniffed {
    Allowed(&'static str),
    Zip,
    Other(&'static str),
}

/// The type the bytes show, from magic numbers; text is told apart by its first lines.
fn sniff(bytes: &[u8]) -> Sniffed {
    const MAGIC: &[(&[u8], Sniffed)] = &[
        (b"%PDF-", Sniffed::Allowed("application/pdf")),
        (b"PK\x03\x04", Sniffed::Zip),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", Sniffed::Allowed("application/msword")),
        (b"\x89PNG\r\n\x1A\n", Sniffed::Allowed("image/png")),
        (b"\xFF\xD8\xFF", Sniffed::Allowed("image/jpeg")),
        (b"II*\x00", Sniffed::Allowed("image/tiff")),
        (b"MM\x00*", Sniffed::Allowed("image/tiff")),
        (b"GIF87a", Sniffed::Allowed("image/gif")),
        (b"GIF89a", Sniffed::Allowed("image/gif")),
        (b"BM", Sniffed::Allowed("image/bmp")),
        (b"MZ", Sniffed::Other("a Windows program")),
        (b"\x7FELF", Sniffed::Other("a Linux program")),
        (b"PK\x05\x06", Sniffed::Other("an empty zip archive")),
        (b"Rar!", Sniffed::Other("a RAR archive")),
        (b"7z\xBC\xAF\x27\x1C", Sniffed::Other("a 7-Zip archive")),
        (b"\x1F\x8B", Sniffed::Other("a gzip archive")),
    ];
    for (magic, sniffed) in MAGIC {
        if bytes.starts_with(magic) {
            return match sniffed {
                Sniffed::Allowed(media_type) => Sniffed::Allowed(media_type),
                Sniffed::Zip => Sniffed::Zip,
                Sniffed::Other(found) => Sniffed::Other(found),
            };
        }
    }
    sniff_text(bytes)
}

fn sniff_text(bytes: &[u8]) -> Sniffed {
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head.iter().filter(|&&b| b < 0x09 || (0x0E..0x20).contains(&b) && b != 0x1B).count();
    if head.contains(&0) || controls * 100 > head.len() {
        return Sniffed::Other("a binary file of unknown type");
    }
    let text = String::from_utf8_lossy(head);
    let start = text.trim_start_matches('\u{FEFF}').trim_start().to_ascii_lowercase();
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        return Sniffed::Allowed("text/html");
    }
    if start.starts_with("from ") && start.lines().nth(1).is_some_and(is_header) {
        return Sniffed::Allowed("application/mbox");
    }
    let headers = start.lines().take_while(|line| !line.trim().is_empty()).take(40);
    let names: Vec<&str> = headers.filter(|line| is_header(line)).filter_map(|l| l.split(':').next()).collect();
    let mail = ["from", "to", "subject", "date", "message-id", "received", "mime-version", "return-path"];
    if names.iter().filter(|name| mail.contains(name)).count() >= 2 {
        return Sniffed::Allowed("message/rfc822");
    }
    Sniffed::Allowed("text/plain")
}

fn is_header(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}
