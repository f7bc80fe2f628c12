//! Writes a grant's claims as compact JSON, in the exact order Vivox's examples use.
//!
//! The signature covers these bytes, so the order and the absence of
//! whitespace are part of the format. Written by hand, not through serde,
//! because minting is on the hot path and every value is a known string or integer.

use crate::action::Action;
use crate::grant::Grant;

/// An upper bound on the payload's size, to allocate once.
pub(crate) fn payload_capacity(issuer: &str, grant: &Grant<'_>) -> usize {
    // Keys, quotes, separators, two 20-digit integers and the action fit in 128 bytes.
    128 + issuer.len()
        + grant.from_uri().len()
        + grant.to_uri().map_or(0, str::len)
        + grant.subject_uri().map_or(0, str::len)
}

/// Appends the claims of `grant` to `out`.
///
/// Login: `iss, vxa, vxi, exp, f`. Every other action:
/// `vxi, [sub,] f, iss, vxa, t, exp`.
pub(crate) fn write_payload(
    out: &mut Vec<u8>,
    issuer: &str,
    grant: &Grant<'_>,
    vxi: u64,
    exp: u64,
) {
    let action = grant.action();
    if action == Action::Login {
        out.extend_from_slice(b"{\"iss\":");
        push_json_string(out, issuer);
        out.extend_from_slice(b",\"vxa\":");
        push_json_string(out, action.as_str());
        out.extend_from_slice(b",\"vxi\":");
        push_u64(out, vxi);
        out.extend_from_slice(b",\"exp\":");
        push_u64(out, exp);
        out.extend_from_slice(b",\"f\":");
        push_json_string(out, grant.from_uri());
        out.push(b'}');
        return;
    }
    out.extend_from_slice(b"{\"vxi\":");
    push_u64(out, vxi);
    if let Some(subject) = grant.subject_uri() {
        out.extend_from_slice(b",\"sub\":");
        push_json_string(out, subject);
    }
    out.extend_from_slice(b",\"f\":");
    push_json_string(out, grant.from_uri());
    out.extend_from_slice(b",\"iss\":");
    push_json_string(out, issuer);
    out.extend_from_slice(b",\"vxa\":");
    push_json_string(out, action.as_str());
    if let Some(to) = grant.to_uri() {
        out.extend_from_slice(b",\"t\":");
        push_json_string(out, to);
    }
    out.extend_from_slice(b",\"exp\":");
    push_u64(out, exp);
    out.push(b'}');
}

/// Appends `value` as a JSON string literal, as it is.
///
/// Nothing is escaped because nothing needs to be: every string written here
/// is the issuer, an action name or a URI, and their validated character sets
/// exclude `"`, `\` and control characters. Debug builds (and so the tests)
/// check that on every call; release builds skip the scan, which would cost
/// about a tenth of the HMAC.
pub(crate) fn push_json_string(out: &mut Vec<u8>, value: &str) {
    debug_assert!(
        !needs_escape(value.as_bytes()),
        "validated text needs JSON escaping: {value:?}"
    );
    out.push(b'"');
    out.extend_from_slice(value.as_bytes());
    out.push(b'"');
}

/// True if `bytes` holds a byte a JSON string must escape: a control
/// character, `"` or `\`.
fn needs_escape(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .any(|&byte| byte < 0x20 || byte == b'"' || byte == b'\\')
}

/// Appends `value` in decimal.
pub(crate) fn push_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::{ChannelKind, ChannelUri};
    use crate::positional::PositionalProperties;
    use crate::realm::Realm;

    #[test]
    fn detects_characters_that_need_escaping() {
        for text in ["a\"b", "a\\b", "a\nb", "\u{0}", "\u{1f}"] {
            assert!(needs_escape(text.as_bytes()), "{text:?}");
        }
        for text in ["", "plain", "sip:.iss.a!()+-.=_~%2F.@d.com", "é", "\u{7f}"] {
            assert!(!needs_escape(text.as_bytes()), "{text:?}");
        }
    }

    #[test]
    fn validated_text_is_already_valid_json() {
        // The widest character sets each validated type allows.
        let realm = Realm::parse("Az09-_.", "a-0.Z9").expect("valid");
        let name = "09AZaz!()+-.=_~%7E";
        let user = realm.unity_user(name, name).expect("valid");
        let channel = ChannelUri::in_environment(
            &realm,
            name,
            name,
            ChannelKind::Positional(PositionalProperties::default()),
        )
        .expect("valid");
        for text in [
            realm.issuer().as_str(),
            user.as_str(),
            channel.as_str(),
            realm.admin().as_str(),
            realm.service().as_str(),
        ] {
            let mut out = Vec::new();
            push_json_string(&mut out, text);
            let parsed: String = serde_json::from_slice(&out).expect("valid JSON");
            assert_eq!(parsed, text);
        }
        for action in crate::action::Action::ALL {
            assert!(!needs_escape(action.as_str().as_bytes()));
        }
    }

    #[test]
    fn writes_integers() {
        for value in [0, 7, 10, 665_000, 1_600_349_400, u64::MAX] {
            let mut out = Vec::new();
            push_u64(&mut out, value);
            assert_eq!(out, value.to_string().as_bytes());
        }
    }
}
