//! Property tests: sign → verify round-trips, tampering is always caught,
//! and decoding arbitrary input never panics.

use std::sync::Arc;

use proptest::prelude::*;
use vivox_token::{
    AudioFadeModel, ChannelKind, ChannelUri, FixedClock, Grant, MintOptions, PositionalProperties,
    Realm, Signer, SigningKey, UserUri, Verifier, decode_unverified,
};

/// A valid Vivox name: allowed characters and `%XX` escapes, short enough that
/// `.{iss}.{player}.{env}.` stays within 127 bytes.
const NAME: &str = "([0-9A-Za-z!()+.=_~-]|%[0-9A-F]{2}){1,12}";

fn channel_kind() -> impl Strategy<Value = ChannelKind> {
    let positional =
        (1u32..10_000, 0.0f64..1_000.0, 1u8..=3).prop_flat_map(|(max_range, rolloff, model)| {
            (0..=max_range).prop_map(move |clamping| {
                let model = AudioFadeModel::try_from(model).expect("1..=3 is valid");
                ChannelKind::Positional(
                    PositionalProperties::new(max_range, clamping, rolloff, model)
                        .expect("generated in range"),
                )
            })
        });
    prop_oneof![
        Just(ChannelKind::Group),
        Just(ChannelKind::Echo),
        positional,
    ]
}

#[derive(Debug, Clone)]
struct Case {
    issuer: String,
    domain: String,
    key: Vec<u8>,
    actor: String,
    target: String,
    channel: String,
    environment: Option<String>,
    kind: ChannelKind,
    row: usize,
    vxi: u64,
    exp: u64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        "[A-Za-z0-9_.-]{1,40}",
        "[a-z0-9]{1,12}(\\.[a-z0-9]{1,12}){0,3}",
        proptest::collection::vec(any::<u8>(), 1..100),
        NAME,
        NAME,
        NAME,
        proptest::option::of("[0-9a-f-]{1,36}"),
        channel_kind(),
        0usize..12,
        any::<u64>(),
        1u64..u64::MAX,
    )
        .prop_map(
            |(issuer, domain, key, actor, target, channel, environment, kind, row, vxi, exp)| {
                Case {
                    issuer,
                    domain,
                    key,
                    actor,
                    target,
                    channel,
                    environment,
                    kind,
                    row,
                    vxi,
                    exp,
                }
            },
        )
}

struct Built {
    realm: Realm,
    actor: UserUri,
    target: UserUri,
    channel: ChannelUri,
}

fn build(case: &Case) -> Built {
    let realm = Realm::parse(&case.issuer, &case.domain).expect("generated valid");
    let user = |name: &str| match &case.environment {
        Some(environment) => realm.unity_user(name, environment),
        None => realm.user(name),
    };
    let channel = match &case.environment {
        Some(environment) => {
            ChannelUri::in_environment(&realm, &case.channel, environment, case.kind)
        }
        None => ChannelUri::new(&realm, &case.channel, case.kind),
    };
    Built {
        actor: user(&case.actor).expect("generated valid"),
        target: user(&case.target).expect("generated valid"),
        channel: channel.expect("generated valid"),
        realm,
    }
}

/// Mints the token of row `case.row` of the table.
fn mint(case: &Case) -> (String, Built) {
    let built = build(case);
    let key = SigningKey::new(case.key.clone()).expect("non-empty");
    let signer = Signer::new(built.realm.clone(), &key);
    let admin = built.realm.admin();
    let service = built.realm.service();
    let (a, t, c) = (&built.actor, &built.target, &built.channel);
    let grant = match case.row {
        0 => Grant::login(a),
        1 => Grant::join(a, c),
        2 => Grant::join_muted(a, c),
        3 => Grant::kick(a, t, c),
        4 => Grant::kick(&admin, t, c),
        5 => Grant::kick_from_server(&admin, t, &service),
        6 => Grant::kick_everyone(&admin, c),
        7 => Grant::mute(a, t, c),
        8 => Grant::mute_everyone(&admin, c),
        9 => Grant::mute_everyone_except(a, t, c),
        10 => Grant::mute_everyone(a, c),
        _ => Grant::transcription(a, c),
    };
    let token = signer
        .mint_with(
            &grant,
            MintOptions::new().vxi(case.vxi).expires_at(case.exp),
        )
        .expect("same realm")
        .into_string();
    (token, built)
}

fn verifier(case: &Case) -> Verifier {
    Verifier::new(&SigningKey::new(case.key.clone()).expect("non-empty"))
        .with_clock(Arc::new(FixedClock::at_unix_secs(case.exp - 1)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify_round_trips(case in case()) {
        let (token, built) = mint(&case);
        let claims = verifier(&case).verify(&token).expect("own token verifies");
        prop_assert_eq!(&claims.issuer, &case.issuer);
        prop_assert_eq!(claims.vxi, case.vxi);
        prop_assert_eq!(claims.expires_at, case.exp);
        let from_is_actor = claims.from == built.actor.as_str();
        let from_is_admin = claims.from == built.realm.admin().as_str();
        prop_assert!(from_is_actor || from_is_admin);
        if let Some(to) = &claims.to {
            prop_assert!(to == built.channel.as_str() || to == built.realm.service().as_str());
        }
        prop_assert_eq!(decode_unverified(&token), Ok(claims));
    }

    #[test]
    fn flipping_any_byte_breaks_the_token(
        case in case(),
        position in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let (token, _) = mint(&case);
        let mut bytes = token.into_bytes();
        let index = position.index(bytes.len());
        bytes[index] ^= mask;
        prop_assert!(verifier(&case).verify(&bytes).is_err());
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_unverified(&bytes);
        let verifier = Verifier::new(&SigningKey::new("k").expect("non-empty"));
        let _ = verifier.verify(&bytes);
    }

    #[test]
    fn decoding_token_shaped_strings_never_panics(
        payload in "[A-Za-z0-9_-]{0,300}",
        signature in "[A-Za-z0-9_=+/-]{0,60}",
        dots in 0usize..3,
    ) {
        let token = format!("e30.{payload}{}{signature}", ".".repeat(dots));
        let _ = decode_unverified(&token);
    }

    #[test]
    fn decoding_signed_arbitrary_json_never_panics(json in "\\PC{0,200}") {
        // Build a token with a correct signature around arbitrary payload text.
        use base64::Engine as _;
        use hmac::{Hmac, KeyInit, Mac};
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let input = format!("e30.{}", engine.encode(json.as_bytes()));
        let mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"k")
            .expect("any key length")
            .chain_update(input.as_bytes())
            .finalize()
            .into_bytes();
        let token = format!("{input}.{}", engine.encode(mac));
        let verifier = Verifier::new(&SigningKey::new("k").expect("non-empty"));
        let _ = verifier.verify(&token);
    }

    #[test]
    fn names_outside_the_character_set_are_refused(
        prefix in "[a-z]{0,5}",
        bad in "[^0-9A-Za-z!()+.=_~%-]",
    ) {
        let realm = Realm::parse("iss", "tla.vivox.com").expect("valid");
        let name = format!("{prefix}{bad}");
        prop_assert!(realm.user(&name).is_err());
        prop_assert!(realm.channel(&name, ChannelKind::Group).is_err());
    }
}
