//! Collecting outcomes: what each call sent and got, and the comparison of decoded answers
//! with the raw ones.

use super::*;

/// A request: the one an operation is expected to send, or one the recorder saw.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// Path and query, with brackets unencoded (reqwest encodes what needs encoding).
    pub(crate) path: String,
    pub(crate) body: Option<Value>,
    /// Whether the operation takes the API key (only used to repeat the request).
    pub(crate) with_key: bool,
}

impl Request {
    pub(crate) fn new(method: &str, path: &str, body: Option<Value>) -> Self {
        Request {
            method: method.to_owned(),
            path: path.to_owned(),
            body,
            with_key: true,
        }
    }

    pub(crate) fn get(path: &str) -> Self {
        Request::new("GET", path, None)
    }

    pub(crate) fn post(path: &str, body: Value) -> Self {
        Request::new("POST", path, Some(body))
    }

    pub(crate) fn without_key(mut self) -> Self {
        self.with_key = false;
        self
    }

    /// Method, path and the decoded query pairs in order of name, for comparing requests
    /// regardless of parameter order and percent-encoding.
    pub(crate) fn target(&self) -> (String, String, Vec<(String, String)>) {
        let url = reqwest::Url::parse(&format!("http://127.0.0.1{}", self.path))
            .expect("request paths are valid");
        let mut query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        query.sort();
        (self.method.clone(), url.path().to_owned(), query)
    }

    /// What differs between `self`, as expected, and `actual`, as sent.
    pub(crate) fn differences(&self, actual: &Request) -> Vec<String> {
        let (method, path, query) = self.target();
        let (actual_method, actual_path, actual_query) = actual.target();
        let mut differences = Vec::new();
        if (&method, &path) != (&actual_method, &actual_path) {
            differences.push(format!(
                "sent {actual_method} {actual_path}, expected {method} {path}"
            ));
        }
        let missing: Vec<_> = query.iter().filter(|p| !actual_query.contains(p)).collect();
        let unexpected: Vec<_> = actual_query.iter().filter(|p| !query.contains(p)).collect();
        let show = |pairs: &[&(String, String)]| {
            pairs
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("&")
        };
        if !missing.is_empty() {
            differences.push(format!(
                "expected query parameters not sent: {}",
                show(&missing)
            ));
        }
        if !unexpected.is_empty() {
            differences.push(format!(
                "query parameters sent but not expected: {}",
                show(&unexpected)
            ));
        }
        let empty_body = |body: &Option<Value>| body.is_none() || body == &Some(Value::Null);
        if self.body != actual.body && !(empty_body(&self.body) && empty_body(&actual.body)) {
            let show = |body: &Option<Value>| match body {
                Some(body) => body.to_string(),
                None => "no body".to_owned(),
            };
            differences.push(format!(
                "sent body {}, expected {}",
                show(&actual.body),
                show(&self.body)
            ));
        }
        differences
    }
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (method, path, query) = self.target();
        write!(f, "{method} {path}")?;
        for (index, (name, value)) in query.iter().enumerate() {
            let separator = if index == 0 { '?' } else { '&' };
            write!(f, "{separator}{name}={value}")?;
        }
        if let Some(body) = &self.body {
            write!(f, " {body}")?;
        }
        Ok(())
    }
}

/// An operation that succeeded: what to compare Prism's raw answer with.
pub(crate) struct Success {
    pub(crate) operation: &'static str,
    pub(crate) request: Request,
    pub(crate) decoded: Value,
}

/// A failed check.
pub(crate) struct Failure {
    pub(crate) operation: String,
    /// The request, as sent if it was sent.
    pub(crate) request: String,
    pub(crate) detail: String,
}

impl Failure {
    /// `post /rooms`: how Prism's log names the request.
    pub(crate) fn log_name(&self) -> String {
        let mut words = self.request.split_whitespace();
        let method = words.next().unwrap_or_default().to_ascii_lowercase();
        let path = words.next().unwrap_or_default();
        let path = path.split('?').next().unwrap_or_default();
        format!("{method} {path}")
    }
}

pub(crate) struct Report {
    /// Where Prism itself listens (the client talks to the recorder in front of it).
    pub(crate) prism_url: String,
    pub(crate) recorder: Recorder,
    pub(crate) passed: usize,
    pub(crate) failures: Vec<Failure>,
    pub(crate) successes: Vec<Success>,
}

