//! HTML extraction quality and speed: runs dateline's own `article::html::parse` over the
//! ScrapingHub article-extraction-benchmark pages and scores the bodies against their
//! human-written ground truth, as the benchmark's `evaluate.py` does. The body scored is
//! the text the index stores (`article::indexable`: soft hyphens out, Unicode composed).
//!
//! The dataset is not in this repository. Get it from
//! <https://github.com/scrapinghub/article-extraction-benchmark> (MIT): the folder must hold
//! `ground-truth.json` and `html/<id>.html.gz`. Then:
//!
//!     cargo run --release -p dateline-bench --bin extract_eval -- PATH/TO/article-extraction-benchmark
//!     cargo run --release -p dateline-bench --bin extract_eval -- PATH/TO/article-extraction-benchmark --per-page --dump DIR
//!
//! Scoring (the benchmark's): tokens are runs of word characters (`\w+`), a text is the
//! multiset of its 4-token shingles; per page tp/fp/fn are normalised to sum to 1; P is the
//! mean of per-page precision over pages with output, R the mean recall over pages with
//! ground truth; F1 = 2PR/(P+R). Speed is HTML bytes over the time spent in `parse` (one
//! thread, gunzip and scoring excluded).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

fn main() -> Result<()> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        bail!(
            "usage: extract_eval DATASET_DIR (ground-truth.json and html/*.html.gz from \
             https://github.com/scrapinghub/article-extraction-benchmark)"
        );
    };
    // `--per-page`: every page's F1 on stderr, to compare two builds page by page.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let per_page = args.iter().any(|a| a == "--per-page");
    // `--dump DIR`: each page's extracted body written to DIR/ID.txt.
    let dump = dateline_bench::flag_path(&args, "--dump");
    let pages = load(&dir)?;
    let (mut scores, mut bytes, mut spent, mut skipped) = (Vec::new(), 0usize, Duration::ZERO, 0);
    let mut worst = Vec::new();
    for page in &pages {
        let started = Instant::now();
        let parse = dateline::article::html::parse(&page.html, Some(&page.url));
        spent += started.elapsed();
        bytes += page.html.len();
        let body = match parse.records.first() {
            Some(record) => dateline::article::indexable(&record.article.body).into_owned(),
            None => {
                skipped += 1;
                String::new()
            }
        };
        if let Some(dir) = &dump {
            let path = dir.join(format!("{}.txt", page.id));
            std::fs::write(&path, &body).with_context(|| format!("writing {}", path.display()))?;
        }
        let score = match_shingles(&page.truth, &body);
        worst.push((page_f1(score), page.id.clone()));
        scores.push(score);
    }
    let s = summarize(&scores);
    let mb_s = bytes as f64 / (1 << 20) as f64 / spent.as_secs_f64();
    println!("| n | P | R | F1 | mean F1 | median F1 | pages F1<0.5 | no record | MB/s |");
    println!("|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {} | {} | {:.2} |",
        pages.len(),
        s.p,
        s.r,
        s.f1,
        s.mean_f1,
        s.median_f1,
        s.low,
        skipped,
        mb_s
    );
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    let lowest: Vec<String> = worst
        .iter()
        .take(5)
        .map(|(f, id)| format!("{id} {f:.2}"))
        .collect();
    eprintln!("lowest F1: {}", lowest.join(", "));
    eprintln!("F1 {:.5} (P {:.5}, R {:.5})", s.f1, s.p, s.r);
    if per_page {
        worst.sort_by(|a, b| a.1.cmp(&b.1));
        for (f, id) in &worst {
            eprintln!("page {id} {f:.4}");
        }
    }
    Ok(())
}

struct Page {
    id: String,
    url: String,
    html: Vec<u8>,
    truth: String,
}

