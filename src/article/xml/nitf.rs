//! NITF 3.x, as in the New York Times Annotated Corpus: one article per file.
//!
//! Title `hedline/hl1`; authors from `byline` (the NYT's upper-case print byline, with
//! `normalized_byline` giving the same people in name case); date from
//! `pubdata/@date.publication`, `date.release` or the `publication_*` meta; place from
//! `dateline`; body from `body.content` (the NYT's `full_text` block only: its
//! `lead_paragraph` block repeats the opening); the publication from `pubdata/@name`, else
//! `docdata/doc.copyright/@holder`.

use super::tree::{self, Element};
use super::{byline_authors, place_from_dateline, xml_date, Out};
use crate::article::{Article, ArticleDate};

/// Elements of a NITF body that are not the story's text.
const NOT_BODY: &[&str] = &[
    "media",
    "media-caption",
    "media-producer",
    "media-metadata",
    "byline",
    "dateline",
    "note",
    "abstract",
    "body.head",
    "body.end",
    "head",
    "script",
    "style",
];

pub(super) fn read(walker: &mut tree::Walker<'_>, out: &mut Out<'_>) {
    out.single(walker, "NITF article", article);
}

/// The article a `<nitf>` element holds (also used for NITF inside NewsML).
pub(super) fn article(nitf: &Element) -> Article {
    let head = nitf.child("head");
    let body_head = nitf.path(&["body", "body.head"]);
    let title = body_head
        .and_then(|h| h.path(&["hedline", "hl1"]))
        .or_else(|| head.and_then(|h| h.child("title")))
        .map(Element::text)
        .unwrap_or_default();
    let pubdata = head.and_then(|h| h.child("pubdata"));
    Article {
        title,
        authors: body_head.map(authors).unwrap_or_default(),
        date: head.and_then(date),
        body: body(nitf).join("\n\n"),
        url: pubdata
            .and_then(|p| p.attr("ex-ref"))
            .filter(|u| u.starts_with("http"))
            .map(str::to_owned),
        place: body_head.and_then(|h| h.child("dateline")).and_then(place),
        source: body_head.and_then(credited),
        publication: [
            pubdata.and_then(|p| p.attr("name")),
            head.and_then(|h| h.path(&["docdata", "doc.copyright"]))
                .and_then(|c| c.attr("holder")),
        ]
        .into_iter()
        .flatten()
        .map(tree::collapse)
        .find(|s| !s.is_empty()),
    }
}

/// The paragraphs of a NITF body.
pub(super) fn body(nitf: &Element) -> Vec<String> {
    let Some(content) = nitf.find("body.content") else {
        return Vec::new();
    };
    let blocks: Vec<&Element> = content.children_named("block").collect();
    let full_text = blocks.iter().find(|b| b.attr("class") == Some("full_text"));
    let mut paragraphs = match full_text {
        Some(block) => tree::paragraphs(block, NOT_BODY),
        None => {
            // Without a full_text block, every block but the repeated lead.
            let mut trimmed = content.clone();
            trimmed.children.retain(|n| match n {
                tree::Node::Element(e) => {
                    !(e.is("block") && e.attr("class") == Some("lead_paragraph"))
                }
                tree::Node::Text(_) => true,
            });
            tree::paragraphs(&trimmed, NOT_BODY)
        }
    };
    // 1980s NYT articles open with `LEAD: <first paragraph>` and then the paragraph again.
    if paragraphs.len() >= 2 {
        if let Some(lead) = paragraphs[0].strip_prefix("LEAD: ") {
            if lead.trim() == paragraphs[1] {
                paragraphs.remove(0);
            }
        }
    }
    paragraphs
}

/// The source the print byline credits (`By JO WINTERBOTTOM, Special to the New York
/// Times`; a `byttl` job title such as `Associated Press Writer`).
fn credited(body_head: &Element) -> Option<String> {
    let byline = body_head
        .children_named("byline")
        .find(|b| b.attr("class") != Some("normalized_byline"))?;
    // `byttl` is a job title of its own, not glued to the last name.
    byline
        .child("byttl")
        .and_then(|title| super::read_byline(&title.text()).source)
        .or_else(|| super::read_byline(&byline.text()).source)
}

fn authors(body_head: &Element) -> Vec<String> {
    let bylines: Vec<&Element> = body_head.children_named("byline").collect();
    let print = bylines
        .iter()
        .find(|b| b.attr("class") != Some("normalized_byline"));
    let mut authors: Vec<String> = Vec::new();
    if let Some(byline) = print {
        let mut people = Vec::new();
        byline.find_all("person", &mut people);
        if people.is_empty() {
            // `byttl` is the writer's job title, not a name.
            let mut text = String::new();
            for n in &byline.children {
                match n {
                    tree::Node::Text(t) => text.push_str(t),
                    tree::Node::Element(e) if !e.is("byttl") => e.raw_text(&mut text),
                    tree::Node::Element(_) => {}
                }
            }
            authors = byline_authors(&text);
        } else {
            authors = people
                .iter()
                .map(|p| crate::article::byline::name_case(&p.text()))
                .filter(|p| !p.is_empty())
                .collect();
        }
    }
    // "Doe, John; Roe, Jane": the same people in the paper's own spelling of the case.
    let normalized: Vec<String> = bylines
        .iter()
        .find(|b| b.attr("class") == Some("normalized_byline"))
        .map(|b| {
            b.text()
                .split(';')
                .filter_map(|p| {
                    let (last, first) = p.split_once(',')?;
                    let name = format!("{} {}", first.trim(), last.trim());
                    (!first.trim().is_empty() && !last.trim().is_empty()).then_some(name)
                })
                .collect()
        })
        .unwrap_or_default();
    let same_people = normalized.len() == authors.len()
        && normalized
            .iter()
            .zip(&authors)
            .all(|(n, a)| n.to_lowercase() == a.to_lowercase());
    if (authors.is_empty() || same_people) && !normalized.is_empty() {
        return normalized;
    }
    authors
}

fn date(head: &Element) -> Option<ArticleDate> {
    let from_pubdata = head
        .child("pubdata")
        .and_then(|p| p.attr("date.publication"))
        .and_then(xml_date);
    let release = || {
        head.path(&["docdata", "date.release"])
            .and_then(|d| d.attr("norm").map(str::to_owned).or_else(|| Some(d.text())))
            .and_then(|d| xml_date(&d))
    };
    let meta = || {
        let value = |name: &str| {
            head.children_named("meta")
                .find(|m| m.attr("name") == Some(name))
                .and_then(|m| m.attr("content"))
                .and_then(|c| c.trim().parse::<u32>().ok())
        };
        let day = chrono::NaiveDate::from_ymd_opt(
            i32::try_from(value("publication_year")?).ok()?,
            value("publication_month")?,
            value("publication_day_of_month")?,
        )?;
        Some(ArticleDate {
            datetime: day.and_time(chrono::NaiveTime::MIN),
            has_time: false,
        })
    };
    from_pubdata.or_else(release).or_else(meta)
}

fn place(dateline: &Element) -> Option<String> {
    if let Some(location) = dateline.find("location") {
        let text = location.text();
        if !text.is_empty() {
            return Some(text);
        }
    }
    place_from_dateline(&dateline.text())
}
