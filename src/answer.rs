//! What the read-only commands answer, from a request to the data and the JSON object
//! `--json` prints. The command line (`commands`) and the HTTP API (`serve`) both call these,
//! so `GET /api/search` returns exactly what `dateline search --json` prints.
//!
//! Each takes a [`Searcher`]: a command opens one reader for its one answer, the server
//! holds one reader for all of them.

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;
use tantivy::{DocAddress, Searcher};

use crate::facets::Facets;
use crate::index_dir::OpenIndex;
use crate::output::json;
use crate::query::Filters;
use crate::search::{self, Request, Results};
use crate::series::{self, Compared, Labelled, Split};
use crate::show::{self, Shown};
use crate::similar;
use crate::snippet;
use crate::terms::{self, Terms};
use crate::timeline::{self, DayCounts, Period, Timeline};

/// A search's results and, when asked for, its timeline.
#[derive(Debug, Clone)]
pub struct Searched {
    pub results: Results,
    pub timeline: Option<Timeline>,
}

impl Searched {
    /// `dateline search --json`.
    pub fn to_json(&self) -> Value {
        json::results_json(&self.results, self.timeline.as_ref())
    }
}

/// Runs `req`. `snippets: false` drops the snippets (`--snippet-chars 0`); `timeline` asks
/// for the matches' timeline in at most that many periods (`usize::MAX`: the automatic
/// period, as `--json` gives it).
pub fn search(
    searcher: &Searcher,
    open: &OpenIndex,
    req: &Request,
    snippets: bool,
    timeline: Option<usize>,
) -> Result<Searched> {
    let started = std::time::Instant::now();
    let mut results = search::search(searcher, open, req)?;
    if !snippets {
        for hit in &mut results.hits {
            hit.snippet = Default::default();
        }
    }
    let timeline = timeline
        .map(|room| timeline::for_search(searcher, open, &req.query, &req.filters, room))
        .transpose()?;
    results.elapsed = started.elapsed();
    Ok(Searched { results, timeline })
}

/// `dateline facets`: the `size` top values of each facet among every match of `query`.
pub fn facets(
    searcher: &Searcher,
    open: &OpenIndex,
    query: &str,
    filters: &Filters,
    size: usize,
) -> Result<(Results, Facets)> {
    let request = Request {
        query: query.to_string(),
        filters: filters.clone(),
        limit: 0,
        snippet_chars: 0,
        // `size` 0 lists no values (as `search --limit 0` lists no hits): only the count.
        facets: (size > 0).then_some(size),
        all_copies: true,
        ..Request::default()
    };
    let mut results = search::search(searcher, open, &request)?;
    let facets = results.facets.take().unwrap_or_default();
    Ok((results, facets))
}

/// `dateline facets --json`.
pub fn facets_json(results: &Results, facets: &Facets) -> Value {
    json::facets_json(results, facets)
}

/// `dateline timeline`: matches per period (`by`, or chosen from their span).
pub fn timeline(
    searcher: &Searcher,
    open: &OpenIndex,
    query: &str,
    filters: &Filters,
    by: Option<Period>,
) -> Result<Timeline> {
    timeline::run(searcher, open, query, filters, by)
}

/// `dateline timeline --json`, its keys in the documented order.
pub fn timeline_json(t: &Timeline) -> timeline::TimelineJson<'_> {
    timeline::to_json(t)
}

/// What `dateline timeline` answers: one query's timeline, as it has always been, or
/// several series on the same periods (several queries, or one split by a facet).
#[derive(Debug, Clone)]
pub enum Timelines {
    One(Timeline),
    Several(Compared),
}

impl Timelines {
    /// True when any series has a match.
    pub fn any(&self) -> bool {
        match self {
            Timelines::One(t) => t.total > 0,
            Timelines::Several(c) => c.any(),
        }
    }
}

