//! The issuer and domain an application's URIs and tokens belong to.
//!
//! The shortcuts that build a URI in a realm ([`Realm::user`], [`Realm::channel`], …) are
//! defined beside each URI type, so that the URI modules depend on this one and not back.

use std::fmt;
use std::sync::Arc;

use crate::error::{Field, InputError};

/// The most bytes Vivox allows in the account name `.{iss}.{name}.` of a user URI.
pub const MAX_ACCOUNT_LEN: usize = 127;

/// The longest issuer that still leaves room for a one-byte name in the
/// 127-byte account name `.{iss}.{name}.`.
pub const MAX_ISSUER_LEN: usize = MAX_ACCOUNT_LEN - 4;
/// The longest domain name DNS allows.
pub const MAX_DOMAIN_LEN: usize = 253;

const ISSUER_CHARACTERS: &str = "an issuer uses only 0-9 A-Z a-z - _ . (copy it from the Vivox \
     developer portal)";

/// The application's issuer (`iss`), as assigned by Vivox, e.g. `blindmelon-AppName-dev`.
///
/// Only `0-9 A-Z a-z - _ .` are accepted, so an issuer is always safe inside
/// JSON strings and SIP URIs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Issuer(String);

impl Issuer {
    /// Validates an issuer.
    ///
    /// # Errors
    /// [`InputError`] if it is empty, longer than [`MAX_ISSUER_LEN`] bytes or
    /// contains another character than `0-9 A-Z a-z - _ .`.
    pub fn new(issuer: impl Into<String>) -> Result<Self, InputError> {
        let issuer = issuer.into();
        if issuer.is_empty() {
            return Err(InputError::Empty {
                field: Field::Issuer,
            });
        }
        if let Some((index, character)) = issuer
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(InputError::InvalidCharacter {
                field: Field::Issuer,
                value: issuer,
                character,
                index,
                allowed: ISSUER_CHARACTERS,
            });
        }
        if issuer.len() > MAX_ISSUER_LEN {
            let len = issuer.len();
            return Err(InputError::TooLong {
                field: Field::Issuer,
                value: issuer,
                len,
                max: MAX_ISSUER_LEN,
                unit: "bytes",
                hint: "a Vivox issuer is much shorter; check that the right value was given"
                    .to_owned(),
            });
        }
        Ok(Issuer(issuer))
    }

    /// The issuer as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Issuer").field(&self.0).finish()
    }
}

impl fmt::Display for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Vivox domain of the application's environment, e.g. `tla.vivox.com`.
///
/// A host name: dot-separated labels of `0-9 A-Z a-z -`, each 1 to 63 bytes,
/// not starting or ending with `-`, at most 253 bytes in all.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Domain(String);

impl Domain {
    /// Validates a domain.
    ///
    /// # Errors
    /// [`InputError::Empty`] or [`InputError::InvalidDomain`] if it is not a host name.
    pub fn new(domain: impl Into<String>) -> Result<Self, InputError> {
        let domain = domain.into();
        if domain.is_empty() {
            return Err(InputError::Empty {
                field: Field::Domain,
            });
        }
        if let Some(reason) = host_name_problem(&domain) {
            return Err(InputError::InvalidDomain {
                value: domain,
                reason,
            });
        }
        Ok(Domain(domain))
    }

    /// The domain as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn host_name_problem(domain: &str) -> Option<&'static str> {
    if domain.len() > MAX_DOMAIN_LEN {
        return Some("longer than 253 bytes");
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Some("it has an empty label: no leading, trailing or double dots");
        }
        if label.len() > 63 {
            return Some("a label is longer than 63 bytes");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Some("labels may use only 0-9 A-Z a-z and -");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("a label starts or ends with -");
        }
    }
    None
}

impl fmt::Debug for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Domain").field(&self.0).finish()
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(PartialEq, Eq)]
struct RealmParts {
    issuer: Issuer,
    domain: Domain,
}

