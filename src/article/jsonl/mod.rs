//! JSON Lines: one article object per line, `{"title", "authors", "date", "body"}`, and
//! optionally `"url"`, `"place"` and `"source"`.

mod pieces;

pub(crate) use pieces::jsonl_stream;
pub use pieces::{plain_utf8, Chunk, JsonlPieces, Pieces, PIECE_BYTES};

use serde::Deserialize;
use serde_json::Value;

use super::byline::split_authors;
use super::date::parse_date;
use super::text::{lines, title_from_body};
use super::{Article, ArticleDate, FileParse, Problem, Record, Severity};

/// The keys dateline reads; any other key is ignored without being built into a value.
/// Kept as loose `Value`s so a wrongly typed field gets a precise message (and, for
/// `authors` and `date`, only a warning) instead of a serde error that loses the line.
#[derive(Deserialize)]
struct RawRecord {
    title: Option<Value>,
    authors: Option<Value>,
    date: Option<Value>,
    body: Option<Value>,
    url: Option<Value>,
    place: Option<Value>,
    source: Option<Value>,
}

pub(super) fn parse(text: &str) -> FileParse {
    let mut out = FileParse::default();
    let mut reader = Lines::default();
    reader.parse(text, &mut out);
    reader.finish(&mut out);
    out
}

/// Reads a JSON Lines file a piece at a time: each piece is whole lines, in order.
#[derive(Debug, Default)]
pub struct Lines {
    /// Lines read so far (the number of the last one).
    lines: u64,
    non_blank: u64,
    objects: u64,
    records: u64,
}

impl Lines {
    /// Parses the next whole lines of the file, adding to `out`.
    pub(super) fn parse(&mut self, text: &str, out: &mut FileParse) {
        for line in lines(text) {
            self.lines += 1;
            let number = self.lines;
            // The untrimmed line goes to serde_json (it allows surrounding whitespace) so the
            // column in its messages matches what the user sees in the file.
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            self.non_blank += 1;
            let skip = |reason: String| Problem {
                line: Some(number),
                severity: Severity::Skipped,
                reason,
                ..Default::default()
            };
            if !trimmed.starts_with('{') {
                out.problems.push(skip(not_an_object(line)));
                continue;
            }
            self.objects += 1;
            let raw = match serde_json::from_str::<RawRecord>(line) {
                Ok(raw) => raw,
                Err(e) => match without_lone_surrogates(line)
                    .and_then(|fixed| serde_json::from_str::<RawRecord>(&fixed).ok())
                {
                    Some(raw) => {
                        out.problems.push(Problem {
                            line: Some(number),
                            severity: Severity::Warning,
                            reason: "a \\u escape names half a UTF-16 surrogate pair; \
                                     read as \u{FFFD}"
                                .into(),
                            ..Default::default()
                        });
                        raw
                    }
                    None => {
                        out.problems.push(skip(format!("bad JSON: {}", brief(&e))));
                        continue;
                    }
                },
            };
            match article(raw, number, &mut out.problems) {
                Ok(article) => {
                    self.records += 1;
                    out.records.push(Record {
                        line: Some(number),
                        article,
                        ..Default::default()
                    })
                }
                Err(reason) => out.problems.push(skip(reason)),
            }
        }
    }

    /// Counts the next line as one skipped for `reason` without reading it (a line too
    /// long to hold).
    pub(super) fn skip_line(&mut self, reason: String, problems: &mut Vec<Problem>) {
        self.lines += 1;
        self.non_blank += 1;
        self.objects += 1;
        problems.push(Problem {
            line: Some(self.lines),
            severity: Severity::Skipped,
            reason,
            ..Default::default()
        });
    }

