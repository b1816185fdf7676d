//! What people read: result lists, facet counts and the index summary, as lines of text,
//! coloured through [`Paint`] (which also makes strangers' text terminal-safe).

use std::io::{self, Write};
use std::path::Path;

use crate::alerts::Alert;
use crate::facets::{FacetCount, Facets};
use crate::indexer::Summary;
use crate::problems::{Problem, Severity};
use crate::query;
use crate::search::{Hit, Results};
use crate::series::Labelled;
use crate::show::Shown;
use crate::snippet::Highlighted;

use super::count::{counted, thousands};
use super::terminal::{one_line, series_style, terminal_safe, Paint, MATCH, META, PLAIN, TITLE};

/// Shows `path` relative to the current folder when it lies below it, as users typed it.
pub fn display_path(path: &str) -> String {
    if let Ok(cwd) = std::env::current_dir() {
        if let Ok(rel) = Path::new(path).strip_prefix(&cwd) {
            return rel.to_string_lossy().into_owned();
        }
    }
    path.to_string()
}

/// Where an article was read from, as people read it and terminal-safe:
/// `path`, `path:LINE` (JSON Lines), `path!member` (inside an archive), `... record N`.
pub fn location(
    path: &str,
    member: Option<&str>,
    line: Option<u64>,
    record: Option<u64>,
) -> String {
    let mut out = terminal_safe(&display_path(path)).into_owned();
    if let Some(member) = member {
        out.push('!');
        out.push_str(&terminal_safe(member));
    }
    if let Some(line) = line {
        out.push_str(&format!(":{line}"));
    }
    if let Some(record) = record {
        out.push_str(&format!(" record {record}"));
    }
    out
}

