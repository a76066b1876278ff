//! One error type for the whole pipeline. Every error a person can act on
//! names a place: the file, and the line and column where one exists,
//! counted from the top of the file.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

// Serialized: a build that has nothing to do repeats the last one's
// warnings (see `last_build`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    pub path: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            path: None,
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::new(message).in_file(path)
    }

    pub fn in_file(mut self, path: impl AsRef<Path>) -> Self {
        self.path = Some(path.as_ref().to_path_buf());
        self
    }

    pub fn on_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn on_column(mut self, column: usize) -> Self {
        self.column = Some(column);
        self
    }

    pub fn io(path: impl AsRef<Path>, err: &std::io::Error) -> Self {
        Error::at(path, err.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}", path.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {}

/// Every problem found in one pass, so an editor fixes them all in one go
/// rather than one per build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, error: Error) {
        self.0.push(error);
    }

    pub fn into_result<T>(self, value: T) -> Result<T, Errors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(Errors(self.sorted()))
        }
    }

    /// The errors in file and line order, as they are reported.
    pub fn sorted(mut self) -> Vec<Error> {
        self.0
            .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        self.0
    }
}

impl From<Error> for Errors {
    fn from(error: Error) -> Self {
        Errors(vec![error])
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

/// "did you mean" for a misspelt key or name: the closest candidate, if it is
/// close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        // Ties go to the first in order, so that candidates gathered from
        // a hash map give the same hint in every run.
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    #[test]
    fn a_hint_is_the_closest_and_of_equals_the_first_in_order() {
        let hint =
            |candidates: &[&'static str]| super::did_you_mean("cat", candidates.iter().copied());
        assert_eq!(hint(&["dog", "cart", "bat"]), Some("bat"));
        assert_eq!(hint(&["hat", "bat", "cut"]), Some("bat"));
        assert_eq!(hint(&["cut", "hat", "bat"]), Some("bat"));
        assert_eq!(hint(&["elephant"]), None);
    }
}