    /// After the last piece: a file without a single article is skipped as a whole, and
    /// `problems` (all the file's problems so far) says why.
    pub(super) fn finish(self, out: &mut FileParse) {
        if self.records > 0 {
            return;
        }
        let reason = if self.objects == 0 {
            // A text file or CSV saved as .jsonl: one clear reason beats a problem per line.
            out.problems.clear();
            "not a JSON Lines file: no line holds a JSON object".to_owned()
        } else {
            let non_blank = self.non_blank;
            format!(
                "no article could be read: all {non_blank} line{} skipped",
                if non_blank == 1 { " was" } else { "s were" }
            )
        };
        out.problems.push(Problem {
            line: None,
            severity: Severity::Skipped,
            reason,
            ..Default::default()
        });
    }
}

/// `line` with every `\\uXXXX` escape of a lone UTF-16 surrogate (half of a pair, as
/// Python's `json.dumps` writes for broken text) made `\\uFFFD`, which serde_json, being
/// strict, otherwise refuses; `None` when there is none. Escaped backslashes are skipped, so
/// `\\\\ud800` (a backslash, then `ud800`) is left alone.
fn without_lone_surrogates(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    let escape_at = |i: usize| -> Option<u16> {
        let hex = bytes.get(i..i + 6)?;
        if &hex[..2] != b"\\u" {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match escape_at(i) {
            // A whole pair: kept.
            Some(0xD800..=0xDBFF)
                if escape_at(i + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
            {
                i += 12
            }
            Some(0xD800..=0xDFFF) => {
                out.push_str(&line[copied..i]);
                out.push_str("\\uFFFD");
                i += 6;
                copied = i;
            }
            // Any other escape, `\\\\` included: step over it whole.
            _ => i += 2,
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&line[copied..]);
    Some(out)
}

/// Turns one decoded object into an article, pushing warnings for fields it had to leave
/// out; `Err` is the reason the whole line is skipped.
fn article(raw: RawRecord, line: u64, problems: &mut Vec<Problem>) -> Result<Article, String> {
    let mut warn = |reason: String| {
        problems.push(Problem {
            line: Some(line),
            severity: Severity::Warning,
            reason,
            ..Default::default()
        })
    };
    let title = string_field(raw.title, "title")?;
    let body = string_field(raw.body, "body")?;
    // A title is one line however the producer wrote it.
    let title = one_line(trim_in_place(title));
    let body = normalise_newlines(trim_in_place(body));
    let title = match (title.is_empty(), body.is_empty()) {
        (true, true) => return Err("no title and no body".into()),
        // The body is what people search for, so an untitled record is kept under a
        // title made from its first words rather than dropped, and the user is told.
        (true, false) => {
            warn("no title; title taken from the start of the body".into());
            title_from_body(&body)
        }
        (false, _) => title,
    };
    Ok(Article {
        title,
        authors: authors_field(raw.authors, &mut warn),
        date: date_field(raw.date, &mut warn),
        body,
        url: name_field(raw.url, "url", &mut warn),
        place: name_field(raw.place, "place", &mut warn),
        source: name_field(raw.source, "source", &mut warn),
        publication: None,
    })
}

/// `authors`: a string is split into names; a list is already split by the producer, and
/// its entries are kept as given.
fn authors_field(value: Option<Value>, warn: &mut impl FnMut(String)) -> Vec<String> {
    match value {
        None => Vec::new(),
        Some(Value::String(s)) => split_authors(&s),
        Some(Value::Array(items)) => {
            let mut authors = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) if !s.trim().is_empty() => authors.push(s.trim().to_owned()),
                    Value::String(_) | Value::Null => {}
                    other => warn(format!(
                        "ignored an author that is {}, not a string",
                        kind(&other)
                    )),
                }
            }
            authors
        }
        Some(other) => {
            warn(format!(
                "ignored 'authors': it is {}, not a string or a list of strings",
                kind(&other)
            ));
            Vec::new()
        }
    }
}

