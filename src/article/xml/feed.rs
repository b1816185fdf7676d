//! RSS 2.0 / RSS 1.0 and Atom feeds: each `item` / `entry` is an article, numbered from 1
//! by its position in the feed.
//!
//! Written on quick-xml rather than with a feed crate: feed-rs (the one well-kept choice)
//! converts every date to UTC, where dateline keeps the wall-clock time the feed states,
//! and builds the whole feed in memory, where this reads one item at a time.

use super::tree::{self, decode_entities, Element};
use super::{byline_authors, xml_date, Out};
use crate::article::{html, Article, ArticleDate, Severity};

pub(super) fn read_rss(walker: &mut tree::Walker<'_>, out: &mut Out<'_>) {
    let mut n = 0u64;
    // The channel's title (`Valley Courier — Local News`), before its items: their
    // publication.
    let mut channel: Option<String> = None;
    let is_channel_title = |outer: &[Element], el: &Element| {
        el.is("title") && outer.last().is_some_and(|c| c.is("channel"))
    };
    let end = walker.walk(
        |outer, el| el.is("item") || is_channel_title(outer, el),
        |outer, unit| {
            if let Ok(el) = &unit {
                if is_channel_title(outer, el) {
                    channel = inline(&el.text()).ok().filter(|t| !t.is_empty());
                    return;
                }
            }
            n += 1;
            match unit.and_then(|item| rss_item(&item)) {
                Ok(mut article) => {
                    article.publication.clone_from(&channel);
                    emit(out, n, article)
                }
                Err(reason) => out.problem(Some(n), Severity::Skipped, reason),
            }
        },
    );
    if let Err(broken) = end {
        out.broken(broken, Some(n + 1));
    }
}

fn emit(out: &mut Out<'_>, n: u64, article: Article) {
    if article.title.is_empty() && article.body.is_empty() {
        out.problem(
            Some(n),
            Severity::Skipped,
            "feed item with no title and no text".into(),
        );
    } else {
        out.article(Some(n), article);
    }
}

fn rss_item(item: &Element) -> Result<Article, String> {
    let text_of = |name: &str| {
        item.children_named(name)
            .map(Element::text)
            .find(|t| !t.is_empty())
    };
    // WordPress escapes entities twice in titles (`&amp;#8216;`): decode once more.
    let title = text_of("title")
        .map(|t| inline(&t))
        .transpose()?
        .unwrap_or_default();
    let url = item
        .children_named("link")
        .map(Element::text)
        .find(|t| !t.is_empty())
        .or_else(|| {
            let alternate = item
                .children_named("link")
                .find(|l| matches!(l.attr("rel"), None | Some("alternate")))?;
            alternate.attr("href").map(str::to_owned)
        })
        .or_else(|| {
            let guid = item.child("guid")?;
            let permalink = guid.attr("isPermaLink") != Some("false");
            let text = guid.text();
            (permalink && text.starts_with("http")).then_some(text)
        });
    let mut authors: Vec<String> = item
        .children_named("creator")
        .flat_map(|c| byline_authors(&c.text()))
        .collect();
    if authors.is_empty() {
        authors = item
            .children_named("author")
            .filter_map(|a| match a.child("name") {
                Some(name) => Some(name.text()),
                None => rss_author(&a.text()),
            })
            .filter(|a| !a.is_empty())
            .collect();
    }
    let date = ["pubDate", "date", "published", "updated", "issued"]
        .iter()
        .filter_map(|name| text_of(name))
        .find_map(|d| xml_date(&d));
    let mut body = String::new();
    for el in ["encoded", "description", "summary", "content"]
        .iter()
        .filter_map(|name| item.child(name))
    {
        let mut raw = String::new();
        el.raw_text(&mut raw);
        body = html_text(&raw)?;
        if !body.is_empty() {
            break;
        }
    }
    Ok(Article {
        title,
        authors,
        date,
        body,
        url,
        place: None,
        source: None,
        publication: None,
    })
}

/// The name in an RSS `author`: `jo@x.org (Jo Bloggs)` gives `Jo Bloggs`; a bare e-mail
/// address names no one.
fn rss_author(s: &str) -> Option<String> {
    if let (Some(open), Some(close)) = (s.find('('), s.rfind(')')) {
        if open < close {
            let name = tree::collapse(&s[open + 1..close]);
            return (!name.is_empty()).then_some(name);
        }
    }
    (!s.contains('@')).then(|| tree::collapse(s))
}

