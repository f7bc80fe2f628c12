//! Deterministic serialisation and atomic file writes.
//!
//! Output JSON has its object keys sorted (recursively), two-space indentation and a trailing
//! newline, so the same input always yields the same bytes whatever order upstream used and
//! whether or not `serde_json`'s `preserve_order` feature is enabled elsewhere in the build.
//! Files are written to a temporary file in the target directory and renamed into place, so a
//! failed run never leaves a half-written file.

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// `value` with every object's keys in sorted order.
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                out.insert(key.clone(), sorted(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Whether `serde_json::Map` keeps its keys sorted (it does unless some crate in the build
/// enables `serde_json/preserve_order`).
fn maps_are_sorted() -> bool {
    let mut probe = Map::new();
    probe.insert("b".into(), Value::Null);
    probe.insert("a".into(), Value::Null);
    probe.keys().next().is_some_and(|k| k == "a")
}

/// Pretty JSON with sorted keys and a trailing newline.
pub fn to_pretty_json(value: &Value) -> String {
    // Serializing a `Value` cannot fail (keys are strings, numbers are finite).
    let serialized = if maps_are_sorted() {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string_pretty(&sorted(value))
    };
    let mut text = serialized.unwrap_or_default();
    text.push('\n');
    text
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed and
/// synced, then renamed over `path`. Creates the directory when missing; refuses to replace
/// something that is not a regular file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_all_atomic(&[(path.to_owned(), bytes.to_vec())])
}

/// Writes several files as one unit: every file goes to a temporary file beside it first, and
/// only when all are written are they renamed into place, so a failure to write any of them
/// (an unwritable directory, a full disk) leaves every target as it was.
pub fn write_all_atomic(files: &[(std::path::PathBuf, Vec<u8>)]) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        refuse_non_regular(path)?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => std::path::PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create directory", &dir, e))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".xtask-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| Error::io("cannot create a temporary file in", &dir, e))?;
        temp.write_all(bytes)
            .and_then(|()| set_output_permissions(temp.as_file(), path))
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| Error::io("cannot write", temp.path().to_owned(), e))?;
        staged.push((temp, path));
    }
    for (temp, path) in staged {
        temp.persist(path)
            .map_err(|e| Error::io("cannot replace", path.clone(), e.error))?;
    }
    Ok(())
}

/// Gives a new output file the permissions of the file it replaces, or `0644` (readable by
/// everyone, as files written by an editor are) when there is none; temporary files start as
/// `0600`.
#[cfg(unix)]
fn set_output_permissions(file: &std::fs::File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = match std::fs::metadata(target) {
        Ok(existing) if existing.is_file() => existing.permissions().mode() & 0o7777,
        _ => 0o644,
    };
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

/// Other platforms keep the temporary file's permissions.
#[cfg(not(unix))]
fn set_output_permissions(_file: &std::fs::File, _target: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Refuses to replace something that exists and is not a regular file (a device, a FIFO, a
/// directory, a symbolic link).
fn refuse_non_regular(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => Err(Error::io(
            "refusing to replace",
            path,
            std::io::Error::other(
                "it exists and is not a regular file; remove it or choose another path",
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorted_and_newline() {
        let text = to_pretty_json(&json!({"b": 1, "a": {"d": 2, "c": 3}}));
        assert_eq!(
            text,
            "{\n  \"a\": {\n    \"c\": 3,\n    \"d\": 2\n  },\n  \"b\": 1\n}\n"
        );
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_0644_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        let new = dir.path().join("new.json");
        write_atomic(&new, b"x").unwrap();
        assert_eq!(mode(&new), 0o644);
        let kept = dir.path().join("kept.json");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&kept, b"new").unwrap();
        assert_eq!(mode(&kept), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_fifos_symlinks_and_directories() {
        use std::os::unix::fs::FileTypeExt as _;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let target = dir.path().join("target.json");
        std::fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let subdir = dir.path().join("sub");
        std::fs::create_dir(&subdir).unwrap();
        for path in [&fifo, &link, &subdir] {
            let err = write_atomic(path, b"new").unwrap_err().to_string();
            assert!(err.contains("is not a regular file"), "{err}");
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
    fn one_refused_file_writes_none() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("spec.json");
        std::fs::write(&good, b"old").unwrap();
        let bad = dir.path().join("lock");
        std::fs::create_dir(&bad).unwrap();
        let files = [(good.clone(), b"new".to_vec()), (bad, b"new".to_vec())];
        assert!(write_all_atomic(&files).is_err());
        assert_eq!(std::fs::read(&good).unwrap(), b"old");
    }
}
