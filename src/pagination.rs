//! Auto-paging for every list operation, whatever its paging style.
//!
//! The request builder of every list operation implements [`ListOperation`] (the impls are
//! generated; the trait is here). [`Paginate`] (in the [`prelude`](crate::prelude)) adds
//! [`paginate`](Paginate::paginate) to all of them. The resulting [`Paginator`] fetches one page
//! after another and yields the items (or whole pages) as a [`Stream`].
//!
//! Each [`PagingStyle`] follows its own signal:
//!
//! * [`PageNumber`](PagingStyle::PageNumber) (`page[number]`, `page_number`, `page`, …): pages
//!   1, 2, … until `meta.total_pages` (or a top-level `total_pages`) says the last one was
//!   fetched; without it, until a page holds fewer items than asked for, or until the item
//!   count (`totalRecords`, `total_records`, `meta.total_results`) is reached;
//! * [`Cursor`](PagingStyle::Cursor) (`page[after]`, `page_cursor`, `cursor`): the next cursor
//!   from the response (`meta.cursors.after`, `meta.next_cursor`, `meta.page_cursor`,
//!   `meta.cursor`) until there is none (or `has_more`/`has_next` is false);
//! * [`PageToken`](PagingStyle::PageToken) (TeXML): the `PageToken` of `next_page_uri` until
//!   there is no next page.
//!
//! Whatever the style, fetching also stops when
//! * a page has no items (even when the meta claims more),
//! * the item [`limit`](Paginator::limit) is reached (no further page is requested),
//! * the next page would repeat the cursor just used (a server that loops), or
//! * a request fails: the error is yielded as the stream's last element.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use telnyx_client::prelude::*;
//!
//! # async fn run(client: &Client) -> Result<(), telnyx_client::Error> {
//! let mut rooms = client
//!     .list_rooms()
//!     .filter_unique_name("standup")
//!     .paginate()
//!     .page_size(50)
//!     .limit(200)
//!     .into_stream();
//! while let Some(room) = rooms.try_next().await? {
//!     println!("{:?}", room.id);
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;

use futures::stream::{self, Stream, TryStreamExt};
use progenitor_client::ResponseValue;
use serde::Serialize;

use crate::Error;
use crate::operation::PagingStyle;

/// Page size used when neither [`Paginator::page_size`] nor a smaller [`Paginator::limit`] is
/// set; the API's most common default.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// What the next request asks for: set on the builder by [`ListOperation::set_page`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageRequest {
    /// The page number, starting at 1 (TeXML's zero-based `Page` is this minus one).
    pub number: u64,
    /// Items per page.
    pub size: u64,
    /// The cursor of the next page; `None` for the first page.
    pub cursor: Option<String>,
}

/// The request builder of a list operation. Implemented (by generated code) for the builder of
/// every list operation whose paging parameters and response shape are known, so that paging
/// code can be generic over them.
pub trait ListOperation: Clone + Sized {
    /// One element of the response's list of items.
    type Item;
    /// The decoded body of a successful response.
    type Response;
    /// The decoded body of an error response.
    type ErrorBody: Serialize;
    /// The document's `operationId`.
    const OPERATION_ID: &'static str;
    /// How the operation pages.
    const STYLE: PagingStyle;

    /// Sets the paging parameters for `request`. A page size of 0 is reported as an invalid
    /// request when the request is sent.
    fn set_page(self, request: &PageRequest) -> Self;

    /// Sends the request, like the builder's own `send`.
    fn send_page(
        self,
    ) -> impl Future<
        Output = Result<ResponseValue<Self::Response>, progenitor_client::Error<Self::ErrorBody>>,
    > + Send;

    /// Splits a response body into its items and the rest (the paging signals).
    fn into_parts(response: Self::Response) -> (Vec<Self::Item>, PageMeta);
}

/// Adds [`paginate`](Paginate::paginate) to the request builder of every list operation.
pub trait Paginate: ListOperation {
    /// Turns this request (with any filters already set) into a [`Paginator`] that fetches
    /// all of its pages. Paging parameters set on the builder are replaced.
    fn paginate(self) -> Paginator<Self>;
}

