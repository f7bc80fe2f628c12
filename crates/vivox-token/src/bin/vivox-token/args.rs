//! The command line, as clap parses it.

use std::path::PathBuf;

use std::num::IntErrorKind;

use clap::{Args, Parser, Subcommand, ValueEnum};
use vivox_token::{AudioFadeModel, MAX_AUDIBLE_DISTANCE, PositionalProperties};

/// Mint and verify Vivox access tokens.
///
/// A minted token is printed alone on stdout. Exit codes: 0 success; 1 the
/// token given to `verify` does not verify; 2 bad input or usage, or the
/// output could not be written.
///
/// --issuer, --domain and the key may come from VIVOX_ISSUER, VIVOX_DOMAIN and
/// VIVOX_KEY instead (an empty variable counts as unset); minting needs all three.
#[derive(Debug, Parser)]
#[command(name = "vivox-token", version, max_term_width = 100)]
pub struct Cli {
    /// Issuer assigned by Vivox, e.g. blindmelon-AppName-dev [env: VIVOX_ISSUER].
    #[arg(long, global = true, value_name = "ISS")]
    pub issuer: Option<String>,

    /// Vivox domain, e.g. tla.vivox.com [env: VIVOX_DOMAIN].
    #[arg(long, global = true, value_name = "DOMAIN")]
    pub domain: Option<String>,

    /// Token signing key [env: VIVOX_KEY]. Prefer VIVOX_KEY or --key-file: arguments are
    /// visible to other local users. A key starting with - must be written --key=KEY.
    /// One trailing newline (\n or \r\n) is dropped, as from --key-file.
    #[arg(long, global = true, value_name = "KEY")]
    pub key: Option<String>,

    /// Read the signing key from a file (one trailing newline, \n or \r\n, is dropped).
    #[arg(long, global = true, value_name = "PATH")]
    pub key_file: Option<PathBuf>,

    /// Expiry of the minted token, Unix seconds [default: now + --ttl]. Must be in the
    /// future and at most 86400 s (24 h) ahead, unless --vxi is given too to reproduce a
    /// known token, in which case it is taken as it is.
    #[arg(long, global = true, value_name = "EPOCH", conflicts_with = "ttl")]
    pub exp: Option<u64>,

    /// Lifetime of the minted token in seconds, 1 to 86400 (24 h) [default: 90].
    #[arg(long, global = true, value_name = "SECS")]
    pub ttl: Option<u64>,

    /// The vxi claim [default: a per-run random starting point (below 2^52, from the OS
    /// random number generator) plus one, so parallel runs and hosts do not repeat tokens].
    #[arg(long, global = true, value_name = "N")]
    pub vxi: Option<u64>,

    /// Unity Authentication environment id: users become `.{iss}.{player_id}.{env}.` and
    /// channels `{name}.{env}`; user names are then Unity player ids.
    #[arg(long, global = true, value_name = "ENV")]
    pub environment_id: Option<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Mint a token that signs a user in (vxa login).
    Login {
        /// The user signing in.
        #[arg(long, value_name = "NAME")]
        user: String,
    },
    /// Mint a token that lets a user join a channel (vxa join, or join_muted with --muted).
    Join {
        /// The user joining.
        #[arg(long, value_name = "NAME")]
        user: String,
        /// Join listen-only, moderator-muted (vxa join_muted).
        #[arg(long)]
        muted: bool,
        /// The channel.
        #[command(flatten)]
        channel: ChannelArgs,
    },
    /// Mint a kick token (vxa kick).
    ///
    /// Allowed: --user NAME --target NAME --channel NAME (a user kicks a user from a channel);
    /// --admin --target NAME --channel NAME (the admin kicks a user from a channel);
    /// --admin --target NAME --server (the admin kicks a user off the server);
    /// --admin --all --channel NAME (the admin removes everyone from a channel).
    /// Vivox has no token for a user removing everyone or kicking off the server.
    Kick(KickArgs),
    /// Mint a mute token (vxa mute); the same token unmutes.
    ///
    /// --target NAME mutes one user; --all mutes everyone; --all --except NAME mutes everyone
    /// but a presenter. A user (--user) or the admin (--admin) may do each.
    Mute(MuteArgs),
    /// Mint a token that turns speech-to-text on or off for a channel (vxa trxn).
    Transcription {
        /// The user asking for transcription.
        #[arg(long, value_name = "NAME")]
        user: String,
        /// The channel.
        #[command(flatten)]
        channel: ChannelArgs,
    },
    /// Verify a token with --key and print its claims as JSON.
    ///
    /// Checks the signature, the claims the action takes, the URIs in f, t and sub (a user,
    /// channel, admin or service URI as the action requires, of the token's issuer, all at
    /// one domain), the issuer and domain when --issuer and --domain are given, and expiry.
    /// Exits 1 with the reason on stderr if the token does not verify.
    Verify(VerifyArgs),
}

