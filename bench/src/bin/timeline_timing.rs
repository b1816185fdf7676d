//! Times `dateline timeline` counting in-process: `cargo run --release -p dateline-bench
//! --bin timeline_timing -- INDEX [QUERY ...]`. Prints, per query, the median of 21 runs of the
//! whole count (building the query, collecting, counting every article for the shares,
//! grouping), of the matches' collector alone on an open searcher, and of the count of every
//! article (the shares' `all`) alone; then the queries side by side (`timeline Q1 Q2 ...`)
//! against the first alone.

use std::path::Path;
use std::time::Instant;

use dateline::query::{self, Filters};
use dateline::series::{self, Labelled};
use dateline::timeline;
use dateline_bench::{median, ms, open_index};

const RUNS: usize = 21;

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
    for q in &queries {
        let mut whole = Vec::new();
        let mut collect = Vec::new();
        let mut all = Vec::new();
        let mut total = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let tl = timeline::run(&searcher, &open, q, &filters, None)?;
            whole.push(ms(t.elapsed()));
            total = tl.total;
            let built = query::build(&open.index, &open.fields, q, &filters, &Default::default())?;
            let t = Instant::now();
            let counts = timeline::count_days(&searcher, &*built.query)?;
            collect.push(ms(t.elapsed()));
            assert_eq!(counts.dated() + counts.undated, total);
            let t = Instant::now();
            let every = timeline::count_all(&searcher, &open, &filters)?;
            all.push(ms(t.elapsed()));
            // Read straight from the column, as collected over every document.
            let collected =
                timeline::count_days(&searcher, &*query::filter_query(&open.fields, &filters))?;
            assert_eq!(every, collected);
        }
        println!(
            "{q:>20}: {total:>7} matches; timeline::run median {:>7.2} ms; matches' collector \
             alone {:>7.2} ms; every article (all) alone {:>7.2} ms",
            median(&whole),
            median(&collect),
            median(&all)
        );
    }
    let labelled: Vec<Labelled> = queries
        .iter()
        .map(|q| Labelled {
            label: q.to_string(),
            query: q.to_string(),
        })
        .collect();
    let mut one = Vec::new();
    let mut side_by_side = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        series::timelines(&searcher, &open, &labelled[..1], &filters, None)?;
        one.push(ms(t.elapsed()));
        let t = Instant::now();
        series::timelines(&searcher, &open, &labelled, &filters, None)?;
        side_by_side.push(ms(t.elapsed()));
    }
    println!(
        "{} queries side by side: median {:.2} ms; the first alone {:.2} ms ({:.2}x)",
        labelled.len(),
        median(&side_by_side),
        median(&one),
        median(&side_by_side) / median(&one)
    );
    Ok(())
}
