//! One test per operation of the Video family, against a local httpmock server (the other
//! families are exercised by `tests/conformance_sweep` against Prism).
//!
//! Each test's mock matches exactly what the operation must send: method, path, every query
//! parameter the test sets under its bracketed wire name (`page[number]`,
//! `filter[date_created_at][gte]`, …) and no others, the exact JSON body, and the
//! `Authorization` header (present with the key, or — for `RefreshRoomClientToken`, whose
//! `security` is `[]` — absent). The mock answers with a realistic body and the test checks the
//! decoded values; every mock must be hit exactly once.
//!
//! After the per-operation tests: table-driven checks over the Video entries of
//! `operations::ALL` (every operation is covered here, sends its documented method/path/auth,
//! and turns error bodies into `Error::Api`; keyless clients fail before sending), the error
//! body shapes, and forward-compatible enums.

use crate::support;

use std::collections::HashMap;
use std::num::NonZeroU64;

use chrono::{DateTime, NaiveDate, Utc};
use httpmock::When;
use httpmock::prelude::*;
use serde_json::{Value, json};
use telnyx_client::operations::{self, Auth};
use telnyx_client::prelude::*;
use telnyx_client::{ApiError, RetryPolicy, types};
use uuid::Uuid;

const KEY: &str = "KEYops0123456789abcdef";
const ROOM_ID: &str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";
const ROOM_2_ID: &str = "5b1a3c1e-8a41-4f3b-9d2b-7e0f3c6a1d22";
const SESSION_ID: &str = "3f6a2b1c-0d4e-4f5a-8b6c-7d8e9f0a1b2c";
const SESSION_2_ID: &str = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
const PARTICIPANT_ID: &str = "7b61a2c3-d4e5-4f60-8a1b-2c3d4e5f6a7b";
const PARTICIPANT_2_ID: &str = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f";
const RECORDING_ID: &str = "6b61a9c6-3b4c-4a1b-8f26-3a7b1e0c1d2e";
const RECORDING_2_ID: &str = "a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d";
const COMPOSITION_ID: &str = "e2f3a4b5-c6d7-4e8f-9a0b-1c2d3e4f5a6b";
const USER_ID: &str = "12ab34cd-56ef-4a78-9b01-23cd45ef6789";

const CREATED_AT: &str = "2024-05-01T12:00:00Z";
/// An offset and fractional seconds: 10:30:15.25 UTC.
const UPDATED_AT: &str = "2024-05-01T12:30:15.250+02:00";
const ENDED_AT: &str = "2024-05-01T13:45:00Z";

fn uuid(text: &str) -> Uuid {
    text.parse().expect("test uuid")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test date-time")
        .with_timezone(&Utc)
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("test date")
}

/// A client with the test key and no retries (so an unexpected error surfaces at once).
fn client(server: &MockServer) -> Client {
    support::client(server, Some(KEY), RetryPolicy::disabled())
}

fn keyless_client(server: &MockServer) -> Client {
    support::client(server, None, RetryPolicy::disabled())
}

/// The headers every authenticated operation sends.
fn authed(when: When) -> When {
    when.header("authorization", format!("Bearer {KEY}"))
        .header("accept", "application/json")
}

/// Exactly these query parameters (decoded names and values), no others.
fn exact_query(when: When, expected: &[(&str, &str)]) -> When {
    let mut when = when;
    for (name, value) in expected {
        when = when.query_param(*name, *value);
    }
    let mut wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    wanted.sort();
    when.is_true(move |req: &HttpMockRequest| {
        let mut got = req.query_params();
        got.sort();
        got == wanted
    })
}

/// No query string at all.
fn no_query(when: When) -> When {
    when.is_true(|req: &HttpMockRequest| req.query_params().is_empty())
}

/// This exact JSON body.
fn json_request(when: When, body: Value) -> When {
    when.header("content-type", "application/json")
        .json_body(body)
}

fn meta(page_number: i64, page_size: i64, total_pages: i64, total_results: i64) -> Value {
    json!({"page_number": page_number, "page_size": page_size,
           "total_pages": total_pages, "total_results": total_results})
}

fn assert_meta(meta: Option<&types::PaginationMeta>, expected: [i64; 4]) {
    let meta = meta.expect("meta");
    assert_eq!(
        [
            meta.page_number,
            meta.page_size,
            meta.total_pages,
            meta.total_results
        ],
        expected.map(Some)
    );
}

fn participant_json(id: &str, left: bool) -> Value {
    let mut value = json!({
        "id": id,
        "session_id": SESSION_ID,
        "context": "{\"role\":\"host\"}",
        "joined_at": CREATED_AT,
        "updated_at": UPDATED_AT,
        "record_type": "room_participant"
    });
    if left {
        value["left_at"] = json!(ENDED_AT);
    }
    value
}

fn session_json(id: &str, active: bool, participants: Vec<Value>) -> Value {
    let mut value = json!({
        "id": id,
        "room_id": ROOM_ID,
        "active": active,
        "created_at": CREATED_AT,
        "updated_at": UPDATED_AT,
        "record_type": "room_session",
        "participants": participants
    });
    if !active {
        value["ended_at"] = json!(ENDED_AT);
    }
    value
}

fn room_json(id: &str, unique_name: &str, sessions: Vec<Value>) -> Value {
    json!({
        "id": id,
        "unique_name": unique_name,
        "max_participants": 20,
        "enable_recording": true,
        "active_session_id": SESSION_ID,
        "created_at": CREATED_AT,
        "updated_at": UPDATED_AT,
        "record_type": "room",
        "webhook_event_url": "https://example.com/webhooks/video",
        "webhook_event_failover_url": "",
        "webhook_timeout_secs": 15,
        "sessions": sessions
    })
}

fn recording_json(id: &str, status: &str, kind: &str) -> Value {
    json!({
        "id": id,
        "room_id": ROOM_ID,
        "session_id": SESSION_ID,
        "participant_id": PARTICIPANT_ID,
        "codec": if kind == "audio" { "opus" } else { "vp8" },
        "type": kind,
        "status": status,
        "duration_secs": 67,
        "size_mb": 1.5,
        "download_url": format!("https://video-recordings.telnyx.com/{id}.mka"),
        "started_at": CREATED_AT,
        "ended_at": ENDED_AT,
        "completed_at": ENDED_AT,
        "created_at": CREATED_AT,
        "updated_at": UPDATED_AT,
        "record_type": "room_recording"
    })
}

fn composition_json(status: &str, format: &str) -> Value {
    json!({
        "id": COMPOSITION_ID,
        "room_id": ROOM_ID,
        "session_id": SESSION_ID,
        "user_id": USER_ID,
        "status": status,
        "format": format,
        "resolution": "1280x720",
        "duration_secs": 67,
        "size_mb": 12.25,
        "download_url": format!("https://video-compositions.telnyx.com/{COMPOSITION_ID}.mp4"),
        "started_at": CREATED_AT,
        "ended_at": ENDED_AT,
        "completed_at": ENDED_AT,
        "created_at": CREATED_AT,
        "updated_at": UPDATED_AT,
        "record_type": "composition",
        "webhook_event_url": "https://example.com/webhooks/compositions",
        "webhook_event_failover_url": "",
        "webhook_timeout_secs": 20,
        "video_layout": {
            "first": {
                "height": 720, "width": 640, "x_pos": 0, "y_pos": 0, "z_pos": 1,
                "max_columns": 2, "max_rows": 1,
                "video_sources": [RECORDING_ID, RECORDING_2_ID]
            }
        }
    })
}

fn check_room(room: &types::Room, id: &str, unique_name: &str) {
    assert_eq!(room.id, Some(uuid(id)));
    assert_eq!(room.unique_name.as_deref(), Some(unique_name));
    assert_eq!(room.max_participants, Some(20));
    assert_eq!(room.enable_recording, Some(true));
    assert_eq!(room.active_session_id, Some(uuid(SESSION_ID)));
    assert_eq!(room.created_at, Some(at(CREATED_AT)));
    assert_eq!(room.updated_at, Some(at("2024-05-01T10:30:15.25Z")));
    assert_eq!(room.record_type.as_deref(), Some("room"));
    assert_eq!(
        room.webhook_event_url.as_deref(),
        Some("https://example.com/webhooks/video")
    );
    assert_eq!(room.webhook_event_failover_url.as_deref(), Some(""));
    assert_eq!(room.webhook_timeout_secs, Some(15));
}

fn check_participant(participant: &types::RoomParticipant, id: &str, left: bool) {
    assert_eq!(participant.id, Some(uuid(id)));
    assert_eq!(participant.session_id, Some(uuid(SESSION_ID)));
    assert_eq!(participant.context.as_deref(), Some("{\"role\":\"host\"}"));
    assert_eq!(participant.joined_at, Some(at(CREATED_AT)));
    assert_eq!(participant.updated_at, Some(at(UPDATED_AT)));
    assert_eq!(participant.left_at, left.then(|| at(ENDED_AT)));
    assert_eq!(participant.record_type.as_deref(), Some("room_participant"));
}