/// Who acts: a user or the administrator.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ActorArgs {
    /// A user performs the action.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// The application's administrator performs the action.
    #[arg(long)]
    pub admin: bool,
}

/// A channel and its type.
#[derive(Debug, Args)]
pub struct ChannelArgs {
    /// The channel name.
    #[arg(long, value_name = "NAME")]
    pub channel: String,
    #[command(flatten)]
    pub kind: ChannelKindArgs,
}

/// A channel's type and positional properties.
#[derive(Debug, Args)]
pub struct ChannelKindArgs {
    /// Channel type [default: group, or positional when --positional is given].
    #[arg(long, value_enum, value_name = "TYPE")]
    pub channel_type: Option<ChannelType>,
    /// Positional properties MAX,CLAMP,ROLLOFF,MODEL: audible distance (1..=2147483647),
    /// conversational distance (0..=MAX), rolloff (0.0..=1000.0), model 1 inverse / 2 linear /
    /// 3 exponential [default: 32,1,1.0,1].
    #[arg(long, value_name = "MAX,CLAMP,ROLLOFF,MODEL", value_parser = parse_positional)]
    pub positional: Option<PositionalProperties>,
}

/// The channel types Vivox has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelType {
    /// Non-positional group channel (g).
    Group,
    /// Echo channel (e).
    Echo,
    /// Positional 3D channel (d).
    Positional,
}

/// Arguments of `kick`.
#[derive(Debug, Args)]
pub struct KickArgs {
    #[command(flatten)]
    pub by: ActorArgs,
    #[command(flatten)]
    pub whom: KickTargetArgs,
    #[command(flatten)]
    pub place: KickPlaceArgs,
    #[command(flatten)]
    pub kind: ChannelKindArgs,
}

/// Whom a kick removes.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct KickTargetArgs {
    /// The user to kick.
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Everyone in the channel (admin only).
    #[arg(long)]
    pub all: bool,
}

/// Where a kick removes them from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct KickPlaceArgs {
    /// The channel to kick from.
    #[arg(long, value_name = "NAME")]
    pub channel: Option<String>,
    /// The whole server (admin only).
    #[arg(long, conflicts_with_all = ["channel_type", "positional"])]
    pub server: bool,
}

/// Arguments of `mute`.
#[derive(Debug, Args)]
pub struct MuteArgs {
    #[command(flatten)]
    pub by: ActorArgs,
    #[command(flatten)]
    pub whom: MuteTargetArgs,
    /// Mute everyone except this user, the presenter (needs --all).
    #[arg(long, value_name = "NAME", conflicts_with = "target")]
    pub except: Option<String>,
    #[command(flatten)]
    pub channel: ChannelArgs,
}

/// Whom a mute silences.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct MuteTargetArgs {
    /// The user to mute or unmute.
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Everyone in the channel.
    #[arg(long)]
    pub all: bool,
}

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The token to verify.
    pub token: String,
    /// Check expiry as of this time, Unix seconds [default: now].
    #[arg(long, value_name = "EPOCH")]
    pub now: Option<u64>,
    /// Accept a token this many seconds past its exp, 0 to 300 (5 minutes) [default: 0].
    #[arg(long, value_name = "SECS")]
    pub leeway: Option<u64>,
}

