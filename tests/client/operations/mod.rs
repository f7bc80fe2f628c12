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

mod client_tokens;
mod compositions;
mod enums;
mod error_shapes;
mod participants;
mod recordings;
mod rooms;
mod sessions;
mod table;