fn check_session(session: &types::RoomSession, id: &str, active: bool) {
    assert_eq!(session.id, Some(uuid(id)));
    assert_eq!(session.room_id, Some(uuid(ROOM_ID)));
    assert_eq!(session.active, Some(active));
    assert_eq!(session.created_at, Some(at(CREATED_AT)));
    assert_eq!(session.updated_at, Some(at(UPDATED_AT)));
    assert_eq!(session.ended_at, (!active).then(|| at(ENDED_AT)));
    assert_eq!(session.record_type.as_deref(), Some("room_session"));
}

fn check_recording(recording: &types::RoomRecording, id: &str) {
    assert_eq!(recording.id, Some(uuid(id)));
    assert_eq!(recording.room_id, Some(uuid(ROOM_ID)));
    assert_eq!(recording.session_id, Some(uuid(SESSION_ID)));
    assert_eq!(recording.participant_id, Some(uuid(PARTICIPANT_ID)));
    assert_eq!(recording.duration_secs, Some(67));
    assert_eq!(recording.size_mb, Some(1.5));
    assert_eq!(recording.started_at, Some(at(CREATED_AT)));
    assert_eq!(recording.ended_at, Some(at(ENDED_AT)));
    assert_eq!(recording.completed_at, Some(at(ENDED_AT)));
    assert_eq!(recording.updated_at, Some(at(UPDATED_AT)));
    assert_eq!(
        recording.download_url.as_deref(),
        Some(format!("https://video-recordings.telnyx.com/{id}.mka").as_str())
    );
    assert_eq!(recording.record_type.as_deref(), Some("room_recording"));
}

fn check_composition(composition: &types::RoomComposition) {
    assert_eq!(composition.id, Some(uuid(COMPOSITION_ID)));
    assert_eq!(composition.room_id, Some(uuid(ROOM_ID)));
    assert_eq!(composition.session_id, Some(uuid(SESSION_ID)));
    assert_eq!(composition.user_id, Some(uuid(USER_ID)));
    assert_eq!(composition.format, Some(types::RoomCompositionFormat::Mp4));
    assert_eq!(composition.resolution.as_deref(), Some("1280x720"));
    assert_eq!(composition.duration_secs, Some(67));
    assert_eq!(composition.size_mb, Some(12.25));
    assert_eq!(composition.started_at, Some(at(CREATED_AT)));
    assert_eq!(composition.completed_at, Some(at(ENDED_AT)));
    assert_eq!(composition.updated_at, Some(at(UPDATED_AT)));
    assert_eq!(composition.record_type.as_deref(), Some("composition"));
    assert_eq!(composition.webhook_timeout_secs, Some(20));
    assert_eq!(composition.video_layout.len(), 1);
    let region = &composition.video_layout["first"];
    assert_eq!((region.width, region.height), (Some(640), Some(720)));
    assert_eq!(
        (region.x_pos, region.y_pos, region.z_pos),
        (Some(0), Some(0), Some(1))
    );
    assert_eq!(region.max_columns.map(|n| n.get()), Some(2));
    assert_eq!(region.max_rows.map(|n| n.get()), Some(1));
    assert_eq!(region.video_sources, [RECORDING_ID, RECORDING_2_ID]);
}

// ---------------------------------------------------------------------------------------------
// Rooms
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_rooms() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(GET).path("/rooms"));
            exact_query(
                when,
                &[
                    ("filter[date_created_at][eq]", "2024-05-01"),
                    ("filter[date_created_at][gte]", "2024-04-01"),
                    ("filter[date_created_at][lte]", "2024-05-31"),
                    ("filter[date_updated_at][eq]", "2024-05-02"),
                    ("filter[date_updated_at][gte]", "2024-04-02"),
                    ("filter[date_updated_at][lte]", "2024-06-30"),
                    ("filter[unique_name]", "standup & retro"),
                    ("include_sessions", "true"),
                    ("page[number]", "2"),
                    ("page[size]", "50"),
                ],
            );
            then.status(200).json_body(json!({
                "data": [
                    room_json(ROOM_ID, "standup & retro", vec![
                        session_json(SESSION_ID, true, vec![]),
                    ]),
                    room_json(ROOM_2_ID, "standup & retro", vec![]),
                ],
                "meta": meta(2, 50, 3, 102)
            }));
        })
        .await;
    let result = client(&server)
        .list_rooms()
        .filter_date_created_at_eq(day("2024-05-01"))
        .filter_date_created_at_gte(day("2024-04-01"))
        .filter_date_created_at_lte(day("2024-05-31"))
        .filter_date_updated_at_eq(day("2024-05-02"))
        .filter_date_updated_at_gte(day("2024-04-02"))
        .filter_date_updated_at_lte(day("2024-06-30"))
        .filter_unique_name("standup & retro")
        .include_sessions(true)
        .page_number(2u64)
        .page_size(50u64)
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("ListRooms");
    assert_eq!(response.status(), 200);
    let page = response.into_inner();
    assert_eq!(page.data.len(), 2);
    check_room(&page.data[0], ROOM_ID, "standup & retro");
    check_room(&page.data[1], ROOM_2_ID, "standup & retro");
    assert_eq!(page.data[0].sessions.len(), 1);
    check_session(&page.data[0].sessions[0], SESSION_ID, true);
    assert!(page.data[1].sessions.is_empty());
    assert_meta(page.meta.as_ref(), [2, 50, 3, 102]);
}

#[tokio::test]
async fn create_room() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(authed(when.method(POST).path("/rooms")));
            json_request(
                when,
                json!({
                    "unique_name": "standup",
                    "max_participants": 20,
                    "enable_recording": true,
                    "webhook_event_url": "https://example.com/webhooks/video",
                    "webhook_event_failover_url": "https://backup.example.com/webhooks/video",
                    "webhook_timeout_secs": 15
                }),
            );
            then.status(201)
                .json_body(json!({"data": room_json(ROOM_ID, "standup", vec![])}));
        })
        .await;
    let result = client(&server)
        .create_room()
        .body(
            types::CreateRoomRequest::builder()
                .unique_name("standup".to_owned())
                .max_participants(20)
                .enable_recording(true)
                .webhook_event_url("https://example.com/webhooks/video".to_owned())
                .webhook_event_failover_url("https://backup.example.com/webhooks/video".to_owned())
                .webhook_timeout_secs(15i64),
        )
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("CreateRoom");
    assert_eq!(response.status(), 201);
    let room = response.into_inner().data.expect("data");
    check_room(&room, ROOM_ID, "standup");
    assert!(room.sessions.is_empty());
}

#[tokio::test]
async fn view_room() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}");
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(GET).path(path.as_str()));
            exact_query(when, &[("include_sessions", "false")]);
            then.status(200)
                .json_body(json!({"data": room_json(ROOM_ID, "standup", vec![])}));
        })
        .await;
    let result = client(&server)
        .view_room()
        .room_id(uuid(ROOM_ID))
        .include_sessions(false)
        .send()
        .await;
    mock.assert_async().await;
    let room = result.expect("ViewRoom").into_inner().data.expect("data");
    check_room(&room, ROOM_ID, "standup");
}

#[tokio::test]
async fn update_room() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}");
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(authed(when.method(PATCH).path(path.as_str())));
            // Only the fields that were set: a PATCH must not reset the others to defaults.
            json_request(
                when,
                json!({"unique_name": "standup-2", "max_participants": 25, "webhook_timeout_secs": 5}),
            );
            let mut room = room_json(ROOM_ID, "standup-2", vec![]);
            room["max_participants"] = json!(25);
            room["webhook_timeout_secs"] = json!(5);
            then.status(200).json_body(json!({"data": room}));
        })
        .await;
    let result = client(&server)
        .update_room()
        .room_id(uuid(ROOM_ID))
        .body(
            types::PatchRoomRequest::builder()
                .unique_name("standup-2".to_owned())
                .max_participants(25i64)
                .webhook_timeout_secs(5i64),
        )
        .send()
        .await;
    mock.assert_async().await;
    let room = result.expect("UpdateRoom").into_inner().data.expect("data");
    assert_eq!(room.id, Some(uuid(ROOM_ID)));
    assert_eq!(room.unique_name.as_deref(), Some("standup-2"));
    assert_eq!(room.max_participants, Some(25));
    assert_eq!(room.webhook_timeout_secs, Some(5));
    assert_eq!(room.updated_at, Some(at(UPDATED_AT)));
}

#[tokio::test]
async fn delete_room() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}");
    let mock = server
        .mock_async(|when, then| {
            no_query(authed(when.method(DELETE).path(path.as_str()))).body("");
            then.status(204);
        })
        .await;
    let result = client(&server)
        .delete_room()
        .room_id(uuid(ROOM_ID))
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("DeleteRoom");
    assert_eq!(response.status(), 204);
}

