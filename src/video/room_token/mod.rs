//! A room's join token, minted once and kept fresh with its refresh token.
//!
//! [`RoomTokenSession::start`] mints a join token (`CreateRoomClientToken`, needs the API key)
//! together with a refresh token. The session then exchanges the refresh token for a new join
//! token (`RefreshRoomClientToken`, no API key: the refresh token is the credential) a little
//! before the current one expires, until the refresh token itself expires.
//!
//! Refresh explicitly ([`refresh`](RoomTokenSession::refresh),
//! [`refresh_if_due`](RoomTokenSession::refresh_if_due)) or let a background task do it
//! ([`spawn`](RoomTokenSession::spawn)), which publishes every new token on a
//! [`tokio::sync::watch`] channel and stops with a [`RoomTokenError`] saying why.
//!
//! Join tokens and refresh tokens are bearer credentials: [`RoomToken`] and
//! [`RoomTokenSession`] never show them in `Debug` output, and no error message contains them.
//!
//! ```no_run
//! use telnyx_client::prelude::*;
//! use telnyx_client::room_token::{RoomTokenOptions, RoomTokenSession};
//!
//! # async fn run(client: &Client, room_id: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let session = RoomTokenSession::start(client, room_id, RoomTokenOptions::default()).await?;
//! let driver = session.spawn();
//! let mut tokens = driver.subscribe();
//! // Hand `tokens.borrow().secret()` to the SDK that joins the room; whenever
//! // `tokens.changed()` fires there is a fresh one.
//! while tokens.changed().await.is_ok() {
//!     let expires_at = tokens.borrow().expires_at();
//!     println!("new join token, valid until {expires_at}");
//! }
//! // The channel closed: the driver stopped. Find out why.
//! eprintln!("{}", driver.wait().await);
//! # Ok(())
//! # }
//! ```

mod clock;
mod driver;
mod error;
mod options;
mod session;
mod token;

use std::time::Duration;

pub use clock::{Clock, SystemClock};
pub use driver::RoomTokenDriver;
pub use error::RoomTokenError;
pub use options::RoomTokenOptions;
pub use session::RoomTokenSession;
pub use token::RoomToken;

use error::client_failure;
use options::whole_seconds;
use session::CREATE;
use token::Timestamp;

/// Shown instead of a secret in `Debug` output.
const REDACTED: &str = "<redacted>";

/// Longest single sleep of the background driver. It sleeps in steps of at most this long and
/// re-reads the clock, so a suspended machine or a wall-clock jump delays a refresh by at most
/// this much.
const MAX_SLEEP: Duration = Duration::from_secs(60);

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta};
    use uuid::Uuid;

    use super::session::received_token;
    use super::*;

    #[test]
    fn debug_output_hides_tokens() {
        let token = RoomToken {
            secret: "join-secret".into(),
            expires_at: DateTime::UNIX_EPOCH,
            past_server_expiry: None,
        };
        let text = format!("{token:?}");
        assert!(!text.contains("join-secret"), "{text}");
        assert!(text.contains(REDACTED));
    }

    #[test]
    fn options_are_checked() {
        let error = RoomTokenOptions::default()
            .token_ttl(Duration::from_secs(5))
            .check()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid room token options: token_ttl must be between 10 and 3600 seconds, not 5"
        );
        assert!(
            RoomTokenOptions::default()
                .retry_interval(Duration::ZERO)
                .check()
                .is_err()
        );
        assert!(RoomTokenOptions::default().check().is_ok());
    }

    #[test]
    fn tokens_expiring_on_arrival_get_the_requested_lifetime() {
        let now = DateTime::UNIX_EPOCH + TimeDelta::seconds(100);
        let id = Uuid::nil();
        let ttl = Duration::from_secs(600);
        let ok = received_token(CREATE, id, Some("t".into()), None, now, ttl).unwrap();
        assert_eq!(ok.expires_at(), now + TimeDelta::seconds(600));
        assert_eq!(ok.past_server_expiry(), None);
        let past = now - TimeDelta::seconds(5);
        let adjusted = received_token(CREATE, id, Some("t".into()), Some(past), now, ttl).unwrap();
        assert_eq!(adjusted.expires_at(), now + TimeDelta::seconds(600));
        assert_eq!(adjusted.past_server_expiry(), Some(past));
        assert!(received_token(CREATE, id, Some(String::new()), None, now, ttl).is_err());
    }

    #[test]
    fn timestamps_decode_from_either_generated_type() {
        let at = DateTime::UNIX_EPOCH + TimeDelta::seconds(60);
        assert_eq!(at.into_utc(), Some(at));
        assert_eq!("1970-01-01T00:01:00Z".to_owned().into_utc(), Some(at));
        assert_eq!("soon".to_owned().into_utc(), None);
    }
}