/// `date`: a date string; anything unreadable is a warning, and the article undated.
fn date_field(value: Option<Value>, warn: &mut impl FnMut(String)) -> Option<ArticleDate> {
    match value {
        None => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => {
            let date = parse_date(&s);
            if date.is_none() {
                warn(format!("could not read date: '{}'", s.trim()));
            }
            date
        }
        // Numbers could be epoch seconds or milliseconds; guessing wrong files the
        // article under the wrong day, so say so instead.
        Some(other) => {
            warn(format!(
                "could not read date: {other} (expected a date string)"
            ));
            None
        }
    }
}

/// An optional name (`url`, `place`, `source`): a wrong type loses only that name, with a
/// warning.
fn name_field(value: Option<Value>, key: &str, warn: &mut impl FnMut(String)) -> Option<String> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(one_line(trim_in_place(s))).filter(|s| !s.is_empty()),
        Some(other) => {
            warn(format!(
                "ignored '{key}': it is {}, not a string",
                kind(&other)
            ));
            None
        }
    }
}

fn string_field(value: Option<Value>, key: &str) -> Result<String, String> {
    match value {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("'{key}' is {}, expected a string", kind(&other))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The reason for a line that does not start with `{`: what JSON it holds, or why it is
/// not JSON. Validated without building the value, which could be huge.
fn not_an_object(line: &str) -> String {
    match serde_json::from_str::<serde::de::IgnoredAny>(line) {
        Ok(_) => {
            let what = match line.trim_start().as_bytes()[0] {
                b'[' => "a list",
                b'"' => "a string",
                b't' | b'f' => "a boolean",
                b'n' => "null",
                _ => "a number",
            };
            format!("not a JSON object (found {what})")
        }
        Err(e) => format!("bad JSON: {}", brief(&e)),
    }
}

/// serde_json's message without its "at line 1 column N" (every parse here is one line),
/// with the column kept so the user can find the spot.
fn brief(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => &message,
    };
    format!("{message} (column {})", e.column())
}

/// Trims the string serde_json already allocated instead of copying the trimmed slice:
/// bodies are most of the bytes read.
fn trim_in_place(mut s: String) -> String {
    s.truncate(s.trim_end().len());
    let leading = s.len() - s.trim_start().len();
    s.drain(..leading);
    s
}

fn one_line(s: String) -> String {
    if s.contains(['\n', '\r']) {
        s.split(['\n', '\r'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        s
    }
}

fn normalise_newlines(s: String) -> String {
    if s.contains('\r') {
        lines(&s).collect::<Vec<_>>().join("\n")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::ArticleDate;
    use chrono::NaiveDate;

    fn ymd(y: i32, m: u32, d: u32) -> Option<ArticleDate> {
        Some(ArticleDate {
            datetime: NaiveDate::from_ymd_opt(y, m, d).unwrap().into(),
            has_time: false,
        })
    }

    fn problems(p: &FileParse) -> Vec<(Option<u64>, Severity, &str)> {
        p.problems
            .iter()
            .map(|p| (p.line, p.severity, p.reason.as_str()))
            .collect()
    }

    #[test]
    fn lone_surrogate_escapes_read_as_replacement_characters() {
        let p = parse(concat!(
            r#"{"title":"Broken \ud800 title","date":"2017-03-17","body":"tail \udc00"}"#,
            "\n",
            r#"{"title":"Pair \ud83d\ude00 and \\ud800","date":"2017-03-17","body":"x"}"#,
            "\n",
            r#"{"title":"Still bad \ud800"#,
            "\n",
        ));
        let titles: Vec<_> = p.records.iter().map(|r| r.article.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Broken \u{FFFD} title", "Pair \u{1F600} and \\ud800"]
        );
        assert_eq!(p.records[0].article.body, "tail \u{FFFD}");
        let got = problems(&p);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!((got[0].0, got[0].1), (Some(1), Severity::Warning));
        assert!(got[0].2.contains("surrogate"), "{got:?}");
        assert_eq!((got[1].0, got[1].1), (Some(3), Severity::Skipped));
        assert_eq!(
            without_lone_surrogates(r#"{"a":"\ud83d\ude00 \\ud800"}"#),
            None
        );
    }

    #[test]
    fn roles_and_affiliations_in_an_authors_string_are_not_authors() {
        let p = parse(concat!(
            r#"{"title":"T","authors":"Jane Doe, Special to the New York Times","date":"2017-03-17","body":"B"}"#,
            "\n",
            r#"{"title":"T","authors":"JOHN ROE Associated Press Writer","date":"2017-03-17","body":"B"}"#,
            "\n"
        ));
        assert_eq!(p.records[0].article.authors, ["Jane Doe"]);
        assert_eq!(p.records[1].article.authors, ["JOHN ROE"]);
    }

    #[test]
    fn records_with_all_fields() {
        let p = parse(concat!(
            r#"{"title":"One","authors":["Jane Doe","John Roe"],"date":"2017-03-17","body":"Text one."}"#,
            "\n",
            r#"{"title":"Two","authors":"By Jane Doe and John Roe, Reuters","date":"March 17, 2017","body":"Text two.","url":"http://x","tags":[1,{"a":2}]}"#,
            "\n"
        ));
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.records.len(), 2);
        let (one, two) = (&p.records[0], &p.records[1]);
        assert_eq!(one.line, Some(1));
        assert_eq!(one.article.title, "One");
        assert_eq!(one.article.authors, ["Jane Doe", "John Roe"]);
        assert_eq!(one.article.date, ymd(2017, 3, 17));
        assert_eq!(one.article.body, "Text one.");
        assert_eq!(two.line, Some(2));
        assert_eq!(two.article.authors, ["Jane Doe", "John Roe"]);
        assert_eq!(two.article.date, ymd(2017, 3, 17));
    }

    #[test]
    fn url_place_and_source_are_read_when_given() {
        let p = parse(concat!(
            r#"{"title":"A","date":"2017-03-17","url":" https://example.com/a ","place":"Tokyo","source":"Kyodo"}"#,
            "\n",
            r#"{"title":"B","date":"2017-03-17","url":"","place":null,"source":7}"#,
            "\n",
        ));
        let a = &p.records[0].article;
        assert_eq!(a.url.as_deref(), Some("https://example.com/a"));
        assert_eq!(a.place.as_deref(), Some("Tokyo"));
        assert_eq!(a.source.as_deref(), Some("Kyodo"));
        let b = &p.records[1].article;
        assert_eq!((&b.url, &b.place, &b.source), (&None, &None, &None));
        let got = problems(&p);
        assert_eq!(
            got,
            [(
                Some(2),
                Severity::Warning,
                "ignored 'source': it is a number, not a string"
            )]
        );
    }

    proptest::proptest! {
        #[test]
        fn url_place_and_source_of_any_json_never_panic(
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("null".to_string()),
                    proptest::strategy::Just("[1, {}]".to_string()),
                    "-?[0-9]{1,20}(\\.[0-9]{0,5})?",
                    "\"(\\PC|\\\\[nrt\"]|\\\\u[0-9a-fA-F]{4}){0,30}\"",
                    "\\PC{0,12}",
                ],
                3,
            ),
        ) {
            let line = format!(
                r#"{{"title": "T", "url": {}, "place": {}, "source": {}}}"#,
                values[0], values[1], values[2]
            );
            let p = parse(&line);
            for r in &p.records {
                for name in [&r.article.url, &r.article.place, &r.article.source].into_iter().flatten() {
                    proptest::prop_assert!(!name.is_empty() && !name.contains('\n'));
                }
            }
        }
    }

    #[test]
    fn blank_lines_are_skipped_and_line_numbers_are_physical() {
        let p = parse("\n{\"title\":\"A\"}\r\n\r\n   \n{\"title\":\"B\"}\r{\"title\":\"C\"}");
        let lines: Vec<_> = p.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [Some(2), Some(5), Some(6)]);
        assert!(p.problems.is_empty());
    }

    #[test]
    fn malformed_lines_are_skipped_others_kept() {
        let p = parse(concat!(
            "{\"title\":\"ok\"}\n",
            "  {\"title\": \"broken\"\n",
            "[1, 2]\n",
            "\"just a string\"\n",
            "{\"title\": \"\", \"body\": \"  \"}\n",
            "{\"authors\": [\"X\"]}\n",
            "{\"title\": 5}\n",
            "not json\n",
            "{\"title\":\"a\"} trailing\n",
            "{\"title\":\"a\",\"title\":\"b\"}\n",
        ));
        assert_eq!(p.records.len(), 1);
        let got = problems(&p);
        use Severity::Skipped;
        assert_eq!(
            got,
            [
                (
                    Some(2),
                    Skipped,
                    "bad JSON: EOF while parsing an object (column 20)"
                ),
                (Some(3), Skipped, "not a JSON object (found a list)"),
                (Some(4), Skipped, "not a JSON object (found a string)"),
                (Some(5), Skipped, "no title and no body"),
                (Some(6), Skipped, "no title and no body"),
                (Some(7), Skipped, "'title' is a number, expected a string"),
                (Some(8), Skipped, "bad JSON: expected ident (column 2)"),
                (
                    Some(9),
                    Skipped,
                    "bad JSON: trailing characters (column 15)"
                ),
                (
                    Some(10),
                    Skipped,
                    "bad JSON: duplicate field `title` (column 20)"
                ),
            ]
        );
    }

    #[test]
    fn unreadable_dates_and_odd_authors_warn() {
        let p = parse(concat!(
            r#"{"title":"A","date":"31 February 2017"}"#,
            "\n",
            r#"{"title":"B","date":1489708800,"authors":[1,"Jane Doe",null]}"#,
            "\n",
            r#"{"title":"C","date":"","authors":{"name":"x"}}"#,
        ));
        assert_eq!(p.records.len(), 3);
        assert!(p.records.iter().all(|r| r.article.date.is_none()));
        assert_eq!(p.records[1].article.authors, ["Jane Doe"]);
        let got = problems(&p);
        use Severity::Warning;
        assert_eq!(
            got,
            [
                (Some(1), Warning, "could not read date: '31 February 2017'"),
                (
                    Some(2),
                    Warning,
                    "ignored an author that is a number, not a string"
                ),
                (
                    Some(2),
                    Warning,
                    "could not read date: 1489708800 (expected a date string)"
                ),
                (
                    Some(3),
                    Warning,
                    "ignored 'authors': it is an object, not a string or a list of strings"
                ),
            ]
        );
    }

    #[test]
    fn body_without_title_gets_a_title_from_the_body() {
        let p = parse(
            r#"{"body":"Prime Minister Shinzo Abe met Rex Tillerson in Tokyo. They agreed."}"#,
        );
        assert_eq!(
            p.records[0].article.title,
            "Prime Minister Shinzo Abe met Rex Tillerson in Tokyo."
        );
        assert_eq!(p.problems[0].severity, Severity::Warning);
        assert_eq!(p.problems[0].line, Some(1));
    }

    #[test]
    fn titles_are_one_line_and_bodies_use_lf() {
        let p = parse(r#"{"title":" Two\r\nlines ","body":"a\r\nb\rc\n\nd"}"#);
        assert_eq!(p.records[0].article.title, "Two lines");
        assert_eq!(p.records[0].article.body, "a\nb\nc\n\nd");
    }

    #[test]
    fn files_without_any_article() {
        let p = parse("Title\nBy Jane Doe\n\nThis is a text file.");
        assert!(p.records.is_empty());
        assert_eq!(
            p.problems,
            [Problem {
                line: None,
                severity: Severity::Skipped,
                reason: "not a JSON Lines file: no line holds a JSON object".into(),
                ..Default::default()
            }]
        );
        let p = parse("{\"title\": 1}\n{oops}\n");
        assert_eq!(p.problems.len(), 3);
        assert_eq!(p.problems[2].line, None);
        assert_eq!(
            p.problems[2].reason,
            "no article could be read: all 2 lines were skipped"
        );
    }
}
