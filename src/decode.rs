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

use serde::de::{
    self, Deserialize, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, Visitor,
};

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

/// Reads the value of the optional field `name` into `slot`, where `null` means the field is
/// absent (its default applies): a list or map field the API sends as `null` then decodes as
/// empty instead of failing the whole response.
pub fn nullable<'de, A, T>(
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
    *slot = map.next_value::<Option<T>>()?;
    Ok(())
}

/// Reads the value of the optional scalar field `name` (a date, time, UUID, number or
/// boolean) into `slot`, where an empty string means the field is absent: the API sends `""`
/// for values it does not have, and that should not fail the whole response. Any other value
/// that does not fit is still an error.
pub fn lenient<'de, A, T>(
    map: &mut A,
    slot: &mut Option<Option<T>>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value::<EmptyIsNone<T>>()?.0);
    Ok(())
}

/// `T`, or `None` for `null` and for an empty string that `T` does not read.
struct EmptyIsNone<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for EmptyIsNone<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EmptyIsNoneVisitor(std::marker::PhantomData))
    }
}

struct EmptyIsNoneVisitor<T>(std::marker::PhantomData<T>);

impl<T> EmptyIsNoneVisitor<T> {
    /// `T` read from `value`; an empty string it cannot read is `None`.
    fn read<'de, D, E>(value: D, empty: bool) -> Result<EmptyIsNone<T>, E>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de, Error = E>,
        E: de::Error,
    {
        match T::deserialize(value) {
            Ok(value) => Ok(EmptyIsNone(Some(value))),
            Err(_) if empty => Ok(EmptyIsNone(None)),
            Err(error) => Err(error),
        }
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for EmptyIsNoneVisitor<T> {
    type Value = EmptyIsNone<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value, null or an empty string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(EmptyIsNone(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(EmptyIsNone(None))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Self::read(value.into_deserializer(), false)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Self::read(value.into_deserializer(), false)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Self::read(value.into_deserializer(), false)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Self::read(value.into_deserializer(), false)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Self::read(value.into_deserializer(), value.is_empty())
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Self::read(
            de::value::BorrowedStrDeserializer::new(value),
            value.is_empty(),
        )
    }

    fn visit_seq<S: de::SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        Self::read(de::value::SeqAccessDeserializer::new(seq), false)
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        Self::read(de::value::MapAccessDeserializer::new(map), false)
    }
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

    /// Optional fields read the way the generated impls read them.
    #[derive(Debug, PartialEq)]
    struct Optional {
        at: Option<chrono::NaiveDate>,
        count: Option<u32>,
        tags: Vec<String>,
    }

    impl<'de> Deserialize<'de> for Optional {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct OptionalVisitor;
            impl<'de> Visitor<'de> for OptionalVisitor {
                type Value = Optional;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Optional")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Optional, A::Error> {
                    let mut at: Option<Option<chrono::NaiveDate>> = None;
                    let mut count: Option<Option<u32>> = None;
                    let mut tags: Option<Vec<String>> = None;
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "at" => lenient(&mut map, &mut at, "at")?,
                            "count" => lenient(&mut map, &mut count, "count")?,
                            "tags" => nullable(&mut map, &mut tags, "tags")?,
                            _ => skip(&mut map)?,
                        }
                    }
                    Ok(Optional {
                        at: at.unwrap_or_default(),
                        count: count.unwrap_or_default(),
                        tags: tags.unwrap_or_default(),
                    })
                }
            }
            deserializer.deserialize_map(OptionalVisitor)
        }
    }

    #[test]
    fn empty_strings_and_nulls_in_optional_fields_are_absent_values() {
        let empty: Optional = serde_json::from_str(r#"{"at":"","count":"","tags":null}"#).unwrap();
        assert_eq!(
            empty,
            Optional {
                at: None,
                count: None,
                tags: vec![]
            }
        );
        let set: Optional =
            serde_json::from_str(r#"{"at":"2024-01-15","count":3,"tags":["a"]}"#).unwrap();
        assert_eq!(set.at, chrono::NaiveDate::from_ymd_opt(2024, 1, 15));
        assert_eq!((set.count, set.tags), (Some(3), vec!["a".to_owned()]));
        // A value that is present and wrong still fails, naming what was expected.
        let wrong = serde_json::from_str::<Optional>(r#"{"at":"yesterday"}"#).unwrap_err();
        assert!(
            wrong
                .to_string()
                .contains("input contains invalid characters"),
            "{wrong}"
        );
        let wrong = serde_json::from_str::<Optional>(r#"{"count":"three"}"#).unwrap_err();
        assert!(wrong.to_string().contains("invalid type"), "{wrong}");
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
