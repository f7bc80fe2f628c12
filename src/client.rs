//! Building a [`Client`]: settings, their defaults, and reading them from the environment.

use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::oauth::{CLIENT_ID_ENV, CLIENT_SECRET_ENV, OAuth};

use crate::{ApiKey, Client, Error, RetryPolicy};

/// Base URL used when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.telnyx.com/v2";
/// Default limit for a whole request (one attempt), from sending to the end of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default limit for opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The `User-Agent` sent unless another is configured.
pub const DEFAULT_USER_AGENT: &str = concat!("telnyx-client-rust/", env!("CARGO_PKG_VERSION"));

/// Environment variable holding the API key, read by [`Client::from_env`].
pub const API_KEY_ENV: &str = "TELNYX_API_KEY";
/// Environment variable overriding the base URL, read by [`Client::from_env`].
pub const BASE_URL_ENV: &str = "TELNYX_BASE_URL";

/// State a [`Client`] carries for its hooks: the credential, per-request settings and the retry
/// policy. Opaque; its `Debug` output never shows the API key.
#[derive(Clone)]
pub struct ClientState {
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) user_agent: HeaderValue,
    /// Per-attempt limit set on each request; `None` when the `reqwest::Client` (ours, built
    /// with the timeout, or the caller's) decides.
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    /// OAuth client credentials and their token, shared by the client's clones.
    pub(crate) oauth: Option<Arc<OAuth>>,
}

impl ClientState {
    /// Whether the client has an API key.
    pub fn has_api_key(&self) -> bool {
        self.authorization.is_some()
    }

    /// Whether the client authenticates with OAuth client credentials.
    pub fn has_oauth(&self) -> bool {
        self.oauth.is_some()
    }

    /// The `Authorization` value for a call: the API key's, or the current OAuth token's
    /// (fetched when needed); `None` without credentials.
    pub(crate) async fn credential(
        &self,
        http: &reqwest::Client,
        base_url: &str,
    ) -> Result<Option<HeaderValue>, crate::oauth::OAuthError> {
        match &self.oauth {
            Some(oauth) => oauth
                .header(http, base_url, &self.user_agent)
                .await
                .map(Some),
            None => Ok(self.authorization.clone()),
        }
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The limit this client sets on each attempt of a request, when it sets one per request
    /// (a caller's `reqwest::Client` with no explicit [`ClientBuilder::timeout`] keeps its own).
    pub fn request_timeout(&self) -> Option<Duration> {
        self.request_timeout
    }
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field(
                "api_key",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field("user_agent", &self.user_agent)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .field("oauth", &self.oauth)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: the API key from `TELNYX_API_KEY` and, if
    /// set, the base URL from `TELNYX_BASE_URL`; everything else at its default.
    ///
    /// Without `TELNYX_API_KEY` the client is still built and can call operations that need no
    /// key (such as `RefreshRoomClientToken`); the others then fail with
    /// [`Error::MissingApiKey`] before sending anything. A variable that is set but empty, not
    /// UTF-8 or otherwise invalid is an [`Error::Config`] naming it.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// Whether this client has an API key.
    pub fn has_api_key(&self) -> bool {
        self.inner.has_api_key()
    }

    /// The base URL requests go to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.baseurl
    }
}

/// The root that some operations are served from: `base_url` without `strip` at its end
/// (`https://api.telnyx.com/v2` → `https://api.telnyx.com` for `/.well-known/…`), or
/// `base_url` itself when it does not end so (a mock server's root, say).
pub fn server_root<'a>(base_url: &'a str, strip: &str) -> &'a str {
    base_url.strip_suffix(strip).unwrap_or(base_url)
}

