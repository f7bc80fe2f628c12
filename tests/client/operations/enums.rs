//! Forward-compatible enums: values Telnyx adds later decode.

use super::*;

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
