//! Room compositions.

use super::*;

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
