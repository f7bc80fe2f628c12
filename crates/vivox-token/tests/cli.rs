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
