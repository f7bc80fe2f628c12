//! The generated client's behaviour, through progenitor's `ClientHooks`: authentication and
//! per-request headers in `pre`, retries, tracing and error-body handling in `exec` (see
//! `transport`).

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{AUTHORIZATION, USER_AGENT};

use crate::operations::{self, Auth};
use crate::progenitor_bridge::{missing_api_key, oauth_failed};
use crate::{Client, ClientState};

/// The document's `operationId` for progenitor's method name (`create_room` → `CreateRoom`).
pub(crate) fn operation_id(method_name: &'static str) -> &'static str {
    operations::by_method_name(method_name).map_or(method_name, |op| op.operation_id)
}

impl ClientHooks<ClientState> for Client {
    /// Adds `Authorization: Bearer <key>` unless the operation's `security` is `[]`, fails
    /// before sending when a required key is missing, and sets the user agent (and the
    /// timeout, when it is set per request).
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // An operation missing from the table (which cannot happen for generated code) is
        // treated as needing a key: the safe side.
        let auth =
            operations::by_method_name(info.operation_id).map_or(Auth::Required, |op| op.auth);
        let credential = match auth {
            Auth::None => None,
            Auth::Required | Auth::Optional => self
                .inner
                .credential(&self.client, &self.baseurl)
                .await
                .map_err(oauth_failed)?,
        };
        let headers = request.headers_mut();
        match (auth, credential) {
            (Auth::None, _) => {
                headers.remove(AUTHORIZATION);
            }
            (Auth::Required | Auth::Optional, Some(value)) => {
                headers.insert(AUTHORIZATION, value);
            }
            (Auth::Optional, None) => {}
            (Auth::Required, None) => {
                return Err(missing_api_key(operation_id(info.operation_id)));
            }
        }
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        if let Some(key) = crate::idempotency::current() {
            headers.insert(crate::idempotency::IDEMPOTENCY_KEY_HEADER, key);
        }
        if let Some(timeout) = self.inner.request_timeout {
            *request.timeout_mut() = Some(timeout);
        }
        // The call's own options come last: they override the client's settings.
        crate::request_options::with_current(|options| {
            if let Some(timeout) = options.timeout {
                *request.timeout_mut() = Some(timeout);
            }
            if let Some(key) = &options.idempotency_key {
                request.headers_mut().insert(
                    crate::idempotency::IDEMPOTENCY_KEY_HEADER,
                    key.header_value(),
                );
            }
            for (name, value) in &options.headers {
                request.headers_mut().append(name, value.clone());
            }
            if !options.query.is_empty() {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .extend_pairs(&options.query);
            }
        });
        Ok(())
    }

    /// Sends the request, retrying as the client's retry policy says, inside a tracing span.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response =
            crate::transport::execute(self, request, operation_id(info.operation_id)).await?;
        if crate::raw_request::capturing() {
            return crate::raw_request::capture(response).await;
        }
        Ok(response)
    }
}