pub(super) fn read_atom(walker: &mut tree::Walker<'_>, out: &mut Out<'_>) {
    let mut n = 0u64;
    let mut feed_authors: Vec<String> = Vec::new();
    // The feed's own title: its entries' publication.
    let mut feed_title: Option<String> = None;
    let end = walker.walk(
        |outer, el| el.is("entry") || (outer.len() == 1 && (el.is("author") || el.is("title"))),
        |outer, unit| {
            let el = match unit {
                Ok(el) => el,
                Err(reason) => {
                    n += 1;
                    return out.problem(Some(n), Severity::Skipped, reason);
                }
            };
            if el.is("author") {
                feed_authors.extend(atom_authors(std::slice::from_ref(&el)));
                return;
            }
            if el.is("title") {
                feed_title = atom_text(&el)
                    .ok()
                    .map(|t| t.join(" "))
                    .filter(|t| !t.is_empty());
                return;
            }
            n += 1;
            let mut base: Option<String> = None;
            for ancestor in outer.iter().chain([&el]) {
                if let Some(b) = ancestor.attr("xml:base") {
                    base = Some(resolve_url(base.as_deref(), b));
                }
            }
            let mut article = match atom_entry(&el, base.as_deref()) {
                Ok(article) => article,
                Err(reason) => return out.problem(Some(n), Severity::Skipped, reason),
            };
            if article.authors.is_empty() {
                article.authors.clone_from(&feed_authors);
            }
            article.publication.clone_from(&feed_title);
            emit(out, n, article);
        },
    );
    if let Err(broken) = end {
        out.broken(broken, Some(n + 1));
    }
}

fn atom_authors(authors: &[Element]) -> Vec<String> {
    authors
        .iter()
        .filter_map(|a| a.child("name"))
        .map(Element::text)
        .filter(|a| !a.is_empty())
        .collect()
}

fn atom_entry(entry: &Element, base: Option<&str>) -> Result<Article, String> {
    let title = match entry.child("title") {
        Some(t) => atom_text(t)?.join(" "),
        None => String::new(),
    };
    let links: Vec<&Element> = entry.children_named("link").collect();
    let url = links
        .iter()
        .find(|l| matches!(l.attr("rel"), None | Some("alternate")))
        .or(links.first())
        .and_then(|l| l.attr("href"))
        .map(|href| resolve_url(base, href.trim()));
    let authors: Vec<Element> = entry.children_named("author").cloned().collect();
    let date: Option<ArticleDate> = ["published", "updated", "issued", "modified", "date"]
        .iter()
        .filter_map(|name| entry.child(name))
        .find_map(|d| xml_date(&d.text()));
    let mut body = Vec::new();
    for content in ["content", "summary"]
        .iter()
        .filter_map(|name| entry.child(name))
        .filter(|c| c.attr("src").is_none())
    {
        body = atom_text(content)?;
        if !body.is_empty() {
            break;
        }
    }
    Ok(Article {
        title,
        authors: atom_authors(&authors),
        date,
        body: body.join("\n\n"),
        url,
        place: None,
        source: None,
        publication: None,
    })
}

/// The paragraphs of an Atom text construct: `type="text"` as it is, `html` as markup
/// turned into text, `xhtml` as the child elements' text.
fn atom_text(el: &Element) -> Result<Vec<String>, String> {
    let kind = el.attr("type").unwrap_or("text").to_ascii_lowercase();
    if kind == "xhtml" || kind.ends_with("+xml") || kind.ends_with("/xml") {
        return Ok(tree::paragraphs(
            el,
            &["script", "style", "figure", "figcaption"],
        ));
    }
    let mut raw = String::new();
    el.raw_text(&mut raw);
    Ok(if kind == "html" || kind.contains("html") {
        tree::text_paragraphs(&html_text(&raw)?)
    } else if kind == "text" || kind.starts_with("text/") {
        tree::text_paragraphs(&raw)
    } else {
        Vec::new()
    })
}

/// A title that may carry markup or entities escaped twice, as one line of text.
fn inline(s: &str) -> Result<String, String> {
    Ok(tree::collapse(&html_text(s)?))
}

/// HTML (a feed item's `content:encoded`, an Atom `content type="html"`) as text,
/// paragraphs separated by a blank line.
///
/// The HTML reader's `fragment_text` does this; when it hands its input back unchanged
/// (markup its parser gave up on, or text with no markup at all), the small tag stripper
/// below still drops what tags and entities there are. `Err` says why the HTML is not
/// read (it nests too deep, as a page that is refused), for the item's skip.
pub(super) fn html_text(s: &str) -> Result<String, String> {
    let text = html::fragment_text(s)
        .map_err(|deep| format!("its HTML has {deep}: a damaged or hostile item, not read"))?;
    Ok(if text == s { strip_tags(s) } else { text })
}

/// Elements whose content is never article text.
const SKIP: &[&str] = &[
    "script",
    "style",
    "figure",
    "figcaption",
    "noscript",
    "iframe",
    "object",
    "svg",
    "form",
    "button",
    "nav",
    "aside",
    "template",
    "video",
    "audio",
];
/// Elements that end a paragraph.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "hr",
    "section",
    "article",
    "table",
    "tr",
    "header",
    "footer",
    "dd",
    "dt",
];
/// Elements with no end tag.
const VOID: &[&str] = &[
    "br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col", "embed", "param",
    "track",
];
/// Class names of share bars and related-post lists in blog feeds.
const SKIP_CLASSES: &[&str] = &[
    "sharedaddy",
    "jp-relatedposts",
    "share-buttons",
    "social-share",
];

