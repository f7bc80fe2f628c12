//! Reading URIs back out of a token's claims, as the typed URIs they were built as.
//!
//! Each URI type has a crate-private `parse` next to its constructor; this
//! module holds what they share: the length limit, splitting off `sip:` and
//! `@domain`, and the ways a URI can be wrong.

use crate::realm::{Domain, Realm};

/// The longest URI accepted in bytes, whole, from `sip:` to the domain.
///
/// Only channel URIs can come near it (a user URI is at most 385 bytes: the
/// 127-byte account and a 253-byte domain); a channel URI is bounded by its
/// name, issuer, domain and properties, and an environment id may use what
/// is left. Three URIs of this size still fit in a token of
/// [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN).
pub const MAX_URI_LEN: usize = 1024;

/// Why a text is not a URI of the expected kind in the expected realm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UriFault {
    /// It does not have the form of the expected kind of URI.
    Shape(String),
    /// It has the form, but names another issuer.
    Issuer,
    /// It has the form and the issuer, but is at this other domain.
    Domain(String),
}

/// Splits `sip:{local}@{domain}` and checks the overall length and the domain's syntax.
///
/// Returns the local part and the domain; the caller checks the local part
/// first, then [`check_domain`], so that a URI of another issuer is reported
/// as such even when its domain differs too.
///
/// # Errors
/// What is wrong with the URI's overall form.
pub(crate) fn split(text: &str) -> Result<(&str, &str), String> {
    if text.len() > MAX_URI_LEN {
        return Err(format!(
            "it is {} bytes long; the limit is {MAX_URI_LEN}",
            text.len()
        ));
    }
    let rest = text
        .strip_prefix("sip:")
        .ok_or_else(|| "it does not start with sip:".to_owned())?;
    let (local, domain) = rest
        .rsplit_once('@')
        .ok_or_else(|| "it has no @domain".to_owned())?;
    Domain::new(domain).map_err(|error| error.to_string())?;
    Ok((local, domain))
}

/// Checks that `domain` is the realm's.
pub(crate) fn check_domain(realm: &Realm, domain: &str) -> Result<(), UriFault> {
    if domain == realm.domain().as_str() {
        Ok(())
    } else {
        Err(UriFault::Domain(domain.to_owned()))
    }
}

/// Strips `{issuer}.` from the start of `rest`, the part before a name.
///
/// `rest` being exactly the issuer means the name is missing; anything else
/// not starting with `{issuer}.` belongs to another issuer.
pub(crate) fn strip_issuer<'t>(rest: &'t str, realm: &Realm) -> Result<&'t str, UriFault> {
    let issuer = realm.issuer().as_str();
    match rest.strip_prefix(issuer) {
        Some("") => Err(UriFault::Shape(
            "there is no name after the issuer".to_owned(),
        )),
        Some(after) => after.strip_prefix('.').ok_or(UriFault::Issuer),
        None => Err(UriFault::Issuer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn realm() -> Realm {
        Realm::parse("iss", "tla.vivox.com").expect("valid")
    }

    #[test]
    fn splits_local_part_and_domain() {
        assert_eq!(
            split("sip:.iss.a.@tla.vivox.com"),
            Ok((".iss.a.", "tla.vivox.com"))
        );
        for (text, needle) in [
            ("garbage", "sip:"),
            ("sip:.iss.a.", "@domain"),
            ("sip:.iss.a.@bad..domain", "empty label"),
        ] {
            match split(text) {
                Err(reason) => assert!(reason.contains(needle), "{reason}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        let long = format!("sip:.iss.{}.@tla.vivox.com", "a".repeat(MAX_URI_LEN));
        assert!(matches!(split(&long), Err(reason) if reason.contains("limit")));
    }

    #[test]
    fn checks_the_domain_and_the_issuer() {
        let realm = realm();
        assert_eq!(check_domain(&realm, "tla.vivox.com"), Ok(()));
        assert_eq!(
            check_domain(&realm, "other.vivox.com"),
            Err(UriFault::Domain("other.vivox.com".to_owned()))
        );
        assert_eq!(strip_issuer("iss.name", &realm), Ok("name"));
        assert_eq!(strip_issuer("other.name", &realm), Err(UriFault::Issuer));
        assert_eq!(strip_issuer("issx.name", &realm), Err(UriFault::Issuer));
        assert!(matches!(
            strip_issuer("iss", &realm),
            Err(UriFault::Shape(_))
        ));
    }
}
