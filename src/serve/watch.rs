//! Watching the site's sources. A pure classifier maps a changed path to
//! what it means for the site; the watcher around it is notify with the
//! full debouncer, on directories (editors save by renaming a temp file
//! over the old one), or polling where file-system events don't arrive.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, new_debouncer_opt, DebounceEventResult, Debouncer, NoCache, RecommendedCache,
};

use crate::config::CONFIG_FILE;
use crate::path_filter::is_ignored;

/// What a changed path means for the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    /// `content/…`: only the pages that show this file need rebuilding.
    Content(PathBuf),
    /// A template: every page may change.
    Template,
    /// A static file or a theme asset.
    Static,
    /// `briefing.yaml`: everything may change.
    Config,
    Ignore,
}

/// Folders under the site root that are sources.
pub const SOURCES: &[&str] = &["content", "templates", "static", "themes"];

/// Classify `path` (absolute, or relative to `root`). `output` is the
/// build folder, whose changes are our own writes.
pub fn classify(root: &Path, output: &Path, path: &Path) -> Change {
    let rel = path.strip_prefix(root).unwrap_or(path);
    if path.starts_with(output) || rel.starts_with(output) {
        return Change::Ignore;
    }
    let mut parts = rel.components().filter_map(|c| match c {
        Component::Normal(s) => Some(s.to_string_lossy()),
        _ => None,
    });
    let Some(first) = parts.next() else {
        return Change::Ignore;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if is_ignored(&name)
        || rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    {
        return Change::Ignore;
    }
    match first.as_ref() {
        CONFIG_FILE => Change::Config,
        "content" => Change::Content(rel.to_path_buf()),
        "templates" => Change::Template,
        "static" => Change::Static,
        "themes" => match parts.nth(1).as_deref() {
            Some("templates") => Change::Template,
            Some("static") => Change::Static,
            // theme.yaml and the like: treat as the theme changing whole.
            _ => Change::Template,
        },
        _ => Change::Ignore,
    }
}

/// Whether an event is an edit. Reads (ours, while rebuilding, included)
/// and access-time updates are not. A new write time is: it is how the
/// polling watcher reports a changed file.
pub fn is_edit(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// How long a Markdown source must stay missing or empty, with no event in
/// between, before the preview serves it so. Editors that save by rename or
/// by delete and re-create (vim's backup, sync tools) leave such a gap, and
/// a file's events may arrive in different batches; a re-creation within
/// this time means browsers never see the gap.
pub const GRACE: Duration = Duration::from_millis(750);

/// How often a held result looks whether its missing source is back. The
/// watcher may not say: a polling one whose looks fall in step with an
/// editor's saves sees the file missing every time.
pub const RECHECK: Duration = Duration::from_millis(25);

/// How long a stream of saves may hold a rebuild's result back, when each
/// rebuild finds a file missing again.
pub const MAX_HOLD: Duration = Duration::from_secs(5);

/// Whether `change` may be an editor's save under way: a Markdown source
/// that is, for now, missing or empty.
pub fn mid_save(root: &Path, change: &Change) -> bool {
    let Change::Content(rel) = change else {
        return false;
    };
    if rel.extension().is_none_or(|e| e != "md") {
        return false;
    }
    match std::fs::metadata(root.join(rel)) {
        Ok(meta) => meta.is_file() && meta.len() == 0,
        Err(_) => true,
    }
}

/// The watcher, kept alive as long as the preview runs.
pub enum SourceWatcher {
    Native(Debouncer<notify::RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<notify::PollWatcher, NoCache>),
}

impl SourceWatcher {
    /// Watch the root (for `briefing.yaml` and source folders being created)
    /// and each source folder recursively.
    pub fn start(
        root: &Path,
        poll: bool,
        events: Sender<DebounceEventResult>,
    ) -> notify::Result<SourceWatcher> {
        let debounce = Duration::from_millis(50);
        let mut watcher = if poll {
            // notify compares write times to the second; comparing contents
            // too catches a second save within the same second, at the cost
            // of reading the sources at each poll (a fallback, after all).
            let config = notify::Config::default()
                .with_poll_interval(Duration::from_millis(300))
                .with_compare_contents(true);
            SourceWatcher::Poll(
                new_debouncer_opt::<_, notify::PollWatcher, NoCache>(
                    debounce, None, events, NoCache, config,
                )
                .map_err(|e| notify::Error::generic(&e.to_string()))?,
            )
        } else {
            SourceWatcher::Native(new_debouncer(debounce, None, events)?)
        };
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for folder in SOURCES {
            watcher.add_source(&root.join(folder));
        }
        Ok(watcher)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            SourceWatcher::Native(d) => d.watch(path, mode),
            SourceWatcher::Poll(d) => d.watch(path, mode),
        }
    }

    /// Stop watching the folders of `error` that are gone (`templates/`
    /// removed to go back to the theme's): a polling watcher reports each
    /// again at every look. True if the error was that; such a folder is
    /// watched again when it is made again (`add_source`).
    pub fn forget_removed(&mut self, error: &notify::Error) -> bool {
        if error.paths.is_empty() || error.paths.iter().any(|p| p.exists()) {
            return false;
        }
        for path in &error.paths {
            let _ = match self {
                SourceWatcher::Native(d) => d.unwatch(path),
                SourceWatcher::Poll(d) => d.unwatch(path),
            };
        }
        true
    }

    /// Start watching a source folder if it exists (it may be created while
    /// the preview runs).
    pub fn add_source(&mut self, folder: &Path) {
        if folder.is_dir() {
            let _ = self.watch(folder, RecursiveMode::Recursive);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_not_edits() {
        use notify::event::{AccessKind, CreateKind, DataChange, RenameMode};
        assert!(!is_edit(&EventKind::Access(AccessKind::Any)));
        assert!(!is_edit(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(is_edit(&EventKind::Modify(ModifyKind::Data(
            DataChange::Content
        ))));
        assert!(is_edit(&EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        ))));
        assert!(is_edit(&EventKind::Create(CreateKind::File)));
        // The polling watcher's way of saying a file changed.
        assert!(is_edit(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::WriteTime
        ))));
    }

    #[test]
    fn a_missing_or_empty_markdown_file_is_a_save_under_way() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/briefings")).unwrap();
        std::fs::write(root.join("content/briefings/full.md"), "---\n").unwrap();
        std::fs::write(root.join("content/briefings/empty.md"), "").unwrap();
        let content = |p: &str| Change::Content(PathBuf::from(p));
        assert!(mid_save(root, &content("content/briefings/gone.md")));
        assert!(mid_save(root, &content("content/briefings/empty.md")));
        assert!(!mid_save(root, &content("content/briefings/full.md")));
        // A temp file or a folder that went away is not waited for.
        assert!(!mid_save(root, &content("content/briefings/x.tmp")));
        assert!(!mid_save(root, &content("content/briefings")));
        assert!(!mid_save(root, &Change::Template));
    }

    fn c(path: &str) -> Change {
        classify(Path::new("/site"), Path::new("/site/site"), Path::new(path))
    }

    #[test]
    fn content_is_named_by_its_path() {
        assert_eq!(
            c("/site/content/briefings/a.md"),
            Change::Content("content/briefings/a.md".into())
        );
        assert_eq!(
            c("/site/content/briefings"),
            Change::Content("content/briefings".into())
        );
    }

    #[test]
    fn templates_config_and_static() {
        assert_eq!(c("/site/templates/briefing.html"), Change::Template);
        assert_eq!(
            c("/site/themes/default/templates/base.html"),
            Change::Template
        );
        assert_eq!(
            c("/site/themes/default/static/css/site.css"),
            Change::Static
        );
        assert_eq!(c("/site/static/logo.png"), Change::Static);
        assert_eq!(c("/site/briefing.yaml"), Change::Config);
    }

    #[test]
    fn editor_files_output_and_others_are_ignored() {
        for path in [
            "/site/content/briefings/.a.md.swp",
            "/site/content/briefings/a.md~",
            "/site/content/briefings/#a.md#",
            "/site/content/briefings/4913",
            "/site/site/index.html",
            "/site/target/debug/x",
            "/site/.git/index",
            "/site/content/.hidden/a.md",
            "/site/README.md",
        ] {
            let expected = if path.ends_with("4913") {
                Change::Content("content/briefings/4913".into())
            } else {
                Change::Ignore
            };
            assert_eq!(c(path), expected, "{path}");
        }
    }
}
