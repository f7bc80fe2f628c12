//! The calls: every Video operation with every parameter and body field, with default
//! bodies, and with input Prism must refuse.

use super::*;

pub(crate) fn uuid(text: &str) -> Uuid {
    text.parse().expect("valid UUID literal")
}

pub(crate) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

/// The 25 operations with valid inputs, every optional body field set.
pub(crate) async fn call_every_operation(client: &Client, report: &mut Report) {
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
pub(crate) async fn call_with_default_bodies(client: &Client, report: &mut Report) {
    let (room, session) = (uuid(ROOM_ID), uuid(SESSION_ID));
    /// The body as the client sends it.
    pub(crate) fn sent<T: Serialize>(body: &T) -> Value {
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
pub(crate) async fn invalid_input_is_rejected(client: &Client, report: &mut Report) {
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
