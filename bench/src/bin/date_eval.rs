//! Article dates on real pages: runs `article::html::parse` over the ScrapingHub
//! article-extraction-benchmark pages (see `extract_eval`) and counts the pages that get a
//! date, and how many of those agree with the date the page states for itself.
//!
//!     cargo run -p dateline-bench --bin date_eval -- PATH/TO/article-extraction-benchmark
//!
//! The page's own date is read here independently of dateline, from the raw HTML: the first
//! `datePublished` (JSON-LD or microdata) or `article:published_time` / `pubdate` /
//! `date` meta value whose first ten characters are a `YYYY-MM-DD` day; failing that, a
//! `/YYYY/MM/DD/` in the page's address. A date agrees when it is that day; it is "a day
//! off" when one day apart (a time near midnight written in another zone).

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde_json::Value;

fn main() -> Result<()> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        bail!("usage: date_eval DATASET_DIR (ground-truth.json and html/*.html.gz)");
    };
    let truth: Value = serde_json::from_slice(
        &std::fs::read(dir.join("ground-truth.json")).context("reading ground-truth.json")?,
    )?;
    let Some(entries) = truth.as_object() else {
        bail!("ground-truth.json is not an object of page ids");
    };
    let mut ids: Vec<&String> = entries.keys().collect();
    ids.sort();
    let verbose = std::env::args().any(|a| a == "-v");
    let (mut pages, mut dated, mut stated, mut agree, mut day_off) = (0, 0, 0, 0, 0);
    for id in ids {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let gz = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut html)?;
        let url = entries[id]["url"].as_str().unwrap_or("");
        let parse = dateline::article::html::parse(&html, Some(url));
        let date = parse
            .records
            .first()
            .and_then(|r| r.article.date)
            .map(|d| d.datetime.date());
        let own = own_date(&String::from_utf8_lossy(&html)).or_else(|| url_date(url));
        pages += 1;
        dated += usize::from(date.is_some());
        if let Some(own) = own {
            stated += 1;
            match date {
                Some(d) if d == own => agree += 1,
                Some(d) if (d - own).num_days().abs() == 1 => day_off += 1,
                _ => {}
            }
        }
        if verbose && (date.is_none() || own.is_some_and(|o| Some(o) != date)) {
            eprintln!("{id} {url}: dateline {date:?}, page {own:?}");
        }
    }
    println!("| pages | with a date | page states one | agree | a day off |");
    println!("|---|---|---|---|---|");
    println!("| {pages} | {dated} | {stated} | {agree} | {day_off} |");
    Ok(())
}

/// The day of the page's first machine-readable publication date.
fn own_date(html: &str) -> Option<NaiveDate> {
    let keys = [
        "\"datePublished\"",
        "itemprop=\"datePublished\"",
        "article:published_time",
        "name=\"pubdate\"",
        "name=\"date\"",
    ];
    keys.iter().find_map(|key| {
        html.match_indices(key).find_map(|(at, _)| {
            let rest = &html[at + key.len()..html.len().min(at + key.len() + 200)];
            (0..rest.len().saturating_sub(10))
                .filter(|&i| rest.is_char_boundary(i) && rest.is_char_boundary(i + 10))
                .find_map(|i| NaiveDate::parse_from_str(&rest[i..i + 10], "%Y-%m-%d").ok())
        })
    })
}

fn url_date(url: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = url.split('/').collect();
    parts.windows(3).find_map(|w| {
        let (y, m, d) = (w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?);
        (w[0].len() == 4).then(|| NaiveDate::from_ymd_opt(y, m, d))?
    })
}
