//! Quick start: create a video room, mint a join token for it, refresh the token, list the
//! account's rooms page by page, and delete the room again.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! * With `TELNYX_API_KEY` set, it runs against the real Telnyx API (or against
//!   `TELNYX_BASE_URL`, when that is set too). The room it creates is deleted at the end, also
//!   when a step in between fails.
//! * With only `TELNYX_BASE_URL` set (a local mock server, say), it sends a placeholder key.
//! * With neither, it starts an embedded mock of these endpoints in this process and runs the
//!   same flow against it, without network access.
//!
//! Tokens are secrets: only their first characters and length are printed.

use std::env;
use std::error::Error as StdError;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use telnyx_client::prelude::*;
use telnyx_client::room_token::{RoomToken, RoomTokenOptions, RoomTokenSession};
use telnyx_client::{API_KEY_ENV, BASE_URL_ENV, ClientBuilder, types};
use uuid::Uuid;

type BoxError = Box<dyn StdError + Send + Sync>;

/// Rooms per page when listing; small so that the paging shows.
const PAGE_SIZE: u64 = 2;
/// At most this many rooms are listed.
const LIST_LIMIT: u64 = 10;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => {
            println!("Done.");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("quickstart failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let has_key = env::var_os(API_KEY_ENV).is_some();
    let has_base_url = env::var_os(BASE_URL_ENV).is_some();
    // The embedded mock lives as long as `_mock`.
    let (client, _mock) = if has_key || has_base_url {
        let mut builder = ClientBuilder::from_env()?;
        if !has_key {
            println!("note: {API_KEY_ENV} is not set; sending a placeholder API key");
            builder = builder.api_key("KEY_QUICKSTART_PLACEHOLDER");
        }
        let client = builder.build()?;
        println!("Using the Telnyx API at {}", client.base_url());
        (client, None)
    } else {
        let server = local_mock::start().await;
        println!(
            "{API_KEY_ENV} and {BASE_URL_ENV} are not set: using an embedded mock of the Telnyx \
             Video API at {}",
            server.base_url()
        );
        let client = Client::builder()
            .base_url(server.base_url())
            .api_key(local_mock::API_KEY)
            .build()?;
        (client, Some(server))
    };

    // 1. Create a room.
    let unique_name = format!("quickstart-{}", &Uuid::new_v4().simple().to_string()[..8]);
    let room = client
        .create_room()
        .body(
            types::CreateRoomRequest::builder()
                .unique_name(unique_name.clone())
                .max_participants(10),
        )
        .send()
        .await
        // Into the crate's `Error`, whose messages say what to do (a bare `?` into a boxed error
        // would keep the generated error type).
        .map_err(Error::from)?
        .into_inner()
        .data
        .ok_or("CreateRoom answered without `data`")?;
    let room_id = room
        .id
        .ok_or("CreateRoom answered without the room's `id`")?;
    println!(
        "1. Created room {room_id} (\"{}\", up to {} participants)",
        room.unique_name.as_deref().unwrap_or(&unique_name),
        room.max_participants.unwrap_or(10)
    );

    // Steps 2-4 may fail; the room is deleted either way.
    let outcome = tokens_and_listing(&client, room_id).await;

    // 5. Delete the room.
    let deleted = client
        .delete_room()
        .room_id(room_id)
        .send()
        .await
        .map_err(Error::from);
    match (&outcome, deleted) {
        (_, Ok(_)) => println!("5. Deleted room {room_id}"),
        (Ok(()), Err(error)) => return Err(error.into()),
        (Err(_), Err(error)) => eprintln!("   (could not delete room {room_id} either: {error})"),
    }
    outcome
}

/// Steps 2 to 4: mint and refresh a join token, then list rooms page by page.
async fn tokens_and_listing(client: &Client, room_id: Uuid) -> Result<(), BoxError> {
    // 2. Mint a join token (with the API key).
    let options = RoomTokenOptions::default()
        .token_ttl(Duration::from_secs(600))
        .refresh_token_ttl(Duration::from_secs(3600));
    let mut session = RoomTokenSession::start(client, room_id, options).await?;
    println!(
        "2. Minted a join token: {}; refresh token valid until {}; refresh due at {}",
        describe(session.current()),
        time(session.refresh_token_expires_at()),
        time(session.refresh_due_at())
    );

    // 3. Refresh it (the refresh token is the credential; no API key is sent).
    let refreshed = session.refresh().await?;
    println!(
        "3. Refreshed the join token without the API key: {}",
        describe(refreshed)
    );

    // 4. List rooms, PAGE_SIZE per request, following meta.total_pages.
    println!("4. Listing rooms ({PAGE_SIZE} per page, at most {LIST_LIMIT}):");
    let mut pages = client
        .list_rooms()
        .paginate()
        .page_size(PAGE_SIZE)
        .limit(LIST_LIMIT)
        .into_pages();
    let mut listed = 0;
    while let Some(page) = pages.try_next().await? {
        let total = page
            .total_pages()
            .map_or_else(|| "?".to_owned(), |t| t.to_string());
        let names: Vec<String> = page
            .items
            .iter()
            .map(|room| {
                let name = room.unique_name.as_deref().unwrap_or("(unnamed)");
                if room.id == Some(room_id) {
                    format!("{name} (new)")
                } else {
                    name.to_owned()
                }
            })
            .collect();
        listed += page.items.len();
        println!("   page {}/{total}: {}", page.number, names.join(", "));
    }
    println!("   {listed} rooms listed");
    Ok(())
}

/// A token's first characters, length and expiry; never the whole token.
fn describe(token: &RoomToken) -> String {
    let prefix: String = token.secret().chars().take(6).collect();
    let note = match token.past_server_expiry() {
        // A mock serving the API description answers with its static example.
        Some(past) => format!(
            " (the answer said it expired at {}, already past on arrival: a static example \
             from a mock, or a clock far off; using the requested lifetime)",
            time(past)
        ),
        None => String::new(),
    };
    format!(
        "{prefix}… ({} characters), valid until {}{note}",
        token.secret().chars().count(),
        time(token.expires_at())
    )
}

/// A time to the second.
fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// An in-process mock of the endpoints the quick start uses, keeping rooms and tokens in
/// memory so that the flow behaves as it would against Telnyx.
mod local_mock {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, MutexGuard};

    use chrono::{DateTime, TimeDelta, Utc};
    use httpmock::prelude::*;
    use httpmock::{HttpMockRequest, HttpMockResponse};
    use serde_json::{Value, json};
    use uuid::Uuid;

    /// The key the quick start's client sends to the mock (any key is accepted).
    pub const API_KEY: &str = "KEY_LOCAL_MOCK";

    /// Rooms that exist before the quick start creates its own.
    const SEED_ROOMS: [(&str, &str, i64); 4] = [
        ("8a2b8ca6-6a6c-4f62-9f5e-4f86f8a0c101", "lobby", 50),
        ("8a2b8ca6-6a6c-4f62-9f5e-4f86f8a0c102", "daily-standup", 12),
        ("8a2b8ca6-6a6c-4f62-9f5e-4f86f8a0c103", "design-review", 8),
        ("8a2b8ca6-6a6c-4f62-9f5e-4f86f8a0c104", "support-desk", 4),
    ];

    #[derive(Default)]
    struct State {
        rooms: Vec<Value>,
        /// Refresh token → (room id, expiry).
        refresh_tokens: HashMap<String, (String, DateTime<Utc>)>,
    }

    type Shared = Arc<Mutex<State>>;

    fn lock(state: &Shared) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the data half-changed in a way that
        // matters for a demo; keep serving.
        state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts the mock server with its endpoints.
    pub async fn start() -> MockServer {
        let server = MockServer::start_async().await;
        let created = Utc::now() - TimeDelta::days(30);
        let state: Shared = Arc::new(Mutex::new(State {
            rooms: SEED_ROOMS
                .iter()
                .enumerate()
                .map(|(i, (id, name, max))| {
                    let at = created + TimeDelta::days(i as i64);
                    room(id, name, *max, at)
                })
                .collect(),
            ..State::default()
        }));

        let s = state.clone();
        server
            .mock_async(|when, then| {
                when.method(POST).path("/rooms");
                then.respond_with(move |req| create_room(&s, req));
            })
            .await;
        let s = state.clone();
        server
            .mock_async(|when, then| {
                when.method(GET).path("/rooms");
                then.respond_with(move |req| list_rooms(&s, req));
            })
            .await;
        let s = state.clone();
        server
            .mock_async(|when, then| {
                when.method(DELETE).path_matches(r"^/rooms/[^/]+$");
                then.respond_with(move |req| delete_room(&s, req));
            })
            .await;
        let s = state.clone();
        server
            .mock_async(|when, then| {
                when.method(POST)
                    .path_matches(r"^/rooms/[^/]+/actions/generate_join_client_token$");
                then.respond_with(move |req| mint_token(&s, req));
            })
            .await;
        let s = state;
        server
            .mock_async(|when, then| {
                when.method(POST)
                    .path_matches(r"^/rooms/[^/]+/actions/refresh_client_token$");
                then.respond_with(move |req| refresh_token(&s, req));
            })
            .await;
        server
    }

    fn room(id: &str, name: &str, max_participants: i64, at: DateTime<Utc>) -> Value {
        json!({
            "id": id,
            "record_type": "room",
            "unique_name": name,
            "max_participants": max_participants,
            "enable_recording": false,
            "webhook_event_url": null,
            "webhook_event_failover_url": "",
            "webhook_timeout_secs": null,
            "active_session_id": null,
            "created_at": at.to_rfc3339(),
            "updated_at": at.to_rfc3339(),
        })
    }

    fn respond(status: u16, body: Option<Value>) -> HttpMockResponse {
        let builder = HttpMockResponse::builder()
            .status(status)
            .header("x-request-id", Uuid::new_v4().to_string());
        match body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(body.to_string())
                .build(),
            None => builder.build(),
        }
    }

    /// Telnyx's bare error object, as it sends for some 403 and 404 answers.
    fn error(status: u16, code: &str, title: &str, detail: String) -> HttpMockResponse {
        respond(
            status,
            Some(json!({"code": code, "title": title, "detail": detail})),
        )
    }

    fn body(req: &HttpMockRequest) -> Value {
        serde_json::from_slice(req.body_ref()).unwrap_or(Value::Null)
    }

    /// The `{room_id}` segment of `/rooms/{room_id}/…`.
    fn room_id_of(req: &HttpMockRequest) -> String {
        req.uri()
            .path()
            .split('/')
            .nth(2)
            .unwrap_or_default()
            .to_owned()
    }

    fn has_room(state: &State, id: &str) -> bool {
        state.rooms.iter().any(|r| r["id"] == id)
    }

    fn room_not_found(id: &str) -> HttpMockResponse {
        error(
            404,
            "10007",
            "Resource not found",
            format!("Room {id} does not exist"),
        )
    }

    fn create_room(state: &Shared, req: &HttpMockRequest) -> HttpMockResponse {
        let body = body(req);
        let name = body["unique_name"].as_str().unwrap_or("unnamed");
        let max = body["max_participants"].as_i64().unwrap_or(10);
        let new = room(&Uuid::new_v4().to_string(), name, max, Utc::now());
        lock(state).rooms.push(new.clone());
        respond(201, Some(json!({ "data": new })))
    }

    fn list_rooms(state: &Shared, req: &HttpMockRequest) -> HttpMockResponse {
        let query = req.query_params_map();
        let number = query
            .get("page[number]")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        let size = query
            .get("page[size]")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(20)
            .clamp(1, 250);
        let rooms = &lock(state).rooms;
        let data: Vec<&Value> = rooms.iter().skip((number - 1) * size).take(size).collect();
        let meta = json!({
            "page_number": number,
            "page_size": size,
            "total_pages": rooms.len().div_ceil(size),
            "total_results": rooms.len(),
        });
        respond(200, Some(json!({ "data": data, "meta": meta })))
    }

    fn delete_room(state: &Shared, req: &HttpMockRequest) -> HttpMockResponse {
        let id = room_id_of(req);
        let rooms = &mut lock(state).rooms;
        let before = rooms.len();
        rooms.retain(|r| r["id"] != id.as_str());
        if rooms.len() == before {
            room_not_found(&id)
        } else {
            respond(204, None)
        }
    }

    /// A token-like random string (three base64url-ish parts, as a JWT has).
    fn new_secret() -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.{}",
            Uuid::new_v4().simple(),
            Uuid::new_v4().simple()
        )
    }

    fn ttl(body: &Value, field: &str, default: i64) -> TimeDelta {
        TimeDelta::seconds(body[field].as_i64().unwrap_or(default))
    }

    fn mint_token(state: &Shared, req: &HttpMockRequest) -> HttpMockResponse {
        if !req.headers().contains_key("authorization") {
            return error(
                401,
                "10009",
                "Authentication failed",
                "No API key".to_owned(),
            );
        }
        let id = room_id_of(req);
        let mut state = lock(state);
        if !has_room(&state, &id) {
            return room_not_found(&id);
        }
        let body = body(req);
        let now = Utc::now();
        let refresh_token = new_secret();
        let refresh_expires = now + ttl(&body, "refresh_token_ttl_secs", 3600);
        state
            .refresh_tokens
            .insert(refresh_token.clone(), (id, refresh_expires));
        respond(
            201,
            Some(json!({"data": {
                "token": new_secret(),
                "token_expires_at": (now + ttl(&body, "token_ttl_secs", 600)).to_rfc3339(),
                "refresh_token": refresh_token,
                "refresh_token_expires_at": refresh_expires.to_rfc3339(),
            }})),
        )
    }

    fn refresh_token(state: &Shared, req: &HttpMockRequest) -> HttpMockResponse {
        // Like Telnyx, the refresh takes no API key: the refresh token is the credential.
        if req.headers().contains_key("authorization") {
            return error(
                400,
                "10015",
                "Bad request",
                "RefreshRoomClientToken takes no API key".to_owned(),
            );
        }
        let id = room_id_of(req);
        let body = body(req);
        let now = Utc::now();
        let known = body["refresh_token"]
            .as_str()
            .and_then(|token| lock(state).refresh_tokens.get(token).cloned());
        match known {
            Some((room, expires)) if room == id && expires > now => respond(
                201,
                Some(json!({"data": {
                    "token": new_secret(),
                    "token_expires_at": (now + ttl(&body, "token_ttl_secs", 600)).to_rfc3339(),
                }})),
            ),
            _ => error(
                401,
                "10009",
                "Authentication failed",
                "The refresh token is not valid for this room".to_owned(),
            ),
        }
    }
}
