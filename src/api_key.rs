//! The API key, kept out of `Debug` output, error messages and logs.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::Error;

/// A Telnyx API v2 key.
///
/// Its `Debug` output is `ApiKey(<redacted>)`; it has no `Display`, and nothing in this crate
/// prints or logs it. The `Authorization` header built from it is marked sensitive, so HTTP
/// tooling that honours that flag does not print it either.
///
/// ```
/// let key = telnyx_client::ApiKey::new("KEY0123456789");
/// assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key. It is checked when the client is built ([`ClientBuilder::build`]).
    ///
    /// [`ClientBuilder::build`]: crate::ClientBuilder::build
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for the one place that must send it in a body (the OAuth secret).
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The `Authorization: Bearer …` header value, marked sensitive. `setting` names where the
    /// key came from, for the error message.
    pub(crate) fn bearer_header(&self, setting: &str) -> Result<HeaderValue, Error> {
        let key = self.0.as_str();
        let problem = if key.is_empty() {
            Some("the API key is empty; set it to your Telnyx API v2 key")
        } else if key.trim() != key {
            Some("the API key has leading or trailing whitespace; remove it")
        } else if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Some(
                "the API key contains whitespace or control characters; check that it was copied whole",
            )
        } else if !key.is_ascii() {
            Some("the API key contains non-ASCII characters; check that it was copied correctly")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(Error::config(setting, problem));
        }
        let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
            Error::config(
                setting,
                "the API key cannot be sent in an HTTP header; check that it was copied correctly",
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self(key.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let key = ApiKey::new("KEYsecret123");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(format!("{:?}", Some(&key)), "Some(ApiKey(<redacted>))");
    }

    #[test]
    fn header_is_bearer_and_sensitive() {
        let header = ApiKey::new("KEYsecret123")
            .bearer_header("api_key")
            .unwrap();
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().unwrap(), "Bearer KEYsecret123");
        assert!(!format!("{header:?}").contains("KEYsecret123"));
    }

    #[test]
    fn bad_keys_are_rejected_without_echoing_them() {
        for bad in ["", " KEYsecret", "KEY secret", "KEY\nsecret", "KEYsécret"] {
            let error = ApiKey::new(bad)
                .bearer_header("TELNYX_API_KEY")
                .unwrap_err();
            let text = error.to_string();
            assert!(text.starts_with("invalid TELNYX_API_KEY: "), "{text}");
            if !bad.is_empty() {
                assert!(!text.contains(bad.trim()), "{text}");
            }
        }
    }
}
