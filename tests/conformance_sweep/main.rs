//! Every generated operation against Telnyx's published contract.
//!
//! The calls come from the code generator (`telnyx_sweep.rs`, written by `build.rs` beside the
//! client; see `telnyx-codegen`'s `sweep` module): for each operation of the enabled families,
//! a function that fills its builder and sends it, and decoders for its success, error and body
//! types. This test supplies the values and the server:
//!
//! 1. **Examples** (`upstream_examples_decode`): every JSON request and response example in
//!    the upstream document (`TELNYX_UPSTREAM_SPEC`; the sync strips examples from our copy)
//!    decodes into the generated type of its operation and status.
//! 2. **Sweep** (`every_operation_against_prism`): Prism serves the upstream document with
//!    `--errors`. Each operation is sent once with every required parameter and body field
//!    (values made from the vendored schemas by `values.rs`), and once more with every optional
//!    body field set when its body has any. A call is verified when Prism accepts the request
//!    and the client decodes the answer. Prism answers `500` when upstream's own example breaks
//!    upstream's schema: that example is then decoded directly. Each operation is also sent
//!    once with `Prefer: dynamic=true`, and Prism's answer generated from the schema (with a
//!    fixed seed) must decode too, so that optional and nullable fields are exercised. Paths that upstream writes
//!    with a second `/v2` prefix (the sync strips it) are sent through a client whose base URL
//!    ends in `/v2`.
//!
//! Both print a table per family. Failures are compared with `known_failures.txt`: a failure
//! not listed there fails the test, and so does a listed one that no longer fails (remove it).
//! Run it for one family while working on it:
//! `cargo test -p telnyx-client --no-default-features --features messaging,serde-all
//! --test conformance_sweep` (with `TELNYX_UPSTREAM_SPEC` set). CI runs it with `full`.
//!
//! Without `TELNYX_UPSTREAM_SPEC`, Node.js or Prism the tests say why and pass, except when `CI`
//! is set: there they fail, because CI must run them.

mod calls;
mod examples;
#[path = "../support/outside_input.rs"]
mod outside_input;
#[path = "../support/prism.rs"]
mod prism;
mod report;
mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::Value;
use telnyx_client::Client;

use crate::calls::{Input, Outcome, first_line};
use crate::examples::{check_example, examples, upstream_operations};
use crate::report::{Failure, Kind, Report};
use crate::values::{Document, Fill};

/// Checks that bytes decode into one generated type.
pub type Decoder = fn(&[u8]) -> Result<(), String>;

/// The future one sweep call returns.
pub type Call<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// One generated operation, as the generator describes it.
pub struct Sweep {
    /// The `operationId`.
    pub id: &'static str,
    /// Fills the operation's builder from an [`Input`] and sends it.
    pub call: for<'a> fn(&'a Client, &'a Input) -> Call<'a>,
    /// Decodes a success body (none: the operation answers no JSON).
    pub success: Option<Decoder>,
    /// Decodes an error body (none: the operation documents no error body).
    pub error: Option<Decoder>,
    /// Decodes a request body (none: the operation takes no JSON body).
    pub body: Option<Decoder>,
    /// Whether this is the upload form (`multipart/form-data`) of an operation whose first
    /// entry is its JSON form.
    pub upload: bool,
}

/// Decodes `bytes` into `T`, naming the JSON path where it fails.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<(), String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, T>(&mut deserializer)
        .map(drop)
        .map_err(|error| format!("at `{}`: {}", error.path(), error.inner()))
}

/// Sets a parameter when the input has a value for it.
macro_rules! param {
    ($request:ident, $input:ident, $setter:ident, $ty:ty, $name:literal) => {
        match $input.param::<$ty>($name) {
            Ok(Some(value)) => $request.$setter(value),
            Ok(None) => $request,
            Err(error) => return Outcome::Unbuildable(error),
        }
    };
}

/// Sets the body when the input has one.
macro_rules! body {
    ($request:ident, $input:ident, $ty:ty) => {
        match $input.body::<$ty>() {
            Ok(Some(value)) => $request.body(value),
            Ok(None) => $request,
            Err(error) => return Outcome::Unbuildable(error),
        }
    };
}

#[allow(clippy::all, unused_imports, unused_variables, unused_mut)]
mod generated {
    use super::{Call, Input, Outcome, Sweep, decode};
    use telnyx_client::{Client, types};
    include!(concat!(env!("OUT_DIR"), "/telnyx_sweep.rs"));
}

/// The document the client was generated from.
fn vendored_spec() -> PathBuf {
    match option_env!("TELNYX_CLIENT_SPEC") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/telnyx.json"),
    }
}

