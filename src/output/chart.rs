//! Timelines drawn for people: `dateline timeline`'s bar chart and `search --timeline`'s
//! one-line sparkline, from the counts `timeline.rs` makes.

use std::io::{self, Write};

use chrono::NaiveDate;

use anstyle::Style;

use crate::series::Compared;
use crate::timeline::{Period, Scale, Timeline};

use super::terminal::{one_line, series_style, terminal_safe, Paint, BARS, MAX_WIDTH, TITLE};

/// How a period is labelled for people: `1987-03-02` (a day, or the Monday of a week),
/// `1987-03`, `1987`.
pub fn label(by: Period, start: NaiveDate) -> String {
    match by {
        Period::Day | Period::Week => start.format("%Y-%m-%d").to_string(),
        Period::Month => start.format("%Y-%m").to_string(),
        Period::Year => start.format("%Y").to_string(),
    }
}

fn plural(by: Period) -> &'static str {
    match by {
        Period::Day => "days",
        Period::Week => "weeks",
        Period::Month => "months",
        Period::Year => "years",
    }
}

use super::count::counted;
pub use super::count::thousands;

const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// A bar of `count / max` of `width` cells, in eighths of a cell; any count above zero shows.
fn bar(count: u64, max: u64, width: usize) -> String {
    if count == 0 || max == 0 {
        return String::new();
    }
    let eighths = ((count as f64 / max as f64) * width as f64 * 8.0).round() as usize;
    let eighths = eighths.max(1);
    let mut out = "█".repeat(eighths / 8);
    out.push_str(EIGHTHS[eighths % 8]);
    out
}

/// `0.021` as `2.1%`: one decimal, two below 0.1%, `<0.01%` below that, `0%` for none.
pub fn percent(share: f64) -> String {
    let pct = share * 100.0;
    if pct <= 0.0 {
        "0%".to_string()
    } else if pct < 0.01 {
        "<0.01%".to_string()
    } else if pct < 0.1 {
        format!("{pct:.2}%")
    } else {
        format!("{pct:.1}%")
    }
}

/// One series as the chart draws it: its label (None for a lone timeline, which needs
/// none), its colour and its counts.
struct Drawn<'a> {
    label: Option<String>,
    style: Style,
    t: &'a Timeline,
}

/// The longest series label drawn; longer ones end in `…`.
const LABEL_CHARS: usize = 24;

/// A label as a row shows it: safe for the terminal, on one line, cut to [`LABEL_CHARS`].
fn row_label(text: &str) -> String {
    let safe = terminal_safe(&one_line(text)).into_owned();
    if safe.chars().count() <= LABEL_CHARS {
        return safe;
    }
    let mut cut: String = safe.chars().take(LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// `text` padded with spaces to `width` characters.
fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(n)))
}

/// What the title says the bars are.
fn period_words(by: Period) -> String {
    if by == Period::Week {
        "by week (Monday to Sunday; labelled with the Monday)".to_string()
    } else {
        format!("by {}", by.name())
    }
}

fn scale_words(by: Period, scale: Scale) -> String {
    match scale {
        Scale::Share => format!(
            ": share of all articles in each {} (matching articles of all beside it)",
            by.name()
        ),
        Scale::Count => String::new(),
    }
}

