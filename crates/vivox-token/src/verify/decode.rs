//! Splitting a token into its three parts and decoding each, before any check of
//! its signature or claims.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::claims::Claims;
use crate::error::{TokenPart, VerifyError};
use crate::token::SIGNATURE_LEN;

/// The longest token accepted; real tokens are well under 2 KiB.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A token split into its parts, each base64-decoded.
pub(super) struct RawToken<'t> {
    /// `header.payload`, the bytes the signature covers.
    pub(super) signing_input: &'t [u8],
    pub(super) payload: Vec<u8>,
    pub(super) signature: [u8; SIGNATURE_LEN],
}

fn decode_part(part: TokenPart, text: &[u8]) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|error| VerifyError::BadBase64 {
            part,
            detail: error.to_string(),
        })
}

/// Splits `token` at its dots and decodes the parts, checking only its shape and header.
pub(super) fn split(token: &[u8]) -> Result<RawToken<'_>, VerifyError> {
    if token.is_empty() {
        return Err(VerifyError::Malformed {
            reason: "the token is empty",
        });
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(VerifyError::Malformed {
            reason: "the token is longer than 16 KiB",
        });
    }
    let mut parts = token.split(|&byte| byte == b'.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::Malformed {
            reason: "it does not have exactly three parts separated by dots",
        });
    };
    if header.is_empty() || payload.is_empty() || signature.is_empty() {
        return Err(VerifyError::Malformed {
            reason: "one of its parts is empty",
        });
    }
    let decoded_header = decode_part(TokenPart::Header, header)?;
    if decoded_header != b"{}" {
        return Err(VerifyError::UnexpectedHeader {
            found: String::from_utf8_lossy(&decoded_header).into_owned(),
        });
    }
    let signature = decode_part(TokenPart::Signature, signature)?;
    let signature: [u8; SIGNATURE_LEN] =
        signature.try_into().map_err(|_| VerifyError::Malformed {
            reason: "the signature is not 32 bytes, the length of an HMAC-SHA256",
        })?;
    let payload_decoded = decode_part(TokenPart::Payload, payload)?;
    let signing_input = &token[..header.len() + 1 + payload.len()];
    Ok(RawToken {
        signing_input,
        payload: payload_decoded,
        signature,
    })
}

/// Decodes a token's claims **without** checking its signature, expiry,
/// issuer or the URIs in its claims.
///
/// For inspecting tokens only: anyone can write a token that decodes. Use a
/// [`Verifier`](crate::Verifier) before trusting the claims.
///
/// # Errors
/// The [`VerifyError`]s of the token's shape, base64, header and claim set;
/// never `BadSignature`, `Expired`, or an issuer, domain or URI error.
pub fn decode_unverified(token: impl AsRef<[u8]>) -> Result<Claims, VerifyError> {
    let raw = split(token.as_ref())?;
    Claims::from_json(&raw.payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGIN: &str = "e30.eyJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibG9naW4iLCJ2eGkiOjkzMzAwMCwiZXhwIjoxNjAwMzQ5NDAwLCJmIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIn0.5FKsAQz7bRQGGlSZw-KIcCmft7Ic6nT3Ih-TbdYPWwI";

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn malformed_shapes() {
        let too_long = "a".repeat(MAX_TOKEN_LEN + 1);
        let (header, rest) = LOGIN.split_once('.').expect("has dots");
        let (payload, signature) = rest.split_once('.').expect("has dots");
        let short_signature = format!("{header}.{payload}.{}", b64(&[0u8; 31]));
        for token in [
            "",
            "e30",
            "e30.abc",
            "e30.abc.def.ghi",
            &format!("{LOGIN}."),
            &format!(".{payload}.{signature}"),
            &format!("{header}..{signature}"),
            &format!("{header}.{payload}."),
            &too_long,
            &short_signature,
        ] {
            let result = decode_unverified(token);
            assert!(
                matches!(result, Err(VerifyError::Malformed { .. })),
                "{token:?} -> {result:?}"
            );
            assert_eq!(
                result.err().and_then(|e| e.vivox_error_code()),
                Some(crate::codes::MALFORMED)
            );
        }
    }

    #[test]
    fn bad_base64_names_the_part() {
        let (header, rest) = LOGIN.split_once('.').expect("has dots");
        let (payload, signature) = rest.split_once('.').expect("has dots");
        let cases = [
            (format!("e3=.{payload}.{signature}"), TokenPart::Header),
            (
                format!("{header}.{payload}+.{signature}"),
                TokenPart::Payload,
            ),
            (
                format!("{header}.{payload}=.{signature}"),
                TokenPart::Payload,
            ),
            (
                format!("{header}.{payload}.{signature}="),
                TokenPart::Signature,
            ),
            (
                format!("{header}.{payload}.{signature}/"),
                TokenPart::Signature,
            ),
            (
                format!("{header}.{payload} .{signature}"),
                TokenPart::Payload,
            ),
        ];
        for (token, expected) in cases {
            match decode_unverified(&token) {
                Err(VerifyError::BadBase64 { part, .. }) => assert_eq!(part, expected, "{token}"),
                other => panic!("{token}: {other:?}"),
            }
        }
    }

    #[test]
    fn non_canonical_trailing_bits_are_bad_base64() {
        // The last character of a 43-character signature carries 2 unused bits.
        let (rest, signature) = LOGIN.rsplit_once('.').expect("has dots");
        let last = signature.chars().last().expect("non-empty");
        let bumped = char::from(u8::try_from(last).expect("ASCII") + 1);
        let token = format!("{rest}.{}{bumped}", &signature[..signature.len() - 1]);
        assert!(matches!(
            decode_unverified(&token),
            Err(VerifyError::BadBase64 {
                part: TokenPart::Signature,
                ..
            })
        ));
    }

    #[test]
    fn unexpected_header() {
        let rest = LOGIN.strip_prefix("e30").expect("header");
        let token = format!("{}{rest}", b64(br#"{"alg":"HS256"}"#));
        assert_eq!(
            decode_unverified(&token),
            Err(VerifyError::UnexpectedHeader {
                found: r#"{"alg":"HS256"}"#.to_owned()
            })
        );
    }
}
