//! Rooms: list, create, view, update, delete.

use super::*;

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
