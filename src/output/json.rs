//! What programs read: one JSON object per command (`--json`), and one per line for
//! `search --format jsonl`. The shapes are contracts other tools rely on: fields are added,
//! never renamed or dropped.

use std::io::{self, Write};

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::{json, Value};

use crate::alerts::Alert;
use crate::export::Row;
use crate::facets::Facets;
use crate::search::Results;
use crate::series::Labelled;
use crate::show::Shown;
use crate::timeline::{self, Timeline};

use super::display_path;

/// Writes `value` as one line of JSON.
pub fn write_line(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// An article's fields as every JSON output names them ([`crate::stored::FIELDS`]), borrowed from
/// what was built from its [`crate::stored::Stored`] (a search hit, a shown article).
struct ArticleJson<'a> {
    id: &'a str,
    title: &'a str,
    authors: &'a [String],
    date: Option<NaiveDateTime>,
    place: Option<&'a str>,
    source: Option<&'a str>,
    url: Option<&'a str>,
    path: &'a str,
    member: Option<&'a str>,
    line: Option<u64>,
    record: Option<u64>,
    collection: Option<&'a str>,
}

/// The one place an article's fields become JSON: search and similar hits, `show --json`
/// and the API's answers all start from this object.
fn article_fields(a: &ArticleJson) -> Value {
    json!({
        "id": a.id,
        "title": a.title,
        "authors": a.authors,
        "date": a.date.map(|d| d.format("%Y-%m-%d").to_string()),
        "place": a.place,
        "source": a.source,
        "url": a.url,
        "path": display_path(a.path),
        "member": a.member,
        "line": a.line,
        "record": a.record,
        "collection": a.collection,
    })
}

/// Adds the fields of the object `more` to the object `obj`.
fn extend(obj: &mut Value, more: Value) {
    if let (Value::Object(obj), Value::Object(more)) = (obj, more) {
        obj.extend(more);
    }
}

/// Search results: `{"query", "total_hits", "total_articles", "counts", "partial_hits",
/// "hits": [...], "elapsed_ms", "suggestion", "showing_suggestion", "undated_left_out"}`
/// (`"showing_suggestion"`: nothing matched as typed, the hits are the suggestion's), with
/// `"facets"` when counted and `"timeline"` when asked for. The totals count `"counts"` ("all
/// words": the articles with every word; "matches"); `"partial_hits"` more, with only some of
/// the words, are listed after them, each hit saying `"partial"` and what it is `"missing"`.
pub fn results_json(r: &Results, timeline: Option<&Timeline>) -> Value {
    let hits: Vec<Value> = r
        .hits
        .iter()
        .map(|h| {
            let mut hit = article_fields(&ArticleJson {
                id: &h.id,
                title: &h.title.text,
                authors: &h.authors,
                date: h.date,
                place: h.place.as_deref(),
                source: h.source.as_deref(),
                url: h.url.as_deref(),
                path: &h.path,
                member: h.member.as_deref(),
                line: h.line,
                record: h.record,
                collection: h.collection.as_deref(),
            });
            extend(
                &mut hit,
                json!({
                "rank": h.rank,
                "score": h.score,
                "snippet": h.snippet.to_html(),
                // No snippet (`--snippet-chars 0`, or nothing to show): no fragments.
                "fragments": if h.snippet.text.is_empty() {
                    Vec::new()
                } else {
                    h.snippet.fragments_html()
                },
                "title_html": h.title.to_html(),
                "copies": h.copies.iter().map(|c| display_path(c)).collect::<Vec<_>>(),
                "versions": h.versions.iter().map(|v| json!({
                    "id": v.id,
                    "title": v.title,
                    "date": v.date.map(|d| d.format("%Y-%m-%d").to_string()),
                    "path": display_path(&v.path),
                })).collect::<Vec<_>>(),
                "partial": h.partial,
                "missing": h.missing,
                }),
            );
            hit
        })
        .collect();
    let mut obj = json!({
        "query": r.query,
        "total_hits": r.total_hits,
        "total_articles": r.articles,
        "total_is_estimate": r.total_is_estimate,
        "counts": r.counting.name(),
        "partial_hits": r.partial_hits,
        "hits": Value::Null,
        "elapsed_ms": r.elapsed.as_millis() as u64,
        "suggestion": r.suggestion,
        "showing_suggestion": r.showing_suggestion,
        "undated_left_out": r.undated_left_out,
    });
    // Moved in, not through `json!`, which would copy every hit's object once more.
    obj["hits"] = Value::Array(hits);
    if let Some(f) = &r.facets {
        obj["facets"] = json!(f);
    }
    timeline::add_to_json(&mut obj, timeline);
    obj
}

