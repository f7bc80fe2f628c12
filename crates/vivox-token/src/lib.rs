//! Mint and verify [Vivox](https://docs.unity.com/ugs/en-us/manual/vivox-core/manual/access-token-guide/access-token-overview)
//! access tokens, byte for byte as Vivox's own examples.
//!
//! A token is `e30.` + base64url(payload) + `.` + base64url(HMAC-SHA256(key, `e30.` + base64url(payload))):
//! an empty `{}` header, compact JSON claims in a fixed order per action, and
//! an HMAC-SHA256 signature, all base64url without padding.
//!
//! # Building blocks
//!
//! - [`Realm`]: the application's [`Issuer`] and [`Domain`]. Every URI is built in a realm.
//! - URIs, validated on construction: [`UserUri`] (plain or Unity Authentication),
//!   [`ChannelUri`] (group, echo or positional, optionally in an environment),
//!   [`AdminUri`] and [`ServiceUri`].
//! - [`Grant`]: one constructor per kind of token Vivox documents. Their
//!   parameter types encode who may do what: a server-wide kick takes an
//!   [`AdminUri`], so it cannot be built for a user.
//! - [`Signer`]: holds the realm and the keyed HMAC state; mints [`Token`]s
//!   with `vxi` from a [`VxiCounter`] (randomly seeded, so processes and hosts
//!   do not repeat each other's values) and `exp` = now + 90 s from a [`Clock`].
//!   Lifetimes are limited to [`MIN_TTL`]`..=`[`MAX_TTL`] (1 s to 24 h).
//! - [`Verifier`]: checks a token's signature in constant time against one key
//!   or two (during rotation), its claims, the URIs in `f`, `t` and `sub`,
//!   issuer, domain and expiry (with at most [`MAX_LEEWAY`], 5 minutes, of
//!   leeway), and returns [`Claims`].
//!
//! # Examples
//!
//! Every example reproduces a token from Vivox's documentation: key `secret!`,
//! issuer `blindmelon-AppName-dev`, domain `tla.vivox.com`, `exp` 1600349400.
//!
//! In production, leave out [`MintOptions`]: `vxi` then comes from the
//! signer's counter and `exp` from the clock.
//!
//! ## Sign in (`login`)
//!
//! ```
//! use vivox_token::{Grant, MintOptions, Realm, Signer, SigningKey};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let realm = Realm::parse("blindmelon-AppName-dev", "tla.vivox.com")?;
//! let signer = Signer::new(realm.clone(), &SigningKey::new("secret!")?);
//! let jerky = realm.user("jerky")?;
//!
//! let token = signer.mint_with(
//!     &Grant::login(&jerky),
//!     MintOptions::new().vxi(933000).expires_at(1600349400),
//! )?;
//! assert_eq!(
//!     token.as_str(),
//!     "e30.eyJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibG9naW4iLCJ2eGkiOjkzMzAwMCwiZXhwIjoxNjAwMzQ5NDAwLCJmIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIn0.5FKsAQz7bRQGGlSZw-KIcCmft7Ic6nT3Ih-TbdYPWwI"
//! );
//! # Ok(())
//! # }
//! ```
//!
//! ## Join a channel (`join`), and listen-only (`join_muted`)
//!
//! ```
//! use vivox_token::{ChannelKind, Grant, MintOptions, Realm, Signer, SigningKey};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let realm = Realm::parse("blindmelon-AppName-dev", "tla.vivox.com")?;
//! let signer = Signer::new(realm.clone(), &SigningKey::new("secret!")?);
//! let jerky = realm.user("jerky")?;
//! let channel = realm.channel("testchannel", ChannelKind::Group)?;
//! let at = |vxi| MintOptions::new().vxi(vxi).expires_at(1600349400);
//!
//! let join = signer.mint_with(&Grant::join(&jerky, &channel), at(444000))?;
//! assert!(join.as_str().ends_with(".u7us5eCxOBtuEZuDg1HapEEgxLedLaliIy7gOMfbeko"));
//!
//! let join_muted = signer.mint_with(&Grant::join_muted(&jerky, &channel), at(542680))?;
//! assert!(join_muted.as_str().ends_with(".N6sZL3F3e-p2KLQlMweXnbGNzE7Qc91rn_uqCEtRjsc"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Kick (`kick`)
//!
//! A user or the admin can kick a user from a channel; only the admin can
//! kick a user off the server or remove everyone from a channel.
//!
//! ```
//! use vivox_token::{ChannelKind, Grant, MintOptions, Realm, Signer, SigningKey};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let realm = Realm::parse("blindmelon-AppName-dev", "tla.vivox.com")?;
//! let signer = Signer::new(realm.clone(), &SigningKey::new("secret!")?);
//! let (beef, jerky) = (realm.user("beef")?, realm.user("jerky")?);
//! let channel = realm.channel("testchannel", ChannelKind::Group)?;
//! let (admin, service) = (realm.admin(), realm.service());
//! let at = |vxi| MintOptions::new().vxi(vxi).expires_at(1600349400);
//!
//! let by_user = signer.mint_with(&Grant::kick(&beef, &jerky, &channel), at(665000))?;
//! assert!(by_user.as_str().ends_with(".kKnWD3smth6KUuRaY11O-yqAbXy2L2wDZeIoDK_098c"));
//!
//! let by_admin = signer.mint_with(&Grant::kick(&admin, &jerky, &channel), at(8000))?;
//! assert!(by_admin.as_str().ends_with(".7Fn08cctqltxNxPAAeOhPQd4KCsmT1ue1EDIxUNQ3gg"));
//!
//! let off_server = signer.mint_with(&Grant::kick_from_server(&admin, &jerky, &service), at(613642))?;
//! assert!(off_server.as_str().ends_with(".jinc73lQ_ZSN4Mb8WLFK7Clu-Se9LG-QifXKfpaa3g4"));
//!
//! let everyone = signer.mint_with(&Grant::kick_everyone(&admin, &channel), at(729614))?;
//! assert!(everyone.as_str().ends_with(".bvNDTcXIHRpckAiFzy3wPiwgYGks4E9_WuEA5HMGpGE"));
//! # Ok(())
//! # }
//! ```
//!
//! ```compile_fail
//! # use vivox_token::{Grant, Realm};
//! # let realm = Realm::parse("iss", "tla.vivox.com").unwrap();
//! # let (beef, jerky, service) = (realm.user("beef").unwrap(), realm.user("jerky").unwrap(), realm.service());
//! // A user cannot kick anyone off the server: this does not compile.
//! let grant = Grant::kick_from_server(&beef, &jerky, &service);
//! ```
//!
//! ## Mute (`mute`)
//!
//! One user, everyone, or everyone except a presenter; by a user or the
//! admin. Unmuting uses the same token as muting.
//!
//! ```
//! use vivox_token::{ChannelKind, Grant, MintOptions, Realm, Signer, SigningKey};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let realm = Realm::parse("blindmelon-AppName-dev", "tla.vivox.com")?;
//! let signer = Signer::new(realm.clone(), &SigningKey::new("secret!")?);
//! let (beef, jerky) = (realm.user("beef")?, realm.user("jerky")?);
//! let channel = realm.channel("testchannel", ChannelKind::Group)?;
//! let admin = realm.admin();
//! let at = |vxi| MintOptions::new().vxi(vxi).expires_at(1600349400);
//!
//! let one = signer.mint_with(&Grant::mute(&beef, &jerky, &channel), at(123456))?;
//! assert!(one.as_str().ends_with(".vM9zkCXTORjgv8w7eiMHHHkc4DumTwR_-I06y4SnpHA"));
//!
//! let everyone = signer.mint_with(&Grant::mute_everyone(&admin, &channel), at(825647))?;
//! assert!(everyone.as_str().ends_with(".zpyvlBbVAKatuCeELb0Q1PsCb4tg0yacneL_sYHIVaw"));
//!
//! // Presentation mode: the presenter is the subject of a mute-all request.
//! let presenting = signer.mint_with(&Grant::mute_everyone_except(&beef, &jerky, &channel), at(7))?;
//! # assert!(presenting.as_str().starts_with("e30.eyJ2eGkiOjcsInN1YiI6"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Speech-to-text (`trxn`)
//!
//! ```
//! use vivox_token::{ChannelKind, Grant, MintOptions, Realm, Signer, SigningKey};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let realm = Realm::parse("blindmelon-AppName-dev", "tla.vivox.com")?;
//! let signer = Signer::new(realm.clone(), &SigningKey::new("secret!")?);
//! let beef = realm.user("beef")?;
//! let channel = realm.channel("testchannel", ChannelKind::Group)?;
//!
//! let token = signer.mint_with(
//!     &Grant::transcription(&beef, &channel),
//!     MintOptions::new().vxi(542680).expires_at(1600349400),
//! )?;
//! assert!(token.as_str().ends_with(".-A0w_fcPCZaG5NMksnbSrGSVXNNt25YqlRjcKcLkGnA"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Positional channels and Unity Authentication
//!
//! ```
//! use vivox_token::{AudioFadeModel, ChannelKind, ChannelUri, PositionalProperties, Realm};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let realm = Realm::parse("blindmelon-AppName-dev", "tla.vivox.com")?;
//! let properties = PositionalProperties::new(100, 10, 0.5, AudioFadeModel::Linear)?;
//! let arena = ChannelUri::in_environment(&realm, "arena", "env1", ChannelKind::Positional(properties))?;
//! assert_eq!(arena.as_str(), "sip:confctl-d-blindmelon-AppName-dev.arena.env1!p-100-10-0.500-2@tla.vivox.com");
//!
//! let player = realm.unity_user("player42", "env1")?;
//! assert_eq!(player.as_str(), "sip:.blindmelon-AppName-dev.player42.env1.@tla.vivox.com");
//! # Ok(())
//! # }
//! ```
//!
//! ## Verify
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use vivox_token::{Action, Domain, FixedClock, Issuer, SigningKey, Verifier, VerifyError};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let token = "e30.eyJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibG9naW4iLCJ2eGkiOjkzMzAwMCwiZXhwIjoxNjAwMzQ5NDAwLCJmIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIn0.5FKsAQz7bRQGGlSZw-KIcCmft7Ic6nT3Ih-TbdYPWwI";
//! let verifier = Verifier::new(&SigningKey::new("secret!")?)
//!     .with_second_key(&SigningKey::new("next-key")?)
//!     .expect_issuer(Issuer::new("blindmelon-AppName-dev")?)
//!     .expect_domain(Domain::new("tla.vivox.com")?)
//!     .with_leeway(Duration::from_secs(5))?
//!     .with_clock(Arc::new(FixedClock::at_unix_secs(1600349310)));
//!
//! let claims = verifier.verify(token)?;
//! assert_eq!(claims.action, Action::Login);
//! assert_eq!(claims.vxi, 933000);
//!
//! let late = verifier.with_clock(Arc::new(FixedClock::at_unix_secs(1600349405)));
//! let error = late.verify(token).unwrap_err();
//! assert!(matches!(error, VerifyError::Expired { .. }));
//! assert_eq!(error.vivox_error_code(), Some(20121));
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