/// Settings for a [`Client`].
///
/// ```no_run
/// use std::time::Duration;
/// use telnyx_client::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .api_key("KEY0123456789")
///     .timeout(Duration::from_secs(30))
///     .retry_policy(RetryPolicy::default().max_retries(4))
///     .build()?;
/// # Ok::<(), telnyx_client::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<(ApiKey, &'static str)>,
    oauth: Option<(String, ApiKey)>,
    base_url: Option<(String, &'static str)>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|(key, _)| key))
            .field("oauth_client_id", &self.oauth.as_ref().map(|(id, _)| id))
            .field("base_url", &self.base_url.as_ref().map(|(url, _)| url))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// A builder preloaded from the environment (see [`Client::from_env`]), for adjusting
    /// further settings before [`build`](Self::build).
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::default().with_env(|name| std::env::var_os(name))
    }

    /// Applies `TELNYX_API_KEY` and `TELNYX_BASE_URL` as found by `lookup`.
    pub(crate) fn with_env(
        mut self,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<ClientBuilder, Error> {
        let read = |name: &'static str| -> Result<Option<String>, Error> {
            match lookup(name) {
                None => Ok(None),
                Some(value) if value.is_empty() => Err(Error::config(
                    name,
                    format!("{name} is set but empty; set it to a value or unset it"),
                )),
                Some(value) => value.into_string().map(Some).map_err(|_| {
                    Error::config(
                        name,
                        format!("{name} is not valid UTF-8; set it to plain text"),
                    )
                }),
            }
        };
        if let Some(key) = read(API_KEY_ENV)? {
            self.api_key = Some((ApiKey::new(key), API_KEY_ENV));
        } else {
            match (read(CLIENT_ID_ENV)?, read(CLIENT_SECRET_ENV)?) {
                (Some(id), Some(secret)) => self.oauth = Some((id, ApiKey::new(secret))),
                (None, None) => {}
                (Some(_), None) | (None, Some(_)) => {
                    return Err(Error::config(
                        "TELNYX_CLIENT_ID/TELNYX_CLIENT_SECRET",
                        "only one of the two is set; set both for OAuth client credentials, or \
                         neither",
                    ));
                }
            }
        }
        if let Some(url) = read(BASE_URL_ENV)? {
            self.base_url = Some((url, BASE_URL_ENV));
        }
        Ok(self)
    }

    /// Sets the API key, sent as `Authorization: Bearer <key>` on every operation that takes
    /// one.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some((key.into(), "api_key"));
        self
    }

    /// Authenticates with OAuth 2.0 client credentials instead of an API key: the access
    /// token comes from `POST /oauth/token` on the base URL, is kept and shared by the
    /// client's clones, and is fetched again shortly before it expires (or once after a 401).
    /// The secret is never shown (`Debug`, errors, logs).
    #[must_use]
    pub fn oauth_client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<ApiKey>,
    ) -> Self {
        self.oauth = Some((client_id.into(), client_secret.into()));
        self
    }

    /// Sets the base URL (default [`DEFAULT_BASE_URL`]), for example a mock server's.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some((url.into(), "base_url"));
        self
    }

    /// Sets the limit for each attempt of a request, from sending to the end of the body
    /// (default 60 s; with [`http_client`](Self::http_client), that client's own unless set
    /// here).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the limit for opening a connection (default 5 s). Not available together with
    /// [`http_client`](Self::http_client): configure that client instead.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets the `User-Agent` header (default `telnyx-client-rust/<version>`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`], two retries).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets how many times a failed request may be re-sent (0 turns retries off), keeping the
    /// rest of the retry policy.
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry = self.retry.max_retries(retries);
        self
    }

    /// Uses the caller's `reqwest::Client` (for proxies, custom TLS roots, connection pool
    /// settings, …). The API key, user agent and retries still apply; the timeouts are that
    /// client's own unless [`timeout`](Self::timeout) is set here.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let authorization = self
            .api_key
            .as_ref()
            .map(|(key, setting)| key.bearer_header(setting))
            .transpose()?;
        let (base_url, base_url_setting) = match &self.base_url {
            Some((url, setting)) => (normalize_base_url(url, setting)?, *setting),
            None => (DEFAULT_BASE_URL.to_owned(), "base_url"),
        };
        if self.timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::config("timeout", "must be greater than zero"));
        }
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = HeaderValue::from_str(user_agent).map_err(|_| {
            Error::config(
                "user_agent",
                "contains characters not allowed in an HTTP header; use visible ASCII",
            )
        })?;
        let (http, request_timeout) = match self.http_client {
            Some(client) => {
                if self.connect_timeout.is_some() {
                    return Err(Error::config(
                        "connect_timeout",
                        "cannot be combined with http_client(); set the connect timeout on \
                         your reqwest::Client instead",
                    ));
                }
                (client, self.timeout)
            }
            None => {
                let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
                if connect_timeout.is_zero() {
                    return Err(Error::config(
                        "connect_timeout",
                        "must be greater than zero",
                    ));
                }
                crate::tls::check_reachable(&base_url, base_url_setting)?;
                let client = crate::tls::http_client_builder()
                    .connect_timeout(connect_timeout)
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .build()
                    .map_err(|e| {
                        Error::config(
                            "HTTP client",
                            format!("could not be created ({e}); pass your own with http_client()"),
                        )
                    })?;
                (client, None)
            }
        };
        let oauth = match (self.oauth, &authorization) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    "oauth_client_credentials",
                    "cannot be combined with an API key; use one or the other",
                ));
            }
            (Some((id, secret)), None) => {
                if id.trim().is_empty() {
                    return Err(Error::config(
                        "oauth_client_credentials",
                        "the client id is empty",
                    ));
                }
                secret.bearer_header("oauth_client_credentials")?;
                Some(Arc::new(OAuth::new(id, secret)))
            }
            (None, _) => None,
        };
        let state = ClientState {
            authorization,
            user_agent,
            request_timeout,
            retry: self.retry,
            oauth,
        };
        Ok(Client::new_with_client(&base_url, http, state))
    }
}