// ---------------------------------------------------------------------------------------------
// Client tokens
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_room_client_token() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}/actions/generate_join_client_token");
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(authed(when.method(POST).path(path.as_str())));
            json_request(
                when,
                json!({"refresh_token_ttl_secs": 7200, "token_ttl_secs": 900}),
            );
            then.status(201).json_body(json!({"data": {
                "token": "eyJhbGciOiJIUzI1NiJ9.join.sig",
                "token_expires_at": "2024-05-01T12:15:00Z",
                "refresh_token": "eyJhbGciOiJIUzI1NiJ9.refresh.sig",
                "refresh_token_expires_at": "2024-05-01T14:00:00.000+00:00"
            }}));
        })
        .await;
    let result = client(&server)
        .create_room_client_token()
        .room_id(uuid(ROOM_ID))
        .body(
            types::CreateRoomClientTokenRequest::builder()
                .refresh_token_ttl_secs(7200)
                .token_ttl_secs(900),
        )
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("CreateRoomClientToken");
    assert_eq!(response.status(), 201);
    let data = response.into_inner().data.expect("data");
    assert_eq!(data.token.as_deref(), Some("eyJhbGciOiJIUzI1NiJ9.join.sig"));
    assert_eq!(data.token_expires_at, Some(at("2024-05-01T12:15:00Z")));
    assert_eq!(
        data.refresh_token.as_deref(),
        Some("eyJhbGciOiJIUzI1NiJ9.refresh.sig")
    );
    assert_eq!(
        data.refresh_token_expires_at,
        Some(at("2024-05-01T14:00:00Z"))
    );
}

#[tokio::test]
async fn refresh_room_client_token_sends_no_key() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}/actions/refresh_client_token");
    let body = json!({"refresh_token": "eyJhbGciOiJIUzI1NiJ9.refresh.sig", "token_ttl_secs": 300});
    let answer = json!({"data": {
        "token": "eyJhbGciOiJIUzI1NiJ9.join2.sig",
        "token_expires_at": "2024-05-01T12:20:00Z"
    }});
    let request = types::RefreshRoomClientTokenRequest::builder()
        .refresh_token("eyJhbGciOiJIUzI1NiJ9.refresh.sig".to_owned())
        .token_ttl_secs(300);

    // A client without a key can call it, and sends no Authorization header.
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(
                when.method(POST)
                    .path(path.as_str())
                    .header("accept", "application/json")
                    .header_missing("authorization"),
            );
            json_request(when, body.clone());
            then.status(201).json_body(answer.clone());
        })
        .await;
    let keyless = keyless_client(&server);
    assert!(!keyless.has_api_key());
    let result = keyless
        .refresh_room_client_token()
        .room_id(uuid(ROOM_ID))
        .body(request.clone())
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("RefreshRoomClientToken without a key");
    assert_eq!(response.status(), 201);
    let data = response.into_inner().data.expect("data");
    assert_eq!(
        data.token.as_deref(),
        Some("eyJhbGciOiJIUzI1NiJ9.join2.sig")
    );
    assert_eq!(data.token_expires_at, Some(at("2024-05-01T12:20:00Z")));
    mock.delete_async().await;

    // A client with a key keeps it to itself for this operation too.
    let mock = server
        .mock_async(|when, then| {
            let when = when
                .method(POST)
                .path(path.as_str())
                .header_missing("authorization");
            json_request(when, body.clone());
            then.status(201).json_body(answer.clone());
        })
        .await;
    let result = client(&server)
        .refresh_room_client_token()
        .room_id(uuid(ROOM_ID))
        .body(request)
        .send()
        .await;
    mock.assert_async().await;
    result.expect("RefreshRoomClientToken with a key");
}

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn retrieve_list_room_sessions() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}/sessions");
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(GET).path(path.as_str()));
            exact_query(
                when,
                &[
                    ("include_participants", "true"),
                    ("filter[active]", "false"),
                    ("filter[date_created_at][eq]", "2024-05-01"),
                    ("filter[date_created_at][gte]", "2024-04-01"),
                    ("filter[date_created_at][lte]", "2024-05-31"),
                    ("filter[date_ended_at][eq]", "2024-05-03"),
                    ("filter[date_ended_at][gte]", "2024-04-03"),
                    ("filter[date_ended_at][lte]", "2024-05-29"),
                    ("filter[date_updated_at][eq]", "2024-05-02"),
                    ("filter[date_updated_at][gte]", "2024-04-02"),
                    ("filter[date_updated_at][lte]", "2024-05-30"),
                    ("page[number]", "1"),
                    ("page[size]", "1"),
                ],
            );
            then.status(200).json_body(json!({
                "data": [session_json(SESSION_2_ID, false, vec![
                    participant_json(PARTICIPANT_ID, true),
                    participant_json(PARTICIPANT_2_ID, true),
                ])],
                "meta": meta(1, 1, 4, 4)
            }));
        })
        .await;
    let result = client(&server)
        .retrieve_list_room_sessions()
        .room_id(uuid(ROOM_ID))
        .include_participants(true)
        .filter_active(false)
        .filter_date_created_at_eq(day("2024-05-01"))
        .filter_date_created_at_gte(day("2024-04-01"))
        .filter_date_created_at_lte(day("2024-05-31"))
        .filter_date_ended_at_eq(day("2024-05-03"))
        .filter_date_ended_at_gte(day("2024-04-03"))
        .filter_date_ended_at_lte(day("2024-05-29"))
        .filter_date_updated_at_eq(day("2024-05-02"))
        .filter_date_updated_at_gte(day("2024-04-02"))
        .filter_date_updated_at_lte(day("2024-05-30"))
        .page_number(1u64)
        .page_size(1u64)
        .send()
        .await;
    mock.assert_async().await;
    let page = result.expect("RetrieveListRoomSessions").into_inner();
    assert_eq!(page.data.len(), 1);
    let session = &page.data[0];
    check_session(session, SESSION_2_ID, false);
    assert_eq!(session.participants.len(), 2);
    check_participant(&session.participants[0], PARTICIPANT_ID, true);
    check_participant(&session.participants[1], PARTICIPANT_2_ID, true);
    assert_meta(page.meta.as_ref(), [1, 1, 4, 4]);
}

#[tokio::test]
async fn list_room_sessions() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(GET).path("/room_sessions"));
            exact_query(
                when,
                &[
                    ("include_participants", "false"),
                    ("filter[active]", "true"),
                    ("filter[date_created_at][eq]", "2024-05-01"),
                    ("filter[date_created_at][gte]", "2024-04-01"),
                    ("filter[date_created_at][lte]", "2024-05-31"),
                    ("filter[date_ended_at][eq]", "2024-05-03"),
                    ("filter[date_ended_at][gte]", "2024-04-03"),
                    ("filter[date_ended_at][lte]", "2024-05-29"),
                    ("filter[date_updated_at][eq]", "2024-05-02"),
                    ("filter[date_updated_at][gte]", "2024-04-02"),
                    ("filter[date_updated_at][lte]", "2024-05-30"),
                    ("filter[room_id]", ROOM_ID),
                    ("page[number]", "3"),
                    ("page[size]", "250"),
                ],
            );
            then.status(200).json_body(json!({
                "data": [
                    session_json(SESSION_ID, true, vec![]),
                    session_json(SESSION_2_ID, false, vec![]),
                ],
                "meta": meta(3, 250, 3, 502)
            }));
        })
        .await;
    let result = client(&server)
        .list_room_sessions()
        .include_participants(false)
        .filter_active(true)
        .filter_date_created_at_eq(day("2024-05-01"))
        .filter_date_created_at_gte(day("2024-04-01"))
        .filter_date_created_at_lte(day("2024-05-31"))
        .filter_date_ended_at_eq(day("2024-05-03"))
        .filter_date_ended_at_gte(day("2024-04-03"))
        .filter_date_ended_at_lte(day("2024-05-29"))
        .filter_date_updated_at_eq(day("2024-05-02"))
        .filter_date_updated_at_gte(day("2024-04-02"))
        .filter_date_updated_at_lte(day("2024-05-30"))
        .filter_room_id(ROOM_ID)
        .page_number(3u64)
        .page_size(250u64)
        .send()
        .await;
    mock.assert_async().await;
    let page = result.expect("ListRoomSessions").into_inner();
    assert_eq!(page.data.len(), 2);
    check_session(&page.data[0], SESSION_ID, true);
    check_session(&page.data[1], SESSION_2_ID, false);
    assert!(page.data.iter().all(|s| s.participants.is_empty()));
    assert_meta(page.meta.as_ref(), [3, 250, 3, 502]);
}

