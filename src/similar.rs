//! Articles like a given one: tantivy's MoreLikeThisQuery over its title and body, without
//! the article itself and its copies.

use std::time::Instant;

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::query::MoreLikeThisQuery;
use tantivy::schema::{OwnedValue, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::index_dir::OpenIndex;
use crate::schema;
use crate::search::{build_hits, RankedDoc, Results, Snippets};
use crate::show::find;
use crate::simhash;

/// The `limit` articles most like `target` (an id, or `PATH[!MEMBER][:LINE]`).
pub fn similar(
    searcher: &Searcher,
    open: &OpenIndex,
    target: &str,
    limit: usize,
    snippet_chars: usize,
) -> Result<Results> {
    let address = find(searcher, open, target)?;
    let mut results = similar_at(searcher, open, address, limit, snippet_chars)?;
    results.query = target.to_string();
    Ok(results)
}

/// The `limit` articles most like the one at `address` (its id as the results' query).
pub fn similar_at(
    searcher: &Searcher,
    open: &OpenIndex,
    address: DocAddress,
    limit: usize,
    snippet_chars: usize,
) -> Result<Results> {
    let started = Instant::now();
    let f = &open.fields;
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
    let print_of = |at: DocAddress| -> Result<u64> {
        Ok(searcher
            .segment_reader(at.segment_ord)
            .fast_fields()
            .u64(schema::SIMHASH)?
            .first(at.doc_id)
            .unwrap_or(0))
    };
    let own_print = print_of(address)?;
    // Enough to fill the page after dropping the article and its copies.
    let candidates = searcher.search(
        &query,
        &TopDocs::with_limit(limit * 4 + 20).order_by_score(),
    )?;
    let mut groups: Vec<Vec<RankedDoc>> = Vec::new();
    for (score, candidate) in candidates {
        // Checked first, so `limit` 0 finds none, as `search --limit 0` does.
        if groups.len() == limit {
            break;
        }
        if candidate == address {
            continue;
        }
        let print = print_of(candidate)?;
        if simhash::are_copies(own_print, print) {
            continue;
        }
        groups.push(vec![(Some(score), candidate)]);
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
        query: schema::id_at(searcher, address)?,
        suggestion: None,
        showing_suggestion: false,
        facets: None,
        total_hits: hits.len(),
        articles: hits.len(),
        counting: crate::query::Counting::Matches,
        partial_hits: 0,
        total_is_estimate: false,
        offset: 0,
        hits,
        elapsed: started.elapsed(),
        undated_left_out: 0,
    })
}
