//! Times `dateline timeline` counting in-process: `cargo run --release --example
//! timeline_timing -- INDEX [QUERY ...]`. Prints, per query, the median of 21 runs of the
//! whole count (building the query, opening a reader, collecting, grouping) and of the
//! collector alone on an open searcher.

use std::path::Path;
use std::time::{Duration, Instant};

use dateline::query::{self, Filters};
use dateline::{index_dir, indexer, timeline};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let index = args.first().map_or("index", String::as_str);
    let queries: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        vec!["*", "said", "crude oil", "\"interest rates\""]
    };
    let open = index_dir::open(Path::new(index))?;
    let reader = indexer::reader(&open.index)?;
    let searcher = reader.searcher();
    let filters = Filters::default();
    for q in queries {
        let mut whole = Vec::new();
        let mut collect = Vec::new();
        let mut total = 0;
        for _ in 0..21 {
            let t = Instant::now();
            let tl = timeline::run(&open, q, &filters, None)?;
            whole.push(t.elapsed());
            total = tl.total;
            let built = query::build(&open.index, &open.fields, q, &filters, &Default::default())?;
            let t = Instant::now();
            let counts = timeline::count_days(&searcher, &*built.query)?;
            collect.push(t.elapsed());
            assert_eq!(counts.dated() + counts.undated, total);
        }
        println!(
            "{q:>20}: {total:>7} matches; timeline::run median {:>7.2} ms; collector alone {:>7.2} ms",
            median(whole).as_secs_f64() * 1e3,
            median(collect).as_secs_f64() * 1e3
        );
    }
    Ok(())
}
