//! What hostile or careless input does to `xtask`: targets that are not regular files,
//! unbounded or blocking sources, spec and lock written as one unit, references that cannot be
//! resolved or contain themselves (repaired or removed, never a refused document), duplicate
//! keys, names that collide, and 3.1-only keywords. Each test fails on the behaviour it guards
//! against.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::*;

/// The fixture with `from` replaced by `to` (which must occur), written into `dir` as `name`.
fn mutated_fixture(dir: &Path, name: &str, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(fixture()).unwrap();
    assert!(
        text.contains(from),
        "the fixture no longer contains {from:?}"
    );
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path.to_str().unwrap().to_owned()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo failed");
}

#[cfg(unix)]
#[test]
fn out_that_is_not_a_regular_file_is_refused_and_left_alone() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("spec.fifo");
    mkfifo(&fifo);
    let target = dir.path().join("elsewhere.json");
    std::fs::write(&target, "keep").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for out in [&fifo, &link] {
        let output = sync_to(fixture().to_str().unwrap(), out);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("is not a regular file"),
            "{}",
            stderr(&output)
        );
        let codegen = xtask(&[
            "codegen",
            "--spec",
            fixture().to_str().unwrap(),
            "--overlay",
            OVERLAY,
            "--families-file",
            FAMILIES,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(codegen.status.code(), Some(1), "{}", stderr(&codegen));
        assert!(
            stderr(&codegen).contains("is not a regular file"),
            "{}",
            stderr(&codegen)
        );
    }
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"keep");
}

#[test]
fn endless_sources_are_cut_off_at_the_documented_limit() {
    let (dir, out) = synced_dir();
    assert_sync_fails(
        "/dev/zero",
        &out,
        dir.path(),
        &["larger than 67108864 bytes"],
    );
    let diff = xtask(&["spec", "diff", "/dev/zero", fixture().to_str().unwrap()]);
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        stderr(&diff).contains("larger than 67108864 bytes"),
        "{}",
        stderr(&diff)
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_without_a_writer_does_not_block() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("source.yaml");
    mkfifo(&fifo);
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "spec",
            "sync",
            "--source",
            fifo.to_str().unwrap(),
            "--all-tags",
            "--out",
        ])
        .arg(dir.path().join("out.json"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("xtask blocked on a FIFO with no writer");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut message = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut message).unwrap();
    assert_eq!(status.code(), Some(1), "{message}");
    assert!(message.contains("the document is empty"), "{message}");
}

#[test]
fn spec_and_lock_are_written_together_or_not_at_all() {
    let (dir, out) = synced_dir();
    // The lock cannot be replaced (a directory stands where it goes); the spec would change.
    let lock = out.with_file_name("telnyx.lock");
    std::fs::remove_file(&lock).unwrap();
    std::fs::create_dir(&lock).unwrap();
    let source = mutated_fixture(
        dir.path(),
        "v2.yaml",
        "title: Widgets",
        "title: Widgets Two",
    );
    assert_sync_fails(
        &source,
        &out,
        dir.path(),
        &["refusing to replace", "telnyx.lock"],
    );
}

#[cfg(unix)]
#[test]
fn outputs_are_readable_by_everyone() {
    use std::os::unix::fs::PermissionsExt as _;
    let (_dir, out) = synced_dir();
    for path in [out.clone(), out.with_file_name("telnyx.lock")] {
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{}", path.display());
    }
}

