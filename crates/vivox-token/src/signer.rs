//! Minting tokens: a signer holds the realm, the keyed HMAC state, the clock and the `vxi` source.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::error::InputError;
use crate::grant::Grant;
use crate::key::{HmacSha256, SigningKey};
use crate::mint_error::MintError;
use crate::payload::{payload_capacity, write_payload};
use crate::realm::Realm;
use crate::token::{Token, encode_signed};
use crate::vxi::VxiCounter;

thread_local! {
    /// The JSON payload of the token being minted, kept per thread so minting
    /// does not allocate for it each time.
    static PAYLOAD_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// How long a token lives by default: Vivox recommends now + 90 s.
pub const DEFAULT_TTL: Duration = Duration::from_secs(90);

/// The shortest token lifetime accepted: 1 s (`exp` is in whole seconds, so
/// anything shorter would mint a token that has already expired).
pub const MIN_TTL: Duration = Duration::from_secs(1);

/// The longest token lifetime accepted: 24 hours. A token is a bearer
/// credential; Vivox recommends 90 s.
pub const MAX_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Per-token choices that override the signer's clock and counter.
///
/// Give both to reproduce a token byte for byte: an explicit `exp` is then
/// taken as it is. An explicit `exp` with an automatic `vxi` mints a new
/// token, so it must be in the future and at most [`MAX_TTL`] ahead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MintOptions {
    vxi: Option<u64>,
    expires_at: Option<u64>,
}

impl MintOptions {
    /// No overrides: `vxi` from the counter, `exp` = now + ttl.
    #[must_use]
    pub fn new() -> Self {
        MintOptions::default()
    }

    /// Use this `vxi` instead of the counter's next value.
    ///
    /// The counter still learns it, so later automatic values are larger.
    #[must_use]
    pub fn vxi(mut self, vxi: u64) -> Self {
        self.vxi = Some(vxi);
        self
    }

    /// Use this `exp` (Unix seconds) instead of now + ttl.
    ///
    /// Unless `vxi` is given too, minting checks that it is after now and at
    /// most [`MAX_TTL`] ahead.
    #[must_use]
    pub fn expires_at(mut self, unix_secs: u64) -> Self {
        self.expires_at = Some(unix_secs);
        self
    }
}

/// Mints access tokens for one issuer and domain with one key.
///
/// The key is turned into HMAC state once, when the signer is built; each
/// token clones that state. `Signer` is `Send + Sync`: share one across threads.
/// Its `Debug` output never contains the key.
pub struct Signer {
    realm: Realm,
    mac: HmacSha256,
    clock: Arc<dyn Clock>,
    counter: Arc<VxiCounter>,
    ttl: Duration,
}

impl Signer {
    /// A signer for `realm` with `key`, the system clock, a fresh `vxi`
    /// counter and a 90-second lifetime.
    #[must_use]
    pub fn new(realm: Realm, key: &SigningKey) -> Self {
        Signer {
            realm,
            mac: key.keyed_mac(),
            clock: Arc::new(SystemClock),
            counter: Arc::new(VxiCounter::new()),
            ttl: DEFAULT_TTL,
        }
    }

    /// Sets how long tokens live (`exp` = now + `ttl`, whole seconds).
    ///
    /// # Errors
    /// [`InputError::TtlOutOfRange`] unless `ttl` is from [`MIN_TTL`] (1 s) to
    /// [`MAX_TTL`] (24 h).
    pub fn with_ttl(mut self, ttl: Duration) -> Result<Self, InputError> {
        if !(MIN_TTL..=MAX_TTL).contains(&ttl) {
            return Err(InputError::TtlOutOfRange {
                ttl,
                min: MIN_TTL,
                max: MAX_TTL,
            });
        }
        self.ttl = ttl;
        Ok(self)
    }

    /// Reads the time from `clock` instead of the system clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Takes `vxi` values from `counter`, e.g. one shared by the signers of a key rotation.
    #[must_use]
    pub fn with_vxi_counter(mut self, counter: Arc<VxiCounter>) -> Self {
        self.counter = counter;
        self
    }

    /// The issuer and domain this signer signs for; build URIs from it.
    #[must_use]
    pub fn realm(&self) -> &Realm {
        &self.realm
    }

