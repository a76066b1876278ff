//! Writing a file so that a reader sees the old bytes or the new ones,
//! never part of either: the bytes go to a hidden file beside it, renamed
//! over it when complete.

use std::io;
use std::path::{Path, PathBuf};

/// Write `bytes` at `path` whole or not at all. On error nothing is left
/// beside it.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |out| out.write_all(bytes))
}

/// `write`, of what `fill` writes: a large file need not be made whole in
/// memory first.
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<()> {
    let temp = temp_path(path);
    let written = std::fs::File::create(&temp).and_then(|file| {
        let mut out = io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut out)?;
        out.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(())
    });
    let result = written.and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// `.name.new-PID` beside `path`: hidden, and one per process, so two
/// builds never write through each other's temporary file.
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.new-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_write_replaces_the_file_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("page.html");
        std::fs::write(&path, "old").expect("write");
        super::write(&path, b"new").expect("atomic write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(names.len(), 1);
        assert!(super::write(&dir.path().join("no/such/folder/x"), b"x").is_err());
    }
}
