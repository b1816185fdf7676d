//! HTML extraction on pages dateline was not built on: runs `article::html::parse` over
//! trafilatura's evaluation set and scores it as trafilatura's `tests/evaluate.py` does,
//! separately on a dev half (tuned on) and a held-out half (only its totals are shown).
//! The body scored is the text the index stores (`article::indexable`: soft hyphens out,
//! Unicode composed), what `dateline show` and `export` give back.
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
//!
//! The same tool scores the Modern Content Extraction Benchmark
//! (<https://github.com/tiptopjaw/web-content-extraction-benchmark>, Apache-2.0): 1,000 pages
//! of 2025 (articles, forums, products, documentation...) that dateline was never developed
//! on, in the same `with`/`without` scheme. Given its checkout (`benchmark/ground-truth/*.json`
//! and `release/html/*.html.gz`), it adds a row for each page type the set gives. Its
//! snippets were written by a language model, which straightens typographic quotes and
//! dashes (`’` as `'`): for this set only, both the snippet and the output are folded the same
//! way before they are compared, or every sentence with an apostrophe would count as missed.
//!
//! And its published successor, WCXB (<https://github.com/Murrough-Foley/web-content-extraction-benchmark>,
//! CC-BY-4.0: `dev/` and `test/`, each with `ground-truth/NNNN.json` and `html/NNNN.html.gz`),
//! scored and folded the same way. There the halves are the benchmark's own split: its test
//! pages are the held-out half (their bodies are never printed or written), with a row per
//! page type of them as well. Its dev split holds most of the pages of the set above. For
//! both, a second table gives the benchmark's own measure (WCXB's `evaluate.py`): the
//! word-multiset precision, recall and F1 of the body against the page's whole main text,
//! averaged over pages (a skipped page scores 0), the figure WCXB publishes for other
//! extractors.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

fn main() -> Result<()> {
    let mut args = std::env::args_os().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        bail!(
            "usage: trafilatura_eval DIR [--show-dev] [--dump OUT] (DIR: trafilatura's checkout \
             with tests/evaldata.json and tests/{{cache,eval}}/ from \
             https://github.com/adbar/trafilatura, or a checkout of the Modern Content \
             Extraction Benchmark or of WCXB)"
        );
    };
    let args: Vec<std::ffi::OsString> = args.collect();
    let show_dev = args.iter().any(|a| a == "--show-dev");
    // `--dump DIR`: each dev page's extracted body written to DIR/FILE.txt, to read what the
    // failures listed by `--show-dev` sit in (held-out bodies are never written).
    let dump = dateline_bench::flag_path(&args, "--dump");
    // The Modern Content Extraction Benchmark's snippets are folded (see above); trafilatura's
    // are compared as its own scorer compares them.
    let (pages, fold) = if dir.join("benchmark/ground-truth").is_dir() {
        (load_wceb(&dir)?, true)
    } else if dir.join("test/ground-truth").is_dir() {
        (load_wcxb(&dir)?, true)
    } else {
        (load(&dir)?, false)
    };
    let mut kinds: std::collections::BTreeMap<&str, Half> = Default::default();
    // The same for the held-out half, where the set has a split of its own.
    let mut held_kinds: std::collections::BTreeMap<&str, Half> = Default::default();
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
            .map(|r| dateline::article::indexable(&r.article.body).into_owned())
            .unwrap_or_default();
        if let Some(dir) = dump.as_ref().filter(|_| !page.held_out()) {
            let path = dir.join(format!("{}.txt", page.file));
            std::fs::write(&path, &body).with_context(|| format!("writing {}", path.display()))?;
        }
        let norm = |s: &str| if fold { fold_quotes(&norm(s)) } else { norm(s) };
        let raw_body = body;
        let body = norm(&raw_body);
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
        let worded = page
            .main_content
            .as_deref()
            .map(|truth| word_scores(&raw_body, truth));
        let this = Half {
            words: worded.unwrap_or_default(),
            worded: usize::from(worded.is_some()),
            pages: 1,
            skipped: usize::from(parse.records.is_empty()),
            tp: page.with.len() - missed.len(),
            fn_: missed.len(),
            fp: kept.len(),
            tn: page.without.len() - kept.len(),
            bytes: page.html.len(),
            spent,
        };
        halves[usize::from(page.held_out())].add(&this);
        if let Some(kind) = &page.kind {
            kinds.entry(kind).or_default().add(&this);
            if page.split.is_some() && page.held_out() {
                held_kinds.entry(kind).or_default().add(&this);
            }
        }
        if !page.held_out() {
            dev_halves[page.file.len() % 2].add(&this);
        }
        if show_dev && !page.held_out() && (!missed.is_empty() || !kept.is_empty()) {
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
    let mut all = Half::default();
    all.add(&halves[0]);
    all.add(&halves[1]);
    // The rows both tables give, in order.
    let rows: Vec<(String, &Half)> = [("dev", &halves[0]), ("held-out", &halves[1]), ("all", &all)]
        .into_iter()
        .map(|(name, h)| (name.to_string(), h))
        .chain(kinds.iter().map(|(k, h)| (format!("type: {k}"), h)))
        .chain(
            held_kinds
                .iter()
                .map(|(k, h)| (format!("held-out, type: {k}"), h)),
        )
        .collect();
    println!("| half | pages | skipped | TP | FP | FN | TN | P | R | F1 | MB/s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for (name, h) in &rows {
        row(name, h);
    }
    if show_dev {
        row("dev, even name length", &dev_halves[0]);
        row("dev, odd name length", &dev_halves[1]);
    }
    if all.worded > 0 {
        println!();
        println!("| half (the set's own word measure) | pages | P | R | F1 |");
        println!("|---|---|---|---|---|");
        for (name, h) in &rows {
            let mean = |i: usize| h.words[i] / h.worded.max(1) as f64;
            println!(
                "| {name} | {} | {:.3} | {:.3} | {:.3} |",
                h.worded,
                mean(0),
                mean(1),
                mean(2)
            );
        }
    }
    Ok(())
}

