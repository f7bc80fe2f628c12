//! What the client knows about each operation: the types of the generated `operations` table.
//!
//! These types are hand-written; `telnyx-codegen` only emits the table's entries, one per
//! operation of the enabled families. Their public home is the generated
//! [`operations`](crate::operations) module, which re-exports them.

/// How an operation authenticates, from its effective `security` in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Auth {
    /// The operation needs an API key.
    Required,
    /// An API key is sent when the client has one, but the operation works without.
    Optional,
    /// The operation's `security` is `[]`: it takes no API key, and none is sent.
    None,
}

/// How a list operation pages, from its query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PagingStyle {
    /// A page number and a page size (`page[number]`+`page[size]`, `page_number`+`page_size`,
    /// `page`+`per_page`, …); numbers start at 1.
    PageNumber,
    /// TeXML's zero-based `Page`, `PageSize` and the `PageToken` of `next_page_uri`.
    PageToken,
    /// An opaque cursor from the response's meta (`page[after]`, `page_cursor`, `cursor`) and
    /// a page size.
    Cursor,
}

/// One operation of the OpenAPI document the client was generated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Operation {
    /// The document's `operationId`, for example `CreateRoom`.
    pub operation_id: &'static str,
    /// The generated method name, for example `create_room`; progenitor passes this name to
    /// the client hooks as `OperationInfo::operation_id`.
    pub method_name: &'static str,
    /// The HTTP method, upper case.
    pub http_method: &'static str,
    /// The path template, for example `/rooms/{room_id}`.
    pub path: &'static str,
    /// The operation's first tag.
    pub tag: Option<&'static str>,
    /// The API family (Cargo feature) the operation belongs to, for example `video`.
    pub family: &'static str,
    /// Whether the operation takes an API key.
    pub auth: Auth,
    /// How it pages, when its builder implements
    /// [`ListOperation`](crate::pagination::ListOperation).
    pub paging: Option<PagingStyle>,
    /// Whether it pages at all (`paging.is_some()`).
    pub paginated: bool,
}

impl Operation {
    /// An entry of the generated table (the fields are public for reading only).
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        operation_id: &'static str,
        method_name: &'static str,
        http_method: &'static str,
        path: &'static str,
        tag: Option<&'static str>,
        family: &'static str,
        auth: Auth,
        paging: Option<PagingStyle>,
    ) -> Self {
        Self {
            operation_id,
            method_name,
            http_method,
            path,
            tag,
            family,
            auth,
            paging,
            paginated: paging.is_some(),
        }
    }
}
