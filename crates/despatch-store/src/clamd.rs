//! A minimal client for ClamAV's clamd over TCP, speaking its INSTREAM command: `zINSTREAM\0`,
//! then the file as chunks each preceded by its length (4 bytes, big-endian), then a zero length;
//! clamd answers `stream: OK`, `stream: NAME FOUND` or `… ERROR`, ending with a NUL.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bytes sent per INSTREAM chunk (clamd's default StreamMaxLength is 25 MiB in total).
const CHUNK: usize = 64 * 1024;
/// Longest answer read from clamd.
const MAX_REPLY: u64 = 4096;

/// Scans `bytes` with the clamd at `address` (`host:port`) within `timeout`. Returns `None` when
/// clean and the signature name when malware is found.
///
/// # Errors
/// A message when clamd cannot be reached, times out or answers with an error.
pub(crate) async fn scan(address: &str, bytes: &[u8], timeout: Duration) -> Result<Option<String>, String> {
    match tokio::time::timeout(timeout, exchange(address, bytes)).await {
        Ok(Ok(reply)) => interpret(&reply),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    }
}

async fn exchange(address: &str, bytes: &[u8]) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address).await?;
    stream.write_all(b"zINSTREAM\0").await?;
    for chunk in bytes.chunks(CHUNK) {
        let length = u32::try_from(chunk.len()).map_err(std::io::Error::other)?;
        stream.write_all(&length.to_be_bytes()).await?;
        stream.write_all(chunk).await?;
    }
    stream.write_all(&0u32.to_be_bytes()).await?;
    stream.flush().await?;
    let mut reply = Vec::new();
    stream.take(MAX_REPLY).read_to_end(&mut reply).await?;
    Ok(String::from_utf8_lossy(&reply).trim_end_matches(['\0', '\n']).trim().to_string())
}

/// `stream: OK` → clean; `stream: Eicar-Signature FOUND` → that signature; anything else is an error.
fn interpret(reply: &str) -> Result<Option<String>, String> {
    let verdict = reply.strip_prefix("stream:").map(str::trim).unwrap_or(reply);
    if verdict == "OK" {
        return Ok(None);
    }
    if let Some(signature) = verdict.strip_suffix(" FOUND") {
        return Ok(Some(signature.trim().to_string()));
    }
    if reply.is_empty() {
        return Err("clamd closed the connection without an answer".to_string());
    }
    Err(format!("clamd answered {reply:?}"))
}

#[cfg(test)]
mod tests {
    use super::interpret;

    #[test]
    fn clamd_answers_are_read_as_clean_found_or_error() {
        assert_eq!(interpret("stream: OK"), Ok(None));
        assert_eq!(interpret("stream: Eicar-Signature FOUND"), Ok(Some("Eicar-Signature".to_string())));
        assert!(interpret("INSTREAM size limit exceeded. ERROR").is_err());
        assert!(interpret("").is_err());
    }
}