/// An alert as `dateline alert list --json` shows it: `{"name", "query", "filters", "added",
/// "last_check", "reported", "seen"}` (filters by flag name, only those set).
pub fn alert_json(a: &Alert) -> Value {
    json!({
        "name": a.name,
        "query": a.query,
        "filters": a.filters,
        "added": a.added,
        "last_check": a.last_check,
        "reported": a.reported,
        "seen": a.seen,
    })
}

/// One alert's part of `dateline alert check --json`: [`alert_json`] with `"new"` (how many
/// articles are new) and `"hits"` (those articles, as search's hits, newest first).
pub fn alert_check_json(a: &Alert, new: &Results) -> Value {
    let mut obj = alert_json(a);
    let mut results = results_json(new, None);
    extend(
        &mut obj,
        json!({"new": new.hits.len(), "hits": results["hits"].take()}),
    );
    obj
}

/// `dateline show --json`: `{"id", "title", "authors", "date", "place", "source", "url",
/// "path", "member", "line", "record", "collection", "body"}`, and with `--highlight` `"title_html"` and
/// `"body_html"` (HTML-escaped, the query's words in `<b>…</b>`).
pub fn article_json(a: &Shown) -> Value {
    let mut obj = article_fields(&ArticleJson {
        id: &a.id,
        title: &a.title.text,
        authors: &a.authors,
        date: a.date,
        place: a.place.as_deref(),
        source: a.source.as_deref(),
        url: a.url.as_deref(),
        path: &a.path,
        member: a.member.as_deref(),
        line: a.line,
        record: a.record,
        collection: a.collection.as_deref(),
    });
    obj["body"] = json!(a.body.text);
    if a.highlighted {
        obj["title_html"] = json!(a.title.to_html());
        obj["body_html"] = json!(a.body.to_html());
    }
    obj
}

/// `dateline facets --json`: `{"query", "total_hits", "counts", "undated_left_out", "facets"}`.
pub fn facets_json(r: &Results, facets: &Facets) -> Value {
    json!({
        "query": r.query,
        "total_hits": r.total_hits,
        "counts": r.counting.name(),
        "undated_left_out": r.undated_left_out,
        "facets": facets,
    })
}

/// `dateline facets Q1 Q2 ... --json`, keys in this order.
#[derive(Debug, Serialize)]
pub struct FacetsCompared<'a> {
    pub series: Vec<FacetSeries<'a>>,
}

#[derive(Debug, Serialize)]
pub struct FacetSeries<'a> {
    pub label: &'a str,
    pub query: &'a str,
    pub total_hits: usize,
    pub facets: &'a Facets,
}

/// `{"series": [{"label", "query", "total_hits", "facets"}]}`, a series per query in order.
pub fn facets_compared_json<'a>(
    queries: &'a [Labelled],
    answers: &'a [(Results, Facets)],
) -> FacetsCompared<'a> {
    FacetsCompared {
        series: queries
            .iter()
            .zip(answers)
            .map(|(q, (results, facets))| FacetSeries {
                label: &q.label,
                query: &q.query,
                total_hits: results.total_hits,
                facets,
            })
            .collect(),
    }
}

/// `search --format jsonl`: one exported row per line, authors as an array.
pub struct JsonLines<W: Write> {
    out: W,
}

impl<W: Write> JsonLines<W> {
    pub fn new(out: W) -> JsonLines<W> {
        JsonLines { out }
    }

    pub fn write(&mut self, row: Row) -> io::Result<()> {
        let row = Row {
            path: display_path(&row.path),
            ..row
        };
        write_line(&mut self.out, &row)
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}
