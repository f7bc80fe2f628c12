//! Carrying out a parsed command: building URIs and grants, minting, verifying.

use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use vivox_token::{
    ChannelKind, ChannelUri, Domain, Field, FixedClock, Grant, InputError, Issuer, MintError,
    MintOptions, Realm, Signer, SigningKey, UserUri, Verifier, VxiCounter, codes,
};

use crate::args::{
    ActorArgs, ChannelArgs, ChannelKindArgs, ChannelType, Cli, Command, KickArgs, MuteArgs,
    VerifyArgs,
};

/// Why a command did not succeed, which decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad input or usage: exit 2.
    Usage(String),
    /// The token given to `verify` does not verify: exit 1.
    Rejected(String),
}

impl Failure {
    fn input(flag: &str, error: &InputError) -> Failure {
        Failure::Usage(format!("{flag}: {error}"))
    }
}

/// The settings that may come from the environment instead of the command line.
///
/// Read once in `main`, so `run` itself does not depend on the process environment.
#[derive(Debug, Default)]
pub struct Environment {
    /// `VIVOX_ISSUER`.
    pub issuer: Option<OsString>,
    /// `VIVOX_DOMAIN`.
    pub domain: Option<OsString>,
    /// `VIVOX_KEY`. `Debug` shows it only as present or absent.
    pub key: Option<Secret>,
}

impl Environment {
    /// Reads `VIVOX_ISSUER`, `VIVOX_DOMAIN` and `VIVOX_KEY`; an empty variable counts as unset.
    pub fn from_process() -> Self {
        let read = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
        Environment {
            issuer: read("VIVOX_ISSUER"),
            domain: read("VIVOX_DOMAIN"),
            key: read("VIVOX_KEY").map(|value| Secret(value.into_encoded_bytes())),
        }
    }
}

/// Key bytes that never show in `Debug`.
pub struct Secret(pub Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// `--issuer` or `--domain` as given, else its variable; `None` if neither is set.
fn setting(
    given: Option<&String>,
    env: Option<&OsString>,
    variable: &str,
) -> Result<Option<String>, Failure> {
    match (given, env) {
        (Some(value), _) => Ok(Some(value.clone())),
        (None, Some(value)) => value.to_str().map(|text| Some(text.to_owned())).ok_or_else(|| {
            Failure::Usage(format!(
                "{variable} is not valid UTF-8; set it to the value from the Vivox developer portal"
            ))
        }),
        (None, None) => Ok(None),
    }
}

/// Where the key may come from.
pub struct KeySource<'a> {
    /// `--key`, as typed on the command line.
    pub key: Option<&'a str>,
    /// `VIVOX_KEY`.
    pub env_key: Option<&'a [u8]>,
    /// `--key-file`.
    pub key_file: Option<&'a Path>,
}

/// Drops one trailing line ending (`\n` or `\r\n`): the one rule for every key source.
///
/// Editors end files with a newline, and `$(cat key)` or a `.env` line may or may
/// not keep one; a Vivox signing key never ends in one.
fn without_trailing_newline(bytes: &[u8]) -> &[u8] {
    match bytes {
        [rest @ .., b'\r', b'\n'] | [rest @ .., b'\n'] => rest,
        _ => bytes,
    }
}

impl KeySource<'_> {
    /// Loads the key. `--key-file` wins over `VIVOX_KEY`, and so does `--key`;
    /// giving `--key` together with `--key-file` is a usage error. One trailing
    /// newline is dropped from each. No message ever contains the key.
    fn load(&self) -> Result<SigningKey, Failure> {
        match (self.key_file, self.key, self.env_key) {
            (Some(_), Some(_), _) => Err(Failure::Usage(
                "give the signing key once: either --key or --key-file, not both".to_owned(),
            )),
            (Some(path), None, _) => read_key_file(path),
            (None, Some(key), _) => key_from("--key", key.as_bytes()),
            (None, None, Some(key)) => key_from("VIVOX_KEY", key),
            (None, None, None) => Err(Failure::Usage(
                "no signing key: pass --key-file PATH, set VIVOX_KEY, or pass --key KEY".to_owned(),
            )),
        }
    }
}

