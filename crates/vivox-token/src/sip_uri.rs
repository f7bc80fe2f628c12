//! What every validated SIP URI type shares: it holds its realm and its text, and shows as
//! that text. One macro, so the four URI types cannot drift apart.

/// Implements `as_str`, `realm`, `Debug`, `Display` and `AsRef<str>` for a struct with fields
/// `realm: Realm` and `uri: String`.
macro_rules! sip_uri_impls {
    ($type:ident) => {
        impl $type {
            /// The URI as text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.uri
            }

            /// The realm the URI was built in.
            #[must_use]
            pub fn realm(&self) -> &Realm {
                &self.realm
            }
        }

        impl ::std::fmt::Debug for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($type)).field(&self.uri).finish()
            }
        }

        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.uri)
            }
        }

        impl AsRef<str> for $type {
            fn as_ref(&self) -> &str {
                &self.uri
            }
        }
    };
}
