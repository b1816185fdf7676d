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
//!
//! For content analysis an export can add, after the other columns, each article's best
//! passage with its matches marked (`kwic`) and how often each of several labelled queries
//! hits it (`--count LABEL=QUERY`), both from one pass of the analyzer over the article; and
//! it can write a reproducible random sample of the matches (`--sample N --seed S`).

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use anyhow::Result;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DateTime, DocAddress, Score, Searcher, SegmentOrdinal, TantivyDocument};

use crate::choice::UnknownChoice;
use crate::index_dir::OpenIndex;
use crate::query::{self, Filters, QueryError};
use crate::ranking::Ranking;
use crate::schema;
use crate::search::{self, Depth, Request, SortOrder};
use crate::snippet::{self, Finder, Highlighted, SnippetMaker};
use crate::stored::{self, Stored};

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
        self.takes_columns()
    }

    /// Whether a row can carry the columns an [`Analysis`] adds (a kwic, counts): a
    /// citation has no field for them.
    pub fn takes_columns(self) -> bool {
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
    /// CSV: start with a UTF-8 byte order mark, which Excel needs to read the text as UTF-8.
    pub bom: bool,
}

impl Options {
    /// Why these options cannot be written together, in one line with the fix; `None` when
    /// they can.
    pub fn refusal(&self) -> Option<String> {
        if self.bom && self.format != Format::Csv {
            return Some(format!(
                "a byte order mark (bom) is for csv, not {}: leave out bom, or export as csv",
                self.format
            ));
        }
        (self.partial && !self.format.marks_partial()).then(|| {
            format!(
                "{} has no field to mark a partial match: leave out partial, or use csv or jsonl",
                self.format
            )
        })
    }
}

/// What an export adds for content analysis: `--kwic`, `--count LABEL=QUERY` (repeatable)
/// and `--sample N --seed S`. Its columns come after every other, in this order: `kwic`,
/// then one `count:LABEL` per count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    pub kwic: bool,
    pub counts: Vec<Count>,
    pub sample: Option<Sample>,
}

impl Analysis {
    /// The names of the columns (CSV) and fields (JSON Lines) it adds, in order.
    pub fn columns(&self) -> Vec<String> {
        let kwic = self.kwic.then(|| "kwic".to_string());
        kwic.into_iter()
            .chain(self.counts.iter().map(Count::column))
            .collect()
    }

    /// Why `format` cannot carry this analysis, in one line with the fix: citations have no
    /// column for a kwic or a count. `None` when it can.
    pub fn refusal(&self, format: Format) -> Option<String> {
        (!self.columns().is_empty() && !format.takes_columns())
            .then(|| format!("{format} has no column for kwic or count: use csv or jsonl for them"))
    }

    /// Refuses two counts with one label (they would make two columns of one name); `name`
    /// is the parameter as the caller spells it (`--count`, `count`).
    pub fn check(&self, name: &str) -> Result<(), String> {
        for (i, c) in self.counts.iter().enumerate() {
            if self.counts[..i].iter().any(|o| o.label == c.label) {
                return Err(format!(
                    "{name} label '{}' is given twice: give each count its own label",
                    c.label
                ));
            }
        }
        Ok(())
    }
}

/// `--count LABEL=QUERY`: a column `count:LABEL` with how many times the query's words and
/// phrases stand in each article's title and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub label: String,
    pub query: String,
}

impl Count {
    /// Its column's name: `count:` and the label, so that no label can take the name of
    /// another column.
    pub fn column(&self) -> String {
        format!("count:{}", self.label)
    }
}

/// A `--count` (or `count=`) value that is not `LABEL=QUERY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCount {
    /// The value as given.
    pub value: String,
    /// What is wrong and the fix.
    pub why: &'static str,
}

impl BadCount {
    /// The one-line message for the parameter spelled `name` (`--count`, `count`).
    pub fn message(&self, name: &str) -> String {
        format!("invalid {name} '{}': {}", self.value, self.why)
    }
}

impl fmt::Display for BadCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message("count"))
    }
}

impl std::error::Error for BadCount {}

impl FromStr for Count {
    type Err = BadCount;

