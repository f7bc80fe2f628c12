//! Reading the OpenAPI document and the facts this crate derives from it.

use openapiv3::{
    Components, OpenAPI, Operation, Parameter, ReferenceOr, Response, Schema, StatusCode,
};

use crate::error::{CodegenError, OperationRef};
pub use crate::idents::{Case, progenitor_ident};
use crate::refs::component_name;
use crate::select::METHODS;

/// Parses `json` into an [`OpenAPI`] document, reporting syntax errors by line and column and
/// shape errors by JSON path. With `families`, only those families' operations (and the
/// components they reach) are kept; with `webhooks`, also their webhooks (whose facts are
/// returned beside the document).
pub fn parse(
    json: &str,
    source_name: &str,
    families: Option<&std::collections::BTreeSet<String>>,
    webhooks: bool,
) -> Result<Parsed, CodegenError> {
    let mut value: serde_json::Value =
        serde_json::from_str(json).map_err(|inner| CodegenError::Json {
            source_name: source_name.to_owned(),
            line: inner.line(),
            column: inner.column(),
            message: strip_position(&inner),
        })?;
    crate::select::select_families(&mut value, families, webhooks);
    crate::scalar_unions::collapse(&mut value);
    crate::titles::remove_colliding(&mut value);
    let discriminator_tags = crate::discriminators::discriminator_tags(&value);
    let websockets = crate::websocket_forms::prepare(&mut value);
    let uploads = crate::upload_forms::prepare(&mut value);
    crate::upload_forms::drop_marked_bodies(&mut value);
    let webhooks = crate::webhooks::facts(&value);
    Ok(Parsed {
        document: from_value(&value, source_name)?,
        webhooks,
        uploads,
        websockets,
        discriminator_tags,
    })
}

/// What [`parse`] reads.
#[derive(Debug)]
pub struct Parsed {
    /// The document as progenitor sees it (uploads rewritten by `upload_forms`).
    pub document: OpenAPI,
    /// The webhooks, when asked for.
    pub webhooks: Vec<crate::webhooks::WebhookFacts>,
    /// The operations that take `multipart/form-data`.
    pub uploads: Vec<crate::upload_forms::UploadFacts>,
    /// The WebSocket operations (taken out of the document).
    pub websockets: Vec<crate::websocket_forms::WebSocketFacts>,
    /// The discriminator property of each branch of a discriminated union.
    pub discriminator_tags: std::collections::HashSet<(String, String)>,
}

/// Reads a JSON value as an [`OpenAPI`] document; a shape error names the JSON path.
pub fn from_value(value: &serde_json::Value, source_name: &str) -> Result<OpenAPI, CodegenError> {
    match serde_path_to_error::deserialize::<_, OpenAPI>(value) {
        Ok(document) => Ok(document),
        Err(error) => {
            let json_path = error.path().to_string();
            let message = error.into_inner().to_string();
            // serde loses the path inside flattened and untagged types (which openapiv3 uses
            // for paths and components); look again, one entry at a time.
            Err(match refine(value) {
                Some((json_path, message)) => document_error(source_name, json_path, message),
                None => document_error(source_name, json_path, message),
            })
        }
    }
}

/// Finds the first entry under `paths` or `components` that does not deserialize on its own,
/// and returns its path (as deep as serde can tell) and the message.
fn refine(document: &serde_json::Value) -> Option<(String, String)> {
    for (path, item) in entries(document, "paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                let found = refine_operation(operation, format!("paths.{path}.{method}"));
                if found.is_some() {
                    return found;
                }
            }
        }
        let found = first_error::<openapiv3::PathItem>(item, format!("paths.{path}"));
        if found.is_some() {
            return found;
        }
    }
    let components = document.get("components")?;
    type Check = fn(&serde_json::Value, String) -> Option<(String, String)>;
    let kinds: [(&str, Check); 4] = [
        ("schemas", first_error::<ReferenceOr<Schema>>),
        ("responses", first_error::<ReferenceOr<Response>>),
        ("parameters", first_error::<ReferenceOr<Parameter>>),
        (
            "requestBodies",
            first_error::<ReferenceOr<openapiv3::RequestBody>>,
        ),
    ];
    for (kind, check) in kinds {
        for (name, value) in entries(components, kind) {
            let found = check(value, format!("components.{kind}.{name}"));
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// Like [`refine`], inside one operation: parameters, request body and responses one by one.
fn refine_operation(operation: &serde_json::Value, prefix: String) -> Option<(String, String)> {
    let parameters = operation
        .get("parameters")
        .and_then(serde_json::Value::as_array);
    for (index, parameter) in parameters.into_iter().flatten().enumerate() {
        let path = format!("{prefix}.parameters[{index}]");
        let found = first_error::<ReferenceOr<Parameter>>(parameter, path);
        if found.is_some() {
            return found;
        }
    }
    if let Some(body) = operation.get("requestBody") {
        let path = format!("{prefix}.requestBody");
        let found = first_error::<ReferenceOr<openapiv3::RequestBody>>(body, path);
        if found.is_some() {
            return found;
        }
    }
    for (code, response) in entries(operation, "responses") {
        let path = format!("{prefix}.responses.{code}");
        let found = first_error::<ReferenceOr<Response>>(response, path);
        if found.is_some() {
            return found;
        }
    }
    first_error::<Operation>(operation, prefix)
}

/// The path (below `path`) and message of the error deserializing `value` as `T`, if any.
fn first_error<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
    path: String,
) -> Option<(String, String)> {
    let error = serde_path_to_error::deserialize::<_, T>(value).err()?;
    let inner = error.path().to_string();
    let path = if inner == "." || inner.is_empty() {
        path
    } else {
        format!("{path}.{inner}")
    };
    Some((path, error.into_inner().to_string()))
}

/// The members of the object `value[key]` (none if it is missing or not an object).
fn entries<'a>(
    value: &'a serde_json::Value,
    key: &str,
) -> impl Iterator<Item = (&'a String, &'a serde_json::Value)> {
    value
        .get(key)
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flatten()
}

