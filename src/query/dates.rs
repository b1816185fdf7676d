//! Dates in queries: the days a `date:` value selects, the date clauses taken out of the
//! query text before parsing, and the zero-scored filters they become.

use std::ops::Bound;

use chrono::{Months, NaiveDate};
use tantivy::query::{ExistsQuery, Query, RangeQuery};
use tantivy::schema::Term;
use tantivy::DateTime;

use super::{QueryError, Result};
use crate::schema::{self, Fields};

/// A half-open span of days `[start, end)`; `None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySpan {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// A date clause found in the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateClause {
    pub span: DaySpan,
    pub negated: bool,
}

/// How to write a date, for errors about one.
pub const DATE_HELP: &str =
    "write dates as YYYY-MM-DD (2017-03-17), YYYY-MM (a whole month) or YYYY (a whole year)";

/// Reads a day, month or year as the span of days it covers.
pub fn parse_day_span(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)? as i32;
            Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y + 1, 1, 1)?,
            ))
        }
        [y, m] => {
            let start = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, 1)?;
            Some((start, start.checked_add_months(Months::new(1))?))
        }
        [y, m, d] => {
            let day = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)?;
            Some((day, day.succ_opt()?))
        }
        _ => None,
    }
}

/// Reads a `from` or `to` bound (a day, month or year): its first day, or with `end` its
/// last (`to 2017-03` is 2017-03-31); the error names the bound as the caller spells it.
pub fn parse_day_bound(text: &str, name: &str, end: bool) -> Result<NaiveDate, String> {
    let (first, after) = parse_day_span(text)
        .ok_or_else(|| format!("invalid date '{text}' for {name}: {DATE_HELP}"))?;
    Ok(if end {
        after.pred_opt().unwrap_or(after)
    } else {
        first
    })
}

pub(super) fn span_of(text: &str, what: &str) -> Result<(NaiveDate, NaiveDate)> {
    parse_day_span(text)
        .ok_or_else(|| QueryError::Date(format!("invalid date '{text}' in {what}: {DATE_HELP}")))
}

/// Parses the value after `date:` into the days it selects.
pub fn parse_date_value(value: &str) -> Result<DaySpan> {
    let what = format!("date:{value}");
    if let Some(inner) = value
        .strip_prefix(['[', '{'])
        .and_then(|v| v.strip_suffix([']', '}']))
    {
        let lower_inclusive = value.starts_with('[');
        let upper_inclusive = value.ends_with(']');
        let (a, b) = inner
            .split_once(" TO ")
            .or_else(|| inner.split_once(" to "))
            .ok_or_else(|| {
                QueryError::Date(format!(
                    "invalid date range '{value}': write date:[2017-03-01 TO 2017-03-31]"
                ))
            })?;
        let (a, b) = (a.trim(), b.trim());
        let start = match a {
            "*" => None,
            _ => {
                let (s, e) = span_of(a, &what)?;
                Some(if lower_inclusive { s } else { e })
            }
        };
        let end = match b {
            "*" => None,
            _ => {
                let (s, e) = span_of(b, &what)?;
                Some(if upper_inclusive { e } else { s })
            }
        };
        let span = DaySpan { start, end };
        check_span(span, &what)?;
        return Ok(span);
    }
    for (op, f) in [(">=", 0u8), ("<=", 1), (">", 2), ("<", 3)] {
        if let Some(rest) = value.strip_prefix(op) {
            let (s, e) = span_of(rest, &what)?;
            return Ok(match f {
                0 => DaySpan {
                    start: Some(s),
                    end: None,
                },
                1 => DaySpan {
                    start: None,
                    end: Some(e),
                },
                2 => DaySpan {
                    start: Some(e),
                    end: None,
                },
                _ => DaySpan {
                    start: None,
                    end: Some(s),
                },
            });
        }
    }
    let (s, e) = span_of(value, &what)?;
    Ok(DaySpan {
        start: Some(s),
        end: Some(e),
    })
}

/// Splits the date clauses out of a query, returning the rest of the text and the clauses.
/// Quoted phrases are left alone, so `"date: 2017"` is still a phrase.
pub fn extract_date_clauses(query: &str) -> Result<(String, Vec<DateClause>)> {
    let chars: Vec<char> = query.chars().collect();
    let mut rest = String::with_capacity(query.len());
    let mut clauses = Vec::new();
    let mut i = 0;
    let mut in_quotes = false;
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            in_quotes = !in_quotes;
            rest.push(c);
            i += 1;
            continue;
        }
        if !in_quotes && c == '(' {
            depth += 1;
        } else if !in_quotes && c == ')' {
            depth = depth.saturating_sub(1);
        }
        let at_word_start = i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '(';
        if !in_quotes && at_word_start {
            let mut j = i;
            let mut negated = false;
            if matches!(chars[j], '-' | '+') {
                negated = chars[j] == '-';
                j += 1;
            }
            let word: String = chars[j..].iter().take(5).collect();
            if word.eq_ignore_ascii_case("date:") {
                j += 5;
                let start = j;
                if j < chars.len() && matches!(chars[j], '[' | '{') {
                    while j < chars.len() && !matches!(chars[j], ']' | '}') {
                        j += 1;
                    }
                    if j == chars.len() {
                        refuse!(Date, "unclosed date range in '{query}': close it with ] (date:[2017-03-01 TO 2017-03-31])");
                    }
                    j += 1;
                } else {
                    while j < chars.len() && !chars[j].is_whitespace() && chars[j] != ')' {
                        j += 1;
                    }
                }
                let value: String = chars[start..j].iter().collect();
                if value.is_empty() {
                    refuse!(
                        Date,
                        "date: needs a value, e.g. date:2017-03-17 or date:>=2017-03-01"
                    );
                }
                // A clause inside brackets or joined to its neighbours by AND / OR stays in
                // the text and takes its place in the boolean structure (see `convert`);
                // a free-standing one is a filter on the whole query.
                let mut before = rest.split_whitespace().rev();
                let prev = match before.next() {
                    Some("NOT") => before.next(),
                    other => other,
                };
                let next: String = chars[j..]
                    .iter()
                    .skip_while(|c| c.is_whitespace())
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let joined = |w: Option<&str>| matches!(w, Some("AND" | "OR" | "&&" | "||"));
                if depth > 0 || joined(prev) || joined(Some(&next)) {
                    rest.extend(&chars[i..j]);
                    i = j;
                    continue;
                }
                // `NOT date:...` negates too; drop the NOT from the words.
                let trimmed = rest.trim_end();
                if trimmed.ends_with(" NOT") || trimmed == "NOT" {
                    negated = true;
                    let cut = trimmed.len() - 3;
                    rest.truncate(cut);
                }
                clauses.push(DateClause {
                    span: parse_date_value(&value)?,
                    negated,
                });
                i = j;
                continue;
            }
        }
        rest.push(c);
        i += 1;
    }
    Ok((rest.trim().to_string(), clauses))
}

