//! Timelines drawn for people: `dateline timeline`'s bar chart and `search --timeline`'s
//! one-line sparkline, from the counts `timeline.rs` makes.

use std::io::{self, Write};

use chrono::NaiveDate;

use crate::timeline::{Period, Timeline};

use super::terminal::{Paint, BARS, MAX_WIDTH, TITLE};

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

/// `4390` as `4,390`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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

/// Draws the timeline as labelled bars `width` characters wide at most: `label count bar`,
/// bars of `█` with `▏`…`▉` for the last eighths, then the totals. Narrower than a label and
/// a count leave room for, a bar is one cell at most (still showing which periods have any).
pub fn print_chart(out: &mut impl Write, t: &Timeline, width: usize, s: Paint) -> io::Result<()> {
    let what = if t.by == Period::Week {
        "by week (Monday to Sunday; labelled with the Monday)".to_string()
    } else {
        format!("by {}", t.by.name())
    };
    writeln!(
        out,
        "{}",
        s.paint(TITLE, &format!("Articles matching \"{}\", {what}", t.query))
    )?;
    let max = t.periods.iter().map(|p| p.1).max().unwrap_or(0);
    let label_w = t
        .periods
        .first()
        .map_or(0, |p| label(t.by, p.0).chars().count());
    let count_w = thousands(max).len();
    let bar_w = width
        .min(MAX_WIDTH)
        .saturating_sub(label_w + count_w + 3)
        .max(1);
    for &(start, count) in &t.periods {
        let label = label(t.by, start);
        let shown = thousands(count);
        let b = bar(count, max, bar_w);
        if b.is_empty() {
            writeln!(out, "{label} {shown:>count_w$}")?;
        } else {
            writeln!(out, "{label} {shown:>count_w$} {}", s.paint(BARS, &b))?;
        }
    }
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

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `1987-02 ▁▃█▆▂▁ 1987-10  (4,390 matches)`: one character per period, `▁`…`█` scaled to the
/// busiest, a space for none.
pub fn sparkline(t: &Timeline) -> String {
    let (Some(first), Some(last)) = (t.periods.first(), t.periods.last()) else {
        return format!("no dated matches  ({} matches)", thousands(t.total));
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
    let mut tail = format!("{} matches", thousands(t.total));
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
        assert_eq!(thousands(4390), "4,390");
        assert_eq!(thousands(215780), "215,780");
        assert_eq!(thousands(7), "7");
    }
}
