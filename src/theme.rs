//! Where templates and theme assets come from: `themes/<name>/` in the
//! site, or the default theme compiled into the binary so a site with no
//! `themes/` folder still builds. A site's own `templates/` and `static/`
//! win over the theme's. A symbolic link that leads outside the site is
//! never followed: a warning names it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

use crate::config::Config;
use crate::confine::SiteRoot;
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
        if let Some(link) = SiteRoot::new(&config.root).link_out(&folder) {
            return Err(config.error_at(
                "theme",
                format!(
                    "theme '{}' is outside the site: {} is a symbolic link, not followed; put the theme in themes/{}/",
                    config.theme,
                    link.display(),
                    config.theme
                ),
            ));
        }
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

    /// The theme's own `templates/` folder, relative to the site, when the
    /// theme is a folder of the site rather than the built-in one.
    pub fn templates_folder(&self) -> Option<PathBuf> {
        match &self.source {
            Source::Folder(folder) => {
                let folder = folder.strip_prefix(&self.root).unwrap_or(folder);
                Some(folder.join("templates"))
            }
            Source::BuiltIn => None,
        }
    }

    /// Templates by name: the theme's, then the site's `templates/` over
    /// them; a warning for each link out of the site.
    pub fn templates(
        &self,
        warnings: &mut Vec<Error>,
    ) -> Result<BTreeMap<String, ThemeFile>, Error> {
        self.files("templates", warnings)
    }

    /// Static assets: the theme's `static/`, then the site's over them.
    pub fn static_files(
        &self,
        warnings: &mut Vec<Error>,
    ) -> Result<BTreeMap<String, ThemeFile>, Error> {
        self.files("static", warnings)
    }

    fn files(
        &self,
        sub: &str,
        warnings: &mut Vec<Error>,
    ) -> Result<BTreeMap<String, ThemeFile>, Error> {
        let mut files = BTreeMap::new();
        let site = SiteRoot::new(&self.root);
        self.collect(&site, sub, &mut files, warnings)?;
        collect_folder(&site, &self.root.join(sub), &mut files, warnings)?;
        Ok(files)
    }

    fn collect(
        &self,
        site: &SiteRoot,
        sub: &str,
        files: &mut BTreeMap<String, ThemeFile>,
        warnings: &mut Vec<Error>,
    ) -> Result<(), Error> {
        match &self.source {
            Source::Folder(folder) => collect_folder(site, &folder.join(sub), files, warnings),
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
    site: &SiteRoot,
    folder: &Path,
    files: &mut BTreeMap<String, ThemeFile>,
    warnings: &mut Vec<Error>,
) -> Result<(), Error> {
    if let Some(link) = site.link_out(folder) {
        warnings.push(site.not_followed(&link));
        return Ok(());
    }
    if !folder.is_dir() {
        return Ok(());
    }
    // Links are followed only where they stay in the site; a loop of links
    // is an error walkdir reports.
    let walk = WalkDir::new(folder)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let away = entry.depth() > 0 && entry.path_is_symlink() && !site.holds(entry.path());
            if away {
                warnings.push(site.not_followed(entry.path()));
            }
            !away
        });
    for entry in walk {
        let entry = entry.map_err(|e| Error::at(site.relative(folder), e.to_string()))?;
        if !entry.file_type().is_file() || is_ignored(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        let origin = site.relative(path);
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