/// An application's issuer and domain: every URI is built inside one realm,
/// and a [`Signer`](crate::Signer) only signs grants whose URIs come from its own.
///
/// Cloning is cheap (a reference count).
#[derive(Clone)]
pub struct Realm(Arc<RealmParts>);

impl Realm {
    /// Pairs an issuer with a domain.
    #[must_use]
    pub fn new(issuer: Issuer, domain: Domain) -> Self {
        Realm(Arc::new(RealmParts { issuer, domain }))
    }

    /// Validates and pairs an issuer and a domain given as text.
    ///
    /// # Errors
    /// [`InputError`] if either is invalid; see [`Issuer::new`] and [`Domain::new`].
    pub fn parse(issuer: &str, domain: &str) -> Result<Self, InputError> {
        Ok(Realm::new(Issuer::new(issuer)?, Domain::new(domain)?))
    }

    /// The issuer.
    #[must_use]
    pub fn issuer(&self) -> &Issuer {
        &self.0.issuer
    }

    /// The domain.
    #[must_use]
    pub fn domain(&self) -> &Domain {
        &self.0.domain
    }

    /// True when both realms have the same issuer and domain.
    pub(crate) fn same_as(&self, other: &Realm) -> bool {
        // Pointer equality is the common case: URIs made from the signer's own realm.
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl PartialEq for Realm {
    fn eq(&self, other: &Self) -> bool {
        self.same_as(other)
    }
}

impl Eq for Realm {}

impl fmt::Debug for Realm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Realm")
            .field("issuer", &self.0.issuer.as_str())
            .field("domain", &self.0.domain.as_str())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_accepts_vivox_style_values() {
        assert_eq!(
            Issuer::new("blindmelon-AppName-dev").map(|i| i.as_str().to_owned()),
            Ok("blindmelon-AppName-dev".to_owned())
        );
        assert!(Issuer::new("a_b.c-9").is_ok());
    }

    #[test]
    fn issuer_rejects_empty_unsafe_and_long_values() {
        assert_eq!(
            Issuer::new(""),
            Err(InputError::Empty {
                field: Field::Issuer
            })
        );
        for bad in ["a\"b", "a\\b", "a b", "a@b", "a%41", "é"] {
            assert!(
                matches!(
                    Issuer::new(bad),
                    Err(InputError::InvalidCharacter {
                        field: Field::Issuer,
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        assert!(Issuer::new("i".repeat(MAX_ISSUER_LEN)).is_ok());
        assert!(matches!(
            Issuer::new("i".repeat(MAX_ISSUER_LEN + 1)),
            Err(InputError::TooLong {
                max: MAX_ISSUER_LEN,
                ..
            })
        ));
    }

    #[test]
    fn domain_accepts_host_names() {
        for good in ["tla.vivox.com", "mt1s.vivox.com", "localhost", "a-b.c9"] {
            assert!(Domain::new(good).is_ok(), "{good}");
        }
        let longest_label = "a".repeat(63);
        assert!(Domain::new(format!("{longest_label}.com")).is_ok());
    }

    #[test]
    fn domain_rejects_non_host_names() {
        assert_eq!(
            Domain::new(""),
            Err(InputError::Empty {
                field: Field::Domain
            })
        );
        for bad in [
            ".vivox.com",
            "vivox.com.",
            "a..b",
            "-a.com",
            "a-.com",
            "a_b.com",
            "a b.com",
            "tla.vivox.com:443",
            "x\"y",
        ] {
            assert!(
                matches!(Domain::new(bad), Err(InputError::InvalidDomain { .. })),
                "{bad:?}"
            );
        }
        let long_label = "a".repeat(64);
        assert!(Domain::new(format!("{long_label}.com")).is_err());
        let long_domain = vec!["abcdefg"; 32].join(".");
        assert!(long_domain.len() > MAX_DOMAIN_LEN);
        assert!(Domain::new(long_domain).is_err());
    }

    #[test]
    fn realms_compare_by_value() {
        let a = Realm::parse("iss", "tla.vivox.com");
        let b = Realm::parse("iss", "tla.vivox.com");
        let c = Realm::parse("other", "tla.vivox.com");
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
