//! What a content file says, as written: every field optional, unknown keys
//! denied. The link stage turns these into what the site means.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};

/// A briefing's front-matter.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    /// Kept as YAML and read by the link stage, which knows the key's line
    /// (serde_yaml places errors from inside a value at its mapping).
    pub date: Option<serde_yaml::Value>,
    pub updated: Option<serde_yaml::Value>,
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "names::topics")]
    pub topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "names::people")]
    pub people: Option<Vec<String>>,
    pub sources: Option<Vec<Source>>,
    pub draft: Option<bool>,
    pub slug: Option<String>,
    /// The running stories it belongs to: one name, or a list.
    #[serde(default, deserialize_with = "names::stories")]
    pub story: Option<Vec<String>>,
    /// The IANA zone its page shows its time in (`Asia/Shanghai`), read
    /// by the link stage, which knows the key's line.
    pub timezone: Option<String>,
    pub link_mentions: Option<bool>,
    /// The picture a link to the briefing shows when shared (`og:image`):
    /// a URL, or a path on the site; with `image_alt`, what it shows.
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub extra: Option<BTreeMap<String, serde_yaml::Value>>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: Option<String>,
}

/// `content/topics/*.md`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicProfile {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "names::aliases")]
    pub aliases: Option<Vec<String>>,
    pub slug: Option<String>,
    /// `false`: its name in a briefing's text is never made a link (a topic
    /// named by a word that is also common, such as Trade).
    pub link_mentions: Option<bool>,
    pub extra: Option<BTreeMap<String, serde_yaml::Value>>,
}

/// `content/people/*.md`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonProfile {
    pub name: Option<String>,
    pub role: Option<String>,
    #[serde(default, deserialize_with = "names::aliases")]
    pub aliases: Option<Vec<String>>,
    pub portrait: Option<String>,
    pub slug: Option<String>,
    pub extra: Option<BTreeMap<String, serde_yaml::Value>>,
}

/// `content/stories/*.md`: a running story's title, summary and, in its
/// body, the introduction at the top of its timeline.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryProfile {
    pub title: Option<String>,
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "names::aliases")]
    pub aliases: Option<Vec<String>>,
    pub slug: Option<String>,
    pub extra: Option<BTreeMap<String, serde_yaml::Value>>,
}

/// `content/pages/*.md`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMatter {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub draft: Option<bool>,
    /// In the site's menu, which every page shows (the default), or not.
    pub menu: Option<bool>,
    pub extra: Option<BTreeMap<String, serde_yaml::Value>>,
}

/// `content/editions/*.md`: the editor's package of a day, in order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionMatter {
    pub title: Option<String>,
    /// Read by the link stage, as a briefing's is.
    pub date: Option<serde_yaml::Value>,
    /// The top story: an `@/briefings/…` reference.
    pub lead: Option<String>,
    /// The rest, in the editor's order.
    pub briefings: Option<Vec<String>>,
    pub sections: Option<Vec<EditionSection>>,
    pub summary: Option<String>,
    pub draft: Option<bool>,
    /// Where each `@/` reference is written, in the order written: (text,
    /// file line, column). Found by the load stage, which has the text.
    #[serde(skip)]
    pub references: Vec<(String, usize, usize)>,
}

/// A titled group of briefings after an edition's main list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionSection {
    pub title: String,
    pub briefings: Vec<String>,
}

/// Lists of names. YAML reads `[null]`, `[~]` and `[]` items as null, which
/// a plain `String` would take as the name "null": an empty entry is an
/// error instead. Its message starts with the key, in quotes, which is how
/// `front_matter::parse` places it at that key (serde_yaml places errors
/// raised here at the top of the front-matter).
mod names {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer};

    fn names<'de, D: Deserializer<'de>>(d: D, key: &str) -> Result<Option<Vec<String>>, D::Error> {
        let Some(names) = Option::<Vec<Option<String>>>::deserialize(d)? else {
            return Ok(None);
        };
        names
            .into_iter()
            .map(|name| match name {
                Some(name) if !name.trim().is_empty() => Ok(name),
                _ => Err(D::Error::custom(format!(
                    "'{key}' has an empty entry (null, ~ or \"\"): write a name, or remove the entry"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    pub fn topics<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
        names(d, "topics")
    }

    pub fn people<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
        names(d, "people")
    }

    pub fn aliases<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
        names(d, "aliases")
    }

    /// One name or a list: a briefing in one story says so in one line,
    /// one in several lists them. A blank name is no story, as it was
    /// before lists were allowed.
    pub fn stories<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<Option<String>>),
        }
        match Option::<OneOrMany>::deserialize(d) {
            Ok(None) => Ok(None),
            Ok(Some(OneOrMany::One(name))) if name.trim().is_empty() => Ok(None),
            Ok(Some(OneOrMany::One(name))) => Ok(Some(vec![name])),
            Ok(Some(OneOrMany::Many(names))) => names
                .into_iter()
                .map(|name| match name {
                    Some(name) if !name.trim().is_empty() => Ok(name),
                    _ => Err(D::Error::custom(
                        "'story' has an empty entry (null, ~ or \"\"): write a story's name, or remove the entry",
                    )),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Err(_) => Err(D::Error::custom(
                "'story' must be a story's name (`story: Putin in China`) or a list of names (`story: [Putin in China, Tariffs on India]`)",
            )),
        }
    }
}

/// A date as an editor writes it: RFC 3339 with its own offset, or a plain
/// `YYYY-MM-DD`, taken as midnight UTC. The offset is kept so pages and
/// feeds show the time where the story happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub instant: DateTime<FixedOffset>,
    pub date_only: bool,
}