/// serde_json appends " at line X column Y" to its messages; the error type prints the position
/// itself, in the `file:line:column` form editors understand.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}

/// How an operation authenticates, from its effective `security` requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// A credential is required (the usual case; also when the document says nothing).
    Required,
    /// One of the alternatives is the empty requirement `{}`: a credential is sent when there is one.
    Optional,
    /// `security: []`: the operation takes no credential at all.
    None,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the URL path.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In a cookie (progenitor rejects these).
    Cookie,
}

impl ParamLocation {
    /// Lower-case name as used in OpenAPI's `in`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// One parameter of an operation, after `$ref`s are resolved.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ParamFacts {
    /// Name on the wire, for example `page[number]`.
    pub api_name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// The document's description, if any.
    pub description: Option<String>,
}

/// What this crate needs to know about one operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OperationFacts {
    /// The `operationId`, for example `ListRooms`.
    pub id: String,
    /// The HTTP method in upper case.
    pub http_method: String,
    /// The path template.
    pub path: String,
    /// The first tag, if any.
    pub tag: Option<String>,
    /// Effective authentication requirement.
    pub auth: Auth,
    /// Parameters (path-level ones merged in, operation-level ones winning).
    pub params: Vec<ParamFacts>,
    /// Description of the request body, if it has one.
    pub body_description: Option<String>,
    /// The paging query parameters of a `GET` list operation, when it has a known set.
    pub paging: Option<PagingParams>,
    /// The API family (`x-telnyx-family`; `unsorted` without it).
    pub family: String,
    /// Whether a success answer can be `text/event-stream` (server-sent events).
    pub event_stream: bool,
}

/// A list operation's paging query parameters (wire names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingParams {
    /// A 1-based page number and a page size.
    Number {
        /// The page number parameter, e.g. `page[number]`.
        number: String,
        /// The page size parameter, e.g. `page[size]`.
        size: String,
    },
    /// TeXML: zero-based `Page`, `PageSize`, and the `PageToken` from `next_page_uri`.
    Token {
        /// `Page`.
        page: String,
        /// `PageSize`.
        size: String,
        /// `PageToken`.
        token: String,
    },
    /// An opaque cursor from the response and a page size.
    Cursor {
        /// The cursor parameter, e.g. `page[after]`.
        cursor: String,
        /// The page size parameter, e.g. `page[limit]`.
        size: String,
    },
}

/// Page-number parameter pairs, in order of preference.
const NUMBER_PAIRS: [(&str, &str); 6] = [
    ("page[number]", "page[size]"),
    ("page_number", "page_size"),
    ("page", "per_page"),
    ("page", "page_size"),
    ("page", "recordsPerPage"),
    ("page", "page[size]"),
];

/// Cursor parameter pairs, in order of preference.
const CURSOR_PAIRS: [(&str, &str); 5] = [
    ("page[after]", "page[limit]"),
    ("page_cursor", "page_size"),
    ("cursor", "limit"),
    ("PageToken", "PageSize"),
    ("PageToken", "page[size]"),
];

