//! dateline's benchmark harness: builds scaled copies of the Reuters-21578 corpus, then
//! measures dateline (the release binary as a subprocess, and the library in-process) side by
//! side with "tantivy alone" (`bench/src/bin/tantivy_alone.rs`, the minimal program on the same
//! tantivy), SQLite FTS5 and, when installed, ripgrep.
//!
//! Run: `cargo bench -p dateline-bench --bench archive -- [--scales 1,10,50] [--runs N]
//! [--query-runs N] [--out FILE.json] [--md FILE.md] [--data DIR] [--no-sqlite] [--no-alone]
//! [--formats html,warc,nitf-tgz]`
//!
//! `--formats` measures, instead of the .txt scale runs, the build of the same articles as
//! news web pages, a Common Crawl WARC.gz and a .tgz of NITF files.
//!
//! Every sample goes to `bench/runs/YYYY-MM-DD/results.json` (the day of the run, UTC); the
//! tables in docs/BENCHMARKS.md show each scale's latest run. See docs/BENCHMARKS.md for what
//! each figure means.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};

use dateline_bench::{
    median, ms, parse_date_line, parse_txt, repo_root, runs_dir, target_dir, time_it, utc_day,
    Query, MONTHS, QUERIES, WARMUPS,
};

/// Names given to the 1% of files added for the incremental re-index figure.
const ADDED_SUFFIX: &str = "_add1pct.txt";

// ---------------------------------------------------------------------------------------
// Arguments.

struct Args {
    scales: Vec<u32>,
    runs: Option<usize>,
    query_runs: usize,
    out: PathBuf,
    md: Option<PathBuf>,
    data: PathBuf,
    sqlite: bool,
    /// Measure tantivy alone beside dateline.
    alone: bool,
    jsonl: bool,
    /// Only rewrite the Markdown from the results file; measure nothing.
    render: bool,
    /// Measure these formats at each scale instead of the .txt scale runs.
    formats: Vec<Format>,
}

fn usage() -> &'static str {
    "usage: cargo bench -p dateline-bench --bench archive -- [--scales 1,10,50] [--runs N] \
     [--query-runs N] [--out FILE.json] [--md FILE.md | --no-md] [--data DIR] [--no-sqlite] \
     [--no-alone] [--no-jsonl] [--render] [--formats html,warc,nitf-tgz|all]"
}

fn parse_args(raw: Vec<String>) -> Result<Args> {
    let root = repo_root();
    let mut args = Args {
        scales: vec![1, 10],
        runs: None,
        query_runs: 20,
        out: runs_dir()
            .join(utc_day(std::time::SystemTime::now()))
            .join("results.json"),
        md: Some(root.join("docs").join("BENCHMARKS.md")),
        data: std::env::var_os("DATELINE_BENCH_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| target_dir().join("bench-data")),
        sqlite: true,
        alone: true,
        jsonl: true,
        render: false,
        formats: Vec::new(),
    };
    let mut it = raw.into_iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| anyhow!("{a} needs a value; {}", usage()))
        };
        match a.as_str() {
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            "--scales" => {
                args.scales = value()?
                    .split(',')
                    .map(|s| s.trim().parse::<u32>())
                    .collect::<Result<_, _>>()
                    .context("--scales takes numbers such as 1,10,50")?;
                if args.scales.contains(&0) {
                    bail!("--scales must be positive");
                }
            }
            "--runs" => args.runs = Some(value()?.parse().context("--runs takes a number")?),
            "--query-runs" => args.query_runs = value()?.parse().context("--query-runs")?,
            "--out" => args.out = PathBuf::from(value()?),
            "--md" => args.md = Some(PathBuf::from(value()?)),
            "--no-md" => args.md = None,
            "--data" => args.data = PathBuf::from(value()?),
            "--no-sqlite" => args.sqlite = false,
            "--no-alone" => args.alone = false,
            "--no-jsonl" => args.jsonl = false,
            "--render" => args.render = true,
            "--formats" => args.formats = Format::parse_list(&value()?)?,
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}; {}", usage()),
        }
    }
    Ok(args)
}

// ---------------------------------------------------------------------------------------
// Small helpers: statistics, child processes, folders.

struct ChildRun {
    wall: Duration,
    /// Peak resident set of this child alone, from wait4's rusage (exact, not polled).
    max_rss_kb: u64,
    /// User + system CPU time of the child.
    cpu: Duration,
    stdout: String,
}

/// Runs a command to completion, timing it wall-clock and taking its own peak RSS.
fn run_child(cmd: &mut Command) -> Result<ChildRun> {
    run_child_with(cmd, false, false)
}

/// Runs a `dateline search`, which exits 1 (as grep does) when no article has every word.
fn run_search(cmd: &mut Command) -> Result<ChildRun> {
    run_child_with(cmd, false, true)
}

/// Runs a build, with its peak RSS taken by GNU time when that is installed. wait4's own
/// ru_maxrss is not the child's alone: std spawns with vfork semantics, and at exec Linux
/// records the harness's high-water RSS as the child's starting maximum, so after the harness
/// had generated the 50x JSON Lines (1.3 GB) every child "peaked" at 1.3 GB. GNU time forks
/// from its own small process, so the figure it reports is the build's.
fn run_build(cmd: &mut Command) -> Result<ChildRun> {
    run_child_with(cmd, true, false)
}

fn run_child_with(cmd: &mut Command, measure_rss: bool, no_hits_ok: bool) -> Result<ChildRun> {
    let gnu_time = Path::new("/usr/bin/time");
    let rss_file = std::env::temp_dir().join(format!("dateline-bench-rss-{}", std::process::id()));
    let mut wrapped;
    let cmd = if measure_rss && gnu_time.exists() {
        let _ = fs::remove_file(&rss_file);
        wrapped = Command::new(gnu_time);
        wrapped
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&rss_file)
            .arg(cmd.get_program())
            .args(cmd.get_args());
        &mut wrapped
    } else {
        cmd
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("starting {cmd:?}"))?;
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).map(|_| s)
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).map(|_| s)
    });
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; wait4 fills it in for the child we started.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if rc != pid {
        bail!(
            "wait4 failed for {cmd:?}: {}",
            std::io::Error::last_os_error()
        );
    }
    let stdout = out_thread.join().expect("stdout reader")?;
    let stderr = err_thread.join().expect("stderr reader")?;
    let ok = libc::WIFEXITED(status)
        && (libc::WEXITSTATUS(status) == 0 || no_hits_ok && libc::WEXITSTATUS(status) == 1);
    if !ok {
        bail!("{cmd:?} failed (status {status}):\n{stderr}");
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let measured = measure_rss
        .then(|| fs::read_to_string(&rss_file).ok())
        .flatten()
        .and_then(|s| s.trim().parse::<u64>().ok());
    Ok(ChildRun {
        wall,
        max_rss_kb: measured.unwrap_or(usage.ru_maxrss as u64),
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        stdout,
    })
}

/// Reads every file under `path` so that a build starts with the corpus in the page cache,
/// as the tables say: at 50x the 1.08 M files do not all stay cached between builds on a
/// 24 GB machine, and a build that meets the disk measured 137-402 s against ~100 s warm.
fn warm_cache(path: &Path) {
    use std::io::Read as _;
    let Ok(meta) = fs::metadata(path) else { return };
    if meta.is_dir() {
        let Ok(entries) = fs::read_dir(path) else {
            return;
        };
        for e in entries.flatten() {
            warm_cache(&e.path());
        }
    } else if let Ok(mut f) = fs::File::open(path) {
        let mut sink = [0u8; 1 << 16];
        while matches!(f.read(&mut sink), Ok(n) if n > 0) {}
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    for e in entries.flatten() {
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() {
            total += dir_bytes(&e.path());
        } else {
            total += meta.len();
        }
    }
    total
}

/// Every regular file under `dir`, sorted, skipping hidden names (as dateline does).
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => files_under(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

fn fresh_dir(path: &Path) -> Result<()> {
    if path.exists() {
        fs::remove_dir_all(path).with_context(|| format!("removing {}", path.display()))?;
    }
    fs::create_dir_all(path).with_context(|| format!("creating {}", path.display()))
}

// ---------------------------------------------------------------------------------------
// Scaled corpora.

struct Corpus {
    dir: PathBuf,
    files: u64,
    /// Total bytes of the input files: "article text" for throughput and index-size ratios.
    bytes: u64,
}

/// Shifts the date line in an article's header by `k` years.
fn shift_years(text: &str, k: i32) -> String {
    if k == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 2);
    let mut in_header = true;
    let mut done = false;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if in_header && bare.trim().is_empty() && !out.is_empty() {
            in_header = false;
        }
        if in_header && !done {
            if let Some((y, _, _)) = parse_date_line(bare.trim()) {
                let trimmed = bare.trim_end();
                let cut = trimmed.len() - 4;
                out.push_str(&trimmed[..cut]);
                out.push_str(&(y + k).to_string());
                out.push_str(&line[trimmed.len()..]);
                done = true;
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

struct Source {
    /// Path relative to the corpus root, and the text.
    files: Vec<(PathBuf, String)>,
}

fn load_source(dir: &Path) -> Result<Source> {
    let mut paths = Vec::new();
    files_under(dir, &mut paths);
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let bytes = fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
        let rel = p.strip_prefix(dir)?.to_path_buf();
        files.push((rel, String::from_utf8_lossy(&bytes).into_owned()));
    }
    Ok(Source { files })
}

/// Where copy `k` of a file goes: its year folder shifted by `k`, `_k<k>` added to the name.
fn copy_path(rel: &Path, k: i32) -> PathBuf {
    if k == 0 {
        return rel.to_path_buf();
    }
    let mut comps: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(y) = comps.first().and_then(|y| y.parse::<i32>().ok()) {
        comps[0] = (y + k).to_string();
    }
    if let Some(name) = comps.last_mut() {
        let stem = name.strip_suffix(".txt").unwrap_or(name).to_string();
        *name = format!("{stem}_k{k}.txt");
    }
    comps.iter().collect()
}

fn read_marker(dir: &Path) -> Option<(u64, u64)> {
    let text = fs::read_to_string(dir.join(".complete")).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    Some((v["files"].as_u64()?, v["bytes"].as_u64()?))
}

fn write_marker(dir: &Path, files: u64, bytes: u64) -> Result<()> {
    fs::write(
        dir.join(".complete"),
        json!({"files": files, "bytes": bytes}).to_string(),
    )?;
    Ok(())
}

/// Removes files a previous, interrupted run added for the 1% figure.
fn remove_added(dir: &Path) -> Result<usize> {
    let mut all = Vec::new();
    files_under(dir, &mut all);
    let mut n = 0;
    for p in all {
        if p.to_string_lossy().ends_with(ADDED_SUFFIX) {
            fs::remove_file(&p)?;
            n += 1;
        }
    }
    Ok(n)
}

/// The scale-`n` corpus as .txt files: copy k (0..n) shifts every date by k years.
fn ensure_files(data: &Path, source: &Source, n: u32) -> Result<Corpus> {
    let dir = data.join(format!("x{n}"));
    if let Some((files, bytes)) = read_marker(&dir) {
        let stale = remove_added(&dir)?;
        if stale > 0 {
            println!("  removed {stale} files left over from an interrupted run");
        }
        return Ok(Corpus { dir, files, bytes });
    }
    println!(
        "  generating {} ({} files)...",
        dir.display(),
        source.files.len() as u64 * n as u64
    );
    let started = Instant::now();
    fresh_dir(&dir)?;
    let ks: Vec<i32> = (0..n as i32).collect();
    let totals: Vec<Result<(u64, u64)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ks
            .chunks(ks.len().div_ceil(2).max(1))
            .map(|chunk| {
                let dir = &dir;
                scope.spawn(move || -> Result<(u64, u64)> {
                    let (mut files, mut bytes) = (0u64, 0u64);
                    for &k in chunk {
                        for (rel, text) in &source.files {
                            let path = dir.join(copy_path(rel, k));
                            if let Some(parent) = path.parent() {
                                fs::create_dir_all(parent)?;
                            }
                            let shifted = shift_years(text, k);
                            fs::write(&path, shifted.as_bytes())?;
                            files += 1;
                            bytes += shifted.len() as u64;
                        }
                    }
                    Ok((files, bytes))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("generator thread"))
            .collect()
    });
    let (mut files, mut bytes) = (0, 0);
    for t in totals {
        let (f, b) = t?;
        files += f;
        bytes += b;
    }
    write_marker(&dir, files, bytes)?;
    println!("  generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(Corpus { dir, files, bytes })
}

/// The scale-`n` corpus as JSON Lines: the same articles as `x<n>`, in a few big files.
fn ensure_jsonl(data: &Path, source: &Source, n: u32) -> Result<Corpus> {
    let dir = data.join(format!("x{n}-jsonl"));
    if let Some((files, bytes)) = read_marker(&dir) {
        return Ok(Corpus { dir, files, bytes });
    }
    println!("  generating {} ...", dir.display());
    let started = Instant::now();
    fresh_dir(&dir)?;
    // About 100 MB per file at 50x: "a few big files".
    let per_file = 5;
    let mut files = 0;
    let mut bytes = 0;
    for first in (0..n as i32).step_by(per_file) {
        let path = dir.join(format!("part-{:03}.jsonl", first / per_file as i32));
        let mut w = BufWriter::new(fs::File::create(&path)?);
        for k in first..(first + per_file as i32).min(n as i32) {
            for (_, text) in &source.files {
                let p = parse_txt(&shift_years(text, k));
                let line = json!({
                    "title": p.title,
                    "authors": p.authors,
                    "date": p.date,
                    "body": p.body,
                })
                .to_string();
                w.write_all(line.as_bytes())?;
                w.write_all(b"\n")?;
                bytes += line.len() as u64 + 1;
            }
        }
        w.flush()?;
        files += 1;
    }
    write_marker(&dir, files, bytes)?;
    println!("  generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(Corpus { dir, files, bytes })
}

// ---------------------------------------------------------------------------------------
// Archive formats (`--formats`): the Reuters articles as news web pages, as a Common Crawl
// WARC.gz of those pages, and as New York Times-style NITF files in one .tgz. Copy k of an
// article is dated k years on, as in the .txt corpora.

/// The forms of the corpus `--formats` measures.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    /// A folder of article pages, one `.html` file each, in year/month folders.
    Html,
    /// The same pages in one `.warc.gz`: warcinfo, then request, response and metadata
    /// records per page, one gzip member per record.
    Warc,
    /// One NITF file per article (NYT Annotated Corpus shape), all in one `.tgz`.
    NitfTgz,
}

impl Format {
    const ALL: [Format; 3] = [Format::Html, Format::Warc, Format::NitfTgz];

    fn key(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Warc => "warc",
            Format::NitfTgz => "nitf-tgz",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Format::Html => "HTML pages (.html files)",
            Format::Warc => "WARC.gz of those pages",
            Format::NitfTgz => "NITF files in one .tgz",
        }
    }

    fn parse_list(list: &str) -> Result<Vec<Format>> {
        if list.trim() == "all" {
            return Ok(Self::ALL.to_vec());
        }
        list.split(',')
            .map(|w| {
                let w = w.trim();
                Self::ALL.into_iter().find(|f| f.key() == w).ok_or_else(|| {
                    anyhow!("--formats takes html, warc, nitf-tgz or all, not {w:?}")
                })
            })
            .collect()
    }
}

/// One source article, read once and reused for every copy.
struct BaseArticle {
    rel: PathBuf,
    title: String,
    authors: Vec<String>,
    date: (i32, u32, u32),
    /// The place the first paragraph opens with (`MANILA, March 1` of `MANILA, March 1 -
    /// The Philippines ...`), when it has one.
    dateline: Option<String>,
    paragraphs: Vec<String>,
}

fn base_articles(source: &Source) -> Vec<BaseArticle> {
    source
        .files
        .iter()
        .map(|(rel, text)| {
            let p = parse_txt(text);
            let date = p
                .date
                .as_deref()
                .and_then(|d| {
                    let mut it = d.split('-').map(|x| x.parse::<u32>().ok());
                    Some((it.next()?? as i32, it.next()??, it.next()??))
                })
                .unwrap_or((1987, 1, 1));
            let paragraphs: Vec<String> = p
                .body
                .split("\n\n")
                .map(|para| para.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|para| !para.is_empty())
                .collect();
            let dateline = paragraphs.first().and_then(|first| {
                let (place, _) = first.split_once(" - ")?;
                let ok = place.len() <= 60
                    && place.starts_with(|c: char| c.is_ascii_uppercase())
                    && !place.contains('.');
                ok.then(|| place.to_string())
            });
            BaseArticle {
                rel: rel.clone(),
                title: p.title,
                authors: p.authors,
                date,
                dateline,
                paragraphs,
            }
        })
        .collect()
}

/// Article `id` of a scale-n corpus: copy `id / base.len()` of source article
/// `id % base.len()`.
struct Story<'a> {
    id: u64,
    k: i32,
    a: &'a BaseArticle,
    date: (i32, u32, u32),
    /// A few numbers drawn from the id, so pages differ in their side matter.
    seed: u64,
}

fn story(base: &[BaseArticle], id: u64) -> Story<'_> {
    let n = base.len() as u64;
    let a = &base[(id % n) as usize];
    let k = (id / n) as i32;
    let (y, m, d) = a.date;
    Story {
        id,
        k,
        a,
        date: (y + k, m, d),
        seed: splitmix(id),
    }
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Text for HTML and XML content and attribute values: dateline's own escaping.
use dateline::snippet::html_escape as esc;

fn slug(title: &str) -> String {
    let mut s = String::new();
    for w in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if s.len() + w.len() > 60 {
            break;
        }
        if !s.is_empty() {
            s.push('-');
        }
        s.push_str(&w.to_ascii_lowercase());
    }
    s
}

const SECTIONS: [&str; 6] = [
    "Business",
    "Markets",
    "World",
    "Economy",
    "Commodities",
    "Politics",
];
const SITE: &str = "The Ledger Wire";
const HOST: &str = "ledgerwire.example";

fn section(s: &Story) -> &'static str {
    SECTIONS[(s.seed % SECTIONS.len() as u64) as usize]
}

fn page_url(s: &Story) -> String {
    let (y, m, d) = s.date;
    format!(
        "https://{HOST}/{}/{y}/{m:02}/{d:02}/{}-{}",
        section(s).to_ascii_lowercase(),
        slug(&s.a.title),
        s.id
    )
}

/// `1987-03-01T14:05:00Z`: the day of the article and a time drawn from its id.
fn iso_time(s: &Story) -> String {
    let (y, m, d) = s.date;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z",
        6 + (s.seed >> 8) % 14,
        (s.seed >> 16) % 60
    )
}

