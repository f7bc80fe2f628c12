//! End-to-end tests of the `xtask` binary on a small invented fixture (no network, no upstream).
//!
//! Every test works in its own temporary directory: a synced copy of the fixture plays the
//! part of `spec/telnyx.json` + `spec/telnyx.lock`, so the project's own `spec/` is never
//! written. Bad-input tests check the error names the problem and where, and that the spec
//! and lock are byte-identical afterwards.

mod support;

use serde_json::json;
use support::*;

#[test]
fn sync_converts_the_fixture_and_writes_the_lock() {
    let (dir, out) = synced_dir();
    let doc = read_json(&out);
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(doc.get("webhooks").is_none());
    // deepObject and object-valued form params became bracketed leaves.
    let names: Vec<&str> = doc["paths"]["/widgets"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "filter[created_at][gte]",
            "filter[name]",
            "page[number]",
            "page[size]"
        ]
    );
    let page_number = &doc["paths"]["/widgets"]["get"]["parameters"][2]["schema"];
    assert_eq!(
        page_number,
        &json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
    );
    // The /v2 prefix duplicated by the server URL is gone; 3.1 null forms became nullable.
    let gadget = &doc["paths"]["/gadgets/{gadget_id}"]["get"];
    let props = &gadget["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
    assert_eq!(props["colour"], json!({"type": "string", "nullable": true}));
    assert_eq!(props["kind"], json!({"enum": ["gadget"]}));
    // default beside 2xx became 4XX/5XX; the JSON body and the upload form are both kept.
    let list = &doc["paths"]["/widgets"]["get"]["responses"];
    assert!(
        list.get("default").is_none() && list.get("4XX").is_some() && list.get("5XX").is_some()
    );
    let create = &doc["paths"]["/widgets"]["post"];
    let content = create["requestBody"]["content"].as_object().unwrap();
    assert_eq!(
        content.keys().collect::<Vec<_>>(),
        ["application/json", "multipart/form-data"]
    );
    // The 404 without a body was dropped so the error type is the one JSON schema.
    assert!(create["responses"].get("404").is_none());
    // Unreferenced components are pruned; the upload is kept; the XML-only import is removed
    // and listed.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(!schemas.contains_key("Unused"));
    assert!(doc["paths"]["/gadgets/upload"]["post"].is_object());
    assert!(doc["paths"].get("/gadgets/import").is_none());
    let lock = std::fs::read_to_string(dir.path().join("spec/telnyx.lock")).unwrap();
    assert!(lock.contains("operation_count = 4"), "{lock}");
    assert!(lock.contains("path = \"/gadgets/import\""), "{lock}");
    assert!(lock.contains("application/xml only"), "{lock}");
    assert!(
        lock.contains("name = \"deep_object_params\"\ncount = 1"),
        "{lock}"
    );
    assert!(std::fs::read_to_string(&out).unwrap().ends_with("}\n"));
}

#[test]
fn sync_output_is_deterministic() {
    let (_a, out_a) = synced_dir();
    let (_b, out_b) = synced_dir();
    assert_eq!(std::fs::read(out_a).unwrap(), std::fs::read(out_b).unwrap());
}