#[tokio::test]
async fn view_room_session() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}");
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(GET).path(path.as_str()));
            exact_query(when, &[("include_participants", "true")]);
            then.status(200).json_body(json!({"data": session_json(
                SESSION_ID, true, vec![participant_json(PARTICIPANT_ID, false)],
            )}));
        })
        .await;
    let result = client(&server)
        .view_room_session()
        .room_session_id(uuid(SESSION_ID))
        .include_participants(true)
        .send()
        .await;
    mock.assert_async().await;
    let session = result
        .expect("ViewRoomSession")
        .into_inner()
        .data
        .expect("data");
    check_session(&session, SESSION_ID, true);
    assert_eq!(session.participants.len(), 1);
    check_participant(&session.participants[0], PARTICIPANT_ID, false);
}

#[tokio::test]
async fn end_session() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}/actions/end");
    let mock = server
        .mock_async(|when, then| {
            // No request body is defined for this action, and none is sent.
            no_query(authed(when.method(POST).path(path.as_str()))).body("");
            then.status(200)
                .json_body(json!({"data": {"result": "ok"}}));
        })
        .await;
    let result = client(&server)
        .end_session()
        .room_session_id(uuid(SESSION_ID))
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("EndSession");
    assert_eq!(response.status(), 200);
    let data = response.into_inner().data.expect("data");
    assert_eq!(data.result.as_deref(), Some("ok"));
}

#[tokio::test]
async fn kick_participant_in_session() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}/actions/kick");
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(authed(when.method(POST).path(path.as_str())));
            json_request(
                when,
                json!({"participants": "all", "exclude": [PARTICIPANT_2_ID]}),
            );
            then.status(200)
                .json_body(json!({"data": {"result": "ok"}}));
        })
        .await;
    let result = client(&server)
        .kick_participant_in_session()
        .room_session_id(uuid(SESSION_ID))
        .body(
            types::ActionsParticipantsRequest::builder()
                .participants(types::ActionsParticipantsRequestParticipants::String(
                    types::ActionsParticipantsRequestParticipantsString::All,
                ))
                .exclude(vec![uuid(PARTICIPANT_2_ID)]),
        )
        .send()
        .await;
    mock.assert_async().await;
    let data = result
        .expect("KickParticipantInSession")
        .into_inner()
        .data
        .expect("data");
    assert_eq!(data.result.as_deref(), Some("ok"));
}

#[tokio::test]
async fn mute_participant_in_session() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}/actions/mute");
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(authed(when.method(POST).path(path.as_str())));
            // `exclude` was not set and is left out rather than sent empty.
            json_request(
                when,
                json!({"participants": [PARTICIPANT_ID, PARTICIPANT_2_ID]}),
            );
            then.status(200)
                .json_body(json!({"data": {"result": "ok"}}));
        })
        .await;
    let result = client(&server)
        .mute_participant_in_session()
        .room_session_id(uuid(SESSION_ID))
        .body(types::ActionsParticipantsRequest::builder().participants(
            types::ActionsParticipantsRequestParticipants::Array(vec![
                uuid(PARTICIPANT_ID),
                uuid(PARTICIPANT_2_ID),
            ]),
        ))
        .send()
        .await;
    mock.assert_async().await;
    let data = result
        .expect("MuteParticipantInSession")
        .into_inner()
        .data
        .expect("data");
    assert_eq!(data.result.as_deref(), Some("ok"));
}

#[tokio::test]
async fn unmute_participant_in_session() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}/actions/unmute");
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(authed(when.method(POST).path(path.as_str())));
            json_request(
                when,
                json!({"participants": "all", "exclude": [PARTICIPANT_ID, PARTICIPANT_2_ID]}),
            );
            then.status(200)
                .json_body(json!({"data": {"result": "accepted"}}));
        })
        .await;
    let result = client(&server)
        .unmute_participant_in_session()
        .room_session_id(uuid(SESSION_ID))
        .body(
            types::ActionsParticipantsRequest::builder()
                .participants(types::ActionsParticipantsRequestParticipants::String(
                    types::ActionsParticipantsRequestParticipantsString::All,
                ))
                .exclude(vec![uuid(PARTICIPANT_ID), uuid(PARTICIPANT_2_ID)]),
        )
        .send()
        .await;
    mock.assert_async().await;
    let data = result
        .expect("UnmuteParticipantInSession")
        .into_inner()
        .data
        .expect("data");
    assert_eq!(data.result.as_deref(), Some("accepted"));
}

// ---------------------------------------------------------------------------------------------
// Participants
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn retrieve_list_room_participants() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}/participants");
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(GET).path(path.as_str()));
            exact_query(
                when,
                &[
                    ("filter[context]", "{\"role\":\"host\"}"),
                    ("filter[date_joined_at][eq]", "2024-05-01"),
                    ("filter[date_joined_at][gte]", "2024-04-01"),
                    ("filter[date_joined_at][lte]", "2024-05-31"),
                    ("filter[date_left_at][eq]", "2024-05-03"),
                    ("filter[date_left_at][gte]", "2024-04-03"),
                    ("filter[date_left_at][lte]", "2024-05-29"),
                    ("filter[date_updated_at][eq]", "2024-05-02"),
                    ("filter[date_updated_at][gte]", "2024-04-02"),
                    ("filter[date_updated_at][lte]", "2024-05-30"),
                    ("page[number]", "1"),
                    ("page[size]", "2"),
                ],
            );
            then.status(200).json_body(json!({
                "data": [participant_json(PARTICIPANT_ID, false), participant_json(PARTICIPANT_2_ID, true)],
                "meta": meta(1, 2, 1, 2)
            }));
        })
        .await;
    let result = client(&server)
        .retrieve_list_room_participants()
        .room_session_id(uuid(SESSION_ID))
        .filter_context("{\"role\":\"host\"}")
        .filter_date_joined_at_eq(day("2024-05-01"))
        .filter_date_joined_at_gte(day("2024-04-01"))
        .filter_date_joined_at_lte(day("2024-05-31"))
        .filter_date_left_at_eq(day("2024-05-03"))
        .filter_date_left_at_gte(day("2024-04-03"))
        .filter_date_left_at_lte(day("2024-05-29"))
        .filter_date_updated_at_eq(day("2024-05-02"))
        .filter_date_updated_at_gte(day("2024-04-02"))
        .filter_date_updated_at_lte(day("2024-05-30"))
        .page_number(1u64)
        .page_size(2u64)
        .send()
        .await;
    mock.assert_async().await;
    let page = result.expect("RetrieveListRoomParticipants").into_inner();
    assert_eq!(page.data.len(), 2);
    check_participant(&page.data[0], PARTICIPANT_ID, false);
    check_participant(&page.data[1], PARTICIPANT_2_ID, true);
    assert_meta(page.meta.as_ref(), [1, 2, 1, 2]);
}

#[tokio::test]
async fn list_room_participants() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(GET).path("/room_participants"));
            exact_query(
                when,
                &[
                    ("filter[context]", "guest"),
                    ("filter[date_joined_at][eq]", "2024-05-01"),
                    ("filter[date_joined_at][gte]", "2024-04-01"),
                    ("filter[date_joined_at][lte]", "2024-05-31"),
                    ("filter[date_left_at][eq]", "2024-05-03"),
                    ("filter[date_left_at][gte]", "2024-04-03"),
                    ("filter[date_left_at][lte]", "2024-05-29"),
                    ("filter[date_updated_at][eq]", "2024-05-02"),
                    ("filter[date_updated_at][gte]", "2024-04-02"),
                    ("filter[date_updated_at][lte]", "2024-05-30"),
                    ("filter[session_id]", SESSION_ID),
                    ("page[number]", "5"),
                    ("page[size]", "10"),
                ],
            );
            then.status(200).json_body(json!({
                "data": [participant_json(PARTICIPANT_2_ID, true)],
                "meta": meta(5, 10, 5, 41)
            }));
        })
        .await;
    let result = client(&server)
        .list_room_participants()
        .filter_context("guest")
        .filter_date_joined_at_eq(day("2024-05-01"))
        .filter_date_joined_at_gte(day("2024-04-01"))
        .filter_date_joined_at_lte(day("2024-05-31"))
        .filter_date_left_at_eq(day("2024-05-03"))
        .filter_date_left_at_gte(day("2024-04-03"))
        .filter_date_left_at_lte(day("2024-05-29"))
        .filter_date_updated_at_eq(day("2024-05-02"))
        .filter_date_updated_at_gte(day("2024-04-02"))
        .filter_date_updated_at_lte(day("2024-05-30"))
        .filter_session_id(SESSION_ID)
        .page_number(5u64)
        .page_size(10u64)
        .send()
        .await;
    mock.assert_async().await;
    let page = result.expect("ListRoomParticipants").into_inner();
    assert_eq!(page.data.len(), 1);
    check_participant(&page.data[0], PARTICIPANT_2_ID, true);
    assert_meta(page.meta.as_ref(), [5, 10, 5, 41]);
}