impl<L: ListOperation> Paginate for L {
    fn paginate(self) -> Paginator<Self> {
        Paginator {
            request: self,
            page_size: None,
            limit: None,
        }
    }
}

/// The paging signals of one list response (how many pages and items the server reports,
/// where the next page is), read from the response's typed fields: for each list operation the
/// generator knows which of its fields carry them (`meta.total_pages`, `totalRecords`,
/// `meta.cursors.after`, TeXML's `next_page_uri`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMeta {
    signals: PageSignals,
}

/// The signals as generated code fills them in: one field per signal, `None` when the
/// response does not carry it. Read them through [`PageMeta`]'s accessors.
#[doc(hidden)]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageSignals {
    /// How many pages the server says there are.
    pub total_pages: Option<u64>,
    /// How many items the server says there are across all pages.
    pub total_results: Option<u64>,
    /// The page number the server says this is.
    pub page_number: Option<u64>,
    /// The cursor of the next page (non-empty).
    pub next_cursor: Option<String>,
    /// Whether the server says there are more pages.
    pub has_more: Option<bool>,
    /// TeXML's `next_page_uri` (non-empty).
    pub next_page_uri: Option<String>,
}

impl From<PageSignals> for PageMeta {
    fn from(signals: PageSignals) -> Self {
        Self { signals }
    }
}

impl PageMeta {
    /// How many pages the server says there are.
    pub fn total_pages(&self) -> Option<u64> {
        self.signals.total_pages
    }

    /// How many items the server says there are across all pages.
    pub fn total_results(&self) -> Option<u64> {
        self.signals.total_results
    }

    /// The page number the server says this is.
    pub fn page_number(&self) -> Option<u64> {
        self.signals.page_number
    }

    /// Whether the server says there are more pages, when it says so.
    pub fn has_more(&self) -> Option<bool> {
        self.signals.has_more
    }

    /// The cursor of the next page, for cursor-paged operations; `None` when the server says
    /// there are no more pages.
    pub fn next_cursor(&self) -> Option<&str> {
        if self.signals.has_more == Some(false) {
            return None;
        }
        self.signals
            .next_cursor
            .as_deref()
            .filter(|c| !c.is_empty())
    }

    /// The `PageToken` of TeXML's `next_page_uri`, when there is a next page.
    pub fn next_page_token(&self) -> Option<String> {
        let uri = self.signals.next_page_uri.as_deref()?;
        let query = uri.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == "PageToken" && !value.is_empty()).then(|| percent_decode(value))
        })
    }
}

/// Decodes `%XX` escapes and `+` in a query value.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Settings for walking through all pages of one list request; made by
/// [`Paginate::paginate`]. Nothing is sent until the stream from
/// [`into_stream`](Self::into_stream) or [`into_pages`](Self::into_pages) is polled.
#[derive(Clone)]
#[must_use = "a Paginator does nothing until turned into a stream"]
pub struct Paginator<L> {
    request: L,
    page_size: Option<u64>,
    limit: Option<u64>,
}

impl<L: ListOperation> fmt::Debug for Paginator<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &L::OPERATION_ID)
            .field("style", &L::STYLE)
            .field("page_size", &self.page_size)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

/// One fetched page.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's number, counting from 1 in the order fetched.
    pub number: u64,
    /// The page's items; cut short on the last page when an item limit applies.
    pub items: Vec<T>,
    /// The rest of the response: the paging signals.
    pub meta: PageMeta,
}

impl<T> Page<T> {
    /// How many pages the server says there are.
    pub fn total_pages(&self) -> Option<u64> {
        self.meta.total_pages()
    }

    /// How many items the server says there are across all pages.
    pub fn total_results(&self) -> Option<u64> {
        self.meta.total_results()
    }
}

impl<L: ListOperation> Paginator<L> {
    /// Sets the number of items per request (each operation has its own maximum, usually
    /// 250). Default: [`DEFAULT_PAGE_SIZE`], or the limit when that is smaller. A size of 0
    /// makes the first request fail with [`Error::InvalidRequest`].
    pub fn page_size(mut self, size: u64) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Stops after `max_items` items, without requesting pages beyond the one that reaches
    /// the limit. A limit of 0 yields nothing and sends nothing.
    pub fn limit(mut self, max_items: u64) -> Self {
        self.limit = Some(max_items);
        self
    }