    fn from_str(text: &str) -> Result<Count, BadCount> {
        let bad = |why| BadCount {
            value: text.to_string(),
            why,
        };
        let Some((label, query)) = text.split_once('=') else {
            return Err(bad(
                "give LABEL=QUERY, e.g. cocoa='cocoa OR \"cocoa beans\"'",
            ));
        };
        let (label, query) = (label.trim(), query.trim());
        if label.is_empty() {
            return Err(bad("give a label before the =, e.g. cocoa=cocoa"));
        }
        if query.is_empty() {
            return Err(bad("give a query after the =, e.g. cocoa=cocoa"));
        }
        Ok(Count {
            label: label.to_string(),
            query: query.to_string(),
        })
    }
}

/// `--sample N --seed S`: N of the matches, drawn at random but the same for the same seed
/// and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub size: usize,
    pub seed: u64,
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
    /// `--kwic`: the best passage around a match, one line, matches in `[…]`
    /// ([`crate::snippet::Highlighted::to_marked_line`]); absent unless asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kwic: Option<String>,
    /// `--count`: one field per count, named `count:LABEL`, in the order given.
    #[serde(flatten)]
    pub counts: Counted,
}

/// The counts of a row, each with its column's name (`count:LABEL`): written as fields of
/// the row's JSON object, in order.
#[derive(Debug, Default)]
pub struct Counted(pub Vec<(String, u64)>);

impl Serialize for Counted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, n) in &self.0 {
            map.serialize_entry(name, n)?;
        }
        map.end()
    }
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
            kwic: None,
            counts: Counted::default(),
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
    each: impl FnMut(Row) -> Result<()>,
) -> Result<u64> {
    let analysis = Analysis::default();
    for_each_analysed_row(searcher, open, req, partial, &analysis, each)
}

/// [`for_each_row`] with what `analysis` adds: only the sample's matches when it asks for
/// one, and each row's `kwic` and counts.
pub fn for_each_analysed_row(
    searcher: &Searcher,
    open: &OpenIndex,
    req: &Request,
    partial: bool,
    analysis: &Analysis,
    mut each: impl FnMut(Row) -> Result<()>,
) -> Result<u64> {
    let (built, mut matches) = all_matches(searcher, open, req, partial)?;
    if let Some(sample) = analysis.sample {
        matches = draw(searcher, matches, sample)?;
    }
    let tally = Tally::new(searcher, open, req, &built, analysis)?;
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
        if let Some(tally) = &tally {
            tally.fill(&mut row, stored::body(&doc, &open.fields));
        }
        each(row)?;
        written += 1;
    }
    Ok(written)
}

/// The `size` of `matches` whose article ids hash smallest under the seed (xxh3 of the
/// id, seeded), kept in their order; all of them when there are no more. An article's
/// chance does not hang on its rank, and ids stay the same across merges and re-opens, so
/// the same seed on the same index draws the same articles.
pub fn draw(searcher: &Searcher, matches: Vec<Match>, sample: Sample) -> Result<Vec<Match>> {
    if matches.len() <= sample.size {
        return Ok(matches);
    }
    // Opened once per segment, as the dates are.
    let mut ids: HashMap<SegmentOrdinal, Column<u64>> = HashMap::new();
    let mut keyed = Vec::with_capacity(matches.len());
    for (i, m) in matches.iter().enumerate() {
        let column = match ids.entry(m.address.segment_ord) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let reader = searcher.segment_reader(m.address.segment_ord);
                e.insert(reader.fast_fields().u64(schema::ID)?)
            }
        };
        let id = column.first(m.address.doc_id).unwrap_or_default();
        let key = xxhash_rust::xxh3::xxh3_64_with_seed(&id.to_le_bytes(), sample.seed);
        keyed.push((key, id, i));
    }
    let mut chosen = vec![false; matches.len()];
    if sample.size > 0 {
        keyed.select_nth_unstable(sample.size - 1);
        for (_, _, i) in &keyed[..sample.size] {
            chosen[*i] = true;
        }
    }
    Ok(matches
        .into_iter()
        .zip(chosen)
        .filter_map(|(m, keep)| keep.then_some(m))
        .collect())
}

