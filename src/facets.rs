//! Facets: who wrote about a story, from where, for which source, in which collection — counted over every match
//! with tantivy's terms aggregation on the fast facet fields.

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{json, Value};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::AggregationResults;
use tantivy::aggregation::AggregationCollector;
use tantivy::query::Query;
use tantivy::Searcher;

use crate::schema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub authors: Vec<FacetCount>,
    pub places: Vec<FacetCount>,
    pub sources: Vec<FacetCount>,
    /// The collections (`dateline index --collection`, else folder names) of the matches.
    pub collections: Vec<FacetCount>,
}

/// (name in the result, fast field)
const FACETS: [(&str, &str); 4] = [
    ("authors", schema::AUTHOR_FACET),
    ("places", schema::PLACE_FACET),
    ("sources", schema::SOURCE_FACET),
    ("collections", schema::COLLECTION_FACET),
];

/// The `size` most frequent values of each facet among the documents `query` matches.
pub fn facets(searcher: &Searcher, query: &dyn Query, size: usize) -> Result<Facets> {
    let mut lists = top_terms(searcher, query, &FACETS, size)?.into_iter();
    let mut next = || lists.next().unwrap_or_default();
    Ok(Facets {
        authors: next(),
        places: next(),
        sources: next(),
        collections: next(),
    })
}

/// The `size` most frequent values of one facet's fast `field` among the documents `query`
/// matches, most frequent first.
pub fn top_values(
    searcher: &Searcher,
    query: &dyn Query,
    field: &str,
    size: usize,
) -> Result<Vec<FacetCount>> {
    let lists = top_terms(searcher, query, &[("values", field)], size)?;
    Ok(lists.into_iter().next().unwrap_or_default())
}

/// For each `(name, fast field)`, its `size` most frequent values among the matches, in one
/// pass of tantivy's terms aggregation; the lists in the order of `facets`.
fn top_terms(
    searcher: &Searcher,
    query: &dyn Query,
    facets: &[(&str, &str)],
    size: usize,
) -> Result<Vec<Vec<FacetCount>>> {
    let mut request = serde_json::Map::new();
    for (name, field) in facets {
        request.insert(
            name.to_string(),
            json!({"terms": {"field": field, "size": size, "order": {"_count": "desc"}}}),
        );
    }
    let aggs: Aggregations =
        serde_json::from_value(Value::Object(request)).context("building the facet request")?;
    let collector = AggregationCollector::from_aggs(aggs, Default::default());
    let results: AggregationResults = searcher.search(query, &collector)?;
    let results = serde_json::to_value(results)?;
    let list = |name: &str| -> Vec<FacetCount> {
        results[name]["buckets"]
            .as_array()
            .map(|buckets| {
                buckets
                    .iter()
                    .filter_map(|b| {
                        Some(FacetCount {
                            value: b["key"].as_str()?.to_string(),
                            count: b["doc_count"].as_u64()?,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(facets.iter().map(|(name, _)| list(name)).collect())
}