#[tokio::test]
async fn view_room_participant() {
    let server = MockServer::start_async().await;
    let path = format!("/room_participants/{PARTICIPANT_ID}");
    let mock = server
        .mock_async(|when, then| {
            no_query(authed(when.method(GET).path(path.as_str())));
            then.status(200)
                .json_body(json!({"data": participant_json(PARTICIPANT_ID, true)}));
        })
        .await;
    let result = client(&server)
        .view_room_participant()
        .room_participant_id(uuid(PARTICIPANT_ID))
        .send()
        .await;
    mock.assert_async().await;
    let participant = result
        .expect("ViewRoomParticipant")
        .into_inner()
        .data
        .expect("data");
    check_participant(&participant, PARTICIPANT_ID, true);
}

// ---------------------------------------------------------------------------------------------
// Recordings
// ---------------------------------------------------------------------------------------------

/// Sets the twelve filters of [`RECORDING_FILTERS`] on a list or delete builder of room
/// recordings (two builder types with the same setters).
macro_rules! with_recording_filters {
    ($builder:expr) => {
        $builder
            .filter_date_ended_at_eq(day("2024-05-03"))
            .filter_date_ended_at_gte(day("2024-04-03"))
            .filter_date_ended_at_lte(day("2024-05-29"))
            .filter_date_started_at_eq(day("2024-05-01"))
            .filter_date_started_at_gte(day("2024-04-01"))
            .filter_date_started_at_lte(day("2024-05-31"))
            .filter_duration_secs(67)
            .filter_participant_id(uuid(PARTICIPANT_ID))
            .filter_room_id(uuid(ROOM_ID))
            .filter_session_id(uuid(SESSION_ID))
            .filter_status("completed")
            .filter_type("audio")
    };
}

/// Every recording filter, as the wire names and values the tests below set.
const RECORDING_FILTERS: &[(&str, &str)] = &[
    ("filter[date_ended_at][eq]", "2024-05-03"),
    ("filter[date_ended_at][gte]", "2024-04-03"),
    ("filter[date_ended_at][lte]", "2024-05-29"),
    ("filter[date_started_at][eq]", "2024-05-01"),
    ("filter[date_started_at][gte]", "2024-04-01"),
    ("filter[date_started_at][lte]", "2024-05-31"),
    ("filter[duration_secs]", "67"),
    ("filter[participant_id]", PARTICIPANT_ID),
    ("filter[room_id]", ROOM_ID),
    ("filter[session_id]", SESSION_ID),
    ("filter[status]", "completed"),
    ("filter[type]", "audio"),
];

fn with_page(
    filters: &[(&'static str, &'static str)],
    number: &'static str,
    size: &'static str,
) -> Vec<(&'static str, &'static str)> {
    let mut all = filters.to_vec();
    all.push(("page[number]", number));
    all.push(("page[size]", size));
    all
}

#[tokio::test]
async fn list_room_recordings() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(GET).path("/room_recordings"));
            exact_query(when, &with_page(RECORDING_FILTERS, "1", "20"));
            then.status(200).json_body(json!({
                "data": [
                    recording_json(RECORDING_ID, "completed", "audio"),
                    recording_json(RECORDING_2_ID, "processing", "video"),
                ],
                "meta": meta(1, 20, 1, 2)
            }));
        })
        .await;
    let result = with_recording_filters!(client(&server).list_room_recordings())
        .page_number(1u64)
        .page_size(20u64)
        .send()
        .await;
    mock.assert_async().await;
    let page = result.expect("ListRoomRecordings").into_inner();
    assert_eq!(page.data.len(), 2);
    check_recording(&page.data[0], RECORDING_ID);
    check_recording(&page.data[1], RECORDING_2_ID);
    assert_eq!(
        page.data[0].status,
        Some(types::RoomRecordingStatus::Completed)
    );
    assert_eq!(page.data[0].type_, Some(types::RoomRecordingType::Audio));
    assert_eq!(page.data[0].codec.as_deref(), Some("opus"));
    assert_eq!(
        page.data[1].status,
        Some(types::RoomRecordingStatus::Processing)
    );
    assert_eq!(page.data[1].type_, Some(types::RoomRecordingType::Video));
    assert_meta(page.meta.as_ref(), [1, 20, 1, 2]);
}

#[tokio::test]
async fn delete_room_recordings() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(DELETE).path("/room_recordings"));
            exact_query(when, &with_page(RECORDING_FILTERS, "2", "100"));
            then.status(201)
                .json_body(json!({"data": {"room_recordings": 37}}));
        })
        .await;
    let result = with_recording_filters!(client(&server).delete_room_recordings())
        .page_number(2u64)
        .page_size(100u64)
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("DeleteRoomRecordings");
    assert_eq!(response.status(), 201);
    let data = response.into_inner().data.expect("data");
    assert_eq!(data.room_recordings, Some(37));
}

#[tokio::test]
async fn view_room_recording() {
    let server = MockServer::start_async().await;
    let path = format!("/room_recordings/{RECORDING_ID}");
    let mock = server
        .mock_async(|when, then| {
            no_query(authed(when.method(GET).path(path.as_str())));
            then.status(200)
                .json_body(json!({"data": recording_json(RECORDING_ID, "completed", "video")}));
        })
        .await;
    let result = client(&server)
        .view_room_recording()
        .room_recording_id(uuid(RECORDING_ID))
        .send()
        .await;
    mock.assert_async().await;
    let recording = result
        .expect("ViewRoomRecording")
        .into_inner()
        .data
        .expect("data");
    check_recording(&recording, RECORDING_ID);
    assert_eq!(
        recording.status,
        Some(types::RoomRecordingStatus::Completed)
    );
    assert_eq!(recording.type_, Some(types::RoomRecordingType::Video));
    assert_eq!(recording.codec.as_deref(), Some("vp8"));
}

#[tokio::test]
async fn delete_room_recording() {
    let server = MockServer::start_async().await;
    let path = format!("/room_recordings/{RECORDING_ID}");
    let mock = server
        .mock_async(|when, then| {
            no_query(authed(when.method(DELETE).path(path.as_str()))).body("");
            then.status(204);
        })
        .await;
    let result = client(&server)
        .delete_room_recording()
        .room_recording_id(uuid(RECORDING_ID))
        .send()
        .await;
    mock.assert_async().await;
    assert_eq!(result.expect("DeleteRoomRecording").status(), 204);
}

// ---------------------------------------------------------------------------------------------
// Compositions
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_room_compositions() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = authed(when.method(GET).path("/room_compositions"));
            exact_query(
                when,
                &[
                    ("filter[date_created_at][eq]", "2024-05-01"),
                    ("filter[date_created_at][gte]", "2024-04-01"),
                    ("filter[date_created_at][lte]", "2024-05-31"),
                    ("filter[session_id]", SESSION_ID),
                    ("filter[status]", "completed"),
                    ("page[number]", "1"),
                    ("page[size]", "5"),
                ],
            );
            then.status(200).json_body(json!({
                "data": [composition_json("completed", "mp4")],
                "meta": meta(1, 5, 1, 1)
            }));
        })
        .await;
    let result = client(&server)
        .list_room_compositions()
        .filter_date_created_at_eq(day("2024-05-01"))
        .filter_date_created_at_gte(day("2024-04-01"))
        .filter_date_created_at_lte(day("2024-05-31"))
        .filter_session_id(uuid(SESSION_ID))
        .filter_status(types::ListRoomCompositionsFilterStatus::Completed)
        .page_number(1u64)
        .page_size(5u64)
        .send()
        .await;
    mock.assert_async().await;
    let page = result.expect("ListRoomCompositions").into_inner();
    assert_eq!(page.data.len(), 1);
    check_composition(&page.data[0]);
    assert_eq!(
        page.data[0].status,
        Some(types::RoomCompositionStatus::Completed)
    );
    assert_meta(page.meta.as_ref(), [1, 5, 1, 1]);
}

