//! One sweep call's plumbing: the values it sends ([`Input`], used by the generated call
//! functions) and what came back ([`Outcome`]), read from progenitor's result and Prism's
//! answer (its `sl-violations` header and problem documents).

use serde::de::DeserializeOwned;
use serde_json::Value;
use telnyx_client::{ByteStream, ResponseValue};

use crate::decode;
use crate::values::Inputs;

/// What the client sent and got for one call.
#[derive(Debug)]
pub enum Outcome {
    /// Accepted, and the answer decoded (or had no body to decode).
    Decoded,
    /// A value made for the request does not fit the builder's Rust type.
    Unbuildable(String),
    /// Prism refused the request.
    Refused { status: u16, detail: String },
    /// Prism could not serve upstream's example (it breaks upstream's schema).
    BrokenExample(String),
    /// The answer did not decode.
    DecodeFailed(String),
    /// Prism asked for required query parameters it cannot read: their names have brackets
    /// (`page[number]`), and Prism 5 looks for them under another name whether the request
    /// sends them encoded or not. Holds the names it asked for.
    UnreadableQuery(Vec<String>),
    /// A success status the operation does not document.
    Undocumented(u16),
    /// No answer.
    Transport(String),
}

impl Outcome {
    /// A short reason, the same for calls that failed the same way.
    pub(crate) fn summary(&self) -> String {
        match self {
            Outcome::Decoded => "decoded".to_owned(),
            Outcome::Unbuildable(_) => "request not built".to_owned(),
            Outcome::Refused { status, detail } => {
                format!("refused ({status}): {}", first_line(detail))
            }
            Outcome::BrokenExample(detail) => format!("Prism answered 500: {}", first_line(detail)),
            Outcome::DecodeFailed(_) => "answer does not decode".to_owned(),
            Outcome::UnreadableQuery(_) => "Prism cannot read bracketed query names".to_owned(),
            Outcome::Undocumented(status) => format!("undocumented status {status}"),
            Outcome::Transport(detail) => format!("no answer: {}", first_line(detail)),
        }
    }
}

/// The start of a detail, enough to group calls that failed the same way.
pub(crate) fn first_line(detail: &str) -> String {
    let line = detail.lines().next().unwrap_or_default();
    let mut out: String = line.chars().take(160).collect();
    if line.chars().count() > 160 {
        out.push('…');
    }
    out
}

/// The values one call sends.
pub struct Input {
    pub(crate) inputs: Inputs,
}

/// Longest Prism answer kept in a report.
const DETAIL_CHARS: usize = 600;

impl Input {
    /// The value of the parameter `name`, when the call sets it.
    pub fn param<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, String> {
        match self.inputs.params.get(name) {
            Some(value) => serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|e| format!("parameter `{name}` = {value}: {e}")),
            None => Ok(None),
        }
    }

    /// The body, when the call sends one.
    pub fn body<T: DeserializeOwned>(&self) -> Result<Option<T>, String> {
        match &self.inputs.body {
            Some(value) => decode::<T>(value.to_string().as_bytes())
                .and_then(|()| serde_json::from_value(value.clone()).map_err(|e| e.to_string()))
                .map(Some)
                .map_err(|e| format!("body {}: {e}", excerpt(&value.to_string()))),
            None => Ok(None),
        }
    }

    /// The file given to an upload's file part (its setter is `setter`): a few bytes of PDF,
    /// named after the part. (The upload runtime exists when an enabled family has uploads.)
    #[cfg(telnyx_uploads)]
    pub fn file(&self, setter: &str) -> telnyx_client::upload::FilePart {
        telnyx_client::upload::FilePart::bytes(
            format!("{setter}.pdf"),
            &b"%PDF-1.4\n% conformance sweep\n"[..],
        )
    }

    /// The body of an operation that takes raw bytes.
    pub fn raw_body(&self) -> Vec<u8> {
        match &self.inputs.body {
            Some(Value::String(text)) => text.clone().into_bytes(),
            Some(other) => other.to_string().into_bytes(),
            None => b"conformance sweep".to_vec(),
        }
    }

    /// A call whose answer is JSON.
    pub async fn json<T: DeserializeOwned, E>(
        &self,
        result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Outcome {
        match result {
            Ok(_) => Outcome::Decoded,
            Err(progenitor_client::Error::InvalidResponsePayload(bytes, error)) => {
                Outcome::DecodeFailed(match decode::<T>(&bytes) {
                    Err(located) => format!("{located}; answer: {}", excerpt_bytes(&bytes)),
                    Ok(()) => format!("{error}; answer: {}", excerpt_bytes(&bytes)),
                })
            }
            Err(error) => failed(error).await,
        }
    }

    /// A call whose answer has no body.
    pub async fn empty<E>(
        &self,
        result: Result<ResponseValue<()>, progenitor_client::Error<E>>,
    ) -> Outcome {
        match result {
            Ok(_) => Outcome::Decoded,
            Err(error) => failed(error).await,
        }
    }

    /// A call whose answer is read as bytes.
    pub async fn bytes<E>(
        &self,
        result: Result<ResponseValue<ByteStream>, progenitor_client::Error<E>>,
    ) -> Outcome {
        match result {
            Ok(_) => Outcome::Decoded,
            Err(error) => failed(error).await,
        }
    }
}