    /// The page size that will be sent.
    pub fn effective_page_size(&self) -> u64 {
        self.page_size.unwrap_or_else(|| match self.limit {
            // Asking for fewer items than a default page needs: one small page is enough.
            Some(limit) if limit > 0 => limit.min(DEFAULT_PAGE_SIZE),
            _ => DEFAULT_PAGE_SIZE,
        })
    }

    /// A stream of the pages, fetched one at a time as the stream is polled. An empty page is
    /// yielded (so its meta can be read) and ends the stream. After an error the stream ends.
    pub fn into_pages(self) -> impl Stream<Item = Result<Page<L::Item>, Error>> + Unpin {
        let state = Walk {
            next: Some(PageRequest {
                number: 1,
                size: self.effective_page_size(),
                cursor: None,
            }),
            request: self.request,
            remaining: self.limit,
            seen: 0,
        };
        let state = if self.limit == Some(0) {
            Walk {
                next: None,
                ..state
            }
        } else {
            state
        };
        // Boxed so that the stream is `Unpin`: `next()`/`try_next()` work without pinning.
        Box::pin(stream::try_unfold(state, Walk::step))
    }

    /// A stream of the items of all pages, in order. After an error the stream ends.
    pub fn into_stream(self) -> impl Stream<Item = Result<L::Item, Error>> + Unpin {
        self.into_pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Fetches all pages (up to the limit) and returns their items.
    pub async fn collect(self) -> Result<Vec<L::Item>, Error> {
        self.into_stream().try_collect().await
    }
}

/// State of a walk through the pages.
struct Walk<L> {
    request: L,
    /// The next page to fetch; `None` when done.
    next: Option<PageRequest>,
    /// Items still wanted, when there is a limit.
    remaining: Option<u64>,
    /// Items received so far.
    seen: u64,
}

impl<L: ListOperation> Walk<L> {
    async fn step(mut self) -> Result<Option<(Page<L::Item>, Self)>, Error> {
        let Some(current) = self.next.take() else {
            return Ok(None);
        };
        tracing::debug!(
            operation = L::OPERATION_ID,
            page = current.number,
            size = current.size,
            "fetching page"
        );
        let response = self.request.clone().set_page(&current).send_page().await?;
        let (mut items, meta) = L::into_parts(response.into_inner());
        let received = items.len() as u64;
        self.seen = self.seen.saturating_add(received);
        if let Some(remaining) = self.remaining.as_mut() {
            items.truncate(usize::try_from(*remaining).unwrap_or(usize::MAX));
            *remaining -= items.len() as u64;
        }
        self.next = if received == 0 || self.remaining == Some(0) {
            None
        } else {
            next_page::<L>(&current, received, self.seen, &meta)
        };
        let page = Page {
            number: current.number,
            items,
            meta,
        };
        Ok(Some((page, self)))
    }
}

/// The request after `current`, which returned `received` items (`seen` in all), or `None`
/// when the response says it was the last page.
fn next_page<L: ListOperation>(
    current: &PageRequest,
    received: u64,
    seen: u64,
    meta: &PageMeta,
) -> Option<PageRequest> {
    let number = current.number.saturating_add(1);
    let cursor = match L::STYLE {
        PagingStyle::PageNumber => {
            let more = match (meta.total_pages(), meta.total_results()) {
                (Some(total), _) => current.number < total,
                (None, Some(total)) => seen < total,
                // No totals: a full page suggests there may be more.
                (None, None) => received >= current.size,
            };
            return more.then_some(PageRequest {
                number,
                size: current.size,
                cursor: None,
            });
        }
        PagingStyle::Cursor => meta.next_cursor().map(str::to_owned),
        PagingStyle::PageToken => meta.next_page_token(),
    };
    // A cursor that repeats would fetch the same page forever.
    let cursor = cursor.filter(|c| current.cursor.as_deref() != Some(c.as_str()))?;
    Some(PageRequest {
        number,
        size: current.size,
        cursor: Some(cursor),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A list operation of style `S` served from canned pages: each request records the
    /// `PageRequest` it was sent with and gets the next page (`items`, the rest of the body).
    /// One canned page: its items and its paging signals.
    type CannedPage = (Vec<u32>, PageSignals);

    #[derive(Clone)]
    struct Fake<const S: u8> {
        pages: Arc<Mutex<Vec<CannedPage>>>,
        sent: Arc<Mutex<Vec<PageRequest>>>,
        request: Option<PageRequest>,
    }

    const NUMBER: u8 = 0;
    const CURSOR: u8 = 1;
    const TOKEN: u8 = 2;

    impl<const S: u8> Fake<S> {
        fn new(pages: Vec<CannedPage>) -> Self {
            Self {
                pages: Arc::new(Mutex::new(pages.into_iter().rev().collect())),
                sent: Arc::default(),
                request: None,
            }
        }

        fn sent(&self) -> Vec<PageRequest> {
            self.sent.lock().unwrap().clone()
        }
    }

    impl<const S: u8> ListOperation for Fake<S> {
        type Item = u32;
        type Response = (Vec<u32>, PageSignals);
        type ErrorBody = crate::ErrorBody;
        const OPERATION_ID: &'static str = "Fake";
        const STYLE: PagingStyle = match S {
            NUMBER => PagingStyle::PageNumber,
            CURSOR => PagingStyle::Cursor,
            _ => PagingStyle::PageToken,
        };

        fn set_page(mut self, request: &PageRequest) -> Self {
            self.request = Some(request.clone());
            self
        }

        fn send_page(
            self,
        ) -> impl Future<
            Output = Result<
                ResponseValue<Self::Response>,
                progenitor_client::Error<Self::ErrorBody>,
            >,
        > + Send {
            let request = self.request.clone().expect("set_page before send_page");
            self.sent.lock().unwrap().push(request);
            let page = self
                .pages
                .lock()
                .unwrap()
                .pop()
                .expect("no more pages were expected");
            std::future::ready(Ok(ResponseValue::new(
                page,
                reqwest::StatusCode::OK,
                reqwest::header::HeaderMap::new(),
            )))
        }

        fn into_parts(response: Self::Response) -> (Vec<u32>, PageMeta) {
            (response.0, PageMeta::from(response.1))
        }
    }

    fn run<L: ListOperation<Item = u32>>(paginator: Paginator<L>) -> Vec<u32> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(paginator.collect()).unwrap()
    }

    fn total_pages(pages: u64) -> PageSignals {
        PageSignals {
            total_pages: Some(pages),
            ..PageSignals::default()
        }
    }

    fn next_cursor(cursor: &str) -> PageSignals {
        PageSignals {
            next_cursor: Some(cursor.to_owned()),
            ..PageSignals::default()
        }
    }

    #[test]
    fn page_number_style_follows_total_pages_and_stops_on_an_empty_page() {
        let fake = Fake::<NUMBER>::new(vec![
            (vec![1, 2], total_pages(3)),
            (vec![3, 4], total_pages(3)),
            (vec![5], total_pages(3)),
        ]);
        assert_eq!(run(fake.clone().paginate().page_size(2)), [1, 2, 3, 4, 5]);
        let numbers: Vec<u64> = fake.sent().iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 3]);
        // The meta claims more pages than there are: the empty page ends it.
        let fake =
            Fake::<NUMBER>::new(vec![(vec![1, 2], total_pages(9)), (vec![], total_pages(9))]);
        assert_eq!(run(fake.clone().paginate().page_size(2)), [1, 2]);
        assert_eq!(fake.sent().len(), 2);
    }

