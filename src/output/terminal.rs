//! The terminal: how wide it is, whether it gets colour, and how text from strangers is made
//! safe to show on it. Every coloured or sanitised piece of human output is made here.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Color, Style};

use crate::snippet::Highlighted;

/// Titles.
pub const TITLE: Style = Style::new().bold();
/// Dates, authors and paths under a title.
pub const META: Style = Style::new().dimmed();
/// Words that matched the query.
pub const MATCH: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Red)));
/// Chart bars and sparklines.
pub const BARS: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Cyan)));
/// No colour.
pub const PLAIN: Style = Style::new();
/// Series drawn side by side (several queries, or one split by a facet), in order; the
/// first is [`BARS`], so one series looks as a lone chart does.
pub const SERIES: [Style; 6] = [
    BARS,
    Style::new().fg_color(Some(Color::Ansi(AnsiColor::Magenta))),
    Style::new().fg_color(Some(Color::Ansi(AnsiColor::Yellow))),
    Style::new().fg_color(Some(Color::Ansi(AnsiColor::Green))),
    Style::new().fg_color(Some(Color::Ansi(AnsiColor::Blue))),
    Style::new().fg_color(Some(Color::Ansi(AnsiColor::BrightRed))),
];

/// The colour of the `i`th series; past the palette they repeat, and the labels tell them
/// apart.
pub fn series_style(i: usize) -> Style {
    SERIES[i % SERIES.len()]
}

/// Whether standard output gets colour, as anstream decides for every tool built on it:
/// never with `NO_COLOR` set or `CLICOLOR=0`; always with `CLICOLOR_FORCE` (a pipe too,
/// though `NO_COLOR` still wins); otherwise on a terminal that is not `TERM=dumb`.
pub fn stdout_color() -> bool {
    AutoStream::choice(&io::stdout()) != ColorChoice::Never
}

/// Styles text for a terminal, or leaves it plain when colour is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    pub color: bool,
}

impl Paint {
    pub fn new(color: bool) -> Paint {
        Paint { color }
    }

    /// For standard output, coloured when [`stdout_color`] says so.
    pub fn stdout() -> Paint {
        Paint::new(stdout_color())
    }

    /// `text`, made [`terminal_safe`], in `style` when colour is on.
    pub fn paint(self, style: Style, text: &str) -> String {
        let text = terminal_safe(text);
        if self.color && style != PLAIN {
            format!("{}{text}{}", sgr(style), anstyle::Reset)
        } else {
            text.into_owned()
        }
    }

    /// Highlighted text in `base`, its matches in [`MATCH`].
    pub fn marked(self, h: &Highlighted, base: Style) -> String {
        let mut out = String::with_capacity(h.text.len() + 32);
        let mut at = 0;
        for r in &h.highlights {
            out.push_str(&self.paint(base, &h.text[at..r.start]));
            out.push_str(&self.paint(MATCH, &h.text[r.clone()]));
            at = r.end;
        }
        out.push_str(&self.paint(base, &h.text[at..]));
        out
    }
}

/// The escape sequence that turns `style` on. anstyle writes one sequence per attribute
/// (`ESC[1m` `ESC[31m`); they are joined into one (`ESC[1;31m`), which terminals read the
/// same, so coloured output stays as dateline has always written it.
fn sgr(style: Style) -> String {
    style.render().to_string().replace("m\x1b[", ";")
}

/// The widest drawing: wider than any terminal, and it keeps a stray `COLUMNS=100000` from
/// printing bars of a hundred thousand cells.
pub const MAX_WIDTH: usize = 1000;

/// The width to draw in: `COLUMNS` when set to a positive number (as `ls` does), else the
/// terminal's, else 80; at most [`MAX_WIDTH`].
pub fn terminal_width() -> usize {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| {
        let c = c.trim();
        // All digits but too large for a usize is just very wide.
        (!c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
            .then(|| c.parse::<usize>().unwrap_or(usize::MAX))
            .filter(|n| *n > 0)
    });
    let width = columns.unwrap_or_else(|| {
        terminal_size::terminal_size_of(io::stdout())
            .map(|(w, _)| usize::from(w.0))
            .filter(|w| *w > 0)
            .unwrap_or(80)
    });
    width.min(MAX_WIDTH)
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

/// `text` on one line: every run of whitespace (line breaks included) as one space, none at
/// either end. For snippets and error messages, which are shown as one line.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_shown_not_obeyed() {
        assert_eq!(terminal_safe("plain café"), "plain café");
        assert_eq!(terminal_safe("a\x1b]0;pwned\x07b"), "a\\x1b]0;pwned\\x07b");
        assert_eq!(terminal_safe("x\u{9b}31m"), "x\\x9b31m");
        assert_eq!(terminal_safe("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        assert_eq!(terminal_safe("l1\nl2\t\r\x7f"), "l1\\nl2\\t\\r\\x7f");
        assert_eq!(terminal_safe("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }

    #[test]
    fn styles_are_one_escape_each_and_plain_without_colour() {
        let on = Paint::new(true);
        assert_eq!(on.paint(MATCH, "oil"), "\x1b[1;31moil\x1b[0m");
        assert_eq!(on.paint(TITLE, "t"), "\x1b[1mt\x1b[0m");
        assert_eq!(on.paint(META, "m"), "\x1b[2mm\x1b[0m");
        assert_eq!(on.paint(BARS, "█"), "\x1b[36m█\x1b[0m");
        assert_eq!(on.paint(PLAIN, "p\x1b"), "p\\x1b");
        assert_eq!(Paint::new(false).paint(MATCH, "oil\x07"), "oil\\x07");
    }
}
