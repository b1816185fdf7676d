//! In-process latency of the benchmark query set (medians): search only (query build, top 10
//! and count, as the archive harness times it), search + snippets (`search_with`, copies
//! folded), and the pieces of the latter.
//! `cargo run --release --example query_timing -- INDEX [RUNS]`.

use std::path::PathBuf;
use std::time::Instant;

use dateline::query::{self, parse_cli_day, Filters};
use dateline::search::{self, Request, SortOrder};
use dateline::{index_dir, indexer};

/// A query, its `--from`/`--to` days, and whether it sorts newest first.
type Case<'a> = (&'a str, Option<(&'a str, &'a str)>, bool);

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let index = PathBuf::from(args.next().unwrap_or_else(|| "index".into()));
    let runs: usize = args.next().map_or(Ok(100), |s| s.parse())?;
    let open = index_dir::open(&index)?;
    let searcher = indexer::reader(&open.index)?.searcher();
    let set: &[Case] = &[
        ("THAAD South Korea", None, false),
        ("coffee quota talks", None, false),
        ("crude oil prices", None, false),
        ("\"interest rates\"", None, false),
        ("cocoa", Some(("1987-03-01", "1987-03-31")), false),
        ("bank", None, false),
        ("gold mine strike", None, false),
        ("crude oil", None, true),
    ];
    println!(
        "{:<22} {:>8} {:>10} {:>8}",
        "query", "hits", "search ms", "+snip ms"
    );
    for (q, range, newest) in set {
        let filters = match range {
            Some((a, b)) => Filters {
                from: Some(parse_cli_day(a, "--from", false)?),
                to: Some(parse_cli_day(b, "--to", true)?),
                ..Filters::default()
            },
            None => Filters::default(),
        };
        let req = Request {
            query: q.to_string(),
            filters: filters.clone(),
            limit: 10,
            offset: 0,
            sort: if *newest {
                SortOrder::Newest
            } else {
                SortOrder::Relevance
            },
            snippet_chars: 200,
            ranking: Default::default(),
            facets: None,
            all_copies: false,
        };
        let mut search_ms = Vec::new();
        let mut snip_ms = Vec::new();
        let mut hits = 0;
        for _ in 0..3 {
            search::search_with(&searcher, &open, &req)?;
        }
        for _ in 0..runs {
            let t = Instant::now();
            let built = query::build(&open.index, &open.fields, q, &filters, &req.ranking)?;
            let (n, top) = search::top_docs(&searcher, &built, &req)?;
            std::hint::black_box(top);
            search_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            hits = n;
            let t = Instant::now();
            let r = search::search_with(&searcher, &open, &req)?;
            std::hint::black_box(r.hits.len());
            snip_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "{:<22} {:>8} {:>10.3} {:>8.3}",
            format!("{q}{}", if *newest { " newest" } else { "" }),
            hits,
            median(search_ms),
            median(snip_ms)
        );
    }
    Ok(())
}