/// What a count counts: the words of `count`'s query (as the search analyses them: stemmed,
/// folded) and its quoted phrases, without the parts it excludes. Refused in one line
/// naming the count: a query that does not parse, or one with no words.
pub fn count_query(open: &OpenIndex, count: &Count) -> Result<Box<dyn Query>, QueryError> {
    let named = |e: QueryError| match e {
        QueryError::Index(_) => e,
        other => QueryError::Syntax(format!("count '{}': {other}", count.label)),
    };
    let built = query::build(
        &open.index,
        &open.fields,
        &count.query,
        &Filters::default(),
        &Ranking::default(),
    )
    .map_err(named)?;
    match built.text_query {
        Some(q) => Ok(positive(&*q)),
        None => Err(QueryError::Syntax(format!(
            "count '{}' has no words to count: give words or quoted phrases after the =",
            count.label
        ))),
    }
}

/// `q` without its excluded parts (`-word`, `NOT word`), which a count must not count.
fn positive(q: &dyn Query) -> Box<dyn Query> {
    match q.downcast_ref::<BooleanQuery>() {
        Some(b) => Box::new(BooleanQuery::new(
            b.clauses()
                .iter()
                .filter(|(occur, _)| *occur != Occur::MustNot)
                .map(|(occur, clause)| (*occur, positive(&**clause)))
                .collect(),
        )),
        None => q.box_clone(),
    }
}

/// What fills a row's `kwic` and counts: the makers of each (the export query's first, for
/// `kwic`, then each count's), for the title and for the body, so that each is read in one
/// pass of the analyzer.
struct Tally {
    title: Finder,
    body: Finder,
    /// `kwic` is asked for, and the export query has words to mark (the first makers).
    kwic: bool,
    /// Asked for without words to mark (`*`): the column stays empty.
    kwic_empty: bool,
    /// Each count's column name, in the order of the makers after kwic's.
    columns: Vec<String>,
}

impl Tally {
    /// None when the analysis adds no column: the export reads no text.
    fn new(
        searcher: &Searcher,
        open: &OpenIndex,
        req: &Request,
        built: &query::Built,
        analysis: &Analysis,
    ) -> Result<Option<Tally>> {
        if !analysis.kwic && analysis.counts.is_empty() {
            return Ok(None);
        }
        // (query, its text for its quoted phrases, passage length) of each maker.
        let mut wanted: Vec<(Box<dyn Query>, &str, usize)> = Vec::new();
        let kwic = match &built.text_query {
            Some(q) if analysis.kwic => {
                wanted.push((q.box_clone(), &req.query, req.snippet_chars));
                true
            }
            _ => false,
        };
        for count in &analysis.counts {
            wanted.push((count_query(open, count)?, &count.query, 0));
        }
        let finder = |field| -> Result<Finder> {
            let mut makers = Vec::with_capacity(wanted.len());
            for (q, text, chars) in &wanted {
                let phrases = snippet::quoted_phrases(text);
                makers.push(SnippetMaker::create(
                    searcher, &**q, field, *chars, &phrases,
                )?);
            }
            Ok(Finder::new(makers))
        };
        Ok(Some(Tally {
            title: finder(open.fields.title)?,
            body: finder(open.fields.body)?,
            kwic,
            kwic_empty: analysis.kwic && !kwic,
            columns: analysis.counts.iter().map(Count::column).collect(),
        }))
    }

    /// Sets `row`'s `kwic` (the body's best passage; the title, marked, when only it has a
    /// match) and counts (places in the whole title and body).
    fn fill(&self, row: &mut Row, body: &str) {
        let mut title = self.title.find(&row.title).into_iter();
        let mut body_found = self.body.find(body).into_iter();
        let kwic = self.kwic.then(|| (title.next(), body_found.next()));
        row.counts = Counted(
            self.columns
                .iter()
                .zip(title.zip(body_found))
                .map(|(name, (t, b))| (name.clone(), (t.matches.len() + b.matches.len()) as u64))
                .collect(),
        );
        if self.kwic_empty {
            row.kwic = Some(String::new());
        }
        let Some((Some(in_title), Some(in_body))) = kwic else {
            return;
        };
        let text = snippet::window(body);
        let passage = self.body.makers()[0].passage(text, in_body.within(text.len()));
        let marked = if passage.highlights.is_empty() && !in_title.matches.is_empty() {
            Highlighted {
                text: row.title.clone(),
                highlights: in_title.matches.into_iter().map(|(r, _)| r).collect(),
                fragments: Vec::new(),
            }
        } else {
            passage
        };
        row.kwic = Some(marked.to_marked_line());
    }
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
