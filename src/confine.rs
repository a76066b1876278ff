//! Nothing outside the site root is read: a symbolic link is followed only
//! when where it leads, every link resolved, is inside the site.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The site root, links resolved, to compare paths against.
pub struct SiteRoot {
    /// As given, for naming paths in messages.
    given: PathBuf,
    real: PathBuf,
}

impl SiteRoot {
    pub fn new(root: &Path) -> SiteRoot {
        SiteRoot {
            given: root.to_path_buf(),
            real: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// Whether `path`, links resolved, is inside the site. A link that
    /// leads nowhere is not.
    pub fn holds(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(&self.real))
    }

    /// For `path` (under the root as given) that leads outside the site,
    /// the link on the way that takes it there, relative to the root; None
    /// when it stays inside, or does not exist.
    pub fn link_out(&self, path: &Path) -> Option<PathBuf> {
        if !path.exists() || self.holds(path) {
            return None;
        }
        let rel = path.strip_prefix(&self.given).unwrap_or(path);
        let mut at = self.given.clone();
        for part in rel.components() {
            at.push(part);
            if at.is_symlink() && !self.holds(&at) {
                return Some(self.relative(&at));
            }
        }
        Some(rel.to_path_buf())
    }

    /// `path` relative to the root, for messages.
    pub fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.given).unwrap_or(path).to_path_buf()
    }

    /// The warning for a link left alone.
    pub fn not_followed(&self, link: &Path) -> Error {
        Error::at(
            self.relative(link),
            "symbolic link to a place outside the site, not followed: nothing outside the site is read",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::SiteRoot;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_the_site_are_followed_and_others_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let elsewhere = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("static/css")).expect("mkdir");
        symlink(root.join("static/css"), root.join("styles")).expect("link");
        symlink(elsewhere.path(), root.join("away")).expect("link");
        let site = SiteRoot::new(&root);
        assert_eq!(site.link_out(&root.join("styles")), None);
        assert_eq!(
            site.link_out(&root.join("away")),
            Some(std::path::PathBuf::from("away"))
        );
        assert_eq!(site.link_out(&root.join("missing")), None);
    }
}
