//! Wording that error messages and summaries share.

use std::fmt::Display;

/// `items` each in double quotes, comma-separated: `"a", "b"`.
pub fn quoted_list<T: Display>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|item| format!("\"{item}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_each_item() {
        assert_eq!(quoted_list(["a", "b c"]), "\"a\", \"b c\"");
        assert_eq!(quoted_list(Vec::<String>::new()), "");
    }
}
