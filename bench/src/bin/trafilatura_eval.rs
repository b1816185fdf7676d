//! HTML extraction on pages dateline was not built on: runs `article::html::parse` over
//! trafilatura's evaluation set and scores it as trafilatura's `tests/evaluate.py` does,
//! separately on a dev half (tuned on) and a held-out half (only its totals are shown).
//!
//! The set is not in this repository. Get trafilatura's repository
//! (<https://github.com/adbar/trafilatura>, Apache-2.0); the folder given must hold
//! `tests/evaldata.json` and the pages in `tests/cache/` and `tests/eval/`. Then:
//!
//!     cargo run --release -p dateline-bench --bin trafilatura_eval -- PATH/TO/trafilatura
//!     cargo run --release -p dateline-bench --bin trafilatura_eval -- PATH/TO/trafilatura --show-dev
//!     cargo run --release -p dateline-bench --bin trafilatura_eval -- PATH/TO/trafilatura --dump DIR
//!
//! Scoring (trafilatura's `eval_common.py`): each page lists up to six `with` snippets (article
//! sentences that must be kept) and up to six `without` snippets (boilerplate that must be left
//! out). Whitespace is collapsed in both the snippet and the output; a `with` snippet found in
//! the body is a true positive, missing a false negative; a `without` snippet found is a false
//! positive, absent a true negative. A page dateline skips has an empty body. Precision,
//! recall and F1 are over the counts summed across pages. Speed is HTML bytes over the time
//! spent in `parse` (one thread, file reading and scoring excluded).
//!
//! The split is fixed once: a page is held out when the FNV-1a 64-bit hash of its file name is
//! odd. `--show-dev` lists the dev pages' missed and kept snippets for tuning; the held-out
//! half's are never printed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

fn main() -> Result<()> {
    let mut args = std::env::args_os().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        bail!(
            "usage: trafilatura_eval TRAFILATURA_DIR [--show-dev] (tests/evaldata.json and \
             tests/{{cache,eval}}/ from https://github.com/adbar/trafilatura)"
        );
    };
    let args: Vec<std::ffi::OsString> = args.collect();
    let show_dev = args.iter().any(|a| a == "--show-dev");
    // `--dump DIR`: each dev page's extracted body written to DIR/FILE.txt, to read what the
    // failures listed by `--show-dev` sit in (held-out bodies are never written).
    let dump = dateline_bench::flag_path(&args, "--dump");
    let pages = load(&dir)?;
    let mut halves = [Half::default(), Half::default()];
    // Dev split again, by the parity of the file name's length: design on one, confirm on the other.
    let mut dev_halves = [Half::default(), Half::default()];
    for page in &pages {
        let started = Instant::now();
        let parse = dateline::article::html::parse(&page.html, Some(&page.url));
        let spent = started.elapsed();
        let body = parse
            .records
            .first()
            .map(|r| r.article.body.clone())
            .unwrap_or_default();
        if let Some(dir) = dump.as_ref().filter(|_| !held_out(&page.file)) {
            let path = dir.join(format!("{}.txt", page.file));
            std::fs::write(&path, &body).with_context(|| format!("writing {}", path.display()))?;
        }
        let body = norm(&body);
        let missed: Vec<&String> = page
            .with
            .iter()
            .filter(|w| !body.contains(&norm(w)))
            .collect();
        let kept: Vec<&String> = page
            .without
            .iter()
            .filter(|w| body.contains(&norm(w)))
            .collect();
        let this = Half {
            pages: 1,
            skipped: usize::from(parse.records.is_empty()),
            tp: page.with.len() - missed.len(),
            fn_: missed.len(),
            fp: kept.len(),
            tn: page.without.len() - kept.len(),
            bytes: page.html.len(),
            spent,
        };
        halves[usize::from(held_out(&page.file))].add(&this);
        if !held_out(&page.file) {
            dev_halves[page.file.len() % 2].add(&this);
        }
        if show_dev && !held_out(&page.file) && (!missed.is_empty() || !kept.is_empty()) {
            eprintln!("== {} ({})", page.file, page.url);
            if parse.records.is_empty() {
                let why: Vec<&str> = parse.problems.iter().map(|p| p.reason.as_str()).collect();
                eprintln!("   skipped: {}", why.join("; "));
            }
            for m in missed {
                eprintln!("   missed: {m}");
            }
            for k in kept {
                eprintln!("   kept:   {k}");
            }
        }
    }
    println!("| half | pages | skipped | TP | FP | FN | TN | P | R | F1 | MB/s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut all = Half::default();
    for (name, h) in [("dev", &halves[0]), ("held-out", &halves[1])] {
        row(name, h);
        all.add(h);
    }
    row("all", &all);
    if show_dev {
        row("dev, even name length", &dev_halves[0]);
        row("dev, odd name length", &dev_halves[1]);
    }
    Ok(())
}

#[derive(Default)]
struct Half {
    pages: usize,
    skipped: usize,
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
    bytes: usize,
    spent: Duration,
}

impl Half {
    fn add(&mut self, o: &Half) {
        self.pages += o.pages;
        self.skipped += o.skipped;
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.tn += o.tn;
        self.bytes += o.bytes;
        self.spent += o.spent;
    }
}

fn row(name: &str, h: &Half) {
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let p = ratio(h.tp, h.tp + h.fp);
    let r = ratio(h.tp, h.tp + h.fn_);
    let f1 = ratio(2 * h.tp, 2 * h.tp + h.fp + h.fn_);
    let mb_s = h.bytes as f64 / (1 << 20) as f64 / h.spent.as_secs_f64().max(1e-9);
    println!(
        "| {name} | {} | {} | {} | {} | {} | {} | {p:.3} | {r:.3} | {f1:.3} | {mb_s:.2} |",
        h.pages, h.skipped, h.tp, h.fp, h.fn_, h.tn
    );
}

/// The fixed split: FNV-1a (64-bit) of the file name, odd = held out.
fn held_out(file: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in file.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h & 1 == 1
}

/// Whitespace runs made one space, ends trimmed (trafilatura's `norm`).
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Page {
    file: String,
    url: String,
    html: Vec<u8>,
    with: Vec<String>,
    without: Vec<String>,
}

fn load(dir: &Path) -> Result<Vec<Page>> {
    let tests = dir.join("tests");
    let data_path = tests.join("evaldata.json");
    let data: Value = serde_json::from_slice(
        &std::fs::read(&data_path).with_context(|| format!("reading {}", data_path.display()))?,
    )
    .context("evaldata.json is not JSON")?;
    let Some(entries) = data.as_object() else {
        bail!("evaldata.json is not an object of page URLs");
    };
    let mut urls: Vec<&String> = entries.keys().collect();
    urls.sort();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut pages = Vec::new();
    for url in urls {
        let entry = &entries[url];
        let Some(file) = entry["file"].as_str() else {
            bail!("{url}: no file name in evaldata.json");
        };
        // trafilatura's `resolve`: the cache copy first, then the eval one.
        let path = ["cache", "eval"]
            .iter()
            .map(|sub| tests.join(sub).join(file))
            .find(|p| p.is_file())
            .with_context(|| format!("{url}: {file} is in neither tests/cache nor tests/eval"))?;
        pages.push(Page {
            file: file.to_string(),
            url: url.clone(),
            html: std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
            with: strings(&entry["with"]),
            without: strings(&entry["without"]),
        });
    }
    Ok(pages)
}
