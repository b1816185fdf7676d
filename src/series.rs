//! Several timelines side by side on the same periods: one per query (`timeline Q1 Q2 ...`),
//! or one query's matches split by the top values of a facet (`--split source`), each with
//! its label. Also how several queries are named, and which one a bad query was.
//!
//! Each series is counted with the timeline's own collector. Series that share their
//! filters share one count of every article (`all`), so comparing five queries costs five
//! counts of matches and one of the archive.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;
use tantivy::query::{Occur, Query};
use tantivy::schema::Field;
use tantivy::Searcher;

use crate::choice::UnknownChoice;
use crate::facets;
use crate::index_dir::OpenIndex;
use crate::query::{self, Filters, QueryError};
use crate::ranking::Ranking;
use crate::schema::{self, Fields};
use crate::timeline::{self, count_days, Counted, DayCounts, Period, PeriodJson, Timeline};

/// A query and what it is called in a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    pub label: String,
    pub query: String,
}

/// The queries, named by `labels` in order, or each by its own text when there are none.
/// A number of labels that is not the number of queries is refused, naming the parameters
/// as the caller spells them (`--label`, `label`; `query`, `q`).
pub fn label_queries(
    queries: Vec<String>,
    labels: Vec<String>,
    label_name: &str,
    query_name: &str,
) -> Result<Vec<Labelled>, String> {
    if !labels.is_empty() && labels.len() != queries.len() {
        return Err(format!(
            "{} {} for {} {}: give one {label_name} per {query_name}, in order, or none",
            labels.len(),
            if labels.len() == 1 { "label" } else { "labels" },
            queries.len(),
            if queries.len() == 1 {
                "query"
            } else {
                "queries"
            },
        ));
    }
    let mut labels = labels.into_iter();
    Ok(queries
        .into_iter()
        .map(|query| Labelled {
            label: labels.next().unwrap_or_else(|| query.clone()),
            query,
        })
        .collect())
}

/// A query among several that makes no query: which one, and why.
#[derive(Debug)]
pub struct BadQuery {
    /// From 1, in the order given.
    pub position: usize,
    pub label: String,
    pub error: QueryError,
}

impl fmt::Display for BadQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 60;
        let mut label: String = self.label.chars().take(SHOWN).collect();
        if self.label.chars().count() > SHOWN {
            label.push('…');
        }
        write!(f, "query {} ('{label}'): {}", self.position, self.error)
    }
}

impl std::error::Error for BadQuery {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}

/// `err`, when it is a query that makes none, as the [`BadQuery`] at `index` (from 0).
pub fn naming(err: anyhow::Error, index: usize, q: &Labelled) -> anyhow::Error {
    match err.downcast::<QueryError>() {
        Ok(error) => BadQuery {
            position: index + 1,
            label: q.label.clone(),
            error,
        }
        .into(),
        Err(err) => err,
    }
}

/// The facet a timeline is split by: one series per top value among the matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Source,
    Place,
    Author,
    Collection,
}