impl Date {
    /// The day a reader sees where times are shown in `zone`: a day
    /// written without a time stays that day in any zone.
    pub fn day_in(&self, zone: Option<chrono_tz::Tz>) -> NaiveDate {
        match zone {
            Some(zone) if !self.date_only => self.instant.with_timezone(&zone).date_naive(),
            _ => self.instant.date_naive(),
        }
    }

    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            // RFC 3339 allows a leap second, which chrono keeps as such and
            // prints back: `10:00:60` is no time HTML or Atom readers take.
            if chrono::Timelike::nanosecond(&instant) >= 1_000_000_000 {
                return Err(format!(
                    "'{text}' has second 60 (a leap second), which pages and feeds cannot show: write :59"
                ));
            }
            return Ok(Date {
                instant,
                date_only: false,
            });
        }
        // chrono reads `%d` padded with a space too (`2025-09- 2`): only
        // the digits written out are a day.
        let written_out = |b: &[u8]| {
            b.len() >= 10
                && b[4] == b'-'
                && b[7] == b'-'
                && b[..10].iter().filter(|b| b.is_ascii_digit()).count() == 8
        };
        let bytes = text.as_bytes();
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            if text.len() == 10 && written_out(bytes) {
                let utc = FixedOffset::east_opt(0).expect("zero offset is valid");
                let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
                if let Some(instant) = utc.from_local_datetime(&midnight).single() {
                    return Ok(Date {
                        instant,
                        date_only: true,
                    });
                }
            }
        }
        // Bytes, not `&text[..10]`: a letter of more than one byte may
        // straddle the tenth byte, and slicing there would panic.
        if written_out(bytes) {
            // Ten ASCII bytes, so byte 10 is a character boundary.
            let day = text.get(..10).unwrap_or_default();
            if NaiveDate::parse_from_str(day, "%Y-%m-%d").is_err() {
                return Err(format!("'{text}' is not a day in the calendar"));
            }
        }
        Err(format!(
            "'{text}' is not a date: write 2025-09-02 or 2025-09-02T10:00:00+08:00"
        ))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.instant.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_keep_their_offset() {
        let d = Date::parse("2025-09-02T10:00:00+08:00").unwrap();
        assert_eq!(d.instant.offset().local_minus_utc(), 8 * 3600);
        assert!(!d.date_only);
        let d = Date::parse("2025-09-02").unwrap();
        assert!(d.date_only);
        assert_eq!(d.instant.to_rfc3339(), "2025-09-02T00:00:00+00:00");
    }

    #[test]
    fn a_leap_second_is_refused() {
        let e = Date::parse("2025-01-01T10:00:60Z").unwrap_err();
        assert!(e.contains("second 60"), "{e}");
        assert!(Date::parse("2025-01-01T10:00:59Z").is_ok());
    }

    #[test]
    fn impossible_dates_are_named() {
        assert_eq!(
            Date::parse("2025-02-30").unwrap_err(),
            "'2025-02-30' is not a day in the calendar"
        );
        assert!(Date::parse("next tuesday")
            .unwrap_err()
            .contains("is not a date"));
    }

    #[test]
    fn a_letter_across_the_tenth_byte_is_not_a_date() {
        for text in [
            "2025-09-0é",
            "2025-09-é",
            "2025-0é-01",
            "ééééé",
            "2025-09-0\u{1F600}",
        ] {
            assert!(
                Date::parse(text).unwrap_err().contains("is not a date"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_day_padded_with_a_space_is_not_a_date() {
        // chrono's `%d` would read ` 2` as 2.
        for text in ["2025-09- 2", "0000-01- 1", "2025- 9-02"] {
            assert!(
                Date::parse(text).unwrap_err().contains("is not a date"),
                "{text}"
            );
        }
    }
}
