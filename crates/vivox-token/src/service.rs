//! The application's own identities: the administrator and the service.

use crate::realm::Realm;

/// The administrator URI `sip:{iss}-Admin@{domain}`, the "from" of actions
/// only a server may take (kicking a user off the server, removing everyone
/// from a channel).
#[derive(Clone, PartialEq, Eq)]
pub struct AdminUri {
    realm: Realm,
    uri: String,
}

impl AdminUri {
    /// The administrator of `realm`. Always valid: the issuer and domain already are.
    #[must_use]
    pub fn new(realm: &Realm) -> Self {
        AdminUri {
            realm: realm.clone(),
            uri: format!("sip:{}-Admin@{}", realm.issuer(), realm.domain()),
        }
    }
}

/// The service URI `sip:{iss}-service@{domain}`, the "to" of a server-wide kick.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceUri {
    realm: Realm,
    uri: String,
}

impl ServiceUri {
    /// The service of `realm`. Always valid: the issuer and domain already are.
    #[must_use]
    pub fn new(realm: &Realm) -> Self {
        ServiceUri {
            realm: realm.clone(),
            uri: format!("sip:{}-service@{}", realm.issuer(), realm.domain()),
        }
    }
}

sip_uri_impls!(AdminUri);
sip_uri_impls!(ServiceUri);

impl Realm {
    /// The administrator URI `sip:{iss}-Admin@{domain}`.
    #[must_use]
    pub fn admin(&self) -> AdminUri {
        AdminUri::new(self)
    }

    /// The service URI `sip:{iss}-service@{domain}`, the target of a server-wide kick.
    #[must_use]
    pub fn service(&self) -> ServiceUri {
        ServiceUri::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_and_service_uris() {
        let realm = Realm::parse("blindmelon-AppName-dev", "tla.vivox.com").expect("test realm");
        assert_eq!(
            AdminUri::new(&realm).as_str(),
            "sip:blindmelon-AppName-dev-Admin@tla.vivox.com"
        );
        assert_eq!(
            ServiceUri::new(&realm).to_string(),
            "sip:blindmelon-AppName-dev-service@tla.vivox.com"
        );
    }
}