#[test]
fn lock_is_the_same_wherever_the_source_lies() {
    let (a, _) = synced_dir();
    // The same upstream file at another path, synced into another directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let name = fixture().file_name().unwrap().to_owned();
    let copy = elsewhere.path().join("deep").join("er");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(fixture(), copy.join(&name)).unwrap();
    let b = tempfile::tempdir().unwrap();
    let output = sync_to(
        copy.join(&name).to_str().unwrap(),
        &b.path().join("spec/telnyx.json"),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let lock_a = std::fs::read_to_string(a.path().join("spec/telnyx.lock")).unwrap();
    let lock_b = std::fs::read_to_string(b.path().join("spec/telnyx.lock")).unwrap();
    assert_eq!(lock_a, lock_b);
    let source = format!("source = \"{}\"\n", name.to_str().unwrap());
    assert!(lock_a.contains(&source), "{lock_a}");
    let fixtures = fixture().parent().unwrap().to_str().unwrap().to_owned();
    assert!(!lock_a.contains(&fixtures), "{lock_a}");
}

#[test]
fn truncated_yaml_is_reported_with_its_line() {
    let (dir, out) = synced_dir();
    let text = std::fs::read_to_string(fixture()).unwrap();
    let cut = text.find("format: date}").unwrap() + 4;
    let bad = dir.path().join("truncated.yaml");
    std::fs::write(&bad, &text[..cut]).unwrap();
    assert_sync_fails(
        bad.to_str().unwrap(),
        &out,
        dir.path(),
        &["truncated.yaml: invalid YAML at line"],
    );
}

#[test]
fn json_that_is_not_openapi_is_rejected() {
    let (dir, out) = synced_dir();
    let bad = dir.path().join("package.json");
    std::fs::write(&bad, r#"{"name": "widgets", "version": "1.0.0"}"#).unwrap();
    assert_sync_fails(
        bad.to_str().unwrap(),
        &out,
        dir.path(),
        &[
            "package.json: not an OpenAPI 3.0/3.1 document",
            "no `openapi` field",
        ],
    );
}

#[test]
fn swagger_2_is_rejected() {
    let (dir, out) = synced_dir();
    let bad = dir.path().join("swagger.json");
    std::fs::write(&bad, r#"{"swagger": "2.0", "info": {}, "paths": {}}"#).unwrap();
    assert_sync_fails(
        bad.to_str().unwrap(),
        &out,
        dir.path(),
        &["Swagger 2.0", "JSON pointer `/swagger`"],
    );
}

#[test]
fn unresolvable_ref_is_removed_with_its_optional_property_and_counted() {
    let (dir, _) = synced_dir();
    let text = std::fs::read_to_string(fixture()).unwrap().replace(
        "size: {$ref: '#/components/schemas/Size'}",
        "size: {$ref: '#/components/schemas/Sise'}",
    );
    let bad = dir.path().join("badref.yaml");
    std::fs::write(&bad, text).unwrap();
    let out = dir.path().join("badref.json");
    let output = sync_to(bad.to_str().unwrap(), &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary = stdout(&output);
    let line = summary
        .lines()
        .find(|l| l.trim_start().starts_with("dangling_refs"))
        .unwrap_or_else(|| panic!("{summary}"));
    assert_eq!(line.split_whitespace().last(), Some("1"), "{line}");
    let doc = read_json(&out);
    assert!(
        doc["components"]["schemas"]["NewWidget"]["properties"]
            .get("size")
            .is_none()
    );
}

#[test]
fn unreachable_url_is_reported() {
    let (dir, out) = synced_dir();
    assert_sync_fails(
        "http://127.0.0.1:9/spec3.yml",
        &out,
        dir.path(),
        &["cannot download http://127.0.0.1:9/spec3.yml"],
    );
}

#[test]
fn unwritable_output_is_reported() {
    let (dir, _) = synced_dir();
    let blocker = dir.path().join("spec/blocked");
    std::fs::write(&blocker, "a file where a directory is needed").unwrap();
    let out = blocker.join("telnyx.json");
    assert_sync_fails(
        fixture().to_str().unwrap(),
        &out,
        dir.path(),
        &["cannot create directory", "spec/blocked"],
    );
    // Output that is a directory: the rename fails, nothing else changes.
    let (dir, _) = synced_dir();
    let out = dir.path().join("spec/as-dir.json");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep"), "x").unwrap();
    assert_sync_fails(
        fixture().to_str().unwrap(),
        &out,
        dir.path(),
        &["refusing to replace", "as-dir.json"],
    );
}

#[test]
fn check_passes_then_catches_a_hand_edit() {
    let (_dir, out) = synced_dir();
    let spec = out.to_str().unwrap();
    let ok = xtask(&["spec", "check", "--spec", spec]);
    assert!(ok.status.success(), "{}{}", stdout(&ok), stderr(&ok));
    assert!(stdout(&ok).contains("spec check passed"));

    let mut doc = read_json(&out);
    doc["info"]["title"] = json!("Widgets (edited)");
    write_json(&out, &doc);
    let edited = xtask(&["spec", "check", "--spec", spec]);
    assert_eq!(edited.status.code(), Some(1));
    let text = stdout(&edited);
    assert!(text.contains("is not what `spec sync` wrote"), "{text}");
    assert!(
        text.contains("put the change in spec/overlay.yaml"),
        "{text}"
    );
}

#[test]
fn check_without_lock_says_how_to_fix() {
    let (dir, out) = synced_dir();
    std::fs::remove_file(dir.path().join("spec/telnyx.lock")).unwrap();
    let output = xtask(&["spec", "check", "--spec", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("telnyx.lock is missing: run `cargo xtask spec sync`"));
}

#[test]
fn check_rejects_a_vendored_spec_progenitor_cannot_use() {
    let (_dir, out) = synced_dir();
    let mut doc = read_json(&out);
    doc["openapi"] = json!("3.1.0");
    write_json(&out, &doc);
    let output = xtask(&["spec", "check", "--spec", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("must be OpenAPI 3.0.x"),
        "{}",
        stderr(&output)
    );

    std::fs::write(&out, "{\"openapi\": \"3.0.3\",\n  \"paths\": {\n").unwrap();
    let output = xtask(&["spec", "check", "--spec", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("invalid JSON at line 3"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_upstream_reports_structural_drift() {
    let (dir, out) = synced_dir();
    let spec = out.to_str().unwrap();
    let source = fixture();
    let upstream = source.to_str().unwrap();
    let check = |spec: &str| {
        xtask(&[
            "spec",
            "check",
            "--spec",
            spec,
            "--upstream",
            upstream,
            "--overlay",
            OVERLAY,
            "--families",
            FAMILIES,
        ])
    };
    let clean = check(spec);
    assert!(
        clean.status.success(),
        "{}{}",
        stdout(&clean),
        stderr(&clean)
    );

    // A missing parameter, a changed property type and a missing operation are drift.
    let mut doc = read_json(&out);
    let params = doc["paths"]["/widgets"]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    params.retain(|p| p["name"] != "filter[name]");
    let widget = doc["components"]["schemas"]["Widget"]["properties"]
        .as_object_mut()
        .unwrap();
    widget.insert("id".into(), json!({"type": "integer"}));
    doc["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/gadgets/{gadget_id}");
    write_json(&out, &doc);
    let drift = check(spec);
    assert_eq!(drift.status.code(), Some(1));
    let text = stdout(&drift);
    assert!(
        text.contains("parameter `filter[name]` (in query) removed"),
        "{text}"
    );
    assert!(
        text.contains("response 200 property `data[].id`: type string → integer"),
        "{text}"
    );
    assert!(
        text.contains("GET /gadgets/{gadget_id}\n  operation removed"),
        "{text}"
    );
    drop(dir);
}

#[test]
fn diff_prints_an_api_changelog() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture()).unwrap();
    let newer = text
        .replace("enum: [on, off]", "enum: [on, off, broken]")
        .replace(
            "        - name: page\n",
            "        - name: sort\n          in: query\n          required: true\n          schema: {type: string}\n        - name: page\n",
        );
    let new_path = dir.path().join("newer.yaml");
    std::fs::write(&new_path, newer).unwrap();
    let output = xtask(&[
        "spec",
        "diff",
        fixture().to_str().unwrap(),
        new_path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("GET /widgets\n"), "{text}");
    assert!(
        text.contains("parameter `sort` (in query) added (string, required)"),
        "{text}"
    );
    assert!(
        text.contains("response 200 property `data[].state`: enum +[\"broken\"]"),
        "{text}"
    );
    assert!(text.contains("POST /widgets\n"), "{text}");

    let same = xtask(&[
        "spec",
        "diff",
        fixture().to_str().unwrap(),
        fixture().to_str().unwrap(),
    ]);
    assert!(stdout(&same).contains("no API changes"));
}

#[test]
fn codegen_writes_the_formatted_client() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client.rs");
    let output = xtask(&[
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
    assert!(output.status.success(), "{}", stderr(&output));
    let code = std::fs::read_to_string(&out).unwrap();
    assert!(code.contains("pub trait ClientWidgetsExt"), "{code}");
    assert!(code.contains("\"filter[created_at][gte]\""), "{code}");
    assert!(stdout(&output).contains("lines)"));
}
