//! OAuth 2.0 client credentials: the access token a client sends instead of an API key.
//!
//! The token comes from `POST /oauth/token` (`ExchangeOAuthToken`, on the client's base URL)
//! with `grant_type=client_credentials`. It is fetched when a call first needs it, kept, and
//! shared by every clone of the client; it is fetched again shortly before it expires. Calls
//! that need it at the same time wait for one request (the cache is behind one async lock). A
//! call answered 401 with a cached token drops that token, and is sent once more with a fresh
//! one (see `transport`). Neither the secret nor the token appears in `Debug` output or errors.

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{HeaderValue, USER_AGENT};
use serde::Deserialize;

use crate::api_key::ApiKey;
use crate::error::ApiError;

/// Environment variable holding the OAuth client id, read by `Client::from_env` when no API
/// key is set.
pub const CLIENT_ID_ENV: &str = "TELNYX_CLIENT_ID";
/// Environment variable holding the OAuth client secret (see [`CLIENT_ID_ENV`]).
pub const CLIENT_SECRET_ENV: &str = "TELNYX_CLIENT_SECRET";

/// The most of a token answer read.
const MAX_TOKEN_BODY: usize = 64 << 10;

/// Why no access token could be had; carried by [`Error::OAuth`](crate::Error::OAuth).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The token endpoint refused the credentials (or the request).
    #[error(
        "Telnyx refused the OAuth client credentials: {0}. Check TELNYX_CLIENT_ID and \
         TELNYX_CLIENT_SECRET (or the values given to ClientBuilder::oauth_client_credentials)"
    )]
    Refused(Box<ApiError>),
    /// The token endpoint could not be reached or its answer could not be read.
    #[error("could not get an OAuth access token from Telnyx: {0}")]
    Unavailable(String),
}

/// The client credentials and the cached token.
pub(crate) struct OAuth {
    client_id: String,
    client_secret: ApiKey,
    cache: tokio::sync::Mutex<Option<Token>>,
}

#[derive(Clone)]
struct Token {
    header: HeaderValue,
    refresh_at: Instant,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

impl OAuth {
    pub(crate) fn new(client_id: String, client_secret: ApiKey) -> Self {
        OAuth {
            client_id,
            client_secret,
            cache: tokio::sync::Mutex::new(None),
        }
    }

    /// The `Authorization` value of the current token, fetching one when there is none or it
    /// is about to expire.
    pub(crate) async fn header(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        user_agent: &HeaderValue,
    ) -> Result<HeaderValue, OAuthError> {
        let mut cache = self.cache.lock().await;
        if let Some(token) = cache.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.header.clone());
        }
        let token = self.fetch(http, base_url, user_agent).await?;
        let header = token.header.clone();
        *cache = Some(token);
        Ok(header)
    }

    /// Drops the cached token if it is `used` (a call was answered 401 with it).
    pub(crate) async fn forget(&self, used: &HeaderValue) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|t| t.header == used) {
            *cache = None;
        }
    }

    async fn fetch(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        user_agent: &HeaderValue,
    ) -> Result<Token, OAuthError> {
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret.expose(),
        });
        let unavailable = |e: reqwest::Error| OAuthError::Unavailable(e.without_url().to_string());
        let mut response = http
            .post(format!("{base_url}/oauth/token"))
            .header(USER_AGENT, user_agent.clone())
            .json(&body)
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unavailable)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_TOKEN_BODY {
                return Err(OAuthError::Unavailable(format!(
                    "the token answer is over {MAX_TOKEN_BODY} bytes"
                )));
            }
        }
        if status != StatusCode::OK {
            let (body, raw) = match serde_json::from_slice(&bytes) {
                Ok(value @ serde_json::Value::Object(_)) => (value, false),
                _ => (
                    serde_json::json!({ "message": String::from_utf8_lossy(&bytes) }),
                    true,
                ),
            };
            return Err(OAuthError::Refused(Box::new(ApiError::from_parts(
                status, &headers, &body, raw,
            ))));
        }
        let answer: TokenAnswer = serde_json::from_slice(&bytes).map_err(|e| {
            OAuthError::Unavailable(format!("the token answer does not read as one: {e}"))
        })?;
        let header =
            HeaderValue::from_str(&format!("Bearer {}", answer.access_token)).map_err(|_| {
                OAuthError::Unavailable("the access token is not a header value".into())
            })?;
        let mut header = header;
        header.set_sensitive(true);
        let lifetime = Duration::from_secs(answer.expires_in);
        // Refresh a little early: a tenth of the lifetime, at most a minute.
        let margin = (lifetime / 10).min(Duration::from_secs(60));
        Ok(Token {
            header,
            refresh_at: Instant::now() + lifetime - margin,
        })
    }
}