/// Draws each period's row for every series, `width` characters wide at most. By count:
/// `period [label] count bar`. By share: `period [label] bar share (count of all)`, the
/// bars scaled to the highest share. Bars are `█` with `▏`…`▉` for the last eighths, on one
/// scale for every series, so that they compare; narrower than the numbers leave room for,
/// a bar is one cell at most (still showing which periods have any).
fn draw_rows(
    out: &mut impl Write,
    by: Period,
    series: &[Drawn<'_>],
    width: usize,
    s: Paint,
    scale: Scale,
) -> io::Result<()> {
    let Some(first) = series.first() else {
        return Ok(());
    };
    let starts: Vec<NaiveDate> = first.t.periods.iter().map(|p| p.0).collect();
    let period_w = starts.first().map_or(0, |d| label(by, *d).chars().count());
    let label_w = series
        .iter()
        .filter_map(|d| d.label.as_ref())
        .map(|l| l.chars().count())
        .max();
    // Columns are one space apart by count (as a lone chart always was), two by share.
    let gap = match scale {
        Scale::Count => " ",
        Scale::Share => "  ",
    };
    let label_room = label_w.map_or(0, |w| w + gap.len());
    let width = width.min(MAX_WIDTH);
    let counts = || series.iter().flat_map(|d| d.t.periods.iter().map(|p| p.1));
    let max = counts().max().unwrap_or(0);
    let count_w = thousands(max).len();
    // By share: the shares as shown, the notes beside them, and the bars' scale.
    let mut pct_w = 0;
    let mut note_w = 0;
    let mut max_share = 0.0f64;
    for d in series {
        for i in 0..d.t.periods.len() {
            pct_w = pct_w.max(percent(d.t.share(i)).len());
            note_w = note_w.max(note(d.t, i).chars().count());
            max_share = max_share.max(d.t.share(i));
        }
    }
    let fixed = match scale {
        Scale::Count => period_w + 1 + label_room + count_w + 1,
        Scale::Share => period_w + 2 + label_room + 2 + pct_w + 2 + note_w,
    };
    // A column of margin, as a lone chart has always kept.
    let bar_w = width.saturating_sub(fixed + 1).max(1);
    let blank = " ".repeat(period_w);
    for (i, start) in starts.iter().enumerate() {
        for (k, d) in series.iter().enumerate() {
            let period = if k == 0 {
                label(by, *start)
            } else {
                blank.clone()
            };
            let named = match (&d.label, label_w) {
                (Some(l), Some(w)) => format!("{}{gap}", s.paint(d.style, &pad(l, w))),
                _ => String::new(),
            };
            let count = d.t.periods.get(i).map_or(0, |p| p.1);
            match scale {
                Scale::Count => {
                    let shown = thousands(count);
                    let b = bar(count, max, bar_w);
                    if b.is_empty() {
                        writeln!(out, "{period} {named}{shown:>count_w$}")?;
                    } else {
                        let b = s.paint(d.style, &b);
                        writeln!(out, "{period} {named}{shown:>count_w$} {b}")?;
                    }
                }
                Scale::Share => {
                    let share = d.t.share(i);
                    let b = share_bar(share, max_share, bar_w);
                    let gap = " ".repeat(bar_w.saturating_sub(b.chars().count()));
                    let b = s.paint(d.style, &b);
                    // A period the archive has no article in has no share to give: "0%"
                    // would read as "none of that month's articles", which is not so.
                    let pct = if d.t.all_in(i) == 0 {
                        "–".to_string()
                    } else {
                        percent(share)
                    };
                    let line =
                        format!("{period}  {named}{b}{gap}  {pct:>pct_w$}  {}", note(d.t, i));
                    writeln!(out, "{}", line.trim_end())?;
                }
            }
        }
    }
    Ok(())
}

/// `(53 of 2,480)`: a period's matching articles and every article in it.
fn note(t: &Timeline, i: usize) -> String {
    let count = t.periods.get(i).map_or(0, |p| p.1);
    if t.all_in(i) == 0 {
        return "(no articles)".to_string();
    }
    format!("({} of {})", thousands(count), thousands(t.all_in(i)))
}

/// A bar of `share / max` of `width` cells; any share above zero shows.
fn share_bar(share: f64, max: f64, width: usize) -> String {
    // Shares as parts in a billion: whole numbers for `bar`, finer than any cell.
    let scaled = |x: f64| (x * 1e9).round() as u64;
    bar(scaled(share), scaled(max), width)
}

/// Draws the timeline as labelled bars `width` characters wide at most, by share (the
/// default; the count beside it) or by count, then the totals.
pub fn print_chart(
    out: &mut impl Write,
    t: &Timeline,
    width: usize,
    s: Paint,
    scale: Scale,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        s.paint(
            TITLE,
            &format!(
                "Articles matching \"{}\", {}{}",
                t.query,
                period_words(t.by),
                scale_words(t.by, scale)
            )
        )
    )?;
    let lone = Drawn {
        label: None,
        style: series_style(0),
        t,
    };
    draw_rows(out, t.by, &[lone], width, s, scale)?;
    let max = t.periods.iter().map(|p| p.1).max().unwrap_or(0);
    let dated = t.total - t.undated;
    match t.covered() {
        Some((first, last)) => {
            let noun = if t.periods.len() == 1 {
                t.by.name()
            } else {
                plural(t.by)
            };
            let peak = t
                .periods
                .iter()
                .filter(|p| p.1 == max && max > 0)
                .map(|p| label(t.by, p.0))
                .next();
            let mut line = format!(
                "{} dated {} in {} {noun}, {first} to {last}",
                thousands(dated),
                if dated == 1 { "article" } else { "articles" },
                t.periods.len(),
            );
            if let Some(peak) = peak {
                line.push_str(&format!("; most in {peak} ({})", thousands(max)));
            }
            if let (Scale::Share, Some((peak, share))) = (scale, highest_share(t)) {
                line.push_str(&format!("; highest share in {peak} ({})", percent(share)));
            }
            writeln!(out, "{}", s.paint(TITLE, &line))?;
        }
        None => writeln!(out, "no dated articles match")?,
    }
    super::human::print_undated_left_out(out, t.undated_left_out)?;
    if t.undated > 0 {
        writeln!(
            out,
            "{} matching {} no date",
            thousands(t.undated),
            if t.undated == 1 {
                "article has"
            } else {
                "articles have"
            }
        )?;
    }
    Ok(())
}

