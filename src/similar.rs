//! Articles like a given one: tantivy's MoreLikeThisQuery over its title and body, without
//! the article itself and its copies.

use std::path::Path;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use tantivy::collector::TopDocs;
use tantivy::query::{MoreLikeThisQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::index_dir::OpenIndex;
use crate::schema;
use crate::search::{build_hits, RankedDoc, Results, Snippets};
use crate::simhash;
use crate::walk::path_id;

/// Splits `PATH:LINE` when PATH names a file and LINE is a number; otherwise it is all path.
pub fn parse_target(target: &str) -> (String, Option<u64>) {
    if !Path::new(target).exists() {
        if let Some((path, line)) = target.rsplit_once(':') {
            if let Ok(line) = line.parse::<u64>() {
                return (path.to_string(), Some(line));
            }
        }
    }
    (target.to_string(), None)
}

/// Finds the indexed article named by `target` (`PATH` or `PATH:LINE`).
fn find(searcher: &Searcher, open: &OpenIndex, target: &str) -> Result<DocAddress> {
    let (path, line) = parse_target(target);
    let id = Path::new(&path)
        .canonicalize()
        .map(|p| path_id(&p))
        .with_context(|| format!("cannot find {path}: give the path of an indexed article"))?;
    let q = TermQuery::new(
        Term::from_field_u64(open.fields.path_id, id),
        IndexRecordOption::Basic,
    );
    let docs = searcher.search(&q, &TopDocs::with_limit(100_000).order_by_score())?;
    if docs.is_empty() {
        bail!("{path} is not in the index: run `dateline index` to add it");
    }
    let mut found = Vec::new();
    for (_, address) in docs {
        let doc: TantivyDocument = searcher.doc(address)?;
        let doc_line = doc.get_first(open.fields.line).and_then(|v| v.as_u64());
        if line.is_none() || doc_line == line {
            found.push((doc_line, address));
        }
    }
    match (found.as_slice(), line) {
        ([(_, address)], _) => Ok(*address),
        ([], Some(l)) => Err(anyhow!("{path} has no article on line {l}")),
        (many, _) => {
            let mut lines: Vec<u64> = many.iter().filter_map(|(l, _)| *l).collect();
            lines.sort_unstable();
            Err(anyhow!(
                "{path} holds {} articles: name one as {path}:LINE (lines {})",
                many.len(),
                lines
                    .iter()
                    .take(5)
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }
}

/// The `limit` articles most like `target`.
pub fn similar(
    searcher: &Searcher,
    open: &OpenIndex,
    target: &str,
    limit: usize,
    snippet_chars: usize,
) -> Result<Results> {
    let started = Instant::now();
    let f = &open.fields;
    let address = find(searcher, open, target)?;
    let doc: TantivyDocument = searcher.doc(address)?;
    let text = |field| -> Vec<OwnedValue> {
        doc.get_all(field)
            .filter_map(|v| v.as_str().map(|s| OwnedValue::Str(s.to_string())))
            .collect()
    };
    let query = MoreLikeThisQuery::builder()
        .with_min_doc_frequency(2)
        .with_min_term_frequency(1)
        .with_min_word_length(3)
        .with_max_query_terms(30)
        .with_document_fields(vec![(f.title, text(f.title)), (f.body, text(f.body))]);
    let own_print = doc
        .get_first(f.simhash)
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    // Enough to fill the page after dropping the article and its copies.
    let candidates = searcher.search(
        &query,
        &TopDocs::with_limit(limit * 4 + 20).order_by_score(),
    )?;
    let mut groups: Vec<Vec<RankedDoc>> = Vec::new();
    for (score, candidate) in candidates {
        if candidate == address {
            continue;
        }
        let print = searcher
            .segment_reader(candidate.segment_ord)
            .fast_fields()
            .u64(schema::SIMHASH)?
            .first(candidate.doc_id)
            .unwrap_or(0);
        if simhash::are_copies(own_print, print) {
            continue;
        }
        groups.push(vec![(Some(score), candidate)]);
        if groups.len() == limit {
            break;
        }
    }
    let hits = build_hits(
        searcher,
        open,
        &query,
        &Snippets::none(snippet_chars),
        groups,
        0,
    )?;
    Ok(Results {
        query: target.to_string(),
        suggestion: None,
        facets: None,
        total_hits: hits.len(),
        articles: hits.len(),
        total_is_estimate: false,
        offset: 0,
        hits,
        elapsed: started.elapsed(),
    })
}
