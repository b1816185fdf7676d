//! The plain-text export layout:
//!
//! ```text
//! Title line
//! By Author One, Author Two        <- header: byline and date, either order,
//! 17 March 2017                       up to three lines, ended by a blank line
//!
//! Body paragraphs, possibly hard-wrapped ...
//!
//! More Stories                     <- trailing boilerplate, dropped
//! ```

use super::byline::{is_credit_line, parse_byline};
use super::date::{looks_like_date, parse_date};
use super::{Article, ArticleDate, Problem, Severity};

/// Header lines looked at after the title before the body is assumed to have started.
const MAX_HEADER_LINES: usize = 3;

/// A line at least this long (in characters) is taken to be hard-wrapped when a non-blank
/// line follows it: wrapped text runs to ~60-80 columns, while short lines (headings,
/// list entries, addresses, table rows) are meant to stand alone.
const WRAP_MIN_CHARS: usize = 50;

/// A first line longer than this is a paragraph, not a title.
const MAX_TITLE_CHARS: usize = 300;

/// Fallback titles are cut to about this many characters, at a word boundary.
const FALLBACK_TITLE_CHARS: usize = 100;

/// Physical lines of `s`, ending at LF, CRLF or a lone CR; no line is produced after a
/// final line break. Scanning bytes for the two ASCII break characters is safe in UTF-8
/// and keeps one pass over the text.
pub(super) fn lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let b = rest.as_bytes();
        match b.iter().position(|&c| c == b'\n' || c == b'\r') {
            Some(i) => {
                let line = &rest[..i];
                let skip = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &rest[i + skip..];
                Some(line)
            }
            None => {
                let line = rest;
                rest = "";
                Some(line)
            }
        }
    })
}

/// Parses a text article. `text` must hold at least one non-blank line (the decoder has
/// already refused empty files).
pub(super) fn parse(text: &str) -> (Article, Vec<Problem>) {
    let mut problems = Vec::new();
    // Trimming with `str::trim` also removes no-break spaces, which web exports leave at
    // line ends.
    let mut lines = lines(text).map(str::trim).zip(1u64..);
    let title = lines
        .by_ref()
        .map(|(line, _)| line)
        .find(|line| !line.is_empty())
        .unwrap_or_default();

    if title.len() > MAX_TITLE_CHARS && title.chars().count() > MAX_TITLE_CHARS {
        let body = body(std::iter::once(title).chain(lines.map(|(line, _)| line)));
        problems.push(Problem {
            line: None,
            severity: Severity::Warning,
            reason: "first line is too long to be a title; title taken from the start of the text"
                .into(),
            ..Default::default()
        });
        let article = Article {
            title: title_from_body(&body),
            authors: Vec::new(),
            date: None,
            body,
            ..Default::default()
        };
        return (article, problems);
    }

    let mut authors = Vec::new();
    let mut date: Option<ArticleDate> = None;
    let mut first_body_line = None;
    for _ in 0..MAX_HEADER_LINES {
        let Some((line, number)) = lines.next() else {
            break;
        };
        if line.is_empty() {
            break;
        }
        match header_line(line) {
            Header::Byline(names) => authors.extend(names),
            // The first date is the publication date; an "Updated" line after it is not.
            Header::Date(d) => {
                date.get_or_insert(d);
            }
            Header::BylineAndDate(names, d) => {
                authors.extend(names);
                date.get_or_insert(d);
            }
            Header::Credit => {}
            Header::UnreadableDate => problems.push(Problem {
                line: Some(number),
                severity: Severity::Warning,
                reason: format!("could not read date: '{line}'"),
                ..Default::default()
            }),
            Header::BodyStarts => {
                first_body_line = Some(line);
                break;
            }
        }
    }
    let body = body(
        first_body_line
            .into_iter()
            .chain(lines.map(|(line, _)| line)),
    );
    let article = Article {
        title: title.to_owned(),
        authors,
        date,
        body,
        ..Default::default()
    };
    (article, problems)
}

