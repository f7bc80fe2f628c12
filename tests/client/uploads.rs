//! File uploads (`multipart/form-data`) against a local server that records each request's
//! bytes: the body is checked byte for byte (parts, names, file names, content types), files
//! given as paths are streamed with a known length, retries build the body again, and a
//! stream part is sent once. `SendFax` (family `fax`) is the example: it has a JSON form and an
//! upload form.

use crate::support;

use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::json;
use telnyx_client::prelude::*;
use telnyx_client::upload::{FileError, FilePart};
use telnyx_client::{Error, IdempotencyKey, types};

const KEY: &str = "KEYuploads0123456789";
const FAX_ID: &str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    content_type: String,
    content_length: Option<String>,
    authorization: Option<String>,
    body: Vec<u8>,
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Seen>>>);

impl Recorder {
    fn seen(&self) -> Vec<Seen> {
        self.0.lock().expect("recorder").clone()
    }

    /// Records each request and answers `statuses` in turn (repeating the last).
    fn answer(
        &self,
        statuses: Vec<u16>,
    ) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
        let seen = self.0.clone();
        move |request| {
            let header = |name: &str| {
                request
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let mut seen = seen.lock().expect("recorder");
            seen.push(Seen {
                content_type: header("content-type").unwrap_or_default(),
                content_length: header("content-length"),
                authorization: header("authorization"),
                body: request.body().to_vec(),
            });
            let status = statuses[(seen.len() - 1).min(statuses.len() - 1)];
            let body = if status < 300 {
                json!({"data": {"id": FAX_ID, "status": "queued"}})
            } else {
                json!({"errors": [{"code": "10011", "title": "Too many requests"}]})
            };
            HttpMockResponse::builder()
                .status(status)
                .header("content-type", "application/json")
                .header("retry-after", "0")
                .body(body.to_string())
                .build()
        }
    }
}

fn client(server: &MockServer, retries: u32) -> Client {
    support::client(
        server,
        Some(KEY),
        support::fast_retries().max_retries(retries),
    )
}

async fn fax_server(statuses: Vec<u16>) -> (MockServer, Recorder) {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    server
        .mock_async(|when, then| {
            when.method(POST).path("/faxes");
            then.respond_with(recorder.answer(statuses));
        })
        .await;
    (server, recorder)
}

/// The boundary of a `multipart/form-data; boundary=…` content type.
fn boundary(content_type: &str) -> String {
    let (media, boundary) = content_type
        .split_once("; boundary=")
        .expect("a multipart content type with a boundary");
    assert_eq!(media, "multipart/form-data");
    boundary.to_owned()
}

/// The body a multipart encoder must write for `text` and `files` with `boundary`.
fn expected_body(
    boundary: &str,
    text: &[(&str, &str)],
    files: &[(&str, &str, &str, &[u8])],
) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in text {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, content_type, content) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

fn fax_fields(b: types::builder::SendFaxUploadForm) -> types::builder::SendFaxUploadForm {
    b.connection_id("1293384261075731499".to_owned())
        .from("+13125790015".to_owned())
        .to("+13127367276".to_owned())
        .monochrome(Some(types::Monochrome::from(true)))
}

/// A small PDF-like content with every byte value, so that nothing is re-encoded on the way.
fn content() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend(0u8..=255);
    bytes
}

#[tokio::test]
async fn bytes_upload_is_sent_byte_for_byte_with_the_key() {
    let (server, recorder) = fax_server(vec![202]).await;
    let fax = client(&server, 2)
        .send_fax_upload()
        .body_map(fax_fields)
        .contents(FilePart::bytes("contract.pdf", content()))
        .send()
        .await
        .expect("uploaded");
    assert_eq!(fax.status(), 202);
    let data = fax.into_inner().data.expect("data");
    assert_eq!(data.id.map(|id| id.to_string()).as_deref(), Some(FAX_ID));

    let seen = recorder.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(
        request.authorization.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
    let boundary = boundary(&request.content_type);
    // Text parts in the order the form's type serializes them; the content type of a `.pdf`
    // comes from its name.
    let expected = expected_body(
        &boundary,
        &[
            ("connection_id", "1293384261075731499"),
            ("from", "+13125790015"),
            ("monochrome", "true"),
            ("to", "+13127367276"),
        ],
        &[("contents", "contract.pdf", "application/pdf", &content())],
    );
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(request.body, expected);
    assert_eq!(
        request.content_length.as_deref(),
        Some(expected.len().to_string().as_str())
    );
}

#[tokio::test]
async fn a_path_is_streamed_with_its_length_and_named_content_type() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scan.bin");
    std::fs::write(&path, content()).expect("write");
    let (server, recorder) = fax_server(vec![202]).await;
    let part = FilePart::path(&path)
        .await
        .expect("a readable file")
        .file_name("scan.tiff")
        .content_type("image/tiff");
    assert_eq!(part.len(), Some(content().len() as u64));
    client(&server, 2)
        .send_fax_upload()
        .body_map(fax_fields)
        .contents(part)
        .send()
        .await
        .expect("uploaded");
    let seen = recorder.seen();
    let request = &seen[0];
    let expected = expected_body(
        &boundary(&request.content_type),
        &[
            ("connection_id", "1293384261075731499"),
            ("from", "+13125790015"),
            ("monochrome", "true"),
            ("to", "+13127367276"),
        ],
        &[("contents", "scan.tiff", "image/tiff", &content())],
    );
    assert_eq!(request.body, expected);
    // Known in advance from the file's size, not sent chunked.
    assert_eq!(
        request.content_length.as_deref(),
        Some(expected.len().to_string().as_str())
    );
}