/// The outcome of a call that returned an error.
async fn failed<E>(error: progenitor_client::Error<E>) -> Outcome {
    use progenitor_client::Error;
    let (status, headers, body) = match error {
        Error::ErrorResponse(value) => (value.status(), value.headers().clone(), String::new()),
        Error::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.text().await.unwrap_or_default();
            (status, headers, body)
        }
        Error::InvalidRequest(message) => return Outcome::Unbuildable(message),
        Error::InvalidResponsePayload(bytes, error) => {
            return Outcome::DecodeFailed(format!("{error}; answer: {}", excerpt_bytes(&bytes)));
        }
        Error::Custom(message) => return Outcome::Transport(message),
        Error::CommunicationError(error)
        | Error::InvalidUpgrade(error)
        | Error::ResponseBodyError(error) => return Outcome::Transport(error.to_string()),
    };
    let violations = headers
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let detail = if violations.is_empty() {
        // Prism's own errors are problem documents: their title and detail say what failed.
        match serde_json::from_str::<Value>(&body) {
            Ok(problem) if problem.get("title").is_some() => excerpt(&format!(
                "{}: {}",
                problem["title"].as_str().unwrap_or_default(),
                problem["detail"].as_str().unwrap_or_default()
            )),
            _ => excerpt(&body),
        }
    } else {
        excerpt(&violations)
    };
    if let Some(names) = unreadable_query(&violations) {
        return Outcome::UnreadableQuery(names);
    }
    match status.as_u16() {
        500 => Outcome::BrokenExample(detail),
        s if status.is_success() => Outcome::Undocumented(s),
        s => Outcome::Refused { status: s, detail },
    }
}

/// The parameter names, when every violation Prism reports is a required query parameter with
/// brackets in its name (Prism reports it percent-encoded: `page%5bnumber%5d`).
fn unreadable_query(violations: &str) -> Option<Vec<String>> {
    let violations: Vec<Value> = serde_json::from_str(violations).ok()?;
    let names: Option<Vec<String>> = violations
        .iter()
        .map(|violation| {
            let message = violation.get("message")?.as_str()?;
            let name = message
                .strip_prefix("Request query must have required property '")?
                .strip_suffix('\'')?;
            let decoded = name.replace("%5b", "[").replace("%5d", "]");
            (violation.get("code")?.as_str()? == "required" && decoded != name).then_some(decoded)
        })
        .collect();
    names.filter(|names| !names.is_empty())
}

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(DETAIL_CHARS).collect();
    if text.chars().count() > DETAIL_CHARS {
        out.push('…');
    }
    out
}

fn excerpt_bytes(bytes: &[u8]) -> String {
    excerpt(&String::from_utf8_lossy(bytes))
}
