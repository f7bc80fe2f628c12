//! The recording relay in front of Prism.

use super::*;

/// A minimal HTTP/1.1 relay in front of Prism that records every request (method, target and
/// body) before passing it on: Prism does not complain about query parameters it does not know,
/// so a parameter sent under the wrong name would otherwise go unnoticed. Each request is sent
/// to Prism with `connection: close`, so every connection carries exactly one exchange.
pub(crate) struct Recorder {
    pub(crate) base_url: String,
    pub(crate) requests: Arc<Mutex<Vec<Request>>>,
}

impl Recorder {
    /// Starts relaying to `upstream` (`http://127.0.0.1:PORT`). The listener thread lives as
    /// long as the test process.
    pub(crate) fn start(upstream: &str) -> Recorder {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("Prism's URL is plain http")
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the recorder");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for connection in listener.incoming().flatten() {
                let (log, upstream) = (Arc::clone(&log), upstream.clone());
                std::thread::spawn(move || {
                    if let Err(error) = relay(connection, &upstream, &log) {
                        eprintln!("prism_conformance: recorder: {error}");
                    }
                });
            }
        });
        Recorder { base_url, requests }
    }

    pub(crate) fn count(&self) -> usize {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// The requests recorded after the first `mark`.
    pub(crate) fn since(&self, mark: usize) -> Vec<Request> {
        let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        requests[mark.min(requests.len())..].to_vec()
    }
}

/// Relays the one request on `client` to `upstream` and the answer back, recording the request.
pub(crate) fn relay(
    mut client: TcpStream,
    upstream: &str,
    log: &Mutex<Vec<Request>>,
) -> std::io::Result<()> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let read = client.read(&mut chunk)?;
        if read == 0 {
            return Ok(()); // Closed without a request.
        }
        data.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut forwarded = format!("{request_line}\r\n");
    let mut content_length = 0;
    for line in lines.filter(|line| !line.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length = line[name.len() + 1..].trim().parse().unwrap_or(0);
        }
        if name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive") {
            continue;
        }
        forwarded.push_str(line);
        forwarded.push_str("\r\n");
    }
    forwarded.push_str("connection: close\r\n\r\n");
    while data.len() < head_end + content_length {
        let read = client.read(&mut chunk)?;
        if read == 0 {
            break;
        }
        data.extend_from_slice(&chunk[..read]);
    }
    let body = &data[head_end..];

    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let json = if body.is_empty() {
        None
    } else {
        Some(serde_json::from_slice(body).unwrap_or_else(|_| {
            Value::String(format!("(not JSON) {}", String::from_utf8_lossy(body)))
        }))
    };
    log.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Request::new(method, target, json));

    let mut server = TcpStream::connect(upstream)?;
    server.write_all(forwarded.as_bytes())?;
    server.write_all(body)?;
    std::io::copy(&mut server, &mut client)?;
    Ok(())
}
