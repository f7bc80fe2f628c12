//! Auto-paging for every page-numbered list operation.
//!
//! Every list operation's request builder implements the generated [`ListOperation`] trait;
//! [`Paginate`] (in the [`prelude`](crate::prelude)) adds [`paginate`](Paginate::paginate) to
//! all of them. The resulting [`Paginator`] fetches `page[number]` = 1, 2, … with a fixed
//! `page[size]` and yields the items (or whole pages) as a [`Stream`].
//!
//! Fetching stops when
//! * the page just fetched is the last one according to `meta.total_pages`,
//! * a page has no items,
//! * the response has no `meta.total_pages` (it is then treated as the only page),
//! * the item [`limit`](Paginator::limit) is reached (no further page is requested), or
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
use serde::Serialize;

use crate::Error;
use crate::list_operations::ListOperation;
use crate::types::PaginationMeta;

/// `page[size]` used when neither [`Paginator::page_size`] nor a smaller
/// [`Paginator::limit`] is set; the API's own default.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// Largest `page[size]` the API accepts.
pub const MAX_PAGE_SIZE: u64 = 250;

/// Adds [`paginate`](Paginate::paginate) to the request builder of every list operation.
///
/// Implemented for every [`ListOperation`] whose responses carry the standard
/// [`PaginationMeta`]; that is every list operation of this API.
pub trait Paginate: ListOperation + Sized {
    /// Turns this request (with any filters already set) into a [`Paginator`] that fetches
    /// all of its pages. A `page_number`/`page_size` set on the builder is replaced.
    fn paginate(self) -> Paginator<Self>;
}

impl<L> Paginate for L
where
    L: ListOperation<Meta = PaginationMeta>,
    L::ErrorBody: Serialize,
{
    fn paginate(self) -> Paginator<Self> {
        Paginator {
            request: self,
            page_size: None,
            limit: None,
        }
    }
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
            .field("page_size", &self.page_size)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

/// One fetched page.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's number (`page[number]` as requested, starting at 1).
    pub number: u64,
    /// The page's items; cut short on the last page when an item limit applies.
    pub items: Vec<T>,
    /// The response's `meta` object, if it had one.
    pub meta: Option<PaginationMeta>,
}

impl<T> Page<T> {
    /// `meta.total_pages`: how many pages the server says there are.
    pub fn total_pages(&self) -> Option<u64> {
        self.meta.as_ref().and_then(|m| non_negative(m.total_pages))
    }

    /// `meta.total_results`: how many items the server says there are across all pages.
    pub fn total_results(&self) -> Option<u64> {
        self.meta
            .as_ref()
            .and_then(|m| non_negative(m.total_results))
    }
}

impl<L> Paginator<L>
where
    L: ListOperation<Meta = PaginationMeta>,
    L::ErrorBody: Serialize,
{
    /// Sets `page[size]`, the number of items per request (the API accepts 1 to
    /// [`MAX_PAGE_SIZE`]). Default: [`DEFAULT_PAGE_SIZE`], or the limit when that is smaller.
    /// A size of 0 makes the first request fail with [`Error::InvalidRequest`].
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

    /// The `page[size]` that will be sent.
    pub fn effective_page_size(&self) -> u64 {
        self.page_size.unwrap_or_else(|| match self.limit {
            // Asking for fewer items than a default page needs: one small page is enough.
            Some(limit) if limit > 0 => limit.min(DEFAULT_PAGE_SIZE),
            _ => DEFAULT_PAGE_SIZE,
        })
    }

    /// A stream of the pages, fetched one at a time as the stream is polled. An empty page is
    /// yielded (so its `meta` can be read) and ends the stream. After an error the stream ends.
    pub fn into_pages(self) -> impl Stream<Item = Result<Page<L::Item>, Error>> + Unpin {
        let state = Walk {
            size: self.effective_page_size(),
            request: self.request,
            next_page: 1,
            remaining: self.limit,
            done: self.limit == Some(0),
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
    size: u64,
    next_page: u64,
    /// Items still wanted, when there is a limit.
    remaining: Option<u64>,
    done: bool,
}

impl<L> Walk<L>
where
    L: ListOperation<Meta = PaginationMeta>,
    L::ErrorBody: Serialize,
{
    async fn step(mut self) -> Result<Option<(Page<L::Item>, Self)>, Error> {
        if self.done {
            return Ok(None);
        }
        let number = self.next_page;
        tracing::debug!(
            operation = L::OPERATION_ID,
            page = number,
            size = self.size,
            "fetching page"
        );
        let response = self
            .request
            .clone()
            .set_page(number, self.size)
            .send_page()
            .await?;
        let (mut items, meta) = L::into_parts(response.into_inner());
        if let Some(remaining) = self.remaining.as_mut() {
            items.truncate(usize::try_from(*remaining).unwrap_or(usize::MAX));
            *remaining -= items.len() as u64;
        }
        let total_pages = meta.as_ref().and_then(|m| non_negative(m.total_pages));
        self.done = items.is_empty()
            || self.remaining == Some(0)
            // Without total_pages there is no way to know more pages exist: take this one only.
            || total_pages.is_none_or(|total| number >= total);
        self.next_page = number.saturating_add(1);
        let page = Page {
            number,
            items,
            meta,
        };
        Ok(Some((page, self)))
    }
}

fn non_negative(value: Option<i64>) -> Option<u64> {
    value.and_then(|v| u64::try_from(v).ok())
}