#[macro_use]
mod sip_uri;
mod action;
mod channel;
mod claims;
mod clock;
pub mod codes;
mod error;
mod grant;
mod key;
mod mint_error;
mod name;
mod payload;
mod positional;
mod realm;
mod service;
mod signer;
mod token;
mod uri_parse;
mod user;
mod verify;
mod vxi;

pub use action::{Action, UnknownActionError};
pub use channel::{ChannelKind, ChannelUri, MAX_CHANNEL_NAME_LEN};
pub use claims::Claims;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Field, InputError, PositionalError, TokenPart, VerifyError};
pub use grant::{Actor, Grant};
pub use key::SigningKey;
pub use mint_error::MintError;
pub use positional::{AudioFadeModel, MAX_AUDIBLE_DISTANCE, MAX_ROLLOFF, PositionalProperties};
pub use realm::{Domain, Issuer, MAX_ACCOUNT_LEN, MAX_DOMAIN_LEN, MAX_ISSUER_LEN, Realm};
pub use service::{AdminUri, ServiceUri};
pub use signer::{DEFAULT_TTL, MAX_TTL, MIN_TTL, MintOptions, Signer};
pub use token::{HEADER, Token};
pub use uri_parse::MAX_URI_LEN;
pub use user::UserUri;
pub use verify::{MAX_LEEWAY, MAX_TOKEN_LEN, Verifier, decode_unverified};
pub use vxi::{MAX_VXI, VxiCounter, VxiSeedError};
