//! What can go wrong when minting a token.
//!
//! Not in `error`: this error holds [`Realm`]s, and `realm` itself reports its
//! faults with `error`'s types, so the two would import each other.

use crate::realm::Realm;

/// Why a token could not be minted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MintError {
    /// A URI in the grant was built for another issuer or domain than the signer's.
    #[error(
        "the {role} URI {uri:?} belongs to issuer {:?} at {:?}, but this signer signs for \
         issuer {:?} at {:?}; build the URI from the signer's realm",
        .found.issuer().as_str(),
        .found.domain().as_str(),
        .expected.issuer().as_str(),
        .expected.domain().as_str()
    )]
    RealmMismatch {
        /// Which claim the URI was for (`"f"`, `"t"` or `"sub"`).
        role: &'static str,
        /// The URI.
        uri: String,
        /// The realm the URI was built in.
        found: Realm,
        /// The signer's realm.
        expected: Realm,
    },
    /// The `exp` given is not after the current time: the token would be born expired.
    #[error(
        "the expiry {expires_at} (Unix seconds) is not in the future (it is now {now}); give a \
         later time, or a lifetime instead (the recommended lifetime is 90 s)"
    )]
    ExpiryInPast {
        /// The `exp` given.
        expires_at: u64,
        /// The time the check used.
        now: u64,
    },
    /// The `exp` given is further ahead than [`MAX_TTL`](crate::MAX_TTL).
    #[error(
        "the expiry {expires_at} (Unix seconds) is more than {max_ttl_secs} s after now ({now}); \
         tokens are short-lived credentials: give a time at most {max_ttl_secs} s ahead"
    )]
    ExpiryTooFar {
        /// The `exp` given.
        expires_at: u64,
        /// The time the check used.
        now: u64,
        /// The longest lifetime accepted, in seconds.
        max_ttl_secs: u64,
    },
}
