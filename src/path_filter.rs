//! Which files in a site's folders are not the site's: hidden files and
//! what editors leave beside the file being edited. The load stage, the
//! theme and the watcher all skip them.

/// Hidden files and the temp and backup files editors leave beside the one
/// being edited.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [".x.md.swp", "x.md~", "#x.md#", "x.md.tmp", ".DS_Store"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("2025-09-02-talks.md"));
    }
}