impl Report {
    pub(crate) fn new(prism_url: &str, recorder: Recorder) -> Self {
        Report {
            prism_url: prism_url.to_owned(),
            recorder,
            passed: 0,
            failures: Vec::new(),
            successes: Vec::new(),
        }
    }

    pub(crate) fn pass(&mut self, operation: &str, detail: &str) {
        eprintln!("  ok    {operation}: {detail}");
        self.passed += 1;
    }

    pub(crate) fn fail(&mut self, operation: &str, request: &str, detail: String) {
        eprintln!("  FAIL  {operation}: {detail}");
        self.failures.push(Failure {
            operation: operation.to_owned(),
            request: request.to_owned(),
            detail,
        });
    }

    /// Awaits one operation, which must send `expected` (method, path, query parameters and
    /// body), be answered with `status` and decode. Remembers the decoded value for the
    /// comparison with Prism's raw answer.
    pub(crate) async fn call<T, E>(
        &mut self,
        operation: &'static str,
        status: u16,
        expected: Request,
        send: impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    ) -> Option<T>
    where
        T: Serialize,
        E: Serialize,
    {
        let mark = self.recorder.count();
        let result = send.await.map_err(Error::from);
        let sent = self.recorder.since(mark);
        let shown = match sent.as_slice() {
            [actual] => actual.to_string(),
            _ => format!("{expected} (expected; {} requests were sent)", sent.len()),
        };
        let mut problems = Vec::new();
        match sent.as_slice() {
            [actual] => problems.extend(expected.differences(actual)),
            _ => problems.push(format!("sent {} requests, expected 1", sent.len())),
        }
        let value = match result {
            Ok(response) if response.status().as_u16() == status => Some(response.into_inner()),
            Ok(response) => {
                problems.push(format!("answered {}, expected {status}", response.status()));
                None
            }
            Err(error) => {
                let mut detail = format!("error: {error}");
                if let Error::InvalidResponse { body, source } = &error {
                    let _ = write!(
                        detail,
                        "\n    decode error: {source}\n    response body: {}",
                        String::from_utf8_lossy(body)
                    );
                }
                problems.push(detail);
                None
            }
        };
        if !problems.is_empty() {
            self.fail(operation, &shown, problems.join("\n    "));
            return None;
        }
        let value = value.expect("a success without problems has a value");
        self.pass(operation, &format!("{status}, {shown}"));
        self.successes.push(Success {
            operation,
            request: expected,
            decoded: serde_json::to_value(&value).unwrap_or(Value::Null),
        });
        Some(value)
    }

    /// Reads what Prism logged for the requests so far. The violations Prism names for a
    /// request are added to the failure of the call that sent it; a request flagged while the
    /// call succeeded is a failure of its own.
    pub(crate) fn check_prism_log(&mut self, prism: &mut Prism) {
        // Prism logs a request's violations around the time it answers; give it a moment.
        std::thread::sleep(Duration::from_millis(500));
        let mut flagged = Vec::new();
        let mut current: Option<(String, Vec<String>)> = None;
        for line in prism.drain_log() {
            if let Some(start) = line.find("[HTTP SERVER] ") {
                flagged.extend(current.take().filter(|(_, v)| !v.is_empty()));
                // `[HTTP SERVER] post /rooms ℹ  info      Request received`
                let name = line[start + "[HTTP SERVER] ".len()..]
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                current = Some((name, Vec::new()));
            } else if let Some((_, violations)) = current.as_mut()
                && let Some(at) = line.find("Violation: request")
            {
                violations.push(line[at + "Violation: ".len()..].trim().to_owned());
            }
        }
        flagged.extend(current.take().filter(|(_, v)| !v.is_empty()));
        let mut unexplained = Vec::new();
        for (name, violations) in flagged {
            let note = format!("Prism's validator: {}", violations.join("; "));
            let failure = self
                .failures
                .iter_mut()
                .find(|f| f.log_name() == name && !f.detail.contains("Prism's validator"));
            match failure {
                Some(failure) => {
                    eprintln!("        {}: {note}", failure.operation);
                    failure.detail.push_str("\n    ");
                    failure.detail.push_str(&note);
                }
                None => unexplained.push((name, note)),
            }
        }
        if unexplained.is_empty() {
            self.pass(
                "Prism log",
                "no request was flagged other than those reported above",
            );
        }
        for (name, note) in unexplained {
            self.fail(
                "Prism log",
                &name,
                format!("a successful call was flagged: {note}"),
            );
        }
    }

