//! Auto-paging (`Paginate`) against a local mock server: which pages are requested, with which
//! `page[number]`/`page[size]`, and when the stream stops.

use crate::support;

use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use serde_json::{Value, json};
use telnyx_client::prelude::*;
use telnyx_client::{RetryPolicy, types};

const KEY: &str = "KEYtest0123456789";

fn client(server: &MockServer) -> Client {
    support::client(server, Some(KEY), RetryPolicy::disabled())
}

fn room_id(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// A `ListRooms` page holding rooms `first..=last`, with `meta` unless `total_pages` is `None`.
fn rooms_page(
    numbers: std::ops::RangeInclusive<u64>,
    page: u64,
    total_pages: Option<u64>,
) -> Value {
    let data: Vec<Value> = numbers
        .map(|n| json!({"id": room_id(n), "unique_name": format!("room-{n}"), "record_type": "room"}))
        .collect();
    match total_pages {
        Some(total) => json!({
            "data": data,
            "meta": {"page_number": page, "page_size": 2, "total_pages": total, "total_results": 5}
        }),
        None => json!({ "data": data }),
    }
}

/// Mocks `GET /rooms` answering `page[number]=page` (and `page[size]=size`) with `body`.
async fn mock_page<'a>(
    server: &'a MockServer,
    page: u64,
    size: u64,
    body: Value,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/rooms")
                .query_param("page[number]", page.to_string())
                .query_param("page[size]", size.to_string());
            then.status(200).json_body(body);
        })
        .await
}

fn names(rooms: &[types::Room]) -> Vec<String> {
    rooms
        .iter()
        .map(|r| r.unique_name.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn follows_total_pages_with_exact_query_names() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (page, rooms) in [(1, 1..=2), (2, 3..=4), (3, 5..=5)] {
        let body = rooms_page(rooms, page, Some(3));
        let mock = server
            .mock_async(|when, then| {
                // Exactly one page[number] and one page[size] per request, and the filter set
                // on the builder kept on every page.
                when.method(GET)
                    .path("/rooms")
                    .query_param("filter[unique_name]", "room")
                    .query_param("page[number]", page.to_string())
                    .query_param("page[size]", "2")
                    .query_param_count(r"^page\[number\]$", ".*", 1)
                    .query_param_count(r"^page\[size\]$", ".*", 1);
                then.status(200).json_body(body);
            })
            .await;
        pages.push(mock);
    }
    let stray = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/rooms")
                .query_param("page[number]", "4");
            then.status(500);
        })
        .await;

    let rooms: Vec<types::Room> = client(&server)
        .list_rooms()
        .filter_unique_name("room")
        .paginate()
        .page_size(2)
        .into_stream()
        .try_collect()
        .await
        .expect("all pages fetched");
    assert_eq!(
        names(&rooms),
        ["room-1", "room-2", "room-3", "room-4", "room-5"]
    );
    for mock in &pages {
        mock.assert_calls_async(1).await;
    }
    stray.assert_calls_async(0).await;
}

#[tokio::test]
async fn limit_stops_without_fetching_further_pages() {
    let server = MockServer::start_async().await;
    let first = mock_page(&server, 1, 2, rooms_page(1..=2, 1, Some(3))).await;
    let second = mock_page(&server, 2, 2, rooms_page(3..=4, 2, Some(3))).await;
    let third = mock_page(&server, 3, 2, rooms_page(5..=5, 3, Some(3))).await;

    let client = client(&server);
    let rooms = client
        .list_rooms()
        .paginate()
        .page_size(2)
        .limit(3)
        .collect()
        .await
        .expect("pages fetched");
    assert_eq!(names(&rooms), ["room-1", "room-2", "room-3"]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    third.assert_calls_async(0).await;

    // A limit that ends exactly on a page boundary does not fetch the next page either.
    let rooms = client
        .list_rooms()
        .paginate()
        .page_size(2)
        .limit(2)
        .collect()
        .await
        .expect("page fetched");
    assert_eq!(rooms.len(), 2);
    first.assert_calls_async(2).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn small_limit_shrinks_the_page_and_zero_sends_nothing() {
    let server = MockServer::start_async().await;
    let page = mock_page(&server, 1, 3, rooms_page(1..=3, 1, Some(2))).await;
    let client = client(&server);

    let paginator = client.list_rooms().paginate().limit(3);
    assert_eq!(paginator.effective_page_size(), 3);
    let rooms = paginator.collect().await.expect("page fetched");
    assert_eq!(rooms.len(), 3);
    page.assert_calls_async(1).await;

    let none = client
        .list_rooms()
        .paginate()
        .limit(0)
        .collect()
        .await
        .expect("nothing to fetch");
    assert!(none.is_empty());
    page.assert_calls_async(1).await;
    assert_eq!(
        client.list_rooms().paginate().effective_page_size(),
        telnyx_client::pagination::DEFAULT_PAGE_SIZE
    );
}

#[tokio::test]
async fn error_on_page_two_is_yielded_and_ends_the_stream() {
    let server = MockServer::start_async().await;
    mock_page(&server, 1, 2, rooms_page(1..=2, 1, Some(3))).await;
    let failing = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/rooms")
                .query_param("page[number]", "2");
            then.status(503).header("x-request-id", "req-page-2").json_body(json!({
                "errors": [{"code": "10011", "title": "Service unavailable", "detail": "try later"}]
            }));
        })
        .await;
    let third = mock_page(&server, 3, 2, rooms_page(5..=5, 3, Some(3))).await;

    let client = client(&server);
    let results: Vec<Result<types::Room, Error>> = client
        .list_rooms()
        .paginate()
        .page_size(2)
        .into_stream()
        .collect()
        .await;
    assert_eq!(results.len(), 3, "two rooms, then the error, then the end");
    assert!(results[0].is_ok() && results[1].is_ok());
    let error = results[2].as_ref().expect_err("page 2 failed");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.request_id(), Some("req-page-2"));
    assert!(
        error.to_string().contains("10011 Service unavailable"),
        "{error}"
    );
    failing.assert_calls_async(1).await;
    third.assert_calls_async(0).await;
}

