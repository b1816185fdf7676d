//! Finding an article's date among the places a page states one, in order of trust: its
//! metadata (JSON-LD, meta tags, microdata), a `<time>` element, a visible date line, its
//! web address; and writing it in the time zone the page gives.
//!
//! Reading each written form is [`super::date`]'s; this module adds the forms pages and
//! crawls write with a zone, and knows which place to believe and how the places' zones
//! combine.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::ArticleDate;

/// Where a page states a date, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// JSON-LD `datePublished`, `article:published_time` and the other meta tags,
    /// microdata `datePublished`.
    Metadata,
    /// A `<time datetime>` element, or a `<time>`'s text.
    Time,
    /// A date the page shows as text (`Published 17 March 2017 10:04 GMT`).
    Dateline,
    /// A date in the page's address (`/2019/11/19/`).
    Url,
}

/// One date a page states, where, and the offset from UTC it gives, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stated {
    pub place: Place,
    pub date: ArticleDate,
    pub offset: Option<i32>,
}

/// A date as a page or a crawl writes it (ISO 8601 with or without an offset, RFC 2822,
/// the forms of [`super::date::parse_date`]), its wall-clock time kept, with the zone it is
/// written in when it names one: `2019-11-19T13:16:00+05:30` gives 13:16 and +05:30 (in
/// seconds), `2019-11-19T08:00Z` 08:00 and 0, `17 March 2017` no zone.
pub fn with_zone(s: &str) -> Option<(ArticleDate, Option<i32>)> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    let at = |d: DateTime<chrono::FixedOffset>| {
        (
            ArticleDate {
                datetime: d.naive_local(),
                has_time: true,
            },
            Some(d.offset().local_minus_utc()),
        )
    };
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(at(d));
    }
    // Forms the article date parser reads without their offset, or not at all:
    // `2019-11-19T13:16+0000`, `2019-11-18 17:19:53 +0100`, an RFC 2822 date.
    for format in [
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, format) {
            return Some(at(d));
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(at(d));
    }
    let last = s
        .rsplit([' ', '('])
        .next()
        .unwrap_or("")
        .trim_end_matches(')');
    let named = if s.ends_with(['Z', 'z']) {
        Some(0)
    } else {
        zone_offset(last)
    };
    if let Some(date) = super::date::parse_date(s) {
        return Some((date, named.filter(|_| date.has_time)));
    }
    // `2019-11-18 17:19:53 GMT` and other zone names the date parser does not know.
    let words: Vec<&str> = s.split_whitespace().collect();
    if let [day, time, _zone] = words[..] {
        let joined = format!("{day} {time}");
        for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
            if let Ok(datetime) = NaiveDateTime::parse_from_str(&joined, format) {
                let date = ArticleDate {
                    datetime,
                    has_time: true,
                };
                return Some((date, named));
            }
        }
    }
    // Java's `Date.toString()`, which content systems write into meta tags as it comes:
    // `Mon Aug 03 12:45:00 EDT 2015`.
    if let [_weekday, month, day, time, zone, year] = words[..] {
        let joined = format!("{day} {month} {year} {time}");
        if let Ok(datetime) = NaiveDateTime::parse_from_str(&joined, "%d %b %Y %H:%M:%S") {
            let date = ArticleDate {
                datetime,
                has_time: true,
            };
            return Some((date, zone_offset(zone)));
        }
    }
    None
}

/// The offset from UTC, in seconds, of a zone named by its abbreviation: UTC and GMT, and the
/// North American and central European ones news pages print. Abbreviations that name
/// zones hours apart in different countries (CST: US Central and China; BST: British Summer
/// and Bangladesh; AST; IST) give none: a wrong zone could move the article to another day.
fn zone_offset(name: &str) -> Option<i32> {
    const HOUR: i32 = 3600;
    let offset = match name.to_ascii_uppercase().as_str() {
        "UTC" | "GMT" | "UT" => 0,
        "CET" => HOUR,
        "CEST" => 2 * HOUR,
        "EST" => -5 * HOUR,
        "EDT" => -4 * HOUR,
        "CDT" => -5 * HOUR,
        "MST" => -7 * HOUR,
        "MDT" => -6 * HOUR,
        "PST" => -8 * HOUR,
        "PDT" => -7 * HOUR,
        _ => return None,
    };
    Some(offset)
}