/// The period with the highest share above zero (the first of equals), and the share.
fn highest_share(t: &Timeline) -> Option<(String, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for i in 0..t.periods.len() {
        let share = t.share(i);
        if share > 0.0 && best.is_none_or(|(_, b)| share > b) {
            best = Some((i, share));
        }
    }
    best.map(|(i, share)| (label(t.by, t.periods[i].0), share))
}

/// Draws several series on the same periods: a legend (each series' colour, label and
/// totals), then per period one row per series, each in its colour, on one scale.
pub fn print_compared(
    out: &mut impl Write,
    c: &Compared,
    width: usize,
    s: Paint,
    scale: Scale,
) -> io::Result<()> {
    let what = match (c.split, c.series.first()) {
        (Some(split), Some(first)) => {
            format!("Articles matching \"{}\" by {split}", first.timeline.query)
        }
        (Some(split), None) => format!("Articles by {split}"),
        (None, _) => "Articles matching each query".to_string(),
    };
    writeln!(
        out,
        "{}",
        s.paint(
            TITLE,
            &format!("{what}, {}{}", period_words(c.by), scale_words(c.by, scale))
        )
    )?;
    if c.series.is_empty() {
        writeln!(out, "no articles match")?;
        return Ok(());
    }
    let drawn: Vec<Drawn<'_>> = c
        .series
        .iter()
        .enumerate()
        .map(|(k, series)| Drawn {
            label: Some(row_label(&series.label)),
            style: series_style(k),
            t: &series.timeline,
        })
        .collect();
    for d in &drawn {
        let t = d.t;
        let dated = t.total - t.undated;
        let mut line = format!(
            "{} dated {}",
            thousands(dated),
            if dated == 1 { "article" } else { "articles" }
        );
        if t.undated > 0 {
            line.push_str(&format!(", {} undated", thousands(t.undated)));
        }
        if let Some((peak, share)) = highest_share(t) {
            line.push_str(&format!("; highest share in {peak} ({})", percent(share)));
        }
        let name = d.label.as_deref().unwrap_or_default();
        writeln!(
            out,
            "{} {}: {line}",
            s.paint(d.style, "██"),
            s.paint(d.style, name)
        )?;
    }
    draw_rows(out, c.by, &drawn, width, s, scale)?;
    let covered = c.series.first().and_then(|f| f.timeline.covered());
    match covered {
        Some((first, last)) => {
            let n = c.series.first().map_or(0, |f| f.timeline.periods.len());
            let noun = if n == 1 { c.by.name() } else { plural(c.by) };
            writeln!(
                out,
                "{}",
                s.paint(TITLE, &format!("{n} {noun}, {first} to {last}"))
            )?;
        }
        None => writeln!(out, "no dated articles match")?,
    }
    Ok(())
}

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `1987-02 ▁▃█▆▂▁ 1987-10  (4,390 articles)`: one character per period, `▁`…`█` scaled to the
/// busiest, a space for none.
pub fn sparkline(t: &Timeline) -> String {
    let (Some(first), Some(last)) = (t.periods.first(), t.periods.last()) else {
        return format!(
            "no dated articles  ({})",
            counted(t.total, "article", "articles")
        );
    };
    let max = t.periods.iter().map(|p| p.1).max().unwrap_or(0);
    let spark: String = t
        .periods
        .iter()
        .map(|&(_, n)| {
            if n == 0 || max == 0 {
                ' '
            } else {
                let level = ((n as f64 / max as f64) * 8.0).ceil() as usize;
                SPARKS[level.clamp(1, 8) - 1]
            }
        })
        .collect();
    let mut tail = counted(t.total, "article", "articles");
    if t.undated > 0 {
        tail.push_str(&format!(", {} undated", thousands(t.undated)));
    }
    tail.push_str(&format!(", by {}", t.by.name()));
    format!(
        "{} {spark} {}  ({tail})",
        label(t.by, first.0),
        label(t.by, last.0)
    )
}

/// How many periods a sparkline can show in `width` columns.
pub fn spark_room(width: usize) -> usize {
    // Two date labels, spaces and the count take about 50 columns.
    width.saturating_sub(50).max(12)
}

/// Prints the sparkline and a blank line above search results, when there is a timeline.
pub fn print_sparkline(out: &mut impl Write, t: Option<&Timeline>, s: Paint) -> io::Result<()> {
    let Some(t) = t else { return Ok(()) };
    writeln!(out, "{}", s.paint(BARS, &sparkline(t)))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_numbers() {
        assert_eq!(bar(0, 10, 10), "");
        assert_eq!(bar(10, 10, 10), "█".repeat(10));
        assert_eq!(bar(1, 1000, 10), "▏");
        assert_eq!(bar(5, 10, 3), "█▌");
        assert_eq!(thousands(4390u64), "4,390");
        assert_eq!(thousands(215780u64), "215,780");
        assert_eq!(thousands(7u64), "7");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.021), "2.1%");
        assert_eq!(percent(0.0004), "0.04%");
        assert_eq!(percent(0.00001), "<0.01%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(share_bar(0.5, 1.0, 4), "██");
    }
}