    pub(crate) fn finish(self) {
        eprintln!(
            "prism_conformance: {} passed, {} failed",
            self.passed,
            self.failures.len()
        );
        assert!(
            self.failures.is_empty(),
            "{} of {} conformance checks against Prism failed:\n\n{}\n",
            self.failures.len(),
            self.passed + self.failures.len(),
            self.failures
                .iter()
                .map(|f| format!(
                    "{}\n    request: {}\n    {}",
                    f.operation, f.request, f.detail
                ))
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}

/// Fetches Prism's answer for every successful call again, without the client, and checks that
/// the client's decoded value, serialized back to JSON, kept every field and value. Prism answers
/// with the document's example for the status, whatever the (valid) request.
pub(crate) async fn compare_with_raw_responses(report: &mut Report) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    let successes = std::mem::take(&mut report.successes);
    for success in &successes {
        let label = format!("{} (round trip)", success.operation);
        let shown = success.request.to_string();
        let raw = match fetch_raw(&http, &report.prism_url, &success.request).await {
            Ok(raw) => raw,
            Err(problem) => {
                report.fail(&label, &shown, problem);
                continue;
            }
        };
        let Some(raw) = raw else {
            // No body (204): nothing to compare.
            continue;
        };
        let mut differences = Vec::new();
        compare(&raw, &success.decoded, "", &mut differences);
        if differences.is_empty() {
            report.pass(&label, "decoding kept every field of Prism's answer");
        } else {
            report.fail(
                &label,
                &shown,
                format!(
                    "decoding changed Prism's answer:\n      {}\n    response body: {raw}",
                    differences.join("\n      ")
                ),
            );
        }
    }
}

/// The JSON body Prism answers `request` with (`None` when empty), if it answers with success.
pub(crate) async fn fetch_raw(
    http: &reqwest::Client,
    base_url: &str,
    request: &Request,
) -> Result<Option<Value>, String> {
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("HTTP method");
    let mut builder = http.request(method, format!("{base_url}{}", request.path));
    if request.with_key {
        builder = builder.bearer_auth(API_KEY);
    }
    if let Some(body) = &request.body {
        builder = builder.json(body);
    }
    let response = builder
        .send()
        .await
        .map_err(|e| format!("raw request failed: {e}"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| format!("raw response body unreadable: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "the same request sent without the client got {status}: {text}"
        ));
    }
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("Prism's answer is not JSON ({e}): {text}"))
}

/// Records where `decoded` (the client's value serialized back) lost or changed something
/// present in `raw` (Prism's answer). Absent values that serialize as nothing (`null`, empty
/// lists and maps) count as kept; numbers are compared with a small tolerance (some are
/// `f32`), timestamps as instants.
pub(crate) fn compare(raw: &Value, decoded: &Value, path: &str, differences: &mut Vec<String>) {
    let absent = |value: &Value| match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    };
    match (raw, decoded) {
        (Value::Object(raw_map), Value::Object(decoded_map)) => {
            for (key, raw_value) in raw_map {
                let here = format!("{path}/{key}");
                match decoded_map.get(key) {
                    Some(decoded_value) => compare(raw_value, decoded_value, &here, differences),
                    None if absent(raw_value) => {}
                    None => differences.push(format!("{here}: {raw_value} was dropped")),
                }
            }
        }
        (Value::Array(raw_items), Value::Array(decoded_items))
            if raw_items.len() == decoded_items.len() =>
        {
            for (index, (r, d)) in raw_items.iter().zip(decoded_items).enumerate() {
                compare(r, d, &format!("{path}/{index}"), differences);
            }
        }
        (Value::Number(r), Value::Number(d)) => {
            let (r, d) = (
                r.as_f64().unwrap_or(f64::NAN),
                d.as_f64().unwrap_or(f64::NAN),
            );
            if (r - d).abs() > 1e-6 * r.abs().max(1.0) {
                differences.push(format!("{path}: {r} became {d}"));
            }
        }
        (Value::String(r), Value::String(d)) => {
            let same_instant = || {
                let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
                matches!((parse(r), parse(d)), (Some(a), Some(b)) if a == b)
            };
            if r != d && !same_instant() {
                differences.push(format!("{path}: {r:?} became {d:?}"));
            }
        }
        (r, d) if r == d => {}
        (r, d) if absent(r) && absent(d) => {}
        (r, d) => differences.push(format!("{path}: {r} became {d}")),
    }
}
