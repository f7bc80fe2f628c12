//! Sending one operation's request: attempts and retries (policy in [`crate::retry`], the
//! client's or the call's own `RequestOptions`) and the tracing span; error bodies are then made decodable by `progenitor_bridge`.

use std::time::{Instant, SystemTime};

use reqwest::{Request, Response};
use tracing::Instrument;
use tracing::field::Empty;

use crate::idempotency::IDEMPOTENCY_KEY_HEADER;
use crate::retry::{Outcome, RequestKind};
use reqwest::header::AUTHORIZATION;

use crate::{Client, RetryPolicy};

/// Sends `request` for `operation` (its `operationId`), retrying per the client's (or the
/// call's) policy; with OAuth, a 401 drops the token and the request is sent once more with a
/// fresh one.
pub(crate) async fn execute(
    client: &Client,
    request: Request,
    operation: &'static str,
) -> reqwest::Result<Response> {
    let (http, state) = (&client.client, &client.inner);
    let options = crate::request_options::with_current(|o| (o.retry.clone(), o.timeout));
    let call_options = options.is_some();
    let (retry, timeout) = options.unwrap_or_default();
    let retry = retry.as_ref().unwrap_or(&state.retry);
    let span = tracing::info_span!(
        "telnyx_request",
        operation,
        method = %request.method(),
        status = Empty,
        attempt = Empty,
        duration_ms = Empty,
        call_options,
        max_retries = retry.retries(),
        timeout_ms = timeout.map(|t| t.as_millis() as u64),
    );
    let started = Instant::now();
    let again = state.oauth.as_ref().and_then(|_| request.try_clone());
    let mut result = attempts(http, retry, request)
        .instrument(span.clone())
        .await;
    if let (Some(oauth), Some(mut again)) = (&state.oauth, again)
        && result
            .as_ref()
            .is_ok_and(|r| r.status() == reqwest::StatusCode::UNAUTHORIZED)
    {
        if let Some(used) = again.headers().get(AUTHORIZATION) {
            oauth.forget(used).await;
        }
        if let Ok(fresh) = oauth.header(http, &client.baseurl, &state.user_agent).await {
            again.headers_mut().insert(AUTHORIZATION, fresh);
            span.in_scope(|| tracing::debug!("telnyx request answered 401; new OAuth token"));
            result = attempts(http, retry, again).instrument(span.clone()).await;
        }
    }
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    match result {
        Ok(response) => {
            let status = response.status().as_u16();
            span.record("status", status);
            span.in_scope(|| tracing::debug!(status, "telnyx request finished"));
            crate::progenitor_bridge::decodable_error_body(response).await
        }
        Err(error) => {
            span.in_scope(|| tracing::debug!(error = %error, "telnyx request failed"));
            Err(error)
        }
    }
}

/// The attempt loop; runs inside the operation's span.
async fn attempts(
    http: &reqwest::Client,
    retry: &RetryPolicy,
    mut request: Request,
) -> reqwest::Result<Response> {
    let method = request.method().clone();
    let has_idempotency_key = request.headers().contains_key(IDEMPOTENCY_KEY_HEADER);
    let kind = RequestKind {
        method: &method,
        has_idempotency_key,
    };
    let mut attempt: u32 = 1;
    loop {
        tracing::Span::current().record("attempt", attempt);
        // A request whose body is a stream cannot be copied; an upload's body can be built
        // again (when none of its parts is a stream); any other is sent once.
        let spare = if attempt <= retry.retries() {
            let copy = request.try_clone();
            #[cfg(telnyx_uploads)]
            let copy = copy.or_else(|| crate::upload::again(http, &request));
            copy
        } else {
            None
        };
        let result = http.execute(request).await;
        let wait = {
            let outcome = match &result {
                Ok(response) => Outcome::Response {
                    status: response.status(),
                    headers: response.headers(),
                },
                Err(error) => Outcome::from_error(error),
            };
            retry.next_retry(kind, attempt, &outcome, SystemTime::now(), fastrand::f64())
        };
        match (wait, spare) {
            (Some(wait), Some(next)) => {
                match &result {
                    Ok(response) => tracing::info!(
                        attempt,
                        status = response.status().as_u16(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying telnyx request"
                    ),
                    Err(error) => tracing::info!(
                        attempt,
                        error = %error,
                        wait_ms = wait.as_millis() as u64,
                        "retrying telnyx request"
                    ),
                }
                drop(result);
                tokio::time::sleep(wait).await;
                request = next;
                attempt += 1;
            }
            _ => return result,
        }
    }
}