pub fn print_results(out: &mut impl Write, r: &Results, s: Paint) -> io::Result<()> {
    let mut divided = false;
    if let (true, Some(suggestion)) = (r.showing_suggestion, &r.suggestion) {
        let line = format!(
            "No results for {}; showing results for {}.",
            terminal_safe(&r.query),
            terminal_safe(suggestion)
        );
        writeln!(out, "{}", s.paint(META, &line))?;
        writeln!(out)?;
    }
    for hit in &r.hits {
        if hit.partial && !divided {
            divided = true;
            let line = if r.total_hits == 0 {
                "no article has all the words; showing articles with some of them".to_string()
            } else {
                format!(
                    "── {} more have only some of the words ──",
                    thousands(r.partial_hits as u64)
                )
            };
            writeln!(out, "{}", s.paint(META, &line))?;
            writeln!(out)?;
        }
        print_hit(out, hit, s)?;
    }
    if let Some(facets) = &r.facets {
        print_facets(out, facets, s)?;
    }
    if let Some(suggestion) = r.suggestion.as_ref().filter(|_| !r.showing_suggestion) {
        writeln!(out, "Did you mean: {}?", s.paint(TITLE, suggestion))?;
    }
    let noun = match (r.total_hits == 1, r.articles > r.total_hits) {
        // One word for one thing, as the page and the README say it.
        (true, false) => "article".to_string(),
        (false, false) => "articles".to_string(),
        // Copies are folded: the count and the pages are stories.
        (one, true) => format!(
            "{} ({} articles with copies)",
            if one { "story" } else { "stories" },
            thousands(r.articles as u64)
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
    let about = if r.total_is_estimate { "about " } else { "" };
    if r.counting == query::Counting::AllWords {
        // Say what the count counts: the articles with every word, not those listed after.
        let what = match (r.total_hits == 1, r.articles > r.total_hits) {
            (true, false) => "article has".to_string(),
            (false, false) => "articles have".to_string(),
            (one, true) => format!(
                "{} ({} articles with copies) {}",
                if one { "story" } else { "stories" },
                thousands(r.articles as u64),
                if one { "has" } else { "have" },
            ),
        };
        let more = if r.partial_hits > 0 {
            format!(
                ", {about}{} more have some of them",
                thousands(r.partial_hits as u64)
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{about}{} {what} all the words{more}{range} in {} ms",
            thousands(r.total_hits as u64),
            r.elapsed.as_millis()
        )?;
    } else {
        writeln!(
            out,
            "{about}{} {noun}{range} in {} ms",
            thousands(r.total_hits as u64),
            r.elapsed.as_millis()
        )?;
    }
    print_undated_left_out(out, r.undated_left_out)
}

/// One hit as a search lists it: rank and title, a line of what and where, the snippet, and
/// a blank line.
pub fn print_hit(out: &mut impl Write, hit: &Hit, s: Paint) -> io::Result<()> {
    let mut title = hit.title.clone();
    if title.text.trim().is_empty() {
        title.text = "(untitled)".into();
    }
    writeln!(out, "{:>3}. {}", hit.rank, s.marked(&title, TITLE))?;
    let mut meta = vec![hit
        .date
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "no date".into())];
    if !hit.authors.is_empty() {
        meta.push(terminal_safe(&hit.authors.join(", ")).into_owned());
    }
    meta.extend(outlet(hit.source.as_deref(), hit.collection.as_deref()));
    meta.push(location(
        &hit.path,
        hit.member.as_deref(),
        hit.line,
        hit.record,
    ));
    if !hit.id.is_empty() {
        // Ids are base62 we made, but an index is a folder anyone could have written.
        meta.push(format!("id {}", terminal_safe(&hit.id)));
    }
    match hit.copies.len() {
        0 => {}
        1 => meta.push("+1 copy".into()),
        n => meta.push(format!("+{n} copies")),
    }
    if !hit.versions.is_empty() {
        meta.push(format!(
            "+{}",
            counted(hit.versions.len() as u64, "other version", "other versions")
        ));
    }
    if hit.partial && !hit.missing.is_empty() {
        meta.push(format!(
            "missing: {}",
            terminal_safe(&hit.missing.join(", "))
        ));
    }
    writeln!(out, "     {}", s.paint(META, &meta.join(" · ")))?;
    let snippet = Highlighted {
        text: one_line(&hit.snippet.text),
        ..Highlighted::default()
    };
    // Highlights index into the original text, so re-flow around them piecewise.
    let shown = if hit.snippet.highlights.is_empty() {
        s.marked(&snippet, PLAIN)
    } else {
        flow_marked(s, &hit.snippet)
    };
    if !shown.trim().is_empty() {
        writeln!(out, "     {shown}")?;
    }
    if !hit.versions.is_empty() {
        // Each by its id, for `dateline show ID`.
        let listed: Vec<String> = hit
            .versions
            .iter()
            .map(|v| {
                let date = v
                    .date
                    .map_or("no date".into(), |d| d.format("%Y-%m-%d").to_string());
                format!("{date} id {}", terminal_safe(&v.id))
            })
            .collect();
        let line = format!("other versions: {}", listed.join(" · "));
        writeln!(out, "     {}", s.paint(META, &line))?;
    }
    writeln!(out)
}

/// An alert's search as one line: its query and the flags of its filters, each quoted
/// when it holds a space (`"cocoa prices" --author 'Mary Jones'`).
pub fn alert_search(a: &Alert) -> String {
    let quoted = |v: &str| {
        if v.is_empty() || v.contains(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
            format!("{v:?}")
        } else {
            v.to_string()
        }
    };
    let mut words = vec![quoted(&a.query)];
    for (flag, value) in a.filters.flags() {
        words.push(flag.to_string());
        if !value.is_empty() {
            words.push(quoted(&value));
        }
    }
    terminal_safe(&one_line(&words.join(" "))).into_owned()
}

/// `dateline alert list`: each alert's name and search, then when it was added and last
/// checked and how many articles it has reported.
pub fn print_alerts(out: &mut impl Write, alerts: &[Alert], s: Paint) -> io::Result<()> {
    if alerts.is_empty() {
        return writeln!(
            out,
            "no alerts: add one with `dateline alert add NAME QUERY`"
        );
    }
    for a in alerts {
        writeln!(out, "{}  {}", s.paint(TITLE, &a.name), alert_search(a))?;
        let last = a.last_check.as_deref().unwrap_or("never");
        let line = format!(
            "added {} · last check {} · {} reported",
            terminal_safe(&a.added),
            terminal_safe(last),
            thousands(a.reported)
        );
        writeln!(out, "    {}", s.paint(META, &line))?;
    }
    Ok(())
}

/// The line over an alert's new matches in `dateline alert check`.
pub fn print_alert_heading(
    out: &mut impl Write,
    a: &Alert,
    new: usize,
    s: Paint,
) -> io::Result<()> {
    let what = match new {
        0 => "nothing new".to_string(),
        1 => "1 new article".to_string(),
        n => format!("{} new articles", thousands(n as u64)),
    };
    let line = format!("alert {}: {what} · {}", a.name, alert_search(a));
    writeln!(out, "{}", s.paint(TITLE, &line))?;
    if new > 0 {
        writeln!(out)?;
    }
    Ok(())
}

/// The line that says how many matches a date filter left out for having no date (none
/// when it left out none): `2,225 matching articles have no date and are left out by the date
/// filter`.
pub fn print_undated_left_out(out: &mut impl Write, n: u64) -> io::Result<()> {
    match n {
        0 => Ok(()),
        1 => writeln!(
            out,
            "1 matching article has no date and is left out by the date filter (--undated lists it)"
        ),
        n => writeln!(
            out,
            "{} matching articles have no date and are left out by the date filter (--undated lists them)",
            thousands(n)
        ),
    }
}

/// One article whole (`dateline show`): the title, a line of date and authors, the place,
/// source and url when known, where it was read from and its id, a blank line, then the
/// body, a paragraph per line with a blank line between, the `--highlight` words marked.
pub fn print_article(out: &mut impl Write, a: &Shown, s: Paint) -> io::Result<()> {
    let mut title = a.title.clone();
    if title.text.trim().is_empty() {
        title.text = "(untitled)".into();
    }
    writeln!(out, "{}", s.marked(&title, TITLE))?;
    let mut meta = vec![a
        .date
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "no date".into())];
    if !a.authors.is_empty() {
        meta.push(a.authors.join(", "));
    }
    writeln!(out, "{}", s.paint(META, &meta.join(" · ")))?;
    let mut names = Vec::new();
    if let Some(place) = &a.place {
        names.push(format!("place: {place}"));
    }
    names.extend(outlet(a.source.as_deref(), a.collection.as_deref()));
    if !names.is_empty() {
        writeln!(out, "{}", s.paint(META, &names.join(" · ")))?;
    }
    if let Some(url) = &a.url {
        writeln!(out, "{}", s.paint(META, &format!("url: {url}")))?;
    }
    // Painting text already made terminal-safe leaves it as it is.
    let from = location(&a.path, a.member.as_deref(), a.line, a.record);
    writeln!(
        out,
        "{}",
        s.paint(META, &format!("from: {from} · id {}", a.id))
    )?;
    writeln!(out)?;
    // A paragraph per line; a match never runs across a line's end when shown.
    let text = &a.body.text;
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        let highlights = a
            .body
            .highlights
            .iter()
            .filter(|r| r.start < end && r.end > start)
            .map(|r| r.start.max(start) - start..r.end.min(end) - start)
            .collect();
        let piece = Highlighted {
            text: line.to_string(),
            highlights,
            fragments: Vec::new(),
        };
        writeln!(out, "{}", s.marked(&piece, PLAIN))?;
        start = end + 1;
    }
    Ok(())
}

