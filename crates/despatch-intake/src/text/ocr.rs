//! OCR through the `tesseract` command (and `pdftoppm` for scanned PDFs), run as subprocesses
//! with a timeout: untrusted images are kept out of this process, and a missing program gives
//! an error that says how to install it.

use crate::IntakeError;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// How to run OCR.
#[derive(Debug, Clone)]
pub struct Ocr {
    /// The tesseract program.
    pub tesseract: PathBuf,
    /// The pdftoppm program (poppler-utils).
    pub pdftoppm: PathBuf,
    /// Tesseract language.
    pub language: String,
    /// Resolution for rendering scanned PDF pages and for images without one.
    pub dpi: u32,
    /// Longest time for one program run.
    pub timeout: Duration,
    /// Most pages of a scanned PDF read.
    pub max_pages: u32,
}

impl Default for Ocr {
    fn default() -> Self {
        Ocr {
            tesseract: PathBuf::from("tesseract"),
            pdftoppm: PathBuf::from("pdftoppm"),
            language: "eng".to_string(),
            dpi: 300,
            timeout: Duration::from_secs(120),
            max_pages: 20,
        }
    }
}

fn program_name(program: &Path) -> String {
    program.file_name().map_or_else(|| program.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Runs a program with a timeout; its standard output and error go to files in `dir`.
fn run(program: &Path, args: &[&std::ffi::OsStr], dir: &Path, timeout: Duration) -> Result<(), IntakeError> {
    let name = program_name(program);
    let failed = |message: String| IntakeError::ToolFailed { program: name.clone(), message };
    let stderr_path = dir.join(format!("{name}.stderr"));
    let stderr = std::fs::File::create(&stderr_path).map_err(|e| failed(e.to_string()))?;
    let mut command = Command::new(program);
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        // Tesseract's OpenMP threads make one page several times slower on a small machine.
        command.env("OMP_THREAD_LIMIT", "1");
    }
    let mut child =
        command.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(stderr).spawn().map_err(|e| {
            match e.kind() {
                std::io::ErrorKind::NotFound => IntakeError::ToolMissing { program: name.clone() },
                _ => failed(e.to_string()),
            }
        })?;
    let status = match child.wait_timeout(timeout).map_err(|e| failed(e.to_string()))? {
        Some(status) => status,
        None => {
            // Best effort: the process is killed and reaped; errors here change nothing.
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed(format!("ran longer than {} s and was stopped", timeout.as_secs())));
        }
    };
    if !status.success() {
        let detail = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        let detail: String = detail.lines().last().unwrap_or("").chars().take(300).collect();
        return Err(failed(format!("{status}: {detail}")));
    }
    Ok(())
}

impl Ocr {
    /// Recognises the text of an image (PNG, JPEG, TIFF).
    pub fn image(&self, bytes: &[u8]) -> Result<String, IntakeError> {
        let dir = tempdir()?;
        let input = dir.path().join("page");
        std::fs::write(&input, bytes).map_err(|e| tool_io(&self.tesseract, &e))?;
        self.recognise(&input, dir.path(), None)
    }

    /// Renders a scanned PDF's pages and recognises each.
    pub fn pdf(&self, bytes: &[u8]) -> Result<String, IntakeError> {
        let dir = tempdir()?;
        let input = dir.path().join("scan.pdf");
        std::fs::write(&input, bytes).map_err(|e| tool_io(&self.pdftoppm, &e))?;
        let prefix = dir.path().join("page");
        let dpi = self.dpi.to_string();
        let last = self.max_pages.to_string();
        let args: [&std::ffi::OsStr; 9] = [
            "-r".as_ref(),
            dpi.as_ref(),
            "-gray".as_ref(),
            // Uncompressed TIFF: PNG compression of a noisy scan costs seconds per page.
            "-tiff".as_ref(),
            "-l".as_ref(),
            last.as_ref(),
            input.as_os_str(),
            prefix.as_os_str(),
            "-q".as_ref(),
        ];
        run(&self.pdftoppm, &args, dir.path(), self.timeout)?;
        let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .map_err(|e| tool_io(&self.pdftoppm, &e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "tif"))
            .collect();
        pages.sort();
        let mut text = String::new();
        for page in pages {
            text.push_str(&self.recognise(&page, dir.path(), Some(self.dpi))?);
            text.push('\n');
        }
        if text.trim().is_empty() {
            return Err(IntakeError::NoText);
        }
        Ok(text)
    }

    /// Runs tesseract on one image; `dpi` is given for pages rendered here (an image file
    /// carries its own resolution).
    fn recognise(&self, image: &Path, dir: &Path, dpi: Option<u32>) -> Result<String, IntakeError> {
        let output = dir.join("ocr");
        let dpi = dpi.map(|d| d.to_string());
        let mut args: Vec<&std::ffi::OsStr> = vec![
            image.as_os_str(),
            output.as_os_str(),
            "-l".as_ref(),
            self.language.as_ref(),
            "-c".as_ref(),
            "preserve_interword_spaces=1".as_ref(),
        ];
        if let Some(dpi) = &dpi {
            args.push("--dpi".as_ref());
            args.push(dpi.as_ref());
        }
        args.push("quiet".as_ref());
        run(&self.tesseract, &args, dir, self.timeout)?;
        let text = std::fs::read_to_string(output.with_extension("txt")).map_err(|e| tool_io(&self.tesseract, &e))?;
        if text.trim().is_empty() {
            return Err(IntakeError::NoText);
        }
        Ok(text)
    }

    /// Checks that tesseract can be run.
    pub fn check(&self) -> Result<(), IntakeError> {
        let dir = tempdir()?;
        run(&self.tesseract, &["--version".as_ref()], dir.path(), self.timeout)
    }
}

fn tempdir() -> Result<tempfile::TempDir, IntakeError> {
    tempfile::tempdir().map_err(|e| IntakeError::ToolFailed {
        program: "intake".into(),
        message: format!("cannot make a temporary folder: {e}"),
    })
}

fn tool_io(program: &Path, error: &std::io::Error) -> IntakeError {
    IntakeError::ToolFailed { program: program_name(program), message: error.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_tesseract_says_how_to_install_it() {
        let ocr = Ocr { tesseract: PathBuf::from("/nonexistent/tesseract"), ..Ocr::default() };
        let error = ocr.image(b"\x89PNG\r\n\x1a\n").expect_err("no program");
        let message = error.to_string();
        assert!(matches!(error, IntakeError::ToolMissing { .. }), "{message}");
        assert!(message.contains("apt-get install tesseract-ocr tesseract-ocr-eng poppler-utils"), "{message}");
    }

    #[test]
    fn a_program_that_hangs_is_stopped() {
        let dir = tempdir().expect("temp dir");
        let error =
            run(Path::new("sleep"), &["5".as_ref()], dir.path(), Duration::from_millis(200)).expect_err("timed out");
        assert!(error.to_string().contains("ran longer than"), "{error}");
    }
}
