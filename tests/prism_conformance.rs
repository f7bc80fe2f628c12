//! Conformance of the generated client with Telnyx's *published* OpenAPI document, checked by a
//! real mock server.
//!
//! [Stoplight Prism](https://github.com/stoplightio/prism) (`@stoplight/prism-cli` 5.x, installed
//! by `scripts/install-prism.sh` into the git-ignored `.tools/prism`) serves the upstream document
//! named by `TELNYX_UPSTREAM_SPEC` with `--errors`, so every request that violates it is answered
//! with an error status. The client reaches Prism through a small relay that records each request
//! it sends (Prism ignores query parameters it does not know, so a misnamed one would otherwise
//! pass unnoticed). The test then:
//!
//! 1. calls all 25 operations with valid inputs (path ids, bodies with every field set, and a
//!    selection of query parameters such as `page[number]`, `page[size]` and
//!    `filter[date_created_at][gte]`); each must send exactly the expected method, path, query
//!    parameters and body, be answered with its documented success status, and decode;
//! 2. repeats the operations that take a body with bodies built from defaults alone (what a
//!    caller who sets nothing optional sends); Prism must accept those too;
//! 3. reads Prism's log: the violations it names are added to the failures they caused, and a
//!    request flagged although it succeeded is a failure too;
//! 4. fetches Prism's answer for each successful call once more without the client and checks
//!    that decoding it and serializing it back keeps every field and value (a field the client
//!    drops or reads under another name shows up here, although all fields are optional);
//! 5. sends a deliberately invalid input (`token_ttl_secs: 5`, below the minimum of 10), which
//!    must come back as `422` and surface as [`Error::Api`].
//!
//! All failures are collected and reported together, each with the operation id, the request and
//! the error.
//!
//! Availability:
//! - `TELNYX_UPSTREAM_SPEC` unset or not a file, Node.js missing, or Prism missing and not
//!   installable: the test prints why and passes, except when the environment variable `CI` is
//!   set (as CI services do), where it fails, because CI must run it.
//! - Prism missing but npm present: the test runs `scripts/install-prism.sh` first (about 20 s,
//!   once).
//!
//! Prism needs 15–40 s to load the 4 MB document; it is started once, on 127.0.0.1 and a port
//! chosen by the OS, and stopped when the test ends, also on panic. A small `sh` watchdog owns
//! Prism's process group and ends it when the test process goes away for any reason (its stdin,
//! a pipe from this process, reaches end of file), so no Prism process outlives the test.

#[path = "support/outside_input.rs"]
mod outside_input;
#[path = "support/prism.rs"]
mod prism;

use std::fmt::Write as _;
use std::future::Future;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use telnyx_client::prelude::*;
use telnyx_client::{ResponseValue, types};
use uuid::Uuid;

use crate::outside_input::upstream_spec;
use crate::prism::{Prism, prism_binary};

/// Prism accepts any bearer token.
const API_KEY: &str = "KEYprism0123456789";

// Ids used in paths, filters and bodies; any UUID is valid.
const ROOM_ID: &str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";
const SESSION_ID: &str = "92e7d459-bcc5-4386-9f5f-6dd14a82588d";
const PARTICIPANT_ID: &str = "7b61621f-62e0-4aad-ab11-9fd19e272e73";
const OTHER_PARTICIPANT_ID: &str = "5219b3af-87c6-4c08-9b58-5a533d893e21";
const RECORDING_ID: &str = "6b61621f-62e0-4aad-ab11-9fd19e272e74";
const COMPOSITION_ID: &str = "3219b3af-87c6-4c08-9b58-5a533d893e22";
/// Used by RefreshRoomClientToken when CreateRoomClientToken yielded no refresh token.
const FALLBACK_REFRESH_TOKEN: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.e30.c2lnbmF0dXJl";

#[test]
fn prism_accepts_every_operation_and_rejects_invalid_input() {
    let Some(spec) = upstream_spec() else { return };
    let Some(prism_bin) = prism_binary() else {
        return;
    };

    let started = Instant::now();
    eprintln!(
        "prism_conformance: starting Prism with {} (loading the document takes 15-40 s)",
        spec.display()
    );
    let mut prism = Prism::start(&prism_bin, &spec).unwrap_or_else(|error| panic!("{error}"));
    eprintln!(
        "prism_conformance: Prism is listening on {} after {:.1} s",
        prism.base_url,
        started.elapsed().as_secs_f64()
    );

    // The client talks to Prism through a relay that records what it sends.
    let recorder = Recorder::start(&prism.base_url);
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(recorder.base_url.clone())
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client configuration is valid");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let calls_started = Instant::now();
    let mut report = Report::new(&prism.base_url, recorder);
    runtime.block_on(call_every_operation(&client, &mut report));
    runtime.block_on(call_with_default_bodies(&client, &mut report));
    report.check_prism_log(&mut prism);
    runtime.block_on(compare_with_raw_responses(&mut report));
    runtime.block_on(invalid_input_is_rejected(&client, &mut report));
    eprintln!(
        "prism_conformance: {} checks in {:.1} s",
        report.passed + report.failures.len(),
        calls_started.elapsed().as_secs_f64()
    );
    drop(prism);
    report.finish();
}

