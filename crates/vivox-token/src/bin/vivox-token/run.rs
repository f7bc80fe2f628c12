//! Carrying out a parsed command: building URIs and grants, minting, verifying.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use vivox_token::{
    ChannelKind, ChannelUri, FixedClock, Grant, InputError, Issuer, MintOptions, Realm, Signer,
    SigningKey, UserUri, Verifier, codes,
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

/// Where the key may come from, as given on the command line.
pub struct KeySource<'a> {
    /// `--key` or `VIVOX_KEY`.
    pub key: Option<&'a str>,
    /// Whether `--key` was typed on the command line rather than read from `VIVOX_KEY`.
    pub key_on_command_line: bool,
    /// `--key-file`.
    pub key_file: Option<&'a Path>,
}

impl KeySource<'_> {
    /// Loads the key. `--key-file` wins over `VIVOX_KEY`; giving it together
    /// with `--key` is a usage error. No message ever contains the key.
    fn load(&self) -> Result<SigningKey, Failure> {
        match (self.key_file, self.key) {
            (Some(_), Some(_)) if self.key_on_command_line => Err(Failure::Usage(
                "give the signing key once: either --key or --key-file, not both".to_owned(),
            )),
            (Some(path), _) => read_key_file(path),
            (None, Some(key)) => {
                SigningKey::new(key.as_bytes()).map_err(|error| Failure::input("--key", &error))
            }
            (None, None) => Err(Failure::Usage(
                "no signing key: pass --key-file PATH, set VIVOX_KEY, or pass --key KEY".to_owned(),
            )),
        }
    }
}

fn read_key_file(path: &Path) -> Result<SigningKey, Failure> {
    let mut bytes = fs::read(path).map_err(|error| {
        Failure::Usage(format!(
            "cannot read the key file {}: {error}",
            path.display()
        ))
    })?;
    // Editors add a final newline; it is not part of the key.
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    SigningKey::new(bytes).map_err(|_| {
        Failure::Usage(format!(
            "the key file {} is empty; put the token signing key from the Vivox developer portal in it",
            path.display()
        ))
    })
}

/// Runs `cli` and returns what to print on stdout.
pub fn run(cli: &Cli, keys: &KeySource<'_>) -> Result<String, Failure> {
    match &cli.command {
        Command::Verify(args) => verify(cli, keys, args),
        command => mint(cli, keys, command),
    }
}

fn verify(cli: &Cli, keys: &KeySource<'_>, args: &VerifyArgs) -> Result<String, Failure> {
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
    if let Some(issuer) = &cli.issuer {
        let issuer = Issuer::new(issuer.as_str()).map_err(|e| Failure::input("--issuer", &e))?;
        verifier = verifier.expect_issuer(issuer);
    }
    if let Some(now) = args.now {
        verifier = verifier.with_clock(Arc::new(FixedClock::at_unix_secs(now)));
    }
    if let Some(leeway) = args.leeway {
        verifier = verifier.with_leeway(Duration::from_secs(leeway));
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

impl UriFactory<'_> {
    fn user(&self, flag: &str, name: &str) -> Result<UserUri, Failure> {
        match self.environment_id {
            Some(environment_id) => self.realm.unity_user(name, environment_id),
            None => self.realm.user(name),
        }
        .map_err(|error| Failure::input(flag, &error))
    }

    fn channel(&self, name: &str, kind: &ChannelKindArgs) -> Result<ChannelUri, Failure> {
        let kind = channel_kind(kind)?;
        match self.environment_id {
            Some(environment_id) => {
                ChannelUri::in_environment(self.realm, name, environment_id, kind)
            }
            None => ChannelUri::new(self.realm, name, kind),
        }
        .map_err(|error| Failure::input("--channel", &error))
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

fn required<'a>(value: Option<&'a String>, flag: &str, env: &str) -> Result<&'a str, Failure> {
    value
        .map(String::as_str)
        .ok_or_else(|| Failure::Usage(format!("no {flag}: pass {flag} or set {env}")))
}

fn mint(cli: &Cli, keys: &KeySource<'_>, command: &Command) -> Result<String, Failure> {
    let issuer = required(cli.issuer.as_ref(), "--issuer", "VIVOX_ISSUER")?;
    let domain = required(cli.domain.as_ref(), "--domain", "VIVOX_DOMAIN")?;
    let issuer = Issuer::new(issuer).map_err(|e| Failure::input("--issuer", &e))?;
    let domain = vivox_token::Domain::new(domain).map_err(|e| Failure::input("--domain", &e))?;
    let realm = Realm::new(issuer, domain);
    let uris = UriFactory {
        realm: &realm,
        environment_id: cli.environment_id.as_deref(),
    };
    let key = keys.load()?;
    let mut signer = Signer::new(realm.clone(), &key);
    if let Some(ttl) = cli.ttl {
        signer = signer.with_ttl(Duration::from_secs(ttl));
    }
    let mut options = MintOptions::new();
    if let Some(vxi) = cli.vxi {
        options = options.vxi(vxi);
    }
    if let Some(exp) = cli.exp {
        options = options.expires_at(exp);
    }
    let sign = |grant: &Grant<'_>| {
        signer
            .mint_with(grant, options)
            .map(String::from)
            .map_err(|error| Failure::Usage(error.to_string()))
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
