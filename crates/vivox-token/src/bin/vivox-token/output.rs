//! Writing the result to stdout, and failing loudly when it cannot be written.
//!
//! Two things would otherwise make a lost token look like success: Rust's
//! `Stdout` treats "bad file descriptor" as a successful write, and on Unix
//! the Rust runtime reopens a stdout that was closed at startup (`>&-`) as
//! `/dev/null`, read-write, so that no file opened later lands on descriptor 1.
//! Writes here go straight to the descriptor, and a stdout that is that
//! stand-in is reported as closed.

use std::io::Write as _;

/// Writes `text` and a newline to stdout.
///
/// # Errors
/// A message for stderr when stdout is closed or the write fails.
pub fn print_line(text: &str) -> Result<(), String> {
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    write_stdout(line.as_bytes())
}

#[cfg(unix)]
fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    use std::os::fd::AsFd as _;

    const CLOSED: &str = "cannot write to stdout: it is closed; redirect it to a file or a pipe \
                          (or to /dev/null to discard the output)";
    let stdout = std::io::stdout();
    // Duplicating fails only if descriptor 1 is not open at all.
    let descriptor = stdout
        .as_fd()
        .try_clone_to_owned()
        .map_err(|_| CLOSED.to_owned())?;
    let mut file = std::fs::File::from(descriptor);
    if is_closed_stdout_stand_in(&mut file) {
        return Err(CLOSED.to_owned());
    }
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|error| format!("cannot write to stdout: {error}"))
}

/// True when `file` is `/dev/null` opened for reading as well: what the
/// runtime puts in place of a closed stdout. A shell's `>/dev/null` opens it
/// write-only, and a read from a write-only descriptor fails.
#[cfg(unix)]
fn is_closed_stdout_stand_in(file: &mut std::fs::File) -> bool {
    use std::io::Read as _;
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};

    let (Ok(ours), Ok(null)) = (file.metadata(), std::fs::metadata("/dev/null")) else {
        return false;
    };
    let is_dev_null = ours.file_type().is_char_device() && ours.rdev() == null.rdev();
    // Reading /dev/null returns end of file at once and consumes nothing.
    is_dev_null && file.read(&mut [0u8; 1]).is_ok()
}

#[cfg(not(unix))]
fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot write to stdout: {error}"))
}