fn strip_tags(s: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, paragraphs: &mut Vec<String>| {
        let p = tree::collapse(current);
        if !p.is_empty() {
            paragraphs.push(p);
        }
        current.clear();
    };
    // The element being skipped, and how deep inside elements of its name.
    let mut skip: Option<(String, usize)> = None;
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        if skip.is_none() {
            current.push_str(&decode_entities(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
            continue;
        }
        let after = &rest[1..];
        let closing = after.starts_with('/');
        let name_start = after.trim_start_matches('/');
        let starts_tag = name_start.starts_with(|c: char| c.is_ascii_alphabetic() || c == '!');
        if !starts_tag {
            // A `<` that opens no tag is text.
            if skip.is_none() {
                current.push('<');
            }
            rest = after;
            continue;
        }
        let Some(end) = rest.find('>') else {
            // A tag never closed: no `>` is left, so the rest can only be text.
            if skip.is_none() {
                current.push_str(&decode_entities(rest));
            }
            rest = "";
            break;
        };
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        let name = name_start
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let empty = tag.ends_with('/') || VOID.contains(&name.as_str());
        if let Some((skipped, depth)) = &mut skip {
            if *skipped == name && !empty {
                if closing {
                    *depth -= 1;
                } else {
                    *depth += 1;
                }
                if *depth == 0 {
                    skip = None;
                }
            }
            continue;
        }
        let lower = tag.to_ascii_lowercase();
        let skipped_class = SKIP_CLASSES.iter().any(|c| lower.contains(c));
        if !closing && !empty && (SKIP.contains(&name.as_str()) || skipped_class) {
            flush(&mut current, &mut paragraphs);
            skip = Some((name, 1));
            continue;
        }
        if BLOCK.contains(&name.as_str()) {
            flush(&mut current, &mut paragraphs);
        }
    }
    if skip.is_none() {
        current.push_str(&decode_entities(rest));
    }
    flush(&mut current, &mut paragraphs);
    paragraphs.join("\n\n")
}

/// `href` resolved against `base` (`xml:base`): absolute links as they are, `/path`
/// against the base's origin, `path` against its folder.
fn resolve_url(base: Option<&str>, href: &str) -> String {
    let has_scheme = href.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let Some(base) = base.filter(|_| !has_scheme) else {
        return href.to_owned();
    };
    let (scheme, after_scheme) = match base.split_once("://") {
        Some((s, rest)) => (s, rest),
        None => return href.to_owned(),
    };
    let host_end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let origin = &base[..scheme.len() + 3 + host_end];
    if let Some(rest) = href.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    if href.starts_with('/') {
        return format!("{origin}{href}");
    }
    let path_end = base.find(['?', '#']).unwrap_or(base.len());
    let base_path = &base[..path_end];
    if href.starts_with(['?', '#']) || href.is_empty() {
        return format!("{base_path}{href}");
    }
    let folder = match base_path.rfind('/') {
        Some(i) if i >= origin.len() => &base_path[..=i],
        _ => return format!("{origin}/{href}"),
    };
    format!("{folder}{href}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_xml_base() {
        let base = Some("https://news.example/a/b.html");
        assert_eq!(resolve_url(base, "/x"), "https://news.example/x");
        assert_eq!(resolve_url(base, "c"), "https://news.example/a/c");
        assert_eq!(
            resolve_url(base, "//cdn.example/y"),
            "https://cdn.example/y"
        );
        assert_eq!(
            resolve_url(base, "https://o.example/"),
            "https://o.example/"
        );
        assert_eq!(
            resolve_url(Some("https://h.example"), "z"),
            "https://h.example/z"
        );
        assert_eq!(resolve_url(None, "/rel"), "/rel");
    }

    #[test]
    fn the_tag_stripper_keeps_paragraphs_and_drops_furniture() {
        let html = "<p><strong>TOWN</strong> &mdash; One &amp; two.</p>\n<figure><img src=x/><figcaption>Cap</figcaption></figure><p>Three <3 &lt;b&gt;</p><div class=\"sharedaddy\"><div>Share</div><ul><li>FB</li></ul></div><script>x()</script>tail<!-- c -->";
        assert_eq!(
            strip_tags(html),
            "TOWN — One & two.\n\nThree <3 <b>\n\ntail"
        );
        assert_eq!(strip_tags("a < b"), "a < b");
        assert_eq!(strip_tags("<div><div>"), "");
        assert_eq!(strip_tags("x <b unclosed"), "x <b unclosed");
        // Linear whatever the markup: no rescanning for a `>` that is not there.
        let hostile = "<a".repeat(200_000) + &"< ".repeat(200_000);
        assert!(strip_tags(&hostile).starts_with("<a<a"));
    }

    #[test]
    fn rss_authors_are_names_not_addresses() {
        assert_eq!(
            rss_author("jo@x.org (Jo Bloggs)").as_deref(),
            Some("Jo Bloggs")
        );
        assert_eq!(rss_author("jo@x.org"), None);
        assert_eq!(rss_author("Jo Bloggs").as_deref(), Some("Jo Bloggs"));
    }
}
