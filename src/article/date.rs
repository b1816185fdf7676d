//! Reading the dates news exports write: `17 March 2017`, `Friday, March 17, 2017`,
//! `2017-03-17T09:30:00+09:00`, `17-MAR-2017 15:01:01.79`, `March 17, 2017 10:04 AM`, ...
//!
//! Written by hand over whitespace/comma separated tokens rather than by trying a list of
//! chrono format strings: one pass covers every combination of weekday, day/month order,
//! ordinal suffix, time, AM/PM and zone, and nothing is compiled or allocated per call.

use chrono::{NaiveDate, NaiveTime};

use super::ArticleDate;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words exports put in front of a date line ("Published: ...", "Last updated on ...").
const LABELS: [&str; 8] = [
    "published",
    "updated",
    "posted",
    "date",
    "dated",
    "last",
    "first",
    "on",
];

/// Zone names are dropped like numeric offsets: the wall-clock time as printed is kept.
const ZONES: [&str; 28] = [
    "z", "ut", "utc", "gmt", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "et", "ct",
    "mt", "pt", "bst", "cet", "cest", "eet", "eest", "wet", "west", "jst", "kst", "ist", "hkt",
    "sgt",
];

/// Parses a date (and time, when given) as written. An explicit zone or offset is dropped,
/// not converted, so the day a reader sees printed is the day the article is filed under.
/// Impossible dates (31 February) and anything with words left over are `None`.
pub fn parse_date(s: &str) -> Option<ArticleDate> {
    let mut toks = tokens(s);
    let mut tok = toks.next()?;
    while is_label(tok) {
        tok = toks.next()?;
    }
    if weekday(tok) {
        tok = toks.next()?;
    }

    let (date, mut time) = if let Some(found) = iso_date(tok) {
        found?
    } else if let Some(date) = dmy_hyphenated(tok) {
        (date, None)
    } else if let Some(day) = day_number(tok) {
        let month = month(toks.next()?)?;
        let year = year(toks.next()?)?;
        (NaiveDate::from_ymd_opt(year, month, day)?, None)
    } else if let Some(month) = month(tok) {
        let day = day_number(toks.next()?)?;
        let year = year(toks.next()?)?;
        (NaiveDate::from_ymd_opt(year, month, day)?, None)
    } else {
        return None;
    };

    let mut toks = toks.peekable();
    if time.is_none() {
        if let Some(&t) = toks.peek() {
            if matches!(t, "at" | "-" | "|" | "@" | "T") {
                toks.next();
            }
            time = Some(clock(toks.next()?, &mut toks)?);
        }
    }
    // Only zone names may follow a time; any other word means this was not just a date.
    if toks.all(is_zone) {
        Some(ArticleDate {
            datetime: date.and_time(time.unwrap_or(NaiveTime::MIN)),
            has_time: time.is_some(),
        })
    } else {
        None
    }
}

/// True when a header line is evidently an attempt at a date even though [`parse_date`]
/// cannot read it (`31 February 2017`, `2017-13-45`, `03/17/2017`), so the caller can warn
/// instead of mistaking it for the first line of the body. Every word must be date-like and
/// at least one must be a digit-bearing date or time.
pub(super) fn looks_like_date(s: &str) -> bool {
    let mut has_digit = false;
    let mut has_anchor = false;
    for t in tokens(s) {
        let digits = t.bytes().any(|b| b.is_ascii_digit());
        has_digit |= digits;
        if month(t).is_some() || weekday(t) || dmy_hyphenated_parts(t).is_some() {
            has_anchor = true;
        } else if digits && numeric_like(t) {
            let separators = t.bytes().filter(|b| b"-/.".contains(b)).count();
            has_anchor |= separators >= 2 || t.contains(':');
        } else if !(is_label(t)
            || is_zone(t)
            || am_pm(t).is_some()
            || matches!(t, "at" | "of" | "the" | "-" | "|" | "@"))
        {
            return false;
        }
    }
    has_digit && has_anchor
}

fn tokens(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
}

fn is_label(t: &str) -> bool {
    let t = t.strip_suffix(':').unwrap_or(t);
    LABELS.iter().any(|l| l.eq_ignore_ascii_case(t))
}