/// The paging style of an operation with these parameters.
pub fn paging_params(http_method: &str, params: &[ParamFacts]) -> Option<PagingParams> {
    if http_method != "GET" {
        return None;
    }
    let has = |name: &str| {
        params
            .iter()
            .any(|p| p.location == ParamLocation::Query && p.api_name == name)
    };
    for (number, size) in NUMBER_PAIRS {
        if has(number) && has(size) {
            return Some(PagingParams::Number {
                number: number.to_owned(),
                size: size.to_owned(),
            });
        }
    }
    if has("Page") && has("PageToken") {
        for size in ["PageSize", "page[size]"] {
            if has(size) {
                return Some(PagingParams::Token {
                    page: "Page".to_owned(),
                    size: size.to_owned(),
                    token: "PageToken".to_owned(),
                });
            }
        }
    }
    for (cursor, size) in CURSOR_PAIRS {
        if has(cursor) && has(size) {
            return Some(PagingParams::Cursor {
                cursor: cursor.to_owned(),
                size: size.to_owned(),
            });
        }
    }
    None
}

impl OperationFacts {
    /// The method name progenitor gives the operation (snake case, e.g. `list_rooms`); this is
    /// also the `operation_id` progenitor passes to client hooks.
    pub fn method_name(&self) -> String {
        progenitor_ident(&self.id, Case::Snake)
    }

    /// The name of progenitor's builder struct for the operation (e.g. `ListRooms`).
    pub fn builder_name(&self) -> String {
        progenitor_ident(&self.id, Case::Pascal)
    }

    /// Facts for a unit test: a `POST /chat` of family `ai` that answers an event stream.
    #[cfg(test)]
    pub(crate) fn for_test(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            http_method: "POST".to_owned(),
            path: "/chat".to_owned(),
            tag: None,
            auth: Auth::Required,
            params: Vec::new(),
            body_description: None,
            paging: None,
            family: "ai".to_owned(),
            event_stream: true,
        }
    }

    /// How error messages name this operation.
    pub fn to_ref(&self) -> OperationRef {
        OperationRef {
            operation_id: self.id.clone(),
            method: self.http_method.clone(),
            path: self.path.clone(),
        }
    }
}

/// Collects the facts about every operation, in document order. Fails on constructs that would
/// make progenitor panic without saying where (`$ref` path items, dangling `$ref`s, missing ids).
pub fn operations(
    document: &OpenAPI,
    source_name: &str,
) -> Result<Vec<OperationFacts>, CodegenError> {
    let mut out = Vec::new();
    for (path, item) in document.paths.iter() {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                return Err(document_error(
                    source_name,
                    format!("paths.{path}"),
                    format!("path item is a $ref to `{reference}`; inline the path item instead"),
                ));
            }
        };
        for (method, operation) in item.iter() {
            let http_method = method.to_ascii_uppercase();
            let json_path = format!("paths.{path}.{method}");
            let Some(id) = operation.operation_id.clone() else {
                return Err(document_error(
                    source_name,
                    json_path,
                    "operation has no operationId; give it one (it names the generated method)"
                        .to_owned(),
                ));
            };
            let mut params: Vec<ParamFacts> = Vec::new();
            for parameter in item.parameters.iter().chain(operation.parameters.iter()) {
                let parameter = resolve_parameter(document, parameter)
                    .ok_or_else(|| dangling(source_name, &json_path, parameter))?;
                let facts = param_facts(parameter);
                params.retain(|p| p.api_name != facts.api_name || p.location != facts.location);
                params.push(facts);
            }
            let body_description = match &operation.request_body {
                None => None,
                Some(ReferenceOr::Item(body)) => body.description.clone(),
                Some(ReferenceOr::Reference { reference: target }) => {
                    let name = component_name(target, "requestBodies").ok_or_else(|| {
                        document_error(
                            source_name,
                            format!("{json_path}.requestBody"),
                            format!("`{target}` is not a #/components/requestBodies/ reference"),
                        )
                    })?;
                    match document
                        .components
                        .as_ref()
                        .and_then(|c| c.request_bodies.get(&name))
                    {
                        Some(ReferenceOr::Item(body)) => body.description.clone(),
                        _ => {
                            return Err(document_error(
                                source_name,
                                format!("{json_path}.requestBody"),
                                format!("`{target}` does not name a request body in components"),
                            ));
                        }
                    }
                }
            };
            check_response_refs(document, operation, source_name, &json_path)?;
            let paging = paging_params(&http_method, &params);
            let family = operation
                .extensions
                .get(crate::select::FAMILY_EXTENSION)
                .and_then(serde_json::Value::as_str)
                .unwrap_or(crate::select::UNSORTED)
                .to_owned();
            out.push(OperationFacts {
                id,
                http_method,
                path: path.clone(),
                tag: operation.tags.first().cloned(),
                auth: auth_of(document, operation),
                params,
                body_description,
                paging,
                family,
                event_stream: answers_event_stream(document, operation),
            });
        }
    }
    Ok(out)
}

fn document_error(source_name: &str, json_path: String, message: String) -> CodegenError {
    CodegenError::Document {
        source_name: source_name.to_owned(),
        json_path,
        line: 0,
        column: 0,
        message,
    }
}

