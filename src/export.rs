//! `dateline search QUERY --format csv|jsonl|ris|csljson`: every match, not one page, for
//! spreadsheets, notebooks and reference managers.
//!
//! The matches are collected first as addresses only (score, date and where the document
//! lies: a few bytes each), put in relevance or date order, and then their documents are
//! read from the store one at a time and handed on as rows, which `output` writes as they
//! come (CSV safe for spreadsheets, or JSON Lines), so memory does not grow with the size of
//! the articles. A reader that closes the pipe early (`| head`) ends the export quietly.
//!
//! An export writes the counted set (the articles with every word unless the query says
//! OR), as every count counts it; asked to, it adds the partial matches after it, each row
//! marked with the words it is missing.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use anyhow::Result;
use serde::Serialize;
use tantivy::columnar::Column;
use tantivy::{DateTime, DocAddress, Score, Searcher, SegmentOrdinal, TantivyDocument};

use crate::choice::UnknownChoice;
use crate::index_dir::OpenIndex;
use crate::query;
use crate::schema;
use crate::search::{self, Depth, Request, SortOrder};
use crate::stored::Stored;

/// What `--format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A header row, then one row per article (authors joined with "; ").
    Csv,
    /// One JSON object per line (authors as an array).
    Jsonl,
    /// A RIS citation record per article (`TY  - NEWS`), for reference managers.
    Ris,
    /// CSL-JSON: one array of `article-newspaper` items, for pandoc and citeproc.
    Csljson,
}

impl Format {
    /// The words `--format` and `format=` take.
    pub const NAMES: [&'static str; 4] = ["csv", "jsonl", "ris", "csljson"];

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Ris => "ris",
            Format::Csljson => "csljson",
        }
    }

    /// Whether a row can say it is a partial match and what it is missing: a citation has
    /// no field for that.
    pub fn marks_partial(self) -> bool {
        matches!(self, Format::Csv | Format::Jsonl)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = UnknownChoice;

    fn from_str(text: &str) -> Result<Format, UnknownChoice> {
        match text {
            "csv" => Ok(Format::Csv),
            "jsonl" => Ok(Format::Jsonl),
            "ris" => Ok(Format::Ris),
            "csljson" => Ok(Format::Csljson),
            _ => Err(UnknownChoice::new(text, "csv, jsonl, ris or csljson")),
        }
    }
}

/// How `search --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub format: Format,
    /// CSV: write cells as they are, even those a spreadsheet would run as formulas.
    pub csv_raw: bool,
    /// Write the partial matches (only some of the words) after the counted set, marked.
    pub partial: bool,
}

impl Options {
    /// Why these options cannot be written together, in one line with the fix; `None` when
    /// they can.
    pub fn refusal(&self) -> Option<String> {
        (self.partial && !self.format.marks_partial()).then(|| {
            format!(
                "{} has no field to mark a partial match: leave out partial, or use csv or jsonl",
                self.format
            )
        })
    }
}

/// One match without its document: enough to order it and find it again.
#[derive(Debug, Clone, Copy)]
pub struct Match {
    pub score: Score,
    /// Seconds since the epoch.
    pub date: Option<i64>,
    pub address: DocAddress,
    /// Only some of the words: written after the counted set, and only when asked for.
    pub partial: bool,
}

/// Puts matches in the order `sort` asks for: the counted set before the partial matches,
/// and in each best score first, or newest / oldest first with undated articles last; ties
/// keep index order, as a search's pages do.
pub fn sort_matches(matches: &mut [Match], sort: SortOrder) {
    let by_address = |a: &Match, b: &Match| a.address.cmp(&b.address);
    let tiers = |a: &Match, b: &Match| a.partial.cmp(&b.partial);
    match sort {
        SortOrder::Relevance => matches.sort_by(|a, b| {
            tiers(a, b)
                .then_with(|| b.score.total_cmp(&a.score))
                .then_with(|| by_address(a, b))
        }),
        SortOrder::Newest | SortOrder::Oldest => {
            let newest = sort == SortOrder::Newest;
            matches.sort_by(|a, b| {
                let dates = match (a.date, b.date) {
                    (Some(x), Some(y)) if newest => y.cmp(&x),
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                };
                tiers(a, b).then(dates).then_with(|| by_address(a, b))
            })
        }
    }
}