// ------------------------------------------------------------------------------------------
// The calls.
// ------------------------------------------------------------------------------------------

fn uuid(text: &str) -> Uuid {
    text.parse().expect("valid UUID literal")
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

/// The 25 operations with valid inputs, every optional body field set.
async fn call_every_operation(client: &Client, report: &mut Report) {
    let (room, session, participant) = (uuid(ROOM_ID), uuid(SESSION_ID), uuid(PARTICIPANT_ID));
    let (recording, composition) = (uuid(RECORDING_ID), uuid(COMPOSITION_ID));
    let (apr_25, may_1) = (date(2021, 4, 25), date(2021, 5, 1));

    // Rooms.
    let request = Request::get(
        "/rooms?filter[date_created_at][gte]=2021-04-25&filter[date_updated_at][lte]=2021-05-01\
         &filter[unique_name]=my_video_room&include_sessions=true&page[number]=1&page[size]=20",
    );
    let send = client
        .list_rooms()
        .filter_date_created_at_gte(apr_25)
        .filter_date_updated_at_lte(may_1)
        .filter_unique_name("my_video_room")
        .include_sessions(true)
        .page_number(1u64)
        .page_size(20u64)
        .send();
    report.call("ListRooms", 200, request, send).await;

    let body = json!({
        "unique_name": "My room",
        "max_participants": 10,
        "enable_recording": true,
        "webhook_event_url": "https://example.com/webhooks",
        "webhook_event_failover_url": "https://failover.example.com/webhooks",
        "webhook_timeout_secs": 25,
    });
    let send = client
        .create_room()
        .body(
            types::CreateRoomRequest::builder()
                .unique_name("My room".to_owned())
                .max_participants(10i64)
                .enable_recording(true)
                .webhook_event_url("https://example.com/webhooks".to_owned())
                .webhook_event_failover_url("https://failover.example.com/webhooks".to_owned())
                .webhook_timeout_secs(25i64),
        )
        .send();
    report
        .call("CreateRoom", 201, Request::post("/rooms", body), send)
        .await;

    let request = Request::get(&format!("/rooms/{ROOM_ID}?include_sessions=true"));
    let send = client
        .view_room()
        .room_id(room)
        .include_sessions(true)
        .send();
    report.call("ViewRoom", 200, request, send).await;

    let body = json!({
        "unique_name": "Renamed room",
        "max_participants": 20,
        "enable_recording": false,
        "webhook_event_url": "https://example.com/v2/webhooks",
        "webhook_event_failover_url": "https://failover.example.com/v2/webhooks",
        "webhook_timeout_secs": 10,
    });
    let send = client
        .update_room()
        .room_id(room)
        .body(
            types::PatchRoomRequest::builder()
                .unique_name("Renamed room".to_owned())
                .max_participants(20i64)
                .enable_recording(false)
                .webhook_event_url("https://example.com/v2/webhooks".to_owned())
                .webhook_event_failover_url("https://failover.example.com/v2/webhooks".to_owned())
                .webhook_timeout_secs(10i64),
        )
        .send();
    let request = Request::new("PATCH", &format!("/rooms/{ROOM_ID}"), Some(body));
    report.call("UpdateRoom", 200, request, send).await;

    let request = Request::new("DELETE", &format!("/rooms/{ROOM_ID}"), None);
    let send = client.delete_room().room_id(room).send();
    report.call("DeleteRoom", 204, request, send).await;

    let request = Request::get(&format!(
        "/rooms/{ROOM_ID}/sessions?filter[active]=true&filter[date_created_at][eq]=2021-04-25\
         &filter[date_ended_at][gte]=2021-04-25&filter[date_updated_at][lte]=2021-05-01\
         &include_participants=true&page[number]=2&page[size]=50"
    ));
    let send = client
        .retrieve_list_room_sessions()
        .room_id(room)
        .filter_active(true)
        .filter_date_created_at_eq(apr_25)
        .filter_date_ended_at_gte(apr_25)
        .filter_date_updated_at_lte(may_1)
        .include_participants(true)
        .page_number(2u64)
        .page_size(50u64)
        .send();
    report
        .call("RetrieveListRoomSessions", 200, request, send)
        .await;

    // Room sessions.
    let request = Request::get(&format!(
        "/room_sessions?filter[room_id]={ROOM_ID}&filter[active]=false\
         &filter[date_created_at][gte]=2021-04-25&filter[date_ended_at][lte]=2021-05-01\
         &include_participants=true&page[number]=1&page[size]=250"
    ));
    let send = client
        .list_room_sessions()
        .filter_room_id(ROOM_ID)
        .filter_active(false)
        .filter_date_created_at_gte(apr_25)
        .filter_date_ended_at_lte(may_1)
        .include_participants(true)
        .page_number(1u64)
        .page_size(250u64)
        .send();
    report.call("ListRoomSessions", 200, request, send).await;

    let request = Request::get(&format!(
        "/room_sessions/{SESSION_ID}?include_participants=true"
    ));
    let send = client
        .view_room_session()
        .room_session_id(session)
        .include_participants(true)
        .send();
    report.call("ViewRoomSession", 200, request, send).await;

    let request = Request::new(
        "POST",
        &format!("/room_sessions/{SESSION_ID}/actions/end"),
        None,
    );
    let send = client.end_session().room_session_id(session).send();
    report.call("EndSession", 200, request, send).await;

    let body = json!({"participants": "all", "exclude": [PARTICIPANT_ID]});
    let send = client
        .kick_participant_in_session()
        .room_session_id(session)
        .body(
            types::ActionsParticipantsRequest::builder()
                .participants(types::ActionsParticipantsRequestParticipants::String(
                    types::ActionsParticipantsRequestParticipantsString::All,
                ))
                .exclude(vec![participant]),
        )
        .send();
    let request = Request::post(&format!("/room_sessions/{SESSION_ID}/actions/kick"), body);
    report
        .call("KickParticipantInSession", 200, request, send)
        .await;

    let body = json!({"participants": [PARTICIPANT_ID, OTHER_PARTICIPANT_ID]});
    let send = client
        .mute_participant_in_session()
        .room_session_id(session)
        .body(types::ActionsParticipantsRequest::builder().participants(
            types::ActionsParticipantsRequestParticipants::Array(vec![
                participant,
                uuid(OTHER_PARTICIPANT_ID),
            ]),
        ))
        .send();
    let request = Request::post(&format!("/room_sessions/{SESSION_ID}/actions/mute"), body);
    report
        .call("MuteParticipantInSession", 200, request, send)
        .await;

    let body = json!({"participants": [OTHER_PARTICIPANT_ID], "exclude": [PARTICIPANT_ID]});
    let send = client
        .unmute_participant_in_session()
        .room_session_id(session)
        .body(
            types::ActionsParticipantsRequest::builder()
                .participants(types::ActionsParticipantsRequestParticipants::Array(vec![
                    uuid(OTHER_PARTICIPANT_ID),
                ]))
                .exclude(vec![participant]),
        )
        .send();
    let request = Request::post(&format!("/room_sessions/{SESSION_ID}/actions/unmute"), body);
    report
        .call("UnmuteParticipantInSession", 200, request, send)
        .await;

    let request = Request::get(&format!(
        "/room_sessions/{SESSION_ID}/participants?filter[context]=Alice\
         &filter[date_joined_at][gte]=2021-04-25&filter[date_left_at][lte]=2021-05-01\
         &filter[date_updated_at][eq]=2021-04-25&page[number]=1&page[size]=10"
    ));
    let send = client
        .retrieve_list_room_participants()
        .room_session_id(session)
        .filter_context("Alice")
        .filter_date_joined_at_gte(apr_25)
        .filter_date_left_at_lte(may_1)
        .filter_date_updated_at_eq(apr_25)
        .page_number(1u64)
        .page_size(10u64)
        .send();
    report
        .call("RetrieveListRoomParticipants", 200, request, send)
        .await;

    // Room participants.
    let request = Request::get(&format!(
        "/room_participants?filter[session_id]={SESSION_ID}&filter[context]=Alice\
         &filter[date_joined_at][eq]=2021-04-25&filter[date_left_at][gte]=2021-04-25\
         &page[number]=3&page[size]=5"
    ));
    let send = client
        .list_room_participants()
        .filter_session_id(session)
        .filter_context("Alice")
        .filter_date_joined_at_eq(apr_25)
        .filter_date_left_at_gte(apr_25)
        .page_number(3u64)
        .page_size(5u64)
        .send();
    report
        .call("ListRoomParticipants", 200, request, send)
        .await;

    let request = Request::get(&format!("/room_participants/{PARTICIPANT_ID}"));
    let send = client
        .view_room_participant()
        .room_participant_id(participant)
        .send();
    report.call("ViewRoomParticipant", 200, request, send).await;

    // Room recordings.
    let request = Request::get(&format!(
        "/room_recordings?filter[room_id]={ROOM_ID}&filter[session_id]={SESSION_ID}\
         &filter[participant_id]={PARTICIPANT_ID}&filter[status]=completed&filter[type]=audio\
         &filter[duration_secs]=20&filter[date_started_at][gte]=2021-04-25\
         &filter[date_ended_at][lte]=2021-05-01&page[number]=1&page[size]=20"
    ));
    let send = client
        .list_room_recordings()
        .filter_room_id(room)
        .filter_session_id(session)
        .filter_participant_id(participant)
        .filter_status("completed")
        .filter_type("audio")
        .filter_duration_secs(20i64)
        .filter_date_started_at_gte(apr_25)
        .filter_date_ended_at_lte(may_1)
        .page_number(1u64)
        .page_size(20u64)
        .send();
    report.call("ListRoomRecordings", 200, request, send).await;

    let request = Request::new(
        "DELETE",
        &format!(
            "/room_recordings?filter[room_id]={ROOM_ID}&filter[type]=video\
             &filter[date_ended_at][lte]=2021-05-01&filter[date_started_at][eq]=2021-04-25"
        ),
        None,
    );
    let send = client
        .delete_room_recordings()
        .filter_room_id(room)
        .filter_type("video")
        .filter_date_ended_at_lte(may_1)
        .filter_date_started_at_eq(apr_25)
        .send();
    report
        .call("DeleteRoomRecordings", 201, request, send)
        .await;

    let request = Request::get(&format!("/room_recordings/{RECORDING_ID}"));
    let send = client
        .view_room_recording()
        .room_recording_id(recording)
        .send();
    report.call("ViewRoomRecording", 200, request, send).await;

    let request = Request::new("DELETE", &format!("/room_recordings/{RECORDING_ID}"), None);
    let send = client
        .delete_room_recording()
        .room_recording_id(recording)
        .send();
    report.call("DeleteRoomRecording", 204, request, send).await;

    // Room compositions.
    let request = Request::get(&format!(
        "/room_compositions?filter[session_id]={SESSION_ID}&filter[status]=completed\
         &filter[date_created_at][gte]=2021-04-25&filter[date_created_at][lte]=2021-05-01\
         &page[number]=1&page[size]=20"
    ));
    let send = client
        .list_room_compositions()
        .filter_session_id(session)
        .filter_status(types::ListRoomCompositionsFilterStatus::Completed)
        .filter_date_created_at_gte(apr_25)
        .filter_date_created_at_lte(may_1)
        .page_number(1u64)
        .page_size(20u64)
        .send();
    report
        .call("ListRoomCompositions", 200, request, send)
        .await;

    let body = json!({
        "session_id": SESSION_ID,
        "format": "mp4",
        "resolution": "800x600",
        "video_layout": {"first": {
            "video_sources": [RECORDING_ID],
            "height": 360, "width": 480,
            "x_pos": 100, "y_pos": 100, "z_pos": 1,
            "max_columns": 3, "max_rows": 3,
        }},
        "webhook_event_url": "https://example.com/webhooks",
        "webhook_event_failover_url": "https://failover.example.com/webhooks",
        "webhook_timeout_secs": 25,
    });
    let region = types::VideoRegion::try_from(
        types::VideoRegion::builder()
            .video_sources(vec![recording.to_string()])
            .height(360i64)
            .width(480i64)
            .x_pos(100i64)
            .y_pos(100i64)
            .z_pos(1i64)
            .max_columns(std::num::NonZeroU64::new(3))
            .max_rows(std::num::NonZeroU64::new(3)),
    )
    .expect("valid video region");
    let send = client
        .create_room_composition()
        .body(
            types::CreateRoomCompositionRequest::builder()
                .session_id(session)
                .format("mp4".to_owned())
                .resolution("800x600".to_owned())
                .video_layout(
                    [("first".to_owned(), region)]
                        .into_iter()
                        .collect::<std::collections::HashMap<_, _>>(),
                )
                .webhook_event_url("https://example.com/webhooks".to_owned())
                .webhook_event_failover_url("https://failover.example.com/webhooks".to_owned())
                .webhook_timeout_secs(25i64),
        )
        .send();
    let request = Request::post("/room_compositions", body);
    report
        .call("CreateRoomComposition", 202, request, send)
        .await;

    let request = Request::get(&format!("/room_compositions/{COMPOSITION_ID}"));
    let send = client
        .view_room_composition()
        .room_composition_id(composition)
        .send();
    report.call("ViewRoomComposition", 200, request, send).await;

    let request = Request::new(
        "DELETE",
        &format!("/room_compositions/{COMPOSITION_ID}"),
        None,
    );
    let send = client
        .delete_room_composition()
        .room_composition_id(composition)
        .send();
    report
        .call("DeleteRoomComposition", 204, request, send)
        .await;

    // Client tokens.
    let body = json!({"token_ttl_secs": 900, "refresh_token_ttl_secs": 7200});
    let send = client
        .create_room_client_token()
        .room_id(room)
        .body(
            types::CreateRoomClientTokenRequest::builder()
                .token_ttl_secs(900i64)
                .refresh_token_ttl_secs(7200i64),
        )
        .send();
    let request = Request::post(
        &format!("/rooms/{ROOM_ID}/actions/generate_join_client_token"),
        body,
    );
    let tokens = report
        .call("CreateRoomClientToken", 201, request, send)
        .await;
    let refresh_token = tokens
        .and_then(|tokens| tokens.data)
        .and_then(|data| data.refresh_token)
        .unwrap_or_else(|| FALLBACK_REFRESH_TOKEN.to_owned());

    let body = json!({"refresh_token": refresh_token, "token_ttl_secs": 1200});
    let send = client
        .refresh_room_client_token()
        .room_id(room)
        .body(
            types::RefreshRoomClientTokenRequest::builder()
                .refresh_token(refresh_token.clone())
                .token_ttl_secs(1200i64),
        )
        .send();
    let request = Request::post(
        &format!("/rooms/{ROOM_ID}/actions/refresh_client_token"),
        body,
    )
    .without_key();
    report
        .call("RefreshRoomClientToken", 201, request, send)
        .await;
}

/// The operations with a request body, with bodies built from defaults alone (only what the
/// upstream document requires is set). Whatever the client fills in on its own must be
/// acceptable to the API.
async fn call_with_default_bodies(client: &Client, report: &mut Report) {
    let (room, session) = (uuid(ROOM_ID), uuid(SESSION_ID));
    /// The body as the client sends it.
    fn sent<T: Serialize>(body: &T) -> Value {
        serde_json::to_value(body).expect("request bodies serialize")
    }

    let body = types::CreateRoomRequest::try_from(types::CreateRoomRequest::builder())
        .expect("defaults are valid");
    let request = Request::post("/rooms", sent(&body));
    let send = client.create_room().body(body).send();
    report
        .call("CreateRoom (default body)", 201, request, send)
        .await;

    let body = types::PatchRoomRequest::try_from(types::PatchRoomRequest::builder())
        .expect("defaults are valid");
    let request = Request::new("PATCH", &format!("/rooms/{ROOM_ID}"), Some(sent(&body)));
    let send = client.update_room().room_id(room).body(body).send();
    report
        .call("UpdateRoom (default body)", 200, request, send)
        .await;

    let empty = || {
        types::ActionsParticipantsRequest::try_from(types::ActionsParticipantsRequest::builder())
            .expect("defaults are valid")
    };
    let path = |action: &str| format!("/room_sessions/{SESSION_ID}/actions/{action}");
    let request = Request::post(&path("kick"), sent(&empty()));
    let send = client
        .kick_participant_in_session()
        .room_session_id(session)
        .body(empty())
        .send();
    report
        .call(
            "KickParticipantInSession (default body)",
            200,
            request,
            send,
        )
        .await;
    let request = Request::post(&path("mute"), sent(&empty()));
    let send = client
        .mute_participant_in_session()
        .room_session_id(session)
        .body(empty())
        .send();
    report
        .call(
            "MuteParticipantInSession (default body)",
            200,
            request,
            send,
        )
        .await;
    let request = Request::post(&path("unmute"), sent(&empty()));
    let send = client
        .unmute_participant_in_session()
        .room_session_id(session)
        .body(empty())
        .send();
    report
        .call(
            "UnmuteParticipantInSession (default body)",
            200,
            request,
            send,
        )
        .await;

    let body = types::CreateRoomCompositionRequest::try_from(
        types::CreateRoomCompositionRequest::builder(),
    )
    .expect("defaults are valid");
    let request = Request::post("/room_compositions", sent(&body));
    let send = client.create_room_composition().body(body).send();
    report
        .call("CreateRoomComposition (default body)", 202, request, send)
        .await;

    let body = types::CreateRoomClientTokenRequest::try_from(
        types::CreateRoomClientTokenRequest::builder(),
    )
    .expect("defaults are valid");
    let path = format!("/rooms/{ROOM_ID}/actions/generate_join_client_token");
    let request = Request::post(&path, sent(&body));
    let send = client
        .create_room_client_token()
        .room_id(room)
        .body(body)
        .send();
    report
        .call("CreateRoomClientToken (default body)", 201, request, send)
        .await;

    let body = types::RefreshRoomClientTokenRequest::try_from(
        types::RefreshRoomClientTokenRequest::builder().refresh_token(FALLBACK_REFRESH_TOKEN),
    )
    .expect("a refresh token is all that is required");
    let path = format!("/rooms/{ROOM_ID}/actions/refresh_client_token");
    let request = Request::post(&path, sent(&body)).without_key();
    let send = client
        .refresh_room_client_token()
        .room_id(room)
        .body(body)
        .send();
    report
        .call("RefreshRoomClientToken (default body)", 201, request, send)
        .await;
}

/// `token_ttl_secs` below the documented minimum of 10 must be refused with 422, and the client
/// must surface that as its typed API error.
async fn invalid_input_is_rejected(client: &Client, report: &mut Report) {
    let operation = "CreateRoomClientToken (token_ttl_secs: 5)";
    let request = format!(
        "POST /rooms/{ROOM_ID}/actions/generate_join_client_token {}",
        json!({"token_ttl_secs": 5, "refresh_token_ttl_secs": 3600})
    );
    let result = client
        .create_room_client_token()
        .room_id(uuid(ROOM_ID))
        .body(types::CreateRoomClientTokenRequest::builder().token_ttl_secs(5i64))
        .send()
        .await
        .map_err(Error::from);
    match result {
        Ok(response) => report.fail(
            operation,
            &request,
            format!(
                "Prism accepted an invalid input: {} {:?}",
                response.status(),
                response.into_inner()
            ),
        ),
        Err(error) => {
            let typed = matches!(&error, Error::Api(api) if api.status.as_u16() == 422);
            let consistent = error.status().map(|s| s.as_u16()) == Some(422)
                && error.api().is_some_and(|api| api.status.as_u16() == 422);
            if typed && consistent {
                report.pass(
                    operation,
                    &format!("rejected as expected: {error} ({error:?})"),
                );
            } else {
                report.fail(
                    operation,
                    &request,
                    format!(
                        "expected Error::Api with status 422, got status {:?}: {error} ({error:?})",
                        error.status()
                    ),
                );
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Collecting outcomes.
// ------------------------------------------------------------------------------------------

/// A request: the one an operation is expected to send, or one the recorder saw.
#[derive(Clone, Debug, PartialEq)]
struct Request {
    method: String,
    /// Path and query, with brackets unencoded (reqwest encodes what needs encoding).
    path: String,
    body: Option<Value>,
    /// Whether the operation takes the API key (only used to repeat the request).
    with_key: bool,
}

impl Request {
    fn new(method: &str, path: &str, body: Option<Value>) -> Self {
        Request {
            method: method.to_owned(),
            path: path.to_owned(),
            body,
            with_key: true,
        }
    }

    fn get(path: &str) -> Self {
        Request::new("GET", path, None)
    }

    fn post(path: &str, body: Value) -> Self {
        Request::new("POST", path, Some(body))
    }

    fn without_key(mut self) -> Self {
        self.with_key = false;
        self
    }

    /// Method, path and the decoded query pairs in order of name, for comparing requests
    /// regardless of parameter order and percent-encoding.
    fn target(&self) -> (String, String, Vec<(String, String)>) {
        let url = reqwest::Url::parse(&format!("http://127.0.0.1{}", self.path))
            .expect("request paths are valid");
        let mut query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        query.sort();
        (self.method.clone(), url.path().to_owned(), query)
    }

    /// What differs between `self`, as expected, and `actual`, as sent.
    fn differences(&self, actual: &Request) -> Vec<String> {
        let (method, path, query) = self.target();
        let (actual_method, actual_path, actual_query) = actual.target();
        let mut differences = Vec::new();
        if (&method, &path) != (&actual_method, &actual_path) {
            differences.push(format!(
                "sent {actual_method} {actual_path}, expected {method} {path}"
            ));
        }
        let missing: Vec<_> = query.iter().filter(|p| !actual_query.contains(p)).collect();
        let unexpected: Vec<_> = actual_query.iter().filter(|p| !query.contains(p)).collect();
        let show = |pairs: &[&(String, String)]| {
            pairs
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("&")
        };
        if !missing.is_empty() {
            differences.push(format!(
                "expected query parameters not sent: {}",
                show(&missing)
            ));
        }
        if !unexpected.is_empty() {
            differences.push(format!(
                "query parameters sent but not expected: {}",
                show(&unexpected)
            ));
        }
        let empty_body = |body: &Option<Value>| body.is_none() || body == &Some(Value::Null);
        if self.body != actual.body && !(empty_body(&self.body) && empty_body(&actual.body)) {
            let show = |body: &Option<Value>| match body {
                Some(body) => body.to_string(),
                None => "no body".to_owned(),
            };
            differences.push(format!(
                "sent body {}, expected {}",
                show(&actual.body),
                show(&self.body)
            ));
        }
        differences
    }
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (method, path, query) = self.target();
        write!(f, "{method} {path}")?;
        for (index, (name, value)) in query.iter().enumerate() {
            let separator = if index == 0 { '?' } else { '&' };
            write!(f, "{separator}{name}={value}")?;
        }
        if let Some(body) = &self.body {
            write!(f, " {body}")?;
        }
        Ok(())
    }
}

/// An operation that succeeded: what to compare Prism's raw answer with.
struct Success {
    operation: &'static str,
    request: Request,
    decoded: Value,
}

/// A failed check.
struct Failure {
    operation: String,
    /// The request, as sent if it was sent.
    request: String,
    detail: String,
}

impl Failure {
    /// `post /rooms`: how Prism's log names the request.
    fn log_name(&self) -> String {
        let mut words = self.request.split_whitespace();
        let method = words.next().unwrap_or_default().to_ascii_lowercase();
        let path = words.next().unwrap_or_default();
        let path = path.split('?').next().unwrap_or_default();
        format!("{method} {path}")
    }
}

struct Report {
    /// Where Prism itself listens (the client talks to the recorder in front of it).
    prism_url: String,
    recorder: Recorder,
    passed: usize,
    failures: Vec<Failure>,
    successes: Vec<Success>,
}

impl Report {
    fn new(prism_url: &str, recorder: Recorder) -> Self {
        Report {
            prism_url: prism_url.to_owned(),
            recorder,
            passed: 0,
            failures: Vec::new(),
            successes: Vec::new(),
        }
    }

    fn pass(&mut self, operation: &str, detail: &str) {
        eprintln!("  ok    {operation}: {detail}");
        self.passed += 1;
    }

    fn fail(&mut self, operation: &str, request: &str, detail: String) {
        eprintln!("  FAIL  {operation}: {detail}");
        self.failures.push(Failure {
            operation: operation.to_owned(),
            request: request.to_owned(),
            detail,
        });
    }

    /// Awaits one operation, which must send `expected` (method, path, query parameters and
    /// body), be answered with `status` and decode. Remembers the decoded value for the
    /// comparison with Prism's raw answer.
    async fn call<T, E>(
        &mut self,
        operation: &'static str,
        status: u16,
        expected: Request,
        send: impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    ) -> Option<T>
    where
        T: Serialize,
        E: Serialize,
    {
        let mark = self.recorder.count();
        let result = send.await.map_err(Error::from);
        let sent = self.recorder.since(mark);
        let shown = match sent.as_slice() {
            [actual] => actual.to_string(),
            _ => format!("{expected} (expected; {} requests were sent)", sent.len()),
        };
        let mut problems = Vec::new();
        match sent.as_slice() {
            [actual] => problems.extend(expected.differences(actual)),
            _ => problems.push(format!("sent {} requests, expected 1", sent.len())),
        }
        let value = match result {
            Ok(response) if response.status().as_u16() == status => Some(response.into_inner()),
            Ok(response) => {
                problems.push(format!("answered {}, expected {status}", response.status()));
                None
            }
            Err(error) => {
                let mut detail = format!("error: {error}");
                if let Error::InvalidResponse { body, source } = &error {
                    let _ = write!(
                        detail,
                        "\n    decode error: {source}\n    response body: {}",
                        String::from_utf8_lossy(body)
                    );
                }
                problems.push(detail);
                None
            }
        };
        if !problems.is_empty() {
            self.fail(operation, &shown, problems.join("\n    "));
            return None;
        }
        let value = value.expect("a success without problems has a value");
        self.pass(operation, &format!("{status}, {shown}"));
        self.successes.push(Success {
            operation,
            request: expected,
            decoded: serde_json::to_value(&value).unwrap_or(Value::Null),
        });
        Some(value)
    }

    /// Reads what Prism logged for the requests so far. The violations Prism names for a
    /// request are added to the failure of the call that sent it; a request flagged while the
    /// call succeeded is a failure of its own.
    fn check_prism_log(&mut self, prism: &mut Prism) {
        // Prism logs a request's violations around the time it answers; give it a moment.
        std::thread::sleep(Duration::from_millis(500));
        let mut flagged = Vec::new();
        let mut current: Option<(String, Vec<String>)> = None;
        for line in prism.drain_log() {
            if let Some(start) = line.find("[HTTP SERVER] ") {
                flagged.extend(current.take().filter(|(_, v)| !v.is_empty()));
                // `[HTTP SERVER] post /rooms ℹ  info      Request received`
                let name = line[start + "[HTTP SERVER] ".len()..]
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                current = Some((name, Vec::new()));
            } else if let Some((_, violations)) = current.as_mut()
                && let Some(at) = line.find("Violation: request")
            {
                violations.push(line[at + "Violation: ".len()..].trim().to_owned());
            }
        }
        flagged.extend(current.take().filter(|(_, v)| !v.is_empty()));
        let mut unexplained = Vec::new();
        for (name, violations) in flagged {
            let note = format!("Prism's validator: {}", violations.join("; "));
            let failure = self
                .failures
                .iter_mut()
                .find(|f| f.log_name() == name && !f.detail.contains("Prism's validator"));
            match failure {
                Some(failure) => {
                    eprintln!("        {}: {note}", failure.operation);
                    failure.detail.push_str("\n    ");
                    failure.detail.push_str(&note);
                }
                None => unexplained.push((name, note)),
            }
        }
        if unexplained.is_empty() {
            self.pass(
                "Prism log",
                "no request was flagged other than those reported above",
            );
        }
        for (name, note) in unexplained {
            self.fail(
                "Prism log",
                &name,
                format!("a successful call was flagged: {note}"),
            );
        }
    }

    fn finish(self) {
        eprintln!(
            "prism_conformance: {} passed, {} failed",
            self.passed,
            self.failures.len()
        );
        assert!(
            self.failures.is_empty(),
            "{} of {} conformance checks against Prism failed:\n\n{}\n",
            self.failures.len(),
            self.passed + self.failures.len(),
            self.failures
                .iter()
                .map(|f| format!(
                    "{}\n    request: {}\n    {}",
                    f.operation, f.request, f.detail
                ))
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}

/// Fetches Prism's answer for every successful call again, without the client, and checks that
/// the client's decoded value, serialized back to JSON, kept every field and value. Prism answers
/// with the document's example for the status, whatever the (valid) request.
async fn compare_with_raw_responses(report: &mut Report) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    let successes = std::mem::take(&mut report.successes);
    for success in &successes {
        let label = format!("{} (round trip)", success.operation);
        let shown = success.request.to_string();
        let raw = match fetch_raw(&http, &report.prism_url, &success.request).await {
            Ok(raw) => raw,
            Err(problem) => {
                report.fail(&label, &shown, problem);
                continue;
            }
        };
        let Some(raw) = raw else {
            // No body (204): nothing to compare.
            continue;
        };
        let mut differences = Vec::new();
        compare(&raw, &success.decoded, "", &mut differences);
        if differences.is_empty() {
            report.pass(&label, "decoding kept every field of Prism's answer");
        } else {
            report.fail(
                &label,
                &shown,
                format!(
                    "decoding changed Prism's answer:\n      {}\n    response body: {raw}",
                    differences.join("\n      ")
                ),
            );
        }
    }
}

/// The JSON body Prism answers `request` with (`None` when empty), if it answers with success.
async fn fetch_raw(
    http: &reqwest::Client,
    base_url: &str,
    request: &Request,
) -> Result<Option<Value>, String> {
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("HTTP method");
    let mut builder = http.request(method, format!("{base_url}{}", request.path));
    if request.with_key {
        builder = builder.bearer_auth(API_KEY);
    }
    if let Some(body) = &request.body {
        builder = builder.json(body);
    }
    let response = builder
        .send()
        .await
        .map_err(|e| format!("raw request failed: {e}"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| format!("raw response body unreadable: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "the same request sent without the client got {status}: {text}"
        ));
    }
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("Prism's answer is not JSON ({e}): {text}"))
}

/// Records where `decoded` (the client's value serialized back) lost or changed something
/// present in `raw` (Prism's answer). Absent values that serialize as nothing (`null`, empty
/// lists and maps) count as kept; numbers are compared with a small tolerance (some are
/// `f32`), timestamps as instants.
fn compare(raw: &Value, decoded: &Value, path: &str, differences: &mut Vec<String>) {
    let absent = |value: &Value| match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    };
    match (raw, decoded) {
        (Value::Object(raw_map), Value::Object(decoded_map)) => {
            for (key, raw_value) in raw_map {
                let here = format!("{path}/{key}");
                match decoded_map.get(key) {
                    Some(decoded_value) => compare(raw_value, decoded_value, &here, differences),
                    None if absent(raw_value) => {}
                    None => differences.push(format!("{here}: {raw_value} was dropped")),
                }
            }
        }
        (Value::Array(raw_items), Value::Array(decoded_items))
            if raw_items.len() == decoded_items.len() =>
        {
            for (index, (r, d)) in raw_items.iter().zip(decoded_items).enumerate() {
                compare(r, d, &format!("{path}/{index}"), differences);
            }
        }
        (Value::Number(r), Value::Number(d)) => {
            let (r, d) = (
                r.as_f64().unwrap_or(f64::NAN),
                d.as_f64().unwrap_or(f64::NAN),
            );
            if (r - d).abs() > 1e-6 * r.abs().max(1.0) {
                differences.push(format!("{path}: {r} became {d}"));
            }
        }
        (Value::String(r), Value::String(d)) => {
            let same_instant = || {
                let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
                matches!((parse(r), parse(d)), (Some(a), Some(b)) if a == b)
            };
            if r != d && !same_instant() {
                differences.push(format!("{path}: {r:?} became {d:?}"));
            }
        }
        (r, d) if r == d => {}
        (r, d) if absent(r) && absent(d) => {}
        (r, d) => differences.push(format!("{path}: {r} became {d}")),
    }
}

// ------------------------------------------------------------------------------------------
// Finding, installing and running Prism.
// ------------------------------------------------------------------------------------------

// ------------------------------------------------------------------------------------------

/// A minimal HTTP/1.1 relay in front of Prism that records every request (method, target and
/// body) before passing it on: Prism does not complain about query parameters it does not know,
/// so a parameter sent under the wrong name would otherwise go unnoticed. Each request is sent
/// to Prism with `connection: close`, so every connection carries exactly one exchange.
struct Recorder {
    base_url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Recorder {
    /// Starts relaying to `upstream` (`http://127.0.0.1:PORT`). The listener thread lives as
    /// long as the test process.
    fn start(upstream: &str) -> Recorder {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("Prism's URL is plain http")
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the recorder");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for connection in listener.incoming().flatten() {
                let (log, upstream) = (Arc::clone(&log), upstream.clone());
                std::thread::spawn(move || {
                    if let Err(error) = relay(connection, &upstream, &log) {
                        eprintln!("prism_conformance: recorder: {error}");
                    }
                });
            }
        });
        Recorder { base_url, requests }
    }

    fn count(&self) -> usize {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// The requests recorded after the first `mark`.
    fn since(&self, mark: usize) -> Vec<Request> {
        let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        requests[mark.min(requests.len())..].to_vec()
    }
}

/// Relays the one request on `client` to `upstream` and the answer back, recording the request.
fn relay(mut client: TcpStream, upstream: &str, log: &Mutex<Vec<Request>>) -> std::io::Result<()> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let read = client.read(&mut chunk)?;
        if read == 0 {
            return Ok(()); // Closed without a request.
        }
        data.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut forwarded = format!("{request_line}\r\n");
    let mut content_length = 0;
    for line in lines.filter(|line| !line.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length = line[name.len() + 1..].trim().parse().unwrap_or(0);
        }
        if name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive") {
            continue;
        }
        forwarded.push_str(line);
        forwarded.push_str("\r\n");
    }
    forwarded.push_str("connection: close\r\n\r\n");
    while data.len() < head_end + content_length {
        let read = client.read(&mut chunk)?;
        if read == 0 {
            break;
        }
        data.extend_from_slice(&chunk[..read]);
    }
    let body = &data[head_end..];

    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let json = if body.is_empty() {
        None
    } else {
        Some(serde_json::from_slice(body).unwrap_or_else(|_| {
            Value::String(format!("(not JSON) {}", String::from_utf8_lossy(body)))
        }))
    };
    log.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Request::new(method, target, json));

    let mut server = TcpStream::connect(upstream)?;
    server.write_all(forwarded.as_bytes())?;
    server.write_all(body)?;
    std::io::copy(&mut server, &mut client)?;
    Ok(())
}