fn dangling(
    source_name: &str,
    json_path: &str,
    parameter: &ReferenceOr<Parameter>,
) -> CodegenError {
    let target = match parameter {
        ReferenceOr::Reference { reference } => reference.as_str(),
        ReferenceOr::Item(_) => "<inline>",
    };
    document_error(
        source_name,
        format!("{json_path}.parameters"),
        format!("`{target}` does not name a parameter under #/components/parameters"),
    )
}

fn check_response_refs(
    document: &OpenAPI,
    operation: &Operation,
    source_name: &str,
    json_path: &str,
) -> Result<(), CodegenError> {
    let responses = operation
        .responses
        .default
        .iter()
        .map(|r| ("default".to_owned(), r))
        .chain(
            operation
                .responses
                .responses
                .iter()
                .map(|(code, r)| (code.to_string(), r)),
        );
    for (code, response) in responses {
        if resolve_response(document, response).is_none() {
            let target = match response {
                ReferenceOr::Reference { reference } => reference.as_str(),
                ReferenceOr::Item(_) => "<inline>",
            };
            return Err(document_error(
                source_name,
                format!("{json_path}.responses.{code}"),
                format!("`{target}` does not name a response under #/components/responses"),
            ));
        }
    }
    Ok(())
}

fn components(document: &OpenAPI) -> Option<&Components> {
    document.components.as_ref()
}

fn resolve_parameter<'a>(
    document: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    resolve_component(document, parameter, "parameters", |c, name| {
        c.parameters.get(name)
    })
}

/// Whether one of the operation's 2xx answers has `text/event-stream` content.
fn answers_event_stream(document: &OpenAPI, operation: &Operation) -> bool {
    operation
        .responses
        .responses
        .iter()
        .any(|(status, response)| {
            let success = match status {
                StatusCode::Code(code) => (200..300).contains(code),
                StatusCode::Range(range) => *range == 2,
            };
            success
                && resolve_response(document, response)
                    .is_some_and(|r| r.content.contains_key(EVENT_STREAM_MEDIA_TYPE))
        })
}

/// The media type of server-sent events.
pub const EVENT_STREAM_MEDIA_TYPE: &str = "text/event-stream";

fn resolve_response<'a>(
    document: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
) -> Option<&'a Response> {
    resolve_component(document, response, "responses", |c, name| {
        c.responses.get(name)
    })
}

/// Follows `#/components/<kind>/…` references (at most 16) to the item; `None` for a reference
/// elsewhere or to nothing.
fn resolve_component<'a, T>(
    document: &'a OpenAPI,
    mut current: &'a ReferenceOr<T>,
    kind: &str,
    lookup: impl Fn(&'a Components, &str) -> Option<&'a ReferenceOr<T>>,
) -> Option<&'a T> {
    for _ in 0..16 {
        match current {
            ReferenceOr::Item(item) => return Some(item),
            ReferenceOr::Reference { reference } => {
                let name = component_name(reference, kind)?;
                current = lookup(components(document)?, &name)?;
            }
        }
    }
    None
}

fn param_facts(parameter: &Parameter) -> ParamFacts {
    let location = match parameter {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    };
    let data = parameter.parameter_data_ref();
    ParamFacts {
        api_name: data.name.clone(),
        location,
        description: data.description.clone().filter(|d| !d.trim().is_empty()),
    }
}

/// The effective security requirement of `operation`: its own `security`, else the document's.
fn auth_of(document: &OpenAPI, operation: &Operation) -> Auth {
    match operation.security.as_ref().or(document.security.as_ref()) {
        None => Auth::Required,
        Some(requirements) if requirements.is_empty() => Auth::None,
        Some(requirements) if requirements.iter().any(|r| r.is_empty()) => Auth::Optional,
        Some(_) => Auth::Required,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_syntax_error_has_line_and_column() {
        let err = parse(
            "{\n  \"openapi\": \"3.0.3\",\n  oops\n}",
            "spec.json",
            None,
            false,
        )
        .unwrap_err();
        match err {
            CodegenError::Json {
                line,
                column,
                ref source_name,
                ..
            } => {
                assert_eq!((line, column), (3, 3));
                assert_eq!(source_name, "spec.json");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().starts_with("spec.json:3:3: invalid JSON"));
    }

    #[test]
    fn shape_error_names_the_json_path() {
        let json = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},
            "paths":{"/x":{"get":{"operationId":"X","responses":{"200":{"description":7}}}}}}"#;
        let err = parse(json, "spec.json", None, false).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("paths./x.get.responses"),
            "message should name the path: {text}"
        );
    }

    #[test]
    fn trailing_garbage_is_a_json_error() {
        let json = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}} x"#;
        assert!(matches!(
            parse(json, "s", None, false).unwrap_err(),
            CodegenError::Json { line: 1, .. }
        ));
    }
}
