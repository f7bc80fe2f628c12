//! What the benchmarks of this package share.

/// Whether this is a measuring run. `cargo bench` passes `--bench`; `cargo test --benches` does
/// not and only wants each benchmark run once, so the timed batches behind the printed ratios
/// are skipped there, as they are for criterion's `--test`, `--list` and `--profile-time` runs.
pub fn wants_ratio(args: impl Iterator<Item = String>) -> bool {
    let mut bench = false;
    for arg in args {
        match arg.as_str() {
            "--bench" => bench = true,
            "--test" | "--list" => return false,
            _ if arg.starts_with("--profile-time") => return false,
            _ => {}
        }
    }
    bench
}
