//! NewsML 1: the Reuters RCV1 `<newsitem>` (one article per file) and the IPTC `<NewsML>`
//! envelope that agencies (AFP, ANP, Belga, …) send, one article per text `NewsItem`.

use super::tree::{self, Element, Node};
use super::{byline_authors, nitf, place_from_dateline, xml_date, Out};
use crate::article::{Article, Severity};

/// Reads an RCV1 `<newsitem>`: `headline`, `byline`, `dateline`, `@date`, `text/p`.
pub(super) fn read_rcv1(walker: &mut tree::Walker<'_>, out: &mut Out<'_>) {
    out.single(walker, "RCV1 newsitem", rcv1);
}

fn rcv1(item: &Element) -> Article {
    // `dc` metadata: `<dc element="dc.creator.location" value="SAO PAULO"/>`.
    let dc = |name: &str| {
        item.child("metadata").and_then(|m| {
            m.children_named("dc")
                .find(|d| d.attr("element") == Some(name))
                .and_then(|d| d.attr("value"))
                .map(tree::collapse)
                .filter(|v| !v.is_empty())
        })
    };
    let title = item
        .child("headline")
        .map(Element::text)
        .filter(|t| !t.is_empty())
        .or_else(|| {
            // `title` is `COUNTRY: headline`.
            let t = item.child("title")?.text();
            Some(match t.split_once(": ") {
                Some((country, rest)) if country.chars().all(|c| !c.is_lowercase()) => {
                    rest.to_owned()
                }
                _ => t,
            })
        })
        .unwrap_or_default();
    let body = item
        .child("text")
        .map(|t| tree::paragraphs(t, &[]).join("\n\n"))
        .unwrap_or_default();
    Article {
        title,
        authors: item
            .child("byline")
            .map(|b| byline_authors(&b.text()))
            .unwrap_or_default(),
        date: item
            .attr("date")
            .and_then(xml_date)
            .or_else(|| dc("dc.date.published").as_deref().and_then(xml_date)),
        body,
        url: None,
        place: item
            .child("dateline")
            .and_then(|d| place_from_dateline(&d.text()))
            .or_else(|| dc("dc.creator.location")),
        source: dc("dc.source"),
        publication: None,
    }
}

/// Reads a `<NewsML>` envelope: each `NewsItem` with text is an article, numbered by its
/// position among the envelope's items.
pub(super) fn read_envelope(walker: &mut tree::Walker<'_>, out: &mut Out<'_>) {
    let mut n = 0u64;
    let end = walker.walk(
        |outer, el| outer.len() == 1 && el.is("NewsItem"),
        |_, unit| {
            n += 1;
            match unit {
                Ok(item) => match news_item(&item) {
                    Some(article) => out.article(Some(n), article),
                    // Pictures, graphics and empty placeholders are not articles.
                    None => out.passed_over(),
                },
                Err(reason) => out.problem(Some(n), Severity::Skipped, reason),
            }
        },
    );
    if let Err(broken) = end {
        out.broken(broken, Some(n + 1));
    }
}

fn news_item(item: &Element) -> Option<Article> {
    let content = text_content(item)?;
    let nitf = content.find("nitf");
    let body: Vec<String> = match nitf {
        Some(nitf) => nitf::body(nitf),
        None if content.has_elements() => tree::paragraphs(content, &["head", "title"]),
        None => {
            let mut raw = String::new();
            content.raw_text(&mut raw);
            tree::text_paragraphs(&raw)
        }
    };
    let from_nitf = nitf.map(nitf::article);
    let line = |name: &str| item.find(name).map(Element::text).filter(|t| !t.is_empty());
    let title = line("HeadLine")
        .or_else(|| from_nitf.as_ref().map(|a| a.title.clone()))
        .unwrap_or_default();
    if body.is_empty() {
        return None;
    }
    let management = item.child("NewsManagement");
    let date = management
        .and_then(|m| {
            m.child("FirstCreated")
                .or_else(|| m.child("ThisRevisionCreated"))
        })
        .and_then(|d| xml_date(&d.text()))
        .or_else(|| {
            item.path(&["Identification", "NewsIdentifier", "DateId"])
                .and_then(|d| xml_date(&d.text()))
        })
        .or_else(|| from_nitf.as_ref().and_then(|a| a.date));
    let mut authors = line("ByLine")
        .map(|b| byline_authors(&b))
        .unwrap_or_default();
    if authors.is_empty() {
        authors = from_nitf
            .as_ref()
            .map(|a| a.authors.clone())
            .unwrap_or_default();
    }
    let place = line("DateLine")
        .and_then(|d| place_from_dateline(&d))
        .or_else(|| from_nitf.as_ref().and_then(|a| a.place.clone()));
    // `NewsManagement`'s or `AdministrativeMetadata`'s provider: a `Party` with its
    // `FormalName`, or (in some feeds) the name as the element's text.
    let publication = item.find("Provider").and_then(|p| {
        p.child("Party")
            .and_then(|p| p.attr("FormalName"))
            .map(tree::collapse)
            .or_else(|| Some(p.text()))
            .filter(|s| !s.is_empty())
    });
    Some(Article {
        title,
        authors,
        date,
        body: body.join("\n\n"),
        url: None,
        place,
        source: line("ByLine")
            .and_then(|b| super::read_byline(&b).source)
            .or_else(|| from_nitf.as_ref().and_then(|a| a.source.clone())),
        publication,
    })
}

/// The `DataContent` of the item's first text `ContentItem`: one whose `MediaType` is
/// `Text` (or unstated) and that holds text, not a link to a picture.
fn text_content(item: &Element) -> Option<&Element> {
    let mut items = Vec::new();
    item.find_all("ContentItem", &mut items);
    items.into_iter().find_map(|ci| {
        let media = ci
            .child("MediaType")
            .and_then(|m| m.attr("FormalName"))
            .unwrap_or("Text");
        if !media.eq_ignore_ascii_case("text") {
            return None;
        }
        let data = ci.child("DataContent")?;
        let has_text = data.children.iter().any(|n| match n {
            Node::Text(t) => !t.trim().is_empty(),
            Node::Element(_) => true,
        });
        has_text.then_some(data)
    })
}