const PAGE_CSS: &str = "body{margin:0;font:17px/1.6 Georgia,serif;color:#1a1a1a}.site-header{display:flex;align-items:center;justify-content:space-between;padding:12px 24px;border-bottom:1px solid #ddd}.main-nav ul{display:flex;gap:18px;list-style:none;margin:0;padding:0}.main-nav a{color:#333;text-decoration:none;font:600 14px/1 Helvetica,Arial,sans-serif}.story{max-width:680px;margin:32px auto;padding:0 16px}.headline{font-size:38px;line-height:1.15;margin:8px 0 16px}.byline,.published{font:14px Helvetica,Arial,sans-serif;color:#555}.share-bar{display:flex;gap:10px;margin:16px 0}.related,.newsletter-signup{border-top:3px solid #111;padding:12px 0;margin:24px 0;font-family:Helvetica,Arial,sans-serif}.comments,.most-read{max-width:680px;margin:32px auto;padding:0 16px}.site-footer{background:#111;color:#eee;padding:32px 24px;font:13px Helvetica,Arial,sans-serif}.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#fff;box-shadow:0 -2px 8px rgba(0,0,0,.2);padding:16px;z-index:99}.ad-slot{min-height:90px;background:#f4f4f4;margin:16px auto;max-width:970px}@media (max-width:600px){.headline{font-size:28px}.main-nav{display:none}}";

const PAGE_SCRIPT: &str = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','G-LW0000000',{anonymize_ip:true,send_page_view:false});(function(w,d){var s=d.createElement('script');s.async=true;s.src='https://cdn.ledgerwire.example/metrics/v3.min.js';var f=d.getElementsByTagName('script')[0];f.parentNode.insertBefore(s,f);w.__lw=w.__lw||{q:[],push:function(e){this.q.push(e)}};w.__lw.push({event:'pageview',template:'article'});})(window,document);var googletag=googletag||{};googletag.cmd=googletag.cmd||[];googletag.cmd.push(function(){googletag.defineSlot('/1234567/lw/article/top',[[728,90],[970,250]],'ad-top').addService(googletag.pubads());googletag.pubads().enableSingleRequest();googletag.pubads().collapseEmptyDivs();googletag.enableServices();});";

const COMMENTS: [(&str, &str); 8] = [
    (
        "marketwatcher",
        "Saw this coming months ago. The numbers never added up.",
    ),
    (
        "J. Alvarez",
        "Does anyone know how this affects smaller exporters? Nobody ever covers that side.",
    ),
    (
        "oldtrader1962",
        "Same story every few years. Nothing changes.",
    ),
    (
        "Priya S.",
        "Thanks for the clear explanation, this is the first piece that made sense of it for me.",
    ),
    (
        "northern_light",
        "I would like to see the full figures rather than the summary.",
    ),
    ("Ken W", "Prices at the pump will tell us soon enough."),
    ("citydesk_fan", "Great reporting as always."),
    (
        "a_skeptic",
        "Wait for the revisions next quarter before drawing any conclusions.",
    ),
];

/// One article as a news site's page: JSON-LD and OpenGraph metadata, styles and scripts,
/// cookie banner, navigation, share bar, related links, newsletter box, comments, most-read
/// list and footer around the article's own paragraphs.
fn html_page(base: &[BaseArticle], s: &Story) -> String {
    use std::fmt::Write as _;
    let a = s.a;
    let title = esc(&a.title);
    let url = page_url(s);
    let sec = section(s);
    let (y, m, d) = s.date;
    let when = iso_time(s);
    let desc: String = a
        .paragraphs
        .first()
        .map(|p| p.chars().take(155).collect())
        .unwrap_or_default();
    let others = |j: u64| &base[((s.seed >> (j * 7)) % base.len() as u64) as usize];
    let authors: Vec<Value> = a
        .authors
        .iter()
        .map(|n| json!({"@type": "Person", "name": n, "url": format!("https://{HOST}/staff/{}", slug(n))}))
        .collect();
    let publisher = json!({"@type": "Organization", "@id": format!("https://{HOST}/#org"), "name": SITE,
        "logo": {"@type": "ImageObject", "url": format!("https://{HOST}/static/logo.png")}});
    let mut article = json!({
        "@type": "NewsArticle",
        "@id": format!("{url}#article"),
        "headline": a.title,
        "description": desc,
        "datePublished": when,
        "dateModified": when,
        "mainEntityOfPage": url,
        "image": [format!("https://{HOST}/img/{}.jpg", s.id)],
        "author": if authors.is_empty() { json!({"@id": format!("https://{HOST}/#org")}) } else { Value::Array(authors) },
        "publisher": {"@id": format!("https://{HOST}/#org")},
        "articleSection": sec,
        "isAccessibleForFree": true,
    });
    if let Some(place) = &a.dateline {
        article["contentLocation"] = json!({"@type": "Place", "name": place});
    }
    let ld = json!({
        "@context": "https://schema.org",
        "@graph": [
            publisher,
            {"@type": "WebSite", "@id": format!("https://{HOST}/#website"), "name": SITE, "url": format!("https://{HOST}/")},
            {"@type": "BreadcrumbList", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": format!("https://{HOST}/")},
                {"@type": "ListItem", "position": 2, "name": sec, "item": format!("https://{HOST}/{}", sec.to_ascii_lowercase())}]},
            article,
        ]
    })
    .to_string()
    .replace("</", "<\\/");

    let mut p = String::with_capacity(9000 + a.paragraphs.iter().map(String::len).sum::<usize>());
    let _ = write!(
        p,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title} | {SITE}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"description\" content=\"{d}\">\n",
        d = esc(&desc)
    );
    if !a.authors.is_empty() {
        let _ = writeln!(
            p,
            "<meta name=\"author\" content=\"{}\">",
            esc(&a.authors.join(", "))
        );
    }
    let _ = write!(
        p,
        "<meta property=\"og:type\" content=\"article\">\n\
         <meta property=\"og:title\" content=\"{title}\">\n\
         <meta property=\"og:description\" content=\"{d}\">\n\
         <meta property=\"og:site_name\" content=\"{SITE}\">\n\
         <meta property=\"og:url\" content=\"{url}\">\n\
         <meta property=\"og:image\" content=\"https://{HOST}/img/{id}.jpg\">\n\
         <meta name=\"twitter:card\" content=\"summary_large_image\">\n\
         <meta name=\"twitter:site\" content=\"@ledgerwire\">\n\
         <meta property=\"article:published_time\" content=\"{when}\">\n\
         <meta property=\"article:section\" content=\"{sec}\">\n\
         <link rel=\"canonical\" href=\"{url}\">\n\
         <link rel=\"stylesheet\" href=\"/static/css/site.3f9a1c.css\">\n\
         <link rel=\"preload\" as=\"font\" href=\"/static/fonts/serif.woff2\" crossorigin>\n\
         <link rel=\"alternate\" type=\"application/rss+xml\" title=\"{SITE}\" href=\"/feeds/{seclc}.xml\">\n\
         <script type=\"application/ld+json\">{ld}</script>\n\
         <style>{PAGE_CSS}</style>\n<script>{PAGE_SCRIPT}</script>\n\
         <script async src=\"https://securepubads.example/tag/js/gpt.js\"></script>\n\
         </head>\n<body class=\"article-page section-{seclc}\">\n\
         <div class=\"cookie-banner\" id=\"cookie-consent\" role=\"dialog\" aria-label=\"Cookies\">\n  \
         <p>We use cookies and similar technologies to improve your experience, measure our audience and show you personalised advertising. By continuing to browse you agree to our use of cookies.</p>\n  \
         <button class=\"accept\">Accept all</button> <button class=\"manage\">Manage preferences</button>\n</div>\n\
         <a class=\"skip-link\" href=\"#content\">Skip to content</a>\n\
         <header class=\"site-header\">\n  <a class=\"logo\" href=\"/\">{SITE}</a>\n  \
         <nav class=\"main-nav\" aria-label=\"Sections\"><ul>",
        d = esc(&desc),
        id = s.id,
        seclc = sec.to_ascii_lowercase(),
    );
    for name in SECTIONS
        .iter()
        .chain(&["Opinion", "Technology", "Sport", "Podcasts"])
    {
        let _ = write!(
            p,
            "<li><a href=\"/{}\">{name}</a></li>",
            name.to_ascii_lowercase()
        );
    }
    let _ = write!(
        p,
        "</ul></nav>\n  <form class=\"search\" action=\"/search\"><input type=\"search\" name=\"q\" placeholder=\"Search\"><button>Go</button></form>\n  \
         <a class=\"subscribe\" href=\"/subscribe\">Subscribe</a> <a class=\"login\" href=\"/login\">Sign in</a>\n</header>\n\
         <div class=\"ad-slot ad-leaderboard\" id=\"ad-top\" data-slot=\"top\"></div>\n\
         <main id=\"content\">\n<article class=\"story\">\n  \
         <nav class=\"breadcrumbs\"><a href=\"/\">Home</a> › <a href=\"/{seclc}\">{sec}</a></nav>\n  \
         <h1 class=\"headline\">{title}</h1>\n",
        seclc = sec.to_ascii_lowercase(),
    );
    if !a.authors.is_empty() {
        let names: Vec<String> = a
            .authors
            .iter()
            .map(|n| {
                format!(
                    "<a rel=\"author\" href=\"/staff/{}\">{}</a>",
                    slug(n),
                    esc(n)
                )
            })
            .collect();
        let _ = writeln!(
            p,
            "  <div class=\"byline\">By {}</div>",
            names.join(" and ")
        );
    }
    let _ = write!(
        p,
        "  <time class=\"published\" datetime=\"{when}\">{} {d}, {y}</time>\n  \
         <div class=\"share-bar\"><a href=\"#\" class=\"share facebook\">Share on Facebook</a> <a href=\"#\" class=\"share x\">Post</a> \
         <a href=\"#\" class=\"share linkedin\">LinkedIn</a> <a href=\"#\" class=\"share email\">Email this story</a> \
         <span class=\"comment-count\">{c} comments</span></div>\n  <div class=\"article-body\">\n",
        MONTHS[(m - 1) as usize],
        c = 2 + s.seed % 3,
    );
    for (i, para) in a.paragraphs.iter().enumerate() {
        match (i, &a.dateline) {
            (0, Some(place)) => {
                let rest = &para[place.len()..];
                let _ = writeln!(
                    p,
                    "    <p><span class=\"dateline\">{}</span>{}</p>",
                    esc(place),
                    esc(rest)
                );
            }
            _ => {
                let _ = writeln!(p, "    <p>{}</p>", esc(para));
            }
        }
        if i == 1 {
            let _ = write!(
                p,
                "    <aside class=\"related\"><h4>Related coverage</h4><ul>"
            );
            for j in 0..3 {
                let o = others(j);
                let _ = write!(
                    p,
                    "<li><a href=\"/{}/{}\">{}</a></li>",
                    sec.to_ascii_lowercase(),
                    slug(&o.title),
                    esc(&o.title)
                );
            }
            p.push_str("</ul></aside>\n");
        }
        if i == 3 {
            p.push_str("    <div class=\"newsletter-signup\"><p>Get the morning briefing in your inbox. <a href=\"/newsletters\">Sign up for our free newsletter.</a></p></div>\n");
        }
    }
    let _ = write!(
        p,
        "  </div>\n  <div class=\"tags\">Tags: <a href=\"/tag/{seclc}\">{sec}</a>, <a href=\"/tag/reuters\">Reuters</a></div>\n</article>\n\
         <section id=\"comments\" class=\"comments\">\n  <h3>{c} Comments</h3>\n",
        seclc = sec.to_ascii_lowercase(),
        c = 2 + s.seed % 3,
    );
    for j in 0..2 + s.seed % 3 {
        let (who, said) = COMMENTS[((s.seed >> (j * 5 + 3)) % COMMENTS.len() as u64) as usize];
        let _ = writeln!(
            p,
            "  <div class=\"comment\"><span class=\"comment-author\">{who}</span><p>{said}</p></div>"
        );
    }
    p.push_str("  <form class=\"comment-form\"><textarea placeholder=\"Join the discussion\"></textarea><button>Post comment</button></form>\n</section>\n<section class=\"most-read\"><h3>Most read</h3><ol>");
    for j in 3..8 {
        let o = others(j);
        let _ = write!(
            p,
            "<li><a href=\"/news/{}\">{}</a></li>",
            slug(&o.title),
            esc(&o.title)
        );
    }
    let _ = write!(
        p,
        "</ol></section>\n</main>\n<footer class=\"site-footer\">\n  \
         <nav><a href=\"/about\">About us</a> | <a href=\"/contact\">Contact</a> | <a href=\"/careers\">Careers</a> | \
         <a href=\"/privacy\">Privacy policy</a> | <a href=\"/terms\">Terms of service</a> | <a href=\"/cookies\">Cookie settings</a></nav>\n  \
         <p>© {y} {SITE}. All rights reserved. Reproduction in whole or in part without permission is prohibited.</p>\n</footer>\n\
         <script>document.querySelectorAll('img[data-src]').forEach(function(i){{i.src=i.dataset.src}});</script>\n</body>\n</html>\n"
    );
    p
}

