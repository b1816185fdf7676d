//! What each ranking clause costs per query, in-process (medians of 50 runs):
//! `cargo run --release -p dateline-bench --bin ranking_cost -- INDEX "query" ...`.

use std::path::PathBuf;

use dateline::query::{self, Filters};
use dateline::ranking::Ranking;
use dateline::search::{self, Request};
use dateline_bench::{median, open_index, time_it};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let index = PathBuf::from(args.next().unwrap_or_else(|| "index".into()));
    let queries: Vec<String> = args.collect();
    let (open, searcher) = open_index(&index)?;
    let base = Ranking::bm25();
    let variants = [
        ("bm25", base.clone()),
        (
            "+all words",
            Ranking {
                title_boost: 1.0,
                all_words_tier: 10.0,
                all_words_boost: 1.0,
                ..base.clone()
            },
        ),
        (
            "+proximity",
            Ranking {
                proximity_tier: 5.0,
                proximity_slop: 3,
                ..base.clone()
            },
        ),
        (
            "+pairs",
            Ranking {
                pair_boost: 0.5,
                ..base.clone()
            },
        ),
        ("default", Ranking::default()),
    ];
    for q in &queries {
        for (name, ranking) in &variants {
            let req = Request {
                query: q.clone(),
                filters: Filters::default(),
                limit: 10,
                offset: 0,
                sort: Default::default(),
                snippet_chars: 200,
                ranking: ranking.clone(),
                facets: None,
                all_copies: true,
            };
            let (times, _) = time_it(50, || {
                let built = query::build(&open.index, &open.fields, q, &req.filters, ranking)?;
                let r = search::top_docs(&searcher, &built, &req)?;
                std::hint::black_box(r);
                Ok(())
            })?;
            println!("{q:<22} {name:<12} {:.3} ms", median(&times));
        }
    }
    Ok(())
}
