//! Uploads a large file as a fax (`send_fax_upload`) to a local server that reads and counts
//! the body, to show that a file part is streamed from disk: the process's peak memory stays
//! far below the file's size. Measure it with
//!
//! ```sh
//! cargo build --example upload_large_file --features fax
//! /usr/bin/time -v target/debug/examples/upload_large_file 200
//! ```
//!
//! The argument is the file's size in MiB (default 200). The file is written to a temporary
//! directory and removed afterwards.

use std::time::Instant;

use telnyx_client::prelude::*;
use telnyx_client::upload::FilePart;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const MIB: usize = 1024 * 1024;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: usize = match std::env::args().nth(1) {
        Some(arg) => arg
            .parse()
            .map_err(|_| format!("the size must be a whole number of MiB, not {arg:?}"))?,
        None => 200,
    };
    let dir = std::env::temp_dir().join(format!("telnyx-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("large.pdf");
    let result = run(&path, mib).await;
    std::fs::remove_dir_all(&dir)?;
    result
}

async fn run(path: &std::path::Path, mib: usize) -> Result<(), Box<dyn std::error::Error>> {
    // Written a MiB at a time, so that writing it does not hold it in memory either.
    {
        let mut file = tokio::fs::File::create(path).await?;
        let chunk = vec![b'x'; MIB];
        for _ in 0..mib {
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
    }
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(count_one_request(listener));

    let client = Client::builder()
        .api_key("KEYexample")
        .base_url(base_url)
        .build()?;
    let started = Instant::now();
    let answer = client
        .send_fax_upload()
        .body_map(|b| {
            b.connection_id("1293384261075731499".to_owned())
                .from("+13125790015".to_owned())
                .to("+13127367276".to_owned())
        })
        .contents(FilePart::path(path).await?)
        .send()
        .await?;
    let received = server.await??;
    println!(
        "uploaded a {mib} MiB file: the server read {received} body bytes and answered {} \
         in {:.1} s",
        answer.status(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Reads one request, counting (and dropping) its body, and answers `202` with a fax.
async fn count_one_request(listener: TcpListener) -> std::io::Result<u64> {
    let (mut socket, _) = listener.accept().await?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: u64 = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| std::io::Error::other("the upload has no content-length"))?;
    let mut buffer = vec![0u8; 256 * 1024];
    let mut received = 0u64;
    while received < length {
        let read = socket.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        received += read as u64;
    }
    let body = r#"{"data":{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","status":"queued"}}"#;
    let answer = format!(
        "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(answer.as_bytes()).await?;
    socket.shutdown().await?;
    Ok(received)
}