/// `--json` of [`Timelines`]: one query's object, or `{"by", "series": [...]}`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum TimelinesJson<'a> {
    One(timeline::TimelineJson<'a>),
    Several(series::ComparedJson<'a>),
}

/// `dateline timeline Q1 Q2 ...` and `--split`: one query alone keeps its own answer; several
/// get a series each (a bad one named by its place); `split` gives one query a series per
/// top value of the facet (at most the number given), plus the rest.
pub fn timelines(
    searcher: &Searcher,
    open: &OpenIndex,
    queries: &[Labelled],
    filters: &Filters,
    by: Option<Period>,
    split: Option<(Split, usize)>,
) -> Result<Timelines> {
    match (queries, split) {
        ([one], Some((facet, top))) => Ok(Timelines::Several(series::split(
            searcher, open, &one.query, filters, by, facet, top,
        )?)),
        (_, Some(_)) => anyhow::bail!(
            "a split takes one query ({} given): split each query on its own",
            queries.len()
        ),
        ([one], None) => Ok(Timelines::One(timeline(
            searcher, open, &one.query, filters, by,
        )?)),
        _ => Ok(Timelines::Several(series::timelines(
            searcher, open, queries, filters, by,
        )?)),
    }
}

/// [`timelines`] of counts made elsewhere (a SphinxQL engine's): each query's days and what
/// its date filter left out, beside every article's days under the same filters.
pub fn timelines_of_counts(
    queries: &[Labelled],
    matches: &[(DayCounts, u64)],
    all: &DayCounts,
    filters: &Filters,
    by: Option<Period>,
    started: std::time::Instant,
) -> Result<Timelines> {
    let counted: Vec<timeline::Counted<'_>> = queries
        .iter()
        .zip(matches)
        .map(|(q, (m, left_out))| timeline::Counted {
            query: &q.query,
            matches: m,
            all,
            undated_left_out: *left_out,
        })
        .collect();
    if let [one] = counted.as_slice() {
        let one = std::slice::from_ref(one);
        let mut t = timeline::aligned(one, by, filters.from, filters.to, usize::MAX)
            .pop()
            .ok_or_else(|| anyhow::anyhow!("no timeline"))?;
        t.elapsed = started.elapsed();
        return Ok(Timelines::One(t));
    }
    let labels = queries.iter().map(|q| q.label.clone());
    Ok(Timelines::Several(series::compare(
        &counted, labels, None, by, filters, started,
    )))
}

/// `dateline timeline --json` for [`timelines`], keys in the documented order.
pub fn timelines_json(t: &Timelines) -> TimelinesJson<'_> {
    match t {
        Timelines::One(t) => TimelinesJson::One(timeline::to_json(t)),
        Timelines::Several(c) => TimelinesJson::Several(series::to_json(c)),
    }
}

/// `dateline facets Q1 Q2 ...`: each query's facets, as [`facets`] counts them; a bad query
/// is named by its place.
pub fn facets_compared(
    searcher: &Searcher,
    open: &OpenIndex,
    queries: &[Labelled],
    filters: &Filters,
    size: usize,
) -> Result<Vec<(Results, Facets)>> {
    queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            facets(searcher, open, &q.query, filters, size).map_err(|e| series::naming(e, i, q))
        })
        .collect()
}

/// `dateline facets Q1 Q2 ... --json`: `{"series": [{"label", "query", "total_hits",
/// "facets"}]}`.
pub fn facets_compared_json<'a>(
    queries: &'a [Labelled],
    answers: &'a [(Results, Facets)],
) -> json::FacetsCompared<'a> {
    json::facets_compared_json(queries, answers)
}

/// `dateline show`: the article at `address`, `highlight`'s words marked.
pub fn article(
    searcher: &Searcher,
    open: &OpenIndex,
    address: DocAddress,
    highlight: Option<&str>,
) -> Result<Shown> {
    show::show_at(searcher, open, address, highlight)
}

/// `dateline show --json`.
pub fn article_json(shown: &Shown) -> Value {
    json::article_json(shown)
}

/// `dateline similar`: the `limit` articles most like the one at `address`.
pub fn similar(
    searcher: &Searcher,
    open: &OpenIndex,
    address: DocAddress,
    limit: usize,
) -> Result<Results> {
    similar::similar_at(searcher, open, address, limit, SIMILAR_SNIPPET_CHARS)
}

/// `dateline similar --json`.
pub fn similar_json(results: &Results) -> Value {
    json::results_json(results, None)
}

/// How much of each similar article's start is shown.
pub const SIMILAR_SNIPPET_CHARS: usize = snippet::DEFAULT_CHARS;

/// `dateline terms`: the frequent and distinctive terms of a query's matches; serialised as
/// it is for `--json`.
pub fn terms(searcher: &Searcher, open: &OpenIndex, req: &terms::Request) -> Result<Terms> {
    terms::terms(searcher, open, req)
}