/// Checks a base URL and drops a trailing slash (operation paths start with one).
fn normalize_base_url(url: &str, setting: &str) -> Result<String, Error> {
    let fail = |problem: String| Error::config(setting, problem);
    let example = "for example https://api.telnyx.com/v2";
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| {
        fail(format!(
            "`{url}` is not a URL ({e}); use an absolute URL, {example}"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(fail(format!(
            "`{url}` is not an http(s) URL; use one, {example}"
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(fail(
            "the URL contains credentials; remove them (the API key is configured separately)"
                .to_owned(),
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(fail(format!(
            "`{url}` has a query or fragment; use just scheme, host and path, {example}"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn from(pairs: &[(&str, &str)]) -> Result<Client, Error> {
        ClientBuilder::default().with_env(env(pairs))?.build()
    }

    #[test]
    fn env_defaults() {
        let client = from(&[]).unwrap();
        assert!(!client.has_api_key());
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        let client = from(&[
            (API_KEY_ENV, "KEYabc"),
            (BASE_URL_ENV, "http://127.0.0.1:9/v2/"),
        ])
        .unwrap();
        assert!(client.has_api_key());
        assert_eq!(client.base_url(), "http://127.0.0.1:9/v2");
    }

    #[test]
    fn env_client_credentials_are_used_without_a_key() {
        let client = from(&[(CLIENT_ID_ENV, "id-1"), (CLIENT_SECRET_ENV, "SECRET0123")]).unwrap();
        assert!(client.inner.has_oauth() && !client.has_api_key());
        // The API key wins when both are set.
        let client = from(&[
            (API_KEY_ENV, "KEYabc"),
            (CLIENT_ID_ENV, "id-1"),
            (CLIENT_SECRET_ENV, "SECRET0123"),
        ])
        .unwrap();
        assert!(client.has_api_key() && !client.inner.has_oauth());
        let error = from(&[(CLIENT_ID_ENV, "id-1")]).unwrap_err();
        assert!(
            error.to_string().contains("only one of the two is set"),
            "{error}"
        );
        let debug = format!(
            "{:?}",
            from(&[(CLIENT_ID_ENV, "id-1"), (CLIENT_SECRET_ENV, "SECRET0123")]).unwrap()
        );
        assert!(!debug.contains("SECRET0123"), "{debug}");
    }

    #[test]
    fn empty_env_vars_are_errors_naming_the_variable() {
        for name in [API_KEY_ENV, BASE_URL_ENV] {
            let error = from(&[(name, "")]).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("invalid {name}: {name} is set but empty; set it to a value or unset it")
            );
        }
    }

    #[test]
    fn invalid_env_values_are_errors_naming_the_variable() {
        let error = from(&[(BASE_URL_ENV, "ftp://example.com")]).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid TELNYX_BASE_URL: `ftp://example.com` is not an http(s) URL")
        );
        let error = from(&[(BASE_URL_ENV, "not a url")]).unwrap_err();
        assert!(error.to_string().starts_with("invalid TELNYX_BASE_URL:"));
        let error = from(&[(API_KEY_ENV, "KEY with space")]).unwrap_err();
        assert!(error.to_string().starts_with("invalid TELNYX_API_KEY:"));
        assert!(!error.to_string().contains("with space"));
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_env_value_is_an_error() {
        use std::os::unix::ffi::OsStringExt;
        let lookup =
            |name: &str| (name == API_KEY_ENV).then(|| OsString::from_vec(vec![0x4b, 0xff, 0x59]));
        let error = ClientBuilder::default().with_env(lookup).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid TELNYX_API_KEY: TELNYX_API_KEY is not valid UTF-8; set it to plain text"
        );
    }

    #[test]
    fn base_url_checks() {
        assert_eq!(
            normalize_base_url("https://api.telnyx.com/v2/", "base_url").unwrap(),
            "https://api.telnyx.com/v2"
        );
        for bad in [
            "https://u:p@api.telnyx.com/v2",
            "https://api.telnyx.com/v2?x=1",
            "/v2",
        ] {
            assert!(normalize_base_url(bad, "base_url").is_err(), "{bad}");
        }
        let error = normalize_base_url("https://user:hunter2@h/", "base_url").unwrap_err();
        assert!(!error.to_string().contains("hunter2"));
    }

    #[test]
    fn builder_rejects_conflicts_and_zero_timeouts() {
        let error = Client::builder()
            .http_client(reqwest::Client::new())
            .connect_timeout(Duration::from_secs(1))
            .build()
            .unwrap_err();
        assert!(error.to_string().starts_with("invalid connect_timeout:"));
        let error = Client::builder()
            .timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(error.to_string().starts_with("invalid timeout:"));
        let error = Client::builder()
            .user_agent("bad\nagent")
            .build()
            .unwrap_err();
        assert!(error.to_string().starts_with("invalid user_agent:"));
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let builder = Client::builder().api_key("KEYsupersecret");
        let client = builder.clone().build().unwrap();
        for text in [
            format!("{builder:?}"),
            format!("{client:?}"),
            format!("{:?}", client.inner),
        ] {
            assert!(!text.contains("supersecret"), "{text}");
            assert!(text.contains("redacted"), "{text}");
        }
    }
}
