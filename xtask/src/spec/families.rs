//! API families: `spec/families.toml` assigns every upstream tag to one family, and each family
//! is a Cargo feature of `telnyx-client`.
//!
//! [`Families::assign`] marks every operation with `x-telnyx-family` (our extension, read by
//! `telnyx-codegen` to generate only the enabled families). An operation whose first tag the
//! file does not know goes to [`UNSORTED`], and the sync reports its tag: a tag that a later
//! upstream version adds is neither dropped nor fatal.
//!
//! [`features_block`] renders the family features for `Cargo.toml`, and [`readme_table`] the
//! family table of the README; `spec sync` writes both between marker lines and `spec check`
//! fails when they are out of date.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::fixups::WEBSOCKET_EXTENSION;
use super::webhooks::WEBHOOKS_EXTENSION;
use crate::error::{Error, Result};
use crate::walk::METHODS;

/// The extension naming an operation's family.
pub const FAMILY_EXTENSION: &str = "x-telnyx-family";
/// The family of operations whose tag `families.toml` does not list.
pub const UNSORTED: &str = "unsorted";
/// Feature names that are not families.
const RESERVED: [&str; 6] = ["full", "mock", "default", "webhooks", UNSORTED, "std"];
/// Largest families file read.
const MAX_FAMILIES_BYTES: u64 = 1024 * 1024;

/// One family as written in `families.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// A few words saying what the family covers.
    pub title: String,
    /// The upstream tags (an operation's first tag) that belong to it.
    pub tags: Vec<String>,
    /// Whether it also takes the operations that have no tag.
    #[serde(default)]
    pub untagged: bool,
    /// Names of the webhooks (upstream's `webhooks` keys) whose events belong to it, compared
    /// without regard to case; a trailing `*` matches any name that starts with what precedes
    /// it (`call*`).
    #[serde(default)]
    pub webhooks: Vec<String>,
}

/// The parsed `families.toml`.
#[derive(Debug, Clone)]
pub struct Families {
    families: BTreeMap<String, Family>,
    by_tag: BTreeMap<String, String>,
    untagged: Option<String>,
}

/// What [`Families::assign`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    /// Operations per family (families without operations are listed with 0).
    pub operations: BTreeMap<String, usize>,
    /// Tags per family that have operations in the document, sorted.
    pub tags: BTreeMap<String, BTreeSet<String>>,
    /// Tags that `families.toml` does not list (their operations are in [`UNSORTED`]).
    pub unsorted_tags: BTreeSet<String>,
    /// Webhooks per family (families without webhooks are left out).
    pub webhooks: BTreeMap<String, usize>,
    /// Webhooks that no family's `webhooks` pattern matches (they are in [`UNSORTED`]).
    pub unsorted_webhooks: BTreeSet<String>,
    /// WebSocket operations per family (families without any are left out).
    pub websockets: BTreeMap<String, usize>,
}

