//! NewsML-G2: a `newsItem` file (one article) or a `newsMessage` carrying several items, of
//! which each text `newsItem` is an article; packages, pictures, videos, concepts and
//! planning items are not articles and are passed over.

use super::tree::{self, Element};
use super::{byline_authors, feed, nitf, place_from_dateline, xml_date, Out};
use crate::article::{Article, Severity};

/// What an item holds.
enum Item {
    Article(Article),
    /// Not an article (a package, a picture): why, for a file that is only this item.
    NotArticle(String),
    /// A text item without text (IPTC's own examples have placeholder items).
    NoText,
    /// A text item that is not read, and why.
    Refused(String),
}

pub(super) fn read(walker: &mut tree::Walker<'_>, out: &mut Out<'_>) {
    let mut n = 0u64;
    let mut message = false;
    let end = walker.walk(
        |outer, el| match outer {
            [] => {
                message = el.is("newsMessage");
                !message
            }
            [root, set] => root.is("newsMessage") && set.is("itemSet"),
            _ => false,
        },
        |outer, unit| {
            // A lone item is the file; items in a message are numbered from 1.
            let record = if outer.is_empty() {
                None
            } else {
                n += 1;
                Some(n)
            };
            let item = match unit {
                Ok(item) => item,
                Err(reason) => return out.problem(record, Severity::Skipped, reason),
            };
            match read_item(&item) {
                Item::Article(article) => out.article(record, article),
                Item::NotArticle(what) if record.is_none() => {
                    out.problem(None, Severity::Skipped, what)
                }
                Item::NotArticle(_) => out.passed_over(),
                Item::NoText => out.problem(
                    record,
                    Severity::Skipped,
                    "NewsML-G2 text item with no text".into(),
                ),
                Item::Refused(reason) => out.problem(record, Severity::Skipped, reason),
            }
        },
    );
    if let Err(broken) = end {
        out.broken(broken, message.then_some(n + 1));
    }
}

fn read_item(item: &Element) -> Item {
    if !item.is("newsItem") {
        return Item::NotArticle(format!(
            "a NewsML-G2 {}, not an article",
            item.name.chars().take(40).collect::<String>()
        ));
    }
    let class = item
        .path(&["itemMeta", "itemClass"])
        .and_then(|c| c.attr("qcode"))
        .unwrap_or("");
    let kind = class.rsplit(':').next().unwrap_or("");
    if !class.is_empty() && kind != "text" {
        return Item::NotArticle(format!(
            "a NewsML-G2 {} item, not an article",
            kind.chars().take(40).collect::<String>()
        ));
    }
    let meta = item.child("contentMeta");
    let body = match item.child("contentSet").map(body).transpose() {
        Ok(body) => body.unwrap_or_default(),
        Err(reason) => return Item::Refused(reason),
    };
    if body.is_empty() {
        return Item::NoText;
    }
    let title = meta.map(headline).unwrap_or_default();
    let mut authors: Vec<String> = meta
        .map(|m| {
            m.children_named("creator")
                .filter_map(|c| {
                    let name = c
                        .child("name")
                        .map(Element::text)
                        .or_else(|| c.attr("literal").map(tree::collapse))?;
                    (!name.is_empty()).then_some(name)
                })
                .collect()
        })
        .unwrap_or_default();
    if authors.is_empty() {
        authors = meta
            .and_then(|m| m.child("by"))
            .map(|b| byline_authors(&b.text()))
            .unwrap_or_default();
    }
    let item_meta = item.child("itemMeta");
    let date = [
        meta.and_then(|m| m.child("contentCreated")),
        item_meta.and_then(|m| m.child("firstCreated")),
        item_meta.and_then(|m| m.child("versionCreated")),
    ]
    .into_iter()
    .flatten()
    .find_map(|d| xml_date(&d.text()));
    let place = meta.and_then(|m| {
        m.child("located")
            .and_then(|l| l.child("name"))
            .map(Element::text)
            .filter(|p| !p.is_empty())
            .or_else(|| {
                m.child("dateline")
                    .and_then(|d| place_from_dateline(&d.text()))
            })
    });
    let provider = item_meta.and_then(|m| m.child("provider"));
    let publication = provider
        .and_then(|p| p.child("name"))
        .map(Element::text)
        .or_else(|| provider.and_then(|p| p.attr("literal")).map(tree::collapse))
        .filter(|s| !s.is_empty());
    Item::Article(Article {
        title,
        authors,
        date,
        body: body.join("\n\n"),
        url: None,
        place,
        source: None,
        publication,
    })
}

/// The main headline: `hld:main` or one without a role, before sub-headlines.
fn headline(meta: &Element) -> String {
    let lines: Vec<&Element> = meta.children_named("headline").collect();
    let main = lines
        .iter()
        .find(|h| matches!(h.attr("role"), Some(r) if r.ends_with(":main")))
        .or_else(|| lines.iter().find(|h| h.attr("role").is_none()))
        .or(lines.first());
    main.map(|h| h.text()).unwrap_or_default()
}

/// The text of the first rendition that has any: NITF or XHTML in `inlineXML`, plain text
/// or HTML in `inlineData`. Later renditions repeat the story, so they are not read.
/// `Err` says why HTML in `inlineData` is not read.
fn body(set: &Element) -> Result<Vec<String>, String> {
    for content in set.elements() {
        let kind = content
            .attr("contenttype")
            .unwrap_or("")
            .to_ascii_lowercase();
        let paragraphs = if content.is("inlineXML") {
            if let Some(nitf) = content.find("nitf") {
                nitf::body(nitf)
            } else if let Some(body) = content.find("body") {
                tree::paragraphs(body, &["script", "style", "figure", "figcaption"])
            } else {
                tree::paragraphs(content, &["head", "script", "style"])
            }
        } else if content.is("inlineData") {
            let mut raw = String::new();
            content.raw_text(&mut raw);
            let encoding = content.attr("encoding").unwrap_or("");
            if encoding.eq_ignore_ascii_case("base64") {
                match base64(&raw) {
                    Some(text) => raw = text,
                    None => continue,
                }
            }
            if kind.contains("html") {
                tree::text_paragraphs(&feed::html_text(&raw)?)
            } else if kind.is_empty() || kind.starts_with("text/") {
                tree::text_paragraphs(&raw)
            } else {
                continue;
            }
        } else {
            // remoteContent: a link, never fetched.
            continue;
        };
        if !paragraphs.is_empty() {
            return Ok(paragraphs);
        }
    }
    Ok(Vec::new())
}

/// Standard base64 (whitespace ignored) decoded as UTF-8; `None` when it is not.
fn base64(s: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes() {
        assert_eq!(base64("SGVs\nbG8=").as_deref(), Some("Hello"));
        assert_eq!(base64("w6k=").as_deref(), Some("é"));
        assert_eq!(base64("!!"), None);
    }
}