/// The upstream document as JSON.
fn read_upstream(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// The family of each generated operation.
fn families() -> BTreeMap<&'static str, &'static str> {
    telnyx_client::operations::ALL
        .iter()
        .map(|op| (op.operation_id, op.family))
        .collect()
}

#[test]
fn upstream_examples_decode() {
    let Some(upstream_path) = outside_input::upstream_spec() else {
        return;
    };
    let started = Instant::now();
    let upstream = read_upstream(&upstream_path);
    let operations = upstream_operations(&upstream);
    let families = families();
    let mut report = Report::new("examples", &["examples", "decoded", "without type"]);
    // An upload form's examples are its operation's (checked with the JSON form).
    for entry in generated::SWEEP.iter().filter(|entry| !entry.upload) {
        let family = families.get(entry.id).copied().unwrap_or("unsorted");
        report.operation(entry.id, family);
        let Some((_, operation)) = operations.get(entry.id) else {
            continue;
        };
        for (status, example) in examples(&upstream, operation) {
            report.count(family, "examples");
            match check_example(entry, &status, example) {
                None => report.count(family, "without type"),
                Some(Ok(())) => report.count(family, "decoded"),
                Some(Err(error)) => report.fail(Failure {
                    id: entry.id.to_owned(),
                    family: family.to_owned(),
                    kind: Kind::Example,
                    detail: format!("{status} example: {error}"),
                }),
            }
        }
    }
    report.finish(started.elapsed());
}

#[test]
fn every_operation_against_prism() {
    let Some(upstream_path) = outside_input::upstream_spec() else {
        return;
    };
    let Some(bin) = prism::prism_binary() else {
        return;
    };
    let started = Instant::now();
    let document = Document::read(&vendored_spec()).unwrap_or_else(|e| panic!("{e}"));
    let upstream = read_upstream(&upstream_path);
    let upstream_ops = upstream_operations(&upstream);
    let v2_prefixed = v2_prefixed_paths(&upstream);
    let families = families();

    let prism = prism::Prism::start(&bin, &upstream_path).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "conformance_sweep: Prism listening on {} after {:.1} s",
        prism.base_url,
        started.elapsed().as_secs_f64()
    );
    let client = |base: String, dynamic: bool| {
        // `Prefer: dynamic=true` asks Prism for an answer generated from the schema (with the
        // fixed seed it was started with) instead of upstream's example, so that optional and
        // nullable fields the examples leave out are decoded too.
        let mut headers = reqwest::header::HeaderMap::new();
        if dynamic {
            headers.insert(
                "prefer",
                reqwest::header::HeaderValue::from_static("dynamic=true"),
            );
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("HTTP client");
        Client::builder()
            .api_key("KEYprism0123456789")
            .base_url(base)
            .max_retries(0)
            .http_client(http)
            .build()
            .expect("valid client settings")
    };
    let plain = client(prism.base_url.clone(), false);
    let prefixed = client(format!("{}/v2", prism.base_url), false);
    let plain_dynamic = client(prism.base_url.clone(), true);
    let prefixed_dynamic = client(format!("{}/v2", prism.base_url), true);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let mut report = Report::new(
        "sweep",
        &[
            "calls",
            "accepted",
            "decoded",
            "broken example",
            "dynamic decoded",
            "dynamic not served",
            "Prism cannot check",
        ],
    );
    let mut routed = BTreeSet::new();
    let mut prism_limits = BTreeSet::new();
    let mut broken = BTreeSet::new();
    let mut unserved: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for entry in generated::SWEEP {
        let family = families.get(entry.id).copied().unwrap_or("unsorted");
        // An upload form is one more call of its operation, not another operation.
        if !entry.upload {
            report.operation(entry.id, family);
        }
        let form = if entry.upload { " (upload)" } else { "" };
        let Some((path, _, _)) = document.operation(entry.id) else {
            continue;
        };
        let (client, dynamic) = if v2_prefixed.contains(&template_shape(path)) {
            routed.insert(path.to_owned());
            (&prefixed, &prefixed_dynamic)
        } else {
            (&plain, &plain_dynamic)
        };
        let mut fills = vec![Fill::Required];
        if document.body_has_optional_fields(entry.id, entry.upload) {
            fills.push(Fill::All);
        }
        let mut problems = Vec::new();
        for fill in fills {
            let Some(inputs) = document.inputs(entry.id, fill, entry.upload) else {
                continue;
            };
            let input = Input { inputs };
            report.count(family, "calls");
            let outcome = runtime.block_on((entry.call)(client, &input));
            let label = match fill {
                Fill::Required => format!("required fields{form}"),
                Fill::All => format!("every field{form}"),
            };
            match outcome {
                Outcome::Decoded => {
                    report.count(family, "accepted");
                    report.count(family, "decoded");
                }
                Outcome::BrokenExample(detail) => {
                    report.count(family, "accepted");
                    report.count(family, "broken example");
                    broken.insert(format!("{} ({label}): {}", entry.id, first_line(&detail)));
                    // Prism would not serve it: decode upstream's example directly.
                    let examples = upstream_ops
                        .get(entry.id)
                        .map(|(_, op)| examples(&upstream, op))
                        .unwrap_or_default();
                    for (status, example) in examples.iter().filter(|(s, _)| s.starts_with('2')) {
                        if let Some(Err(error)) = check_example(entry, status, example) {
                            problems.push(format!(
                                "{label}: Prism answered 500 ({detail}); its {status} example \
                                 does not decode: {error}"
                            ));
                        }
                    }
                }
                Outcome::DecodeFailed(detail) => {
                    report.count(family, "accepted");
                    problems.push(format!("{label}: answer does not decode: {detail}"));
                }
                Outcome::Refused { status, detail } => {
                    problems.push(format!(
                        "{label}: Prism refused the request ({status}): {detail}"
                    ));
                }
                Outcome::Unbuildable(detail) => {
                    problems.push(format!("{label}: request not built: {detail}"));
                }
                Outcome::UnreadableQuery(names) => {
                    // Not the client's fault when it did send them all.
                    if names
                        .iter()
                        .all(|name| input.inputs.params.contains_key(name))
                    {
                        report.count(family, "Prism cannot check");
                        prism_limits.insert(format!("{} ({})", entry.id, names.join(", ")));
                    } else {
                        problems.push(format!(
                            "{label}: required query parameters not sent: {}",
                            names.join(", ")
                        ));
                    }
                }
                Outcome::Undocumented(status) => {
                    report.count(family, "accepted");
                    problems.push(format!("{label}: undocumented status {status}"));
                }
                Outcome::Transport(detail) => {
                    problems.push(format!("{label}: no answer: {detail}"));
                }
            }
        }
        // The answer generated from the schema, for the request with required fields.
        if let Some(inputs) = document.inputs(entry.id, Fill::Required, entry.upload) {
            let input = Input { inputs };
            match runtime.block_on((entry.call)(dynamic, &input)) {
                Outcome::Decoded => report.count(family, "dynamic decoded"),
                Outcome::DecodeFailed(detail) => {
                    problems.push(format!(
                        "answer generated from the schema does not decode: {detail}"
                    ));
                }
                // Refusals were reported above; Prism may not generate some answers.
                other => {
                    report.count(family, "dynamic not served");
                    unserved.entry(other.summary()).or_default().push(entry.id);
                }
            }
        }
        if !problems.is_empty() {
            report.fail(Failure {
                id: entry.id.to_owned(),
                family: family.to_owned(),
                kind: Kind::Sweep,
                detail: problems.join("\n      "),
            });
        }
    }
    eprintln!(
        "conformance_sweep: {} paths that upstream writes under a second `/v2` were routed \
         through `/v2`:",
        routed.len()
    );
    for path in &routed {
        eprintln!("    {path}");
    }
    eprintln!(
        "conformance_sweep: {} operations sent required query parameters with brackets in their \
         names, which Prism cannot read (it answers that they are missing):",
        prism_limits.len()
    );
    for limit in &prism_limits {
        eprintln!("    {limit}");
    }
    eprintln!(
        "conformance_sweep: {} calls where Prism answered 500 because upstream's example breaks \
         upstream's schema (the example was decoded directly):",
        broken.len()
    );
    for line in &broken {
        eprintln!("    {line}");
    }
    eprintln!("conformance_sweep: answers Prism did not generate from the schema, by reason:");
    for (reason, ids) in &unserved {
        eprintln!("    {reason} ({}): {}", ids.len(), ids.join(", "));
    }
    drop(prism);
    report.finish(started.elapsed());
}

/// Upstream paths written with a second `/v2` prefix, without it, in [`template_shape`].
fn v2_prefixed_paths(upstream: &Value) -> BTreeSet<String> {
    upstream
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.keys())
        .filter_map(|path| path.strip_prefix("/v2/"))
        .map(|rest| template_shape(&format!("/{rest}")))
        .collect()
}

/// A path template with every parameter name blanked (`/rooms/{}`), so that a template whose
/// parameter the sync renamed still matches.
fn template_shape(path: &str) -> String {
    let mut shape = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                shape.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => shape.push(c),
        }
    }
    shape
}
