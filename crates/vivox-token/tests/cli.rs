//! The `vivox-token` command: output, exit codes and error messages.

use std::io::Write as _;

use assert_cmd::Command;
use predicates::prelude::*;

const KEY: &str = "secret!";
const EXP: &str = "1600349400";

const USER_KICK: &str = "e30.eyJ2eGkiOjY2NTAwMCwic3ViIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIiwiZiI6InNpcDouYmxpbmRtZWxvbi1BcHBOYW1lLWRldi5iZWVmLkB0bGEudml2b3guY29tIiwiaXNzIjoiYmxpbmRtZWxvbi1BcHBOYW1lLWRldiIsInZ4YSI6ImtpY2siLCJ0Ijoic2lwOmNvbmZjdGwtZy1ibGluZG1lbG9uLUFwcE5hbWUtZGV2LnRlc3RjaGFubmVsQHRsYS52aXZveC5jb20iLCJleHAiOjE2MDAzNDk0MDB9.kKnWD3smth6KUuRaY11O-yqAbXy2L2wDZeIoDK_098c";
const ADMIN_KICK: &str = "e30.eyJ2eGkiOjgwMDAsInN1YiI6InNpcDouYmxpbmRtZWxvbi1BcHBOYW1lLWRldi5qZXJreS5AdGxhLnZpdm94LmNvbSIsImYiOiJzaXA6YmxpbmRtZWxvbi1BcHBOYW1lLWRldi1BZG1pbkB0bGEudml2b3guY29tIiwiaXNzIjoiYmxpbmRtZWxvbi1BcHBOYW1lLWRldiIsInZ4YSI6ImtpY2siLCJ0Ijoic2lwOmNvbmZjdGwtZy1ibGluZG1lbG9uLUFwcE5hbWUtZGV2LnRlc3RjaGFubmVsQHRsYS52aXZveC5jb20iLCJleHAiOjE2MDAzNDk0MDB9.7Fn08cctqltxNxPAAeOhPQd4KCsmT1ue1EDIxUNQ3gg";
const SERVER_KICK: &str = "e30.eyJ2eGkiOjYxMzY0Miwic3ViIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIiwiZiI6InNpcDpibGluZG1lbG9uLUFwcE5hbWUtZGV2LUFkbWluQHRsYS52aXZveC5jb20iLCJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoia2ljayIsInQiOiJzaXA6YmxpbmRtZWxvbi1BcHBOYW1lLWRldi1zZXJ2aWNlQHRsYS52aXZveC5jb20iLCJleHAiOjE2MDAzNDk0MDB9.jinc73lQ_ZSN4Mb8WLFK7Clu-Se9LG-QifXKfpaa3g4";
const LOGIN: &str = "e30.eyJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibG9naW4iLCJ2eGkiOjkzMzAwMCwiZXhwIjoxNjAwMzQ5NDAwLCJmIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIn0.5FKsAQz7bRQGGlSZw-KIcCmft7Ic6nT3Ih-TbdYPWwI";

/// The command with none of the `VIVOX_*` variables set.
fn bare() -> Command {
    let mut command = Command::cargo_bin("vivox-token").expect("binary is built");
    command
        .env_remove("VIVOX_ISSUER")
        .env_remove("VIVOX_DOMAIN")
        .env_remove("VIVOX_KEY");
    command
}

/// The command with the example issuer and domain.
fn cli() -> Command {
    let mut command = bare();
    command.args([
        "--issuer",
        "blindmelon-AppName-dev",
        "--domain",
        "tla.vivox.com",
    ]);
    command
}

/// The command with the example key and a fixed expiry.
fn minting(vxi: &str) -> Command {
    let mut command = cli();
    command.args(["--key", KEY, "--exp", EXP, "--vxi", vxi]);
    command
}

fn token_line(token: &str) -> String {
    format!("{token}\n")
}