fn key_from(source: &str, bytes: &[u8]) -> Result<SigningKey, Failure> {
    SigningKey::new(without_trailing_newline(bytes)).map_err(|error| {
        Failure::Usage(format!(
            "{source}: {error} (one trailing newline is not part of the key)"
        ))
    })
}

fn read_key_file(path: &Path) -> Result<SigningKey, Failure> {
    let bytes = zeroize::Zeroizing::new(fs::read(path).map_err(|error| {
        Failure::Usage(format!(
            "cannot read the key file {}: {error}",
            path.display()
        ))
    })?);
    SigningKey::new(without_trailing_newline(&bytes)).map_err(|_| {
        Failure::Usage(format!(
            "the key file {} is empty; put the token signing key from the Vivox developer portal in it",
            path.display()
        ))
    })
}

/// Runs `cli` and returns what to print on stdout.
pub fn run(cli: &Cli, env: &Environment) -> Result<String, Failure> {
    let keys = KeySource {
        key: cli.key.as_deref(),
        env_key: env.key.as_ref().map(|secret| secret.0.as_slice()),
        key_file: cli.key_file.as_deref(),
    };
    match &cli.command {
        Command::Verify(args) => verify(cli, env, &keys, args),
        command => mint(cli, env, &keys, command),
    }
}

fn verify(
    cli: &Cli,
    env: &Environment,
    keys: &KeySource<'_>,
    args: &VerifyArgs,
) -> Result<String, Failure> {
    for (given, flag) in [
        (cli.exp.is_some(), "--exp"),
        (cli.ttl.is_some(), "--ttl"),
        (cli.vxi.is_some(), "--vxi"),
        (cli.environment_id.is_some(), "--environment-id"),
    ] {
        if given {
            return Err(Failure::Usage(format!(
                "{flag} applies only when minting; verify takes --key, --issuer, --now and --leeway"
            )));
        }
    }
    let mut verifier = Verifier::new(&keys.load()?);
    if let Some(issuer) = setting(cli.issuer.as_ref(), env.issuer.as_ref(), "VIVOX_ISSUER")? {
        let issuer = Issuer::new(issuer).map_err(|e| Failure::input("--issuer", &e))?;
        verifier = verifier.expect_issuer(issuer);
    }
    if let Some(domain) = setting(cli.domain.as_ref(), env.domain.as_ref(), "VIVOX_DOMAIN")? {
        let domain = Domain::new(domain).map_err(|e| Failure::input("--domain", &e))?;
        verifier = verifier.expect_domain(domain);
    }
    if let Some(now) = args.now {
        verifier = verifier.with_clock(Arc::new(FixedClock::at_unix_secs(now)));
    }
    if let Some(leeway) = args.leeway {
        verifier = verifier
            .with_leeway(Duration::from_secs(leeway))
            .map_err(|e| Failure::input("--leeway", &e))?;
    }
    let claims = verifier.verify(args.token.trim()).map_err(|error| {
        let code = error
            .vivox_error_code()
            .map(|code| {
                let what = codes::describe(code).unwrap_or("token error");
                format!(" (Vivox error {code}: {what})")
            })
            .unwrap_or_default();
        Failure::Rejected(format!("token does not verify: {error}{code}"))
    })?;
    serde_json::to_string(&claims)
        .map_err(|error| Failure::Rejected(format!("cannot print the claims: {error}")))
}

/// Builds the URIs named on the command line, in Unity form when an environment id is given.
struct UriFactory<'a> {
    realm: &'a Realm,
    environment_id: Option<&'a str>,
}

/// The flag to name in an error about `flag`'s value: the environment id is its own option.
fn blame<'f>(flag: &'f str, error: &InputError) -> &'f str {
    if error.field() == Some(Field::EnvironmentId) {
        "--environment-id"
    } else {
        flag
    }
}

