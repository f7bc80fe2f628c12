//! Room participants.

use super::*;

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