    /// How long tokens live.
    #[must_use]
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Mints a token for `grant` with the next `vxi` and `exp` = now + ttl.
    ///
    /// # Errors
    /// [`MintError::RealmMismatch`] if a URI of the grant was built for
    /// another issuer or domain; with [`Signer::mint_with`],
    /// [`MintError::ExpiryInPast`] or [`MintError::ExpiryTooFar`] for an
    /// explicit `exp` out of range (see [`MintOptions`]).
    pub fn mint(&self, grant: &Grant<'_>) -> Result<Token, MintError> {
        self.mint_with(grant, MintOptions::new())
    }

    /// Mints a token for `grant`, with `vxi` and `exp` taken from `options` where given.
    ///
    /// # Errors
    /// As [`Signer::mint`].
    pub fn mint_with(&self, grant: &Grant<'_>, options: MintOptions) -> Result<Token, MintError> {
        let mut token = String::new();
        self.mint_into(grant, options, &mut token)?;
        Ok(Token(token))
    }

    /// Mints like [`Signer::mint_with`] into `out`, replacing its contents and
    /// reusing its allocation.
    ///
    /// # Errors
    /// As [`Signer::mint`]; `out` is left empty.
    pub fn mint_into(
        &self,
        grant: &Grant<'_>,
        options: MintOptions,
        out: &mut String,
    ) -> Result<(), MintError> {
        out.clear();
        self.check_realm(grant)?;
        let (vxi, expires_at) = self.stamp(options)?;
        let issuer = self.realm.issuer().as_str();
        PAYLOAD_BUFFER.with(|buffer| {
            // Nothing called while the buffer is borrowed mints again, but
            // fall back to a fresh buffer rather than panic if that changes.
            let mut fresh = Vec::new();
            let mut guard = buffer.try_borrow_mut();
            let payload = match guard.as_deref_mut() {
                Ok(reused) => reused,
                Err(_) => &mut fresh,
            };
            payload.clear();
            payload.reserve(payload_capacity(issuer, grant));
            write_payload(payload, issuer, grant, vxi, expires_at);
            encode_signed(&self.mac, payload, out);
        });
        Ok(())
    }

    /// The `vxi` and `exp` for one token.
    ///
    /// Both given: a reproduction, taken as it is. Otherwise an explicit `exp`
    /// must lie in `now + 1 ..= now + MAX_TTL`.
    fn stamp(&self, options: MintOptions) -> Result<(u64, u64), MintError> {
        let expires_at = match (options.vxi, options.expires_at) {
            (Some(_), Some(expires_at)) => expires_at,
            (None, Some(expires_at)) => {
                let now = self.clock.since_unix_epoch().as_secs();
                if expires_at <= now {
                    return Err(MintError::ExpiryInPast { expires_at, now });
                }
                if expires_at - now > MAX_TTL.as_secs() {
                    return Err(MintError::ExpiryTooFar {
                        expires_at,
                        now,
                        max_ttl_secs: MAX_TTL.as_secs(),
                    });
                }
                expires_at
            }
            (_, None) => {
                let now = self.clock.since_unix_epoch().as_secs();
                now.saturating_add(self.ttl.as_secs())
            }
        };
        let vxi = match options.vxi {
            Some(vxi) => {
                self.counter.observe(vxi);
                vxi
            }
            None => self.counter.next(),
        };
        Ok((vxi, expires_at))
    }