/// What one header line turned out to be.
enum Header {
    Byline(Vec<String>),
    Date(ArticleDate),
    BylineAndDate(Vec<String>, ArticleDate),
    /// An agency credit on its own line ("Reuters"): part of the header, not an author.
    Credit,
    UnreadableDate,
    /// Not a header line: the body started without a blank line.
    BodyStarts,
}

fn header_line(line: &str) -> Header {
    if let Some(names) = parse_byline(line) {
        return Header::Byline(names);
    }
    if let Some(date) = parse_date(line) {
        return Header::Date(date);
    }
    if let Some((names, date)) = byline_and_date(line) {
        return Header::BylineAndDate(names, date);
    }
    if looks_like_date(line) {
        return Header::UnreadableDate;
    }
    if is_credit_line(line) {
        return Header::Credit;
    }
    Header::BodyStarts
}

/// Web exports often put both on one line: `By Jane Doe, March 17, 2017` or
/// `17 March 2017 | By Jane Doe`. Tries each separator as the split point; only short
/// lines are tried, so the cost stays bounded.
fn byline_and_date(line: &str) -> Option<(Vec<String>, ArticleDate)> {
    if line.len() > 200 {
        return None;
    }
    line.char_indices()
        .filter(|&(_, c)| matches!(c, ',' | '|' | '·' | '•' | '-' | '–' | '—'))
        .find_map(|(i, c)| {
            let (left, right) = (&line[..i], &line[i + c.len_utf8()..]);
            // parse_byline rejects anything not starting with "By" at once, so the date
            // is only tried next to a byline.
            if let Some(names) = parse_byline(left) {
                if let Some(date) = parse_date(right) {
                    return Some((names, date));
                }
            }
            Some((parse_byline(right)?, parse_date(left)?))
        })
}

/// Builds the body from trimmed lines: blank lines separate paragraphs (`\n\n`, however
/// many there were), hard-wrapped lines are joined with a space, trailing boilerplate is
/// dropped. Streams: only the blank and boilerplate lines since the last text line are
/// held back, in case they turn out to be the end of the file.
fn body<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut held: Vec<&str> = Vec::new();
    let mut prev: Option<&str> = None;
    let mut gap = false;
    let mut emit = |line: &'a str, out: &mut String| {
        if line.is_empty() {
            gap = true;
            return;
        }
        if let Some(p) = prev {
            if gap {
                out.push_str("\n\n");
            } else if joins(p, line) {
                out.push(' ');
            } else {
                out.push('\n');
            }
        }
        out.push_str(line);
        prev = Some(line);
        gap = false;
    };
    for line in lines {
        // Boilerplate: a label a site leaves around the story, matched whole.
        if line.is_empty() || super::labels::is_furniture_label(line) {
            held.push(line);
            continue;
        }
        for h in held.drain(..) {
            emit(h, &mut out);
        }
        emit(line, &mut out);
    }
    out
}

/// The rule for hard-wrapped text: a line of at least [`WRAP_MIN_CHARS`] characters
/// continues into the next non-blank line, unless that line starts a list entry.
fn joins(line: &str, next: &str) -> bool {
    line.len() >= WRAP_MIN_CHARS && line.chars().count() >= WRAP_MIN_CHARS && !is_list_item(next)
}

/// `- item`, `* item`, `• item`, `1. item`, `2) item`.
fn is_list_item(line: &str) -> bool {
    let mut chars = line.chars();
    match chars.next() {
        Some('-' | '*' | '+' | '•' | '·' | '–' | '—') => {
            chars.next().is_some_and(char::is_whitespace)
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            let rest = &line.as_bytes()[digits..];
            digits <= 3 && matches!(rest, [b'.' | b')', space, ..] if space.is_ascii_whitespace())
        }
        _ => false,
    }
}