fn load(dir: &Path) -> Result<Vec<Page>> {
    let truth_path = dir.join("ground-truth.json");
    let truth: Value = serde_json::from_slice(
        &std::fs::read(&truth_path).with_context(|| format!("reading {}", truth_path.display()))?,
    )
    .context("ground-truth.json is not JSON")?;
    let Some(entries) = truth.as_object() else {
        bail!("ground-truth.json is not an object of page ids");
    };
    let mut ids: Vec<&String> = entries.keys().collect();
    ids.sort();
    let mut pages = Vec::new();
    for id in ids {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let gz = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut html)
            .with_context(|| format!("gunzipping {}", path.display()))?;
        let entry = &entries[id];
        pages.push(Page {
            id: id.clone(),
            url: entry["url"]
                .as_str()
                .unwrap_or("https://example.com/")
                .to_string(),
            html,
            truth: entry["articleBody"].as_str().unwrap_or("").to_string(),
        });
    }
    Ok(pages)
}

fn tokenize(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn shingles(s: &str) -> HashMap<Vec<&str>, u32> {
    let tokens = tokenize(s);
    let mut out = HashMap::new();
    let count = tokens.len().saturating_sub(4) + 1;
    for i in 0..count {
        let end = (i + 4).min(tokens.len());
        if i < end {
            *out.entry(tokens[i..end].to_vec()).or_insert(0) += 1;
        }
    }
    out
}

#[derive(Clone, Copy, Default)]
struct Counts {
    tp: f64,
    fp: f64,
    fn_: f64,
}

fn match_shingles(truth: &str, pred: &str) -> Counts {
    let pred = pred.replace('\u{AD}', "");
    let (t, p) = (shingles(truth), shingles(&pred));
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += f64::from(tc.min(pc));
        fn_ += f64::from(tc.saturating_sub(pc));
        fp += f64::from(pc.saturating_sub(tc));
    }
    fp += p
        .iter()
        .filter(|(k, _)| !t.contains_key(*k))
        .map(|(_, &c)| f64::from(c))
        .sum::<f64>();
    let sum = tp + fp + fn_;
    if sum > 0.0 {
        Counts {
            tp: tp / sum,
            fp: fp / sum,
            fn_: fn_ / sum,
        }
    } else {
        Counts::default()
    }
}

fn precision(x: Counts) -> f64 {
    if x.fp == 0.0 && x.fn_ == 0.0 {
        1.0
    } else if x.tp == 0.0 && x.fp == 0.0 {
        0.0
    } else {
        x.tp / (x.tp + x.fp)
    }
}

fn recall(x: Counts) -> f64 {
    if x.fp == 0.0 && x.fn_ == 0.0 {
        1.0
    } else if x.tp == 0.0 && x.fn_ == 0.0 {
        0.0
    } else {
        x.tp / (x.tp + x.fn_)
    }
}

fn page_f1(x: Counts) -> f64 {
    let (p, r) = (precision(x), recall(x));
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

struct Summary {
    p: f64,
    r: f64,
    f1: f64,
    mean_f1: f64,
    median_f1: f64,
    low: usize,
}

fn summarize(xs: &[Counts]) -> Summary {
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let p = mean(
        xs.iter()
            .filter(|x| x.tp + x.fp > 0.0)
            .map(|&x| precision(x))
            .collect(),
    );
    let r = mean(
        xs.iter()
            .filter(|x| x.tp + x.fn_ > 0.0)
            .map(|&x| recall(x))
            .collect(),
    );
    let mut f1s: Vec<f64> = xs.iter().map(|&x| page_f1(x)).collect();
    f1s.sort_by(f64::total_cmp);
    let n = f1s.len();
    let median_f1 = match n {
        0 => 0.0,
        _ if n % 2 == 1 => f1s[n / 2],
        _ => (f1s[n / 2 - 1] + f1s[n / 2]) / 2.0,
    };
    Summary {
        p,
        r,
        f1: if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        },
        mean_f1: mean(f1s.clone()),
        median_f1,
        low: f1s.iter().filter(|&&f| f < 0.5).count(),
    }
}
