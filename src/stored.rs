//! One stored article: what the index keeps of an article, read from its stored document in
//! one place. Search hits, `show`, export rows, the API and the cluster documents are built
//! from it, so every output names an article by the same fields.

use chrono::NaiveDateTime;
use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::schema::Fields;

/// The fields every output gives an article (`show --json` adds its body; search hits their
/// rank, score and snippet; export rows their score).
pub const FIELDS: [&str; 12] = [
    "id",
    "title",
    "authors",
    "date",
    "place",
    "source",
    "url",
    "path",
    "member",
    "line",
    "record",
    "collection",
];

/// One indexed article's fields, its body aside (read with [`body`] where it is wanted: a
/// long body is not copied for a search hit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The article's short stable name in the index (`dateline show ID`).
    pub id: String,
    pub title: String,
    pub authors: Vec<String>,
    /// The time the article states, or midnight of its day, in UTC.
    pub date: Option<NaiveDateTime>,
    /// The place and source named in the story's dateline, when it has one.
    pub place: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Absolute path of the source file.
    pub path: String,
    /// The path inside a zip or tar archive, when the article was read from one.
    pub member: Option<String>,
    /// The 1-based line of a JSON Lines file.
    pub line: Option<u64>,
    /// The 1-based position in a feed, WARC file or NewsML message.
    pub record: Option<u64>,
    /// The collection of the folder it was indexed from (`dateline index --collection`).
    pub collection: Option<String>,
}

impl Stored {
    /// The article stored as `doc`, whose id is `id`.
    pub fn read(doc: &TantivyDocument, fields: &Fields, id: String) -> Stored {
        let number = |f| doc.get_first(f).and_then(|v| v.as_u64());
        Stored {
            id,
            title: non_empty(doc, fields.title).unwrap_or_default(),
            authors: doc
                .get_all(fields.author)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            date: doc
                .get_first(fields.date)
                .and_then(|v| v.as_datetime())
                .and_then(|d| chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0))
                .map(|d| d.naive_utc()),
            place: non_empty(doc, fields.place),
            source: non_empty(doc, fields.source),
            url: non_empty(doc, fields.url),
            path: non_empty(doc, fields.path).unwrap_or_default(),
            member: non_empty(doc, fields.member),
            line: number(fields.line),
            record: number(fields.record),
            collection: non_empty(doc, fields.collection),
        }
    }

    /// The date as the outputs for people and tables give it: `YYYY-MM-DD`.
    pub fn day(&self) -> Option<String> {
        self.date.map(|d| d.format("%Y-%m-%d").to_string())
    }
}

/// The stored body of `doc`, borrowed ("" when it has none).
pub fn body<'a>(doc: &'a TantivyDocument, fields: &Fields) -> &'a str {
    doc.get_first(fields.body)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// Folds the stored bodies of the articles at `addresses` (sorted, so that each compressed
/// block of the store is read once: a reader per segment caches the last block), sharing the
/// work out over the cores in runs of neighbouring addresses. Each run's bodies are folded in
/// order into a value of its own, made by `init`; the values come back in the order of the
/// runs, so a caller that merges them in that order gets what one pass in order would give.
/// A body is lent to `fold`, not copied.
pub fn fold_bodies<T: Send>(
    searcher: &Searcher,
    fields: &Fields,
    addresses: &[DocAddress],
    init: impl Fn() -> T + Sync + Send,
    fold: impl Fn(&mut T, &str) + Sync + Send,
) -> tantivy::Result<Vec<T>> {
    use rayon::prelude::*;
    let threads = rayon::current_num_threads().max(1);
    let run = addresses.len().div_ceil(threads).max(BODIES_PER_RUN);
    addresses
        .par_chunks(run)
        .map(|run| {
            let mut value = init();
            fold_in_order(searcher, fields, run, |body| fold(&mut value, body))?;
            Ok(value)
        })
        .collect()
}

/// Fewest articles one thread reads: fewer cost less than handing them out.
const BODIES_PER_RUN: usize = 256;

fn fold_in_order(
    searcher: &Searcher,
    fields: &Fields,
    addresses: &[DocAddress],
    mut fold: impl FnMut(&str),
) -> tantivy::Result<()> {
    let mut store = None;
    for address in addresses {
        let reader = match &store {
            Some((ord, reader)) if *ord == address.segment_ord => reader,
            _ => {
                let segment = searcher.segment_reader(address.segment_ord);
                &store
                    .insert((address.segment_ord, segment.get_store_reader(1)?))
                    .1
            }
        };
        let doc: TantivyDocument = reader.get(address.doc_id)?;
        fold(body(&doc, fields));
    }
    Ok(())
}

/// A stored text field's first value, unless absent or empty.
pub fn non_empty(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