impl UriFactory<'_> {
    fn user(&self, flag: &str, name: &str) -> Result<UserUri, Failure> {
        match self.environment_id {
            Some(environment_id) => self.realm.unity_user(name, environment_id),
            None => self.realm.user(name),
        }
        .map_err(|error| Failure::input(blame(flag, &error), &error))
    }

    fn channel(&self, name: &str, kind: &ChannelKindArgs) -> Result<ChannelUri, Failure> {
        let kind = channel_kind(kind)?;
        match self.environment_id {
            Some(environment_id) => {
                ChannelUri::in_environment(self.realm, name, environment_id, kind)
            }
            None => ChannelUri::new(self.realm, name, kind),
        }
        .map_err(|error| Failure::input(blame("--channel", &error), &error))
    }

    fn channel_args(&self, args: &ChannelArgs) -> Result<ChannelUri, Failure> {
        self.channel(&args.channel, &args.kind)
    }
}

fn channel_kind(args: &ChannelKindArgs) -> Result<ChannelKind, Failure> {
    match (args.channel_type, args.positional) {
        (None | Some(ChannelType::Group), None) => Ok(ChannelKind::Group),
        (Some(ChannelType::Echo), None) => Ok(ChannelKind::Echo),
        (Some(ChannelType::Positional), properties) => {
            Ok(ChannelKind::Positional(properties.unwrap_or_default()))
        }
        (None, Some(properties)) => Ok(ChannelKind::Positional(properties)),
        (Some(ChannelType::Group | ChannelType::Echo), Some(_)) => Err(Failure::Usage(
            "--positional applies only to positional channels: drop it, or use \
             --channel-type positional"
                .to_owned(),
        )),
    }
}

/// `--issuer` or `--domain`, or its variable; a usage error naming both if neither is set.
fn required(
    given: Option<&String>,
    env: Option<&OsString>,
    flag: &str,
    variable: &str,
) -> Result<String, Failure> {
    setting(given, env, variable)?
        .ok_or_else(|| Failure::Usage(format!("no {flag}: pass {flag} or set {variable}")))
}

fn mint(
    cli: &Cli,
    env: &Environment,
    keys: &KeySource<'_>,
    command: &Command,
) -> Result<String, Failure> {
    let issuer = required(
        cli.issuer.as_ref(),
        env.issuer.as_ref(),
        "--issuer",
        "VIVOX_ISSUER",
    )?;
    let domain = required(
        cli.domain.as_ref(),
        env.domain.as_ref(),
        "--domain",
        "VIVOX_DOMAIN",
    )?;
    let issuer = Issuer::new(issuer).map_err(|e| Failure::input("--issuer", &e))?;
    let domain = Domain::new(domain).map_err(|e| Failure::input("--domain", &e))?;
    let realm = Realm::new(issuer, domain);
    let uris = UriFactory {
        realm: &realm,
        environment_id: cli.environment_id.as_deref(),
    };
    let key = keys.load()?;
    let mut signer = Signer::new(realm.clone(), &key);
    if let Some(ttl) = cli.ttl {
        signer = signer
            .with_ttl(Duration::from_secs(ttl))
            .map_err(|e| Failure::input("--ttl", &e))?;
    }
    let mut options = MintOptions::new();
    match cli.vxi {
        Some(vxi) => options = options.vxi(vxi),
        // The library would fall back to a weaker seed; a one-shot CLI run refuses instead.
        None => {
            let counter = VxiCounter::try_new()
                .map_err(|error| Failure::Usage(format!("{error} with --vxi N")))?;
            signer = signer.with_vxi_counter(Arc::new(counter));
        }
    }
    if let Some(exp) = cli.exp {
        options = options.expires_at(exp);
    }
    let sign = |grant: &Grant<'_>| {
        signer
            .mint_with(grant, options)
            .map(String::from)
            .map_err(|error| match error {
                MintError::ExpiryInPast { .. } | MintError::ExpiryTooFar { .. } => {
                    Failure::Usage(format!("--exp: {error}"))
                }
                _ => Failure::Usage(error.to_string()),
            })
    };
    match command {
        Command::Login { user } => {
            let user = uris.user("--user", user)?;
            sign(&Grant::login(&user))
        }
        Command::Join {
            user,
            muted,
            channel,
        } => {
            let user = uris.user("--user", user)?;
            let channel = uris.channel_args(channel)?;
            if *muted {
                sign(&Grant::join_muted(&user, &channel))
            } else {
                sign(&Grant::join(&user, &channel))
            }
        }
        Command::Transcription { user, channel } => {
            let user = uris.user("--user", user)?;
            let channel = uris.channel_args(channel)?;
            sign(&Grant::transcription(&user, &channel))
        }
        Command::Kick(args) => kick(&uris, args, sign),
        Command::Mute(args) => mute(&uris, args, sign),
        Command::Verify(_) => Err(Failure::Usage("verify does not mint".to_owned())),
    }
}

