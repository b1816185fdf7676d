//! Atom feeds (RFC 4287): a search's hits as a feed a reader can follow (`serve`'s `/feed`).
//!
//! Every piece of text is escaped, and the characters XML cannot hold at all (NUL and the
//! other C0 controls but tab and line ends, U+FFFE, U+FFFF) are dropped, so a hostile title
//! cannot break the document.

use std::io::{self, Write};

use chrono::NaiveDateTime;

use crate::search::Hit;

use super::one_line;

/// What a feed is made of besides its hits.
pub struct Feed<'a> {
    /// The feed's own absolute URL: its id and its `self` link.
    pub self_url: &'a str,
    /// The page that shows the same search (`alternate` link).
    pub page_url: &'a str,
    /// What each hit's page URL starts with: `{article_base}{id}`.
    pub article_base: &'a str,
    pub title: &'a str,
    pub hits: &'a [Hit],
    /// When the feed was made: its `updated`, and that of an undated article.
    pub now: NaiveDateTime,
}

/// The stable id of an article's entry, whatever address the feed is fetched at.
pub fn entry_id(id: &str) -> String {
    format!("urn:dateline:article:{id}")
}

/// Text as XML can hold it: escaped, and without the characters XML 1.0 forbids.
pub fn xml_text(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect();
    quick_xml::escape::escape(allowed.as_str()).into_owned()
}

/// A time as Atom writes it (RFC 3339, UTC).
fn atom_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Only web addresses are linked: another scheme from an article stays out of the feed.
fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Writes the feed: its id, title, updated time, self and page links and generator, then
/// one entry per hit in order (id, title, updated and published, authors, link to its page
/// and to the original when known, the snippet as a text summary).
pub fn write_feed(out: &mut impl Write, f: &Feed) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
    writeln!(out, r#"<feed xmlns="http://www.w3.org/2005/Atom">"#)?;
    writeln!(out, "  <id>{}</id>", xml_text(f.self_url))?;
    writeln!(out, "  <title>{}</title>", xml_text(f.title))?;
    writeln!(out, "  <updated>{}</updated>", atom_time(f.now))?;
    writeln!(
        out,
        r#"  <link rel="self" type="application/atom+xml" href="{}"/>"#,
        xml_text(f.self_url)
    )?;
    writeln!(
        out,
        r#"  <link rel="alternate" type="text/html" href="{}"/>"#,
        xml_text(f.page_url)
    )?;
    // Stands for the author of an entry whose article names none (Atom asks for one).
    writeln!(out, "  <author><name>dateline</name></author>")?;
    writeln!(out, "  <generator>dateline</generator>")?;
    for hit in f.hits {
        write_entry(out, f, hit)?;
    }
    writeln!(out, "</feed>")
}

fn write_entry(out: &mut impl Write, f: &Feed, hit: &Hit) -> io::Result<()> {
    writeln!(out, "  <entry>")?;
    writeln!(out, "    <id>{}</id>", xml_text(&entry_id(&hit.id)))?;
    let title = one_line(&hit.title.text);
    let title = if title.is_empty() {
        "(untitled)"
    } else {
        &title
    };
    writeln!(out, "    <title>{}</title>", xml_text(title))?;
    writeln!(
        out,
        "    <updated>{}</updated>",
        atom_time(hit.date.unwrap_or(f.now))
    )?;
    if let Some(date) = hit.date {
        writeln!(out, "    <published>{}</published>", atom_time(date))?;
    }
    for name in &hit.authors {
        writeln!(out, "    <author><name>{}</name></author>", xml_text(name))?;
    }
    writeln!(
        out,
        r#"    <link rel="alternate" type="text/html" href="{}"/>"#,
        xml_text(&format!("{}{}", f.article_base, hit.id))
    )?;
    if let Some(url) = hit.url.as_deref().filter(|u| is_web_url(u)) {
        writeln!(
            out,
            r#"    <link rel="related" href="{}"/>"#,
            xml_text(url.trim())
        )?;
    }
    let summary = one_line(&hit.snippet.text);
    if !summary.is_empty() {
        writeln!(out, "    <summary>{}</summary>", xml_text(&summary))?;
    }
    writeln!(out, "  </entry>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(
            xml_text("a<b>&\"c'\u{0}\u{1b}\u{FFFF}\td"),
            "a&lt;b&gt;&amp;&quot;c&apos;\td"
        );
    }
}
