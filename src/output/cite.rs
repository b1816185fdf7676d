//! Citations: `search --format ris` (RIS records, as Zotero, EndNote and Mendeley import them)
//! and `--format csljson` (CSL-JSON, as pandoc's citeproc and Zotero read it), one article
//! per record, written as the export reads them.
//!
//! What an article is filed as: its title, authors (split into family and given names by
//! [`byline::split_name`], whole when they cannot be), date, source (the newspaper), place,
//! URL, collection (the archive) and dateline id; where it lies on disk is left out, since
//! a bibliography travels (`dateline show ID` finds it). Values come from strangers: in RIS
//! each is kept to one line and within the spec's limits, so no value can end or start a
//! record; CSL-JSON is written by serde_json.

use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::article::byline::{self, NameParts};
use crate::export::Row;

/// RIS lines end in CR LF, as the spec asks (readers take LF too, but not every reader
/// takes LF alone).
const CRLF: &str = "\r\n";

/// The spec's longest author (`AU`): 255 characters.
const RIS_AUTHOR_CHARS: usize = 255;

/// The spec's longest reference id (`ID`): 20 characters.
const RIS_ID_CHARS: usize = 20;

/// `search --format ris`: a `TY  - NEWS` … `ER  - ` record per article.
pub struct RisRecords<W: Write> {
    out: W,
}

impl<W: Write> RisRecords<W> {
    pub fn new(out: W) -> RisRecords<W> {
        RisRecords { out }
    }

