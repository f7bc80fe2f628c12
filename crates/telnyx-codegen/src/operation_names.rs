//! Rust names the generator derives from operation ids, and the ones that cannot be used.
//!
//! progenitor names an operation's method after its id in snake case and its request builder
//! in Pascal case. Two ids that differ only in punctuation or case (`get-thing`, `get_thing`,
//! `getThing`) give the same method twice, and an id whose builder name is one the generated
//! `builder` module already uses (`send` → `Send`, `error` → `Error`) shadows it there. Both
//! give code that does not compile, or that silently means something else, so generation
//! refuses them up front, naming the ids; `cargo xtask spec sync` renames them instead.

use std::collections::BTreeMap;

use crate::document::{Case, OperationFacts, progenitor_ident};
use crate::error::CodegenError;

/// Names the generated `builder` module refers to without a path (progenitor's imports, the
/// prelude items its code uses, its generic parameters) and prelude traits a user's
/// `use builder::*` must keep: a builder struct with one of these names would shadow it.
pub const RESERVED_BUILDER_NAMES: [&str; 34] = [
    "AsMut",
    "AsRef",
    "B",
    "Box",
    "ByteStream",
    "ClientHooks",
    "ClientInfo",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Drop",
    "Err",
    "Error",
    "F",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "Iterator",
    "None",
    "Ok",
    "OperationInfo",
    "Option",
    "RequestBuilderExt",
    "ResponseValue",
    "Result",
    "Send",
    "Some",
    "String",
    "Sync",
    "V",
    "Vec",
];

/// The builder name progenitor gives `operation_id`, and whether it is reserved.
pub fn reserved_builder_name(operation_id: &str) -> Option<&'static str> {
    let name = progenitor_ident(operation_id, Case::Pascal);
    RESERVED_BUILDER_NAMES.iter().copied().find(|r| *r == name)
}

/// Refuses operation ids whose method or builder names collide, or whose builder name is
/// reserved.
pub fn check_operation_names(
    operations: &[OperationFacts],
    source_name: &str,
) -> Result<(), CodegenError> {
    let describe = |op: &OperationFacts| format!("`{}` ({} {})", op.id, op.http_method, op.path);
    let refuse = |op: &OperationFacts, message: String| CodegenError::Document {
        source_name: source_name.to_owned(),
        json_path: format!("paths.{}.{}", op.path, op.http_method.to_ascii_lowercase()),
        line: 0,
        column: 0,
        message,
    };
    for op in operations {
        if let Some(name) = reserved_builder_name(&op.id) {
            return Err(refuse(
                op,
                format!(
                    "operationId {} gives the request builder `builder::{name}`, which would \
                     shadow `{name}` in the generated code; give the operation another \
                     operationId (`cargo xtask spec sync` renames it)",
                    describe(op)
                ),
            ));
        }
    }
    for (kind, case) in [("method", Case::Snake), ("request builder", Case::Pascal)] {
        let mut by_name: BTreeMap<String, &OperationFacts> = BTreeMap::new();
        for op in operations {
            let name = progenitor_ident(&op.id, case);
            if let Some(first) = by_name.insert(name.clone(), op) {
                return Err(refuse(
                    op,
                    format!(
                        "operationIds {} and {} both give the Rust {kind} `{name}`; give one \
                         of them another operationId (`cargo xtask spec sync` renames it)",
                        describe(first),
                        describe(op)
                    ),
                ));
            }
        }
    }
    Ok(())
}
