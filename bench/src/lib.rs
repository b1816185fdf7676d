//! What dateline's benchmarks and measuring tools share: the benchmark query set and the
//! request each query makes, the seed's .txt layout as the peers read it, timing and its
//! statistics, and where the repository, the cargo target folder and the shared corpora are.
//!
//! Everything that measures dateline lives in this package (`dateline-bench`):
//!
//! - `benches/archive.rs`: speed against SQLite FTS5 and ripgrep, at scale
//!   (`cargo bench -p dateline-bench --bench archive`; see `docs/BENCHMARKS.md`);
//! - `benches/eval.rs`: ranking quality (`cargo bench -p dateline-bench --bench eval`; see
//!   `docs/EVALUATION.md`);
//! - `src/bin/tantivy_alone.rs`: the minimal tantivy program the archive harness measures
//!   dateline against (build and whole-process search);
//! - `src/bin/*.rs`: small tools run on an existing index
//!   (`cargo run --release -p dateline-bench --bin NAME -- INDEX ...`).
//!
//! It is its own workspace member so that the bundled SQLite the FTS5 comparison compiles
//! never slows down `cargo test` of dateline itself. SQLite is a dev-dependency, built for
//! the benches only: the tools in `src/bin` compile without it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;
use dateline::index_dir::{self, OpenIndex};
use dateline::query::parse_day_bound;
use dateline::query::Filters;
use dateline::search::{Request, SortOrder};
use tantivy::Searcher;

// ---------------------------------------------------------------------------------------
// The fixed query set.

/// One query of the benchmark set, in dateline's syntax and in its peers'.
#[derive(Clone, Copy, Debug)]
pub struct Query {
    /// What a dateline user types.
    pub text: &'static str,
    /// The same in FTS5 syntax (dateline's default is OR; FTS5's is AND).
    pub fts: &'static str,
    /// ripgrep patterns (any of them; literal, case-insensitive).
    pub rg: &'static [&'static str],
    /// Inclusive YYYY-MM-DD range.
    pub range: Option<(&'static str, &'static str)>,
    /// Sorted newest first rather than by relevance.
    pub newest: bool,
    /// Queries the targets call "broad".
    pub broad: bool,
}

/// The queries every speed figure is measured on.
pub const QUERIES: &[Query] = &[
    Query {
        text: "THAAD South Korea",
        fts: "THAAD OR South OR Korea",
        rg: &["THAAD", "South", "Korea"],
        range: None,
        newest: false,
        broad: false,
    },
    Query {
        text: "coffee quota talks",
        fts: "coffee OR quota OR talks",
        rg: &["coffee", "quota", "talks"],
        range: None,
        newest: false,
        broad: false,
    },
    Query {
        text: "crude oil prices",
        fts: "crude OR oil OR prices",
        rg: &["crude", "oil", "prices"],
        range: None,
        newest: false,
        broad: true,
    },
    Query {
        text: "\"interest rates\"",
        fts: "\"interest rates\"",
        rg: &["interest rates"],
        range: None,
        newest: false,
        broad: false,
    },
    Query {
        text: "cocoa",
        fts: "cocoa",
        rg: &["cocoa"],
        range: Some(("1987-03-01", "1987-03-31")),
        newest: false,
        broad: false,
    },
    Query {
        text: "bank",
        fts: "bank",
        rg: &["bank"],
        range: None,
        newest: false,
        broad: true,
    },
    Query {
        text: "gold mine strike",
        fts: "gold OR mine OR strike",
        rg: &["gold", "mine", "strike"],
        range: None,
        newest: false,
        broad: false,
    },
    Query {
        text: "crude oil",
        fts: "crude OR oil",
        rg: &["crude", "oil"],
        range: None,
        newest: true,
        broad: false,
    },
];

impl Query {
    /// The query as typed on dateline's command line, flags included.
    pub fn label(&self) -> String {
        let mut s = self.text.to_string();
        if let Some((a, b)) = self.range {
            s.push_str(&format!(" --from {a} --to {b}"));
        }
        if self.newest {
            s.push_str(" --sort newest");
        }
        s
    }

    /// Its `--from`/`--to` filters.
    pub fn filters(&self) -> Result<Filters> {
        match self.range {
            Some((from, to)) => date_filters(from, to),
            None => Ok(Filters::default()),
        }
    }

    /// The request `dateline search` makes for it: the first page of 10, snippets of 200
    /// characters, default ranking, copies folded.
    pub fn request(&self) -> Result<Request> {
        Ok(Request {
            query: self.text.to_string(),
            filters: self.filters()?,
            limit: 10,
            offset: 0,
            sort: if self.newest {
                SortOrder::Newest
            } else {
                SortOrder::Relevance
            },
            snippet_chars: 200,
            ranking: Default::default(),
            facets: None,
            all_copies: false,
        })
    }
}

/// Filters for the inclusive days `from`..=`to`, written as `--from`/`--to` take them.
pub fn date_filters(from: &str, to: &str) -> Result<Filters> {
    Ok(Filters {
        from: Some(parse_day_bound(from, "--from", false).map_err(anyhow::Error::msg)?),
        to: Some(parse_day_bound(to, "--to", true).map_err(anyhow::Error::msg)?),
        ..Filters::default()
    })
}

