//! How many articles match a query per day, week, month or year, and the JSON shape of the
//! counts; `output/chart.rs` draws them (`dateline timeline`'s bar chart, `dateline search
//! --timeline`'s sparkline).
//!
//! Counting runs a collector over the matching documents only, reading each one's `date`
//! from the fast field (never stored documents), so it costs about as much as counting the
//! matches. Days are counted first; grouping days into periods afterwards is cheap, which
//! lets the period be chosen after seeing the span of the matches.
//!
//! Every period also counts `all`: every dated article the same filters let through,
//! whatever the words, so that attention shows as a share of what the archive holds for
//! that period (`share` = count / all) rather than rising with the archive's own size.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;
use serde_json::{json, Value};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, ColumnIndex};
use tantivy::query::Query;
use tantivy::{DateTime, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::choice::UnknownChoice;
use crate::index_dir::OpenIndex;
use crate::query::{self, Filters};
use crate::ranking::Ranking;
use crate::schema;

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Any case and spacing; plurals and `daily`-style words are taken too.
impl FromStr for Period {
    type Err = UnknownChoice;

    fn from_str(text: &str) -> Result<Period, UnknownChoice> {
        let word = text.trim().to_ascii_lowercase();
        Period::WORDS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|&(_, period)| period)
            .ok_or_else(|| UnknownChoice::new(text, "day, week, month or year"))
    }
}

/// What a timeline chart's bars measure: each period's share of every article (the default),
/// or its count of matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Share,
    Count,
}

impl Scale {
    pub fn name(self) -> &'static str {
        match self {
            Scale::Share => "share",
            Scale::Count => "count",
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Any case and spacing; plurals, `percent` and `matches` are taken too.
impl FromStr for Scale {
    type Err = UnknownChoice;

    fn from_str(text: &str) -> Result<Scale, UnknownChoice> {
        match text.trim().to_ascii_lowercase().as_str() {
            "share" | "shares" | "percent" | "%" => Ok(Scale::Share),
            "count" | "counts" | "matches" => Ok(Scale::Count),
            _ => Err(UnknownChoice::new(text, "share or count")),
        }
    }
}

/// The length of one bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    /// ISO weeks: Monday to Sunday.
    Week,
    Month,
    Year,
}

impl Period {
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }

    /// The words `--by` and `by=` take besides the period's name (plurals, `daily`, ...).
    const WORDS: [(&'static str, Period); 17] = [
        ("day", Period::Day),
        ("days", Period::Day),
        ("daily", Period::Day),
        ("d", Period::Day),
        ("week", Period::Week),
        ("weeks", Period::Week),
        ("weekly", Period::Week),
        ("w", Period::Week),
        ("month", Period::Month),
        ("months", Period::Month),
        ("monthly", Period::Month),
        ("m", Period::Month),
        ("year", Period::Year),
        ("years", Period::Year),
        ("yearly", Period::Year),
        ("annual", Period::Year),
        ("y", Period::Year),
    ];

    /// The period that suits a span of days: few enough bars to read, enough to see a shape.
    pub fn auto(first: NaiveDate, last: NaiveDate) -> Period {
        let days = (last - first).num_days() + 1;
        if days <= 60 {
            Period::Day
        } else if days <= 366 {
            Period::Week
        } else if days <= 3660 {
            Period::Month
        } else {
            Period::Year
        }
    }

    fn coarser(self) -> Option<Period> {
        match self {
            Period::Day => Some(Period::Week),
            Period::Week => Some(Period::Month),
            Period::Month => Some(Period::Year),
            Period::Year => None,
        }
    }

    /// The first day of the period holding `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => day,
            Period::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Period::Month => day.with_day(1).unwrap_or(day),
            Period::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day),
        }
    }

    /// The first day of the next period, given the first day of one.
    pub fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Day => start.checked_add_days(Days::new(1)),
            Period::Week => start.checked_add_days(Days::new(7)),
            Period::Month => start.checked_add_months(Months::new(1)),
            Period::Year => start.checked_add_months(Months::new(12)),
        }
    }
}

/// Matching articles per day (days since 1970-01-01, UTC) and those without a date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub days: BTreeMap<i64, u64>,
    pub undated: u64,
}

impl DayCounts {
    pub fn dated(&self) -> u64 {
        self.days.values().sum()
    }
}

const SECS_PER_DAY: i64 = 86_400;
/// 1970-01-01 counted from 0001-01-01 (day 1), as chrono counts.
const EPOCH_DAYS_FROM_CE: i64 = 719_163;