#[tokio::test]
async fn create_room_composition() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            let when = no_query(authed(when.method(POST).path("/room_compositions")));
            json_request(
                when,
                json!({
                    "session_id": SESSION_ID,
                    "format": "mp4",
                    "resolution": "1280x720",
                    "video_layout": {
                        "first": {
                            "height": 720, "width": 640, "x_pos": 0, "y_pos": 0, "z_pos": 1,
                            "max_columns": 2, "max_rows": 1,
                            "video_sources": [RECORDING_ID, RECORDING_2_ID]
                        }
                    },
                    "webhook_event_url": "https://example.com/webhooks/compositions",
                    "webhook_event_failover_url": "https://backup.example.com/webhooks/compositions",
                    "webhook_timeout_secs": 20
                }),
            );
            let mut composition = composition_json("enqueued", "mp4");
            composition
                .as_object_mut()
                .expect("object")
                .retain(|k, _| !["completed_at", "download_url", "size_mb"].contains(&k.as_str()));
            then.status(202).json_body(json!({"data": composition}));
        })
        .await;
    let region = types::VideoRegion {
        height: Some(720),
        width: Some(640),
        x_pos: Some(0),
        y_pos: Some(0),
        z_pos: Some(1),
        max_columns: NonZeroU64::new(2),
        max_rows: NonZeroU64::new(1),
        video_sources: vec![RECORDING_ID.to_owned(), RECORDING_2_ID.to_owned()],
    };
    let result = client(&server)
        .create_room_composition()
        .body(
            types::CreateRoomCompositionRequest::builder()
                .session_id(uuid(SESSION_ID))
                .format("mp4".to_owned())
                .resolution("1280x720".to_owned())
                .video_layout(HashMap::from([("first".to_owned(), region)]))
                .webhook_event_url("https://example.com/webhooks/compositions".to_owned())
                .webhook_event_failover_url(
                    "https://backup.example.com/webhooks/compositions".to_owned(),
                )
                .webhook_timeout_secs(20i64),
        )
        .send()
        .await;
    mock.assert_async().await;
    let response = result.expect("CreateRoomComposition");
    assert_eq!(response.status(), 202);
    let composition = response.into_inner().data.expect("data");
    assert_eq!(composition.id, Some(uuid(COMPOSITION_ID)));
    assert_eq!(
        composition.status,
        Some(types::RoomCompositionStatus::Enqueued)
    );
    assert_eq!(composition.format, Some(types::RoomCompositionFormat::Mp4));
    assert_eq!(composition.completed_at, None);
    assert_eq!(composition.download_url, None);
    assert_eq!(composition.video_layout["first"].video_sources.len(), 2);
}

#[tokio::test]
async fn view_room_composition() {
    let server = MockServer::start_async().await;
    let path = format!("/room_compositions/{COMPOSITION_ID}");
    let mock = server
        .mock_async(|when, then| {
            no_query(authed(when.method(GET).path(path.as_str())));
            then.status(200)
                .json_body(json!({"data": composition_json("processing", "mp4")}));
        })
        .await;
    let result = client(&server)
        .view_room_composition()
        .room_composition_id(uuid(COMPOSITION_ID))
        .send()
        .await;
    mock.assert_async().await;
    let composition = result
        .expect("ViewRoomComposition")
        .into_inner()
        .data
        .expect("data");
    check_composition(&composition);
    assert_eq!(
        composition.status,
        Some(types::RoomCompositionStatus::Processing)
    );
}

#[tokio::test]
async fn delete_room_composition() {
    let server = MockServer::start_async().await;
    let path = format!("/room_compositions/{COMPOSITION_ID}");
    let mock = server
        .mock_async(|when, then| {
            no_query(authed(when.method(DELETE).path(path.as_str()))).body("");
            then.status(204);
        })
        .await;
    let result = client(&server)
        .delete_room_composition()
        .room_composition_id(uuid(COMPOSITION_ID))
        .send()
        .await;
    mock.assert_async().await;
    assert_eq!(result.expect("DeleteRoomComposition").status(), 204);
}

// ---------------------------------------------------------------------------------------------
// Every operation, table-driven
// ---------------------------------------------------------------------------------------------

/// Calls `operation_id` with only its required arguments (ids from the constants above).
/// Panics for an operation it does not know, so an operation added to the document without a
/// test here is noticed.
async fn call_minimal(client: &Client, operation_id: &str) -> Result<(), telnyx_client::Error> {
    let room = uuid(ROOM_ID);
    let session = uuid(SESSION_ID);
    match operation_id {
        "ListRooms" => drop(client.list_rooms().send().await?),
        "CreateRoom" => drop(
            client
                .create_room()
                .body(types::CreateRoomRequest::builder())
                .send()
                .await?,
        ),
        "ViewRoom" => drop(client.view_room().room_id(room).send().await?),
        "UpdateRoom" => drop(
            client
                .update_room()
                .room_id(room)
                .body(types::PatchRoomRequest::builder())
                .send()
                .await?,
        ),
        "DeleteRoom" => drop(client.delete_room().room_id(room).send().await?),
        "CreateRoomClientToken" => drop(
            client
                .create_room_client_token()
                .room_id(room)
                .body(types::CreateRoomClientTokenRequest::builder())
                .send()
                .await?,
        ),
        "RefreshRoomClientToken" => drop(
            client
                .refresh_room_client_token()
                .room_id(room)
                .body(
                    types::RefreshRoomClientTokenRequest::builder()
                        .refresh_token("refresh".to_owned()),
                )
                .send()
                .await?,
        ),
        "RetrieveListRoomSessions" => drop(
            client
                .retrieve_list_room_sessions()
                .room_id(room)
                .send()
                .await?,
        ),
        "ListRoomSessions" => drop(client.list_room_sessions().send().await?),
        "ViewRoomSession" => drop(
            client
                .view_room_session()
                .room_session_id(session)
                .send()
                .await?,
        ),
        "EndSession" => drop(client.end_session().room_session_id(session).send().await?),
        "KickParticipantInSession" => drop(
            client
                .kick_participant_in_session()
                .room_session_id(session)
                .body(types::ActionsParticipantsRequest::builder())
                .send()
                .await?,
        ),
        "MuteParticipantInSession" => drop(
            client
                .mute_participant_in_session()
                .room_session_id(session)
                .body(types::ActionsParticipantsRequest::builder())
                .send()
                .await?,
        ),
        "UnmuteParticipantInSession" => drop(
            client
                .unmute_participant_in_session()
                .room_session_id(session)
                .body(types::ActionsParticipantsRequest::builder())
                .send()
                .await?,
        ),
        "RetrieveListRoomParticipants" => drop(
            client
                .retrieve_list_room_participants()
                .room_session_id(session)
                .send()
                .await?,
        ),
        "ListRoomParticipants" => drop(client.list_room_participants().send().await?),
        "ViewRoomParticipant" => drop(
            client
                .view_room_participant()
                .room_participant_id(uuid(PARTICIPANT_ID))
                .send()
                .await?,
        ),
        "ListRoomRecordings" => drop(client.list_room_recordings().send().await?),
        "DeleteRoomRecordings" => drop(client.delete_room_recordings().send().await?),
        "ViewRoomRecording" => drop(
            client
                .view_room_recording()
                .room_recording_id(uuid(RECORDING_ID))
                .send()
                .await?,
        ),
        "DeleteRoomRecording" => drop(
            client
                .delete_room_recording()
                .room_recording_id(uuid(RECORDING_ID))
                .send()
                .await?,
        ),
        "ListRoomCompositions" => drop(client.list_room_compositions().send().await?),
        "CreateRoomComposition" => drop(
            client
                .create_room_composition()
                .body(types::CreateRoomCompositionRequest::builder())
                .send()
                .await?,
        ),
        "ViewRoomComposition" => drop(
            client
                .view_room_composition()
                .room_composition_id(uuid(COMPOSITION_ID))
                .send()
                .await?,
        ),
        "DeleteRoomComposition" => drop(
            client
                .delete_room_composition()
                .room_composition_id(uuid(COMPOSITION_ID))
                .send()
                .await?,
        ),
        other => panic!("operation {other} has no test in tests/client/operations.rs: add one"),
    }
    Ok(())
}

/// The operation's path template with the ids `call_minimal` uses.
fn concrete_path(template: &str) -> String {
    template
        .replace("{room_id}", ROOM_ID)
        .replace("{room_session_id}", SESSION_ID)
        .replace("{room_participant_id}", PARTICIPANT_ID)
        .replace("{room_recording_id}", RECORDING_ID)
        .replace("{room_composition_id}", COMPOSITION_ID)
}

/// The operations of the Video family: the ones tested here, whatever other families the
/// client was built with.
fn video_operations() -> impl Iterator<Item = &'static operations::Operation> {
    operations::ALL.iter().filter(|op| op.family == "video")
}

#[test]
fn the_operation_table_lists_the_25_operations_tested_here() {
    let mut ids: Vec<&str> = video_operations().map(|op| op.operation_id).collect();
    ids.sort_unstable();
    let mut expected = vec![
        "ListRooms",
        "CreateRoom",
        "ViewRoom",
        "UpdateRoom",
        "DeleteRoom",
        "RetrieveListRoomSessions",
        "ListRoomSessions",
        "ViewRoomSession",
        "EndSession",
        "KickParticipantInSession",
        "MuteParticipantInSession",
        "UnmuteParticipantInSession",
        "RetrieveListRoomParticipants",
        "ListRoomParticipants",
        "ViewRoomParticipant",
        "ListRoomRecordings",
        "DeleteRoomRecordings",
        "ViewRoomRecording",
        "DeleteRoomRecording",
        "ListRoomCompositions",
        "CreateRoomComposition",
        "ViewRoomComposition",
        "DeleteRoomComposition",
        "CreateRoomClientToken",
        "RefreshRoomClientToken",
    ];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    let keyless: Vec<&str> = video_operations()
        .filter(|op| op.auth != Auth::Required)
        .map(|op| op.operation_id)
        .collect();
    assert_eq!(keyless, ["RefreshRoomClientToken"]);
}

