//! Every Video operation, table-driven from `operations::ALL`: each is tested here, sends its documented method, path and credential, and turns error bodies into `Error::Api`.

use super::*;

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
        other => panic!("operation {other} has no test in tests/client/operations/: add one"),
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