/// Where page `s` goes in the HTML folder: the .txt corpus's path with `.html`.
fn html_path(s: &Story) -> PathBuf {
    copy_path(&s.a.rel, s.k).with_extension("html")
}

/// One NITF 3.3 document, shaped like the NYT Annotated Corpus's: `head` metadata, `docdata`
/// and `pubdata`, an upper-case print byline, and the lead paragraph in its own block as well
/// as at the start of `full_text`.
fn nitf_doc(s: &Story) -> String {
    use std::fmt::Write as _;
    let a = s.a;
    let (y, m, d) = s.date;
    let title = esc(&a.title);
    let words: usize = a
        .paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();
    let mut x =
        String::with_capacity(2500 + a.paragraphs.iter().map(String::len).sum::<usize>() * 2);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE nitf SYSTEM \"http://www.nitf.org/IPTC/NITF/3.3/specification/dtd/nitf-3-3.dtd\">\n\
         <nitf change.date=\"June 10, 2005\" change.time=\"19:30\" version=\"-//IPTC//DTD NITF 3.3//EN\">\n  <head>\n    \
         <title>{title}</title>\n    \
         <meta content=\"{d}\" name=\"publication_day_of_month\"/>\n    \
         <meta content=\"{m}\" name=\"publication_month\"/>\n    \
         <meta content=\"{y}\" name=\"publication_year\"/>\n    \
         <meta content=\"{wd}\" name=\"publication_day_of_week\"/>\n    \
         <meta content=\"{desk}\" name=\"dsk\"/>\n    \
         <meta content=\"{page}\" name=\"print_page_number\"/>\n    \
         <meta content=\"{sect}\" name=\"print_section\"/>\n    \
         <meta content=\"{col}\" name=\"print_column\"/>\n    \
         <meta content=\"{online}\" name=\"online_sections\"/>\n    \
         <docdata>\n      <doc-id id-string=\"{docid}\"/>\n      \
         <doc.copyright holder=\"The New York Times\" year=\"{y}\"/>\n      \
         <identified-content>\n        \
         <classifier class=\"indexing_service\" type=\"descriptor\">{desc}</classifier>\n        \
         <classifier class=\"online_producer\" type=\"taxonomic_classifier\">Top/News/{online}</classifier>\n      \
         </identified-content>\n    </docdata>\n    \
         <pubdata date.publication=\"{y:04}{m:02}{d:02}T000000\" ex-ref=\"http://query.nytimes.com/gst/fullpage.html?res={res:016X}\" \
         item-length=\"{words}\" name=\"The New York Times\" unit-of-measure=\"word\"/>\n  </head>\n  <body>\n    \
         <body.head>\n      <hedline>\n        <hl1>{title}</hl1>\n      </hedline>\n",
        wd = weekday(y, m, d),
        desk = ["Financial Desk", "Foreign Desk", "National Desk", "Business/Financial Desk"][(s.seed % 4) as usize],
        page = 1 + (s.seed >> 4) % 40,
        sect = ["A", "D", "B"][((s.seed >> 10) % 3) as usize],
        col = 1 + (s.seed >> 12) % 6,
        online = section(s),
        docid = 1_000_000 + s.id,
        desc = esc(&section(s).to_uppercase()),
        res = s.seed,
    );
    if !a.authors.is_empty() {
        let upper: Vec<String> = a.authors.iter().map(|n| esc(&n.to_uppercase())).collect();
        let normal: Vec<String> = a
            .authors
            .iter()
            .map(|n| match n.rsplit_once(' ') {
                Some((first, last)) => esc(&format!("{last}, {first}")),
                None => esc(n),
            })
            .collect();
        let _ = write!(
            x,
            "      <byline class=\"print_byline\">By {}</byline>\n      \
             <byline class=\"normalized_byline\">{}</byline>\n",
            upper.join(" and "),
            normal.join("; ")
        );
    }
    if let Some(place) = &a.dateline {
        let _ = writeln!(x, "      <dateline>{}</dateline>", esc(place));
    }
    x.push_str("    </body.head>\n    <body.content>\n");
    let body: Vec<String> = a
        .paragraphs
        .iter()
        .map(|para| match &a.dateline {
            // The NYT's text does not repeat the dateline element at its start.
            Some(place) if para.starts_with(place.as_str()) => {
                esc(para[place.len()..].trim_start_matches([' ', '-']))
            }
            _ => esc(para),
        })
        .collect();
    if let Some(lead) = body.first() {
        let _ = write!(
            x,
            "      <block class=\"lead_paragraph\">\n        <p>LEAD: {lead}</p>\n        <p>{lead}</p>\n      </block>\n"
        );
    }
    x.push_str("      <block class=\"full_text\">\n");
    for (i, para) in body.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(x, "        <p>LEAD: {para}</p>");
        }
        let _ = writeln!(x, "        <p>{para}</p>");
    }
    x.push_str("      </block>\n    </body.content>\n  </body>\n</nitf>\n");
    x
}

/// The day of the week (Sakamoto's method).
fn weekday(y: i32, m: u32, d: u32) -> &'static str {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let w = (y + y / 4 - y / 100 + y / 400 + T[(m - 1) as usize] + d as i32).rem_euclid(7);
    [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ][w as usize]
}

/// A generated format corpus: what is on disk, and how much input it is.
struct FormatCorpus {
    dir: PathBuf,
    /// Files on disk (HTML pages; 1 for the WARC.gz and the .tgz).
    files: u64,
    /// Articles written (pages with article text, NITF documents).
    articles: u64,
    /// Uncompressed input: the HTML files; the WARC's records before gzip (requests and
    /// metadata records included); the NITF documents inside the .tgz (tar headers not).
    bytes: u64,
    /// The files as stored.
    disk_bytes: u64,
}

fn read_format_marker(dir: &Path) -> Option<FormatCorpus> {
    let text = fs::read_to_string(dir.join(".complete")).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    Some(FormatCorpus {
        dir: dir.to_path_buf(),
        files: v["files"].as_u64()?,
        articles: v["articles"].as_u64()?,
        bytes: v["bytes"].as_u64()?,
        disk_bytes: v["disk_bytes"].as_u64()?,
    })
}

/// The scale-`n` corpus in `format`, generated into `<data>/formats/x<n>/<format>` once.
fn ensure_format(
    data: &Path,
    base: &[BaseArticle],
    n: u32,
    format: Format,
) -> Result<FormatCorpus> {
    let dir = data
        .join("formats")
        .join(format!("x{n}"))
        .join(format.key());
    if let Some(c) = read_format_marker(&dir) {
        return Ok(c);
    }
    let total = base.len() as u64 * n as u64;
    println!(
        "  generating {} ({total} articles, {})...",
        dir.display(),
        format.label()
    );
    let started = Instant::now();
    fresh_dir(&dir)?;
    let (files, bytes) = match format {
        Format::Html => write_html_pages(&dir, base, total)?,
        Format::Warc => (1, write_warc(&dir.join("crawl.warc.gz"), base, total)?),
        Format::NitfTgz => (1, write_nitf_tgz(&dir.join("nyt.tgz"), base, total)?),
    };
    let c = FormatCorpus {
        disk_bytes: dir_bytes(&dir),
        dir,
        files,
        articles: total,
        bytes,
    };
    fs::write(
        c.dir.join(".complete"),
        json!({"files": c.files, "articles": c.articles, "bytes": c.bytes, "disk_bytes": c.disk_bytes}).to_string(),
    )?;
    println!("  generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(c)
}

/// Every page as its own file, on two threads.
fn write_html_pages(dir: &Path, base: &[BaseArticle], total: u64) -> Result<(u64, u64)> {
    let half = total.div_ceil(2);
    let parts: Vec<Result<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = [(0, half), (half, total)]
            .into_iter()
            .map(|(from, to)| {
                scope.spawn(move || -> Result<u64> {
                    let mut bytes = 0;
                    for id in from..to {
                        let s = story(base, id);
                        let path = dir.join(html_path(&s));
                        if let Some(parent) = path.parent() {
                            fs::create_dir_all(parent)?;
                        }
                        let page = html_page(base, &s);
                        fs::write(&path, page.as_bytes())?;
                        bytes += page.len() as u64;
                    }
                    Ok(bytes)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("generator thread"))
            .collect()
    });
    let mut bytes = 0;
    for p in parts {
        bytes += p?;
    }
    Ok((total, bytes))
}

/// `<urn:uuid:...>` for record `n`: fixed, so a corpus is the same every time it is made.
fn record_id(n: u64) -> String {
    let h = splitmix(n ^ 0x5741_5243);
    let l = splitmix(h);
    format!(
        "<urn:uuid:{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}>",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        (l >> 48) & 0xfff,
        l & 0xffff_ffff_ffff
    )
}

/// Appends one WARC/1.0 record to `out` as its own gzip member; returns its size unpacked.
fn warc_record(out: &mut impl Write, headers: &[(&str, &str)], block: &[u8]) -> Result<u64> {
    let mut rec = Vec::with_capacity(block.len() + 700);
    rec.extend_from_slice(b"WARC/1.0\r\n");
    for (k, v) in headers {
        rec.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    rec.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
    rec.extend_from_slice(block);
    rec.extend_from_slice(b"\r\n\r\n");
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(rec.len() / 3),
        flate2::Compression::default(),
    );
    gz.write_all(&rec)?;
    out.write_all(&gz.finish()?)?;
    Ok(rec.len() as u64)
}

/// The pages as Common Crawl writes a crawl: a warcinfo record, then for each page its HTTP
/// request, its 200 response with the page, and a metadata record.
fn write_warc(path: &Path, base: &[BaseArticle], total: u64) -> Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    const DATE: &str = "2023-06-05T14:03:22Z";
    let info_id = record_id(0);
    let info = "isPartOf: CC-MAIN-2023-23\r\npublisher: Common Crawl\r\n\
                description: Wide crawl of the web for June 2023 (dateline benchmark corpus)\r\n\
                operator: Common Crawl Admin (info@commoncrawl.org)\r\n\
                hostname: ip-10-67-67-1.ec2.internal\r\nsoftware: Apache Nutch 1.19 (modified, https://github.com/commoncrawl/nutch/)\r\n\
                robots: checked via crawler-commons 1.4-SNAPSHOT (https://github.com/crawler-commons/crawler-commons)\r\n\
                format: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n";
    let mut bytes = warc_record(
        &mut out,
        &[
            ("WARC-Type", "warcinfo"),
            ("WARC-Date", DATE),
            (
                "WARC-Filename",
                "CC-MAIN-20230605140000-20230605170000-00000.warc.gz",
            ),
            ("WARC-Record-ID", &info_id),
            ("Content-Type", "application/warc-fields"),
        ],
        info.as_bytes(),
    )?;
    for id in 0..total {
        let s = story(base, id);
        let url = page_url(&s);
        let path_part = url.strip_prefix(&format!("https://{HOST}")).unwrap_or(&url);
        let page = html_page(base, &s);
        let (req_id, resp_id, meta_id) = (
            record_id(3 * id + 1),
            record_id(3 * id + 2),
            record_id(3 * id + 3),
        );
        let ip = format!("203.0.113.{}", 1 + s.seed % 250);
        let request = format!(
            "GET {path_part} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: CCBot/2.0 (https://commoncrawl.org/faq/)\r\n\
             Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
             Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: br,gzip\r\nConnection: Keep-Alive\r\n\r\n"
        );
        bytes += warc_record(
            &mut out,
            &[
                ("WARC-Type", "request"),
                ("WARC-Date", DATE),
                ("WARC-Record-ID", &req_id),
                ("Content-Type", "application/http; msgtype=request"),
                ("WARC-Warcinfo-ID", &info_id),
                ("WARC-IP-Address", &ip),
                ("WARC-Target-URI", &url),
            ],
            request.as_bytes(),
        )?;
        // Common Crawl stores the payload decoded and renames the headers it undid.
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nDate: Mon, 05 Jun 2023 14:03:22 GMT\r\nServer: nginx\r\n\
             Content-Type: text/html; charset=utf-8\r\nX-Crawler-Content-Encoding: gzip\r\n\
             X-Crawler-Content-Length: {}\r\nContent-Length: {}\r\nCache-Control: max-age=300\r\n\
             Vary: Accept-Encoding\r\nX-Frame-Options: SAMEORIGIN\r\n\r\n",
            page.len() / 3,
            page.len()
        )
        .into_bytes();
        response.extend_from_slice(page.as_bytes());
        bytes += warc_record(
            &mut out,
            &[
                ("WARC-Type", "response"),
                ("WARC-Date", DATE),
                ("WARC-Record-ID", &resp_id),
                ("Content-Type", "application/http; msgtype=response"),
                ("WARC-Warcinfo-ID", &info_id),
                ("WARC-Concurrent-To", &req_id),
                ("WARC-IP-Address", &ip),
                ("WARC-Target-URI", &url),
                ("WARC-Identified-Payload-Type", "text/html"),
            ],
            &response,
        )?;
        let meta = format!(
            "fetchTimeMs: {}\r\ncharset-detected: UTF-8\r\n\
             languages-cld2: {{\"reliable\":true,\"text-bytes\":{},\"languages\":[{{\"code\":\"en\",\"code-iso-639-3\":\"eng\",\"text-covered\":0.98,\"score\":931.0,\"name\":\"ENGLISH\"}}]}}\r\n",
            40 + s.seed % 400,
            page.len() / 4
        );
        bytes += warc_record(
            &mut out,
            &[
                ("WARC-Type", "metadata"),
                ("WARC-Date", DATE),
                ("WARC-Record-ID", &meta_id),
                ("Content-Type", "application/warc-fields"),
                ("WARC-Warcinfo-ID", &info_id),
                ("WARC-Concurrent-To", &resp_id),
                ("WARC-Target-URI", &url),
            ],
            meta.as_bytes(),
        )?;
    }
    out.flush()?;
    Ok(bytes)
}