/// Every operation sends its documented method and path, sends the key exactly when its
/// `security` asks for one, and turns a 4xx `errors[]` body and a 5xx `{message, success}` body
/// into `Error::Api` with status and request id.
#[tokio::test]
async fn every_operation_sends_its_method_path_and_auth_and_reports_error_bodies() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let answers = [
        (
            404u16,
            json!({"errors": [{"code": "10005", "title": "Resource not found",
                               "detail": "The requested resource does not exist."}]}),
        ),
        (
            503,
            json!({"message": "Service temporarily unavailable", "success": false}),
        ),
    ];
    for op in video_operations() {
        for (status, body) in &answers {
            let path = concrete_path(op.path);
            let mock = server
                .mock_async(|when, then| {
                    let when = when
                        .method(op.http_method)
                        .path(path.as_str())
                        .header("accept", "application/json");
                    match op.auth {
                        Auth::None => when.header_missing("authorization"),
                        _ => when.header("authorization", format!("Bearer {KEY}")),
                    };
                    then.status(*status)
                        .header("content-type", "application/json")
                        .header("x-request-id", format!("req-{}", op.operation_id))
                        .json_body(body.clone());
                })
                .await;
            let result = call_minimal(&client, op.operation_id).await;
            assert_eq!(
                mock.calls_async().await,
                1,
                "{} {} {path}: request did not match",
                op.operation_id,
                op.http_method
            );
            mock.delete_async().await;
            let error = result.expect_err(op.operation_id);
            let api = error
                .api()
                .unwrap_or_else(|| panic!("{}: not an API error: {error:?}", op.operation_id));
            assert_eq!(api.status.as_u16(), *status, "{}", op.operation_id);
            let request_id = format!("req-{}", op.operation_id);
            assert_eq!(error.request_id(), Some(request_id.as_str()));
            if *status == 404 {
                assert!(api.has_code("10005"), "{}: {api:?}", op.operation_id);
            } else {
                assert_eq!(
                    api.message.as_deref(),
                    Some("Service temporarily unavailable")
                );
                assert_eq!(api.success, Some(false));
            }
        }
    }
}

/// A client without a key fails every operation that needs one before sending anything, with
/// an error naming the operation and `TELNYX_API_KEY`.
#[tokio::test]
async fn keyless_client_fails_keyed_operations_before_sending() {
    let server = MockServer::start_async().await;
    let catch_all = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let client = keyless_client(&server);
    for op in video_operations().filter(|op| op.auth == Auth::Required) {
        let error = call_minimal(&client, op.operation_id)
            .await
            .expect_err(op.operation_id);
        assert!(
            matches!(&error, telnyx_client::Error::MissingApiKey { operation } if operation == op.operation_id),
            "{}: {error:?}",
            op.operation_id
        );
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "TELNYX_API_KEY is not set; operation {} needs an API key",
                op.operation_id
            )),
            "{message}"
        );
    }
    catch_all.assert_calls_async(0).await;

    // The quick one from the issue: CreateRoom, nothing sent.
    let error: telnyx_client::Error = client
        .create_room()
        .body(types::CreateRoomRequest::builder().unique_name("standup".to_owned()))
        .send()
        .await
        .expect_err("no key")
        .into();
    let message = error.to_string();
    assert!(message.contains("CreateRoom"), "{message}");
    assert!(message.contains("TELNYX_API_KEY"), "{message}");
    catch_all.assert_calls_async(0).await;
}

// ---------------------------------------------------------------------------------------------
// Error shapes
// ---------------------------------------------------------------------------------------------

fn api(error: &telnyx_client::Error) -> &ApiError {
    error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"))
}

#[tokio::test]
async fn forbidden_with_errors_list() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(POST).path("/rooms"));
            then.status(403)
                .header("content-type", "application/json")
                .header("x-request-id", "a7c1e1d2-req-403")
                .json_body(json!({"errors": [{
                    "code": "10010",
                    "title": "Forbidden",
                    "detail": "The API key is not allowed to create rooms.",
                    "source": {"pointer": "/unique_name"},
                    "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10010"}
                }]}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .create_room()
        .body(types::CreateRoomRequest::builder().unique_name("standup".to_owned()))
        .send()
        .await
        .expect_err("403")
        .into();
    mock.assert_async().await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.request_id(), Some("a7c1e1d2-req-403"));
    let api = api(&error);
    assert_eq!(api.errors.len(), 1);
    let item = api.first().expect("one item");
    assert_eq!(item.code.as_deref(), Some("10010"));
    assert_eq!(item.title.as_deref(), Some("Forbidden"));
    assert_eq!(
        item.detail.as_deref(),
        Some("The API key is not allowed to create rooms.")
    );
    assert_eq!(item.pointer.as_deref(), Some("/unique_name"));
    assert_eq!(item.parameter, None);
    assert_eq!(
        item.url.as_deref(),
        Some("https://developers.telnyx.com/docs/overview/errors/10010")
    );
    assert_eq!(
        error.to_string(),
        "Telnyx API error 403 Forbidden (request id a7c1e1d2-req-403): 10010 Forbidden - The API \
         key is not allowed to create rooms. (at /unique_name)"
    );
}

#[tokio::test]
async fn not_found_with_errors_list() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path(path.as_str()));
            then.status(404)
                .header("content-type", "application/json")
                .header("x-request-id", "req-404")
                .json_body(json!({"errors": [{
                    "code": "10005",
                    "title": "Resource not found",
                    "detail": "The requested room does not exist.",
                    "source": {"parameter": "room_id"}
                }]}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .view_room()
        .room_id(uuid(ROOM_ID))
        .send()
        .await
        .expect_err("404")
        .into();
    mock.assert_async().await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.request_id.as_deref(), Some("req-404"));
    let item = api.first().expect("one item");
    assert_eq!(item.code.as_deref(), Some("10005"));
    assert_eq!(item.parameter.as_deref(), Some("room_id"));
    assert_eq!(item.pointer, None);
    assert_eq!(item.url, None);
    assert_eq!(
        error.to_string(),
        "Telnyx API error 404 Not Found (request id req-404): 10005 Resource not found - The \
         requested room does not exist. (at room_id)"
    );
}

/// Telnyx also answers some 403/404s with one bare error object instead of an `errors` list.
#[tokio::test]
async fn not_found_with_bare_error_object() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path(path.as_str()));
            then.status(404)
                .header("content-type", "application/json")
                .header("x-request-id", "req-bare")
                .json_body(json!({
                    "code": "10007",
                    "title": "Resource not found",
                    "detail": "The requested room session does not exist.",
                    "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10007"}
                }));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .view_room_session()
        .room_session_id(uuid(SESSION_ID))
        .send()
        .await
        .expect_err("404")
        .into();
    mock.assert_async().await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.request_id.as_deref(), Some("req-bare"));
    assert_eq!(api.raw_body, None);
    assert_eq!(api.errors.len(), 1, "{api:?}");
    let item = api.first().expect("one item");
    assert_eq!(item.code.as_deref(), Some("10007"));
    assert_eq!(item.title.as_deref(), Some("Resource not found"));
    assert_eq!(
        item.detail.as_deref(),
        Some("The requested room session does not exist.")
    );
    assert_eq!(
        item.url.as_deref(),
        Some("https://developers.telnyx.com/docs/overview/errors/10007")
    );
    assert_eq!(
        error.to_string(),
        "Telnyx API error 404 Not Found (request id req-bare): 10007 Resource not found - The \
         requested room session does not exist."
    );
}

#[tokio::test]
async fn unprocessable_with_source_pointers() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(POST).path("/room_compositions"));
            then.status(422)
                .header("content-type", "application/json")
                .header("x-request-id", "req-422")
                .json_body(json!({"errors": [
                    {
                        "code": "10015",
                        "title": "Invalid value",
                        "detail": "Each side of the resolution must be within 16..1280.",
                        "source": {"pointer": "/resolution"},
                        "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10015"}
                    },
                    {
                        "code": "10016",
                        "title": "Invalid value",
                        "detail": "A region must be at least 16 pixels high.",
                        "source": {"pointer": "/video_layout/first/height"}
                    }
                ]}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .create_room_composition()
        .body(
            types::CreateRoomCompositionRequest::builder()
                .session_id(uuid(SESSION_ID))
                .resolution("4096x2160".to_owned()),
        )
        .send()
        .await
        .expect_err("422")
        .into();
    mock.assert_async().await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 422);
    assert_eq!(api.errors.len(), 2);
    assert_eq!(api.errors[0].pointer.as_deref(), Some("/resolution"));
    assert_eq!(
        api.errors[1].pointer.as_deref(),
        Some("/video_layout/first/height")
    );
    assert!(api.has_code("10016"));
    assert!(!api.has_code("10005"));
    assert_eq!(
        error.to_string(),
        "Telnyx API error 422 Unprocessable Entity (request id req-422): 10015 Invalid value - \
         Each side of the resolution must be within 16..1280. (at /resolution) (and 1 more)"
    );
}