/// Where an article comes from, as its hit and `show` name it, terminal-safe:
/// `source: Reuters`, `collection: bbc`, each when known.
fn outlet(source: Option<&str>, collection: Option<&str>) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(source) = source {
        names.push(format!("source: {}", terminal_safe(source)));
    }
    if let Some(collection) = collection {
        names.push(format!("collection: {}", terminal_safe(collection)));
    }
    names
}

/// Facet counts as four short lists.
pub fn print_facets(out: &mut impl Write, f: &Facets, s: Paint) -> io::Result<()> {
    for (name, list) in [
        ("Authors", &f.authors),
        ("Sources", &f.sources),
        ("Places", &f.places),
        ("Collections", &f.collections),
    ] {
        if list.is_empty() {
            writeln!(out, "{}: none", s.paint(TITLE, name))?;
            continue;
        }
        let items: Vec<String> = list
            .iter()
            .map(|c| format!("{} ({})", terminal_safe(&c.value), c.count))
            .collect();
        writeln!(out, "{}: {}", s.paint(TITLE, name), items.join(", "))?;
    }
    writeln!(out)
}

/// Several queries' facets side by side: each query's count in its colour, then under each
/// facet one row per query, labels aligned, so the same facet reads down the queries.
pub fn print_facets_compared(
    out: &mut impl Write,
    queries: &[Labelled],
    answers: &[(Results, Facets)],
    s: Paint,
) -> io::Result<()> {
    let labels: Vec<String> = queries
        .iter()
        .map(|q| terminal_safe(&one_line(&q.label)).into_owned())
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let padded = |k: usize| {
        let l = &labels[k];
        let pad = " ".repeat(width.saturating_sub(l.chars().count()));
        format!("{}{pad}", s.paint(series_style(k), l))
    };
    for (k, (results, _)) in answers.iter().enumerate() {
        let n = results.total_hits;
        let noun = if n == 1 { "article" } else { "articles" };
        writeln!(
            out,
            "{}  {} matching {noun}",
            padded(k),
            thousands(n as u64)
        )?;
    }
    writeln!(out)?;
    for (name, list) in [
        (
            "Authors",
            (|f: &Facets| &f.authors) as fn(&Facets) -> &Vec<FacetCount>,
        ),
        ("Sources", |f: &Facets| &f.sources),
        ("Places", |f: &Facets| &f.places),
    ] {
        writeln!(out, "{}", s.paint(TITLE, name))?;
        for (k, (_, facets)) in answers.iter().enumerate() {
            let values = list(facets);
            let items = if values.is_empty() {
                "none".to_string()
            } else {
                values
                    .iter()
                    .map(|c| format!("{} ({})", terminal_safe(&c.value), c.count))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(out, "  {}  {items}", padded(k))?;
        }
    }
    writeln!(out)
}

/// Marks highlights while folding the snippet's line breaks into spaces.
fn flow_marked(s: Paint, h: &Highlighted) -> String {
    let mut out = String::new();
    let mut at = 0;
    let fold = |t: &str| terminal_safe(&t.replace(['\n', '\r', '\t'], " ")).into_owned();
    for r in &h.highlights {
        out.push_str(&fold(&h.text[at..r.start]));
        out.push_str(&s.paint(MATCH, &h.text[r.clone()]));
        at = r.end;
    }
    out.push_str(&fold(&h.text[at..]));
    let collapsed: Vec<&str> = out.split(' ').filter(|w| !w.is_empty()).collect();
    collapsed.join(" ")
}

/// How many problems the human summary lists before saying "and N more".
const PROBLEMS_SHOWN: usize = 10;

/// One problem as `dateline index` lists it, terminal-safe: `skipped: PATH: reason`, the
/// place named as `dateline show` takes it (PATH[!MEMBER][:LINE or RECORD]).
pub fn problem_line(p: &Problem) -> String {
    let kind = match p.kind {
        Severity::Skipped => "skipped",
        Severity::Warning => "warning",
    };
    let mut place = terminal_safe(&display_path(&p.path)).into_owned();
    if let Some(member) = &p.member {
        place.push('!');
        place.push_str(&terminal_safe(member));
    }
    if let Some(n) = p.line.or(p.record) {
        place.push_str(&format!(":{n}"));
    }
    format!("{kind}: {place}: {}", terminal_safe(&p.reason))
}

/// The run's summary line on `out`, after its problems on `err`: problems go with warnings
/// and errors on standard error, as other command-line tools keep them, so the summary can
/// be read or piped on its own.
pub fn print_summary(out: &mut impl Write, err: &mut impl Write, s: &Summary) -> io::Result<()> {
    for p in s.problems.iter().take(PROBLEMS_SHOWN) {
        writeln!(err, "{}", problem_line(p))?;
    }
    if s.problems.len() > PROBLEMS_SHOWN {
        writeln!(
            err,
            "… and {} more (dateline index --json lists them all)",
            thousands((s.problems.len() - PROBLEMS_SHOWN) as u64)
        )?;
    }
    let secs = s.elapsed_ms as f64 / 1000.0;
    let mut line = format!(
        "indexed {} ({} added, {} updated, {} removed, {} unchanged); {} skipped, {}; {} in the index; {:.2} s",
        counted(s.indexed, "article", "articles"),
        counted(s.added, "file", "files"),
        thousands(s.updated),
        thousands(s.removed),
        thousands(s.unchanged),
        thousands(s.skipped),
        counted(s.warnings, "warning", "warnings"),
        counted(s.articles, "article", "articles"),
        secs
    );
    if s.passed_over > 0 {
        // Not articles and not problems (a crawl's requests and redirects): said once.
        let at = line.find("; ").unwrap_or(line.len());
        line.insert_str(
            at,
            &format!(
                "; {} passed over (not articles)",
                counted(s.passed_over, "record", "records")
            ),
        );
    }
    if s.interrupted {
        line.push_str(" (interrupted: what was committed is kept; run again to finish)");
    }
    writeln!(out, "{line}")
}
