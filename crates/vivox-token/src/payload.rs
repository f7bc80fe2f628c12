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
pub(crate) fn write_payload(out: &mut Vec<u8>, issuer: &str, grant: &Grant<'_>, vxi: u64, exp: u64) {
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

/// Appends `value` as a JSON string literal.
///
/// Validated names never need escaping, but the escape keeps the output
/// valid JSON whatever text reaches here.
pub(crate) fn push_json_string(out: &mut Vec<u8>, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = value.as_bytes();
    let mut copied = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[copied..index]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0x0f)]);
        } else {
            out.extend_from_slice(escape);
        }
        copied = index + 1;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

/// Appends `value` in decimal.
pub(crate) fn push_u64(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        // `value % 10` is below 10, so the cast keeps every bit.
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_string(value: &str) -> String {
        let mut out = Vec::new();
        push_json_string(&mut out, value);
        String::from_utf8(out).expect("escaped output is UTF-8")
    }

    #[test]
    fn escapes_json_specials() {
        assert_eq!(json_string("plain"), "\"plain\"");
        assert_eq!(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(json_string("\n\r\t\u{8}\u{c}"), "\"\\n\\r\\t\\b\\f\"");
        assert_eq!(json_string("\u{0}\u{1f}"), "\"\\u0000\\u001f\"");
        assert_eq!(json_string("é€"), "\"é€\"");
    }

    #[test]
    fn escaped_strings_round_trip_through_a_json_parser() {
        let nasty = "q\"b\\s/\u{0}\u{7f}\u{1b}é\n";
        let parsed: String = serde_json::from_str(&json_string(nasty)).expect("valid JSON");
        assert_eq!(parsed, nasty);
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