    pub fn write(&mut self, row: Row) -> io::Result<()> {
        let mut record = String::with_capacity(512);
        ris_record(&mut record, &row);
        self.out.write_all(record.as_bytes())
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Appends the RIS record of `row` to `out`.
fn ris_record(out: &mut String, row: &Row) {
    let mut tag = |tag: &str, value: &str| {
        if !value.is_empty() {
            out.push_str(tag);
            out.push_str("  - ");
            out.push_str(value);
            out.push_str(CRLF);
        }
    };
    tag("TY", "NEWS");
    tag("TI", &one_line(&row.title));
    for author in &row.authors {
        // The spec allows no asterisk in an author.
        let author = author.replace('*', "");
        let name = match byline::split_name(&author) {
            Some(NameParts {
                family,
                given,
                suffix,
            }) => {
                let mut name = format!("{family}, {given}");
                if let Some(suffix) = suffix {
                    name.push_str(", ");
                    name.push_str(&suffix);
                }
                name
            }
            None => author,
        };
        tag("AU", &cut(&one_line(&name), RIS_AUTHOR_CHARS));
    }
    if let Some(date) = row.date.as_deref().and_then(day) {
        tag("PY", &format!("{:04}", date.year()));
        tag("DA", &date.format("%Y/%m/%d/").to_string());
    }
    // The newspaper of a NEWS record; like a periodical's name, no asterisk.
    if let Some(source) = &row.source {
        tag("T2", &one_line(&source.replace('*', "")));
    }
    if let Some(place) = &row.place {
        tag("CY", &one_line(place));
    }
    if let Some(url) = &row.url {
        tag("UR", &one_line(url));
    }
    if let Some(collection) = &row.collection {
        tag("DB", &one_line(collection));
    }
    tag("ID", &cut(&one_line(&row.id), RIS_ID_CHARS));
    tag("AN", &one_line(&row.id));
    // The end tag keeps its trailing space, as the spec writes every tag.
    out.push_str("ER  - ");
    out.push_str(CRLF);
}

/// `text` on one line: line breaks and other control characters (and the Unicode line and
/// paragraph separators some readers split on) become spaces, runs of spaces one, trimmed.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            ' '
        } else {
            c
        };
        if !(c.is_whitespace() && out.ends_with(char::is_whitespace)) {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// The first `chars` characters of `text`.
fn cut(text: &str, chars: usize) -> String {
    text.chars()
        .take(chars)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// A row's `YYYY-MM-DD` date as a day.
fn day(date: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// `search --format csljson`: one JSON array of CSL items, written an item at a time.
pub struct CslItems<W: Write> {
    out: W,
    written: bool,
}

impl<W: Write> CslItems<W> {
    /// Opens the array.
    pub fn new(mut out: W) -> io::Result<CslItems<W>> {
        out.write_all(b"[")?;
        Ok(CslItems {
            out,
            written: false,
        })
    }

    pub fn write(&mut self, row: Row) -> io::Result<()> {
        self.out
            .write_all(if self.written { b",\n" } else { b"\n" })?;
        self.written = true;
        serde_json::to_writer(&mut self.out, &csl_item(&row))?;
        Ok(())
    }

    /// Closes the array: `[]` when nothing was written.
    pub fn finish(mut self) -> io::Result<()> {
        self.out
            .write_all(if self.written { b"\n]\n" } else { b"]\n" })?;
        self.out.flush()
    }
}

/// One CSL-JSON item (CSL's own field names, in the order the schema lists them).
#[derive(Debug, Serialize)]
struct CslItem<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    title: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<CslName<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued: Option<CslDate>,
    #[serde(rename = "container-title", skip_serializing_if = "Option::is_none")]
    container_title: Option<&'a str>,
    #[serde(rename = "publisher-place", skip_serializing_if = "Option::is_none")]
    publisher_place: Option<&'a str>,
    #[serde(rename = "URL", skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    archive: Option<&'a str>,
}

/// A CSL name: split, or whole (`literal`) when it cannot be.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum CslName<'a> {
    Person {
        family: String,
        given: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        suffix: Option<String>,
    },
    Literal {
        literal: &'a str,
    },
}

#[derive(Debug, Serialize)]
struct CslDate {
    #[serde(rename = "date-parts")]
    date_parts: [[i32; 3]; 1],
}

fn csl_item(row: &Row) -> CslItem<'_> {
    CslItem {
        id: &row.id,
        kind: "article-newspaper",
        title: &row.title,
        author: row
            .authors
            .iter()
            .map(|a| match byline::split_name(a) {
                Some(p) => CslName::Person {
                    family: p.family,
                    given: p.given,
                    suffix: p.suffix,
                },
                None => CslName::Literal { literal: a },
            })
            .collect(),
        issued: row.date.as_deref().and_then(day).map(|d| CslDate {
            date_parts: [[d.year(), d.month() as i32, d.day() as i32]],
        }),
        container_title: row.source.as_deref(),
        publisher_place: row.place.as_deref(),
        url: row.url.as_deref(),
        archive: row.collection.as_deref(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        Row {
            title: "Cocoa talks end".into(),
            authors: vec![
                "Ludwig van Beethoven".into(),
                "John Roe, Jr.".into(),
                "Madonna".into(),
            ],
            date: Some("1987-03-02".into()),
            place: Some("LONDON".into()),
            source: Some("Reuters".into()),
            path: "/a/b.txt".into(),
            url: Some("https://example.com/a".into()),
            id: "6f8bPM5icca".into(),
            collection: Some("wire".into()),
            // Fields a citation does not write, and any added later.
            ..Row::default()
        }
    }

    fn ris(row: &Row) -> String {
        let mut out = String::new();
        ris_record(&mut out, row);
        out
    }

    #[test]
    fn a_ris_record_has_each_field_on_its_tag() {
        assert_eq!(
            ris(&row()),
            "TY  - NEWS\r\nTI  - Cocoa talks end\r\nAU  - van Beethoven, Ludwig\r\n\
             AU  - Roe, John, Jr.\r\nAU  - Madonna\r\nPY  - 1987\r\nDA  - 1987/03/02/\r\n\
             T2  - Reuters\r\nCY  - LONDON\r\nUR  - https://example.com/a\r\nDB  - wire\r\n\
             ID  - 6f8bPM5icca\r\nAN  - 6f8bPM5icca\r\nER  - \r\n"
        );
    }

    #[test]
    fn ris_leaves_out_what_is_unknown() {
        let bare = Row {
            title: String::new(),
            authors: Vec::new(),
            date: None,
            place: None,
            source: None,
            url: None,
            collection: None,
            ..row()
        };
        assert_eq!(
            ris(&bare),
            "TY  - NEWS\r\nID  - 6f8bPM5icca\r\nAN  - 6f8bPM5icca\r\nER  - \r\n"
        );
    }

    #[test]
    fn hostile_values_stay_on_their_line_and_within_limits() {
        let hostile = Row {
            title: "Line one\r\nER  - \nTY  - JOUR\u{2028}x\u{85}y\u{0}z".into(),
            authors: vec![format!("Jane {}", "Doe".repeat(200)), "A*B Star".into()],
            place: Some("\n\n".into()),
            source: Some("The *Times*\nER  - ".into()),
            ..row()
        };
        let text = ris(&hostile);
        // Every line is a tag: nothing a value holds starts a line or a record.
        for line in text.split_terminator("\r\n") {
            assert!(
                !line.contains(['\r', '\n', '\u{2028}', '\u{85}', '\0']),
                "{line:?}"
            );
            assert_eq!(&line[2..6], "  - ", "{line:?}");
        }
        assert_eq!(text.matches("TY  - ").count(), 1);
        assert_eq!(text.matches("\r\nER  - ").count(), 1);
        assert!(
            text.contains("TI  - Line one ER - TY - JOUR x y z\r\n"),
            "{text}"
        );
        assert!(
            !text.contains("CY  - "),
            "an empty place is left out: {text}"
        );
        assert!(text.contains("T2  - The Times ER -\r\n"), "{text}");
        let authors: Vec<&str> = text.lines().filter(|l| l.starts_with("AU")).collect();
        assert_eq!(
            authors[0].chars().count(),
            6 + RIS_AUTHOR_CHARS,
            "{}",
            authors[0]
        );
        assert_eq!(authors[1], "AU  - Star, AB");
    }

    fn csl(rows: Vec<Row>) -> serde_json::Value {
        let mut out = Vec::new();
        let mut items = CslItems::new(&mut out).unwrap();
        for row in rows {
            items.write(row).unwrap();
        }
        items.finish().unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn csl_json_items_name_authors_and_dates_as_csl_does() {
        assert_eq!(csl(Vec::new()), serde_json::json!([]));
        let undated = Row {
            date: None,
            id: "other".into(),
            ..row()
        };
        let items = csl(vec![row(), undated]);
        assert_eq!(
            items[0],
            serde_json::json!({
                "id": "6f8bPM5icca",
                "type": "article-newspaper",
                "title": "Cocoa talks end",
                "author": [
                    {"family": "van Beethoven", "given": "Ludwig"},
                    {"family": "Roe", "given": "John", "suffix": "Jr."},
                    {"literal": "Madonna"}
                ],
                "issued": {"date-parts": [[1987, 3, 2]]},
                "container-title": "Reuters",
                "publisher-place": "LONDON",
                "URL": "https://example.com/a",
                "archive": "wire"
            })
        );
        assert!(items[1].get("issued").is_none(), "{}", items[1]);
        assert_eq!(items.as_array().unwrap().len(), 2);
    }
}