/// The NITF documents in one gzip-compressed tar, as `YYYY/MM/DD/<doc-id>.xml` (the NYT
/// ships a .tgz a month, with `DD/<doc-id>.xml` inside).
fn write_nitf_tgz(path: &Path, base: &[BaseArticle], total: u64) -> Result<u64> {
    let out = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mut bytes = 0;
    for id in 0..total {
        let s = story(base, id);
        let (y, m, d) = s.date;
        let doc = nitf_doc(&s);
        let mut header = tar::Header::new_gnu();
        header.set_size(doc.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_136_073_600);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(
            &mut header,
            format!("{y:04}/{m:02}/{d:02}/{}.xml", 1_000_000 + id),
            doc.as_bytes(),
        )?;
        bytes += doc.len() as u64;
    }
    let mut out = tar.into_inner()?.finish()?;
    out.flush()?;
    Ok(bytes)
}

/// `--formats`: dateline's build of each format at `scale`, measured as the .txt builds are.
/// A format that fails (a reader not written yet) is recorded with its error; the others
/// are still measured.
fn measure_formats(args: &Args, bin: &Path, base: &[BaseArticle], scale: u32) -> Result<Value> {
    println!("== formats at {scale}x");
    let runs = args.runs.unwrap_or(if scale >= 50 { 1 } else { 3 });
    let work = args.data.join("work");
    fs::create_dir_all(&work)?;
    let mut out = json!({});
    for &format in &args.formats {
        let one = || -> Result<Value> {
            let c = ensure_format(&args.data, base, scale, format)?;
            let mb = c.bytes as f64 / 1e6;
            println!(
                "  {}: {} articles, {} files, {:.1} MB uncompressed, {:.1} MB on disk",
                format.key(),
                c.articles,
                c.files,
                mb,
                c.disk_bytes as f64 / 1e6
            );
            let load_before = loadavg();
            let index = work.join(format!("dateline-x{scale}-{}", format.key()));
            let b = dateline_build(bin, &c.dir, &index, runs)?;
            fs::remove_dir_all(&index).ok();
            let wall = median(&b.wall_ms);
            let rss: Vec<f64> = b.rss_kb.iter().map(|k| *k as f64 / 1024.0).collect();
            Ok(json!({
                "format": format.label(),
                "measured_at": now_utc(),
                "loadavg_before": load_before,
                "loadavg_after": loadavg(),
                "runs": runs,
                "corpus": {"dir": c.dir, "files": c.files, "articles": c.articles,
                           "input_bytes": c.bytes, "disk_bytes": c.disk_bytes},
                "dateline": {
                    "build_ms": b.wall_ms,
                    "build_ms_median": wall,
                    "build_cpu_ms_median": median(&b.cpu_ms),
                    "throughput_mb_s": mb / (wall / 1e3),
                    "peak_rss_mb": rss,
                    "peak_rss_mb_median": median(&rss),
                    "index_bytes": b.index_bytes,
                    "index_ratio": b.index_bytes as f64 / c.bytes as f64,
                    "articles": b.articles,
                    "summary": b.summary,
                },
            }))
        };
        out[format.key()] = match one() {
            Ok(v) => v,
            Err(e) => {
                println!("  {} figures failed: {e:#}", format.key());
                json!({"format": format.label(), "measured_at": now_utc(), "error": format!("{e:#}")})
            }
        };
    }
    Ok(out)
}

/// A format's figures count for the targets once dateline indexed its articles (a reader
/// that is a stub indexes none). Every byte was read either way; articles a reader turned
/// down are listed under the table.
fn format_measured(v: &Value) -> bool {
    v["dateline"]["articles"].as_u64().is_some_and(|a| a > 0)
}

/// The table of `--formats` figures, with the .txt build at the same scale as reference.
fn render_formats(results: &Value) -> String {
    let mut s = String::new();
    let Some(scales) = results["formats"].as_object().filter(|o| !o.is_empty()) else {
        return s;
    };
    let mut keys: Vec<&String> = scales.keys().collect();
    keys.sort_by_key(|k| k.parse::<u32>().unwrap_or(0));
    s.push_str("### Archive formats\n\n");
    s.push_str(
        "The same Reuters articles in every format dateline reads, generated by the harness \
         (`--formats`): news pages (JSON-LD, OpenGraph, navigation, share bar, related links, \
         newsletter box, comments, footer around the article), one WARC.gz of those pages in \
         Common Crawl's layout, and NYT-style NITF files in one .tgz. **Input MB is \
         uncompressed**: the HTML files; the WARC's records before gzip (requests and metadata \
         records included); the NITF documents inside the .tgz (not the tar headers). MB/s = \
         input MB ÷ build s. Build and peak RSS as above (whole `dateline index` process, fresh \
         index folder, warm page cache, RSS from GNU time). The .txt row is the scale's table \
         above, for comparison.\n\n",
    );
    s.push_str("| format | scale | articles indexed (written) | input files | input MB (uncompressed) | on disk MB | build s | CPU s | MB/s | peak RSS MB | index/input | runs | measured |\n");
    s.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for k in &keys {
        let txt = &results["scales"][k.as_str()];
        if txt["dateline"].is_object() {
            let d = &txt["dateline"];
            s.push_str(&format!(
                "| Reuters .txt files | {k}x | {} | {} | {:.1} | {:.1} | {} | {} | {} | {} | {} | {} | {} |\n",
                d["articles"],
                txt["corpus"]["files"],
                f(&txt["corpus"]["text_bytes"]) / 1e6,
                f(&txt["corpus"]["text_bytes"]) / 1e6,
                num(f(&d["build_ms_median"]) / 1e3, 2),
                num(f(&d["build_cpu_ms_median"]) / 1e3, 2),
                num(f(&d["throughput_mb_s"]), 1),
                num(f(&d["peak_rss_mb_median"]), 0),
                num(f(&d["index_ratio"]), 2),
                txt["runs"]["build"],
                txt["measured_at"].as_str().unwrap_or(""),
            ));
        }
        for format in Format::ALL {
            let v = &scales[k.as_str()][format.key()];
            if !v.is_object() {
                continue;
            }
            if let Some(e) = v["error"].as_str() {
                let first = e.lines().next().unwrap_or("");
                s.push_str(&format!(
                    "| {} | {k}x | failed: {} | | | | | | | | | | {} |\n",
                    format.label(),
                    first.replace('|', "\\|"),
                    v["measured_at"].as_str().unwrap_or("")
                ));
                continue;
            }
            let d = &v["dateline"];
            let c = &v["corpus"];
            s.push_str(&format!(
                "| {} | {k}x | {} ({}) | {} | {:.1} | {:.1} | {} | {} | {} | {} | {} | {} | {} |\n",
                format.label(),
                d["articles"],
                c["articles"],
                c["files"],
                f(&c["input_bytes"]) / 1e6,
                f(&c["disk_bytes"]) / 1e6,
                num(f(&d["build_ms_median"]) / 1e3, 2),
                num(f(&d["build_cpu_ms_median"]) / 1e3, 2),
                num(f(&d["throughput_mb_s"]), 1),
                num(f(&d["peak_rss_mb_median"]), 0),
                num(f(&d["index_ratio"]), 2),
                v["runs"],
                v["measured_at"].as_str().unwrap_or(""),
            ));
        }
    }
    let short: Vec<String> = keys
        .iter()
        .flat_map(|k| Format::ALL.into_iter().map(move |fm| (k, fm)))
        .filter_map(|(k, fm)| {
            let v = &scales[k.as_str()][fm.key()];
            let (indexed, written) = (&v["dateline"]["articles"], &v["corpus"]["articles"]);
            if !v["dateline"].is_object() || indexed == written {
                return None;
            }
            let why: Vec<String> = v["dateline"]["summary"]["problem_reasons"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|r| r["reason"] != "hidden file")
                .map(|r| {
                    format!(
                        "{} × \"{}\"",
                        r["count"],
                        r["reason"].as_str().unwrap_or("")
                    )
                })
                .collect();
            Some(format!(
                "{} at {k}x: {indexed} of {written} ({})",
                fm.label(),
                if why.is_empty() {
                    "see results.json".into()
                } else {
                    why.join(", ")
                }
            ))
        })
        .collect();
    if !short.is_empty() {
        s.push_str("\nNot every article written was indexed; the rest were skipped with these reasons:\n\n");
        for line in short {
            s.push_str(&format!("- {line}\n"));
        }
    }
    s.push('\n');
    s
}