    fn check_realm(&self, grant: &Grant<'_>) -> Result<(), MintError> {
        for (role, uri, realm) in grant.uris() {
            if !realm.same_as(&self.realm) {
                return Err(MintError::RealmMismatch {
                    role,
                    uri: uri.to_owned(),
                    found: realm.clone(),
                    expected: self.realm.clone(),
                });
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("realm", &self.realm)
            .field("key", &"<redacted>")
            .field("clock", &self.clock)
            .field("last_vxi", &self.counter.last())
            .field("ttl", &self.ttl)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::ChannelKind;
    use crate::clock::FixedClock;
    use crate::positional::PositionalProperties;
    use crate::verify::{Verifier, decode_unverified};

    const NOW: u64 = 1_600_349_310;

    fn realm() -> Realm {
        Realm::parse("blindmelon-AppName-dev", "tla.vivox.com").expect("test realm")
    }

    fn signer(realm: &Realm) -> Signer {
        let key = SigningKey::new("secret!").expect("non-empty");
        Signer::new(realm.clone(), &key).with_clock(Arc::new(FixedClock::at_unix_secs(NOW)))
    }

    #[test]
    fn signers_and_verifiers_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Signer>();
        shareable::<Verifier>();
        shareable::<VxiCounter>();
    }

    #[test]
    fn exp_is_now_plus_ninety_seconds_by_default() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let token = signer(&realm).mint(&Grant::login(&user)).expect("mints");
        let claims = decode_unverified(token.as_str()).expect("decodes");
        assert_eq!(claims.expires_at, NOW + 90);
        assert_eq!(DEFAULT_TTL, Duration::from_secs(90));
    }

    #[test]
    fn ttl_is_configurable() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let signer = signer(&realm)
            .with_ttl(Duration::from_secs(300))
            .expect("in range");
        assert_eq!(signer.ttl(), Duration::from_secs(300));
        let token = signer.mint(&Grant::login(&user)).expect("mints");
        assert_eq!(
            decode_unverified(token.as_str()).map(|c| c.expires_at),
            Ok(NOW + 300)
        );
    }