/// The two benchmarks' own measure of a page (WCXB's `evaluate.py`, `word_f1`): the body's
/// and the main text's words (runs of letters, digits and `_`, lower-cased) as multisets;
/// precision, recall and F1 of their overlap. An empty main text scores 1 against an empty
/// body, else 0; an empty body scores 0.
fn word_scores(body: &str, truth: &str) -> [f64; 3] {
    fn words(s: &str) -> std::collections::HashMap<String, usize> {
        let mut counts = std::collections::HashMap::new();
        for w in s
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
        {
            *counts.entry(w.to_lowercase()).or_insert(0) += 1;
        }
        counts
    }
    let (mine, theirs) = (words(body), words(truth));
    let (n_mine, n_theirs) = (mine.values().sum::<usize>(), theirs.values().sum::<usize>());
    if n_theirs == 0 {
        return if n_mine == 0 { [1.0; 3] } else { [0.0; 3] };
    }
    if n_mine == 0 {
        return [0.0; 3];
    }
    let overlap: usize = mine
        .iter()
        .map(|(w, n)| (*n).min(theirs.get(w).copied().unwrap_or(0)))
        .sum();
    let (p, r) = (
        overlap as f64 / n_mine as f64,
        overlap as f64 / n_theirs as f64,
    );
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    [p, r, f1]
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
    /// Sums over the pages with a main text of the set's word precision, recall and F1.
    words: [f64; 3],
    /// How many pages those are.
    worded: usize,
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
        for (a, b) in self.words.iter_mut().zip(o.words) {
            *a += b;
        }
        self.worded += o.worded;
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

impl Page {
    /// Whether the page is in the held-out half: the set's own split where it has one, else
    /// [`held_out`].
    fn held_out(&self) -> bool {
        self.split.unwrap_or_else(|| held_out(&self.file))
    }
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

/// `s` with typographic quotes, dashes, ellipses and no-break spaces as a language model
/// writes them when it copies a sentence.
fn fold_quotes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2018}' | '\u{2019}' => out.push('\''),
            '\u{201c}' | '\u{201d}' => out.push('"'),
            '\u{2013}' | '\u{2014}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{a0}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Whitespace runs made one space, ends trimmed (trafilatura's `norm`), of the text as the
/// index stores it: a snippet copied from the page with its soft hyphens is looked for as
/// a reader would type it, as the body scored is the text stored.
fn norm(s: &str) -> String {
    dateline::article::indexable(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

struct Page {
    /// The page type the set gives (Modern Content Extraction Benchmark and WCXB only).
    kind: Option<String>,
    /// Whether the set's own split holds the page out (WCXB's test pages), where it has one.
    split: Option<bool>,
    /// The whole main text the set gives (the two benchmarks only), for their word F1.
    main_content: Option<String>,
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
            kind: None,
            split: None,
            main_content: None,
            file: file.to_string(),
            url: url.clone(),
            html: std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
            with: strings(&entry["with"]),
            without: strings(&entry["without"]),
        });
    }
    Ok(pages)
}

/// The Modern Content Extraction Benchmark's pages: `benchmark/ground-truth/NNNN.json`
/// (`url`, `ground_truth.with`/`without`, the page type in `_internal.page_type.primary`)
/// and `release/html/NNNN.html.gz`.
fn load_wceb(dir: &Path) -> Result<Vec<Page>> {
    load_truths(
        &dir.join("benchmark/ground-truth"),
        &dir.join("release/html"),
        None,
    )
}

/// WCXB's pages: its `dev/` and `test/` folders, each with `ground-truth/NNNN.json` (as the
/// Modern Content Extraction Benchmark's) and `html/NNNN.html.gz`; the test pages held out.
fn load_wcxb(dir: &Path) -> Result<Vec<Page>> {
    let mut pages = Vec::new();
    for (split, held) in [("dev", false), ("test", true)] {
        let split = dir.join(split);
        pages.extend(load_truths(
            &split.join("ground-truth"),
            &split.join("html"),
            Some(held),
        )?);
    }
    Ok(pages)
}

/// The pages whose truths are `truth/NNNN.json` and whose HTML is `html/NNNN.html.gz` (a
/// truth without its page is passed over), held out as `split` says.
fn load_truths(truth: &Path, html_dir: &Path, split: Option<bool>) -> Result<Vec<Page>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(truth)
        .with_context(|| format!("reading {}", truth.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut pages = Vec::new();
    for path in files {
        let entry: Value = serde_json::from_slice(&std::fs::read(&path)?)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let gz_path = html_dir.join(format!("{id}.html.gz"));
        let Ok(gz) = std::fs::read(&gz_path) else {
            continue;
        };
        let mut html = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut html)
            .with_context(|| format!("gunzipping {}", gz_path.display()))?;
        let kind = entry["_internal"]["page_type"]["primary"]
            .as_str()
            .unwrap_or("unknown");
        pages.push(Page {
            kind: Some(kind.to_string()),
            split,
            // As WCXB's `evaluate.py` reads it: a page with a truth has a main text, empty
            // when the truth gives none.
            main_content: entry["ground_truth"].is_object().then(|| {
                entry["ground_truth"]["main_content"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            }),
            file: format!("{id}.html"),
            url: entry["url"].as_str().unwrap_or_default().to_string(),
            html,
            with: strings(&entry["ground_truth"]["with"]),
            without: strings(&entry["ground_truth"]["without"]),
        });
    }
    Ok(pages)
}

/// The strings of a JSON array (none if it is not one).
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