/// Every counted match of the request's query and filters, with the partial matches after
/// them when `partial` says so, in its order (limit and offset ignored), scored by the
/// ranking a search's pages are cut from ([`search::rank`]), to its last match: an export
/// reads every article anyway, which costs far more.
pub fn all_matches(
    searcher: &Searcher,
    open: &OpenIndex,
    req: &Request,
    partial: bool,
) -> Result<(query::Built, Vec<Match>)> {
    let built = query::build(
        &open.index,
        &open.fields,
        &req.query,
        &req.filters,
        &req.ranking,
    )?;
    let mut ranked = search::rank(searcher, &built, req, Depth::All, None)?;
    if !partial {
        ranked.hits.truncate(ranked.counted);
    }
    // Opened once per segment: reading a column costs far less than opening it.
    let mut dates: HashMap<SegmentOrdinal, Column<DateTime>> = HashMap::new();
    let mut matches = Vec::with_capacity(ranked.hits.len());
    for (i, (score, address)) in ranked.hits.into_iter().enumerate() {
        let column = match dates.entry(address.segment_ord) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let reader = searcher.segment_reader(address.segment_ord);
                e.insert(reader.fast_fields().date(schema::DATE)?)
            }
        };
        matches.push(Match {
            score,
            date: column
                .first(address.doc_id)
                .map(|d| d.into_timestamp_secs()),
            address,
            partial: i >= ranked.counted,
        });
    }
    sort_matches(&mut matches, req.sort);
    Ok((built, matches))
}

/// One exported article: the shape of a `--format jsonl` line (`output/csv.rs` writes the
/// same fields as CSV columns).
#[derive(Debug, Default, Serialize)]
pub struct Row {
    pub title: String,
    pub authors: Vec<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub source: Option<String>,
    pub path: String,
    pub line: Option<u64>,
    pub score: Score,
    /// Where in the file (added after the first fields; CSV columns in this order too).
    pub member: Option<String>,
    pub record: Option<u64>,
    pub url: Option<String>,
    pub id: String,
    pub collection: Option<String>,
    /// Only some of the words (written with `--partial`), and the words it lacks, as typed.
    pub partial: bool,
    pub missing: Vec<String>,
}

impl Row {
    /// The row of `article`, scored `score` by the export's ranking.
    pub fn new(article: Stored, score: Score) -> Row {
        Row {
            date: article.day(),
            title: article.title,
            authors: article.authors,
            place: article.place,
            source: article.source,
            path: article.path,
            line: article.line,
            score,
            member: article.member,
            record: article.record,
            url: article.url,
            id: article.id,
            collection: article.collection,
            partial: false,
            missing: Vec::new(),
        }
    }
}

/// Reads every counted match of `req` (and with `partial` the partial matches after them),
/// in its order, one document at a time, and hands each as a [`Row`] to `each`; returns how
/// many rows it handed over. Memory does not grow with the
/// articles: only the matches' addresses are held. An error from `each` (a closed pipe)
/// ends the reading and comes back as it is.
pub fn for_each_row(
    searcher: &Searcher,
    open: &OpenIndex,
    req: &Request,
    partial: bool,
    mut each: impl FnMut(Row) -> Result<()>,
) -> Result<u64> {
    let (built, matches) = all_matches(searcher, open, req, partial)?;
    let mut written = 0;
    for m in &matches {
        let doc: TantivyDocument = searcher.doc(m.address)?;
        let id = schema::id_at(searcher, m.address)?;
        let mut row = Row::new(Stored::read(&doc, &open.fields, id), m.score);
        if m.partial {
            let marks = search::partial_marks(searcher, &built, &[m.address])?;
            if let Some((partial, missing)) = marks.into_iter().next() {
                row.partial = partial;
                row.missing = missing;
            }
        }
        each(row)?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(score: f32, date: Option<i64>, doc: u32) -> Match {
        Match {
            score,
            date,
            address: DocAddress::new(0, doc),
            partial: false,
        }
    }

    #[test]
    fn orders() {
        let mut v = vec![m(1.0, Some(5), 0), m(3.0, None, 1), m(3.0, Some(1), 2)];
        sort_matches(&mut v, SortOrder::Relevance);
        let docs = |v: &[Match]| v.iter().map(|m| m.address.doc_id).collect::<Vec<_>>();
        assert_eq!(docs(&v), [1, 2, 0]);
        sort_matches(&mut v, SortOrder::Newest);
        assert_eq!(docs(&v), [0, 2, 1]);
        sort_matches(&mut v, SortOrder::Oldest);
        assert_eq!(docs(&v), [2, 0, 1]);
    }
}
