//! Checks `topk` (the pruned top k) against scoring every match, on a real index, and
//! times both: `cargo run --release -p dateline-bench --bin topk_check -- INDEX K "query" ...
//! | @FILE`
//! (`@FILE`: one query per line). `FROM_TO=2010-01-01,2012-12-31` adds a date filter.
//! Prints one line per query, or a summary for more than 20.

use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;

use dateline::query::{self, Filters};
use dateline::ranking::Ranking;
use dateline::{index_dir, topk};
use dateline_bench::date_filters;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let index = std::path::PathBuf::from(args.next().unwrap_or_else(|| "index".into()));
    let k: usize = args.next().map_or(Ok(10), |s| s.parse())?;
    let mut queries: Vec<String> = args.collect();
    if let [file] = &queries[..] {
        if let Some(path) = file.strip_prefix('@') {
            queries = std::fs::read_to_string(path)?
                .lines()
                .map(String::from)
                .collect();
        }
    }
    let filters = match std::env::var("FROM_TO") {
        Ok(span) => {
            let (from, to) = span
                .split_once(',')
                .ok_or_else(|| anyhow::anyhow!("FROM_TO is FROM,TO"))?;
            date_filters(from, to)?
        }
        Err(_) => Filters::default(),
    };
    let open = index_dir::open_for_search(&index)?;
    let searcher = index_dir::reader(&open.index)?.searcher();
    let quiet = queries.len() > 20;
    let (mut same, mut exact, mut differ, mut fell_back, mut unpruned) = (0, 0, 0, 0, 0);
    let (mut t_full, mut t_pruned) = (Duration::ZERO, Duration::ZERO);
    let mut ratios: Vec<(f64, &str)> = Vec::new();
    for q in &queries {
        let built = query::build(&open.index, &open.fields, q, &filters, &Ranking::default())?;
        let Some(prune) = &built.prune else {
            unpruned += 1;
            continue;
        };
        let t = Instant::now();
        let full = searcher.search(&*built.query, &TopDocs::with_limit(k).order_by_score())?;
        let full_time = t.elapsed();
        let t = Instant::now();
        let pruned = topk::top_k(&searcher, prune, k)?;
        let pruned_time = t.elapsed();
        let Some(top) = pruned else {
            fell_back += 1;
            if !quiet {
                println!("{q}: fell back; full {full_time:?}, pruned {pruned_time:?}");
            }
            continue;
        };
        ratios.push((pruned_time.as_secs_f64() / full_time.as_secs_f64(), q));
        t_full += full_time;
        t_pruned += pruned_time;
        exact += usize::from(top == full);
        // Articles may trade places only where their scores tie within rounding.
        let agrees = top.len() == full.len()
            && top
                .iter()
                .zip(&full)
                .all(|(a, b)| a.1 == b.1 || (a.0 - b.0).abs() < 1e-4 * b.0.abs().max(1.0));
        if agrees {
            same += 1;
        } else {
            differ += 1;
            println!("DIFFER {q}:\n  pruned {top:?}\n  full   {full:?}");
        }
        if !quiet {
            println!("{q}: agrees {agrees}; full {full_time:?}, pruned {pruned_time:?}");
        }
    }
    ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let (Some(mid), Some(worst)) = (ratios.get(ratios.len() / 2), ratios.last()) {
        println!(
            "pruned time / full time: median {:.2}, worst {:.2} ({})",
            mid.0, worst.0, worst.1
        );
    }
    println!(
        "{} pruned: {same} agree ({exact} bit for bit), {differ} differ; {fell_back} fell back, \
         {unpruned} not prunable; full {t_full:?}, pruned {t_pruned:?}",
        same + differ
    );
    Ok(())
}
