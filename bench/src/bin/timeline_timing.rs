//! Times `dateline timeline` counting in-process: `cargo run --release -p dateline-bench
//! --bin timeline_timing -- INDEX [QUERY ...]`. Prints, per query, the median of 21 runs of the
//! whole count (building the query, opening a reader, collecting, grouping) and of the
//! collector alone on an open searcher.

use std::path::Path;
use std::time::Instant;

use dateline::query::{self, Filters};
use dateline::timeline;
use dateline_bench::{median, ms, open_index};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let index = args.first().map_or("index", String::as_str);
    let queries: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        vec!["*", "said", "crude oil", "\"interest rates\""]
    };
    let (open, searcher) = open_index(Path::new(index))?;
    let filters = Filters::default();
    for q in queries {
        let mut whole = Vec::new();
        let mut collect = Vec::new();
        let mut total = 0;
        for _ in 0..21 {
            let t = Instant::now();
            let tl = timeline::run(&searcher, &open, q, &filters, None)?;
            whole.push(ms(t.elapsed()));
            total = tl.total;
            let built = query::build(&open.index, &open.fields, q, &filters, &Default::default())?;
            let t = Instant::now();
            let counts = timeline::count_days(&searcher, &*built.query)?;
            collect.push(ms(t.elapsed()));
            assert_eq!(counts.dated() + counts.undated, total);
        }
        println!(
            "{q:>20}: {total:>7} matches; timeline::run median {:>7.2} ms; collector alone {:>7.2} ms",
            median(&whole),
            median(&collect)
        );
    }
    Ok(())
}
