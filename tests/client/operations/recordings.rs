//! Room recordings, with their filters.

use super::*;

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