/// The count the lock records for fixup `name` in the sync written to `out`.
fn lock_count(out: &Path, name: &str) -> usize {
    let lock = std::fs::read_to_string(out.with_file_name("telnyx.lock")).unwrap();
    let lock: toml::Value = toml::from_str(&lock).unwrap();
    lock["fixup"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"].as_str() == Some(name))
        .and_then(|f| f["count"].as_integer())
        .unwrap_or_else(|| panic!("no fixup {name} in the lock")) as usize
}

#[test]
fn malformed_references_are_removed_with_the_optional_property_holding_them() {
    let dir = tempfile::tempdir().unwrap();
    for (name, reference) in [
        ("number", "42"),
        ("root", "'#'"),
        ("missing", "'#/nowhere'"),
    ] {
        let source = mutated_fixture(
            dir.path(),
            &format!("{name}.yaml"),
            "size: {$ref: '#/components/schemas/Size'}",
            &format!("size: {{$ref: {reference}}}"),
        );
        let out = dir.path().join(format!("{name}.json"));
        let output = sync_to(&source, &out);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let doc = read_json(&out);
        let new_widget = &doc["components"]["schemas"]["NewWidget"];
        assert!(
            new_widget["properties"].get("size").is_none(),
            "{name}: {new_widget}"
        );
        assert!(
            new_widget["properties"].get("name").is_some(),
            "{name}: {new_widget}"
        );
        assert_eq!(lock_count(&out, "dangling_refs"), 1, "{name}");
        let lock = std::fs::read_to_string(out.with_file_name("telnyx.lock")).unwrap();
        assert!(
            lock.contains(
                "[[removed_part]]\npointer = \"/components/schemas/NewWidget/properties/size\""
            ),
            "{name}: {lock}"
        );
    }
}

#[test]
fn reference_cycles_without_an_exit_lose_one_link() {
    let dir = tempfile::tempdir().unwrap();
    // A schema that is only a reference to itself goes, and so does what cannot do without it:
    // the `anyOf` branch of Widget.size and the optional NewWidget.size.
    let own = mutated_fixture(
        dir.path(),
        "own.yaml",
        "    Size:\n      type: string\n      enum: [small, large]\n",
        "    Size: {$ref: '#/components/schemas/Size'}\n",
    );
    let out = dir.path().join("own.json");
    let output = sync_to(&own, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(lock_count(&out, "self_containing_schemas"), 1);
    let doc = read_json(&out);
    assert!(doc["components"]["schemas"].get("Size").is_none());
    assert!(
        doc["components"]["schemas"]["NewWidget"]["properties"]
            .get("size")
            .is_none()
    );
    // A required link back to itself becomes optional, and the type generates.
    let required = mutated_fixture(
        dir.path(),
        "required.yaml",
        "    Size:\n      type: string\n      enum: [small, large]\n",
        "    Size:\n      type: object\n      required: [inner]\n      properties:\n        inner: {$ref: '#/components/schemas/Size'}\n",
    );
    let out = dir.path().join("required.json");
    let output = sync_to(&required, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(lock_count(&out, "self_containing_schemas"), 1);
    let size = &read_json(&out)["components"]["schemas"]["Size"];
    assert!(
        size.get("required")
            .is_none_or(|r| r == &serde_json::json!([])),
        "{size}"
    );
    assert!(size["properties"].get("inner").is_some(), "{size}");
}

#[test]
fn duplicate_keys_are_refused_with_both_positions() {
    let (dir, out) = synced_dir();
    let yaml = mutated_fixture(
        dir.path(),
        "dup.yaml",
        "    Size:\n",
        "    Widget: {type: string}\n    Size:\n",
    );
    let text = std::fs::read_to_string(&yaml).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let first = line_of("    Widget:");
    let second = line_of("    Widget: {type");
    assert_sync_fails(
        &yaml,
        &out,
        dir.path(),
        &[
            "duplicate key `Widget`",
            "`/components/schemas`",
            &format!("first at line {first}, column 5"),
            &format!("again at line {second}, column 5"),
        ],
    );
    let json = dir.path().join("dup.json");
    std::fs::write(
        &json,
        "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"},\n \"paths\": {},\n \"paths\": {}}\n",
    )
    .unwrap();
    assert_sync_fails(
        json.to_str().unwrap(),
        &out,
        dir.path(),
        &[
            "duplicate key `paths`",
            "first at line 2, column 2",
            "again at line 3, column 2",
        ],
    );
}

#[test]
fn a_malformed_operation_is_removed_and_named_by_its_source_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let bad = mutated_fixture(
        dir.path(),
        "shape.yaml",
        "          required: true\n          schema: {type: string, format: uuid}\n",
        "          required: true\n          schema: {type: string, format: uuid}\n          style: 17\n",
    );
    let out = dir.path().join("shape.json");
    let output = sync_to(&bad, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    // The pointer is the source's (`/v2/gadgets/…`), not the converted document's.
    let pointer = "/paths/~1v2~1gadgets~1{gadget_id}/get/parameters/0";
    let summary = stdout(&output);
    let line = summary
        .lines()
        .find(|l| l.contains("removed GET /gadgets/{gadget_id}"))
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(
        line.contains(&format!("at {pointer}: not valid OpenAPI 3.0")),
        "{line}"
    );
    let lock = std::fs::read_to_string(out.with_file_name("telnyx.lock")).unwrap();
    assert!(lock.contains(&format!("pointer = \"{pointer}\"")), "{lock}");
    assert!(
        read_json(&out)["paths"]
            .get("/gadgets/{gadget_id}")
            .is_none()
    );
}

#[test]
fn what_the_generator_refuses_is_removed_by_the_smallest_part() {
    let dir = tempfile::tempdir().unwrap();
    // A value the generator rejects (an integer enum of strings): the value goes, the
    // operations stay.
    let value = mutated_fixture(
        dir.path(),
        "value.yaml",
        "        name: {type: string}\n        size:",
        "        name: {type: string}\n        count: {type: integer, enum: [big]}\n        size:",
    );
    let out = dir.path().join("value.json");
    let output = sync_to(&value, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(lock_count(&out, "generator_rejected_values"), 1);
    let count = &read_json(&out)["components"]["schemas"]["NewWidget"]["properties"]["count"];
    assert_eq!(count, &serde_json::json!({"type": "integer"}));
    // A parameter reference to a schema, which the generator's reader refuses: that one
    // operation goes, with the reader's message.
    let parameter = mutated_fixture(
        dir.path(),
        "parameter.yaml",
        "      parameters:\n        - name: gadget_id\n",
        "      parameters:\n        - $ref: '#/components/schemas/Size'\n        - name: gadget_id\n",
    );
    let out = dir.path().join("parameter.json");
    let output = sync_to(&parameter, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary = stdout(&output);
    let line = summary
        .lines()
        .find(|l| l.contains("removed GET /gadgets/{gadget_id}"))
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(line.contains("the generator cannot read it"), "{line}");
    assert!(line.contains("does not name a parameter"), "{line}");
}

#[test]
fn colliding_and_reserved_operation_names_are_renamed_by_sync_and_refused_by_codegen() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture())
        .unwrap()
        .replacen("operationId: CreateWidget", "operationId: get-thing", 1)
        .replacen("operationId: GetGadget", "operationId: get_thing", 1)
        .replacen("operationId: ListWidgets", "operationId: send", 1);
    let source = dir.path().join("names.yaml");
    std::fs::write(&source, text).unwrap();
    let out = dir.path().join("names.json");
    let output = sync_to(source.to_str().unwrap(), &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let doc = read_json(&out);
    let mut ids: Vec<String> = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                ids.push(id.to_owned());
            }
        }
    }
    assert!(!ids.contains(&"send".to_owned()), "{ids:?}");
    let lock = std::fs::read_to_string(out.with_file_name("telnyx.lock")).unwrap();
    assert!(
        lock.contains("name = \"reserved_operation_names\"\ncount = 1"),
        "{lock}"
    );
    assert!(
        lock.contains("name = \"operation_ids\"\ncount = 1"),
        "{lock}"
    );
    assert!(ids.contains(&"sendGet".to_owned()), "{ids:?}");

    // The same names in an OpenAPI 3.0 document given to codegen directly are refused.
    let mut raw = doc.clone();
    let paths = raw["paths"].as_object_mut().unwrap();
    let mut n = 0;
    for item in paths.values_mut() {
        for op in item.as_object_mut().unwrap().values_mut() {
            if op.get("operationId").is_some() {
                op["operationId"] =
                    serde_json::json!(["get-thing", "get_thing", "x", "y"][n.min(3)]);
                n += 1;
            }
        }
    }
    let colliding = dir.path().join("colliding.json");
    write_json(&colliding, &raw);
    let codegen = xtask(&[
        "codegen",
        "--spec",
        colliding.to_str().unwrap(),
        "--out",
        dir.path().join("client.rs").to_str().unwrap(),
    ]);
    assert_eq!(codegen.status.code(), Some(1));
    let message = stderr(&codegen);
    assert!(
        message.contains("`get-thing`") && message.contains("`get_thing`"),
        "{message}"
    );
    assert!(!dir.path().join("client.rs").exists());
}

