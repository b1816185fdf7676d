//! `dateline terms` for people: a line on what was read and compared, then the frequent and
//! the distinctive terms side by side, with their counts.

use std::io::{self, Write};

use super::count::thousands;
use super::terminal::{terminal_safe, Paint, META, TITLE};
use crate::terms::Terms;

/// Widest term column; longer terms are cut with an ellipsis.
const TERM_WIDTH: usize = 24;

pub fn print_terms(out: &mut impl Write, t: &Terms, s: Paint) -> io::Result<()> {
    if t.matches == 0 {
        return writeln!(out, "no articles match");
    }
    let read = if t.sampled {
        format!("a random sample of {} read", thousands(t.sample))
    } else {
        "every one read".to_string()
    };
    writeln!(out, "{} matching articles, {read}", thousands(t.matches))?;
    let against = match &t.versus {
        Some(v) => format!(
            "the {} articles matching {} and not the query",
            thousands(t.background_articles),
            terminal_safe(v)
        ),
        None => format!(
            "the other {} articles of the archive",
            thousands(t.background_articles)
        ),
    };
    writeln!(
        out,
        "{}",
        s.paint(
            META,
            &format!("distinctive: log-likelihood (G²) against {against}")
        )
    )?;
    writeln!(out)?;
    let head = format!(
        "{:<w$} {:>8}   {:<w$} {:>8} {:>8} {:>10}",
        "FREQUENT",
        "ARTICLES",
        "DISTINCTIVE",
        "G²",
        "MATCHES",
        "BACKGROUND",
        w = TERM_WIDTH
    );
    writeln!(out, "{}", s.paint(TITLE, head.trim_end()))?;
    let rows = t.frequent.len().max(t.distinctive.len());
    for i in 0..rows {
        let left = match t.frequent.get(i) {
            Some(f) => format!("{} {:>8}", cell(&f.term), thousands(f.count)),
            None => " ".repeat(TERM_WIDTH + 9),
        };
        let right = match t.distinctive.get(i) {
            Some(d) => format!(
                "{} {:>8.1} {:>8} {:>10}",
                cell(&d.term),
                d.score,
                thousands(d.matches),
                thousands(d.background)
            ),
            None => String::new(),
        };
        writeln!(out, "{}", format!("{left}   {right}").trim_end())?;
    }
    Ok(())
}

/// `term` made safe and padded (or cut) to the column.
fn cell(term: &str) -> String {
    let safe = terminal_safe(term);
    let chars = safe.chars().count();
    if chars > TERM_WIDTH {
        let cut: String = safe.chars().take(TERM_WIDTH - 1).collect();
        format!("{cut}…")
    } else {
        format!("{safe}{}", " ".repeat(TERM_WIDTH - chars))
    }
}