/// Parses `MAX,CLAMP,ROLLOFF,MODEL`, e.g. `32,1,1.0,1`.
pub fn parse_positional(text: &str) -> Result<PositionalProperties, String> {
    const FORMAT: &str = "expected MAX,CLAMP,ROLLOFF,MODEL such as 32,1,1.0,1";
    let fields: Vec<&str> = text.split(',').map(str::trim).collect();
    let [max_range, clamping, rolloff, model] = fields.as_slice() else {
        return Err(format!("{FORMAT}; got {} value(s)", fields.len()));
    };
    let max_range: u32 = max_range
        .parse()
        .map_err(|error: std::num::ParseIntError| match error.kind() {
            IntErrorKind::PosOverflow => format!(
                "MAX {max_range} is too large; the audible distance may be at most \
                 {MAX_AUDIBLE_DISTANCE}"
            ),
            _ => format!("MAX {max_range:?} is not a whole number; {FORMAT}"),
        })?;
    let clamping: u32 =
        clamping
            .parse()
            .map_err(|error: std::num::ParseIntError| match error.kind() {
                IntErrorKind::PosOverflow => format!(
                    "CLAMP {clamping} is too large; the conversational distance may be at most \
                 MAX ({max_range})"
                ),
                _ => format!("CLAMP {clamping:?} is not a whole number; {FORMAT}"),
            })?;
    let rolloff: f64 = rolloff
        .parse()
        .map_err(|_| format!("ROLLOFF {rolloff:?} is not a number; {FORMAT}"))?;
    let model: u8 = model
        .parse()
        .map_err(|_| format!("MODEL {model:?} is not 1, 2 or 3; {FORMAT}"))?;
    let model = AudioFadeModel::try_from(model).map_err(|error| error.to_string())?;
    PositionalProperties::new(max_range, clamping, rolloff, model)
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_positional_properties() {
        assert_eq!(
            parse_positional("32,1,1.0,1"),
            Ok(PositionalProperties::default())
        );
        assert_eq!(
            parse_positional("100, 0, 2.5, 3").map(|p| p.to_string()),
            Ok("!p-100-0-2.500-3".to_owned())
        );
    }

    #[test]
    fn rejects_bad_positional_properties() {
        for (text, needle) in [
            ("32,1,1.0", "got 3"),
            ("32,1,1.0,1,5", "got 5"),
            ("x,1,1.0,1", "MAX"),
            ("-1,1,1.0,1", "MAX"),
            ("32,y,1.0,1", "CLAMP"),
            ("32,1,z,1", "ROLLOFF"),
            ("32,1,1.0,q", "MODEL"),
            ("0,0,1.0,1", "at least 1"),
            ("32,33,1.0,1", "from 0 to 32"),
            ("32,1,-1,1", "negative"),
            ("32,1,NaN,1", "finite"),
            ("32,1,1.0,0", "unknown"),
            ("32,1,1.0,4", "unknown"),
            ("4294967296,1,1.0,1", "MAX 4294967296 is too large"),
            ("4294967296,1,1.0,1", "at most 2147483647"),
            ("2147483648,1,1.0,1", "the limit is 2147483647"),
            ("32,4294967296,1.0,1", "CLAMP 4294967296 is too large"),
            (
                "32,1,1e308,1",
                "rolloff 1e308 is too large; the limit is 1000",
            ),
            ("32,1,1000.001,1", "the limit is 1000"),
        ] {
            match parse_positional(text) {
                Err(message) => {
                    assert!(message.contains(needle), "{text}: {message}");
                    assert!(message.len() < 200, "{text}: {message}");
                    if needle.contains("too large") {
                        assert!(!message.contains("not a whole number"), "{message}");
                    }
                }
                Ok(properties) => panic!("{text} parsed as {properties}"),
            }
        }
        assert!(parse_positional("2147483647,2147483647,1000,3").is_ok());
    }
}
