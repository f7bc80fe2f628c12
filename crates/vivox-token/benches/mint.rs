//! Minting and verifying cost, against a bare HMAC-SHA256 with a fresh key
//! over the same signing input.
//!
//! `cargo bench -p vivox-token --bench mint` runs the criterion groups, then
//! times the loops again with `Instant` and prints `mint/hmac ratio: X.XX`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use vivox_token::{
    ChannelKind, ChannelUri, FixedClock, Grant, MintOptions, Realm, Signer, SigningKey, UserUri,
    Verifier,
};

const KEY: &[u8] = b"secret!";

struct Fixture {
    signer: Signer,
    verifier: Verifier,
    beef: UserUri,
    jerky: UserUri,
    channel: ChannelUri,
}

impl Fixture {
    fn new() -> Self {
        let realm = Realm::parse("blindmelon-AppName-dev", "tla.vivox.com").expect("valid realm");
        let key = SigningKey::new(KEY).expect("non-empty key");
        Fixture {
            signer: Signer::new(realm.clone(), &key),
            verifier: Verifier::new(&key)
                .with_clock(Arc::new(FixedClock::at_unix_secs(1_600_000_000))),
            beef: realm.user("beef").expect("valid"),
            jerky: realm.user("jerky").expect("valid"),
            channel: realm
                .channel("testchannel", ChannelKind::Group)
                .expect("valid"),
        }
    }

    /// The kick token of the worked example: the longest claim set.
    fn grant(&self) -> Grant<'_> {
        Grant::kick(&self.beef, &self.jerky, &self.channel)
    }

    /// A token as minted in production (clock-derived vxi and exp).
    fn token(&self) -> String {
        self.signer
            .mint(&self.grant())
            .expect("same realm")
            .into_string()
    }
}

/// The bytes a token's signature covers: `e30.` + base64url(payload).
fn signing_input(token: &str) -> &[u8] {
    let end = token.rfind('.').expect("three parts");
    token[..end].as_bytes()
}

fn hmac_fresh_key(input: &[u8]) -> [u8; 32] {
    let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(KEY).expect("any key length");
    mac.chain_update(input).finalize().into_bytes().into()
}

fn benches(criterion: &mut Criterion) {
    let fixture = Fixture::new();
    let grant = fixture.grant();
    let token = fixture.token();
    let input = signing_input(&token).to_vec();
    let verify_token = fixture
        .signer
        .mint_with(&grant, MintOptions::new().vxi(1).expires_at(1_700_000_000))
        .expect("same realm")
        .into_string();

    let mut group = criterion.benchmark_group("token");
    group.bench_function("mint", |b| {
        b.iter(|| fixture.signer.mint(black_box(&grant)));
    });
    let mut buffer = String::new();
    group.bench_function("mint_into (reused buffer)", |b| {
        b.iter(|| {
            fixture
                .signer
                .mint_into(black_box(&grant), MintOptions::new(), &mut buffer)
        });
    });
    group.bench_function("hmac-sha256, fresh key", |b| {
        b.iter(|| hmac_fresh_key(black_box(&input)));
    });
    group.bench_function("verify", |b| {
        b.iter(|| fixture.verifier.verify(black_box(verify_token.as_str())));
    });
    group.finish();
}

/// Best of `rounds` timings of `iterations` calls, per call.
fn time_per_call(rounds: u32, iterations: u32, mut call: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                call();
            }
            start.elapsed() / iterations
        })
        .min()
        .unwrap_or_default()
}

fn print_ratio() {
    const ROUNDS: u32 = 7;
    const ITERATIONS: u32 = 100_000;
    let fixture = Fixture::new();
    let grant = fixture.grant();
    let token = fixture.token();
    let input = signing_input(&token).to_vec();
    let mut buffer = String::new();

    // Interleave the loops so frequency changes hit both alike.
    let mut mint = Duration::MAX;
    let mut mint_into = Duration::MAX;
    let mut hmac = Duration::MAX;
    for _ in 0..3 {
        mint = mint.min(time_per_call(ROUNDS, ITERATIONS, || {
            black_box(fixture.signer.mint(black_box(&grant)).ok());
        }));
        mint_into = mint_into.min(time_per_call(ROUNDS, ITERATIONS, || {
            black_box(
                fixture
                    .signer
                    .mint_into(black_box(&grant), MintOptions::new(), &mut buffer)
                    .ok(),
            );
        }));
        hmac = hmac.min(time_per_call(ROUNDS, ITERATIONS, || {
            black_box(hmac_fresh_key(black_box(&input)));
        }));
    }
    let verify_token = fixture
        .signer
        .mint_with(&grant, MintOptions::new().vxi(1).expires_at(1_700_000_000))
        .expect("same realm")
        .into_string();
    let verify = time_per_call(ROUNDS, ITERATIONS, || {
        black_box(fixture.verifier.verify(black_box(verify_token.as_str())).ok());
    });

    let nanos = |d: Duration| d.as_secs_f64() * 1e9;
    {
        use base64::Engine as _;
        let payload = vec![b'x'; 268];
        let mut out = String::with_capacity(1000);
        let b64 = time_per_call(ROUNDS, ITERATIONS, || { out.clear(); base64_simd::URL_SAFE_NO_PAD.encode_append(black_box(&payload), &mut out); black_box(&out); });
        println!("b64 268: {:.1}", nanos(b64));
        let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(KEY).unwrap();
        let pre = time_per_call(ROUNDS, ITERATIONS, || { black_box(keyed.clone().chain_update(black_box(&input)).finalize()); });
        println!("hmac precomputed: {:.1}", nanos(pre));
        let clk = time_per_call(ROUNDS, ITERATIONS, || { black_box(std::time::SystemTime::now()); });
        println!("clock: {:.1}", nanos(clk));
        let fixed = MintOptions::new().vxi(1795344162217734).expires_at(1795344252);
        let m2 = time_per_call(ROUNDS, ITERATIONS, || { black_box(fixture.signer.mint_with(black_box(&grant), fixed).ok()); });
        println!("mint fixed opts: {:.1}", nanos(m2));
    }
    println!();
    println!("signing input: {} bytes (kick token)", input.len());
    println!("mint:                    {:8.1} ns", nanos(mint));
    println!("mint_into (reused):      {:8.1} ns", nanos(mint_into));
    println!("hmac-sha256, fresh key:  {:8.1} ns", nanos(hmac));
    println!("verify:                  {:8.1} ns", nanos(verify));
    println!("mint/hmac ratio: {:.2}", nanos(mint) / nanos(hmac));
    println!("mint_into/hmac ratio: {:.2}", nanos(mint_into) / nanos(hmac));
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` does not and only
    // wants each benchmark run once.
    if std::env::args().any(|arg| arg == "--bench") {
        print_ratio();
    }
}
