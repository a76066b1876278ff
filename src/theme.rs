//! Where templates and theme assets come from: `themes/<name>/` in the
//! site, or the default theme compiled into the binary so a site with no
//! `themes/` folder still builds. A site's own `templates/` and `static/`
//! win over the theme's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

use crate::config::Config;
use crate::error::Error;
use crate::path_filter::is_ignored;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A file of the theme or site, kept by its name relative to its folder
/// (`briefing.html`, `css/site.css`): where it came from, and its bytes.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Shown in errors: `themes/default/templates/base.html`, or
    /// `(built-in default theme)/templates/base.html`.
    pub origin: PathBuf,
    pub bytes: Vec<u8>,
}

enum Source {
    BuiltIn,
    Folder(PathBuf),
}

pub struct Theme {
    source: Source,
    root: PathBuf,
}

impl Theme {
    pub fn resolve(config: &Config) -> Result<Theme, Error> {
        let folder = config.root.join("themes").join(&config.theme);
        let source = if folder.is_dir() {
            Source::Folder(folder)
        } else if config.theme == "default" {
            Source::BuiltIn
        } else {
            return Err(config.error_at(
                "theme",
                format!(
                    "theme '{}' not found: there is no folder themes/{}/ (use 'default' for the built-in theme)",
                    config.theme, config.theme
                ),
            ));
        };
        Ok(Theme {
            source,
            root: config.root.clone(),
        })
    }

    /// Templates by name: the theme's, then the site's `templates/` over them.
    pub fn templates(&self) -> Result<BTreeMap<String, ThemeFile>, Error> {
        let mut files = BTreeMap::new();
        self.collect("templates", &mut files)?;
        collect_folder(&self.root, &self.root.join("templates"), &mut files)?;
        Ok(files)
    }

    /// Static assets: the theme's `static/`, then the site's over them.
    pub fn static_files(&self) -> Result<BTreeMap<String, ThemeFile>, Error> {
        let mut files = BTreeMap::new();
        self.collect("static", &mut files)?;
        collect_folder(&self.root, &self.root.join("static"), &mut files)?;
        Ok(files)
    }

    fn collect(&self, sub: &str, files: &mut BTreeMap<String, ThemeFile>) -> Result<(), Error> {
        match &self.source {
            Source::Folder(folder) => collect_folder(&self.root, &folder.join(sub), files),
            Source::BuiltIn => {
                if let Some(dir) = DEFAULT_THEME.get_dir(sub) {
                    collect_built_in(dir, sub, files);
                }
                Ok(())
            }
        }
    }
}

fn collect_built_in(dir: &Dir<'static>, sub: &str, files: &mut BTreeMap<String, ThemeFile>) {
    for file in dir.files() {
        let path = file.path();
        let name = path.strip_prefix(sub).unwrap_or(path);
        files.insert(
            name.to_string_lossy().replace('\\', "/"),
            ThemeFile {
                origin: Path::new("(built-in default theme)").join(path),
                bytes: file.contents().to_vec(),
            },
        );
    }
    for child in dir.dirs() {
        collect_built_in(child, sub, files);
    }
}

fn collect_folder(
    root: &Path,
    folder: &Path,
    files: &mut BTreeMap<String, ThemeFile>,
) -> Result<(), Error> {
    if !folder.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(folder).sort_by_file_name() {
        let entry = entry
            .map_err(|e| Error::at(folder.strip_prefix(root).unwrap_or(folder), e.to_string()))?;
        if !entry.file_type().is_file() || is_ignored(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        let origin = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        let name = path
            .strip_prefix(folder)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(path).map_err(|e| Error::io(&origin, &e))?;
        files.insert(name, ThemeFile { origin, bytes });
    }
    Ok(())
}
