//! Lists the groups of copies (near-identical articles) in an index, to check by eye what
//! search folds together: `cargo run --release -p dateline-bench --bin copy_groups -- INDEX [SAMPLE]`.

use std::path::PathBuf;

use tantivy::schema::Value;
use tantivy::{DocAddress, TantivyDocument};

use dateline::simhash;
use dateline_bench::open_index;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let index = PathBuf::from(args.next().unwrap_or_else(|| "index".into()));
    let sample: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let (open, searcher) = open_index(&index)?;
    let mut prints: Vec<(u64, DocAddress)> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let column = segment.fast_fields().u64(dateline::schema::SIMHASH)?;
        for doc in segment.doc_ids_alive() {
            let print = column.first(doc).unwrap_or(0);
            if print != 0 {
                prints.push((print, DocAddress::new(ord as u32, doc)));
            }
        }
    }
    // Union-find over all pairs: fine for tens of thousands of articles.
    let mut parent: Vec<usize> = (0..prints.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for i in 0..prints.len() {
        for j in i + 1..prints.len() {
            if simhash::are_copies(prints[i].0, prints[j].0) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..prints.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let multi: Vec<&Vec<usize>> = groups.values().filter(|g| g.len() > 1).collect();
    let in_groups: usize = multi.iter().map(|g| g.len()).sum();
    let exact = multi
        .iter()
        .filter(|g| g.iter().all(|&i| prints[i].0 == prints[g[0]].0))
        .count();
    println!(
        "{} articles with a fingerprint; {} groups of copies ({} exact, {} near) holding {} articles",
        prints.len(),
        multi.len(),
        exact,
        multi.len() - exact,
        in_groups
    );
    let f = &open.fields;
    // Exact copies are plainly right; the near ones are what to check.
    let near: Vec<&&Vec<usize>> = multi
        .iter()
        .filter(|g| !g.iter().all(|&i| prints[i].0 == prints[g[0]].0))
        .collect();
    let step = (near.len() / sample.max(1)).max(1);
    for g in near.iter().step_by(step).take(sample) {
        println!("--");
        for &i in g.iter() {
            let doc: TantivyDocument = searcher.doc(prints[i].1)?;
            let get = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let body: String = get(f.body).chars().take(90).collect();
            println!(
                "{}  {}\n      {}",
                get(f.path),
                get(f.title),
                body.replace('\n', " ")
            );
        }
    }
    Ok(())
}