/// `Fri`, `Fri.`, `Thurs`, `Friday`: any prefix of at least three letters of the name.
fn name_prefix(t: &str, names: &[&str]) -> Option<usize> {
    let t = t.strip_suffix('.').unwrap_or(t);
    if t.len() < 3 {
        return None;
    }
    names.iter().position(|n| {
        n.len() >= t.len() && n.as_bytes()[..t.len()].eq_ignore_ascii_case(t.as_bytes())
    })
}

/// `Fri`, `Fri.`, `Thurs`, `FRIDAY`: a weekday's name or its abbreviation.
pub(crate) fn weekday(t: &str) -> bool {
    name_prefix(t, &WEEKDAYS).is_some()
}

/// `Mar`, `Mar.`, `Sept.`, `MARCH`, `march`.
pub(crate) fn month(t: &str) -> Option<u32> {
    name_prefix(t, &MONTHS).map(|i| i as u32 + 1)
}

fn digits(t: &str, min: usize, max: usize) -> Option<u32> {
    if t.len() < min || t.len() > max || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// `17`, `17th`, `1st`, `2ND`.
fn day_number(t: &str) -> Option<u32> {
    let end = t.bytes().take_while(u8::is_ascii_digit).count();
    let suffix = &t[end..];
    let ordinal = ["", "st", "nd", "rd", "th"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(suffix));
    if ordinal {
        digits(&t[..end], 1, 2)
    } else {
        None
    }
}

/// Four digits only: a two-digit year would need a guess at the century.
fn year(t: &str) -> Option<i32> {
    digits(t.strip_suffix('.').unwrap_or(t), 4, 4).map(|y| y as i32)
}

type DateAndTime = (NaiveDate, Option<NaiveTime>);

/// `2017-03-17`, `2017/03/17`, optionally followed by `T` and a time (`2017-03-17T09:30Z`).
/// Returns `None` when the token is not in this form at all, `Some(None)` when it is but
/// cannot be a real date or time.
fn iso_date(t: &str) -> Option<Option<DateAndTime>> {
    let b = t.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || !matches!(b[4], b'-' | b'/') {
        return None;
    }
    let sep = b[4] as char;
    let (date_part, time_part) = match t.find(['T', 't']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mut parts = date_part.split(sep);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let date = || {
        let date =
            NaiveDate::from_ymd_opt(digits(y, 4, 4)? as i32, digits(m, 1, 2)?, digits(d, 1, 2)?)?;
        let time = match time_part {
            Some(tp) => Some(clock(tp, &mut std::iter::empty())?),
            None => None,
        };
        Some((date, time))
    };
    Some(date())
}

/// `17-MAR-2017`, the form VMS-era wire systems stamp.
fn dmy_hyphenated(t: &str) -> Option<NaiveDate> {
    let (d, m, y) = dmy_hyphenated_parts(t)?;
    NaiveDate::from_ymd_opt(y, m, d)
}

fn dmy_hyphenated_parts(t: &str) -> Option<(u32, u32, i32)> {
    let mut parts = t.split('-');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((digits(d, 1, 2)?, month(m)?, year(y)?))
}

/// Reads `HH:MM[:SS[.fff]]` (or a bare hour when AM/PM follows) from `t`, then an AM/PM
/// and a zone either glued to it (`10:04AM`, `09:30:00+09:00`) or as the next token.
fn clock<'a>(t: &'a str, rest: &mut impl Iterator<Item = &'a str>) -> Option<NaiveTime> {
    let b = t.as_bytes();
    let mut i = 0;
    let field = |i: &mut usize, max_len: usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < max_len && b[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == start {
            return None;
        }
        t[start..*i].parse().ok()
    };
    let hour = field(&mut i, 2)?;
    let mut minute = None;
    let mut second = 0;
    let mut nanos = 0;
    if b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        minute = Some(field(&mut i, 2)?);
        if i - start != 2 {
            return None;
        }
        if b.get(i) == Some(&b':') {
            i += 1;
            let start = i;
            second = field(&mut i, 2)?;
            if i - start != 2 {
                return None;
            }
            if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit)
            {
                i += 1;
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let frac = &t[start..i];
                // Digits beyond nanoseconds carry nothing a reader would see.
                let kept = &frac[..frac.len().min(9)];
                nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32);
            }
        }
    }

    let glued = &t[i..];
    let meridiem = if glued.is_empty() {
        match rest.next() {
            None => None,
            Some(next) => match am_pm(next) {
                Some(pm) => Some(pm),
                None if is_zone(next) => None,
                None => return None,
            },
        }
    } else if let Some(m) = am_pm(glued) {
        Some(m)
    } else if is_zone(glued) {
        None
    } else {
        return None;
    };

    let hour = match meridiem {
        Some(pm) => {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour % 12 + if pm { 12 } else { 0 }
        }
        // A bare `10` is a time only with AM/PM after it.
        None if minute.is_none() => return None,
        None => hour,
    };
    NaiveTime::from_hms_nano_opt(hour, minute.unwrap_or(0), second, nanos)
}