#[tokio::test]
async fn client_error_with_message_and_success() {
    let server = MockServer::start_async().await;
    let path = format!("/room_sessions/{SESSION_ID}/actions/mute");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(POST).path(path.as_str()));
            then.status(400)
                .header("content-type", "application/json")
                .json_body(json!({"message": "Session is not active", "success": false}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .mute_participant_in_session()
        .room_session_id(uuid(SESSION_ID))
        .body(types::ActionsParticipantsRequest::builder().participants(
            types::ActionsParticipantsRequestParticipants::String(
                types::ActionsParticipantsRequestParticipantsString::All,
            ),
        ))
        .send()
        .await
        .expect_err("400")
        .into();
    mock.assert_async().await;
    let api = api(&error);
    assert_eq!(api.status.as_u16(), 400);
    assert!(api.errors.is_empty(), "{api:?}");
    assert_eq!(api.message.as_deref(), Some("Session is not active"));
    assert_eq!(api.success, Some(false));
    assert_eq!(api.raw_body, None);
    assert_eq!(api.request_id, None);
    assert_eq!(
        error.to_string(),
        "Telnyx API error 400 Bad Request: Session is not active"
    );
}

#[tokio::test]
async fn unauthorized_says_to_check_the_key() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path("/rooms"));
            then.status(401)
                .header("content-type", "application/json")
                .json_body(
                    json!({"errors": [{"code": "10009", "title": "Authentication failed",
                                   "detail": "The API key is invalid."}]}),
                );
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .list_rooms()
        .send()
        .await
        .expect_err("401")
        .into();
    mock.assert_async().await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let message = error.to_string();
    assert!(message.contains("10009 Authentication failed"), "{message}");
    assert!(message.contains("TELNYX_API_KEY"), "{message}");
    assert!(!message.contains(KEY), "{message}");
}

#[tokio::test]
async fn non_json_bad_gateway_keeps_status_and_raw_body() {
    let server = MockServer::start_async().await;
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path("/room_recordings"));
            then.status(502)
                .header("content-type", "text/html")
                .header("x-request-id", "req-502")
                .body(html);
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .list_room_recordings()
        .send()
        .await
        .expect_err("502")
        .into();
    mock.assert_async().await;
    let details = api(&error);
    assert_eq!(details.status.as_u16(), 502);
    assert_eq!(details.request_id.as_deref(), Some("req-502"));
    assert_eq!(details.raw_body.as_deref(), Some(html));
    assert!(details.errors.is_empty());
    assert_eq!(details.message, None);
    assert_eq!(
        error.to_string(),
        format!("Telnyx API error 502 Bad Gateway (request id req-502); body: {html}")
    );

    // Truncated JSON labelled as JSON is raw text too, not a decoding error without a status.
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/room_compositions");
            then.status(500)
                .header("content-type", "application/json")
                .body(r#"{"errors": [{"code": "#);
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .list_room_compositions()
        .send()
        .await
        .expect_err("500")
        .into();
    mock.assert_async().await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        api(&error).raw_body.as_deref(),
        Some(r#"{"errors": [{"code": "#)
    );
}

/// A 2xx body that does not match the description is an `InvalidResponse` carrying the body.
#[tokio::test]
async fn success_body_that_does_not_match_is_invalid_response() {
    let server = MockServer::start_async().await;
    let path = format!("/room_participants/{PARTICIPANT_ID}");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(GET).path(path.as_str()));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"data": {"id": "not-a-uuid"}}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .view_room_participant()
        .room_participant_id(uuid(PARTICIPANT_ID))
        .send()
        .await
        .expect_err("bad body")
        .into();
    mock.assert_async().await;
    match &error {
        telnyx_client::Error::InvalidResponse { body, .. } => {
            assert_eq!(&body[..], br#"{"data":{"id":"not-a-uuid"}}"#);
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.starts_with("Telnyx's response does not match the API description"),
        "{message}"
    );
    assert!(message.contains("not-a-uuid"), "{message}");
}

/// A status the description does not list (here a 200 where only 204 is documented).
#[tokio::test]
async fn undocumented_status_is_unexpected_response() {
    let server = MockServer::start_async().await;
    let path = format!("/rooms/{ROOM_ID}");
    let mock = server
        .mock_async(|when, then| {
            authed(when.method(DELETE).path(path.as_str()));
            then.status(200)
                .header("x-request-id", "req-200")
                .json_body(json!({"data": {}}));
        })
        .await;
    let error: telnyx_client::Error = client(&server)
        .delete_room()
        .room_id(uuid(ROOM_ID))
        .send()
        .await
        .expect_err("200 is not documented")
        .into();
    mock.assert_async().await;
    assert!(
        matches!(
            &error,
            telnyx_client::Error::UnexpectedResponse { status, request_id }
                if status.as_u16() == 200 && request_id.as_deref() == Some("req-200")
        ),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Forward-compatible enums
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_enum_values_decode_as_unrecognized() {
    let server = MockServer::start_async().await;
    let recordings = server
        .mock_async(|when, then| {
            authed(when.method(GET).path("/room_recordings"));
            then.status(200).json_body(json!({
                "data": [
                    recording_json(RECORDING_ID, "archived", "screen_share"),
                    recording_json(RECORDING_2_ID, "completed", "audio"),
                ],
                "meta": meta(1, 20, 1, 2)
            }));
        })
        .await;
    let compositions = server
        .mock_async(|when, then| {
            authed(
                when.method(GET)
                    .path(format!("/room_compositions/{COMPOSITION_ID}")),
            );
            then.status(200)
                .json_body(json!({"data": composition_json("failed", "webm")}));
        })
        .await;
    let client = client(&server);

    let page = client
        .list_room_recordings()
        .send()
        .await
        .expect("unknown values must not fail the response")
        .into_inner();
    recordings.assert_async().await;
    assert_eq!(
        page.data[0].status,
        Some(types::RoomRecordingStatus::Unrecognized(
            "archived".to_owned()
        ))
    );
    assert_eq!(
        page.data[0].type_,
        Some(types::RoomRecordingType::Unrecognized(
            "screen_share".to_owned()
        ))
    );
    // The rest of the object still decodes.
    check_recording(&page.data[0], RECORDING_ID);
    assert_eq!(
        page.data[1].status,
        Some(types::RoomRecordingStatus::Completed)
    );
    assert_eq!(page.data[1].type_, Some(types::RoomRecordingType::Audio));

    let composition = client
        .view_room_composition()
        .room_composition_id(uuid(COMPOSITION_ID))
        .send()
        .await
        .expect("unknown values must not fail the response")
        .into_inner()
        .data
        .expect("data");
    compositions.assert_async().await;
    let status = composition.status.clone().expect("status");
    assert_eq!(
        status,
        types::RoomCompositionStatus::Unrecognized("failed".to_owned())
    );
    assert_eq!(status.to_string(), "failed");
    assert_eq!(
        composition.format,
        Some(types::RoomCompositionFormat::Unrecognized(
            "webm".to_owned()
        ))
    );
    // Unknown values serialize back unchanged.
    let back = serde_json::to_value(&composition).expect("serializes");
    assert_eq!(back["status"], "failed");
    assert_eq!(back["format"], "webm");
}

/// Telnyx documents `"*"` in a region's `video_sources` ("every video recording of the
/// session"); such a composition must decode.
#[tokio::test]
async fn composition_with_wildcard_video_sources_decodes() {
    let server = MockServer::start_async().await;
    let mut composition = composition_json("completed", "mp4");
    composition["video_layout"]["first"]["video_sources"] = json!(["*"]);
    let mock = server
        .mock_async(|when, then| {
            authed(
                when.method(GET)
                    .path(format!("/room_compositions/{COMPOSITION_ID}")),
            );
            then.status(200).json_body(json!({"data": composition}));
        })
        .await;
    let result = client(&server)
        .view_room_composition()
        .room_composition_id(uuid(COMPOSITION_ID))
        .send()
        .await;
    mock.assert_async().await;
    let composition = result
        .map_err(telnyx_client::Error::from)
        .expect("a composition over every recording decodes")
        .into_inner()
        .data
        .expect("data");
    assert_eq!(composition.video_layout.len(), 1);
}