#[tokio::test]
async fn a_path_upload_is_retried_with_the_body_built_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("contract.pdf");
    std::fs::write(&path, content()).expect("write");
    let (server, recorder) = fax_server(vec![429, 202]).await;
    client(&server, 2)
        .send_fax_upload()
        .body_map(fax_fields)
        .contents(FilePart::path(&path).await.expect("file"))
        .send()
        .await
        .expect("sent again after 429");
    let seen = recorder.seen();
    assert_eq!(seen.len(), 2, "one retry");
    for request in &seen {
        let expected = expected_body(
            &boundary(&request.content_type),
            &[
                ("connection_id", "1293384261075731499"),
                ("from", "+13125790015"),
                ("monochrome", "true"),
                ("to", "+13127367276"),
            ],
            &[("contents", "contract.pdf", "application/pdf", &content())],
        );
        assert_eq!(
            request.body, expected,
            "each attempt carries the whole file"
        );
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[tokio::test]
async fn a_stream_upload_is_sent_once() {
    let (server, recorder) = fax_server(vec![429, 202]).await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(b"%PDF-".to_vec()), Ok(b"1.4\n".to_vec())];
    let error = IdempotencyKey::new("fax-1")
        .expect("key")
        .scope(
            client(&server, 2)
                .send_fax_upload()
                .body_map(fax_fields)
                .contents(FilePart::stream("live.pdf", futures::stream::iter(chunks)))
                .send(),
        )
        .await
        .map_err(Error::from)
        .expect_err("the 429 is final: a stream cannot be sent twice");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    let seen = recorder.seen();
    assert_eq!(seen.len(), 1);
    // Its length is unknown in advance: sent chunked.
    assert_eq!(seen[0].content_length, None);
    let expected = expected_body(
        &boundary(&seen[0].content_type),
        &[
            ("connection_id", "1293384261075731499"),
            ("from", "+13125790015"),
            ("monochrome", "true"),
            ("to", "+13127367276"),
        ],
        &[("contents", "live.pdf", "application/pdf", b"%PDF-1.4\n")],
    );
    assert_eq!(seen[0].body, expected);
}

#[tokio::test]
async fn a_cloned_builder_cannot_send_a_stream_twice() {
    let (server, recorder) = fax_server(vec![202]).await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(b"abc".to_vec())];
    let client = client(&server, 0);
    let builder = client
        .send_fax_upload()
        .body_map(fax_fields)
        .contents(FilePart::stream("a.txt", futures::stream::iter(chunks)));
    builder.clone().send().await.expect("first send");
    let error = Error::from(builder.send().await.expect_err("second send"));
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("was sent already"), "{error}");
    assert_eq!(recorder.seen().len(), 1);
}

#[tokio::test]
async fn missing_required_file_and_bad_content_type_are_refused_before_sending() {
    let (server, recorder) = fax_server(vec![202]).await;
    let client = client(&server, 0);
    let error = Error::from(
        client
            .send_fax_upload()
            .body_map(fax_fields)
            .send()
            .await
            .expect_err("no file"),
    );
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("file part `contents` is required"),
        "{error}"
    );
    let error = Error::from(
        client
            .send_fax_upload()
            .body_map(fax_fields)
            .contents(FilePart::bytes("a.pdf", "x").content_type("pdf"))
            .send()
            .await
            .expect_err("bad content type"),
    );
    assert!(error.to_string().contains("`pdf`"), "{error}");
    assert!(error.to_string().contains("type/subtype"), "{error}");
    assert!(recorder.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn unreadable_paths_are_typed_errors_naming_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.pdf");
    let error = FilePart::path(&missing).await.expect_err("missing");
    assert!(matches!(error, FileError::Unreadable { .. }), "{error:?}");
    assert!(error.to_string().contains("missing.pdf"), "{error}");
    let error = FilePart::path(dir.path()).await.expect_err("a directory");
    assert!(
        matches!(error, FileError::NotARegularFile { .. }),
        "{error:?}"
    );
    // `?` turns it into the crate's error.
    let error = Error::from(error);
    assert!(matches!(error, Error::File(_)), "{error:?}");
}

#[tokio::test]
async fn the_json_form_is_unchanged() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/faxes")
                .header("content-type", "application/json")
                .json_body_includes(json!({"media_url": "https://example.com/a.pdf"}).to_string());
            then.status(202)
                .header("content-type", "application/json")
                .body(json!({"data": {"id": FAX_ID}}).to_string());
        })
        .await;
    client(&server, 0)
        .send_fax()
        .body_map(|b| {
            b.connection_id("1293384261075731499".to_owned())
                .from("+13125790015".to_owned())
                .to("+13127367276".to_owned())
                .media_url(Some(types::MediaUrl::from(
                    "https://example.com/a.pdf".to_owned(),
                )))
        })
        .send()
        .await
        .expect("sent as JSON");
    mock.assert_async().await;
}