/// `Some(true)` for PM, `Some(false)` for AM, in the spellings `pm`, `PM`, `p.m.`, `p.m`.
fn am_pm(t: &str) -> Option<bool> {
    let t = t.strip_suffix('.').unwrap_or(t);
    if t.eq_ignore_ascii_case("am") || t.eq_ignore_ascii_case("a.m") {
        Some(false)
    } else if t.eq_ignore_ascii_case("pm") || t.eq_ignore_ascii_case("p.m") {
        Some(true)
    } else {
        None
    }
}

/// `Z`, `GMT`, `(EST)`, `+09:00`, `-0500`, `+09`, `UTC+9`, `GMT-05:00`.
fn is_zone(t: &str) -> bool {
    let t = t
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(t);
    if ZONES.iter().any(|z| z.eq_ignore_ascii_case(t)) {
        return true;
    }
    let named = t
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("utc") || p.eq_ignore_ascii_case("gmt"));
    let offset = if named { &t[3..] } else { t };
    let Some(num) = offset.strip_prefix(['+', '-']) else {
        return false;
    };
    let (h, m) = num.split_once(':').unwrap_or((num, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    all_digits(h) && all_digits(m) && matches!((h.len(), m.len()), (1 | 2 | 4, 0) | (1 | 2, 2))
}

/// Digits with the separators and letters dates and times are written with.
fn numeric_like(t: &str) -> bool {
    let end = t.bytes().take_while(u8::is_ascii_digit).count();
    if end > 0 && day_number(t).is_some() {
        return true;
    }
    t.bytes()
        .all(|b| b.is_ascii_digit() || b"-/.:+TZtz".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, s)
            .unwrap()
    }

    fn day(s: &str) -> ArticleDate {
        ArticleDate {
            datetime: s.parse::<NaiveDate>().unwrap().and_time(NaiveTime::MIN),
            has_time: false,
        }
    }

    fn timed(dt: NaiveDateTime) -> ArticleDate {
        ArticleDate {
            datetime: dt,
            has_time: true,
        }
    }

    #[test]
    fn day_month_year_forms() {
        for s in [
            "17 March 2017",
            "17 Mar 2017",
            "17 Mar. 2017",
            "17 march 2017",
            "17 MARCH 2017",
            "17th March 2017",
            "17 March, 2017",
            "Friday, 17 March 2017",
            "Fri 17 Mar 2017",
            "17-MAR-2017",
            "17-Mar-2017",
            "  17 March 2017  ",
        ] {
            assert_eq!(parse_date(s), Some(day("2017-03-17")), "{s}");
        }
    }

    #[test]
    fn month_day_year_forms() {
        for s in [
            "March 17, 2017",
            "Mar. 17, 2017",
            "Mar 17 2017",
            "MARCH 17, 2017",
            "march 17th, 2017",
            "Friday, March 17, 2017",
            "FRIDAY, MARCH 17, 2017",
        ] {
            assert_eq!(parse_date(s), Some(day("2017-03-17")), "{s}");
        }
        assert_eq!(parse_date("Sept. 17, 2017"), Some(day("2017-09-17")));
        assert_eq!(parse_date("Sept 17, 2017"), Some(day("2017-09-17")));
        assert_eq!(parse_date("Sep. 17, 2017"), Some(day("2017-09-17")));
        assert_eq!(parse_date("26 February 1987"), Some(day("1987-02-26")));
    }

    #[test]
    fn iso_dates_and_rfc3339_keep_wall_clock_time() {
        assert_eq!(parse_date("2017-03-17"), Some(day("2017-03-17")));
        assert_eq!(parse_date("2017/03/17"), Some(day("2017-03-17")));
        let t = timed(at(2017, 3, 17, 9, 30, 0));
        for s in [
            "2017-03-17T09:30:00Z",
            "2017-03-17T09:30:00+09:00",
            "2017-03-17T09:30:00-05:00",
            "2017-03-17t09:30:00z",
            "2017-03-17T09:30:00+0900",
            "2017-03-17T09:30Z",
            "2017-03-17 09:30:00",
            "2017-03-17 09:30:00 +09:00",
            "2017-03-17 09:30 UTC",
        ] {
            assert_eq!(parse_date(s), Some(t), "{s}");
        }
        let frac = parse_date("2017-03-17T09:30:00.250+09:00").unwrap();
        assert_eq!(
            frac.datetime,
            at(2017, 3, 17, 9, 30, 0) + chrono::Duration::milliseconds(250)
        );
    }

    #[test]
    fn times_are_kept() {
        let d = parse_date("17-MAR-2017 15:01:01.79").unwrap();
        assert!(d.has_time);
        assert_eq!(
            d.datetime,
            at(2017, 3, 17, 15, 1, 1) + chrono::Duration::milliseconds(790)
        );
        let am = timed(at(2017, 3, 17, 10, 4, 0));
        for s in [
            "March 17, 2017 10:04 AM",
            "March 17, 2017 10:04 am",
            "March 17, 2017 10:04AM",
            "March 17, 2017 10:04 a.m.",
            "March 17, 2017, 10:04 a.m. EST",
            "March 17, 2017 at 10:04 AM",
            "Friday, March 17, 2017 10:04",
            "17 March 2017 10:04 GMT",
            "17 March 2017 10:04 (GMT)",
            "17 March 2017 10am",
        ] {
            let want = if s.ends_with("10am") {
                timed(at(2017, 3, 17, 10, 0, 0))
            } else {
                am
            };
            assert_eq!(parse_date(s), Some(want), "{s}");
        }
        assert_eq!(
            parse_date("March 17, 2017 10:04 PM"),
            Some(timed(at(2017, 3, 17, 22, 4, 0)))
        );
        assert_eq!(
            parse_date("March 17, 2017 12:30 AM"),
            Some(timed(at(2017, 3, 17, 0, 30, 0)))
        );
        assert_eq!(
            parse_date("March 17, 2017 12:30 PM"),
            Some(timed(at(2017, 3, 17, 12, 30, 0)))
        );
    }

    #[test]
    fn labels_before_the_date_are_skipped() {
        assert_eq!(
            parse_date("Published: 17 March 2017"),
            Some(day("2017-03-17"))
        );
        assert_eq!(
            parse_date("Last updated on March 17, 2017"),
            Some(day("2017-03-17"))
        );
        assert_eq!(parse_date("Updated 2017-03-17"), Some(day("2017-03-17")));
    }

    #[test]
    fn impossible_or_incomplete_dates_are_rejected() {
        for s in [
            "",
            "   ",
            "31 February 2017",
            "February 30, 2017",
            "2017-02-31",
            "2017-13-01",
            "2017-03-17T25:00:00Z",
            "2017-03-17T09:60Z",
            "17 March 17",
            "March 2017",
            "17 Smarch 2017",
            "March 17, 2017 13:00 PM",
            "March 17, 2017 10",
            "17 March 2017 was a Friday",
            "03/17/2017",
            "Friday",
            "Published:",
            "2017-03-17T",
            "2017-03-17T09:30:00+9:0",
        ] {
            assert_eq!(parse_date(s), None, "{s:?}");
        }
    }

    #[test]
    fn date_attempts_are_recognised() {
        for s in [
            "31 February 2017",
            "Feb. 31, 2017",
            "2017-02-31",
            "2017-13-45T10:00:00Z",
            "03/17/2017",
            "17.03.2017",
            "Updated: 31 Feb 2017 10:04",
            "Friday 17",
        ] {
            assert!(looks_like_date(s), "{s:?}");
        }
        for s in [
            "Shares rose 5 pct in March",
            "US GDP UP 5.5 PCT",
            "March",
            "The Japan News",
            "TOKYO - Japan and the U.S. agreed on March 17, 2017 to coordinate",
            "",
        ] {
            assert!(!looks_like_date(s), "{s:?}");
        }
    }
}
