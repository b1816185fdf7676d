//! Printing results and summaries for people (with colour on a terminal) and for programs
//! (one JSON object). Text from strangers reaches a terminal only through [`terminal_safe`].

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use serde_json::{json, Value};

use crate::facets::Facets;
use crate::indexer::Summary;
use crate::problems::Severity;
use crate::search::Results;
use crate::snippet::Highlighted;

/// Whether to colour output: only on a terminal, and never when NO_COLOR is set.
/// `CLICOLOR_FORCE` (set and not `0`) forces colour on a pipe too, as many tools honour it;
/// NO_COLOR still wins.
pub fn use_color(stream_is_terminal: bool) -> bool {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    stream_is_terminal
        || std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Whether a terminal would act on `c` rather than show it: C0 controls (ESC, BEL, CR, ...),
/// DEL and C1 controls (U+0080-U+009F, which some terminals read as ESC sequences), and the
/// bidirectional marks, embeddings, overrides and isolates, which reorder what is seen.
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text from strangers (titles, snippets, authors, file names, queries, error messages) as it
/// may be put on a terminal: every character a terminal would act on is shown escaped, as
/// `\x1b` (or `\n`, `\t`, `\r`) up to U+00FF and `\u{202e}` beyond, so a crafted article
/// cannot move the cursor, retitle the window or disguise text. Everything else is kept.
/// Every human-output path goes through this; our own colour codes are added afterwards.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if acts_on_terminal(c) && u32::from(c) <= 0xFF => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if acts_on_terminal(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

pub fn stdout_color() -> bool {
    use_color(io::stdout().is_terminal())
}

struct Style {
    on: bool,
}

impl Style {
    /// `text`, made terminal-safe, in the colour `code` when colour is on.
    fn wrap(&self, code: &str, text: &str) -> String {
        let text = terminal_safe(text);
        if self.on && !code.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.into_owned()
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
            out.push_str(&self.wrap("1;31", &h.text[r.clone()]));
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
            meta.push(terminal_safe(&hit.authors.join(", ")).into_owned());
        }
        let mut place = terminal_safe(&display_path(&hit.path)).into_owned();
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
            .map(|c| format!("{} ({})", terminal_safe(&c.value), c.count))
            .collect();
        writeln!(out, "{}: {}", s.bold(name), items.join(", "))?;
    }
    writeln!(out)
}

/// Marks highlights while folding the snippet's line breaks into spaces.
fn flow_marked(s: &Style, h: &Highlighted) -> String {
    let mut out = String::new();
    let mut at = 0;
    let fold = |t: &str| terminal_safe(&t.replace(['\n', '\r', '\t'], " ")).into_owned();
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
                // No snippet (`--snippet-chars 0`, or nothing to show): no fragments.
                "fragments": if h.snippet.text.is_empty() {
                    Vec::new()
                } else {
                    h.snippet.fragments_html()
                },
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

/// True when `e` is a write to a pipe whose reader has gone (`| head`): a normal end, which
/// `main` turns into a quiet exit.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// How many problems the human summary lists before saying "and N more".
const PROBLEMS_SHOWN: usize = 10;

pub fn print_summary(out: &mut impl Write, s: &Summary) -> io::Result<()> {
    for p in s.problems.iter().take(PROBLEMS_SHOWN) {
        let kind = match p.kind {
            Severity::Skipped => "skipped",
            Severity::Warning => "warning",
        };
        let mut place = terminal_safe(&display_path(&p.path)).into_owned();
        if let Some(line) = p.line {
            place.push_str(&format!(":{line}"));
        }
        writeln!(out, "{kind}: {place}: {}", terminal_safe(&p.reason))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipes_are_told_apart() {
        let e = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&e));
        assert!(is_broken_pipe(&e.context("writing")));
        let e = anyhow::Error::from(io::Error::from(io::ErrorKind::NotFound));
        assert!(!is_broken_pipe(&e));
    }

    #[test]
    fn terminal_controls_are_shown_not_obeyed() {
        assert_eq!(terminal_safe("plain café"), "plain café");
        assert_eq!(terminal_safe("a\x1b]0;pwned\x07b"), "a\\x1b]0;pwned\\x07b");
        assert_eq!(terminal_safe("x\u{9b}31m"), "x\\x9b31m");
        assert_eq!(terminal_safe("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        assert_eq!(terminal_safe("l1\nl2\t\r\x7f"), "l1\\nl2\\t\\r\\x7f");
        assert_eq!(terminal_safe("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }
}