/// The article's date from the dates a page states: the most trusted place's, its time
/// taken from a less trusted place that states the same day with a time when it gives
/// none, and a time given in UTC written in the zone the page states elsewhere (a page
/// whose meta tags say `-05:00` and whose JSON-LD says `Z` is filed under its own day).
pub fn choose(stated: &[Stated]) -> Option<ArticleDate> {
    let best = stated.iter().min_by_key(|s| s.place)?;
    let mut date = best.date;
    let mut offset = best.offset;
    if !date.has_time {
        let timed = stated
            .iter()
            .filter(|s| s.place != Place::Url && s.date.has_time)
            .find(|s| s.date.datetime.date() == date.datetime.date());
        if let Some(timed) = timed {
            date = timed.date;
            offset = timed.offset;
        }
    }
    if date.has_time && offset == Some(0) {
        let local = stated
            .iter()
            .filter_map(|s| s.offset)
            .find(|&o| o != 0 && o.abs() < 24 * 3600);
        if let Some(local) = local {
            date.datetime += Duration::seconds(i64::from(local));
        }
    }
    Some(date)
}

/// The date in a web address: `/2019/11/19/`, `/2019-11-19/`, `/20191119/`, `/2019/nov/19/`
/// (a year from 1990 on, so that other numbers in paths are not read as dates).
pub fn from_url(url: &str) -> Option<ArticleDate> {
    let path = url.split("://").nth(1).unwrap_or(url);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let day = |y: &str, m: u32, d: &str| -> Option<ArticleDate> {
        let year = y
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))?;
        let day = (d.len() <= 2).then(|| d.parse::<u32>().ok()).flatten()?;
        let date = NaiveDate::from_ymd_opt(year, m, day)?;
        Some(ArticleDate {
            datetime: date.and_time(NaiveTime::MIN),
            has_time: false,
        })
    };
    let month = |m: &str| -> Option<u32> {
        if m.len() <= 2 {
            m.parse::<u32>().ok()
        } else {
            super::date::month(m)
        }
    };
    for w in segments.windows(3) {
        if w[0].len() == 4 && w[0].bytes().all(|b| b.is_ascii_digit()) {
            if let Some(found) = month(w[1]).and_then(|m| day(w[0], m, w[2])) {
                return Some(found);
            }
        }
    }
    for segment in &segments {
        for piece in segment.split(['_', '.']) {
            let parts: Vec<&str> = piece.split('-').collect();
            for w in parts.windows(3) {
                if w[0].len() == 4 && w[1].len() == 2 && w[2].len() == 2 {
                    if let Some(found) = month(w[1]).and_then(|m| day(w[0], m, w[2])) {
                        return Some(found);
                    }
                }
            }
            for part in parts {
                if part.len() == 8 && part.bytes().all(|b| b.is_ascii_digit()) {
                    if let Some(found) =
                        month(&part[4..6]).and_then(|m| day(&part[..4], m, &part[6..]))
                    {
                        return Some(found);
                    }
                }
            }
        }
    }
    None
}

