//! Dates and times as readers see them. A briefing's time is shown in its
//! own `timezone` if it names one ("20:00 Beijing time"), else in the
//! site's ("20:00 CST"), else in the offset it was written with; its day
//! on cards and lists is the day its page shows. A briefing dated with a
//! day only has no time to show and no instant to move into another zone:
//! it shows that day, as written, everywhere. Feeds keep the written
//! instant with its offset (RFC 3339 and 822); they do not come through here.

use chrono::{Datelike, NaiveDate, Timelike};
use chrono_tz::Tz;

use crate::config::Config;
use crate::content::Date;
use crate::graph::Briefing;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2 September 2025`. Written out by hand: chrono parses a format string
/// on every call, and every card and page shows a date.
fn day_text(d: NaiveDate) -> String {
    format!(
        "{} {} {:04}",
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

fn iso_text(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// The day as written (in the offset it was written with).
pub fn day(date: &Date) -> String {
    day_text(date.instant.date_naive())
}

/// `2025-09-02`, as written.
pub fn day_iso(date: &Date) -> String {
    iso_text(date.instant.date_naive())
}

/// A briefing's day on cards and lists: the day its page shows.
pub fn card_day(config: &Config, b: &Briefing) -> String {
    day_text(b.date.day_in(b.shown_zone(config)))
}

/// The same day, `2025-09-02`.
pub fn card_day_iso(config: &Config, b: &Briefing) -> String {
    iso_text(b.date.day_in(b.shown_zone(config)))
}

/// A date of a briefing other than its own (`updated`), as its page shows it.
pub fn briefing_day(config: &Config, b: &Briefing, date: &Date) -> String {
    day_text(date.day_in(b.shown_zone(config)))
}

/// For `<time datetime>`, meta tags and JSON-LD: the instant with its
/// offset, or for a day-only date, the day (no invented midnight).
pub fn machine(date: &Date) -> String {
    if date.date_only {
        day_iso(date)
    } else {
        date.instant.to_rfc3339()
    }
}

/// A briefing's date and time on its page.
pub fn briefing_time(config: &Config, b: &Briefing) -> String {
    day_and_time(&b.date, b.zone, config.zone)
}

/// `2 September 2025, 20:00 Beijing time` in a briefing's own zone;
/// `2 September 2025, 20:00 CST` in the site's zone, with its abbreviation;
/// with neither, in the offset the time was written with (`10:00
/// UTC+08:00`). Only the day when no time was written.
pub fn day_and_time(date: &Date, own: Option<Tz>, site: Option<Tz>) -> String {
    if date.date_only {
        return day(date);
    }
    let Some(zone) = own.or(site) else {
        let offset = date.instant.format("%:z").to_string();
        let zone = if offset == "+00:00" {
            "UTC".to_string()
        } else {
            format!("UTC{offset}")
        };
        return format!("{}, {} {zone}", day(date), clock(date.instant.time()));
    };
    let local = date.instant.with_timezone(&zone);
    let named = own.and_then(place).map(|p| format!("{p} time"));
    let label = named.unwrap_or_else(|| local.format("%Z").to_string());
    format!(
        "{}, {} {label}",
        day_text(local.date_naive()),
        clock(local.time())
    )
}

fn clock(t: chrono::NaiveTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The place a zone's time is named after: the city of its IANA name
/// (`America/New_York` → New York), except where readers name a country's
/// time otherwise (China's official "Beijing time", though its zone is
/// `Asia/Shanghai`; India's time, `Asia/Kolkata`). None for a zone with no
/// city (`UTC`, `Etc/GMT-8`, `US/Eastern`): its abbreviation is shown.
fn place(zone: Tz) -> Option<String> {
    let name = zone.name();
    match name {
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Chungking" | "Asia/Harbin" | "PRC" => {
            return Some("Beijing".into())
        }
        "Asia/Kolkata" | "Asia/Calcutta" => return Some("India".into()),
        _ => {}
    }
    let (area, rest) = name.split_once('/')?;
    const AREAS: &[&str] = &[
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    ];
    if !AREAS.contains(&area) {
        return None;
    }
    let city = rest.rsplit('/').next()?;
    Some(city.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Tz {
        name.parse().expect("a zone")
    }

    #[test]
    fn times_are_shown_in_the_sites_zone_with_its_abbreviation() {
        let date = Date::parse("2025-09-02T21:00:00-04:00").expect("a date");
        let shanghai = zone("Asia/Shanghai");
        assert_eq!(
            day_and_time(&date, None, Some(shanghai)),
            "3 September 2025, 09:00 CST"
        );
        assert_eq!(
            day_and_time(&date, None, Some(zone("America/New_York"))),
            "2 September 2025, 21:00 EDT"
        );
        assert_eq!(
            day_and_time(&date, None, None),
            "2 September 2025, 21:00 UTC-04:00"
        );
        let day_only = Date::parse("2025-09-02").expect("a date");
        assert_eq!(
            day_and_time(&day_only, Some(zone("America/New_York")), Some(shanghai)),
            "2 September 2025"
        );
    }

    #[test]
    fn a_briefings_own_zone_is_named_after_its_place() {
        let date = Date::parse("2025-09-02T12:00:00+00:00").expect("a date");
        let shown = |name: &str| day_and_time(&date, Some(zone(name)), Some(zone("UTC")));
        assert_eq!(
            shown("Asia/Shanghai"),
            "2 September 2025, 20:00 Beijing time"
        );
        assert_eq!(
            shown("America/New_York"),
            "2 September 2025, 08:00 New York time"
        );
        assert_eq!(shown("Asia/Kolkata"), "2 September 2025, 17:30 India time");
        assert_eq!(
            shown("America/Argentina/Buenos_Aires"),
            "2 September 2025, 09:00 Buenos Aires time"
        );
        assert_eq!(
            shown("Europe/Moscow"),
            "2 September 2025, 15:00 Moscow time"
        );
        // No city in the name: its abbreviation, as for the site's zone.
        assert_eq!(shown("US/Eastern"), "2 September 2025, 08:00 EDT");
        assert_eq!(shown("UTC"), "2 September 2025, 12:00 UTC");
    }

    #[test]
    fn days_read_as_chrono_writes_them() {
        for text in [
            "2025-09-02",
            "0999-01-31T23:59:00-11:00",
            "2024-02-29T00:00:00+14:00",
        ] {
            let date = Date::parse(text).expect("a date");
            assert_eq!(day(&date), date.instant.format("%-d %B %Y").to_string());
            assert_eq!(day_iso(&date), date.instant.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn a_day_is_not_moved_into_a_zone_and_gets_no_midnight() {
        let day_only = Date::parse("2025-09-02").expect("a date");
        // West of UTC, midnight UTC is the evening before: the day stays.
        assert_eq!(
            day_only.day_in(Some(zone("America/Los_Angeles"))),
            NaiveDate::from_ymd_opt(2025, 9, 2).expect("a day")
        );
        assert_eq!(machine(&day_only), "2025-09-02");
        let timed = Date::parse("2025-09-02T21:00:00-04:00").expect("a date");
        assert_eq!(
            timed.day_in(Some(zone("Asia/Shanghai"))),
            NaiveDate::from_ymd_opt(2025, 9, 3).expect("a day")
        );
        assert_eq!(machine(&timed), "2025-09-02T21:00:00-04:00");
    }
}
