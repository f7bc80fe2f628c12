//! The per-family table and the comparison with `known_failures.txt`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Which part of the test found a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// An upstream example that does not decode.
    Example,
    /// A call of the sweep that was refused or whose answer did not decode.
    Sweep,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Example => "example",
            Kind::Sweep => "sweep",
        }
    }
}

/// One operation that failed, with everything that went wrong.
#[derive(Debug)]
pub struct Failure {
    pub id: String,
    pub family: String,
    pub kind: Kind,
    pub detail: String,
}

/// Counts per family and the failures.
pub struct Report {
    name: &'static str,
    columns: Vec<&'static str>,
    operations: BTreeMap<String, usize>,
    ids: BTreeSet<String>,
    counts: BTreeMap<String, BTreeMap<&'static str, usize>>,
    failures: Vec<Failure>,
}

/// Failures that are known and owned by a fix still to come: `kind OperationId reason`.
const KNOWN: &str = include_str!("known_failures.txt");

impl Report {
    pub fn new(name: &'static str, columns: &[&'static str]) -> Report {
        Report {
            name,
            columns: columns.to_vec(),
            operations: BTreeMap::new(),
            ids: BTreeSet::new(),
            counts: BTreeMap::new(),
            failures: Vec::new(),
        }
    }

    /// Counts one operation of `family`.
    pub fn operation(&mut self, id: &str, family: &str) {
        self.ids.insert(id.to_owned());
        *self.operations.entry(family.to_owned()).or_default() += 1;
    }

    /// Adds one to `column` of `family`.
    pub fn count(&mut self, family: &str, column: &'static str) {
        *self
            .counts
            .entry(family.to_owned())
            .or_default()
            .entry(column)
            .or_default() += 1;
    }

    pub fn fail(&mut self, failure: Failure) {
        self.failures.push(failure);
    }

    /// Prints the table and the failures; panics on a failure that is not known, or a known
    /// failure that did not happen.
    pub fn finish(self, elapsed: Duration) {
        let known: BTreeMap<(String, String), String> = KNOWN
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| {
                let mut words = line.splitn(3, char::is_whitespace);
                let kind = words.next()?.to_owned();
                let id = words.next()?.to_owned();
                Some(((kind, id), words.next().unwrap_or("").trim().to_owned()))
            })
            .collect();
        let mut failed: BTreeMap<&str, usize> = BTreeMap::new();
        for failure in &self.failures {
            *failed.entry(failure.family.as_str()).or_default() += 1;
        }
        let mut table = format!(
            "\n{} — {} operations in {:.1} s\n| family | operations | {} | failing |\n|---|---|{}---|\n",
            self.name,
            self.ids.len(),
            elapsed.as_secs_f64(),
            self.columns.join(" | "),
            "---|".repeat(self.columns.len()),
        );
        let mut totals = vec![0usize; self.columns.len() + 2];
        for (family, operations) in &self.operations {
            let counts = self.counts.get(family);
            let mut cells = vec![*operations];
            for column in &self.columns {
                cells.push(counts.and_then(|c| c.get(column)).copied().unwrap_or(0));
            }
            cells.push(failed.get(family.as_str()).copied().unwrap_or(0));
            for (total, cell) in totals.iter_mut().zip(&cells) {
                *total += cell;
            }
            let cells: Vec<String> = cells.iter().map(ToString::to_string).collect();
            table.push_str(&format!("| {family} | {} |\n", cells.join(" | ")));
        }
        let totals: Vec<String> = totals.iter().map(ToString::to_string).collect();
        table.push_str(&format!("| **all** | {} |\n", totals.join(" | ")));
        eprintln!("{table}");

        let mut unexpected = Vec::new();
        let mut seen = BTreeSet::new();
        for failure in &self.failures {
            let key = (failure.kind.name().to_owned(), failure.id.clone());
            let line = format!(
                "  {} {} ({}):\n      {}",
                failure.kind.name(),
                failure.id,
                failure.family,
                failure.detail
            );
            if known.contains_key(&key) {
                eprintln!("known:{line}");
                seen.insert(key);
            } else {
                unexpected.push(line);
            }
        }
        let stale: Vec<String> = known
            .keys()
            .filter(|(kind, id)| {
                kind == &self.kind_name()
                    && self.ids.contains(id)
                    && !seen.contains(&(kind.clone(), id.clone()))
            })
            .map(|(kind, id)| format!("  {kind} {id}"))
            .collect();
        let mut problems = String::new();
        if !unexpected.is_empty() {
            problems.push_str(&format!(
                "{} operations failed that known_failures.txt does not list:\n{}\n",
                unexpected.len(),
                unexpected.join("\n")
            ));
        }
        if !stale.is_empty() {
            problems.push_str(&format!(
                "these entries of known_failures.txt no longer fail; remove them:\n{}\n",
                stale.join("\n")
            ));
        }
        assert!(problems.is_empty(), "{problems}");
    }

    /// The kind of failure this report collects.
    fn kind_name(&self) -> String {
        match self.name {
            "examples" => Kind::Example.name().to_owned(),
            _ => Kind::Sweep.name().to_owned(),
        }
    }
}
