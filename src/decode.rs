//! Helpers the generated types' `Deserialize` impls call.
//!
//! `telnyx-codegen` writes a short `Deserialize` impl for each plain struct instead of serde's
//! derive: one `visit_map` and a line per field, with no `visit_seq`, field-identifier enum or
//! byte-string matching that the derive adds and JSON never uses. For the whole API the
//! derived impls were about a third of the code the compiler had to check. What each field
//! line does (reject a repeated key, read the value, report a missing one) is here, once.
//!
//! Not part of the public API: only generated code should use it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

/// An object key, borrowed from the input when the deserializer allows it.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(value)))
    }
}

/// Reads the value of the field `name` into `slot`; a second occurrence of the key is an
/// error, as with serde's derive.
pub fn field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key the type does not have (Telnyx may add fields at any time).
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The value of a required field, or serde's "missing field" error.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct decoded the way the generated impls do it.
    #[derive(Debug, PartialEq)]
    struct Sample {
        id: String,
        count: Option<u32>,
        tags: Vec<String>,
    }

    impl<'de> Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct SampleVisitor;
            impl<'de> Visitor<'de> for SampleVisitor {
                type Value = Sample;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Sample")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sample, A::Error> {
                    let mut id: Option<String> = None;
                    let mut count: Option<Option<u32>> = None;
                    let mut tags: Option<Vec<String>> = None;
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "id" => field(&mut map, &mut id, "id")?,
                            "count" => field(&mut map, &mut count, "count")?,
                            "tags" => field(&mut map, &mut tags, "tags")?,
                            _ => skip(&mut map)?,
                        }
                    }
                    Ok(Sample {
                        id: required(id, "id")?,
                        count: count.unwrap_or_default(),
                        tags: tags.unwrap_or_default(),
                    })
                }
            }
            deserializer.deserialize_map(SampleVisitor)
        }
    }

    #[test]
    fn fields_decode_and_unknown_keys_are_skipped() {
        let sample: Sample =
            serde_json::from_str(r#"{"extra":{"a":[1,2]},"id":"x","count":null,"tags":["t"]}"#)
                .unwrap();
        assert_eq!(
            sample,
            Sample {
                id: "x".into(),
                count: None,
                tags: vec!["t".into()]
            }
        );
        // Escaped keys cannot be borrowed from the input; they still match.
        let sample: Sample = serde_json::from_str(r#"{"\u0069d":"y"}"#).unwrap();
        assert_eq!(sample.id, "y");
    }

    #[test]
    fn missing_repeated_and_mistyped_fields_are_errors() {
        let missing = serde_json::from_str::<Sample>(r#"{"count":1}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `id`"),
            "{missing}"
        );
        let repeated = serde_json::from_str::<Sample>(r#"{"id":"a","id":"b"}"#).unwrap_err();
        assert!(
            repeated.to_string().contains("duplicate field `id`"),
            "{repeated}"
        );
        let mistyped = serde_json::from_str::<Sample>(r#"{"id":1}"#).unwrap_err();
        assert!(mistyped.to_string().contains("invalid type"), "{mistyped}");
        let not_an_object = serde_json::from_str::<Sample>("[]").unwrap_err();
        assert!(
            not_an_object.to_string().contains("struct Sample"),
            "{not_an_object}"
        );
    }
}
