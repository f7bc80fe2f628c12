//! The generator's whole output for one small document that holds every construct it
//! post-processes: each paging style (page number with `meta`, cursor, TeXML's page token), an
//! error body (shared `4XX`, per-status, a non-JSON `default`), a byte-stream answer, an
//! answer that may be JSON or server-sent events, an
//! operation without a credential, received-only and sent-only types, a string enum, an
//! `anyOf` of strings, an inline title two schemas share, a field named with a Rust keyword,
//! a default, one inline shape written in two places (shared as one type), webhooks of two families, a WebSocket whose frames an untagged union of
//! constant-tagged structs reads, and an operation served from the base URL's root.
//!
//! The snapshots in `tests/snapshots/` are the reviewed output: a change of the generator or
//! of progenitor that changes what the client looks like shows here as a diff. Review one with
//! `cargo insta review` (or rerun with `INSTA_UPDATE=always` and read `git diff`).

use telnyx_codegen::{Options, generate};

const CONSTRUCTS: &str = include_str!("fixtures/constructs.json");

fn generated() -> telnyx_codegen::Generated {
    generate(
        CONSTRUCTS,
        "constructs.json",
        &Options {
            webhooks: true,
            sweep_crate_path: Some("telnyx_client".to_owned()),
            ..Options::default()
        },
    )
    .expect("the fixture generates")
}

#[test]
fn client() {
    insta::assert_snapshot!(generated().client);
}

#[test]
fn sweep() {
    let sweep = generated().sweep.expect("asked for");
    let file = syn::parse_file(&sweep).expect("the sweep parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn facts() {
    let generated = generated();
    let operations: Vec<String> = generated
        .operations
        .iter()
        .map(|op| {
            format!(
                "{} {} {} family={} auth={:?} paging={}",
                op.id,
                op.http_method,
                op.path,
                op.family,
                op.auth,
                op.paging.is_some()
            )
        })
        .collect();
    insta::assert_snapshot!(format!(
        "operations:\n{}\nforward-compatible enums: {:?}\nunpaged: {:?}\nevent types: {:?}\n\
         untyped webhooks: {:?}\nevent streams: {:?}\nunstreamed: {:?}\nuploads: {:?}\n\
         unuploadable: {:?}\nwebsockets: {:?}\nunsocketed: {:?}\n",
        operations.join("\n"),
        generated.forward_compatible_enums,
        generated.unpaged,
        generated.event_types,
        generated.untyped_webhooks,
        generated.event_streams,
        generated.unstreamed,
        generated.uploads,
        generated.unuploadable,
        generated.websockets,
        generated.unsocketed,
    ));
}
