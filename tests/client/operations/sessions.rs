//! Room sessions and the actions on their participants.

use super::*;

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