/// The longest date a line of text states, anywhere in it (`By Jane Doe | Published 2:14
/// PM ET Tue, 19 Nov 2019`), with its zone when it names UTC. Only short lines are read:
/// a date line is short, and the cost stays bounded.
pub fn from_text(text: &str) -> Option<(ArticleDate, Option<i32>)> {
    let text: String = text
        .chars()
        .map(|c| {
            if matches!(c, '|' | '•' | '·' | '—' | '–') {
                ' '
            } else {
                c
            }
        })
        .collect();
    if text.len() > 160 {
        return None;
    }
    if let Some(found) = with_zone(&text) {
        return Some(found);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut best: Option<(usize, usize, (ArticleDate, Option<i32>))> = None;
    for start in 0..words.len() {
        for end in (start + 1..=words.len().min(start + 9)).rev() {
            let len = end - start;
            if best.as_ref().is_some_and(|(l, _, _)| *l >= len) {
                break;
            }
            let candidate = words[start..end].join(" ");
            if let Some(found) = with_zone(&candidate) {
                best = Some((len, end, found));
                break;
            }
        }
    }
    let (len, end, found) = best?;
    if found.0.has_time {
        return Some(found);
    }
    // A day and its time apart, a label between them ("Monday, March 2, 1987 Posted: 10:52
    // AM EST"): the time a few words on is the day's.
    let day = &words[end - len..end];
    for skip in 1..=MAX_WORDS_BEFORE_TIME.min(words.len().saturating_sub(end)) {
        let after = &words[end + skip..];
        for take in (1..=3.min(after.len())).rev() {
            let candidate = [day, &after[..take]].concat().join(" ");
            if let Some(timed) = with_zone(&candidate).filter(|(d, _)| d.has_time) {
                return Some(timed);
            }
        }
    }
    Some(found)
}

/// Words a time may stand after the day it belongs to, in a line that gives both.
const MAX_WORDS_BEFORE_TIME: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> ArticleDate {
        match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
            Ok(datetime) => ArticleDate {
                datetime,
                has_time: true,
            },
            Err(_) => ArticleDate {
                datetime: s.parse::<NaiveDate>().unwrap().and_time(NaiveTime::MIN),
                has_time: false,
            },
        }
    }

    fn stated(place: Place, s: &str) -> Stated {
        let (date, offset) = with_zone(s).unwrap();
        Stated {
            place,
            date,
            offset,
        }
    }

    #[test]
    fn zones_are_read_with_the_date() {
        assert_eq!(
            with_zone("2019-11-19T13:16:00+05:30"),
            Some((at("2019-11-19T13:16:00"), Some(19800)))
        );
        assert_eq!(
            with_zone("2019-11-19T08:00:00Z"),
            Some((at("2019-11-19T08:00:00"), Some(0)))
        );
        assert_eq!(
            with_zone("Tue, 19 Nov 2019 08:00:00 -0500"),
            Some((at("2019-11-19T08:00:00"), Some(-18000)))
        );
        assert_eq!(
            with_zone("17 March 2017 10:04 GMT"),
            Some((at("2017-03-17T10:04:00"), Some(0)))
        );
        assert_eq!(with_zone("17 March 2017"), Some((at("2017-03-17"), None)));
        // Java's Date.toString(), as content systems write it into meta tags.
        assert_eq!(
            with_zone("Mon Aug 03 12:45:00 EDT 2015"),
            Some((at("2015-08-03T12:45:00"), Some(-14400)))
        );
        assert_eq!(with_zone("soon"), None);
    }

    #[test]
    fn the_most_trusted_place_wins_in_the_pages_zone() {
        let meta = stated(Place::Metadata, "2019-11-20T02:30:00Z");
        let time = stated(Place::Time, "2019-11-19T21:30:00-05:00");
        let url = Stated {
            place: Place::Url,
            date: at("2019-11-18"),
            offset: None,
        };
        assert_eq!(choose(&[url, time, meta]), Some(at("2019-11-19T21:30:00")));
        assert_eq!(choose(&[url, meta]), Some(at("2019-11-20T02:30:00")));
        assert_eq!(choose(&[url]), Some(at("2019-11-18")));
        assert_eq!(choose(&[]), None);
        // A day from the metadata takes its time from a place that gives one on that day.
        let day = stated(Place::Metadata, "2019-11-19");
        let shown = stated(Place::Dateline, "19 Nov 2019 10:04");
        assert_eq!(choose(&[day, shown]), Some(at("2019-11-19T10:04:00")));
        let other_day = stated(Place::Dateline, "18 Nov 2019 10:04");
        assert_eq!(choose(&[day, other_day]), Some(at("2019-11-19")));
    }

    #[test]
    fn dates_in_web_addresses() {
        for url in [
            "https://example.com/news/2019/11/19/story.html",
            "https://example.com/2019/nov/19/story",
            "https://example.com/news/2019-11-19/story",
            "https://example.com/story-2019-11-19.html",
            "https://example.com/a/20191119/story",
            "https://example.com/tuft-cells-20191119/",
        ] {
            assert_eq!(from_url(url), Some(at("2019-11-19")), "{url}");
        }
        for url in [
            "https://example.com/news/story-12345678",
            "https://example.com/1234/56/78/x",
            "https://example.com/2019/02/30/x",
            "https://example.com/",
            "",
        ] {
            assert_eq!(from_url(url), None, "{url}");
        }
    }

    #[test]
    fn dates_in_visible_lines() {
        assert_eq!(
            from_text("Published 2:14 PM ET Tue, 19 Nov 2019"),
            Some((at("2019-11-19"), None))
        );
        assert_eq!(
            from_text("By Jane Doe | November 19, 2019 10:04 AM"),
            Some((at("2019-11-19T10:04:00"), None))
        );
        assert_eq!(
            from_text("Updated 19 November 2019, 10:04 GMT"),
            Some((at("2019-11-19T10:04:00"), Some(0)))
        );
        // The label, weekday and commas of an old page's date line, its zone kept.
        assert_eq!(
            from_text("Last Updated: Sunday, 1 August, 2004, 08:54 GMT"),
            Some((at("2004-08-01T08:54:00"), Some(0)))
        );
        // A day and its time with a label between them, the time's zone kept.
        assert_eq!(
            from_text("Monday, March 2, 1987 Posted: 10:52 AM EST (1552 GMT)"),
            Some((at("1987-03-02T10:52:00"), Some(-5 * 3600)))
        );
        assert_eq!(from_text("Share this story on Twitter"), None);
        assert_eq!(from_text(&"19 Nov 2019 ".repeat(40)), None);
    }
}
