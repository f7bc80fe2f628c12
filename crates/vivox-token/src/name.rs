//! The character rules Vivox applies to user names, channel names and ids.

use crate::error::{Field, InputError};

/// The allowed set, as told to a user whose name broke it.
pub(crate) const NAME_CHARACTERS: &str = "names may use only 0-9 A-Z a-z ! ( ) + - . = _ ~ \
     and %XX escapes with two uppercase hex digits";

/// True for the characters a name may contain as they are.
fn is_plain_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!()+-.=_~".contains(&byte)
}

fn is_upper_hex(byte: u8) -> bool {
    byte.is_ascii_digit() || (b'A'..=b'F').contains(&byte)
}

/// Checks a name against Vivox's character set: non-empty, only the plain
/// characters above, and `%` only as the start of `%XX` with uppercase hex.
///
/// Length limits depend on where the name goes, so callers check them.
pub(crate) fn check_characters(field: Field, value: &str) -> Result<(), InputError> {
    if value.is_empty() {
        return Err(InputError::Empty { field });
    }
    let bytes = value.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let escape_ok = bytes
                .get(index + 1..index + 3)
                .is_some_and(|digits| digits.iter().all(|&d| is_upper_hex(d)));
            if !escape_ok {
                return Err(InputError::BadPercentEscape {
                    field,
                    value: value.to_owned(),
                    index,
                });
            }
            index += 3;
        } else if is_plain_name_byte(byte) {
            index += 1;
        } else {
            // `index` is on a char boundary: every byte before it was ASCII.
            let character = value[index..].chars().next().unwrap_or('\u{FFFD}');
            return Err(InputError::InvalidCharacter {
                field,
                value: value.to_owned(),
                character,
                index,
                allowed: NAME_CHARACTERS,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str) -> Result<(), InputError> {
        check_characters(Field::UserName, value)
    }

    #[test]
    fn accepts_every_plain_character() {
        let all = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!()+-.=_~";
        assert_eq!(check(all), Ok(()));
    }

    #[test]
    fn rejects_empty() {
        assert_eq!(
            check(""),
            Err(InputError::Empty {
                field: Field::UserName
            })
        );
    }

    #[test]
    fn rejects_characters_outside_the_set() {
        for (value, bad, at) in [
            ("a b", ' ', 1),
            ("a/b", '/', 1),
            ("a\"b", '"', 1),
            ("a\\b", '\\', 1),
            ("ab@", '@', 2),
            ("é", 'é', 0),
            ("x\u{0}", '\u{0}', 1),
            ("a*", '*', 1),
        ] {
            match check(value) {
                Err(InputError::InvalidCharacter {
                    character, index, ..
                }) => {
                    assert_eq!((character, index), (bad, at), "{value:?}");
                }
                other => panic!("{value:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn accepts_uppercase_percent_escapes() {
        assert_eq!(check("%2F"), Ok(()));
        assert_eq!(check("a%20b%7E"), Ok(()));
        assert_eq!(check("%AF%09"), Ok(()));
    }

    #[test]
    fn rejects_lowercase_truncated_and_non_hex_escapes() {
        for (value, at) in [
            ("%2f", 0),
            ("a%af", 1),
            ("%", 0),
            ("ab%", 2),
            ("ab%4", 2),
            ("%G0", 0),
            ("%%41", 0),
        ] {
            match check(value) {
                Err(InputError::BadPercentEscape { index, .. }) => {
                    assert_eq!(index, at, "{value:?}")
                }
                other => panic!("{value:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn error_message_explains_the_fix() {
        let message = check("a b").unwrap_err().to_string();
        assert!(message.contains("user name"), "{message}");
        assert!(message.contains("0-9 A-Z a-z"), "{message}");
        let message = check("%2f").unwrap_err().to_string();
        assert!(message.contains("UPPERCASE"), "{message}");
    }
}