    #[test]
    fn page_number_style_without_pages_uses_the_record_count() {
        // 10DLC style: `totalRecords` instead of `meta.total_pages`.
        let records = PageSignals {
            total_results: Some(3),
            ..PageSignals::default()
        };
        let fake = Fake::<NUMBER>::new(vec![(vec![1, 2], records.clone()), (vec![3], records)]);
        assert_eq!(run(fake.clone().paginate().page_size(2)), [1, 2, 3]);
        assert_eq!(fake.sent().len(), 2);
    }

    #[test]
    fn page_number_style_without_totals_stops_at_a_short_page() {
        let fake = Fake::<NUMBER>::new(vec![
            (vec![1, 2], PageSignals::default()),
            (vec![3], PageSignals::default()),
        ]);
        assert_eq!(run(fake.clone().paginate().page_size(2)), [1, 2, 3]);
        assert_eq!(fake.sent().len(), 2);
    }

    #[test]
    fn cursor_style_follows_the_next_cursor_until_there_is_none() {
        let fake = Fake::<CURSOR>::new(vec![
            (vec![1, 2], next_cursor("c2")),
            (vec![3, 4], next_cursor("c3")),
            (vec![5], PageSignals::default()),
        ]);
        assert_eq!(run(fake.clone().paginate().page_size(2)), [1, 2, 3, 4, 5]);
        let cursors: Vec<Option<String>> = fake.sent().into_iter().map(|r| r.cursor).collect();
        assert_eq!(cursors, [None, Some("c2".into()), Some("c3".into())]);
        assert!(fake.sent().iter().all(|r| r.size == 2));
    }