fn day_term(fields: &Fields, day: NaiveDate) -> Term {
    let secs = day
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp())
        .unwrap_or_default();
    Term::from_field_date(fields.date, DateTime::from_timestamp_secs(secs))
}

/// A filter for the days in `span` (articles without a date never match one).
pub fn date_filter(fields: &Fields, span: DaySpan) -> Box<dyn Query> {
    let lower = span
        .start
        .map_or(Bound::Unbounded, |d| Bound::Included(day_term(fields, d)));
    let upper = span
        .end
        .map_or(Bound::Unbounded, |d| Bound::Excluded(day_term(fields, d)));
    if matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
        // Both ends open: every dated article, those with a value in the date's column (a
        // bound at the year 1 would overflow the nanoseconds tantivy keeps).
        return Box::new(ExistsQuery::new(schema::DATE.to_string(), false));
    }
    Box::new(RangeQuery::new(lower, upper))
}

/// A date range that selects no day is a mistake worth saying so.
pub(super) fn check_span(span: DaySpan, text: &str) -> Result<()> {
    if let (Some(start), Some(end)) = (span.start, span.end) {
        if start >= end {
            refuse!(Date,
                "the date range in '{text}' selects no day: put the earlier date first (date:[2017-03-01 TO 2017-03-31])"
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn day_month_and_year_spans() {
        assert_eq!(
            parse_day_span("2017-03-17"),
            Some((d(2017, 3, 17), d(2017, 3, 18)))
        );
        assert_eq!(
            parse_day_span("2017-03"),
            Some((d(2017, 3, 1), d(2017, 4, 1)))
        );
        assert_eq!(
            parse_day_span("2017-12"),
            Some((d(2017, 12, 1), d(2018, 1, 1)))
        );
        assert_eq!(parse_day_span("2017"), Some((d(2017, 1, 1), d(2018, 1, 1))));
        assert_eq!(parse_day_span("2017-02-30"), None);
        assert_eq!(parse_day_span("17/03/2017"), None);
        assert_eq!(parse_day_span("2017-3-1"), None);
    }

    #[test]
    fn date_values() {
        let span = |s, e| DaySpan { start: s, end: e };
        assert_eq!(
            parse_date_value("[2017-03-01 TO 2017-03-31]").unwrap(),
            span(Some(d(2017, 3, 1)), Some(d(2017, 4, 1)))
        );
        assert_eq!(
            parse_date_value("{2017-03-01 TO 2017-03-31}").unwrap(),
            span(Some(d(2017, 3, 2)), Some(d(2017, 3, 31)))
        );
        assert_eq!(
            parse_date_value("[2017-03 TO *]").unwrap(),
            span(Some(d(2017, 3, 1)), None)
        );
        assert_eq!(
            parse_date_value(">=2017-03-01").unwrap(),
            span(Some(d(2017, 3, 1)), None)
        );
        assert_eq!(
            parse_date_value(">2017-03-01").unwrap(),
            span(Some(d(2017, 3, 2)), None)
        );
        assert_eq!(
            parse_date_value("<=2017-03").unwrap(),
            span(None, Some(d(2017, 4, 1)))
        );
        assert_eq!(
            parse_date_value("<2017-03-05").unwrap(),
            span(None, Some(d(2017, 3, 5)))
        );
        assert!(parse_date_value("yesterday").is_err());
        assert!(parse_date_value("[2017-03-01 2017-03-31]").is_err());
    }

    #[test]
    fn date_clauses_come_out_of_the_words() {
        let (rest, clauses) =
            extract_date_clauses("THAAD date:[2017-03-01 TO 2017-03-31] South -date:2017-03-17")
                .unwrap();
        assert_eq!(rest, "THAAD  South");
        assert_eq!(clauses.len(), 2);
        assert!(!clauses[0].negated);
        assert!(clauses[1].negated);
        let (rest, clauses) = extract_date_clauses("\"date:2017\" korea NOT date:2017").unwrap();
        assert_eq!(rest, "\"date:2017\" korea");
        assert_eq!(clauses.len(), 1);
        assert!(clauses[0].negated);
        assert!(extract_date_clauses("x date:[2017-01-01 TO").is_err());
        assert!(extract_date_clauses("x date:").is_err());
    }
}