fn date_of_day(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day + EPOCH_DAYS_FROM_CE).ok()?)
}

/// Counts the matching documents per day of their `date` fast field.
pub struct DayCollector {
    pub field: String,
}

/// Per-segment counts: a dense array over the segment's span of days when that is small (the
/// usual case: a few years of news), a map otherwise (a stray date in year 1 or 9999).
pub struct DaySegmentCollector {
    column: Column<DateTime>,
    first_day: i64,
    dense: Vec<u64>,
    sparse: HashMap<i64, u64>,
    undated: u64,
    buffer: Vec<Option<DateTime>>,
}

/// Longest span of days counted in a dense array (about 270 years, 800 KB).
const DENSE_DAYS: i64 = 100_000;

impl DaySegmentCollector {
    #[inline]
    fn add(&mut self, date: Option<DateTime>) {
        let Some(date) = date else {
            self.undated += 1;
            return;
        };
        let day = date.into_timestamp_secs().div_euclid(SECS_PER_DAY);
        let slot = day - self.first_day;
        match self.dense.get_mut(slot.max(0) as usize) {
            Some(n) if slot >= 0 => *n += 1,
            _ => *self.sparse.entry(day).or_default() += 1,
        }
    }
}

impl Collector for DayCollector {
    type Fruit = DayCounts;
    type Child = DaySegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<DaySegmentCollector> {
        let column = segment.fast_fields().date(&self.field)?;
        let (first_day, span) = if column.num_docs() == 0 {
            (0, 0)
        } else {
            let first = column
                .min_value()
                .into_timestamp_secs()
                .div_euclid(SECS_PER_DAY);
            let last = column
                .max_value()
                .into_timestamp_secs()
                .div_euclid(SECS_PER_DAY);
            (first, last - first + 1)
        };
        let dense = if (1..=DENSE_DAYS).contains(&span) {
            vec![0; span as usize]
        } else {
            Vec::new()
        };
        Ok(DaySegmentCollector {
            column,
            first_day,
            dense,
            sparse: HashMap::new(),
            undated: 0,
            buffer: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DayCounts>) -> tantivy::Result<DayCounts> {
        let mut all = DayCounts::default();
        for fruit in fruits {
            all.undated += fruit.undated;
            for (day, n) in fruit.days {
                *all.days.entry(day).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for DaySegmentCollector {
    type Fruit = DayCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let date = self.column.first(doc);
        self.add(date);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        buffer.resize(docs.len(), None);
        self.column.first_vals(docs, &mut buffer);
        for date in buffer.iter() {
            self.add(*date);
        }
        self.buffer = buffer;
    }

    fn harvest(self) -> DayCounts {
        let mut days: BTreeMap<i64, u64> = self.sparse.into_iter().collect();
        for (i, n) in self.dense.into_iter().enumerate() {
            if n > 0 {
                *days.entry(self.first_day + i as i64).or_default() += n;
            }
        }
        DayCounts {
            days,
            undated: self.undated,
        }
    }
}

/// Counts per day the documents `query` matches.
pub fn count_days(searcher: &Searcher, query: &dyn Query) -> Result<DayCounts> {
    Ok(searcher.search(
        query,
        &DayCollector {
            field: schema::DATE.into(),
        },
    )?)
}

/// Matching articles per period.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub query: String,
    pub by: Period,
    /// The first day of each period and its count, every period from the first to the last
    /// (empty ones too).
    pub periods: Vec<(NaiveDate, u64)>,
    /// Per period (aligned with `periods`), every dated article the same filters let
    /// through, whatever the words: what [`Timeline::share`] divides by.
    pub all: Vec<u64>,
    /// Every matching article, dated or not.
    pub total: u64,
    /// Matching articles without a date: in no period.
    pub undated: u64,
    /// Articles the query matches that a date filter left out for having no date (not in
    /// `total`; 0 without a date filter).
    pub undated_left_out: u64,
    pub elapsed: Duration,
}

impl Timeline {
    /// The first and last day the periods cover.
    pub fn covered(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.periods.first()?.0;
        let last = self.periods.last()?.0;
        let end = self
            .by
            .next(last)
            .and_then(|d| d.pred_opt())
            .unwrap_or(last);
        Some((first, end))
    }

    /// Every article of the `i`th period (under the filters), 0 past the end.
    pub fn all_in(&self, i: usize) -> u64 {
        self.all.get(i).copied().unwrap_or(0)
    }

    /// The `i`th period's matches as a share of every article in it: 0 when it has none.
    pub fn share(&self, i: usize) -> f64 {
        share(self.periods.get(i).map_or(0, |p| p.1), self.all_in(i))
    }
}

/// `count / all`, and 0 when `all` is 0 (a period the archive holds nothing for).
pub fn share(count: u64, all: u64) -> f64 {
    if all == 0 {
        0.0
    } else {
        count as f64 / all as f64
    }
}

/// The periods of `by` (chosen from the span when None) that cover every day `counts` hold
/// and `from..=to` when given: the length of a period and each one's first day. Several
/// counts get the same periods, so that their series line up.
pub fn periods_over(
    counts: &[&DayCounts],
    by: Option<Period>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (Period, Vec<NaiveDate>) {
    let first_match = counts
        .iter()
        .filter_map(|c| c.days.keys().next())
        .min()
        .and_then(|d| date_of_day(*d));
    let last_match = counts
        .iter()
        .filter_map(|c| c.days.keys().next_back())
        .max()
        .and_then(|d| date_of_day(*d));
    let first = match (from, first_match) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let last = match (to, last_match) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let (Some(first), Some(last)) = (first, last) else {
        return (by.unwrap_or(Period::Month), Vec::new());
    };
    let by = by.unwrap_or_else(|| Period::auto(first, last));
    let mut starts = Vec::new();
    let mut start = by.start_of(first);
    while start <= last {
        starts.push(start);
        match by.next(start) {
            Some(next) => start = next,
            None => break,
        }
    }
    (by, starts)
}

/// `counts` summed per period of `by`, for the periods starting on `starts` (in order);
/// days outside them are left out.
pub fn per_period(counts: &DayCounts, by: Period, starts: &[NaiveDate]) -> Vec<u64> {
    let mut out = vec![0; starts.len()];
    for (day, n) in &counts.days {
        let Some(date) = date_of_day(*day) else {
            continue;
        };
        if let Ok(i) = starts.binary_search(&by.start_of(date)) {
            out[i] += n;
        }
    }
    out
}

/// Groups day counts into periods of `by` (chosen from the span when None), covering
/// `from..=to` when given and the matches' own span otherwise.
pub fn group(
    counts: &DayCounts,
    by: Option<Period>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (Period, Vec<(NaiveDate, u64)>) {
    let (by, starts) = periods_over(&[counts], by, from, to);
    let n = per_period(counts, by, &starts);
    (by, starts.into_iter().zip(n).collect())
}

/// One series to draw on shared periods: the query's text, the days of its matches, and
/// the days of every article its filters let through.
pub struct Counted<'a> {
    pub query: &'a str,
    pub matches: &'a DayCounts,
    pub all: &'a DayCounts,
    /// Matches a date filter left out for having no date.
    pub undated_left_out: u64,
}

/// Timelines of several series on the same periods: `by` (or the period their joint span
/// suits), covering every series' matches and `from..=to`, made coarser until at most
/// `max_periods`.
pub fn aligned(
    series: &[Counted<'_>],
    by: Option<Period>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    max_periods: usize,
) -> Vec<Timeline> {
    let matches: Vec<&DayCounts> = series.iter().map(|s| s.matches).collect();
    let (mut by, mut starts) = periods_over(&matches, by, from, to);
    while starts.len() > max_periods.max(1) {
        let Some(coarser) = by.coarser() else { break };
        (by, starts) = periods_over(&matches, Some(coarser), from, to);
    }
    series
        .iter()
        .map(|s| Timeline {
            query: s.query.to_string(),
            by,
            periods: starts
                .iter()
                .copied()
                .zip(per_period(s.matches, by, &starts))
                .collect(),
            all: per_period(s.all, by, &starts),
            total: s.matches.dated() + s.matches.undated,
            undated: s.matches.undated,
            undated_left_out: s.undated_left_out,
            elapsed: Duration::ZERO,
        })
        .collect()
}

/// Counts the articles matching `text` and `filters` per period, in what `searcher` sees.
pub fn run(
    searcher: &Searcher,
    open: &OpenIndex,
    text: &str,
    filters: &Filters,
    by: Option<Period>,
) -> Result<Timeline> {
    timeline(searcher, open, text, filters, by, usize::MAX)
}

/// The timeline `search --timeline` shows: the automatic period, made coarser until it fits
/// in `max_periods` characters.
pub fn for_search(
    searcher: &Searcher,
    open: &OpenIndex,
    text: &str,
    filters: &Filters,
    max_periods: usize,
) -> Result<Timeline> {
    timeline(searcher, open, text, filters, None, max_periods)
}

/// Counts per `by` (or the automatic period), coarsened until at most `max_periods`.
fn timeline(
    searcher: &Searcher,
    open: &OpenIndex,
    text: &str,
    filters: &Filters,
    by: Option<Period>,
    max_periods: usize,
) -> Result<Timeline> {
    let started = Instant::now();
    let ((matches, undated_left_out), all) = beside_all(searcher, open, filters, || {
        count(searcher, open, text, filters)
    })?;
    let one = Counted {
        query: text,
        matches: &matches,
        all: &all,
        undated_left_out,
    };
    let mut timelines = aligned(&[one], by, filters.from, filters.to, max_periods);
    let mut t = timelines
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no timeline"))?;
    t.elapsed = started.elapsed();
    Ok(t)
}

/// The days of the articles matching `text` under `filters`.
pub fn count(
    searcher: &Searcher,
    open: &OpenIndex,
    text: &str,
    filters: &Filters,
) -> Result<(DayCounts, u64)> {
    let built = query::build(
        &open.index,
        &open.fields,
        text,
        filters,
        &Ranking::default(),
    )?;
    // Counting needs the matches, not the ranking's extra clauses.
    let days = count_days(searcher, &*built.count_query)?;
    Ok((days, built.undated_left_out(searcher)?))
}

/// The days of every article `filters` let through, whatever the words: a timeline's `all`.
pub fn count_all(searcher: &Searcher, open: &OpenIndex, filters: &Filters) -> Result<DayCounts> {
    if !query::has_filters(filters) {
        if let Some(counts) = count_every_day(searcher)? {
            return Ok(counts);
        }
    }
    count_days(searcher, &*query::filter_query(&open.fields, filters))
}

/// Values read from a date column at a time.
const CHUNK: u32 = 4096;

/// Every article's day read straight from the date column, in chunks, without a query: what
/// [`count_all`] counts when nothing filters, several times faster than collecting every
/// document. None when a segment has deleted articles or articles with several dates (the
/// collector then counts).
fn count_every_day(searcher: &Searcher) -> Result<Option<DayCounts>> {
    let collector = DayCollector {
        field: schema::DATE.into(),
    };
    let mut fruits = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        if segment.alive_bitset().is_some() {
            return Ok(None);
        }
        let mut days = collector.for_segment(ord as SegmentOrdinal, segment)?;
        if matches!(days.column.index, ColumnIndex::Multivalued(_)) {
            return Ok(None);
        }
        let values = days.column.values.clone();
        let dated = values.num_vals();
        let mut buffer = vec![DateTime::default(); CHUNK as usize];
        let mut start = 0;
        while start < dated {
            let n = (dated - start).min(CHUNK);
            let chunk = &mut buffer[..n as usize];
            values.get_range(u64::from(start), chunk);
            for date in chunk.iter() {
                days.add(Some(*date));
            }
            start += n;
        }
        days.undated += u64::from(segment.max_doc().saturating_sub(dated));
        fruits.push(days.harvest());
    }
    Ok(Some(collector.merge_fruits(fruits)?))
}

/// Runs `work` (counting matches) while [`count_all`] counts on a thread of its own: the two
/// are independent, so a timeline with shares takes about as long as one without.
pub fn beside_all<T: Send>(
    searcher: &Searcher,
    open: &OpenIndex,
    filters: &Filters,
    work: impl FnOnce() -> Result<T>,
) -> Result<(T, DayCounts)> {
    std::thread::scope(|scope| {
        let all = scope.spawn(|| count_all(searcher, open, filters));
        let done = work();
        let all = all
            .join()
            .map_err(|_| anyhow::anyhow!("counting every article failed"))?;
        Ok((done?, all?))
    })
}

/// What `timeline --json` prints, keys in this order.
#[derive(Debug, Serialize)]
pub struct TimelineJson<'a> {
    pub query: &'a str,
    pub by: &'static str,
    pub total: u64,
    pub undated: u64,
    pub undated_left_out: u64,
    pub periods: Vec<PeriodJson>,
    pub elapsed_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct PeriodJson {
    /// The period's first day, `YYYY-MM-DD`.
    pub start: String,
    pub count: u64,
    /// Every dated article in the period under the same filters, whatever the words.
    pub all: u64,
    /// `count / all`; 0 when `all` is 0.
    pub share: f64,
}

/// `{"query", "by", "total", "undated", "undated_left_out", "periods": [{"start":
/// "1987-03-01", "count": N, "all": N, "share": F}], "elapsed_ms"}`.
pub fn to_json(t: &Timeline) -> TimelineJson<'_> {
    TimelineJson {
        query: &t.query,
        by: t.by.name(),
        total: t.total,
        undated: t.undated,
        undated_left_out: t.undated_left_out,
        periods: periods_json(t),
        elapsed_ms: t.elapsed.as_millis() as u64,
    }
}

/// The periods of `t` as JSON: start, count, all and share.
pub fn periods_json(t: &Timeline) -> Vec<PeriodJson> {
    t.periods
        .iter()
        .enumerate()
        .map(|(i, (start, count))| PeriodJson {
            start: start.format("%Y-%m-%d").to_string(),
            count: *count,
            all: t.all_in(i),
            share: t.share(i),
        })
        .collect()
}

/// Adds `"timeline": {"by", "periods"}` to search results' JSON, when there is a timeline.
pub fn add_to_json(results: &mut Value, t: Option<&Timeline>) {
    if let (Some(t), Some(obj)) = (t, results.as_object_mut()) {
        obj.insert(
            "timeline".into(),
            json!({"by": t.by.name(), "periods": periods_json(t), "undated": t.undated}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn day_of_date(date: NaiveDate) -> i64 {
        i64::from(date.num_days_from_ce()) - EPOCH_DAYS_FROM_CE
    }

    fn counts(days: &[(NaiveDate, u64)]) -> DayCounts {
        DayCounts {
            days: days.iter().map(|(d, n)| (day_of_date(*d), *n)).collect(),
            undated: 0,
        }
    }

    #[test]
    fn days_round_trip() {
        assert_eq!(day_of_date(d(1970, 1, 1)), 0);
        assert_eq!(date_of_day(day_of_date(d(1987, 3, 2))), Some(d(1987, 3, 2)));
        assert_eq!(date_of_day(-1), Some(d(1969, 12, 31)));
    }

    #[test]
    fn weeks_start_on_monday() {
        // 1987-03-01 was a Sunday.
        assert_eq!(Period::Week.start_of(d(1987, 3, 1)), d(1987, 2, 23));
        assert_eq!(Period::Week.start_of(d(1987, 3, 2)), d(1987, 3, 2));
        assert_eq!(Period::Week.start_of(d(1987, 3, 8)), d(1987, 3, 2));
        assert_eq!(Period::Month.start_of(d(1987, 3, 31)), d(1987, 3, 1));
        assert_eq!(Period::Year.start_of(d(1987, 3, 31)), d(1987, 1, 1));
    }

    #[test]
    fn empty_periods_are_kept() {
        let c = counts(&[(d(1987, 1, 5), 2), (d(1987, 3, 9), 1)]);
        let (by, periods) = group(&c, Some(Period::Month), None, None);
        assert_eq!(by, Period::Month);
        assert_eq!(
            periods,
            vec![(d(1987, 1, 1), 2), (d(1987, 2, 1), 0), (d(1987, 3, 1), 1)]
        );
        let (_, periods) = group(&c, Some(Period::Month), Some(d(1986, 12, 1)), None);
        assert_eq!(periods.len(), 4);
    }

    #[test]
    fn series_share_periods_and_shares_are_zero_without_articles() {
        let oil = counts(&[(d(1987, 1, 5), 2)]);
        let gas = counts(&[(d(1987, 3, 9), 1)]);
        let all = counts(&[(d(1987, 1, 6), 4), (d(1987, 3, 1), 2)]);
        let series = [
            Counted {
                query: "oil",
                matches: &oil,
                all: &all,
                undated_left_out: 0,
            },
            Counted {
                query: "gas",
                matches: &gas,
                all: &all,
                undated_left_out: 0,
            },
        ];
        let t = aligned(&series, Some(Period::Month), None, None, usize::MAX);
        assert_eq!(t[0].periods.len(), 3);
        assert_eq!(t[1].periods[0], (d(1987, 1, 1), 0));
        assert_eq!(t[0].all, [4, 0, 2]);
        assert_eq!(t[0].share(0), 0.5);
        assert_eq!(t[1].share(1), 0.0);
        assert_eq!(t[1].share(2), 0.5);
        assert_eq!("Counts".parse::<Scale>().unwrap(), Scale::Count);
        assert!("log".parse::<Scale>().is_err());
    }

    #[test]
    fn auto_period_follows_the_span() {
        assert_eq!(Period::auto(d(2017, 1, 1), d(2017, 2, 28)), Period::Day);
        assert_eq!(Period::auto(d(1987, 2, 26), d(1987, 10, 20)), Period::Week);
        assert_eq!(Period::auto(d(2010, 1, 1), d(2017, 1, 1)), Period::Month);
        assert_eq!(Period::auto(d(1990, 1, 1), d(2017, 1, 1)), Period::Year);
    }
}