    #[test]
    fn cursor_style_stops_on_has_more_false_and_on_a_repeated_cursor() {
        let last = PageSignals {
            has_more: Some(false),
            ..next_cursor("k2")
        };
        let fake = Fake::<CURSOR>::new(vec![(vec![1], last)]);
        assert_eq!(run(fake.clone().paginate()), [1]);
        let fake = Fake::<CURSOR>::new(vec![
            (vec![1], next_cursor("same")),
            (vec![2], next_cursor("same")),
        ]);
        assert_eq!(run(fake.clone().paginate()), [1, 2]);
        assert_eq!(fake.sent().len(), 2);
    }

    #[test]
    fn page_token_style_follows_next_page_uri() {
        let first = PageSignals {
            next_page_uri: Some(
                "/v2/texml/Accounts/a/Calls.json?Page=1&PageSize=2&PageToken=t1".to_owned(),
            ),
            ..PageSignals::default()
        };
        let fake = Fake::<TOKEN>::new(vec![(vec![1, 2], first), (vec![3], PageSignals::default())]);
        assert_eq!(run(fake.clone().paginate().page_size(2)), [1, 2, 3]);
        let sent = fake.sent();
        assert_eq!(sent[0].cursor, None);
        assert_eq!((sent[1].number, sent[1].cursor.as_deref()), (2, Some("t1")));
    }

    #[test]
    fn a_limit_stops_before_the_next_request() {
        let fake = Fake::<CURSOR>::new(vec![(vec![1, 2, 3], next_cursor("n"))]);
        assert_eq!(run(fake.clone().paginate().limit(2)), [1, 2]);
        assert_eq!(fake.sent().len(), 1);
        let fake = Fake::<CURSOR>::new(vec![]);
        assert!(run(fake.clone().paginate().limit(0)).is_empty());
        assert!(fake.sent().is_empty());
    }

    #[test]
    fn meta_accessors_apply_the_signals_rules() {
        let meta = PageMeta::from(PageSignals {
            total_pages: Some(3),
            page_number: Some(1),
            total_results: Some(41),
            ..PageSignals::default()
        });
        assert_eq!(meta.total_pages(), Some(3));
        assert_eq!(meta.total_results(), Some(41));
        assert_eq!(meta.page_number(), Some(1));
        assert_eq!(PageMeta::from(next_cursor("c2")).next_cursor(), Some("c2"));
        let done = PageSignals {
            has_more: Some(false),
            ..next_cursor("k")
        };
        assert_eq!(PageMeta::from(done).next_cursor(), None);
        assert_eq!(PageMeta::from(next_cursor("")).next_cursor(), None);
        let texml = PageSignals {
            next_page_uri: Some(
                "/v2/texml/Accounts/a/Calls.json?Page=1&PageSize=2&PageToken=ab%3D%3D".to_owned(),
            ),
            ..PageSignals::default()
        };
        assert_eq!(
            PageMeta::from(texml).next_page_token().as_deref(),
            Some("ab==")
        );
        assert_eq!(PageMeta::default().next_page_token(), None);
    }

    #[test]
    fn percent_decoding_tolerates_bad_escapes() {
        assert_eq!(percent_decode("a%2Fb+c"), "a/b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%é"), "%é");
    }
}