#[tokio::test]
async fn empty_first_page_yields_nothing() {
    let server = MockServer::start_async().await;
    let first = mock_page(
        &server,
        1,
        20,
        json!({"data": [], "meta": {"page_number": 1, "page_size": 20, "total_pages": 0, "total_results": 0}}),
    )
    .await;
    let second = mock_page(&server, 2, 20, rooms_page(1..=1, 2, Some(2))).await;

    let client = client(&server);
    let rooms = client
        .list_rooms()
        .paginate()
        .collect()
        .await
        .expect("empty list");
    assert!(rooms.is_empty());

    // The page stream shows the empty page (with its totals) before ending.
    let pages: Vec<_> = client
        .list_rooms()
        .paginate()
        .into_pages()
        .try_collect()
        .await
        .expect("empty page");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].number, 1);
    assert!(pages[0].items.is_empty());
    assert_eq!(pages[0].total_results(), Some(0));
    first.assert_calls_async(2).await;
    second.assert_calls_async(0).await;
}

#[tokio::test]
async fn empty_page_before_total_pages_stops() {
    let server = MockServer::start_async().await;
    mock_page(&server, 1, 2, rooms_page(1..=2, 1, Some(3))).await;
    let empty = mock_page(
        &server,
        2,
        2,
        json!({"data": [], "meta": {"page_number": 2, "total_pages": 3}}),
    )
    .await;
    let third = mock_page(&server, 3, 2, rooms_page(5..=5, 3, Some(3))).await;
    let rooms = client(&server)
        .list_rooms()
        .paginate()
        .page_size(2)
        .collect()
        .await
        .expect("pages fetched");
    assert_eq!(rooms.len(), 2);
    empty.assert_calls_async(1).await;
    third.assert_calls_async(0).await;
}

#[tokio::test]
async fn without_totals_a_short_page_is_the_last() {
    let server = MockServer::start_async().await;
    let first = mock_page(&server, 1, 2, rooms_page(1..=2, 1, None)).await;
    let second = mock_page(&server, 2, 2, rooms_page(3..=3, 2, None)).await;
    let third = mock_page(&server, 3, 2, rooms_page(4..=5, 3, None)).await;
    let pages: Vec<_> = client(&server)
        .list_rooms()
        .paginate()
        .page_size(2)
        .into_pages()
        .try_collect()
        .await
        .expect("pages fetched");
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].items.len(), 2);
    assert_eq!(pages[1].items.len(), 1);
    assert_eq!(pages[0].total_pages(), None);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    third.assert_calls_async(0).await;
}

#[tokio::test]
async fn pages_carry_numbers_and_meta_for_any_list_operation() {
    let server = MockServer::start_async().await;
    let session = |n: u64| json!({"id": room_id(n), "room_id": room_id(99), "active": false});
    for (page, ids) in [(1u64, vec![1u64, 2]), (2, vec![3])] {
        let body = json!({
            "data": ids.iter().map(|&n| session(n)).collect::<Vec<_>>(),
            "meta": {"page_number": page, "page_size": 2, "total_pages": 2, "total_results": 3}
        });
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/room_sessions")
                    .query_param("page[number]", page.to_string())
                    .query_param("page[size]", "2");
                then.status(200).json_body(body);
            })
            .await;
    }
    let pages: Vec<_> = client(&server)
        .list_room_sessions()
        .paginate()
        .page_size(2)
        .into_pages()
        .try_collect()
        .await
        .expect("pages fetched");
    let shape: Vec<(u64, usize, Option<u64>, Option<u64>)> = pages
        .iter()
        .map(|p| (p.number, p.items.len(), p.total_pages(), p.total_results()))
        .collect();
    assert_eq!(shape, [(1, 2, Some(2), Some(3)), (2, 1, Some(2), Some(3))]);
}

#[tokio::test]
async fn page_size_zero_is_an_invalid_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.method(GET).path("/rooms");
            then.status(200).json_body(rooms_page(1..=1, 1, Some(1)));
        })
        .await;
    let results: Vec<_> = client(&server)
        .list_rooms()
        .paginate()
        .page_size(0)
        .into_stream()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    assert!(matches!(results[0], Err(Error::InvalidRequest { .. })));
    any.assert_calls_async(0).await;
}
