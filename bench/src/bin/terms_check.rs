//! Checks `dateline terms` against an independent computation on the raw text:
//! `cargo run --release -p dateline-bench --bin terms_check -- CORPUS INDEX [QUERY...]`
//! (CORPUS: a folder of Reuters-21578 .txt files; INDEX: a dateline index of it).
//!
//! The independent side reads every .txt file itself (first line the title, the body after
//! the first blank line), splits the body into lower-cased runs of letters and digits (no
//! stemming), and counts in how many articles each word appears. The matches of a one-word
//! query are the articles whose title or body has that word; each word's log-likelihood
//! (G²) compares its document frequency in the matches with the rest of the corpus. Words
//! less common in the matches, in fewer than 3 matches, numbers, one-letter words, the
//! query word and dateline's stop words are left out, so the two lists answer the same
//! question. It prints both top 20 lists and how many of the independent top 20 words
//! dateline's top 20 has (as a word, or as a word of one of its phrases; a plural `s`
//! ignored).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use dateline::terms::{self, log_likelihood, STOP_WORDS};
use dateline::{index_dir, query::Filters};

const TOP: usize = 20;
const QUERIES: [&str; 8] = [
    "cocoa", "coffee", "sugar", "gold", "tin", "rubber", "copper", "wheat",
];

/// One article: the set of its body's words, and of its title's and body's together.
struct Article {
    body: HashSet<String>,
    all: HashSet<String>,
}

fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn read_corpus(dir: &Path) -> anyhow::Result<Vec<Article>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                let bytes = std::fs::read(&path)?;
                let text = String::from_utf8_lossy(&bytes);
                let title = text.lines().next().unwrap_or_default();
                let body = text.split_once("\n\n").map_or("", |(_, b)| b);
                let body_words = words(body);
                let mut all = words(title);
                all.extend(body_words.iter().cloned());
                out.push(Article {
                    body: body_words,
                    all,
                });
            }
        }
    }
    Ok(out)
}

/// The independent top words for `query` (one word).
fn independent(articles: &[Article], df: &HashMap<&str, u64>, query: &str) -> Vec<(String, f64)> {
    let matching: Vec<&Article> = articles.iter().filter(|a| a.all.contains(query)).collect();
    let n = matching.len() as f64;
    let m = articles.len() as f64 - n;
    let mut in_matches: HashMap<&str, u64> = HashMap::new();
    for a in &matching {
        for w in &a.body {
            *in_matches.entry(w.as_str()).or_default() += 1;
        }
    }
    let stop: HashSet<&str> = STOP_WORDS.iter().copied().collect();
    let mut scored: Vec<(String, f64)> = in_matches
        .into_iter()
        .filter(|(w, a)| {
            *a >= 3
                && w.chars().nth(1).is_some()
                && !w.bytes().all(|b| b.is_ascii_digit())
                && !stop.contains(w)
                && *w != query
        })
        .filter_map(|(w, a)| {
            let b = (df[w] - a) as f64;
            let a = a as f64;
            (a / n > b / m).then(|| (w.to_string(), log_likelihood(a, n, b, m)))
        })
        .collect();
    scored.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    scored.truncate(TOP);
    scored
}

fn singular(w: &str) -> &str {
    w.strip_suffix('s').unwrap_or(w)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: terms_check CORPUS INDEX [QUERY...]";
    let corpus = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let index = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = QUERIES.iter().map(|q| q.to_string()).collect();
    }
    let articles = read_corpus(Path::new(&corpus))?;
    let mut df: HashMap<&str, u64> = HashMap::new();
    for a in &articles {
        for w in &a.body {
            *df.entry(w.as_str()).or_default() += 1;
        }
    }
    let open = index_dir::open_for_search(Path::new(&index))?;
    let searcher = index_dir::reader(&open.index)?.searcher();
    let mut overlaps = Vec::new();
    for q in &queries {
        let ours = independent(&articles, &df, q);
        let theirs = terms::terms(
            &searcher,
            &open,
            &terms::Request {
                query: q.clone(),
                versus: None,
                filters: Filters::default(),
                limit: TOP,
            },
        )?;
        let shown: HashSet<String> = theirs
            .distinctive
            .iter()
            .flat_map(|d| {
                d.term
                    .split(' ')
                    .map(|w| singular(&w.to_lowercase()).to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        let common = ours
            .iter()
            .filter(|(w, _)| shown.contains(singular(w)))
            .count();
        overlaps.push((q.clone(), common, ours.len()));
        println!(
            "== {q}: {} matches; overlap {common}/{}",
            theirs.matches,
            ours.len()
        );
        let list = |v: Vec<String>| v.join(", ");
        println!(
            "   independent: {}",
            list(ours.iter().map(|(w, _)| w.clone()).collect())
        );
        println!(
            "   dateline:    {}",
            list(theirs.distinctive.iter().map(|d| d.term.clone()).collect())
        );
    }
    let (common, total) = overlaps.iter().fold((0, 0), |(c, t), o| (c + o.1, t + o.2));
    println!(
        "overall: {common}/{total} ({:.0}%)",
        100.0 * common as f64 / total.max(1) as f64
    );
    Ok(())
}
