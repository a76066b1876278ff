//! One Tera instance for the whole build, and Tera's errors turned into
//! ours, pointing at the template file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tera::{ErrorKind, Tera};

use super::time_limit::TimeLimit;
use crate::error::Error;
use crate::theme::ThemeFile;

pub struct Templates {
    /// Shared with the threads that render pages (`TimeLimit`).
    pub tera: Arc<Tera>,
    pub(crate) time_limit: TimeLimit,
    origins: BTreeMap<String, PathBuf>,
    /// Template sources, to say more about an error than Tera does.
    sources: BTreeMap<String, String>,
}

impl Templates {
    /// `render_timeout`: how long one page may take.
    /// `theme`: the theme's own templates folder, if it has one, where a
    /// missing template belongs.
    pub fn load(
        files: &BTreeMap<String, ThemeFile>,
        render_timeout: Duration,
        theme: Option<&Path>,
    ) -> Result<Templates, Error> {
        let origins: BTreeMap<String, PathBuf> = files
            .iter()
            .map(|(name, f)| (name.clone(), f.origin.clone()))
            .collect();
        let mut sources = Vec::with_capacity(files.len());
        for (name, file) in files {
            let text = String::from_utf8(file.bytes.clone())
                .map_err(|_| Error::at(&file.origin, "the template is not UTF-8 text"))?;
            sources.push((name.clone(), text));
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let source_texts = sources.iter().cloned().collect();
        let added = tera.add_raw_templates(sources);
        let templates = Templates {
            tera: Arc::new(tera),
            time_limit: TimeLimit::new(render_timeout),
            origins,
            sources: source_texts,
        };
        if let Err(e) = added {
            return Err(templates.error(&e, None));
        }
        for name in super::kinds::templates() {
            if !templates.tera.contains_template(name) {
                return Err(match theme {
                    Some(folder) => Error::at(
                        folder.join(name),
                        format!("the theme has no '{name}' template: add it there, or to the site's templates/ for this site alone"),
                    ),
                    None => Error::at(
                        "templates",
                        format!("the theme has no '{name}' template: add templates/{name}"),
                    ),
                });
            }
        }
        Ok(templates)
    }

    /// An error at template `name`'s file.
    pub fn error_at_template(&self, name: &str, message: String) -> Error {
        let origin = self.origins.get(name).cloned();
        Error::at(origin.unwrap_or_else(|| PathBuf::from(name)), message)
    }

    /// A Tera error while rendering `page` with template `name`: one Tera
    /// gives no place for (a component past Tera's depth of twenty) is
    /// placed at that template's file.
    pub fn render_error(&self, e: &tera::Error, name: &str, page: &str) -> Error {
        let error = self.error(e, Some(page));
        match &error.path {
            Some(path) if path.as_os_str() == "templates" => {
                self.error_at_template(name, error.message)
            }
            _ => error,
        }
    }

    /// A Tera error as ours: the template file, its line and column.
    pub fn error(&self, e: &tera::Error, page: Option<&str>) -> Error {
        let during = page
            .map(|p| format!(" (while rendering {p})"))
            .unwrap_or_default();
        match e.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let origin = self
                    .origins
                    .get(report.filename())
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from(report.filename()));
                let what = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                    "template syntax error"
                } else {
                    "template error"
                };
                let filter = report
                    .message()
                    .starts_with("Invalid type")
                    .then(|| self.filter_after(report.filename(), report.span()))
                    .flatten()
                    .map(|f| format!(" in the filter `{f}`"))
                    .unwrap_or_default();
                Error::at(
                    origin,
                    format!("{what}: {}{filter}{during}", report.message()),
                )
                .on_line(report.span().start_line)
                .on_column(report.span().start_col + 1)
            }
            ErrorKind::MissingParent { current, parent } => {
                let origin = self
                    .origins
                    .get(current)
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from(current));
                Error::at(origin, format!("extends '{parent}', which does not exist"))
            }
            ErrorKind::Msg(text) if parse_report(text).is_some() => {
                let (message, name, line, column) = parse_report(text).expect("checked above");
                let origin = self
                    .origins
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from(name));
                Error::at(origin, format!("template error: {message}{during}"))
                    .on_line(line)
                    .on_column(column)
            }
            _ => {
                let mut message = e.to_string();
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    message.push_str(&format!(": {s}"));
                    source = s.source();
                }
                Error::at("templates", format!("{message}{during}"))
            }
        }
    }
}

impl Templates {
    /// The filter applied right after byte `at` of a template, if any: Tera
    /// points a filter's type error at the value, not at the filter.
    fn filter_after(&self, template: &str, span: &tera::Span) -> Option<String> {
        let line = self
            .sources
            .get(template)?
            .lines()
            .nth(span.start_line.checked_sub(1)?)?;
        let from = line.char_indices().nth(span.start_col).map(|(i, _)| i)?;
        let rest = &line[from..];
        let rest = rest[rest.find('|')? + 1..].trim_start();
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    }
}

/// Tera reports some load errors (an unknown filter, test or function) as
/// text: `error: MESSAGE\n --> NAME:LINE:COLUMN …`. Read the first one back.
fn parse_report(text: &str) -> Option<(&str, &str, usize, usize)> {
    let mut lines = text.lines();
    let message = lines.next()?.strip_prefix("error: ")?;
    let place = lines.next()?.trim_start().strip_prefix("--> ")?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    Some((message, name, line, column))
}
