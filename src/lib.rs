//! dateline: full-text search for news archives, on tantivy.
//!
//! The `dateline` binary is a thin layer over these modules; benchmarks and other tools use
//! them directly.

pub mod alerts;
pub mod answer;
pub mod article;
pub mod choice;
pub mod cluster;
pub mod export;
pub mod facets;
pub mod index_dir;
pub mod indexer;
pub mod merge;
pub mod output;
pub mod pending;
pub mod problems;
pub mod query;
pub mod ranking;
pub mod read;
pub mod remote;
pub mod rescore;
pub mod schema;
pub mod search;
pub mod series;
pub mod serve;
pub mod show;
pub mod simhash;
pub mod similar;
pub mod snippet;
pub mod spelling;
pub mod stored;
pub mod suggest;
pub mod tabular;
pub mod terms;
pub mod timeline;
pub mod token_cache;
pub mod topk;
