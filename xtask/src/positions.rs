//! Where each node of a source document is: line and column by JSON pointer.
//!
//! `serde_json` and `serde_yaml_ng` give positions only for syntax errors, and both keep the
//! last of two equal keys without a word. This module reads the source text once more with
//! `saphyr-parser` (YAML 1.2, of which JSON is a subset) to refuse duplicate keys, naming both
//! positions, and to map every JSON pointer to its line and column, so that an error found
//! anywhere in the pipeline points into the file the user has open, not into the converted
//! document.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

use crate::error::{Error, Result};
use crate::pointer::{self, push};

/// Where a node is; defined apart so that [`Error`] can name it without importing this module.
pub use crate::location::Position;

/// The start of `span` as a 1-based position.
fn position_of(span: &Span) -> Position {
    Position {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// The position of every node of a document, by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    positions: HashMap<String, Position>,
}

/// One open collection while reading events.
enum Frame {
    /// A mapping: the keys seen so far, and the key whose value comes next (`None` while a
    /// key is expected).
    Map {
        pointer: String,
        keys: HashMap<String, Position>,
        pending_key: Option<(String, Position)>,
    },
    /// A sequence and the index of its next item.
    Seq { pointer: String, next: usize },
    /// A collection used as a mapping key, which has no pointer (and which the loader refuses).
    Key { depth: usize },
}

impl SourceMap {
    /// Reads `text`, recording every node's position. Fails on a key that appears twice in one
    /// mapping. A text the YAML reader cannot follow gives an empty map (the caller has parsed
    /// it already, so this only loses positions).
    pub fn build(text: &str, origin: &str) -> Result<Self> {
        let mut map = Self::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        while let Some(event) = parser.next_event() {
            let Ok((event, span)) = event else {
                return Ok(Self::default());
            };
            let at = position_of(&span);
            match event {
                Event::Scalar(value, ..) => {
                    if let Some(Frame::Key { .. }) = stack.last() {
                        continue;
                    }
                    if let Some(Frame::Map {
                        pointer,
                        keys,
                        pending_key: pending @ None,
                    }) = stack.last_mut()
                    {
                        if let Some(first) = keys.get(value.as_ref()) {
                            return Err(Error::DuplicateKey {
                                origin: origin.to_owned(),
                                pointer: pointer.clone(),
                                key: value.into_owned(),
                                first: *first,
                                second: at,
                            });
                        }
                        keys.insert(value.to_string(), at);
                        *pending = Some((value.into_owned(), at));
                        continue;
                    }
                    map.record_child(&mut stack, at);
                }
                Event::Alias(_) => {
                    if matches!(stack.last(), Some(Frame::Key { .. })) {
                        continue;
                    }
                    if map.key_expected(&mut stack) {
                        continue;
                    }
                    map.record_child(&mut stack, at);
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    if let Some(Frame::Key { depth }) = stack.last_mut() {
                        *depth += 1;
                        continue;
                    }
                    if map.key_expected(&mut stack) {
                        stack.push(Frame::Key { depth: 1 });
                        continue;
                    }
                    let pointer = map.record_child(&mut stack, at);
                    stack.push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map {
                            pointer,
                            keys: HashMap::new(),
                            pending_key: None,
                        }
                    } else {
                        Frame::Seq { pointer, next: 0 }
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(Frame::Key { depth }) = stack.last_mut() {
                        *depth -= 1;
                        if *depth == 0 {
                            stack.pop();
                        }
                        continue;
                    }
                    stack.pop();
                }
                _ => {}
            }
        }
        Ok(map)
    }

    /// When the innermost collection is a mapping waiting for a key, takes the coming
    /// non-scalar node as that key (it gets the placeholder key `?`) and returns `true`.
    fn key_expected(&mut self, stack: &mut [Frame]) -> bool {
        if let Some(Frame::Map {
            pending_key: pending @ None,
            ..
        }) = stack.last_mut()
        {
            *pending = Some(("?".to_owned(), Position { line: 0, column: 0 }));
            return true;
        }
        false
    }

    /// Records a value node at `at` as the next child of the innermost collection and returns
    /// its pointer. A mapping's value is placed at its key, where a reader looks for it.
    fn record_child(&mut self, stack: &mut [Frame], mut at: Position) -> String {
        let pointer = match stack.last_mut() {
            None => String::new(),
            Some(Frame::Map {
                pointer,
                pending_key,
                ..
            }) => {
                let (key, key_at) = pending_key.take().unwrap_or_default();
                if key_at.line > 0 {
                    at = key_at;
                }
                push(pointer, &key)
            }
            Some(Frame::Seq { pointer, next }) => {
                *next += 1;
                push(pointer, &(*next - 1).to_string())
            }
            Some(Frame::Key { .. }) => return String::new(),
        };
        self.positions.insert(pointer.clone(), at);
        pointer
    }

    /// The position of the node at `pointer`, or of its nearest ancestor the source has (a
    /// node the pipeline added has none of its own); `None` for an empty map.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let mut current = pointer;
        loop {
            if let Some(position) = self.positions.get(current) {
                return Some(*position);
            }
            current = pointer::parent(current)?;
        }
    }

    /// `error` with the source position of the JSON pointer it names, when it names one.
    pub fn annotate(&self, error: Error) -> Error {
        if matches!(error, Error::DuplicateKey { .. } | Error::Located { .. }) {
            return error;
        }
        let Some(pointer) = error.pointer() else {
            return error;
        };
        match self.locate(pointer) {
            Some(position) => Error::Located {
                position,
                inner: Box::new(error),
            },
            None => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_positions_by_pointer() {
        let yaml = "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      tags: [x, y]\n";
        let map = SourceMap::build(yaml, "t.yaml").unwrap();
        assert_eq!(
            map.locate("/paths/~1a/get"),
            Some(Position { line: 4, column: 5 })
        );
        assert_eq!(
            map.locate("/paths/~1a/get/tags/1"),
            Some(Position {
                line: 5,
                column: 17
            })
        );
        // A node the pipeline added points at its nearest ancestor.
        assert_eq!(
            map.locate("/paths/~1a/get/responses"),
            Some(Position { line: 4, column: 5 })
        );
        let json = "{\n  \"openapi\": \"3.1.0\",\n  \"paths\": {\"/a\": {}}\n}\n";
        let map = SourceMap::build(json, "t.json").unwrap();
        assert_eq!(
            map.locate("/paths/~1a"),
            Some(Position {
                line: 3,
                column: 13
            })
        );
    }

    #[test]
    fn duplicate_keys_name_both_positions() {
        let yaml = "openapi: 3.1.0\npaths:\n  /a: {}\n  /b: {}\n  /a: {}\n";
        let err = SourceMap::build(yaml, "t.yaml").unwrap_err().to_string();
        assert!(err.contains("`/a`"), "{err}");
        assert!(err.contains("line 3, column 3"), "{err}");
        assert!(err.contains("line 5, column 3"), "{err}");
        let json = "{\"openapi\": \"3.1.0\", \"paths\": {}, \"openapi\": \"3.0.0\"}";
        let err = SourceMap::build(json, "t.json").unwrap_err().to_string();
        assert!(
            err.contains("`openapi`") && err.contains("column 2") && err.contains("column 35"),
            "{err}"
        );
    }

    #[test]
    fn equal_keys_in_different_mappings_are_fine() {
        let yaml = "a: {name: 1}\nb: {name: 2}\nc: [{name: 3}, {name: 4}]\n";
        let map = SourceMap::build(yaml, "t.yaml").unwrap();
        assert_eq!(map.locate("/c/1/name").map(|p| p.line), Some(3));
    }
}
