//! How errors and warnings look in a terminal: coloured when the output is
//! a terminal (and `NO_COLOR` is not set) or `CLICOLOR_FORCE` asks for it,
//! plain when piped; with the line of the file they point at and a caret
//! under the column, as compilers do. Every command prints its problems
//! through here, so `build`, `check` and `serve` show them alike.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::error::Error;

#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    color: bool,
    pub quiet: bool,
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

impl Terminal {
    /// For problems printed to stderr, as `build` and `serve` print them:
    /// colour only for a terminal there.
    pub fn detect(quiet: bool, verbose: bool) -> Terminal {
        Terminal {
            color: wants_colour(std::io::stderr().is_terminal()),
            quiet,
            verbose,
        }
    }

    /// For a report printed to stdout, as `check` prints it: `check | less`
    /// must stay plain even while stderr is a terminal.
    pub fn detect_stdout(quiet: bool, verbose: bool) -> Terminal {
        Terminal {
            color: wants_colour(std::io::stdout().is_terminal()),
            quiet,
            verbose,
        }
    }

    /// Whether stderr is a terminal (progress bars go there).
    pub fn is_terminal(&self) -> bool {
        std::io::stderr().is_terminal()
    }

    pub fn plain() -> Terminal {
        Terminal {
            color: false,
            quiet: false,
            verbose: false,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// The report of one problem: the headline, then the source line.
    /// `root` is where paths in errors are relative to.
    pub fn describe(&self, level: Level, error: &Error, root: &Path) -> String {
        let label = match level {
            Level::Error => self.paint("1;31", "error"),
            Level::Warning => self.paint("1;33", "warning"),
        };
        let mut text = format!("{label}: {}", visible(&error.to_string(), true));
        if let Some(snippet) = self.snippet(error, root) {
            text.push('\n');
            text.push_str(&snippet);
        }
        text
    }

    /// Several problems, one report after another.
    pub fn describe_all(&self, level: Level, errors: &[Error], root: &Path) -> String {
        errors
            .iter()
            .map(|e| self.describe(level, e, root))
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn print(&self, level: Level, error: &Error, root: &Path) {
        if self.quiet && level == Level::Warning {
            return;
        }
        let _ = writeln!(
            std::io::stderr().lock(),
            "{}",
            self.describe(level, error, root)
        );
    }

    /// The line an error points at, with a caret under its column.
    fn snippet(&self, error: &Error, root: &Path) -> Option<String> {
        let path = error.path.as_ref()?;
        let line_no = error.line?;
        let full = if path.is_absolute() {
            path.clone()
        } else {
            root.join(path)
        };
        let text = std::fs::read_to_string(full).ok()?;
        let line = text.lines().nth(line_no.checked_sub(1)?)?;
        let line = line.trim_end_matches('\r');
        if line.chars().count() > 300 {
            return None;
        }
        let line = visible(line, false);
        let gutter = " ".repeat(line_no.to_string().len());
        let bar = self.paint("1;34", "|");
        let mut out = format!(
            "{gutter} {bar}\n{} {bar} {line}",
            self.paint("1;34", &line_no.to_string())
        );
        if let Some(column) = error.column {
            let before: String = line
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!(
                "\n{gutter} {bar} {before}{}",
                self.paint("1;31", "^")
            ));
        }
        Some(out)
    }
}

/// `text` with each control character the file or a name holds shown as
/// its symbol (ESC as ␛), one character for one so the caret stays under
/// its column: sent as it is, an escape sequence in a title would restyle
/// or rewrite the editor's terminal. Line breaks are kept if `lines`.
fn visible(text: &str, lines: bool) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => c,
            '\n' if lines => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            '\u{80}'..='\u{9f}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `NO_COLOR` (any non-empty value) always wins, as no-color.org asks;
/// `CLICOLOR_FORCE` (non-empty, not `0`) colours a pipe too, for tools that
/// show colour themselves and for tests that check what a terminal gets.
fn wants_colour(is_terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    is_terminal || forced
}

/// A line to stdout. A reader that stops reading (`briefing check | head`)
/// or a preview that outlives its terminal ends nothing: the line is
/// dropped, where `println!` would panic on the closed pipe.
pub fn say(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    let _ = out
        .write_fmt(line)
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush());
}

/// A line to stderr, as `say` to stdout.
pub fn complain(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// "1 briefing", "2 briefings": a count with its noun agreeing.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_reach_the_terminal_as_symbols() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("x.md"),
            "---\ntitle: \u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m: x\n",
        )
        .unwrap();
        let error = Error::at("x.md", "bad title '\u{1b}[2J'")
            .on_line(2)
            .on_column(12);
        let told = Terminal::plain().describe(Level::Error, &error, dir.path());
        assert!(
            !told.chars().any(|c| c.is_control() && c != '\n'),
            "{told:?}"
        );
        // The caret under the 12th character, the second ESC, as it was.
        let caret = format!("  | {}^", " ".repeat(11));
        assert_eq!(
            told,
            format!("error: x.md:2:12: bad title '␛[2J'\n  |\n2 | title: ␛[2J␛]0;pwned␇\u{fffd}31m: x\n{caret}")
        );
    }

    #[test]
    fn points_at_the_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/x.md"),
            "---\ntitle: X\npeple: [Xi]\n---\n",
        )
        .unwrap();
        let error = Error::at(
            "content/x.md",
            "unknown key 'peple' (did you mean 'people'?)",
        )
        .on_line(3)
        .on_column(1);
        assert_eq!(
            Terminal::plain().describe(Level::Error, &error, dir.path()),
            "error: content/x.md:3:1: unknown key 'peple' (did you mean 'people'?)\n  |\n3 | peple: [Xi]\n  | ^"
        );
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(0, "error", "errors"), "0 errors");
        assert_eq!(count(1, "error", "errors"), "1 error");
        assert_eq!(count(2, "person", "people"), "2 people");
        assert_eq!(count(1, "person", "people"), "1 person");
    }

    #[test]
    fn without_a_line_it_is_one_line() {
        let error = Error::at("briefing.yaml", "no theme");
        assert_eq!(
            Terminal::plain().describe(Level::Warning, &error, Path::new("/nonexistent")),
            "warning: briefing.yaml: no theme"
        );
    }
}