// ---------------------------------------------------------------------------------------
// The seed's .txt layout, as the peers read it.

/// English month names, as the seed's date lines spell them.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Reads `26 February 1987` as (1987, 2, 26).
pub fn parse_date_line(line: &str) -> Option<(i32, u32, u32)> {
    let mut parts = line.split_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = parts.next()?;
    let year: i32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=31).contains(&day) || !(1000..=9999).contains(&year) {
        return None;
    }
    let m = MONTHS.iter().position(|n| *n == month)? as u32 + 1;
    Some((year, m, day))
}

/// A simple reading of the .txt layout, used for the JSON Lines corpus, the SQLite peer and tantivy alone:
/// title = first non-empty line, `By ...` = authors, a `26 February 1987` line = date,
/// body = everything after the first blank line that follows the header.
pub struct Parsed {
    pub title: String,
    pub authors: Vec<String>,
    pub date: Option<String>,
    pub body: String,
}

pub fn parse_txt(text: &str) -> Parsed {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let title = lines.next().unwrap_or("").trim().to_string();
    let mut authors = Vec::new();
    let mut date = None;
    let mut body_lines = Vec::new();
    let mut in_header = true;
    for line in lines {
        if in_header {
            let t = line.trim();
            if t.is_empty() {
                in_header = false;
            } else if let Some(by) = t.strip_prefix("By ") {
                authors = by
                    .split(',')
                    .flat_map(|s| s.split(" and "))
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
            } else if let Some((y, m, d)) = parse_date_line(t) {
                date = Some(format!("{y:04}-{m:02}-{d:02}"));
            } else {
                // Not a header after all: the body starts here.
                in_header = false;
                body_lines.push(line);
            }
        } else {
            body_lines.push(line);
        }
    }
    Parsed {
        title,
        authors,
        date,
        body: body_lines.join("\n"),
    }
}

// ---------------------------------------------------------------------------------------
// Timing and statistics.

/// Warm-up runs before every timed series.
pub const WARMUPS: usize = 3;

/// The median of `xs` (the mean of the middle two for an even count); NaN when empty.
pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Times `f` `runs` times after [`WARMUPS`] warm-ups; returns the samples in ms and f's last
/// result.
pub fn time_it<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(Vec<f64>, T)> {
    for _ in 0..WARMUPS {
        f()?;
    }
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let r = f()?;
        samples.push(ms(t.elapsed()));
        last = Some(r);
    }
    let last = last.ok_or_else(|| anyhow::anyhow!("no run"))?;
    Ok((samples, last))
}

// ---------------------------------------------------------------------------------------
// Where things are.

/// The path given after `flag` on a tool's command line (`--dump DIR`), if any.
pub fn flag_path<A: AsRef<std::ffi::OsStr>>(args: &[A], flag: &str) -> Option<PathBuf> {
    args.iter()
        .position(|a| a.as_ref() == flag)
        .and_then(|i| args.get(i + 1))
        .map(|a| PathBuf::from(a.as_ref()))
}

/// The repository root (the folder above this package).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// The cargo target folder a bench was built into (`<target>/release/deps/NAME-*`), so
/// `CARGO_TARGET_DIR` and `build.target-dir` are honoured; `<repo>/target` when that cannot
/// be told.
pub fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| repo_root().join("target"))
}

/// The real corpora (`reuters21578`, `bbc`), when this checkout sits beside `../shared`.
pub fn shared_corpora() -> PathBuf {
    repo_root().join("../shared/corpora")
}

/// Where the archive harness keeps its raw results: one folder per day it ran,
/// `bench/runs/YYYY-MM-DD/results.json`.
pub fn runs_dir() -> PathBuf {
    repo_root().join("bench").join("runs")
}

/// The UTC calendar day of `t`, as `YYYY-MM-DD` (1970-01-01 for times before it).
pub fn utc_day(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`), counted in
    // 400-year eras of 146,097 days from 0000-03-01 so that leap days end each year.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Opens the dateline index at `path` and a searcher on its last commit.
pub fn open_index(path: &Path) -> Result<(OpenIndex, Searcher)> {
    let open = index_dir::open(path)?;
    let searcher = index_dir::reader(&open.index)?.searcher();
    Ok((open, searcher))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn utc_days() {
        let day = |secs: u64| utc_day(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(86_399), "1970-01-01");
        assert_eq!(day(951_782_400), "2000-02-29");
        assert_eq!(day(951_868_800), "2000-03-01");
        assert_eq!(day(1_709_164_800), "2024-02-29");
        assert_eq!(day(1_735_689_599), "2024-12-31");
        assert_eq!(day(4_102_444_800), "2100-01-01");
    }

    #[test]
    fn every_query_makes_a_request() {
        for q in QUERIES {
            let r = q.request().unwrap();
            assert_eq!(r.query, q.text);
            assert_eq!(r.filters.from.is_some(), q.range.is_some(), "{}", q.label());
        }
        assert_eq!(
            QUERIES[4].label(),
            "cocoa --from 1987-03-01 --to 1987-03-31"
        );
    }
}