#[test]
fn mints_the_worked_examples_alone_on_stdout() {
    minting("665000")
        .args([
            "kick",
            "--user",
            "beef",
            "--target",
            "jerky",
            "--channel",
            "testchannel",
        ])
        .assert()
        .success()
        .stdout(token_line(USER_KICK))
        .stderr("");
    minting("8000")
        .args([
            "kick",
            "--admin",
            "--target",
            "jerky",
            "--channel",
            "testchannel",
        ])
        .assert()
        .success()
        .stdout(token_line(ADMIN_KICK));
    minting("613642")
        .args(["kick", "--admin", "--target", "jerky", "--server"])
        .assert()
        .success()
        .stdout(token_line(SERVER_KICK));
    minting("933000")
        .args(["login", "--user", "jerky"])
        .assert()
        .success()
        .stdout(token_line(LOGIN));
}

#[test]
fn mints_every_other_action() {
    let suffix = |args: &[&str], vxi: &str, signature: &str| {
        minting(vxi)
            .args(args)
            .assert()
            .success()
            .stdout(predicate::str::ends_with(format!(".{signature}\n")));
    };
    let channel = ["--channel", "testchannel"];
    let with = |head: &[&'static str]| [head, &channel].concat();
    suffix(
        &with(&["join", "--user", "jerky"]),
        "444000",
        "u7us5eCxOBtuEZuDg1HapEEgxLedLaliIy7gOMfbeko",
    );
    suffix(
        &with(&["join", "--user", "jerky", "--muted"]),
        "542680",
        "N6sZL3F3e-p2KLQlMweXnbGNzE7Qc91rn_uqCEtRjsc",
    );
    suffix(
        &with(&["kick", "--admin", "--all"]),
        "729614",
        "bvNDTcXIHRpckAiFzy3wPiwgYGks4E9_WuEA5HMGpGE",
    );
    suffix(
        &with(&["mute", "--user", "beef", "--target", "jerky"]),
        "123456",
        "vM9zkCXTORjgv8w7eiMHHHkc4DumTwR_-I06y4SnpHA",
    );
    suffix(
        &with(&["mute", "--admin", "--target", "jerky"]),
        "654321",
        "ix0mFGS1XDXCBXH044f6B2JxutExbH2hZjGqZAwoHH8",
    );
    suffix(
        &with(&["mute", "--user", "beef", "--all"]),
        "19283",
        "fARLW2eX10ZbiIl_5WIg4bhPbYIhn2xfCcUNySfwBMs",
    );
    suffix(
        &with(&["mute", "--admin", "--all"]),
        "825647",
        "zpyvlBbVAKatuCeELb0Q1PsCb4tg0yacneL_sYHIVaw",
    );
    suffix(
        &with(&["transcription", "--user", "beef"]),
        "542680",
        "-A0w_fcPCZaG5NMksnbSrGSVXNNt25YqlRjcKcLkGnA",
    );
}

#[test]
fn presenter_mode_has_the_presenter_as_subject() {
    let output = minting("7")
        .args([
            "mute",
            "--user",
            "beef",
            "--all",
            "--except",
            "jerky",
            "--channel",
            "testchannel",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let token = String::from_utf8(output.stdout).expect("UTF-8");
    cli()
        .args(["--key", KEY, "verify", token.trim(), "--now", "1600349000"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            r#""sub":"sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com""#,
        ))
        .stdout(predicate::str::contains(r#""vxa":"mute""#));
}

#[test]
fn global_options_are_accepted_after_the_subcommand_too() {
    cli()
        .args([
            "login", "--user", "jerky", "--key", KEY, "--vxi", "933000", "--exp", EXP,
        ])
        .assert()
        .success()
        .stdout(token_line(LOGIN));
}

#[test]
fn issuer_domain_and_key_come_from_the_environment() {
    Command::cargo_bin("vivox-token")
        .expect("binary is built")
        .env("VIVOX_ISSUER", "blindmelon-AppName-dev")
        .env("VIVOX_DOMAIN", "tla.vivox.com")
        .env("VIVOX_KEY", KEY)
        .args(["--vxi", "933000", "--exp", EXP, "login", "--user", "jerky"])
        .assert()
        .success()
        .stdout(token_line(LOGIN));
}

#[test]
fn key_file_drops_one_trailing_newline() {
    for contents in ["secret!", "secret!\n", "secret!\r\n"] {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(contents.as_bytes()).expect("written");
        cli()
            .arg("--key-file")
            .arg(file.path())
            .args(["--vxi", "933000", "--exp", EXP, "login", "--user", "jerky"])
            .assert()
            .success()
            .stdout(token_line(LOGIN));
    }
    // Only one newline goes: a second one is part of the key.
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(b"secret!\n\n").expect("written");
    let output = cli()
        .arg("--key-file")
        .arg(file.path())
        .args(["--vxi", "933000", "--exp", EXP, "login", "--user", "jerky"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert_ne!(String::from_utf8_lossy(&output.stdout), token_line(LOGIN));
}

#[test]
fn key_file_wins_over_the_environment_but_not_over_key() {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(b"secret!").expect("written");
    cli()
        .env("VIVOX_KEY", "another-key-from-env")
        .arg("--key-file")
        .arg(file.path())
        .args(["--vxi", "933000", "--exp", EXP, "login", "--user", "jerky"])
        .assert()
        .success()
        .stdout(token_line(LOGIN));
    cli()
        .args(["--key", "topsecret-cli-key", "--key-file"])
        .arg(file.path())
        .args(["login", "--user", "jerky"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("either --key or --key-file"))
        .stderr(predicate::str::contains("topsecret-cli-key").not());
}

#[test]
fn unreadable_key_file_is_named_but_no_key_is_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-key");
    cli()
        .arg("--key-file")
        .arg(&missing)
        .args(["login", "--user", "jerky"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("cannot read the key file"))
        .stderr(predicate::str::contains("no-such-key"));
    let empty = tempfile::NamedTempFile::new().expect("temp file");
    cli()
        .arg("--key-file")
        .arg(empty.path())
        .args(["login", "--user", "jerky"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is empty"));
}

#[test]
fn missing_settings_are_usage_errors() {
    bare()
        .args(["--key", KEY, "login", "--user", "jerky"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--issuer"))
        .stderr(predicate::str::contains("VIVOX_ISSUER"));
    cli()
        .args(["login", "--user", "jerky"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no signing key"));
    cli()
        .args(["--key", ""])
        .args(["login", "--user", "jerky"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("signing key is empty"));
}

#[test]
fn invalid_names_are_usage_errors_that_never_show_the_key() {
    let secret = "my-very-secret-signing-key";
    for (args, needle) in [
        (
            vec!["login", "--user", "bad name"],
            "--user: the user name \"bad name\"",
        ),
        (vec!["login", "--user", ""], "user name is empty"),
        (vec!["login", "--user", "a%2f"], "UPPERCASE"),
        (
            vec!["join", "--user", "ok", "--channel", "bad/chan"],
            "--channel: the channel name",
        ),
        (
            vec!["mute", "--admin", "--target", "x y", "--channel", "c"],
            "--target:",
        ),
        (
            vec![
                "mute",
                "--admin",
                "--all",
                "--except",
                "x@y",
                "--channel",
                "c",
            ],
            "--except:",
        ),
    ] {
        cli()
            .args(["--key", secret])
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(needle))
            .stderr(predicate::str::contains(secret).not());
    }
    let long = "n".repeat(128);
    cli()
        .args(["--key", secret, "login", "--user", &long])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("127"));
    bare()
        .args(["--key", secret, "--domain", "tla.vivox.com"])
        .args(["--issuer", "bad issuer", "login", "--user", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--issuer:"));
    bare()
        .args(["--key", secret, "--issuer", "blindmelon-AppName-dev"])
        .args(["--domain", "bad..domain", "login", "--user", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--domain:"));
}

#[test]
fn invalid_kick_combinations_are_refused() {
    for (args, needle) in [
        (
            vec!["kick", "--user", "beef", "--all", "--server"],
            "not an action Vivox has",
        ),
        (
            vec!["kick", "--admin", "--all", "--server"],
            "not an action Vivox has",
        ),
        (
            vec!["kick", "--user", "beef", "--all", "--channel", "c"],
            "only the admin can remove everyone",
        ),
        (
            vec!["kick", "--user", "beef", "--target", "jerky", "--server"],
            "only the admin can kick a user off the server",
        ),
        (
            vec![
                "kick", "--user", "beef", "--admin", "--target", "j", "--server",
            ],
            "cannot be used with",
        ),
        (
            vec![
                "kick",
                "--admin",
                "--target",
                "j",
                "--server",
                "--channel",
                "c",
            ],
            "cannot be used with",
        ),
        (
            vec![
                "kick",
                "--admin",
                "--target",
                "j",
                "--server",
                "--channel-type",
                "echo",
            ],
            "cannot be used with",
        ),
        (vec!["kick", "--admin", "--target", "j"], "required"),
        (
            vec![
                "mute",
                "--admin",
                "--target",
                "j",
                "--except",
                "k",
                "--channel",
                "c",
            ],
            "cannot be used with",
        ),
        (
            vec!["mute", "--admin", "--except", "k", "--channel", "c"],
            "required",
        ),
    ] {
        cli()
            .args(["--key", KEY])
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(needle));
    }
}

#[test]
fn channel_types_and_positional_properties() {
    let payload_contains = |args: &[&str], channel: &str| {
        let output = minting("1").args(args).output().expect("runs");
        assert!(output.status.success(), "{args:?}");
        let token = String::from_utf8(output.stdout).expect("UTF-8");
        cli()
            .args(["--key", KEY, "verify", token.trim(), "--now", "0"])
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                r#""t":"sip:confctl-{channel}@tla.vivox.com""#
            )));
    };
    let join = ["join", "--user", "u", "--channel", "c"];
    payload_contains(&join, "g-blindmelon-AppName-dev.c");
    payload_contains(
        &[&join[..], &["--channel-type", "echo"]].concat(),
        "e-blindmelon-AppName-dev.c",
    );
    payload_contains(
        &[&join[..], &["--channel-type", "positional"]].concat(),
        "d-blindmelon-AppName-dev.c!p-32-1-1.000-1",
    );
    payload_contains(
        &[&join[..], &["--positional", "100,0,0,3"]].concat(),
        "d-blindmelon-AppName-dev.c!p-100-0-0.000-3",
    );
    payload_contains(
        &[&join[..], &["--environment-id", "env1"]].concat(),
        "g-blindmelon-AppName-dev.c.env1",
    );
    for (positional, needle) in [
        ("32,33,1,1", "from 0 to 32"),
        ("0,0,1,1", "at least 1"),
        ("32,1,-1,1", "negative"),
        ("32,1,NaN,1", "finite"),
        ("32,1,1,4", "1 (inverse)"),
        ("32,1,1", "MAX,CLAMP,ROLLOFF,MODEL"),
    ] {
        cli()
            .args(["--key", KEY])
            .args(join)
            .args(["--positional", positional])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(needle));
    }
    cli()
        .args(["--key", KEY])
        .args(join)
        .args(["--channel-type", "group", "--positional", "32,1,1,1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--positional applies only"));
}

#[test]
fn unity_users_with_environment_id() {
    let output = minting("1")
        .args(["--environment-id", "env1", "login", "--user", "player42"])
        .output()
        .expect("runs");
    let token = String::from_utf8(output.stdout).expect("UTF-8");
    cli()
        .args(["--key", KEY, "verify", token.trim(), "--now", "0"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            r#""f":"sip:.blindmelon-AppName-dev.player42.env1.@tla.vivox.com""#,
        ));
}

#[test]
fn verify_prints_the_claims() {
    cli()
        .args(["--key", KEY, "verify", USER_KICK, "--now", "1600349310"])
        .assert()
        .success()
        .stdout(concat!(
            r#"{"iss":"blindmelon-AppName-dev","exp":1600349400,"vxa":"kick","vxi":665000,"#,
            r#""f":"sip:.blindmelon-AppName-dev.beef.@tla.vivox.com","#,
            r#""t":"sip:confctl-g-blindmelon-AppName-dev.testchannel@tla.vivox.com","#,
            r#""sub":"sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com"}"#,
            "\n"
        ))
        .stderr("");
}

#[test]
fn verify_rejections_exit_1_with_the_reason() {
    let secret = "wrong-but-secret-key";
    cli()
        .args(["--key", secret, "verify", LOGIN, "--now", "1600349310"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("bad signature"))
        .stderr(predicate::str::contains("20122"))
        .stderr(predicate::str::contains(secret).not());
    cli()
        .args(["--key", KEY, "verify", LOGIN, "--now", "1600349400"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("expired"))
        .stderr(predicate::str::contains("20121"));
    cli()
        .args([
            "--key",
            KEY,
            "verify",
            LOGIN,
            "--now",
            "1600349400",
            "--leeway",
            "10",
        ])
        .assert()
        .success();
    bare()
        .args([
            "--key",
            KEY,
            "--issuer",
            "other-issuer",
            "verify",
            LOGIN,
            "--now",
            "0",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("20128"));
    for malformed in ["", "not-a-token", "e30.e30", "e30.***.abc", "eyJ9.e30.abc"] {
        cli()
            .args(["--key", KEY, "verify", malformed, "--now", "0"])
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains("20124"));
    }
}

#[test]
fn verify_without_issuer_accepts_any_issuer() {
    bare()
        .args(["--key", KEY, "verify", LOGIN, "--now", "0"])
        .assert()
        .success();
}

#[test]
fn verify_refuses_minting_options() {
    cli()
        .args(["--key", KEY, "--vxi", "3", "verify", LOGIN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--vxi applies only when minting"));
}

#[test]
fn clap_usage_errors_exit_2_and_help_exits_0() {
    cli().arg("frobnicate").assert().code(2).stdout("");
    cli()
        .args(["--exp", "1", "--ttl", "2", "login", "--user", "a"])
        .assert()
        .code(2);
    cli()
        .args(["--vxi", "-5", "login", "--user", "a"])
        .assert()
        .code(2);
    Command::cargo_bin("vivox-token")
        .expect("binary is built")
        .env("VIVOX_KEY", "env-secret-value")
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("VIVOX_KEY"))
        .stdout(predicate::str::contains("env-secret-value").not());
}

#[test]
fn ttl_sets_the_expiry() {
    let output = cli()
        .args([
            "--key", KEY, "--ttl", "600", "--vxi", "1", "login", "--user", "a",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let token = String::from_utf8(output.stdout).expect("UTF-8");
    let verified = cli()
        .args(["--key", KEY, "verify", token.trim()])
        .output()
        .expect("runs");
    assert!(verified.status.success());
    let claims: serde_json::Value = serde_json::from_slice(&verified.stdout).expect("JSON claims");
    let exp = claims["exp"].as_u64().expect("exp is a number");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    assert!(
        (now + 590..=now + 610).contains(&exp),
        "exp {exp}, now {now}"
    );
}

// Hardening: one test per defect of the issue tracker.

/// The binary under test, for running it without assert_cmd.
const BIN: &str = env!("CARGO_BIN_EXE_vivox-token");

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// The claims of a token, decoded without verification.
fn claims_of(token: &str) -> serde_json::Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).expect("three parts");
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&json).expect("JSON claims")
}

/// A token over `payload`, correctly signed with the example key.
fn signed(payload: &str) -> String {
    use base64::Engine as _;
    use hmac::{Hmac, KeyInit, Mac};
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let input = format!("e30.{}", engine.encode(payload));
    let mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(KEY.as_bytes())
        .expect("any key length")
        .chain_update(input.as_bytes())
        .finalize()
        .into_bytes();
    format!("{input}.{}", engine.encode(mac))
}

// 9. Separate processes must not mint identical tokens.

#[test]
fn parallel_processes_mint_distinct_tokens() {
    const RUNS: usize = 300;
    let children: Vec<_> = (0..RUNS)
        .map(|_| {
            std::process::Command::new(BIN)
                .env_remove("VIVOX_ISSUER")
                .env_remove("VIVOX_DOMAIN")
                .env("VIVOX_KEY", KEY)
                .args([
                    "--issuer",
                    "blindmelon-AppName-dev",
                    "--domain",
                    "tla.vivox.com",
                ])
                .args(["--ttl", "3600", "login", "--user", "alice"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawns")
        })
        .collect();
    let mut tokens = std::collections::HashSet::new();
    let mut vxis = std::collections::HashSet::new();
    for child in children {
        let output = child.wait_with_output().expect("runs");
        assert!(output.status.success());
        let token = String::from_utf8(output.stdout).expect("UTF-8");
        let vxi = claims_of(token.trim())["vxi"].as_u64().expect("vxi");
        assert!(vxi < 1 << 53, "{vxi}");
        assert!(vxis.insert(vxi), "vxi {vxi} minted twice");
        assert!(tokens.insert(token), "a token was minted twice");
    }
    assert_eq!(tokens.len(), RUNS);
}

// 10. No token that is born expired or never expires; bounded leeway.

#[test]
fn lifetimes_outside_the_limits_are_usage_errors() {
    let now = now();
    let past = (now - 1).to_string();
    let far = (now + 86_400 + 120).to_string();
    for (args, needles) in [
        (vec!["--ttl", "0"], vec!["--ttl:", "1 to 86400 seconds"]),
        (vec!["--ttl", "86401"], vec!["--ttl:", "1 to 86400 seconds"]),
        (
            vec!["--ttl", "18446744073709551615"],
            vec!["--ttl:", "1 to 86400 seconds"],
        ),
        (vec!["--exp", &past], vec!["--exp:", "not in the future"]),
        (vec!["--exp", "0"], vec!["--exp:", "not in the future"]),
        (vec!["--exp", &far], vec!["--exp:", "at most 86400 s ahead"]),
        (
            vec!["--exp", "18446744073709551615"],
            vec!["--exp:", "at most 86400 s ahead"],
        ),
    ] {
        let mut assert = cli()
            .args(["--key", KEY])
            .args(&args)
            .args(["login", "--user", "a"])
            .assert()
            .code(2)
            .stdout("");
        for needle in needles {
            assert = assert.stderr(predicate::str::contains(needle));
        }
    }
    for args in [
        vec!["--ttl".to_owned(), "1".to_owned()],
        vec!["--ttl".to_owned(), "86400".to_owned()],
        vec!["--exp".to_owned(), (now + 3_600).to_string()],
    ] {
        cli()
            .args(["--key", KEY])
            .args(&args)
            .args(["login", "--user", "a"])
            .assert()
            .success();
    }
}

#[test]
fn an_explicit_vxi_reproduces_tokens_with_any_expiry() {
    // The published examples expired in 2020; with --vxi they are reproductions.
    minting("933000")
        .args(["login", "--user", "jerky"])
        .assert()
        .success()
        .stdout(token_line(LOGIN));
}

#[test]
fn verify_leeway_is_at_most_five_minutes() {
    for leeway in ["301", "18446744073709551615"] {
        cli()
            .args(["--key", KEY, "verify", LOGIN, "--now", "1700000000"])
            .args(["--leeway", leeway])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("--leeway:"))
            .stderr(predicate::str::contains("at most 300 seconds"));
    }
    // 300 s is accepted, and still rejects a token expired 300 s ago.
    cli()
        .args(["--key", KEY, "verify", LOGIN, "--now", "1600349699"])
        .args(["--leeway", "300"])
        .assert()
        .success();
    cli()
        .args(["--key", KEY, "verify", LOGIN, "--now", "1600349700"])
        .args(["--leeway", "300"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("20121"));
}

// 11. verify checks the URIs in f, t and sub.

#[test]
fn verify_rejects_uris_that_are_garbage_or_of_another_realm() {
    let login = |from: &str| {
        signed(&format!(
            r#"{{"iss":"blindmelon-AppName-dev","vxa":"login","vxi":1,"exp":1600349400,"f":"{from}"}}"#
        ))
    };
    for (from, needles) in [
        (
            "garbage",
            ["`f` claim \"garbage\" is not a valid user URI", "20124"],
        ),
        (
            "sip:.blindmelon-AppName-dev.jerky.@evil.example.com",
            [
                "at domain \"evil.example.com\", but \"tla.vivox.com\"",
                "20123",
            ],
        ),
        (
            "sip:.someone-else.jerky.@tla.vivox.com",
            ["not a URI of issuer \"blindmelon-AppName-dev\"", "20128"],
        ),
    ] {
        let token = login(from);
        let mut assert = cli()
            .args(["--key", KEY, "verify", &token, "--now", "1600349310"])
            .assert()
            .code(1)
            .stdout("");
        for needle in needles {
            assert = assert.stderr(predicate::str::contains(needle));
        }
    }
    // A user kicking someone off the server: each URI is fine, the grant is not.
    let kick = signed(concat!(
        r#"{"vxi":1,"sub":"sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com","#,
        r#""f":"sip:.blindmelon-AppName-dev.beef.@tla.vivox.com","iss":"blindmelon-AppName-dev","#,
        r#""vxa":"kick","t":"sip:blindmelon-AppName-dev-service@tla.vivox.com","exp":1600349400}"#
    ));
    cli()
        .args(["--key", KEY, "verify", &kick, "--now", "1600349310"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("only the admin"));
    // The published tokens still verify with issuer and domain given.
    for token in [USER_KICK, ADMIN_KICK, SERVER_KICK, LOGIN] {
        cli()
            .args(["--key", KEY, "verify", token, "--now", "1600349310"])
            .assert()
            .success();
    }
    bare()
        .args(["--key", KEY, "--domain", "other.vivox.com", "verify", LOGIN])
        .args(["--now", "1600349310"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("\"other.vivox.com\" was expected"));
}

// 12. Positional properties and URIs are bounded.

#[test]
fn huge_positional_values_and_uris_are_refused_with_the_limit() {
    for (positional, needle) in [
        (
            "32,1,1e308,1",
            "rolloff 1e308 is too large; the limit is 1000",
        ),
        ("32,1,1000.5,1", "the limit is 1000"),
        ("2147483648,1,1,1", "the limit is 2147483647"),
    ] {
        let output = cli()
            .args(["--key", KEY, "join", "--user", "u", "--channel", "c"])
            .args(["--positional", positional])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{positional}");
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(needle), "{positional}: {stderr}");
        assert!(stderr.len() < 400, "{positional}: {stderr}");
    }
    let long_environment = "e".repeat(1_100);
    cli()
        .args(["--key", KEY, "--environment-id", &long_environment])
        .args(["kick", "--admin", "--all", "--channel", "c"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the limit is 1024"));
}

// 13. No part of a key that looks like an option appears in any error.

#[test]
fn keys_that_look_like_options_never_appear_in_errors() {
    for key in ["--TOPSECRET", "-TOPSECRET", "-x"] {
        let secret = key.trim_start_matches('-');
        let head = &key[..key.len() - secret.len() + 1];
        let placements: [Vec<&str>; 3] = [
            vec!["--key", key, "login", "--user", "jerky"],
            vec!["login", "--user", "jerky", "--key", key],
            vec!["--key", key, "verify", LOGIN],
        ];
        for args in placements {
            let output = cli().args(&args).output().expect("runs");
            assert_eq!(output.status.code(), Some(2), "{args:?}");
            assert!(output.stdout.is_empty());
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("--key=KEY"), "{stderr}");
            assert!(stderr.contains("--key-file"), "{stderr}");
            assert!(!stderr.contains(head), "{key}: {stderr}");
            if secret.len() >= 3 {
                for part in [secret, &secret[..3], &secret[secret.len() - 3..]] {
                    assert!(!stderr.contains(part), "{key}: {stderr}");
                }
            }
        }
        // Written in one piece, such a key works.
        let output = cli()
            .arg(format!("--key={key}"))
            .args(["--vxi", "1", "--exp", EXP, "login", "--user", "jerky"])
            .output()
            .expect("runs");
        assert!(output.status.success(), "{key}");
        let token = String::from_utf8(output.stdout).expect("UTF-8");
        cli()
            .arg(format!("--key={key}"))
            .args(["verify", token.trim(), "--now", "0"])
            .assert()
            .success();
    }
}

#[test]
fn clap_errors_that_would_quote_the_key_are_replaced() {
    let secret = "zz-very-secret-zz";
    cli()
        .args(["--key", secret, secret])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("would have shown the signing key"))
        .stderr(predicate::str::contains(secret).not());
    cli()
        .env("VIVOX_KEY", secret)
        .arg(secret)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(secret).not());
}

// 14. Smaller defects.

#[test]
fn environment_id_errors_name_the_environment_id_and_its_limit() {
    let environment = "e".repeat(101);
    let output = minting("1")
        .args(["--environment-id", &environment, "login", "--user", "p"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: --environment-id: the environment id"),
        "{stderr}"
    );
    assert!(stderr.contains("the limit is 100"), "{stderr}");
    assert!(!stderr.contains("--user:"), "{stderr}");
    assert!(!stderr.contains("at most 101"), "{stderr}");
    minting("1")
        .args(["--environment-id", &"e".repeat(100), "login", "--user", "p"])
        .assert()
        .success();
    minting("1")
        .args([
            "--environment-id",
            "e/1",
            "join",
            "--user",
            "p",
            "--channel",
            "c",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--environment-id: the environment id \"e/1\"",
        ));
}

#[test]
fn an_overflowing_positional_number_is_too_large_not_malformed() {
    cli()
        .args(["--key", KEY, "join", "--user", "u", "--channel", "c"])
        .args(["--positional", "4294967296,1,1,1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("MAX 4294967296 is too large"))
        .stderr(predicate::str::contains("at most 2147483647"))
        .stderr(predicate::str::contains("not a whole number").not());
}

#[test]
fn usage_does_not_claim_environment_backed_options_are_required() {
    let output = Command::cargo_bin("vivox-token")
        .expect("binary is built")
        .env("VIVOX_ISSUER", "blindmelon-AppName-dev")
        .env("VIVOX_DOMAIN", "tla.vivox.com")
        .env("VIVOX_KEY", KEY)
        .arg("login")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let usage = stderr
        .lines()
        .find(|line| line.starts_with("Usage:"))
        .expect("a usage line");
    assert_eq!(usage, "Usage: vivox-token login --user <NAME>", "{stderr}");
    // Without them, minting still says which is missing and where it may come from.
    bare()
        .args(["--issuer", "blindmelon-AppName-dev", "--key", KEY])
        .args(["login", "--user", "jerky"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no --domain: pass --domain or set VIVOX_DOMAIN",
        ));
}

#[test]
fn every_key_source_drops_exactly_one_trailing_newline() {
    for key in ["secret!\n", "secret!\r\n"] {
        cli()
            .args(["--key", key, "--vxi", "933000", "--exp", EXP])
            .args(["login", "--user", "jerky"])
            .assert()
            .success()
            .stdout(token_line(LOGIN));
        cli()
            .env("VIVOX_KEY", key)
            .args(["--vxi", "933000", "--exp", EXP, "login", "--user", "jerky"])
            .assert()
            .success()
            .stdout(token_line(LOGIN));
    }
    let output = cli()
        .args(["--key", "secret!\n\n", "--vxi", "933000", "--exp", EXP])
        .args(["login", "--user", "jerky"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert_ne!(String::from_utf8_lossy(&output.stdout), token_line(LOGIN));
    cli()
        .args(["--key", "\n", "login", "--user", "jerky"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("signing key is empty"));
}

#[test]
fn a_closed_stdout_is_an_error_with_a_message() {
    // `>&-` closes descriptor 1 before the program starts.
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" "$@" >&-"#)
        .arg(BIN)
        .args([
            "--issuer",
            "blindmelon-AppName-dev",
            "--domain",
            "tla.vivox.com",
        ])
        .args(["--key", KEY, "login", "--user", "jerky"])
        .env_remove("VIVOX_KEY")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write to stdout: it is closed"),
        "{stderr}"
    );
    // Discarding the output on purpose still succeeds.
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" "$@" >/dev/null"#)
        .arg(BIN)
        .args([
            "--issuer",
            "blindmelon-AppName-dev",
            "--domain",
            "tla.vivox.com",
        ])
        .args(["--key", KEY, "login", "--user", "jerky"])
        .env_remove("VIVOX_KEY")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn a_stdout_pipe_with_no_reader_is_an_error_with_a_message() {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = std::process::Command::new(BIN)
        .args([
            "--issuer",
            "blindmelon-AppName-dev",
            "--domain",
            "tla.vivox.com",
        ])
        .args(["--key", KEY, "login", "--user", "jerky"])
        .env_remove("VIVOX_KEY")
        .stdout(writer)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot write to stdout"), "{stderr}");
}