    #[test]
    fn automatic_vxi_increases_from_a_random_start() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let signer = signer(&realm);
        let vxis: Vec<u64> = (0..3)
            .map(|_| {
                let token = signer.mint(&Grant::login(&user)).expect("mints");
                decode_unverified(token.as_str()).expect("decodes").vxi
            })
            .collect();
        assert_eq!(vxis, [vxis[0], vxis[0] + 1, vxis[0] + 2]);
        assert!(vxis[2] <= crate::vxi::MAX_VXI);
    }

    #[test]
    fn signers_on_a_stopped_clock_still_mint_distinct_tokens() {
        // Two processes starting in the same microsecond used to get the same
        // clock-derived vxi, and so byte-identical tokens.
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let tokens: std::collections::HashSet<String> = (0..64)
            .map(|_| {
                signer(&realm)
                    .mint(&Grant::login(&user))
                    .expect("mints")
                    .into_string()
            })
            .collect();
        assert_eq!(tokens.len(), 64);
    }

    #[test]
    fn ttl_must_be_from_one_second_to_a_day() {
        let realm = realm();
        for ttl in [
            Duration::ZERO,
            Duration::from_millis(999),
            MAX_TTL + Duration::from_secs(1),
            Duration::from_secs(u64::MAX),
        ] {
            match signer(&realm).with_ttl(ttl) {
                Err(error @ InputError::TtlOutOfRange { .. }) => {
                    let message = error.to_string();
                    assert!(message.contains("1 to 86400 seconds"), "{message}");
                }
                other => panic!("{ttl:?}: {other:?}"),
            }
        }
        assert!(signer(&realm).with_ttl(MIN_TTL).is_ok());
        assert!(signer(&realm).with_ttl(MAX_TTL).is_ok());
    }

    #[test]
    fn an_explicit_exp_for_a_new_token_must_be_in_the_next_day() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let signer = signer(&realm);
        let mint = |exp| signer.mint_with(&Grant::login(&user), MintOptions::new().expires_at(exp));
        assert_eq!(
            mint(NOW),
            Err(MintError::ExpiryInPast {
                expires_at: NOW,
                now: NOW
            })
        );
        assert!(matches!(mint(0), Err(MintError::ExpiryInPast { .. })));
        let far = NOW + MAX_TTL.as_secs() + 1;
        match mint(far) {
            Err(error @ MintError::ExpiryTooFar { .. }) => {
                assert!(error.to_string().contains("86400 s"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            mint(u64::MAX),
            Err(MintError::ExpiryTooFar { .. })
        ));
        assert!(mint(NOW + 1).is_ok());
        assert!(mint(NOW + MAX_TTL.as_secs()).is_ok());
        // With vxi given as well the token is a reproduction, taken as it is.
        let reproduced = signer.mint_with(
            &Grant::login(&user),
            MintOptions::new().vxi(1).expires_at(1),
        );
        assert_eq!(
            decode_unverified(reproduced.expect("mints").as_str()).map(|c| c.expires_at),
            Ok(1)
        );
        let mut out = String::from("stale");
        assert!(
            signer
                .mint_into(
                    &Grant::login(&user),
                    MintOptions::new().expires_at(1),
                    &mut out
                )
                .is_err()
        );
        assert!(out.is_empty());
    }

    #[test]
    fn identical_grants_give_distinct_tokens() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let signer = signer(&realm);
        let grant = Grant::login(&user);
        assert_ne!(signer.mint(&grant), signer.mint(&grant));
    }

    #[test]
    fn explicit_vxi_moves_the_counter_past_it() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let signer = signer(&realm).with_vxi_counter(Arc::new(VxiCounter::after(0)));
        let far = NOW * 1_000_000 + 1_000;
        signer
            .mint_with(&Grant::login(&user), MintOptions::new().vxi(far))
            .expect("mints");
        let next = signer.mint(&Grant::login(&user)).expect("mints");
        assert_eq!(decode_unverified(next.as_str()).map(|c| c.vxi), Ok(far + 1));
    }

    #[test]
    fn a_shared_counter_spans_signers() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let counter = Arc::new(VxiCounter::new());
        let a = signer(&realm).with_vxi_counter(Arc::clone(&counter));
        let b = signer(&realm).with_vxi_counter(Arc::clone(&counter));
        let vxi = |s: &Signer| {
            let token = s.mint(&Grant::login(&user)).expect("mints");
            decode_unverified(token.as_str()).expect("decodes").vxi
        };
        let first = vxi(&a);
        assert_eq!(vxi(&b), first + 1);
        assert_eq!(counter.last(), first + 1);
    }

    #[test]
    fn uris_from_another_realm_are_refused() {
        let ours = realm();
        let theirs = Realm::parse("someone-else", "tla.vivox.com").expect("valid");
        let user = theirs.user("beef").expect("valid");
        let channel = ours.channel("lobby", ChannelKind::Group).expect("valid");
        let signer = signer(&ours);
        match signer.mint(&Grant::join(&user, &channel)) {
            Err(error @ MintError::RealmMismatch { role, .. }) => {
                assert_eq!(role, "f");
                let message = error.to_string();
                assert!(message.contains("\"someone-else\""), "{message}");
                assert!(message.contains("\"blindmelon-AppName-dev\""), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let mut out = String::from("stale");
        assert!(
            signer
                .mint_into(&Grant::join(&user, &channel), MintOptions::new(), &mut out)
                .is_err()
        );
        assert!(out.is_empty());
        // An equal realm built separately is the same realm.
        let twin = realm();
        let user = twin.user("beef").expect("valid");
        assert!(signer.mint(&Grant::join(&user, &channel)).is_ok());
    }

    #[test]
    fn mint_into_reuses_the_buffer() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let signer = signer(&realm);
        let options = MintOptions::new().vxi(1).expires_at(2);
        let mut out = String::new();
        signer
            .mint_into(&Grant::login(&user), options, &mut out)
            .expect("mints");
        let first = out.clone();
        signer
            .mint_into(&Grant::login(&user), options, &mut out)
            .expect("mints");
        assert_eq!(out, first);
        assert_eq!(
            signer
                .mint_with(&Grant::login(&user), options)
                .map(String::from),
            Ok(first)
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        let realm = realm();
        let shown = format!("{:?} {:#?}", signer(&realm), signer(&realm));
        assert!(!shown.contains("secret!"), "{shown}");
        assert!(shown.contains("<redacted>"));
        assert!(shown.contains("blindmelon-AppName-dev"));
    }

    #[test]
    fn positional_channel_tokens_verify() {
        let realm = realm();
        let user = realm.user("beef").expect("valid");
        let channel = realm
            .channel(
                "arena",
                ChannelKind::Positional(PositionalProperties::default()),
            )
            .expect("valid");
        let token = signer(&realm)
            .mint(&Grant::join(&user, &channel))
            .expect("mints");
        let key = SigningKey::new("secret!").expect("non-empty");
        let verifier = Verifier::new(&key).with_clock(Arc::new(FixedClock::at_unix_secs(NOW + 1)));
        let claims = verifier.verify(token.as_str()).expect("valid");
        assert_eq!(claims.to.as_deref(), Some(channel.as_str()));
    }
}
