//! Query matchers of the typed mocks (feature `mock`): a value matches as the client sends it.

use serde::Serialize;

/// Adds to `when` one `query_param` matcher per `name=value` pair that the client sends for
/// `value` (the same encoding: an array is the key repeated once per item, an untagged union
/// the form of its variant). A request matches when it carries each of those pairs; an empty
/// array adds none.
///
/// # Panics
/// When `value` has no query form (a map or a nested structure), which the generated client
/// could not send either: the mock is set up wrongly, and a test should stop there.
pub fn match_query<T: Serialize>(when: httpmock::When, name: &str, value: &T) -> httpmock::When {
    let encoded = serde_urlencoded::to_string(progenitor_client::QueryParam::new(name, value))
        .unwrap_or_else(|e| panic!("the mock's query parameter `{name}` has no query form: {e}"));
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&encoded)
        .unwrap_or_else(|e| panic!("the mock's query parameter `{name}` does not decode: {e}"));
    pairs
        .into_iter()
        .fold(when, |when, (key, value)| when.query_param(key, value))
}
