//! TLS of the HTTP clients this crate builds itself, chosen by Cargo feature: rustls with
//! aws-lc-rs (`rustls`, the default) or with ring (`rustls-ring`).

use crate::Error;

/// Whether this build can speak TLS (one of the two features is on).
const HAS_TLS: bool = cfg!(any(feature = "rustls", feature = "rustls-ring"));

/// A `reqwest::ClientBuilder` whose TLS works with this build's features. With `rustls-ring`
/// alone, reqwest has no crypto provider of its own: ring becomes the process's default,
/// unless the application installed a provider first (then that one is used).
pub(crate) fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
    {
        // `Err` means a provider is installed already; reqwest uses it.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}

/// Refuses an `https` base URL in a build without TLS, where every call would fail.
pub(crate) fn check_reachable(base_url: &str, setting: &str) -> Result<(), Error> {
    if HAS_TLS || !base_url.starts_with("https:") {
        return Ok(());
    }
    Err(Error::config(
        setting,
        format!(
            "`{base_url}` needs TLS, and this build has none: enable the feature \
             `rustls` (the default) or `rustls-ring` of telnyx-client, or pass a \
             reqwest::Client with TLS through http_client()"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_needs_no_tls() {
        assert!(check_reachable("http://127.0.0.1:9/v2", "base_url").is_ok());
    }

    #[test]
    fn https_is_refused_only_without_tls() {
        let result = check_reachable("https://api.telnyx.com/v2", "base_url");
        assert_eq!(result.is_ok(), HAS_TLS);
        if let Err(error) = result {
            assert!(error.to_string().contains("rustls-ring"), "{error}");
        }
    }
}