#[test]
fn keywords_only_31_has_are_converted_or_reported_by_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let source = mutated_fixture(
        dir.path(),
        "keywords.yaml",
        "    Size:\n      type: string\n      enum: [small, large]\n",
        "    Size:\n      type: string\n      enum: [small, large]\n      $comment: sizes\n\
         \x20   Labels:\n      type: object\n      properties:\n        main: {$ref: '#/components/schemas/Labels/$defs/Label'}\n\
         \x20     patternProperties:\n        '^x-': {type: string}\n      dependentRequired: {main: [other]}\n\
         \x20     unevaluatedProperties: false\n      $defs:\n        Label: {type: string, $anchor: label}\n",
    );
    let source = {
        // Something must use Labels, or it is pruned as unreferenced.
        let text = std::fs::read_to_string(&source).unwrap().replacen(
            "        state: {type: string, enum: [on, off]}\n",
            "        state: {type: string, enum: [on, off]}\n        labels: {$ref: '#/components/schemas/Labels'}\n        first: {$ref: '#label'}\n",
            1,
        );
        std::fs::write(&source, text).unwrap();
        source
    };
    let out = dir.path().join("keywords.json");
    let output = sync_to(&source, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&out).unwrap();
    for keyword in [
        "$defs",
        "$anchor",
        "$comment",
        "patternProperties",
        "dependentRequired",
        "unevaluated",
    ] {
        assert!(!text.contains(keyword), "{keyword} reached the 3.0 output");
    }
    let doc = read_json(&out);
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["Label"]["type"], "string");
    assert_eq!(
        schemas["Labels"]["properties"]["main"]["$ref"],
        "#/components/schemas/Label"
    );
    // Beside `patternProperties`, `unevaluatedProperties: false` is not `additionalProperties:
    // false` (keys matching the pattern are allowed), so it is reported, not converted.
    assert!(schemas["Labels"].get("additionalProperties").is_none());
    assert_eq!(
        schemas["Widget"]["properties"]["first"]["$ref"],
        "#/components/schemas/Label"
    );
    let lock = std::fs::read_to_string(out.with_file_name("telnyx.lock")).unwrap();
    for keyword in [
        "dependentRequired",
        "patternProperties",
        "unevaluatedProperties",
    ] {
        assert!(
            lock.contains(&format!("[[dropped_keyword]]\nkeyword = \"{keyword}\"\npointer = \"/components/schemas/Labels\"")),
            "{lock}"
        );
    }
    assert!(
        stdout(&output).contains("patternProperties at /components/schemas/Labels"),
        "{}",
        stdout(&output)
    );
}