impl Families {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = crate::load::read_file_bounded(path, MAX_FAMILIES_BYTES)?;
        let text = String::from_utf8(bytes).map_err(|_| Error::Config {
            path: path.to_owned(),
            message: "is not UTF-8".to_owned(),
        })?;
        Self::parse(&text, path)
    }

    /// Parses `families.toml` text (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let config = |message: String| Error::Config {
            path: path.to_owned(),
            message,
        };
        let families: BTreeMap<String, Family> =
            toml::from_str(text).map_err(|e| config(e.to_string().trim_end().to_owned()))?;
        let mut by_tag = BTreeMap::new();
        let mut untagged = None;
        for (name, family) in &families {
            let valid = name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && name.starts_with(|c: char| c.is_ascii_lowercase());
            if !valid {
                return Err(config(format!(
                    "family `{name}` is not a lower-case kebab-case name (it becomes a Cargo feature)"
                )));
            }
            if RESERVED.contains(&name.as_str()) {
                return Err(config(format!(
                    "`{name}` is a reserved feature name; choose another family name"
                )));
            }
            for tag in &family.tags {
                if let Some(other) = by_tag.insert(tag.clone(), name.clone()) {
                    return Err(config(format!(
                        "tag \"{tag}\" is listed in both `{other}` and `{name}`; keep it in one"
                    )));
                }
            }
            if let Some(pattern) = family
                .webhooks
                .iter()
                .find(|p| p.is_empty() || p.trim_end_matches('*').contains('*'))
            {
                return Err(config(format!(
                    "webhook pattern \"{pattern}\" of `{name}` is not a name or a name prefix \
                     followed by one `*`"
                )));
            }
            if family.untagged
                && let Some(other) = untagged.replace(name.clone())
            {
                return Err(config(format!(
                    "both `{other}` and `{name}` say `untagged = true`; only one family can \
                     take the untagged operations"
                )));
            }
        }
        let families = Self {
            families,
            by_tag,
            untagged,
        };
        families.check_webhook_patterns().map_err(config)?;
        Ok(families)
    }

    /// Two families whose patterns overlap would make a webhook's family depend on the order
    /// of the file.
    fn check_webhook_patterns(&self) -> std::result::Result<(), String> {
        let patterns: Vec<(&str, String)> = self
            .families
            .iter()
            .flat_map(|(name, f)| {
                f.webhooks
                    .iter()
                    .map(move |p| (name.as_str(), p.to_lowercase()))
            })
            .collect();
        for (i, (a_family, a)) in patterns.iter().enumerate() {
            for (b_family, b) in &patterns[i + 1..] {
                let (a_stem, b_stem) = (a.trim_end_matches('*'), b.trim_end_matches('*'));
                let overlap = match (a.ends_with('*'), b.ends_with('*')) {
                    (false, false) => a == b,
                    (true, false) => b.starts_with(a_stem),
                    (false, true) => a.starts_with(b_stem),
                    (true, true) => a_stem.starts_with(b_stem) || b_stem.starts_with(a_stem),
                };
                if overlap {
                    return Err(format!(
                        "webhook patterns \"{a}\" (`{a_family}`) and \"{b}\" (`{b_family}`) \
                         match the same names; make them disjoint"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The family of the webhook called `name`.
    pub fn webhook_family_of(&self, name: &str) -> &str {
        let name = name.to_lowercase();
        self.families
            .iter()
            .find(|(_, f)| {
                f.webhooks.iter().any(|p| {
                    let p = p.to_lowercase();
                    match p.strip_suffix('*') {
                        Some(stem) => name.starts_with(stem),
                        None => name == p,
                    }
                })
            })
            .map_or(UNSORTED, |(family, _)| family.as_str())
    }

    /// The families, by name.
    pub fn families(&self) -> &BTreeMap<String, Family> {
        &self.families
    }

    /// The family of an operation whose first tag is `tag`.
    pub fn family_of(&self, tag: Option<&str>) -> &str {
        match tag {
            Some(tag) => self.by_tag.get(tag).map_or(UNSORTED, String::as_str),
            None => self.untagged.as_deref().unwrap_or(UNSORTED),
        }
    }

    /// Marks every operation of `doc` with [`FAMILY_EXTENSION`].
    pub fn assign(&self, doc: &mut Value) -> Assignment {
        let mut out = Assignment {
            operations: self.families.keys().map(|f| (f.clone(), 0)).collect(),
            ..Assignment::default()
        };
        self.assign_webhooks(doc, &mut out);
        let Some(Value::Object(paths)) = doc.get_mut("paths") else {
            return out;
        };
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Value::Object(op) = op else { continue };
                let tag = op
                    .get("tags")
                    .and_then(|t| t.get(0))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let family = self.family_of(tag.as_deref()).to_owned();
                if family == UNSORTED {
                    out.unsorted_tags
                        .insert(tag.clone().unwrap_or_else(|| "(no tag)".to_owned()));
                }
                if let Some(tag) = tag {
                    out.tags.entry(family.clone()).or_default().insert(tag);
                }
                *out.operations.entry(family.clone()).or_default() += 1;
                if op.contains_key(WEBSOCKET_EXTENSION) {
                    *out.websockets.entry(family.clone()).or_default() += 1;
                }
                op.insert(FAMILY_EXTENSION.to_owned(), Value::String(family));
            }
        }
        out
    }

    /// Marks every webhook in [`WEBHOOKS_EXTENSION`] with [`FAMILY_EXTENSION`].
    fn assign_webhooks(&self, doc: &mut Value, out: &mut Assignment) {
        let Some(Value::Object(webhooks)) = doc.get_mut(WEBHOOKS_EXTENSION) else {
            return;
        };
        for (name, webhook) in webhooks.iter_mut() {
            let Value::Object(webhook) = webhook else {
                continue;
            };
            let family = self.webhook_family_of(name).to_owned();
            if family == UNSORTED {
                out.unsorted_webhooks.insert(name.clone());
            }
            *out.webhooks.entry(family.clone()).or_default() += 1;
            webhook.insert(FAMILY_EXTENSION.to_owned(), Value::String(family));
        }
    }
}

/// First line of the generated features block in `Cargo.toml`.
pub const FEATURES_BEGIN: &str = "# --- API families: written by `cargo xtask spec sync` from spec/families.toml; do not edit ---";
/// Last line of the generated features block in `Cargo.toml`.
pub const FEATURES_END: &str = "# --- end of API families ---";
/// First line of the generated family table in `README.md`.
pub const README_BEGIN: &str = "<!-- families: written by `cargo xtask spec sync`; do not edit -->";
/// Last line of the generated family table in `README.md`.
pub const README_END: &str = "<!-- end of families -->";

/// The family features (between the markers, markers included): `full` and one feature per
/// family, each with a comment giving its title and operation count.
pub fn features_block(families: &Families, assignment: &Assignment) -> String {
    let mut names: Vec<&str> = families.families.keys().map(String::as_str).collect();
    let unsorted = assignment.operations.get(UNSORTED).copied().unwrap_or(0);
    if unsorted > 0 {
        names.push(UNSORTED);
    }
    let mut out = String::new();
    out.push_str(FEATURES_BEGIN);
    out.push('\n');
    out.push_str("# Every API family.\nfull = [\n");
    for name in &names {
        out.push_str(&format!("    \"{name}\",\n"));
    }
    out.push_str("]\n");
    for name in &names {
        let title = families.families.get(*name).map_or(
            "Operations whose tag spec/families.toml does not list",
            |f| f.title.as_str(),
        );
        let count = assignment.operations.get(*name).copied().unwrap_or(0);
        let webhooks = match assignment.webhooks.get(*name).copied().unwrap_or(0) {
            0 => String::new(),
            1 => "; 1 webhook".to_owned(),
            n => format!("; {n} webhooks"),
        };
        // The WebSocket runtime (an optional dependency) comes with the families that need it.
        let (sockets, needs) = match assignment.websockets.get(*name).copied().unwrap_or(0) {
            0 => (String::new(), ""),
            n => (format!(", {n} over WebSocket"), "\"websocket\""),
        };
        out.push_str(&format!(
            "# {title} ({count} operations{sockets}{webhooks}).\n{name} = [{needs}]\n"
        ));
    }
    out.push_str(FEATURES_END);
    out
}

/// The README's family table (between the markers, markers included).
pub fn readme_table(families: &Families, assignment: &Assignment) -> String {
    let mut out = String::new();
    out.push_str(README_BEGIN);
    out.push_str(
        "\n\n| feature | what | operations | webhooks | upstream tags |\n|---|---|---:|---:|---|\n",
    );
    let mut rows: Vec<(&str, &str)> = families
        .families
        .iter()
        .map(|(name, family)| (name.as_str(), family.title.as_str()))
        .collect();
    if assignment.operations.get(UNSORTED).copied().unwrap_or(0) > 0 {
        rows.push((UNSORTED, "Tags spec/families.toml does not list yet"));
    }
    for (name, title) in rows {
        let count = assignment.operations.get(name).copied().unwrap_or(0);
        let tags: Vec<&str> = assignment
            .tags
            .get(name)
            .map(|t| t.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let webhooks = assignment.webhooks.get(name).copied().unwrap_or(0);
        out.push_str(&format!(
            "| `{name}` | {title} | {count} | {webhooks} | {} |\n",
            tags.join(", ")
        ));
    }
    out.push('\n');
    out.push_str(README_END);
    out
}

/// `text` with the lines from `begin` to `end` (inclusive) replaced by `block`; an error when
/// the markers are missing or out of order.
pub fn replace_block(
    text: &str,
    begin: &str,
    end: &str,
    block: &str,
    file: &Path,
) -> Result<String> {
    let missing = || Error::Config {
        path: file.to_owned(),
        message: format!(
            "cannot find the lines `{begin}` … `{end}` that mark where `spec sync` writes; \
             restore them"
        ),
    };
    let start = text.find(begin).ok_or_else(missing)?;
    let stop = text[start..].find(end).ok_or_else(missing)? + start + end.len();
    Ok(format!("{}{block}{}", &text[..start], &text[stop..]))
}

/// The block between (and including) `begin` and `end` in `text`, if present.
pub fn current_block<'a>(text: &'a str, begin: &str, end: &str) -> Option<&'a str> {
    let start = text.find(begin)?;
    let stop = text[start..].find(end)? + start + end.len();
    Some(&text[start..stop])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FILE: &str = "[video]\ntitle = \"Video rooms\"\ntags = [\"Rooms\"]\n\n[billing]\ntitle = \"Billing\"\ntags = [\"Invoices\"]\nuntagged = true\n";

    #[test]
    fn assigns_families_and_reports_unknown_tags() {
        let families = Families::parse(FILE, Path::new("families.toml")).unwrap();
        let mut doc = json!({"paths": {
            "/rooms": {"get": {"tags": ["Rooms"]}, "post": {"tags": ["Rooms", "Other"]}},
            "/invoices": {"get": {}, "post": {WEBSOCKET_EXTENSION: {}}},
            "/new": {"get": {"tags": ["Brand New"]}}
        }});
        let assignment = families.assign(&mut doc);
        assert_eq!(doc["paths"]["/rooms"]["post"][FAMILY_EXTENSION], "video");
        assert_eq!(
            doc["paths"]["/invoices"]["get"][FAMILY_EXTENSION],
            "billing"
        );
        assert_eq!(doc["paths"]["/new"]["get"][FAMILY_EXTENSION], UNSORTED);
        assert_eq!(assignment.operations["video"], 2);
        assert_eq!(
            assignment.unsorted_tags,
            BTreeSet::from(["Brand New".to_owned()])
        );
        let block = features_block(&families, &assignment);
        assert!(block.contains("full = [\n    \"billing\",\n    \"video\",\n    \"unsorted\",\n]"));
        assert!(block.contains("# Video rooms (2 operations).\nvideo = []"));
        assert!(
            block
                .contains("# Billing (2 operations, 1 over WebSocket).\nbilling = [\"websocket\"]")
        );
        let table = readme_table(&families, &assignment);
        assert!(
            table.contains("| `video` | Video rooms | 2 | 0 | Rooms |"),
            "{table}"
        );
    }

    #[test]
    fn refuses_bad_files() {
        for (text, needle) in [
            ("[Video]\ntitle = \"v\"\ntags = []\n", "kebab-case"),
            ("[full]\ntitle = \"v\"\ntags = []\n", "reserved"),
            (
                "[a]\ntitle = \"a\"\ntags = [\"T\"]\n[b]\ntitle = \"b\"\ntags = [\"T\"]\n",
                "both `a` and `b`",
            ),
            ("[a]\ntitle = \"a\"\ntags = []\nbogus = 1\n", "bogus"),
        ] {
            let err = Families::parse(text, Path::new("f.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn replaces_marked_blocks() {
        let text = format!("a\n{FEATURES_BEGIN}\nold\n{FEATURES_END}\nb\n");
        let new =
            replace_block(&text, FEATURES_BEGIN, FEATURES_END, "NEW", Path::new("C")).unwrap();
        assert_eq!(new, "a\nNEW\nb\n");
        assert!(replace_block("x", FEATURES_BEGIN, FEATURES_END, "N", Path::new("C")).is_err());
    }
}
