//! Keeping the signing key out of usage errors.
//!
//! clap quotes an argument it cannot place, so `--key --SECRET` would print
//! `unexpected argument '--SECRET'`, and `--key -SECRET` its first letters.
//! The arguments are checked before clap parses them, and any clap error that
//! still contains a key is replaced.

use std::ffi::OsString;

/// The flag whose value is the signing key.
const KEY_FLAG: &str = "--key";

/// Said instead of a clap error that would have shown the key.
pub const REDACTED_USAGE_ERROR: &str = "the command line could not be parsed, and the usual \
     message would have shown the signing key, so it is not printed; check the arguments \
     against --help, and prefer --key-file PATH or VIVOX_KEY for the key";

/// Refuses `--key` followed by an argument starting with `-`, without repeating it.
///
/// clap would read such a key as an option and echo it; `--key=VALUE` keeps a
/// key that starts with `-` in one argument. Arguments after `--` are not options.
pub fn check_key_arguments(argv: &[OsString]) -> Result<(), String> {
    let mut after_key = false;
    for arg in argv.iter().skip(1) {
        let bytes = arg.as_encoded_bytes();
        if after_key && bytes.starts_with(b"-") {
            return Err(
                "--key is followed by an argument that starts with '-', which would be read as \
                 an option. If that argument is the signing key, write it in one piece as \
                 --key=KEY, or better put it in a file for --key-file PATH or in VIVOX_KEY \
                 (other local users can see command lines); if the key is missing, add it \
                 after --key"
                    .to_owned(),
            );
        }
        if bytes == b"--" {
            break;
        }
        after_key = bytes == KEY_FLAG.as_bytes();
    }
    Ok(())
}

/// Every key given on the command line: the argument after each `--key`, and
/// the value of each `--key=VALUE`.
fn command_line_keys(argv: &[OsString]) -> impl Iterator<Item = &[u8]> {
    let mut previous_was_flag = false;
    argv.iter().skip(1).filter_map(move |arg| {
        let bytes = arg.as_encoded_bytes();
        let key = if previous_was_flag {
            Some(bytes)
        } else {
            bytes
                .strip_prefix(KEY_FLAG.as_bytes())
                .and_then(|rest| rest.strip_prefix(b"="))
        };
        previous_was_flag = bytes == KEY_FLAG.as_bytes();
        key
    })
}

/// Whether `message` contains a key from the command line or `VIVOX_KEY`.
pub fn mentions_a_key(message: &[u8], argv: &[OsString], env_key: Option<&[u8]>) -> bool {
    command_line_keys(argv)
        .chain(env_key)
        .filter(|key| !key.is_empty())
        .any(|key| message.windows(key.len()).any(|window| window == key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<OsString> {
        std::iter::once("vivox-token")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn refuses_a_key_that_looks_like_an_option_without_repeating_it() {
        for key in ["--TOPSECRET", "-TOPSECRET", "-x", "-", "--"] {
            let message =
                check_key_arguments(&argv(&["login", "--key", key, "--user", "a"])).expect_err(key);
            assert!(message.contains("--key=KEY"), "{message}");
            let secret = key.trim_start_matches('-');
            if !secret.is_empty() {
                // The dashes with the first letter of the key, e.g. `-T`, `--T`, `-x`.
                let head = &key[..key.len() - secret.len() + 1];
                assert!(!message.contains(head), "{key}: {message}");
                assert!(
                    !message.contains(secret) || secret.len() < 3,
                    "{key}: {message}"
                );
            }
        }
        assert!(
            !check_key_arguments(&argv(&["--key", "-x"]))
                .unwrap_err()
                .contains("-x")
        );
    }

    #[test]
    fn accepts_keys_in_one_piece_and_other_arguments() {
        for args in [
            &["--key=--TOPSECRET", "login", "--user", "a"][..],
            &[
                "--key",
                "secret",
                "login",
                "--user",
                "-dash-is-fine-elsewhere",
            ],
            &["--key-file", "-path", "login"],
            &["verify", "--", "--key", "-x"],
            &["--key"],
        ] {
            assert_eq!(check_key_arguments(&argv(args)), Ok(()), "{args:?}");
        }
    }

    #[test]
    fn finds_keys_in_messages() {
        let args = argv(&["--key", "abc123", "--key=def456", "verify"]);
        assert!(mentions_a_key(b"error: 'abc123'", &args, None));
        assert!(mentions_a_key(b"error: 'def456'", &args, None));
        assert!(mentions_a_key(b"error: envkey", &args, Some(b"envkey")));
        assert!(!mentions_a_key(
            b"error: unexpected argument",
            &args,
            Some(b"")
        ));
    }
}