/// The acting party, built from `--user NAME` or `--admin`.
enum ActorUri {
    User(UserUri),
    Admin(vivox_token::AdminUri),
}

impl ActorUri {
    fn new(uris: &UriFactory<'_>, args: &ActorArgs) -> Result<ActorUri, Failure> {
        match &args.user {
            Some(name) => Ok(ActorUri::User(uris.user("--user", name)?)),
            None => Ok(ActorUri::Admin(uris.realm.admin())),
        }
    }

    fn actor(&self) -> vivox_token::Actor<'_> {
        match self {
            ActorUri::User(user) => user.into(),
            ActorUri::Admin(admin) => admin.into(),
        }
    }
}

fn kick(
    uris: &UriFactory<'_>,
    args: &KickArgs,
    sign: impl Fn(&Grant<'_>) -> Result<String, Failure>,
) -> Result<String, Failure> {
    let by_admin = args.by.admin;
    let everyone = args.whom.all;
    let server = args.place.server;
    if everyone && server {
        return Err(Failure::Usage(
            "kick --all --server is not an action Vivox has: remove everyone from a channel \
             with --admin --all --channel NAME, or one user from the server with --admin \
             --target NAME --server"
                .to_owned(),
        ));
    }
    if !by_admin && everyone {
        return Err(Failure::Usage(
            "only the admin can remove everyone from a channel: use --admin instead of --user"
                .to_owned(),
        ));
    }
    if !by_admin && server {
        return Err(Failure::Usage(
            "only the admin can kick a user off the server: use --admin instead of --user"
                .to_owned(),
        ));
    }
    let actor = ActorUri::new(uris, &args.by)?;
    let target = args
        .whom
        .target
        .as_deref()
        .map(|name| uris.user("--target", name))
        .transpose()?;
    let admin = uris.realm.admin();
    match (&args.place.channel, target) {
        (Some(channel), Some(target)) => {
            let channel = uris.channel(channel, &args.kind)?;
            sign(&Grant::kick(actor.actor(), &target, &channel))
        }
        (Some(channel), None) => {
            let channel = uris.channel(channel, &args.kind)?;
            sign(&Grant::kick_everyone(&admin, &channel))
        }
        (None, Some(target)) => {
            let service = uris.realm.service();
            sign(&Grant::kick_from_server(&admin, &target, &service))
        }
        (None, None) => Err(Failure::Usage(
            "kick needs --target NAME or --all, and --channel NAME or --server".to_owned(),
        )),
    }
}

fn mute(
    uris: &UriFactory<'_>,
    args: &MuteArgs,
    sign: impl Fn(&Grant<'_>) -> Result<String, Failure>,
) -> Result<String, Failure> {
    if args.except.is_some() && !args.whom.all {
        return Err(Failure::Usage(
            "--except names the presenter of a mute-all: use it with --all".to_owned(),
        ));
    }
    let actor = ActorUri::new(uris, &args.by)?;
    let channel = uris.channel_args(&args.channel)?;
    match (&args.whom.target, &args.except) {
        (Some(target), _) => {
            let target = uris.user("--target", target)?;
            sign(&Grant::mute(actor.actor(), &target, &channel))
        }
        (None, Some(presenter)) => {
            let presenter = uris.user("--except", presenter)?;
            sign(&Grant::mute_everyone_except(
                actor.actor(),
                &presenter,
                &channel,
            ))
        }
        (None, None) => sign(&Grant::mute_everyone(actor.actor(), &channel)),
    }
}