impl Split {
    pub fn name(self) -> &'static str {
        match self {
            Split::Source => "source",
            Split::Place => "place",
            Split::Author => "author",
            Split::Collection => "collection",
        }
    }

    /// The fast field its values are counted in and the field its filter matches.
    fn fields(self, fields: &Fields) -> (&'static str, Field) {
        match self {
            Split::Source => (schema::SOURCE_FACET, fields.source),
            Split::Place => (schema::PLACE_FACET, fields.place),
            Split::Author => (schema::AUTHOR_FACET, fields.author_key),
            Split::Collection => (schema::COLLECTION_FACET, fields.collection),
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Any case and spacing; plurals are taken too.
impl FromStr for Split {
    type Err = UnknownChoice;

    fn from_str(text: &str) -> Result<Split, UnknownChoice> {
        match text.trim().to_ascii_lowercase().as_str() {
            "source" | "sources" => Ok(Split::Source),
            "place" | "places" => Ok(Split::Place),
            "author" | "authors" => Ok(Split::Author),
            "collection" | "collections" => Ok(Split::Collection),
            _ => Err(UnknownChoice::new(
                text,
                "source, place, author or collection",
            )),
        }
    }
}

/// Values a split shows when not told (`--top`), and the most it takes.
pub const DEFAULT_TOP: usize = 5;
pub const MAX_TOP: usize = 50;
/// The label of the series of the matches with none of the top values.
pub const OTHER: &str = "other";

/// One series: what it is called and its counts.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub timeline: Timeline,
}

/// Series on the same periods.
#[derive(Debug, Clone)]
pub struct Compared {
    pub by: Period,
    /// The facet the series split one query by, if they do.
    pub split: Option<Split>,
    pub series: Vec<Series>,
    pub elapsed: Duration,
}

impl Compared {
    /// True when any series has a match.
    pub fn any(&self) -> bool {
        self.series.iter().any(|s| s.timeline.total > 0)
    }
}

/// One timeline per query, on the same periods (`by`, or the one their joint span suits).
/// A query that makes none is a [`BadQuery`] naming it; one without matches is an empty
/// series.
pub fn timelines(
    searcher: &Searcher,
    open: &OpenIndex,
    queries: &[Labelled],
    filters: &Filters,
    by: Option<Period>,
) -> Result<Compared> {
    let started = Instant::now();
    // Every query has the same filters: the archive is counted once for all of them.
    let (matches, all) = timeline::beside_all(searcher, open, filters, || {
        let mut matches = Vec::with_capacity(queries.len());
        for (i, q) in queries.iter().enumerate() {
            let counts = timeline::count(searcher, open, &q.query, filters);
            matches.push(counts.map_err(|e| naming(e, i, q))?);
        }
        Ok(matches)
    })?;
    let counted: Vec<Counted<'_>> = queries
        .iter()
        .zip(&matches)
        .map(|(q, (m, left_out))| Counted {
            query: &q.query,
            matches: m,
            all: &all,
            undated_left_out: *left_out,
        })
        .collect();
    let labels = queries.iter().map(|q| q.label.clone());
    Ok(compare(&counted, labels, None, by, filters, started))
}

/// One timeline per top value of `split` among the matches of `text` (at most `top`), plus
/// [`OTHER`] for the matches with none of them when there are any. Each series' `all` is
/// every article with its value (or none of the top values) under the same filters, so a
/// share is of what that source, place or author published.
pub fn split(
    searcher: &Searcher,
    open: &OpenIndex,
    text: &str,
    filters: &Filters,
    by: Option<Period>,
    split: Split,
    top: usize,
) -> Result<Compared> {
    let started = Instant::now();
    let (facet, field) = split.fields(&open.fields);
    let built = query::build(
        &open.index,
        &open.fields,
        text,
        filters,
        &Ranking::default(),
    )?;
    let matches = &*built.count_query;
    let everything = query::filter_query(&open.fields, filters);
    let values: Vec<String> = facets::top_values(searcher, matches, facet, top.max(1))?
        .into_iter()
        .map(|v| v.value)
        .collect();
    let within = |q: &dyn Query, occur: Occur, names: &[String]| -> Result<DayCounts> {
        let restricted = query::restrict_also(q.box_clone(), occur, query::any_name(field, names));
        count_days(searcher, &*restricted)
    };
    let mut labels = Vec::new();
    let mut counts = Vec::new();
    for value in &values {
        let one = std::slice::from_ref(value);
        counts.push((
            within(matches, Occur::Must, one)?,
            within(&*everything, Occur::Must, one)?,
        ));
        labels.push(value.clone());
    }
    let rest = if values.is_empty() {
        count_days(searcher, matches)?
    } else {
        within(matches, Occur::MustNot, &values)?
    };
    if rest.dated() + rest.undated > 0 {
        let all = if values.is_empty() {
            count_days(searcher, &*everything)?
        } else {
            within(&*everything, Occur::MustNot, &values)?
        };
        counts.push((rest, all));
        labels.push(OTHER.to_string());
    }
    let counted: Vec<Counted<'_>> = counts
        .iter()
        .map(|(m, a)| Counted {
            query: text,
            matches: m,
            all: a,
            undated_left_out: 0,
        })
        .collect();
    Ok(compare(
        &counted,
        labels.into_iter(),
        Some(split),
        by,
        filters,
        started,
    ))
}

/// The series of `counted` on shared periods, each labelled in turn.
pub fn compare(
    counted: &[Counted<'_>],
    labels: impl Iterator<Item = String>,
    split: Option<Split>,
    by: Option<Period>,
    filters: &Filters,
    started: Instant,
) -> Compared {
    let timelines = timeline::aligned(counted, by, filters.from, filters.to, usize::MAX);
    let by = timelines
        .first()
        .map(|t| t.by)
        .or(by)
        .unwrap_or(Period::Month);
    let elapsed = started.elapsed();
    Compared {
        by,
        split,
        series: labels
            .zip(timelines)
            .map(|(label, mut timeline)| {
                timeline.elapsed = elapsed;
                Series { label, timeline }
            })
            .collect(),
        elapsed,
    }
}

/// What `timeline --json` prints for several series, keys in this order.
#[derive(Debug, Serialize)]
pub struct ComparedJson<'a> {
    pub by: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<&'static str>,
    pub series: Vec<SeriesJson<'a>>,
    pub elapsed_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct SeriesJson<'a> {
    pub label: &'a str,
    pub query: &'a str,
    pub total: u64,
    pub undated: u64,
    /// Matches a date filter left out for having no date.
    pub undated_left_out: u64,
    pub periods: Vec<PeriodJson>,
}

/// `{"by", "split"?, "series": [{"label", "query", "total", "undated", "undated_left_out", "periods": [{"start",
/// "count", "all", "share"}]}], "elapsed_ms"}`; every series has the same period starts.
pub fn to_json(c: &Compared) -> ComparedJson<'_> {
    ComparedJson {
        by: c.by.name(),
        split: c.split.map(Split::name),
        series: c
            .series
            .iter()
            .map(|s| SeriesJson {
                label: &s.label,
                query: &s.timeline.query,
                total: s.timeline.total,
                undated: s.timeline.undated,
                undated_left_out: s.timeline.undated_left_out,
                periods: timeline::periods_json(&s.timeline),
            })
            .collect(),
        elapsed_ms: c.elapsed.as_millis() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_queries_or_are_refused() {
        let q = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let got = label_queries(q(&["oil", "gas"]), q(&["Oil", "Gas"]), "--label", "query");
        assert_eq!(got.unwrap()[1].label, "Gas");
        let got = label_queries(q(&["oil", "gas"]), vec![], "--label", "query").unwrap();
        assert_eq!(got[0].label, "oil");
        let err = label_queries(q(&["oil", "gas"]), q(&["Oil"]), "--label", "query");
        assert_eq!(
            err.unwrap_err(),
            "1 label for 2 queries: give one --label per query, in order, or none"
        );
    }

    #[test]
    fn split_values() {
        assert_eq!("Sources".parse::<Split>().unwrap(), Split::Source);
        assert_eq!("collection".parse::<Split>().unwrap(), Split::Collection);
        let err = "outlet".parse::<Split>().unwrap_err();
        assert_eq!(
            err.message("--split"),
            "invalid --split 'outlet': use source, place, author or collection"
        );
    }
}