/// The issue-16 speed targets, judged on the `--formats` medians.
fn format_target_rows(results: &Value) -> Vec<(String, String, Option<bool>)> {
    let mut per: BTreeMap<&str, Vec<(u32, f64, f64)>> = BTreeMap::new();
    if let Some(scales) = results["formats"].as_object() {
        for (k, v) in scales {
            let Ok(scale) = k.parse::<u32>() else {
                continue;
            };
            for format in Format::ALL {
                let e = &v[format.key()];
                if format_measured(e) {
                    per.entry(format.key()).or_default().push((
                        scale,
                        f(&e["dateline"]["throughput_mb_s"]),
                        f(&e["dateline"]["peak_rss_mb_median"]),
                    ));
                }
            }
        }
    }
    for v in per.values_mut() {
        v.sort_by_key(|x| x.0);
    }
    let list = |key: &str, what: &dyn Fn(&(u32, f64, f64)) -> String| -> String {
        per.get(key)
            .map(|v| v.iter().map(what).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for (key, name, limit) in [
        ("html", "HTML pages", 10.0),
        ("nitf-tgz", "NITF from a .tgz", 20.0),
    ] {
        rows.push((
            format!("≥ {limit} MB/s of {name} (uncompressed input)"),
            list(key, &|(k, t, _)| format!("{k}x {t:.1} MB/s")),
            per.get(key).map(|v| v.iter().all(|x| x.1 >= limit)),
        ));
    }
    let all: Vec<(String, f64)> = per
        .iter()
        .flat_map(|(key, v)| v.iter().map(move |(k, _, r)| (format!("{key} {k}x"), *r)))
        .collect();
    rows.push((
        "Peak RSS < 300 MB while indexing HTML, WARC.gz and NITF .tgz".into(),
        all.iter()
            .map(|(w, r)| format!("{w} {r:.0} MB"))
            .collect::<Vec<_>>()
            .join(", "),
        (!all.is_empty()).then(|| all.iter().all(|(_, r)| *r < 300.0)),
    ));
    rows
}

// ---------------------------------------------------------------------------------------
// dateline: builds, re-indexes, queries.

/// Builds `package`'s binary `name` in release (the profile a user runs) and returns its path.
fn build_release_binary(package: &str, name: &str) -> Result<PathBuf> {
    let target = target_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", package, "--bin", name])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(repo_root())
        .status()
        .context("running cargo build --release")?;
    if !status.success() {
        bail!("cargo build --release of {name} failed");
    }
    let bin = target.join("release").join(name);
    if !bin.is_file() {
        bail!("no binary at {}", bin.display());
    }
    Ok(bin)
}

struct Build {
    wall_ms: Vec<f64>,
    cpu_ms: Vec<f64>,
    rss_kb: Vec<u64>,
    index_bytes: u64,
    articles: u64,
    summary: Value,
}

fn dateline_build(bin: &Path, corpus: &Path, index: &Path, runs: usize) -> Result<Build> {
    let mut b = Build {
        wall_ms: vec![],
        cpu_ms: vec![],
        rss_kb: vec![],
        index_bytes: 0,
        articles: 0,
        summary: Value::Null,
    };
    for r in 0..runs {
        fresh_dir(index)?;
        warm_cache(corpus);
        let run = run_build(
            Command::new(bin)
                .arg("index")
                .arg(corpus)
                .arg("--index")
                .arg(index)
                .arg("--json"),
        )?;
        let summary: Value = serde_json::from_str(run.stdout.trim())
            .with_context(|| format!("dateline index --json printed {:?}", run.stdout))?;
        b.articles = summary["articles"].as_u64().unwrap_or(0);
        b.index_bytes = dir_bytes(index);
        b.wall_ms.push(ms(run.wall));
        b.cpu_ms.push(ms(run.cpu));
        b.rss_kb.push(run.max_rss_kb);
        println!(
            "    dateline build run {}: {:.0} ms ({:.0} ms CPU), {} MB peak RSS, {} articles",
            r + 1,
            ms(run.wall),
            ms(run.cpu),
            run.max_rss_kb / 1024,
            b.articles
        );
        // Keep the summary small: the problem list can be long. The reasons are kept as
        // counts, the commonest first.
        let mut s = summary;
        let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
        for p in s["problems"].as_array().into_iter().flatten() {
            let reason: String = p["reason"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(100)
                .collect();
            *reasons.entry(reason).or_default() += 1;
        }
        let mut reasons: Vec<(String, u64)> = reasons.into_iter().collect();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
        reasons.truncate(5);
        s["problem_reasons"] = reasons
            .into_iter()
            .map(|(reason, count)| json!({"reason": reason, "count": count}))
            .collect();
        if let Some(p) = s.get_mut("problems") {
            if let Some(arr) = p.as_array_mut() {
                arr.truncate(3);
            }
        }
        b.summary = s;
    }
    Ok(b)
}

fn dateline_reindex(bin: &Path, index: &Path) -> Result<(f64, Value)> {
    let run = run_child(
        Command::new(bin)
            .arg("index")
            .arg("--index")
            .arg(index)
            .arg("--json"),
    )?;
    let v: Value = serde_json::from_str(run.stdout.trim()).unwrap_or(Value::Null);
    Ok((ms(run.wall), v))
}

/// Every 100th file, copied under a new name next to itself.
fn add_one_percent(corpus: &Path) -> Result<Vec<PathBuf>> {
    let mut all = Vec::new();
    files_under(corpus, &mut all);
    let mut added = Vec::new();
    for p in all.iter().step_by(100) {
        let name = p.to_string_lossy();
        let new = PathBuf::from(format!(
            "{}{}",
            name.strip_suffix(".txt").unwrap_or(&name),
            ADDED_SUFFIX
        ));
        fs::copy(p, &new)?;
        added.push(new);
    }
    Ok(added)
}

struct QueryFigures {
    search_ms: Vec<f64>,
    snippets_ms: Vec<f64>,
    process_ms: Vec<f64>,
    hits: u64,
}

/// One search without snippets, as the harness times it: the query built, its top k and
/// its count; the count.
fn search_only(
    open: &dateline::index_dir::OpenIndex,
    searcher: &tantivy::Searcher,
    text: &str,
    req: &dateline::search::Request,
) -> Result<u64> {
    let built =
        dateline::query::build(&open.index, &open.fields, text, &req.filters, &req.ranking)?;
    let (n, top) = dateline::search::top_docs(searcher, &built, req)?;
    std::hint::black_box(top);
    Ok(n as u64)
}

fn dateline_queries(
    bin: &Path,
    index: &Path,
    in_runs: usize,
    proc_runs: usize,
) -> Result<Vec<QueryFigures>> {
    let open = dateline::index_dir::open_for_search(index)?;
    let reader = dateline::index_dir::reader(&open.index)?;
    let searcher = reader.searcher();
    let mut out = Vec::new();
    for q in QUERIES {
        let req = q.request()?;
        // Search only: the query dateline builds and the page it collects (top 10 and the
        // total), without stored fields or snippets.
        let (search_ms, hits) = time_it(in_runs, || search_only(&open, &searcher, q.text, &req))?;
        let (snippets_ms, _) = time_it(in_runs, || {
            let r = dateline::search::search(&searcher, &open, &req)?;
            Ok(std::hint::black_box(r.hits.len()))
        })?;
        let (process_ms, _) = time_it(proc_runs, || {
            let mut cmd = Command::new(bin);
            cmd.arg("search")
                .arg(q.text)
                .arg("--index")
                .arg(index)
                .arg("--json");
            if let Some((a, b)) = q.range {
                cmd.args(["--from", a, "--to", b]);
            }
            if q.newest {
                cmd.args(["--sort", "newest"]);
            }
            Ok(run_search(&mut cmd)?.wall)
        })
        .map(|(samples, _)| (samples, ()))?;
        out.push(QueryFigures {
            search_ms,
            snippets_ms,
            process_ms,
            hits,
        });
    }
    Ok(out)
}

/// Proximity searches beside the phrase search on the same words (issue 28: a proximity
/// search costs at most twice the phrase's).
const PROXIMITY_PAIRS: &[(&str, &str)] = &[
    ("\"interest rates\"", "interest w/3 rates"),
    ("\"crude oil\"", "crude pre/1 oil"),
    ("\"crude oil\"", "crude NEAR/5 oil"),
    ("\"oil prices\"", "oil w/s prices"),
];

/// In-process search times (top 10 and the total, as [`dateline_queries`]' search only) of
/// each phrase and proximity query of [`PROXIMITY_PAIRS`], with the ratio of their medians.
fn proximity_queries(index: &Path, in_runs: usize) -> Result<Vec<Value>> {
    let open = dateline::index_dir::open_for_search(index)?;
    let reader = dateline::index_dir::reader(&open.index)?;
    let searcher = reader.searcher();
    let time = |text: &str| {
        let req = dateline::search::Request {
            query: text.to_string(),
            ..QUERIES[0].request()?
        };
        time_it(in_runs, || search_only(&open, &searcher, text, &req))
    };
    let mut out = Vec::new();
    for (phrase, near) in PROXIMITY_PAIRS {
        let (phrase_ms, phrase_hits) = time(phrase)?;
        let (near_ms, near_hits) = time(near)?;
        let ratio = median(&near_ms) / median(&phrase_ms);
        println!(
            "    {near} ({near_hits} hits) {:.2} ms vs {phrase} ({phrase_hits} hits) {:.2} ms: {ratio:.2}x",
            median(&near_ms),
            median(&phrase_ms)
        );
        out.push(json!({
            "phrase": phrase, "proximity": near,
            "phrase_hits": phrase_hits, "proximity_hits": near_hits,
            "phrase_ms": phrase_ms, "phrase_ms_median": median(&phrase_ms),
            "proximity_ms": near_ms, "proximity_ms_median": median(&near_ms),
            "ratio": ratio,
        }));
    }
    Ok(out)
}

/// The content-analysis export's query: about 4,100 matches at 1x, 41,000 at 10x.
const EXPORT_QUERY: &str = "shares";
/// Its three labelled counts: words, an OR of two, and a phrase.
const EXPORT_COUNTS: [&str; 3] = [
    "price=price OR prices",
    "stake=stake",
    "offer=\"tender offer\"",
];

/// `dateline search EXPORT_QUERY --format csv` as a whole process: every match as it is
/// written without an analysis (`plain`), and with `--kwic` and three `--count` columns
/// (`analysed`), which should cost at most twice as much.
fn dateline_export(bin: &Path, index: &Path, runs: usize) -> Result<Value> {
    let export = |extra: &[&str]| -> Result<(Vec<f64>, u64)> {
        time_it(runs, || {
            let mut cmd = Command::new(bin);
            cmd.args(["search", EXPORT_QUERY, "--format", "csv", "--index"])
                .arg(index)
                .args(extra);
            let run = run_search(&mut cmd)?;
            // Every row is one line: kwic is written on one, and titles are.
            Ok(run.stdout.lines().count().saturating_sub(1) as u64)
        })
    };
    let (plain_ms, rows) = export(&[])?;
    let mut extra = vec!["--kwic"];
    for c in EXPORT_COUNTS {
        extra.extend(["--count", c]);
    }
    let (analysed_ms, analysed_rows) = export(&extra)?;
    if analysed_rows != rows {
        bail!("the analysed export wrote {analysed_rows} rows, the plain one {rows}");
    }
    let ratio = median(&analysed_ms) / median(&plain_ms);
    println!(
        "    export of {rows} rows: plain {:.0} ms, kwic + 3 counts {:.0} ms ({ratio:.2}x)",
        median(&plain_ms),
        median(&analysed_ms)
    );
    Ok(json!({
        "query": EXPORT_QUERY,
        "counts": EXPORT_COUNTS,
        "rows": rows,
        "plain_ms": plain_ms,
        "plain_ms_median": median(&plain_ms),
        "analysed_ms": analysed_ms,
        "analysed_ms_median": median(&analysed_ms),
        "ratio": ratio,
    }))
}

/// A peer's build figures as the results JSON holds them, `mb` being the corpus's size.
fn peer_build_json(b: &Build, mb: f64, corpus_bytes: u64) -> Value {
    let ms = median(&b.wall_ms);
    let rss: Vec<f64> = b.rss_kb.iter().map(|k| *k as f64 / 1024.0).collect();
    json!({
        "build_ms": b.wall_ms,
        "build_ms_median": ms,
        "build_cpu_ms_median": median(&b.cpu_ms),
        "throughput_mb_s": mb / (ms / 1e3),
        "peak_rss_mb": rss,
        "peak_rss_mb_median": median(&rss),
        "index_bytes": b.index_bytes,
        "index_ratio": b.index_bytes as f64 / corpus_bytes as f64,
        "articles": b.articles,
    })
}

// ---------------------------------------------------------------------------------------
// Tantivy alone: the minimal program on tantivy (`bench/src/bin/tantivy_alone.rs`), built and
// searched as child processes like dateline.

fn alone_build(bin: &Path, corpus: &Path, index: &Path, runs: usize) -> Result<Build> {
    peer_builds("tantivy alone", corpus, runs, || {
        fresh_dir(index)?;
        let run = run_build(Command::new(bin).arg("build").arg(corpus).arg(index))?;
        Ok((run, dir_bytes(index)))
    })
}

/// A peer's `runs` builds of `corpus`, page cache warm: `build` runs one as a child process
/// that prints how many articles it indexed, and says how many bytes it wrote.
fn peer_builds(
    label: &str,
    corpus: &Path,
    runs: usize,
    mut build: impl FnMut() -> Result<(ChildRun, u64)>,
) -> Result<Build> {
    let mut b = Build {
        wall_ms: vec![],
        cpu_ms: vec![],
        rss_kb: vec![],
        index_bytes: 0,
        articles: 0,
        summary: Value::Null,
    };
    for r in 0..runs {
        warm_cache(corpus);
        let (run, index_bytes) = build()?;
        b.articles = run.stdout.trim().parse().unwrap_or(0);
        b.index_bytes = index_bytes;
        b.wall_ms.push(ms(run.wall));
        b.cpu_ms.push(ms(run.cpu));
        b.rss_kb.push(run.max_rss_kb);
        println!(
            "    {label} build run {}: {:.0} ms ({:.0} ms CPU), {} MB peak RSS, {} articles",
            r + 1,
            ms(run.wall),
            ms(run.cpu),
            run.max_rss_kb / 1024,
            b.articles
        );
    }
    Ok(b)
}

/// Tantivy alone's whole-process searches: its query parser reads a day range as
/// `day:[YYYYMMDD TO YYYYMMDD]`. It has no in-process figures (its search is tantivy's own).
fn alone_queries(bin: &Path, index: &Path, proc_runs: usize) -> Result<Vec<QueryFigures>> {
    let mut out = Vec::new();
    for q in QUERIES {
        let mut text = q.text.to_string();
        if let Some((a, b)) = q.range {
            text.push_str(&format!(
                " day:[{} TO {}]",
                a.replace('-', ""),
                b.replace('-', "")
            ));
        }
        let mut cmd = Command::new(bin);
        cmd.arg("search").arg(index).arg(&text);
        if q.newest {
            cmd.arg("--newest");
        }
        let mut hits = 0;
        let (process_ms, _) = time_it(proc_runs, || {
            let run = run_child(&mut cmd)?;
            let v: Value = serde_json::from_str(run.stdout.trim())
                .with_context(|| format!("tantivy_alone search printed {:?}", run.stdout))?;
            hits = v["total"].as_u64().unwrap_or(0);
            Ok(run.wall)
        })?;
        out.push(QueryFigures {
            search_ms: vec![],
            snippets_ms: vec![],
            process_ms,
            hits,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// The SQLite FTS5 peer. Its build and whole-process searches run as child processes of this
// harness (`archive --sqlite-build ...`), so they are timed and measured like dateline's.

fn sqlite_build_main(corpus: &Path, db: &Path) -> Result<()> {
    let _ = fs::remove_file(db);
    let mut conn = rusqlite::Connection::open(db)?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA cache_size = -65536;
         CREATE VIRTUAL TABLE t USING fts5(
             title, authors, body, date UNINDEXED, path UNINDEXED,
             tokenize = 'porter unicode61');",
    )?;
    let tx = conn.transaction()?;
    let mut n = 0u64;
    {
        let mut insert = tx.prepare(
            "INSERT INTO t (title, authors, body, date, path) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut files = Vec::new();
        files_under(corpus, &mut files);
        for path in files {
            let key = path.to_string_lossy().into_owned();
            let bytes = fs::read(&path)?;
            if key.ends_with(".jsonl") {
                for (i, line) in BufReader::new(&bytes[..]).lines().enumerate() {
                    let line = line?;
                    let Ok(v) = serde_json::from_str::<Value>(&line) else {
                        continue;
                    };
                    let authors: Vec<&str> = v["authors"]
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    insert.execute(rusqlite::params![
                        v["title"].as_str().unwrap_or(""),
                        authors.join(", "),
                        v["body"].as_str().unwrap_or(""),
                        v["date"].as_str(),
                        format!("{key}:{}", i + 1),
                    ])?;
                    n += 1;
                }
            } else {
                let p = parse_txt(&String::from_utf8_lossy(&bytes));
                insert.execute(rusqlite::params![
                    p.title,
                    p.authors.join(", "),
                    p.body,
                    p.date,
                    key
                ])?;
                n += 1;
            }
        }
    }
    tx.commit()?;
    println!("{n}");
    Ok(())
}

fn sqlite_open_for_search(db: &Path) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Like tantivy, read the index through the page cache via mmap.
    conn.execute_batch("PRAGMA mmap_size = 68719476736; PRAGMA cache_size = -65536;")?;
    Ok(conn)
}

fn sqlite_where(q: &Query) -> &'static str {
    if q.range.is_some() {
        "t MATCH ?1 AND date >= ?2 AND date <= ?3"
    } else {
        "t MATCH ?1"
    }
}

fn sqlite_order(q: &Query) -> &'static str {
    if q.newest {
        "date DESC"
    } else {
        "bm25(t, 2.0, 1.0, 1.0)"
    }
}

fn bind(q: &Query) -> Vec<&'static str> {
    match q.range {
        Some((a, b)) => vec![q.fts, a, b],
        None => vec![q.fts],
    }
}

/// Count plus the top 10 ids: what dateline's search-only figure computes.
fn sqlite_search(conn: &rusqlite::Connection, q: &Query) -> Result<u64> {
    let params = bind(q);
    let p = rusqlite::params_from_iter(params.iter());
    let n: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM t WHERE {}", sqlite_where(q)))?
        .query_row(p, |r| r.get(0))?;
    let mut top = conn.prepare_cached(&format!(
        "SELECT rowid FROM t WHERE {} ORDER BY {} LIMIT 10",
        sqlite_where(q),
        sqlite_order(q)
    ))?;
    let ids: Vec<i64> = top
        .query_map(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    std::hint::black_box(ids);
    Ok(n as u64)
}

/// Count plus the top 10 with highlighted title, body snippet and the stored fields.
fn sqlite_search_snippets(conn: &rusqlite::Connection, q: &Query) -> Result<Vec<Value>> {
    let params = bind(q);
    let n: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM t WHERE {}", sqlite_where(q)))?
        .query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?;
    // Sorted by date, the inner query picks the top 10 first so that highlight() and
    // snippet() run for ten rows only (written flat, SQLite cuts a snippet for every match
    // before sorting: 290 ms instead of 3.5 ms at 10x). Ranked by bm25 the flat form is
    // faster (the subquery runs the MATCH twice), so each order gets its faster form.
    let sql = if q.newest {
        format!(
            "SELECT highlight(t, 0, '<b>', '</b>'), authors, date, path,
                    snippet(t, 2, '<b>', '</b>', '…', 32), bm25(t, 2.0, 1.0, 1.0)
             FROM t WHERE {w} AND rowid IN
                 (SELECT rowid FROM t WHERE {w} ORDER BY {o} LIMIT 10)
             ORDER BY {o}",
            w = sqlite_where(q),
            o = sqlite_order(q)
        )
    } else {
        format!(
            "SELECT highlight(t, 0, '<b>', '</b>'), authors, date, path,
                    snippet(t, 2, '<b>', '</b>', '…', 32), bm25(t, 2.0, 1.0, 1.0)
             FROM t WHERE {} ORDER BY {} LIMIT 10",
            sqlite_where(q),
            sqlite_order(q)
        )
    };
    let mut top = conn.prepare_cached(&sql)?;
    let mut hits: Vec<Value> = top
        .query_map(rusqlite::params_from_iter(params.iter()), |r| {
            Ok(json!({
                "title_html": r.get::<_, String>(0)?,
                "authors": r.get::<_, String>(1)?,
                "date": r.get::<_, Option<String>>(2)?,
                "path": r.get::<_, String>(3)?,
                "snippet": r.get::<_, String>(4)?,
                "score": r.get::<_, f64>(5)?,
            }))
        })?
        .collect::<Result<_, _>>()?;
    hits.push(json!({ "total_hits": n }));
    Ok(hits)
}

/// `archive --sqlite-search DB N`: one whole-process search with snippets, printed as JSON.
fn sqlite_search_main(db: &Path, which: usize) -> Result<()> {
    let q = QUERIES
        .get(which)
        .ok_or_else(|| anyhow!("no query {which}"))?;
    let conn = sqlite_open_for_search(db)?;
    let hits = sqlite_search_snippets(&conn, q)?;
    println!("{}", Value::Array(hits));
    Ok(())
}

fn sqlite_build(corpus: &Path, db: &Path, runs: usize) -> Result<Build> {
    let exe = std::env::current_exe()?;
    peer_builds("sqlite", corpus, runs, || {
        let run = run_build(Command::new(&exe).arg("--sqlite-build").arg(corpus).arg(db))?;
        Ok((run, fs::metadata(db).map(|m| m.len()).unwrap_or(0)))
    })
}

fn sqlite_queries(db: &Path, in_runs: usize, proc_runs: usize) -> Result<Vec<QueryFigures>> {
    let conn = sqlite_open_for_search(db)?;
    let exe = std::env::current_exe()?;
    let mut out = Vec::new();
    for (i, q) in QUERIES.iter().enumerate() {
        let (search_ms, hits) = time_it(in_runs, || sqlite_search(&conn, q))?;
        let (snippets_ms, _) = time_it(in_runs, || {
            Ok(std::hint::black_box(
                sqlite_search_snippets(&conn, q)?.len(),
            ))
        })?;
        let (process_ms, _) = time_it(proc_runs, || {
            Ok(run_child(
                Command::new(&exe)
                    .arg("--sqlite-search")
                    .arg(db)
                    .arg(i.to_string()),
            )?
            .wall)
        })?;
        out.push(QueryFigures {
            search_ms,
            snippets_ms,
            process_ms,
            hits,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// ripgrep, the no-index baseline.

fn rg_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("rg"))
        .find(|p| p.is_file())
}

fn rg_queries(rg: &Path, corpus: &Corpus, runs: usize) -> Result<Vec<(Vec<f64>, u64)>> {
    let mut out = Vec::new();
    for q in QUERIES {
        let mut cmd = Command::new(rg);
        cmd.args(["-i", "-l", "-F", "--no-messages"]);
        for p in q.rg {
            cmd.arg("-e").arg(p);
        }
        if q.range.is_some() {
            // The only March 1987 articles are copy 0's 1987/03 folder.
            cmd.args(["-g", "1987/03/*"]);
        }
        cmd.arg(&corpus.dir);
        // rg exits 1 when nothing matches; treat that as zero files.
        let mut files = 0;
        let (samples, _) = time_it(runs, || {
            let t = Instant::now();
            let o = cmd.output()?;
            files = o.stdout.iter().filter(|&&b| b == b'\n').count() as u64;
            Ok(t.elapsed())
        })?;
        out.push((samples, files));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// One scale.

fn measure_scale(
    args: &Args,
    bin: &Path,
    alone: Option<&Path>,
    source: &Source,
    scale: u32,
    rg: Option<&Path>,
) -> Result<Value> {
    println!("== scale {scale}x");
    let load_before = loadavg();
    let corpus = ensure_files(&args.data, source, scale)?;
    println!(
        "  corpus: {} files, {:.1} MB of article text in {}",
        corpus.files,
        corpus.bytes as f64 / 1e6,
        corpus.dir.display()
    );
    let runs = args.runs.unwrap_or(if scale >= 50 { 1 } else { 3 });
    let (in_runs, proc_runs) = (args.query_runs * 5, args.query_runs);
    let work = args.data.join("work");
    fs::create_dir_all(&work)?;
    let index = work.join(format!("dateline-x{scale}"));
    let mb = corpus.bytes as f64 / 1e6;

    let build = dateline_build(bin, &corpus.dir, &index, runs)?;
    let build_ms = median(&build.wall_ms);

    // Re-indexing: nothing changed, then 1% of files added (and removed again).
    println!("  re-index runs...");
    let mut noop = Vec::new();
    for _ in 0..runs.max(3) {
        noop.push(dateline_reindex(bin, &index)?.0);
    }
    let mut add_ms = Vec::new();
    let mut remove_ms = Vec::new();
    let mut add_summary = Value::Null;
    for _ in 0..runs {
        let added = add_one_percent(&corpus.dir)?;
        let (t, s) = dateline_reindex(bin, &index)?;
        add_ms.push(t);
        add_summary =
            json!({"files_added": added.len(), "indexed": s["indexed"], "added": s["added"]});
        for p in &added {
            fs::remove_file(p)?;
        }
        remove_ms.push(dateline_reindex(bin, &index)?.0);
    }
    println!(
        "    no-op {:.0} ms, +1% {:.0} ms, -1% {:.0} ms",
        median(&noop),
        median(&add_ms),
        median(&remove_ms)
    );

    println!("  dateline queries...");
    let dq = dateline_queries(bin, &index, in_runs, proc_runs)?;
    println!("  proximity vs phrase...");
    let proximity = proximity_queries(&index, in_runs)?;
    println!("  dateline export...");
    let export = dateline_export(bin, &index, proc_runs.min(5))?;

    let mut result = json!({
        "scale": scale,
        "measured_at": now_utc(),
        "loadavg_before": load_before,
        "corpus": {"files": corpus.files, "text_bytes": corpus.bytes, "dir": corpus.dir},
        "runs": {"build": runs, "query_in_process": in_runs, "query_process": proc_runs, "warmups": WARMUPS},
        "dateline": {
            "build_ms": build.wall_ms,
            "build_ms_median": build_ms,
            "build_cpu_ms_median": median(&build.cpu_ms),
            "throughput_mb_s": mb / (build_ms / 1e3),
            "peak_rss_mb": build.rss_kb.iter().map(|k| *k as f64 / 1024.0).collect::<Vec<_>>(),
            "peak_rss_mb_median": median(&build.rss_kb.iter().map(|k| *k as f64 / 1024.0).collect::<Vec<_>>()),
            "index_bytes": build.index_bytes,
            "index_ratio": build.index_bytes as f64 / corpus.bytes as f64,
            "articles": build.articles,
            "summary": build.summary,
            "reindex_noop_ms": noop,
            "reindex_noop_ms_median": median(&noop),
            "reindex_add1pct_ms": add_ms,
            "reindex_add1pct_ms_median": median(&add_ms),
            "reindex_add1pct": add_summary,
            "reindex_remove1pct_ms_median": median(&remove_ms),
        },
    });

    let mut queries: Vec<Value> = QUERIES
        .iter()
        .zip(&dq)
        .map(|(q, f)| {
            json!({
                "query": q.label(),
                "broad": q.broad,
                "dateline": figures_json(f),
            })
        })
        .collect();

    if let Some(alone) = alone {
        let aindex = work.join(format!("alone-x{scale}"));
        println!("  tantivy alone build...");
        let ab = alone_build(alone, &corpus.dir, &aindex, runs)?;
        result["alone"] = peer_build_json(&ab, mb, corpus.bytes);
        println!("  tantivy alone queries...");
        let aq = alone_queries(alone, &aindex, proc_runs)?;
        for (v, f) in queries.iter_mut().zip(&aq) {
            v["alone"] = figures_json(f);
        }
        fs::remove_dir_all(&aindex).ok();
    }

    if args.sqlite {
        let db = work.join(format!("sqlite-x{scale}.db"));
        println!("  sqlite build...");
        let sb = sqlite_build(&corpus.dir, &db, runs)?;
        result["sqlite"] = peer_build_json(&sb, mb, corpus.bytes);
        println!("  sqlite queries...");
        let sq = sqlite_queries(&db, in_runs, proc_runs)?;
        for (v, f) in queries.iter_mut().zip(&sq) {
            v["sqlite"] = figures_json(f);
        }
        let _ = fs::remove_file(&db);
    }

    match rg {
        Some(rg) => {
            println!("  ripgrep...");
            for (v, (samples, files)) in
                queries
                    .iter_mut()
                    .zip(rg_queries(rg, &corpus, proc_runs.min(5))?)
            {
                v["ripgrep"] = json!({"process_ms": samples, "process_ms_median": median(&samples), "files": files});
            }
        }
        None => result["ripgrep"] = json!("not installed"),
    }
    result["queries"] = Value::Array(queries);
    result["proximity"] = Value::Array(proximity);
    result["export"] = export;
    result["loadavg_after"] = json!(loadavg());

    if scale >= 50 && args.jsonl {
        // A failure here (say, a parser that chokes on a 100 MB line) must not lose the
        // figures measured above: record it and go on.
        let mut jsonl = || -> Result<()> {
            let jl = ensure_jsonl(&args.data, source, scale)?;
            let jmb = jl.bytes as f64 / 1e6;
            println!("  JSON Lines corpus: {} files, {:.1} MB", jl.files, jmb);
            let jindex = work.join(format!("dateline-x{scale}-jsonl"));
            let jb = dateline_build(bin, &jl.dir, &jindex, runs)?;
            let jms = median(&jb.wall_ms);
            let rss: Vec<f64> = jb.rss_kb.iter().map(|k| *k as f64 / 1024.0).collect();
            result["jsonl"] = json!({
                "files": jl.files, "text_bytes": jl.bytes,
                "dateline": {"build_ms": jb.wall_ms, "build_ms_median": jms, "build_cpu_ms_median": median(&jb.cpu_ms), "throughput_mb_s": jmb / (jms / 1e3),
                              "peak_rss_mb_median": median(&rss), "index_bytes": jb.index_bytes,
                              "index_ratio": jb.index_bytes as f64 / jl.bytes as f64, "articles": jb.articles},
            });
            fs::remove_dir_all(&jindex).ok();
            if args.sqlite {
                let db = work.join(format!("sqlite-x{scale}-jsonl.db"));
                let sb = sqlite_build(&jl.dir, &db, runs)?;
                let sms = median(&sb.wall_ms);
                let rss: Vec<f64> = sb.rss_kb.iter().map(|k| *k as f64 / 1024.0).collect();
                result["jsonl"]["sqlite"] = json!({"build_ms": sb.wall_ms, "build_ms_median": sms, "build_cpu_ms_median": median(&sb.cpu_ms),
                    "throughput_mb_s": jmb / (sms / 1e3), "peak_rss_mb_median": median(&rss),
                    "index_bytes": sb.index_bytes, "index_ratio": sb.index_bytes as f64 / jl.bytes as f64,
                    "articles": sb.articles});
                let _ = fs::remove_file(&db);
            }
            Ok(())
        };
        if let Err(e) = jsonl() {
            println!("  JSON Lines figures failed: {e:#}");
            result["jsonl"] = json!({"error": format!("{e:#}")});
        }
    }
    Ok(result)
}

fn figures_json(f: &QueryFigures) -> Value {
    json!({
        "hits": f.hits,
        "search_ms_median": median(&f.search_ms),
        "snippets_ms_median": median(&f.snippets_ms),
        "process_ms_median": median(&f.process_ms),
        "search_ms": f.search_ms,
        "snippets_ms": f.snippets_ms,
        "process_ms": f.process_ms,
    })
}

// ---------------------------------------------------------------------------------------
// Machine, output, targets.

fn now_utc() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// The 1-minute load average: how busy the shared machine was around a measurement.
fn loadavg() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn machine() -> Value {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_gb = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map(|k| k / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    json!({"cpu": model, "cores": cores, "ram_gb": (ram_gb * 10.0).round() / 10.0,
           "kernel": kernel.trim(), "rustc": rustc_version()})
}

fn rustc_version() -> String {
    Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn ratio(a: f64, b: f64) -> String {
    if a.is_finite() && b.is_finite() && a > 0.0 {
        format!("{:.1}×", b / a)
    } else {
        "—".into()
    }
}

fn num(x: f64, prec: usize) -> String {
    if x.is_finite() {
        format!("{x:.prec$}")
    } else {
        "—".into()
    }
}

/// The Markdown tables for all measured scales.
fn render_tables(results: &Value) -> String {
    let mut s = String::new();
    let Some(scales) = results["scales"].as_object() else {
        return s;
    };
    let mut keys: Vec<&String> = scales.keys().collect();
    keys.sort_by_key(|k| k.parse::<u32>().unwrap_or(0));
    s.push_str("### Building and updating the index\n\n");
    s.push_str("Ratio = SQLite ÷ dateline (above 1× means dateline is faster/smaller). Build = wall-clock of the whole indexing process, fresh index folder, warm page cache.\n\n");
    s.push_str("| scale | articles (files) | text MB | build s dateline | build s SQLite | ratio | CPU s dateline | CPU s SQLite | MB/s dateline | MB/s SQLite | peak RSS MB dateline | peak RSS MB SQLite | index/text dateline | index/text SQLite | no-op re-index ms | +1% files ms | −1% files ms | runs |\n");
    s.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for k in &keys {
        let r = &scales[k.as_str()];
        let d = &r["dateline"];
        let q = &r["sqlite"];
        s.push_str(&format!(
            "| {k}x | {} | {:.1} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r["corpus"]["files"],
            f(&r["corpus"]["text_bytes"]) / 1e6,
            num(f(&d["build_ms_median"]) / 1e3, 2),
            num(f(&q["build_ms_median"]) / 1e3, 2),
            ratio(f(&d["build_ms_median"]), f(&q["build_ms_median"])),
            num(f(&d["build_cpu_ms_median"]) / 1e3, 2),
            num(f(&q["build_cpu_ms_median"]) / 1e3, 2),
            num(f(&d["throughput_mb_s"]), 1),
            num(f(&q["throughput_mb_s"]), 1),
            num(f(&d["peak_rss_mb_median"]), 0),
            num(f(&q["peak_rss_mb_median"]), 0),
            num(f(&d["index_ratio"]), 2),
            num(f(&q["index_ratio"]), 2),
            num(f(&d["reindex_noop_ms_median"]), 0),
            num(f(&d["reindex_add1pct_ms_median"]), 0),
            num(f(&d["reindex_remove1pct_ms_median"]), 0),
            r["runs"]["build"],
        ));
        let j = &r["jsonl"];
        if j.is_object() {
            s.push_str(&format!(
                "| {k}x JSONL | {} lines ({} files) | {:.1} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | — | — | — | {} |\n",
                j["dateline"]["articles"],
                j["files"],
                f(&j["text_bytes"]) / 1e6,
                num(f(&j["dateline"]["build_ms_median"]) / 1e3, 2),
                num(f(&j["sqlite"]["build_ms_median"]) / 1e3, 2),
                ratio(f(&j["dateline"]["build_ms_median"]), f(&j["sqlite"]["build_ms_median"])),
                num(f(&j["dateline"]["build_cpu_ms_median"]) / 1e3, 2),
                num(f(&j["sqlite"]["build_cpu_ms_median"]) / 1e3, 2),
                num(f(&j["dateline"]["throughput_mb_s"]), 1),
                num(f(&j["sqlite"]["throughput_mb_s"]), 1),
                num(f(&j["dateline"]["peak_rss_mb_median"]), 0),
                num(f(&j["sqlite"]["peak_rss_mb_median"]), 0),
                num(f(&j["dateline"]["index_ratio"]), 2),
                num(f(&j["sqlite"]["index_ratio"]), 2),
                r["runs"]["build"],
            ));
        }
    }
    for k in &keys {
        let j = &scales[k.as_str()]["jsonl"];
        if j["sqlite"].is_object() && j["dateline"]["articles"] != j["sqlite"]["articles"] {
            s.push_str(&format!(
                "\n**{k}x JSONL is not comparable**: dateline indexed {} articles, SQLite {}; \
                 the row is left out of the targets.\n",
                j["dateline"]["articles"], j["sqlite"]["articles"]
            ));
        }
    }
    s.push_str("\nThe no-op and ±1% re-index figures are dateline's only: the SQLite peer has no incremental update (its equivalent is a full rebuild).\n\n");
    s.push_str(&render_alone(scales, &keys));
    for k in &keys {
        let r = &scales[k.as_str()];
        s.push_str(&format!(
            "### Queries at {k}x (medians in ms; {} in-process runs, {} whole-process runs, after {} warm-ups; measured {}, 1-min load {} before / {} after)\n\n",
            r["runs"]["query_in_process"], r["runs"]["query_process"], r["runs"]["warmups"], r["measured_at"].as_str().unwrap_or(""),
            num(f(&r["loadavg_before"]), 1), num(f(&r["loadavg_after"]), 1)
        ));
        s.push_str("| query | hits dateline | hits SQLite | search dateline | search SQLite | ratio | +snippets dateline | +snippets SQLite | ratio | process dateline | process SQLite | ratio | ripgrep process |\n");
        s.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for q in r["queries"].as_array().into_iter().flatten() {
            let d = &q["dateline"];
            let l = &q["sqlite"];
            let rg = match &q["ripgrep"] {
                Value::Null => r["ripgrep"].as_str().unwrap_or("—").to_string(),
                v => format!(
                    "{} ({} files)",
                    num(f(&v["process_ms_median"]), 1),
                    v["files"]
                ),
            };
            s.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                q["query"].as_str().unwrap_or(""),
                d["hits"],
                if l.is_null() {
                    "—".into()
                } else {
                    l["hits"].to_string()
                },
                num(f(&d["search_ms_median"]), 3),
                num(f(&l["search_ms_median"]), 3),
                ratio(f(&d["search_ms_median"]), f(&l["search_ms_median"])),
                num(f(&d["snippets_ms_median"]), 3),
                num(f(&l["snippets_ms_median"]), 3),
                ratio(f(&d["snippets_ms_median"]), f(&l["snippets_ms_median"])),
                num(f(&d["process_ms_median"]), 2),
                num(f(&l["process_ms_median"]), 2),
                ratio(f(&d["process_ms_median"]), f(&l["process_ms_median"])),
                rg,
            ));
        }
        s.push('\n');
    }
    s
}

/// dateline beside tantivy alone: build, index size and whole-process search at each scale,
/// with the ratios dateline ÷ tantivy alone (below 1× means dateline is faster/smaller).
fn render_alone(scales: &serde_json::Map<String, Value>, keys: &[&String]) -> String {
    let mut s = String::new();
    if !keys.iter().any(|k| scales[k.as_str()]["alone"].is_object()) {
        return s;
    }
    s.push_str("### Against tantivy alone\n\n");
    s.push_str("Ratio = dateline ÷ tantivy alone (`bench/src/bin/tantivy_alone.rs`: the same parsed articles indexed with tantivy, 2 writer threads, 200 MB, one commit; its search parses the query with every word required and title boosted 2×, top 10 with 150-character snippets). Targets of issue 27: build ≤ 1.0×, every whole-process search ≤ 1.5×. Measured in the same run as the tables above.\n\n");
    s.push_str("| scale | build s dateline | build s tantivy alone | ratio | CPU s dateline | CPU s tantivy alone | index/text dateline | index/text tantivy alone | articles dateline | articles tantivy alone |\n");
    s.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    for k in keys {
        let r = &scales[k.as_str()];
        let (d, a) = (&r["dateline"], &r["alone"]);
        if !a.is_object() {
            continue;
        }
        s.push_str(&format!(
            "| {k}x | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            num(f(&d["build_ms_median"]) / 1e3, 2),
            num(f(&a["build_ms_median"]) / 1e3, 2),
            ratio(f(&a["build_ms_median"]), f(&d["build_ms_median"])),
            num(f(&d["build_cpu_ms_median"]) / 1e3, 2),
            num(f(&a["build_cpu_ms_median"]) / 1e3, 2),
            num(f(&d["index_ratio"]), 2),
            num(f(&a["index_ratio"]), 2),
            d["articles"],
            a["articles"],
        ));
    }
    s.push('\n');
    for k in keys {
        let r = &scales[k.as_str()];
        if !r["alone"].is_object() {
            continue;
        }
        s.push_str(&format!(
            "Whole-process search at {k}x (medians in ms of {} runs each):\n\n",
            r["runs"]["query_process"]
        ));
        // The two count different sets: dateline's column is every article with any of the
        // words (the list its pages run through, counted set first), tantivy alone's the
        // articles with all of them (its parser requires every word).
        s.push_str("| query | dateline: articles with any word | tantivy alone: articles with all words | process dateline | process tantivy alone | ratio |\n");
        s.push_str("|---|---|---|---|---|---|\n");
        for q in r["queries"].as_array().into_iter().flatten() {
            let (d, a) = (&q["dateline"], &q["alone"]);
            s.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} |\n",
                q["query"].as_str().unwrap_or(""),
                d["hits"],
                a["hits"],
                num(f(&d["process_ms_median"]), 2),
                num(f(&a["process_ms_median"]), 2),
                ratio(f(&a["process_ms_median"]), f(&d["process_ms_median"])),
            ));
        }
        s.push('\n');
    }
    s
}

/// Each target of the issue, judged on the medians measured.
fn render_targets(results: &Value) -> String {
    let scale = |k: u32| &results["scales"][k.to_string()];
    let mut rows: Vec<(String, String, Option<bool>)> = Vec::new();
    let present = |k: u32| scale(k).is_object();
    let verdict = |ok: Option<bool>| match ok {
        Some(true) => "met",
        Some(false) => "**not met**",
        None => "not measured",
    };
    // Build 1x.
    let b1 = f(&scale(1)["dateline"]["build_ms_median"]) / 1e3;
    rows.push((
        "Full build of 1x ≤ 1.0 s".into(),
        format!("{} s", num(b1, 2)),
        present(1).then_some(b1 <= 1.0),
    ));
    for k in [10, 50] {
        let t = f(&scale(k)["dateline"]["throughput_mb_s"]);
        rows.push((
            format!("≥ 15 MB/s at {k}x"),
            format!("{} MB/s", num(t, 1)),
            present(k).then_some(t >= 15.0),
        ));
    }
    let tps: Vec<(u32, f64)> = [1, 10, 50]
        .into_iter()
        .filter(|&k| present(k))
        .map(|k| (k, f(&scale(k)["dateline"]["throughput_mb_s"])))
        .collect();
    rows.push((
        "Throughput does not fall as the corpus grows".into(),
        tps.iter()
            .map(|(k, t)| format!("{k}x {t:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
            + " MB/s",
        (tps.len() >= 2).then(|| tps.windows(2).all(|w| w[1].1 >= w[0].1)),
    ));
    let rss = f(&scale(50)["dateline"]["peak_rss_mb_median"]);
    rows.push((
        "Peak RSS while indexing < 300 MB at 50x".into(),
        format!("{} MB", num(rss, 0)),
        present(50).then_some(rss < 300.0),
    ));
    let ratios: Vec<(u32, f64)> = [1, 10, 50]
        .into_iter()
        .filter(|&k| present(k))
        .map(|k| (k, f(&scale(k)["dateline"]["index_ratio"])))
        .collect();
    rows.push((
        "Index size ≤ 1.1× the article text".into(),
        ratios
            .iter()
            .map(|(k, r)| format!("{k}x {r:.2}×"))
            .collect::<Vec<_>>()
            .join(", "),
        (!ratios.is_empty()).then(|| ratios.iter().all(|(_, r)| *r <= 1.1)),
    ));
    let export = f(&scale(10)["export"]["ratio"]);
    rows.push((
        "Export with kwic and 3 counts ≤ 2× the plain export at 10x".into(),
        format!("{}×", num(export, 2)),
        scale(10)["export"].is_object().then_some(export <= 2.0),
    ));
    let worst = |k: u32, key: &str, who: &str| -> (f64, String) {
        let mut w = (f64::NAN, String::new());
        for q in scale(k)["queries"].as_array().into_iter().flatten() {
            let v = f(&q[who][key]);
            // NaN (not measured yet) is replaced by any figure.
            if w.0.is_nan() || v > w.0 {
                w = (v, q["query"].as_str().unwrap_or("").to_string());
            }
        }
        w
    };
    for (k, limit) in [(10, 8.0), (50, 15.0)] {
        let (v, q) = worst(k, "process_ms_median", "dateline");
        rows.push((
            format!("Whole-process `dateline search` ≤ {limit} ms at {k}x, every query"),
            format!("slowest {} ms (`{q}`)", num(v, 2)),
            present(k).then_some(v <= limit),
        ));
    }
    let (v, q) = worst(10, "snippets_ms_median", "dateline");
    rows.push((
        "In-process search + snippets, top 10 < 3 ms at 10x".into(),
        format!("slowest {} ms (`{q}`)", num(v, 3)),
        present(10).then_some(v < 3.0),
    ));
    // Against SQLite at 10x.
    let qs: Vec<&Value> = scale(10)["queries"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let speedup = |q: &Value, key: &str| f(&q["sqlite"][key]) / f(&q["dateline"][key]);
    let have_sqlite = qs.iter().any(|q| q["sqlite"].is_object());
    for key in ["search_ms_median", "snippets_ms_median"] {
        let what = if key == "search_ms_median" {
            "search only"
        } else {
            "search + snippets"
        };
        let broad: Vec<String> = qs
            .iter()
            .filter(|q| q["broad"].as_bool() == Some(true))
            .map(|q| {
                format!(
                    "`{}` {:.1}×",
                    q["query"].as_str().unwrap_or(""),
                    speedup(q, key)
                )
            })
            .collect();
        rows.push((
            format!("≥ 10× faster than SQLite FTS5 on broad queries at 10x ({what}, in-process)"),
            broad.join(", "),
            have_sqlite.then(|| {
                qs.iter()
                    .filter(|q| q["broad"].as_bool() == Some(true))
                    .all(|q| speedup(q, key) >= 10.0)
            }),
        ));
        let slowest = qs
            .iter()
            .map(|q| (speedup(q, key), q["query"].as_str().unwrap_or("")))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        rows.push((
            format!("Faster than SQLite FTS5 on every query at 10x ({what}, in-process)"),
            slowest
                .map(|(s, q)| format!("smallest speed-up {s:.1}× (`{q}`)"))
                .unwrap_or_default(),
            (have_sqlite && !qs.is_empty()).then(|| qs.iter().all(|q| speedup(q, key) > 1.0)),
        ));
    }
    let builds: Vec<(String, f64)> = [1, 10, 50]
        .into_iter()
        .filter(|&k| present(k) && scale(k)["sqlite"].is_object())
        .flat_map(|k| {
            let mut v = vec![(
                format!("{k}x"),
                f(&scale(k)["sqlite"]["build_ms_median"])
                    / f(&scale(k)["dateline"]["build_ms_median"]),
            )];
            let j = &scale(k)["jsonl"];
            // Only when both indexed the same articles (a stub parser may not).
            if j["sqlite"].is_object() && j["dateline"]["articles"] == j["sqlite"]["articles"] {
                v.push((
                    format!("{k}x JSONL"),
                    f(&j["sqlite"]["build_ms_median"]) / f(&j["dateline"]["build_ms_median"]),
                ));
            }
            v
        })
        .collect();
    rows.push((
        "Faster to build than SQLite FTS5 at every scale".into(),
        builds
            .iter()
            .map(|(k, s)| format!("{k} {s:.1}×"))
            .collect::<Vec<_>>()
            .join(", "),
        (!builds.is_empty()).then(|| builds.iter().all(|(_, s)| *s > 1.0)),
    ));
    // Against tantivy alone (issue 27), at each scale measured with it.
    for k in [1, 10, 100] {
        let (d, a) = (&scale(k)["dateline"], &scale(k)["alone"]);
        let have = present(k) && a.is_object();
        let b = f(&d["build_ms_median"]) / f(&a["build_ms_median"]);
        rows.push((
            format!("Build ≤ 1.0× tantivy alone's time at {k}x"),
            format!(
                "{}× ({} s vs {} s)",
                num(b, 2),
                num(f(&d["build_ms_median"]) / 1e3, 2),
                num(f(&a["build_ms_median"]) / 1e3, 2)
            ),
            have.then_some(b <= 1.0),
        ));
        let mut slowest = (f64::NAN, String::new(), f64::NAN, f64::NAN);
        for q in scale(k)["queries"].as_array().into_iter().flatten() {
            let (dm, am) = (
                f(&q["dateline"]["process_ms_median"]),
                f(&q["alone"]["process_ms_median"]),
            );
            let v = dm / am;
            if slowest.0.is_nan() || v > slowest.0 {
                let name = q["query"].as_str().unwrap_or("").to_string();
                slowest = (v, name, dm, am);
            }
        }
        rows.push((
            format!("Whole-process search ≤ 1.5× tantivy alone's at {k}x, every query"),
            format!(
                "largest {}× (`{}` {} ms vs {} ms)",
                num(slowest.0, 2),
                slowest.1,
                num(slowest.2, 2),
                num(slowest.3, 2)
            ),
            have.then_some(slowest.0 <= 1.5),
        ));
    }
    let noop = f(&scale(10)["dateline"]["reindex_noop_ms_median"]);
    let full = f(&scale(10)["dateline"]["build_ms_median"]);
    rows.push((
        "No-op re-index < 5% of the full build at 10x".into(),
        format!(
            "{} ms = {}% of {} ms",
            num(noop, 0),
            num(noop / full * 100.0, 1),
            num(full, 0)
        ),
        present(10).then_some(noop / full < 0.05),
    ));
    rows.extend(format_target_rows(results));
    let mut s = String::from("| target | measured (medians) | verdict |\n|---|---|---|\n");
    for (t, m, ok) in rows {
        s.push_str(&format!("| {t} | {m} | {} |\n", verdict(ok)));
    }
    s
}

/// What docs/BENCHMARKS.md shows: each scale's latest figures, from the dated runs in
/// `bench/runs` (by folder name, so by day) and then `current` (the run being made, which
/// wins), with the machine and time of the latest of them. Each table says when its scale
/// was measured.
fn latest_per_scale(current: &Value) -> Value {
    let mut runs: Vec<PathBuf> = fs::read_dir(runs_dir())
        .map(|dir| {
            dir.filter_map(|e| Some(e.ok()?.path().join("results.json")))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    runs.sort();
    let mut shown = json!({"scales": {}, "formats": {}});
    let earlier = runs.iter().filter_map(|path| {
        let text = fs::read_to_string(path).ok()?;
        match serde_json::from_str::<Value>(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                eprintln!("archive bench: leaving out {}: {e}", path.display());
                None
            }
        }
    });
    for run in earlier.chain(std::iter::once(current.clone())) {
        // Formats are kept one by one: a run of one format keeps the others' figures.
        let mut any = false;
        for (k, v) in run["formats"].as_object().into_iter().flatten() {
            for (format, figures) in v.as_object().into_iter().flatten() {
                shown["formats"][k][format] = figures.clone();
                any = true;
            }
        }
        for (k, v) in run["scales"].as_object().into_iter().flatten() {
            shown["scales"][k] = v.clone();
            any = true;
        }
        if !any {
            continue;
        }
        for key in ["machine", "updated_at"] {
            if !run[key].is_null() {
                shown[key] = run[key].clone();
            }
        }
    }
    shown
}

const MD_BEGIN: &str = "<!-- bench:begin (written by the harness; edit outside these markers) -->";
const MD_END: &str = "<!-- bench:end -->";

fn write_markdown(path: &Path, results: &Value) -> Result<()> {
    let m = &results["machine"];
    let mut gen = String::new();
    gen.push_str(MD_BEGIN);
    gen.push_str("\n\n");
    gen.push_str(&format!(
        "Machine: {} core(s), {}, {} GB RAM, Linux {}, {}. Last run: {}.\n\n",
        m["cores"],
        m["cpu"].as_str().unwrap_or("?"),
        m["ram_gb"],
        m["kernel"].as_str().unwrap_or("?"),
        m["rustc"].as_str().unwrap_or("?"),
        results["updated_at"].as_str().unwrap_or("?"),
    ));
    gen.push_str("All figures are medians over repeated runs on a shared machine (other compiles were running): treat differences under ~10% as noise.\n\n");
    gen.push_str("## Targets\n\n");
    gen.push_str(&render_targets(results));
    gen.push_str("\n## Figures\n\n");
    gen.push_str(&render_tables(results));
    gen.push_str(&render_formats(results));
    gen.push_str(MD_END);
    let old = fs::read_to_string(path).unwrap_or_default();
    let text = match (old.find(MD_BEGIN), old.find(MD_END)) {
        (Some(a), Some(b)) if b > a => {
            format!("{}{}{}", &old[..a], gen, &old[b + MD_END.len()..])
        }
        _ => format!("# Benchmarks\n\n{gen}\n"),
    };
    fs::write(path, text)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------

fn main() {
    if let Err(e) = real_main() {
        eprintln!("archive bench: {e:#}");
        std::process::exit(1);
    }
}

fn real_main() -> Result<()> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    // Child-process modes used by the harness itself.
    match raw.first().map(String::as_str) {
        Some("--sqlite-build") if raw.len() == 3 => {
            return sqlite_build_main(Path::new(&raw[1]), Path::new(&raw[2]))
        }
        Some("--sqlite-search") if raw.len() == 3 => {
            return sqlite_search_main(Path::new(&raw[1]), raw[2].parse()?)
        }
        _ => {}
    }
    let args = parse_args(raw)?;
    if args.render {
        let results = match fs::read_to_string(&args.out) {
            Ok(text) => serde_json::from_str(&text)
                .with_context(|| format!("reading {}", args.out.display()))?,
            Err(_) => json!({"scales": {}}),
        };
        let shown = latest_per_scale(&results);
        let empty = |key: &str| shown[key].as_object().is_none_or(|s| s.is_empty());
        if empty("scales") && empty("formats") {
            bail!("no results to render in {}", runs_dir().display());
        }
        let md = args
            .md
            .unwrap_or_else(|| repo_root().join("docs").join("BENCHMARKS.md"));
        write_markdown(&md, &shown)?;
        println!("{}", render_targets(&shown));
        return Ok(());
    }
    // `$DATELINE_REUTERS` for a checkout (a worktree) that is not beside `shared`.
    let source_dir = std::env::var_os("DATELINE_REUTERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpora/reuters21578"));
    if !source_dir.is_dir() {
        println!(
            "archive bench: {} not found; nothing to benchmark (see /work/shared/corpora/README.md)",
            source_dir.display()
        );
        return Ok(());
    }
    let source_dir = source_dir.canonicalize()?;
    fs::create_dir_all(&args.data)?;
    println!("building the release dateline binary...");
    let bin = build_release_binary("dateline", "dateline")?;
    let alone = if args.alone {
        Some(build_release_binary("dateline-bench", "tantivy_alone")?)
    } else {
        None
    };
    let source = load_source(&source_dir)?;
    println!(
        "source: {} files from {}; data cache {}",
        source.files.len(),
        source_dir.display(),
        args.data.display()
    );
    let rg = rg_path();
    if rg.is_none() {
        println!("ripgrep: not installed (no rg on PATH); its column will say so");
    }

    // A second run on the same day adds to that day's results, as a run of one scale keeps
    // the others' earlier figures.
    let mut results: Value = fs::read_to_string(&args.out)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .filter(|v: &Value| v["scales"].is_object())
        .unwrap_or_else(|| json!({"scales": {}}));
    results["machine"] = machine();
    if let Some(dir) = args.out.parent() {
        fs::create_dir_all(dir)?;
    }
    if !args.formats.is_empty() {
        let base = base_articles(&source);
        for &scale in &args.scales {
            let r = measure_formats(&args, &bin, &base, scale)?;
            for (format, figures) in r.as_object().into_iter().flatten() {
                results["formats"][scale.to_string()][format] = figures.clone();
            }
            results["updated_at"] = json!(now_utc());
            fs::write(&args.out, serde_json::to_string_pretty(&results)?)?;
            if let Some(md) = &args.md {
                write_markdown(md, &latest_per_scale(&results))?;
            }
        }
        let shown = latest_per_scale(&results);
        println!("\n{}", render_targets(&shown));
        println!("{}", render_formats(&shown));
        println!("results: {}", args.out.display());
        return Ok(());
    }
    for &scale in &args.scales {
        let r = measure_scale(&args, &bin, alone.as_deref(), &source, scale, rg.as_deref())?;
        results["scales"][scale.to_string()] = r;
        results["updated_at"] = json!(now_utc());
        // Save after every scale, so a long run that is stopped keeps what it measured.
        fs::write(&args.out, serde_json::to_string_pretty(&results)?)?;
        if let Some(md) = &args.md {
            write_markdown(md, &latest_per_scale(&results))?;
        }
    }
    let mut tables = BTreeMap::new();
    tables.insert("tables", render_tables(&results));
    println!("\n{}", render_targets(&latest_per_scale(&results)));
    println!("{}", tables["tables"]);
    println!("results: {}", args.out.display());
    if let Some(md) = &args.md {
        println!("markdown: {}", md.display());
    }
    Ok(())
}
