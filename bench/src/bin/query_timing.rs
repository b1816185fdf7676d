//! In-process latency of the benchmark query set (medians): search only (query build, top 10
//! and count) and search + snippets (`search_with`, copies folded), timed as the archive
//! harness times them.
//! `cargo run --release -p dateline-bench --bin query_timing -- INDEX [RUNS] [ONLY]`, where
//! ONLY times just the queries whose text contains it (for a profile of one query).

use std::path::PathBuf;

use dateline::{query, search};
use dateline_bench::{median, open_index, time_it, QUERIES};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let index = PathBuf::from(args.next().unwrap_or_else(|| "index".into()));
    let runs: usize = args.next().map_or(Ok(100), |s| s.parse())?;
    let only = args.next().unwrap_or_default();
    let (open, searcher) = open_index(&index)?;
    println!(
        "{:<22} {:>8} {:>10} {:>8}",
        "query", "hits", "search ms", "+snip ms"
    );
    for q in QUERIES.iter().filter(|q| q.text.contains(only.as_str())) {
        let req = q.request()?;
        let (search_ms, hits) = time_it(runs, || {
            let built = query::build(
                &open.index,
                &open.fields,
                q.text,
                &req.filters,
                &req.ranking,
            )?;
            let (n, top) = search::top_docs(&searcher, &built, &req)?;
            std::hint::black_box(top);
            Ok(n)
        })?;
        let (snip_ms, _) = time_it(runs, || {
            let r = search::search(&searcher, &open, &req)?;
            Ok(std::hint::black_box(r.hits.len()))
        })?;
        println!(
            "{:<22} {:>8} {:>10.3} {:>8.3}",
            format!("{}{}", q.text, if q.newest { " newest" } else { "" }),
            hits,
            median(&search_ms),
            median(&snip_ms)
        );
    }
    Ok(())
}
