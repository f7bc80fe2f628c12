//! Error codes the Vivox server returns when it rejects an access token.
//!
//! [`VerifyError::vivox_error_code`](crate::VerifyError::vivox_error_code) maps a local
//! verification failure to the code the server would report for the same fault.

/// The token was already used: every token is single-use, and two tokens whose
/// other claims are equal must differ in `vxi`.
pub const ALREADY_USED: u32 = 20120;
/// The token's `exp` has passed.
pub const EXPIRED: u32 = 20121;
/// The signature does not match the issuer's key.
pub const BAD_SIGNATURE: u32 = 20122;
/// The claims do not match the request they came with (wrong user, channel or action).
pub const CLAIMS_MISMATCH: u32 = 20123;
/// The token could not be parsed.
pub const MALFORMED: u32 = 20124;
/// The token's issuer is not the application's issuer.
pub const ISSUER_MISMATCH: u32 = 20128;

/// A short description of a Vivox token error code, or `None` for a code this
/// crate does not know.
#[must_use]
pub fn describe(code: u32) -> Option<&'static str> {
    Some(match code {
        ALREADY_USED => "token already used",
        EXPIRED => "token expired",
        BAD_SIGNATURE => "bad token signature",
        CLAIMS_MISMATCH => "token claims do not match the request",
        MALFORMED => "malformed token",
        ISSUER_MISMATCH => "token issuer mismatch",
        _ => return None,
    })
}
