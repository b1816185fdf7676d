//! Printing results and summaries for people (with colour on a terminal) and for programs
//! (one JSON object).

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use serde_json::{json, Value};

use crate::facets::Facets;
use crate::indexer::Summary;
use crate::problems::Severity;
use crate::search::{Highlighted, Results};

/// Whether to colour output: only on a terminal, and never when NO_COLOR is set.
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn stdout_color() -> bool {
    use_color(io::stdout().is_terminal())
}

struct Style {
    on: bool,
}

impl Style {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.wrap("2", t)
    }
    fn marked(&self, h: &Highlighted, base: &str) -> String {
        let mut out = String::with_capacity(h.text.len() + 32);
        let mut at = 0;
        for r in &h.highlights {
            out.push_str(&self.wrap(base, &h.text[at..r.start]));
            if self.on {
                out.push_str(&self.wrap("1;31", &h.text[r.clone()]));
            } else {
                out.push_str(&h.text[r.clone()]);
            }
            at = r.end;
        }
        out.push_str(&self.wrap(base, &h.text[at..]));
        out
    }
}

/// Shows `path` relative to the current folder when it lies below it, as users typed it.
pub fn display_path(path: &str) -> String {
    if let Ok(cwd) = std::env::current_dir() {
        if let Ok(rel) = Path::new(path).strip_prefix(&cwd) {
            return rel.to_string_lossy().into_owned();
        }
    }
    path.to_string()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn print_results(out: &mut impl Write, r: &Results, color: bool) -> io::Result<()> {
    let s = Style { on: color };
    for hit in &r.hits {
        let mut title = hit.title.clone();
        if title.text.trim().is_empty() {
            title.text = "(untitled)".into();
        }
        writeln!(out, "{:>3}. {}", hit.rank, s.marked(&title, "1"))?;
        let mut meta = vec![hit
            .date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "no date".into())];
        if !hit.authors.is_empty() {
            meta.push(hit.authors.join(", "));
        }
        let mut place = display_path(&hit.path);
        if let Some(line) = hit.line {
            place.push_str(&format!(":{line}"));
        }
        meta.push(place);
        match hit.copies.len() {
            0 => {}
            1 => meta.push("+1 copy".into()),
            n => meta.push(format!("+{n} copies")),
        }
        writeln!(out, "     {}", s.dim(&meta.join(" · ")))?;
        let snippet = Highlighted {
            text: one_line(&hit.snippet.text),
            ..Highlighted::default()
        };
        // Highlights index into the original text, so re-flow around them piecewise.
        let shown = if hit.snippet.highlights.is_empty() {
            s.marked(&snippet, "")
        } else {
            flow_marked(&s, &hit.snippet)
        };
        if !shown.trim().is_empty() {
            writeln!(out, "     {shown}")?;
        }
        writeln!(out)?;
    }
    if let Some(facets) = &r.facets {
        print_facets(out, facets, color)?;
    }
    if let Some(suggestion) = &r.suggestion {
        writeln!(out, "Did you mean: {}?", s.bold(suggestion))?;
    }
    let noun = match (r.total_hits == 1, r.articles > r.total_hits) {
        (true, false) => "result".to_string(),
        (false, false) => "results".to_string(),
        // Copies are folded: the count and the pages are stories.
        (one, true) => format!(
            "{} ({} articles with copies)",
            if one { "story" } else { "stories" },
            r.articles
        ),
    };
    let range = if r.hits.is_empty() {
        if r.total_hits > 0 {
            format!(" (none shown: --offset {} is past the last)", r.offset)
        } else {
            String::new()
        }
    } else {
        format!(" (shown {}–{})", r.offset + 1, r.offset + r.hits.len())
    };
    writeln!(
        out,
        "{} {noun}{range} in {} ms",
        r.total_hits,
        r.elapsed.as_millis()
    )
}

/// Facet counts as three short lists.
pub fn print_facets(out: &mut impl Write, f: &Facets, color: bool) -> io::Result<()> {
    let s = Style { on: color };
    for (name, list) in [
        ("Authors", &f.authors),
        ("Sources", &f.sources),
        ("Places", &f.places),
    ] {
        if list.is_empty() {
            writeln!(out, "{}: none", s.bold(name))?;
            continue;
        }
        let items: Vec<String> = list
            .iter()
            .map(|c| format!("{} ({})", c.value, c.count))
            .collect();
        writeln!(out, "{}: {}", s.bold(name), items.join(", "))?;
    }
    writeln!(out)
}

/// Marks highlights while folding the snippet's line breaks into spaces.
fn flow_marked(s: &Style, h: &Highlighted) -> String {
    let mut out = String::new();
    let mut at = 0;
    let fold = |t: &str| t.replace(['\n', '\r', '\t'], " ");
    for r in &h.highlights {
        out.push_str(&fold(&h.text[at..r.start]));
        out.push_str(&s.wrap("1;31", &h.text[r.clone()]));
        at = r.end;
    }
    out.push_str(&fold(&h.text[at..]));
    let collapsed: Vec<&str> = out.split(' ').filter(|w| !w.is_empty()).collect();
    collapsed.join(" ")
}

pub fn results_json(r: &Results) -> Value {
    let hits: Vec<Value> = r
        .hits
        .iter()
        .map(|h| {
            json!({
                "rank": h.rank,
                "score": h.score,
                "path": display_path(&h.path),
                "line": h.line,
                "title": h.title.text,
                "authors": h.authors,
                "date": h.date.map(|d| d.format("%Y-%m-%d").to_string()),
                "snippet": h.snippet.to_html(),
                "fragments": h.snippet.fragments_html(),
                "title_html": h.title.to_html(),
                "copies": h.copies.iter().map(|c| display_path(c)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut obj = json!({
        "query": r.query,
        "total_hits": r.total_hits,
        "total_articles": r.articles,
        "hits": hits,
        "elapsed_ms": r.elapsed.as_millis() as u64,
        "suggestion": r.suggestion,
    });
    if let Some(f) = &r.facets {
        obj["facets"] = json!(f);
    }
    obj
}

/// How many problems the human summary lists before saying "and N more".
const PROBLEMS_SHOWN: usize = 10;

pub fn print_summary(out: &mut impl Write, s: &Summary) -> io::Result<()> {
    for p in s.problems.iter().take(PROBLEMS_SHOWN) {
        let kind = match p.kind {
            Severity::Skipped => "skipped",
            Severity::Warning => "warning",
        };
        let mut place = display_path(&p.path);
        if let Some(line) = p.line {
            place.push_str(&format!(":{line}"));
        }
        writeln!(out, "{kind}: {place}: {}", p.reason)?;
    }
    if s.problems.len() > PROBLEMS_SHOWN {
        writeln!(
            out,
            "… and {} more (dateline index --json lists them all)",
            s.problems.len() - PROBLEMS_SHOWN
        )?;
    }
    let secs = s.elapsed_ms as f64 / 1000.0;
    let mut line = format!(
        "indexed {} articles ({} files added, {} updated, {} removed, {} unchanged); {} skipped, {} warnings; {} articles in the index; {:.2} s",
        s.indexed, s.added, s.updated, s.removed, s.unchanged, s.skipped, s.warnings, s.articles, secs
    );
    if s.interrupted {
        line.push_str(" (interrupted: what was committed is kept; run again to finish)");
    }
    writeln!(out, "{line}")
}
