//! Operations served from the root of the base URL rather than the base URL (the OAuth
//! discovery documents at `/.well-known/…`, beside the API at `/v2`): the request goes to the
//! client's base URL without its `/v2`, so it follows a proxy or a mock server too.

use httpmock::prelude::*;
use serde_json::json;
use telnyx_client::Client;
use telnyx_client::prelude::*;

#[tokio::test]
async fn well_known_documents_are_fetched_from_the_root_of_the_base_url() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/.well-known/oauth-protected-resource");
            then.status(200).json_body(json!({
                "resource": "https://api.telnyx.com",
                "authorization_servers": ["https://api.telnyx.com"]
            }));
        })
        .await;
    // Under the API's path, as the real base URL is; no key: the documents are public.
    let client = Client::builder()
        .base_url(server.url("/v2"))
        .build()
        .expect("client");
    let metadata = client
        .get_o_auth_protected_resource_metadata()
        .send()
        .await
        .expect("metadata");
    assert_eq!(
        metadata.authorization_servers,
        ["https://api.telnyx.com".to_owned()]
    );
    // A base URL that does not end in /v2 (a proxy's root, say) is used as it is.
    let client = Client::builder()
        .base_url(server.base_url())
        .build()
        .expect("client");
    client
        .get_o_auth_protected_resource_metadata()
        .send()
        .await
        .expect("metadata from the root");
    mock.assert_calls_async(2).await;
}