/// A title for an article that has none: the first sentence of the body's first line, or
/// its first [`FALLBACK_TITLE_CHARS`] characters cut at a word and marked with `…`.
pub(super) fn title_from_body(body: &str) -> String {
    let first = lines(body)
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut end = first.len();
    let mut cut = false;
    for (count, (i, c)) in first.char_indices().enumerate() {
        if count >= FALLBACK_TITLE_CHARS {
            // Back up to the last space so no word is cut in half.
            end = first[..i].rfind(' ').filter(|&s| s > 0).unwrap_or(i);
            cut = true;
            break;
        }
        // A sentence end, far enough in that "Mr." or "U.S." does not end the title.
        if matches!(c, '.' | '?' | '!') && count >= 30 && first[i + 1..].starts_with(' ') {
            end = i + 1;
            break;
        }
    }
    let mut title = first[..end].trim_end().to_owned();
    if cut {
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn parse_str(s: &str) -> (Article, Vec<Problem>) {
        parse(s)
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<ArticleDate> {
        Some(ArticleDate {
            datetime: NaiveDate::from_ymd_opt(y, m, d).unwrap().into(),
            has_time: false,
        })
    }

    const LONG_A: &str = "The first line of a hard-wrapped paragraph runs to about";
    const LONG_B: &str = "seventy characters, as e-mail and wire exports used to do";

    #[test]
    fn lines_split_on_lf_crlf_and_lone_cr() {
        let got: Vec<&str> = lines("a\nb\r\nc\rd\r\n\r\ne").collect();
        assert_eq!(got, ["a", "b", "c", "d", "", "e"]);
        assert_eq!(lines("a\n").collect::<Vec<_>>(), ["a"]);
        assert_eq!(lines("").count(), 0);
        assert_eq!(lines("\n\n").collect::<Vec<_>>(), ["", ""]);
    }

    #[test]
    fn title_byline_date_body() {
        let (a, p) =
            parse_str("Title\nBy Jane Doe, John Roe\n17 March 2017\n\nBody one.\n\nBody two.\n");
        assert_eq!(a.title, "Title");
        assert_eq!(a.authors, ["Jane Doe", "John Roe"]);
        assert_eq!(a.date, ymd(2017, 3, 17));
        assert_eq!(a.body, "Body one.\n\nBody two.");
        assert!(p.is_empty());
    }

    #[test]
    fn a_byline_with_an_affiliation_names_the_writer_only() {
        let (a, p) = parse_str(
            "Title\nBy JO WINTERBOTTOM, Special to the New York Times\n17 March 2017\n\nBody",
        );
        assert_eq!(a.authors, ["JO WINTERBOTTOM"]);
        assert_eq!(a.date, ymd(2017, 3, 17));
        assert_eq!(a.body, "Body");
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn date_before_byline() {
        let (a, _) = parse_str("Title\nMarch 17, 2017\nBY JANE DOE\n\nBody");
        assert_eq!(a.authors, ["JANE DOE"]);
        assert_eq!(a.date, ymd(2017, 3, 17));
        assert_eq!(a.body, "Body");
    }

    #[test]
    fn date_only_and_byline_only() {
        let (a, _) = parse_str("TITLE\n26 February 1987\n\nBody");
        assert!(a.authors.is_empty());
        assert_eq!(a.date, ymd(1987, 2, 26));
        let (a, p) = parse_str("Title\nBy Jane Doe\n\nBody");
        assert_eq!(a.authors, ["Jane Doe"]);
        assert_eq!(a.date, None);
        assert!(p.is_empty());
    }

    #[test]
    fn no_header_bbc_layout() {
        let (a, p) =
            parse_str("Ad sales boost Time Warner profit\n\nBy 2007, sales rose.\n\nMore.");
        assert_eq!(a.title, "Ad sales boost Time Warner profit");
        assert!(a.authors.is_empty());
        assert_eq!(a.date, None);
        assert_eq!(a.body, "By 2007, sales rose.\n\nMore.");
        assert!(p.is_empty());
    }

    #[test]
    fn leading_blank_lines_before_title() {
        let (a, _) = parse_str("\n\n  \n  Title  \n\nBody");
        assert_eq!(a.title, "Title");
        assert_eq!(a.body, "Body");
    }

    #[test]
    fn unreadable_date_warns_and_is_not_body() {
        let (a, p) = parse_str("Title\nBy Jane Doe\n31 February 2017\n\nBody");
        assert_eq!(a.date, None);
        assert_eq!(a.body, "Body");
        assert_eq!(
            p,
            [Problem {
                line: Some(3),
                severity: Severity::Warning,
                reason: "could not read date: '31 February 2017'".into(),
                ..Default::default()
            }]
        );
    }

    #[test]
    fn body_without_blank_line_after_header() {
        let (a, p) = parse_str("Title\n17 March 2017\nTOKYO - The talks went well.\nMore text.");
        assert_eq!(a.date, ymd(2017, 3, 17));
        assert_eq!(a.body, "TOKYO - The talks went well.\nMore text.");
        assert!(p.is_empty());
        let (a, _) = parse_str("Title\nBy the end of the year, prices had doubled.\n");
        assert!(a.authors.is_empty());
        assert_eq!(a.body, "By the end of the year, prices had doubled.");
    }

    #[test]
    fn byline_and_date_on_one_line() {
        for (s, author) in [
            ("T\nBy Jane Doe, March 17, 2017\n\nBody", "Jane Doe"),
            ("T\nBy Jane Doe | 17 March 2017\n\nBody", "Jane Doe"),
            ("T\nBY JANE DOE - 2017-03-17\n\nBody", "JANE DOE"),
            ("T\n17 March 2017 | By Jane Doe\n\nBody", "Jane Doe"),
        ] {
            let (a, p) = parse_str(s);
            assert_eq!(a.authors, [author], "{s}");
            assert_eq!(a.date, ymd(2017, 3, 17), "{s}");
            assert_eq!(a.body, "Body");
            assert!(p.is_empty());
        }
    }

    #[test]
    fn agency_credit_lines_are_header() {
        let (a, _) = parse_str("T\nReuters\n17 March 2017\n\nBody");
        assert!(a.authors.is_empty());
        assert_eq!(a.date, ymd(2017, 3, 17));
        assert_eq!(a.body, "Body");
    }

    #[test]
    fn header_is_at_most_three_lines() {
        let (a, _) = parse_str("T\nBy A\n17 March 2017\nBy B\nBy C\n\nBody");
        assert_eq!(a.authors, ["A", "B"]);
        assert_eq!(a.body, "By C\n\nBody");
    }

    #[test]
    fn bylines_are_only_read_in_the_header() {
        let (a, _) = parse_str("Title\n\nBy Jane Doe\n\nBody");
        assert!(a.authors.is_empty());
        assert_eq!(a.body, "By Jane Doe\n\nBody");
    }

    #[test]
    fn title_only() {
        let (a, p) = parse_str("JUST A TITLE\n26 February 1987\n\n");
        assert_eq!(a.title, "JUST A TITLE");
        assert_eq!(a.body, "");
        assert!(p.is_empty());
        let (a, _) = parse_str("Only a title");
        assert_eq!((a.title.as_str(), a.body.as_str()), ("Only a title", ""));
    }

    #[test]
    fn line_endings_are_all_handled() {
        let want = parse_str("Title\nBy A\n17 March 2017\n\nOne.\n\nTwo.\n").0;
        for s in [
            "Title\r\nBy A\r\n17 March 2017\r\n\r\nOne.\r\n\r\nTwo.\r\n",
            "Title\rBy A\r17 March 2017\r\rOne.\r\rTwo.\r",
            "Title\r\nBy A\n17 March 2017\r\rOne.\n\r\nTwo.",
        ] {
            assert_eq!(parse_str(s).0, want, "{s:?}");
        }
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let text = format!("T\n\n{LONG_A}\n{LONG_B}\nend.\n\nNext paragraph.\n");
        let (a, _) = parse_str(&text);
        assert_eq!(a.body, format!("{LONG_A} {LONG_B} end.\n\nNext paragraph."));
    }

    #[test]
    fn short_lines_and_lists_stay_separate() {
        let text = format!("T\n\nShort line.\nAnother.\n\n{LONG_A}\n- item one\n- {LONG_B}\n  wrapped\n1. first\n2) second");
        let (a, _) = parse_str(&text);
        assert_eq!(
            a.body,
            format!("Short line.\nAnother.\n\n{LONG_A}\n- item one\n- {LONG_B} wrapped\n1. first\n2) second")
        );
    }

    #[test]
    fn trailing_boilerplate_is_dropped_only_at_the_end() {
        let (a, _) = parse_str("T\n\nRead more\nBody.\n\nMore Stories");
        assert_eq!(a.body, "Read more\nBody.");
        let (a, _) = parse_str(&format!("T\n\n{LONG_A}\nMORE STORIES"));
        assert_eq!(a.body, LONG_A);
        let (a, _) =
            parse_str("T\n\nBody.\n\nShare this article\nAdvertisement\n\nRelated Stories:\n\n");
        assert_eq!(a.body, "Body.");
        let (a, _) = parse_str("T\n\nBody.\n\nReuter\n");
        assert_eq!(a.body, "Body.\n\nReuter");
        let (a, _) = parse_str("T\n\nComments are closed on this story.");
        assert_eq!(a.body, "Comments are closed on this story.");
    }

    #[test]
    fn no_break_spaces_at_line_ends_are_trimmed() {
        let (a, _) = parse_str("T\n\nTOKYO\u{a0}- text.\u{a0}\n\n\u{a0}Next.");
        assert_eq!(a.body, "TOKYO\u{a0}- text.\n\nNext.");
    }

    #[test]
    fn an_overlong_first_line_is_body_not_title() {
        let sentence = "The whole file is one long paragraph with no title line at all. ";
        let text = sentence.repeat(10);
        let (a, p) = parse_str(&text);
        assert_eq!(
            a.title,
            "The whole file is one long paragraph with no title line at all."
        );
        assert_eq!(a.body, text.trim());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].severity, Severity::Warning);
    }

    #[test]
    fn fallback_titles() {
        assert_eq!(
            title_from_body("Mr. Abe met Mr. Tillerson in Tokyo on Thursday. Then more."),
            "Mr. Abe met Mr. Tillerson in Tokyo on Thursday."
        );
        let long = "word ".repeat(40);
        let t = title_from_body(&long);
        assert!(t.ends_with("word…"), "{t}");
        assert!(t.chars().count() <= FALLBACK_TITLE_CHARS + 1);
        assert_eq!(title_from_body("\n\nShort body\nsecond line"), "Short body");
        let unbroken = "x".repeat(150);
        assert_eq!(
            title_from_body(&unbroken).chars().count(),
            FALLBACK_TITLE_CHARS + 1
        );
    }

    #[test]
    fn seed_article() {
        let text =
            std::str::from_utf8(include_bytes!("../../corpus/000_5ce300c1a8ebbb27.txt")).unwrap();
        let (a, p) = parse_str(text);
        assert_eq!(
            a.title,
            "Japan, U.S. agree to closely coordinate on N. Korea policy"
        );
        assert_eq!(a.authors, ["Toshimitsu Miyai", "Seima Oki"]);
        assert_eq!(a.date, ymd(2017, 3, 17));
        assert!(a.body.starts_with("TOKYO"), "{}", &a.body[..40]);
        assert!(a.body.ends_with("to discuss the issue in Seoul."));
        assert!(!a.body.contains("More Stories"));
        assert!(p.is_empty());
    }

    #[test]
    fn large_article_is_linear() {
        let para = format!("{LONG_A}\n{LONG_B}\n\n");
        let text = format!(
            "Title\n17 March 2017\n\n{}",
            para.repeat(10 * 1024 * 1024 / para.len())
        );
        let start = std::time::Instant::now();
        let (a, _) = parse_str(&text);
        assert!(a.body.len() > 9 * 1024 * 1024);
        // Generous even for an unoptimised build; a quadratic pass would take minutes.
        assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    }
}
