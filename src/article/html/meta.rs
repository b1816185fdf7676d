//! A page's metadata, best source first: JSON-LD (`NewsArticle` and kin, inside `@graph`
//! too), then OpenGraph / `article:` / `meta name` tags, then microdata (`itemprop`), then
//! what the page shows (an `h1`, a `<time datetime>`, a byline element).

use dom_query::{Document, Selection};
use serde_json::Value;

use super::super::dates::{self, Place, Stated};
use super::super::{byline, ArticleDate};

/// What the page says about its article.
#[derive(Debug, Default)]
pub(super) struct Meta {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub date: Option<ArticleDate>,
    pub url: Option<String>,
    pub place: Option<String>,
    pub source: Option<String>,
    /// The size of the page's JSON-LD blocks together, in bytes.
    pub json_ld_bytes: usize,
    /// The article's text as the publisher's JSON-LD gives it (`articleBody`), unchecked.
    pub article_body: Option<String>,
}

/// The fields of the page's JSON-LD article.
#[derive(Debug, Default)]
struct LdArticle {
    /// The size of the blocks read, together.
    bytes: usize,
    headline: Option<String>,
    authors: Vec<String>,
    dates: Vec<String>,
    publisher: Option<String>,
    url: Option<String>,
    body: Option<String>,
}

/// JSON-LD nested deeper than this is not walked.
const MAX_LD_DEPTH: usize = 12;

/// The longest author name taken, in words.
const MAX_NAME_WORDS: usize = 6;

/// Authors taken from a page, at most: no real byline comes near it, and a page listing
/// millions would otherwise cost memory and time for each.
pub(super) const MAX_AUTHORS: usize = 50;

/// Values kept from one JSON-LD block, at most (objects, arrays, strings and numbers all
/// count one), and items kept from one array: a real article's block, `@graph` and all,
/// holds a few hundred values, while a hostile one can hold millions in a few MB. Past
/// either the rest is read over and not kept, so a long author list leaves the keys after
/// it (a headline, a date) still read.
const MAX_LD_VALUES: usize = 100_000;
const MAX_LD_ITEMS: usize = 1_000;

/// The metadata of `doc`, parsed from `html`.
pub(super) fn read(doc: &Document, html: &str) -> Meta {
    let ld = json_ld(doc, html);
    let tags = MetaTags::read(doc);

    let source = ld
        .publisher
        .clone()
        .or_else(|| tags.first(&["og:site_name", "application-name"]))
        .filter(|s| !s.is_empty());

    let url = doc
        .select("link[rel~=canonical]")
        .attr("href")
        .map(|h| h.trim().to_string())
        .filter(|h| is_web_url(h))
        .or_else(|| tags.first(&["og:url"]).filter(|h| is_web_url(h)))
        .or_else(|| ld.url.clone().filter(|h| is_web_url(h)));

    let headline = ld
        .headline
        .clone()
        .or_else(|| tags.first(&["og:title", "twitter:title"]))
        .or_else(|| microdata(doc, "headline").into_iter().next())
        .or_else(|| Some(doc.select("title").text().to_string()))
        .map(|t| one_line(&t))
        .filter(|t| !t.is_empty());
    let title = title(doc, headline, source.as_deref(), url.as_deref());
    let date = published(doc, &ld.dates, &tags, url.as_deref());

    Meta {
        title,
        authors: authors(doc, ld.authors, &tags, source.as_deref()),
        date,
        url,
        place: visible_dateline(doc),
        source,
        json_ld_bytes: ld.bytes,
        article_body: ld.body,
    }
}

/// The values of the microdata property `prop` (`itemprop`), in page order.
fn microdata(doc: &Document, prop: &str) -> Vec<String> {
    doc.select(&format!("[itemprop~={prop}]"))
        .iter()
        .filter_map(|s| {
            s.attr("content")
                .or_else(|| s.attr("datetime"))
                .map(|v| v.to_string())
                .or_else(|| Some(s.text().to_string()))
        })
        .collect()
}

/// The page's authors: people, as [`people_named`] finds them, the publisher left out.
fn authors(
    doc: &Document,
    from_ld: Vec<String>,
    tags: &MetaTags,
    source: Option<&str>,
) -> Vec<String> {
    // A page often names its publisher where a person should stand (`<meta name="author"
    // content="Condé Nast">` beside `article:author`): such a name is left out, and a place
    // that names nobody else gives way to the next. A name the copyright notice holds is
    // left out only while another place names someone: a blogger's notice holds their own.
    let copyright = tags.first(&["copyright", "dcterms.rightsholder", "dc.rights"]);
    let strict = people_named(doc, &from_ld, tags, &|name| {
        !is_publisher(name, source) && !copyright.as_deref().is_some_and(|c| holds_name(c, name))
    });
    if strict.is_empty() {
        people_named(doc, &from_ld, tags, &|name| !is_publisher(name, source))
    } else {
        strict
    }
}

/// The authors of the first place that names any that `person` accepts: JSON-LD
/// (`from_ld`), then the `<meta>` tags, microdata, and last the visible byline.
fn people_named(
    doc: &Document,
    from_ld: &[String],
    tags: &MetaTags,
    person: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let people = |found: Vec<String>| -> Vec<String> {
        found.into_iter().filter(|name| person(name)).collect()
    };
    let mut authors = people(names(from_ld.to_vec()));
    if authors.is_empty() {
        let keys = [
            "author",
            "byl",
            "dc.creator",
            "dcterms.creator",
            "article:author",
            "parsely-author",
            "sailthru.author",
        ];
        authors = keys
            .iter()
            .map(|key| people(names(tags.all(&[key]))))
            .find(|found| !found.is_empty())
            .unwrap_or_default();
    }
    if authors.is_empty() {
        // An author may hold several names (`<span itemprop="name">` each): each is read
        // on its own.
        let microdata = doc.select("[itemprop~=author]").iter().flat_map(|s| {
            let named = s.select("[itemprop~=name]");
            let holders = if named.exists() { named } else { s };
            holders
                .iter()
                .map(|h| {
                    h.attr("content")
                        .map_or_else(|| super::visible_text(&h, &[]), |c| c.to_string())
                })
                .collect::<Vec<_>>()
        });
        authors = people(names(microdata.collect()));
    }
    if authors.is_empty() {
        authors = people(visible_byline(doc));
    }
    if authors.is_empty() {
        authors = shown_lines(doc, &["by"], MAX_BYLINE_CHARS)
            .into_iter()
            .map(|line| people(names(vec![line])))
            .find(|found| !found.is_empty())
            .unwrap_or_default();
    }
    authors
}

/// Words that end a company's name ("mediagene Inc.", "Example Media GmbH").
const COMPANY_ENDINGS: &[&str] = &[
    "inc",
    "ltd",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "corp",
    "corporation",
    "co",
    "s.a",
    "sa",
];

/// Whether `name`, read as an author, is the page's publisher: its `source`
/// (`og:site_name`, JSON-LD's publisher) or a company's name.
fn is_publisher(name: &str, source: Option<&str>) -> bool {
    let bare = name.trim().trim_end_matches('.').to_lowercase();
    let last = bare.rsplit(char::is_whitespace).next().unwrap_or(&bare);
    source.is_some_and(|s| s.trim().trim_end_matches('.').to_lowercase() == bare)
        || (bare.split_whitespace().count() >= 2 && COMPANY_ENDINGS.contains(&last))
}

/// Whether `notice` (a copyright line) holds `name` whole, not as a part of a word.
fn holds_name(notice: &str, name: &str) -> bool {
    let notice = crate::article::collapse(&notice.to_lowercase());
    let name = name.trim().trim_end_matches('.').to_lowercase();
    !name.is_empty()
        && notice.match_indices(name.as_str()).any(|(at, _)| {
            let before = notice[..at].chars().next_back();
            let after = notice[at + name.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

/// The longest byline read, in characters.
const MAX_BYLINE_CHARS: usize = 120;

/// Text nodes looked at for [`shown_lines`], at most, and lines kept.
const MAX_TEXT_NODES: usize = 20_000;
const MAX_SHOWN_LINES: usize = 8;

/// Lines the page shows that start with one of the words `starts` (lower case): the text
/// of the element holding a text node that starts so (or of its parent, when the element
/// holds only that word, as in `<b>By</b> <a>Jo Bloggs</a>`), at most `max` characters, in
/// page order. Old pages set a byline or a date line in plain `<font>` or `<b>` elements,
/// with no class to find it by.
fn shown_lines(doc: &Document, starts: &[&str], max: usize) -> Vec<String> {
    let Some(body) = doc.select("body").nodes().first().cloned() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for node in body
        .descendants_it()
        .filter(|n| n.is_text())
        .take(MAX_TEXT_NODES)
    {
        let text = node.text();
        let text = text.trim_start();
        let lower: String = text.chars().take(24).flat_map(char::to_lowercase).collect();
        let starts_so = starts.iter().any(|w| {
            lower
                .strip_prefix(w)
                .is_some_and(|rest| rest.is_empty() || !rest.starts_with(char::is_alphanumeric))
        });
        if !starts_so {
            continue;
        }
        let Some(mut element) = node.parent() else {
            continue;
        };
        if element.is("script, style, noscript, template, a") {
            continue;
        }
        let mut line = one_line(&super::visible_text(&Selection::from(element), &[]));
        if line.split_whitespace().count() <= 1 {
            if let Some(parent) = element.parent().filter(|p| p.is_element()) {
                element = parent;
                line = one_line(&super::visible_text(&Selection::from(element), &[]));
            }
        }
        if !line.is_empty() && line.chars().count() <= max {
            lines.push(line);
            if lines.len() >= MAX_SHOWN_LINES {
                break;
            }
        }
    }
    lines
}

/// The page's date of publication, from every place it states one, in order of trust
/// (see [`dates::choose`]): JSON-LD's (`from_ld`), the `<meta>` tags', microdata's, the
/// `<time>` elements', a visible date line's, and its address's (`url`).
fn published(
    doc: &Document,
    from_ld: &[String],
    tags: &MetaTags,
    url: Option<&str>,
) -> Option<ArticleDate> {
    let mut stated: Vec<Stated> = from_ld
        .iter()
        .cloned()
        .chain(tags.all(&[
            "article:published_time",
            "og:article:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "publish-date",
            "date",
            "dc.date",
            "dc.date.issued",
            "dcterms.created",
            "dcterms.date",
            "sailthru.date",
            "parsely-pub-date",
        ]))
        .chain(microdata(doc, "datePublished"))
        .filter_map(|s| stated_at(Place::Metadata, dates::with_zone(&s)))
        .take(MAX_DATES)
        .collect();
    stated.extend(
        visible_times(doc)
            .iter()
            .filter_map(|s| stated_at(Place::Time, dates::with_zone(s)))
            .take(MAX_DATES),
    );
    if !stated.iter().any(|s| s.date.has_time) {
        stated.extend(visible_dates(doc));
        stated.extend(
            shown_lines(doc, &DATE_LABELS, MAX_DATE_LINE_CHARS)
                .iter()
                .filter_map(|line| stated_at(Place::Dateline, dates::from_text(line))),
        );
    }
    if stated.is_empty() {
        stated.extend(url.and_then(dates::from_url).map(|date| Stated {
            place: Place::Url,
            date,
            offset: None,
        }));
    }
    dates::choose(&stated)
}

/// Words that open a line giving the article's date (`Last Updated: Sunday, 1 August, 2004,
/// 08:54 GMT`), lower case.
const DATE_LABELS: [&str; 6] = [
    "last updated",
    "updated",
    "published",
    "first published",
    "posted",
    "last modified",
];

/// The longest date line read, in characters (as [`dates::from_text`] reads).
const MAX_DATE_LINE_CHARS: usize = 160;

/// Dates kept from one place of a page, at most: the first few are the article's.
const MAX_DATES: usize = 8;

fn stated_at(place: Place, found: Option<(ArticleDate, Option<i32>)>) -> Option<Stated> {
    found.map(|(date, offset)| Stated {
        place,
        date,
        offset,
    })
}

/// The dates the page shows as text: a `<time>` without `datetime`, an element whose
/// class or id says it holds the date (`.date`, `.published`, `.timestamp`), a byline.
fn visible_dates(doc: &Document) -> Vec<Stated> {
    let shown = doc.select(
        "time, [class*=date], [class*=Date], [class*=time], [class*=publish], [id*=date], \
         [class*=byline], [class*=meta]",
    );
    shown
        .iter()
        .take(60)
        .filter_map(|element| {
            let text = one_line(&element.text());
            if text.is_empty() || text.len() > 160 {
                return None;
            }
            stated_at(Place::Dateline, dates::from_text(&text))
        })
        .take(MAX_DATES)
        .collect()
}

/// The page's `<meta>` tags as (lower-case name or property, content).
struct MetaTags(Vec<(String, String)>);

impl MetaTags {
    fn read(doc: &Document) -> MetaTags {
        let tags = doc
            .select("meta[content]")
            .iter()
            .filter_map(|m| {
                let key = m.attr("property").or_else(|| m.attr("name"))?;
                let content = m.attr("content")?;
                Some((key.trim().to_ascii_lowercase(), content.trim().to_string()))
            })
            .filter(|(_, content)| !content.is_empty())
            .collect();
        MetaTags(tags)
    }

    /// The first tag with one of `keys`, trying the keys in order.
    fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|key| {
            self.0
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        })
    }

    /// Every tag with the first of `keys` that has any.
    fn all(&self, keys: &[&str]) -> Vec<String> {
        for key in keys {
            let values: Vec<String> = self
                .0
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .collect();
            if !values.is_empty() {
                return values;
            }
        }
        Vec::new()
    }
}

fn is_web_url(s: &str) -> bool {
    (s.starts_with("http://") || s.starts_with("https://")) && !s.contains(char::is_whitespace)
}

fn one_line(s: &str) -> String {
    let s = if s.contains('&') || has_tag(s) {
        super::fragment_text(s).unwrap_or_default()
    } else {
        s.to_string()
    };
    crate::article::collapse(&s)
}

/// HTML elements, by name: a `<` that opens one of these in a page's metadata is markup.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "article",
    "aside",
    "b",
    "big",
    "blockquote",
    "br",
    "button",
    "center",
    "cite",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "link",
    "main",
    "mark",
    "meta",
    "nav",
    "noscript",
    "object",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "script",
    "section",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "sup",
    "svg",
    "table",
    "td",
    "th",
    "time",
    "title",
    "tr",
    "tt",
    "u",
    "ul",
    "video",
];

/// Elements without content, which are markup without a closing tag.
const VOID_TAGS: &[&str] = &["br", "hr", "img", "input", "link", "meta", "source"];

/// True when `s` holds an HTML tag (`<em>…</em>`, `<br/>`), not just a `<`: a Reuters
/// ticker (`UAL <UAL> UNIT ...`, `SEARS <S> ...`) is text, even when it spells an element's
/// name, because an element that holds text is markup only where it is closed again.
fn has_tag(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.match_indices('<').any(|(at, _)| {
        let (closing, rest) = match lower[at + 1..].strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, &lower[at + 1..]),
        };
        let name: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let after = rest[name.len()..].chars().next();
        let opens = HTML_TAGS.contains(&name.as_str())
            && after.is_some_and(|c| c == '>' || c == '/' || c.is_whitespace());
        opens
            && (closing
                || VOID_TAGS.contains(&name.as_str())
                || lower[at..].contains(&format!("</{name}")))
    })
}

// ---------------------------------------------------------------- JSON-LD

/// The page's JSON-LD article. Each block is read as the browser's parser cut it, unless
/// that is not whole JSON because a string in it holds a literal `</script>` (which ends
/// the element early): then the block is read from the page's source, to the end of its
/// JSON value.
fn json_ld(doc: &Document, html: &str) -> LdArticle {
    let mut values = Vec::new();
    let mut bytes = 0;
    for script in doc.select("script").iter() {
        let is_ld = script
            .attr("type")
            .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
        if !is_ld {
            continue;
        }
        let text = script.text();
        bytes += text.len();
        let value = bounded_json(&text, true).or_else(|e| {
            // Blocks wrapped in comment or CDATA markers, or ending in a semicolon.
            let trimmed = text
                .trim()
                .trim_start_matches("<!--")
                .trim_start_matches("//<![CDATA[")
                .trim_end_matches("-->")
                .trim_end_matches("//]]>")
                .trim()
                .trim_end_matches(';');
            bounded_json(trimmed, true).or_else(|_| match html.find(&*text) {
                Some(at) if e.is_eof() && !text.trim().is_empty() => {
                    bounded_json(&html[at..], false)
                }
                _ => Err(e),
            })
        });
        if let Ok(value) = value {
            values.push(value);
        }
    }
    let mut nodes = Vec::new();
    for value in &values {
        collect(value, 0, &mut nodes);
    }
    let Some(article) = nodes.iter().find(|n| is_article(n)) else {
        // A page typed only as a `WebPage` (as SEO plugins write it) still dates itself.
        return LdArticle {
            bytes,
            dates: nodes
                .iter()
                .find_map(|n| n.get("datePublished").and_then(string))
                .into_iter()
                .collect(),
            ..LdArticle::default()
        };
    };
    let resolve = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("name").and_then(string).or_else(|| {
                let id = o.get("@id")?.as_str()?;
                nodes
                    .iter()
                    .filter(|n| n.get("@id").and_then(Value::as_str) == Some(id))
                    .find_map(|n| n.get("name").and_then(string))
            }),
            _ => None,
        }
    };
    // Authors are capped in `names`; a few more are taken here for the ones it refuses.
    let many = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(resolve)
                .take(2 * MAX_AUTHORS)
                .collect(),
            Some(v) => resolve(v).into_iter().collect(),
            None => Vec::new(),
        }
    };
    let mut authors = many(article.get("author"));
    if authors.is_empty() {
        authors = many(article.get("creator"));
    }
    LdArticle {
        bytes,
        headline: ["headline", "name"]
            .iter()
            .find_map(|k| article.get(*k).and_then(string))
            .map(|t| one_line(&t))
            .filter(|t| !t.is_empty()),
        authors,
        dates: ["datePublished", "dateCreated"]
            .iter()
            .filter_map(|k| article.get(*k).and_then(string))
            .collect(),
        publisher: many(article.get("publisher"))
            .into_iter()
            .map(|p| one_line(&p))
            .find(|p| !p.is_empty()),
        url: article.get("url").and_then(string),
        body: article.get("articleBody").and_then(string),
    }
}

/// A JSON-LD block as a [`Value`] of at most [`MAX_LD_VALUES`] values and
/// [`MAX_LD_ITEMS`] items an array, the first in the text: those after are read over
/// (checked, not kept), so memory is bounded by what is kept and not by the block's size.
/// `whole`: the text must end with the value; otherwise what follows it is not read.
fn bounded_json(text: &str, whole: bool) -> serde_json::Result<Value> {
    let left = std::cell::Cell::new(MAX_LD_VALUES);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde::de::DeserializeSeed::deserialize(Bounded(&left), &mut de)?;
    if whole {
        de.end()?;
    }
    Ok(value.unwrap_or(Value::Null))
}

/// Reads one JSON value while the count of values left allows: `None` once it is spent.
#[derive(Clone, Copy)]
struct Bounded<'a>(&'a std::cell::Cell<usize>);

impl Bounded<'_> {
    /// Takes one value from what is left; false once nothing is.
    fn take(&self) -> bool {
        let left = self.0.get();
        self.0.set(left.saturating_sub(1));
        left > 0
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Bounded<'_> {
    type Value = Option<Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Option<Value>, D::Error> {
        if self.0.get() == 0 {
            <serde::de::IgnoredAny as serde::Deserialize>::deserialize(de)?;
            return Ok(None);
        }
        de.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Bounded<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(self.take().then_some(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(self.take().then(|| Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(self.take().then(|| Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(self.take().then(|| Value::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.take().then(|| Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(self.take().then_some(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(self.take().then_some(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(self.take().then_some(Value::Null))
    }

    // An array or object is only visited while values are left (see `deserialize`), so it
    // is kept, with the items read before the count ran out.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        self.take();
        let mut items = Vec::new();
        while items.len() < MAX_LD_ITEMS {
            match seq.next_element_seed(self)? {
                Some(item) => items.extend(item),
                None => return Ok(Some(Value::Array(items))),
            }
        }
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Some(Value::Array(items)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        self.take();
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if let Some(value) = map.next_value_seed(self)? {
                object.insert(key, value);
            }
        }
        Ok(Some(Value::Object(object)))
    }
}

/// Every object in a JSON-LD value, outermost first (so a page's article comes before the
/// articles it links to).
fn collect<'a>(
    value: &'a Value,
    depth: usize,
    nodes: &mut Vec<&'a serde_json::Map<String, Value>>,
) {
    if depth > MAX_LD_DEPTH {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                collect(item, depth + 1, nodes);
            }
        }
        Value::Object(object) => {
            nodes.push(object);
            for child in object.values() {
                collect(child, depth + 1, nodes);
            }
        }
        _ => {}
    }
}

fn is_article(node: &serde_json::Map<String, Value>) -> bool {
    let is_type = |t: &str| {
        let t = t.rsplit(['/', ':']).next().unwrap_or(t);
        matches!(t, "Article" | "BlogPosting" | "LiveBlogPosting") || t.ends_with("NewsArticle")
    };
    match node.get("@type") {
        Some(Value::String(t)) => is_type(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(is_type),
        _ => false,
    }
}

/// A string, or the first string of an array.
fn string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(items) => items.iter().find_map(string),
        _ => None,
    }
}

// ---------------------------------------------------------------- title

/// Separators between a headline and the site's name in a `<title>` or `og:title`.
const SEPARATORS: [&str; 6] = [" | ", " - ", " – ", " — ", " :: ", " · "];

/// The headline: the page's `h1` when the headline starts with it (it is then the headline
/// without a suffix or a teaser's tail), else the headline without a ` | Site` suffix.
fn title(
    doc: &Document,
    headline: Option<String>,
    site: Option<&str>,
    url: Option<&str>,
) -> Option<String> {
    let h1 = first_h1(doc);
    let Some(headline) = headline else {
        return h1;
    };
    if let Some(h1) = h1 {
        let (h, t) = (h1.to_lowercase(), headline.to_lowercase());
        let rest = t.strip_prefix(h.as_str());
        let at_separator =
            rest.is_some_and(|r| r.is_empty() || SEPARATORS.iter().any(|s| r.starts_with(s)));
        if at_separator || (rest.is_some() && h.split_whitespace().count() >= 2) {
            return Some(h1);
        }
    }
    Some(shown_part(doc, &headline, site, url).unwrap_or_else(|| strip_site(&headline, site, url)))
}

/// Elements a page sets its headline in when it has no `h1`: another heading, bold or large
/// type, or an element whose class or id names a headline or title.
const HEADLINE_LIKE: &str = "h1, h2, h3, h4, h5, h6, b, strong, big, font, [class*=head], \
     [class*=title], [id*=head], [id*=title]";

/// Headline-like elements looked at, at most.
const MAX_HEADLINE_LIKE: usize = 400;

/// The part of a title made of segments (`Site | Section | Headline`, `Site - Headline -
/// Day`) that the page shows as a headline: the longest run of whole segments that is the
/// text of a [`HEADLINE_LIKE`] element outside links, if it is no shorter than any one
/// segment (so a section label is not taken for a headline the page does not show) and is
/// not the site's name (`site`, or its web address's).
fn shown_part(
    doc: &Document,
    title: &str,
    site: Option<&str>,
    url: Option<&str>,
) -> Option<String> {
    let mut cuts: Vec<(usize, usize)> = SEPARATORS
        .iter()
        .flat_map(|sep| title.match_indices(sep).map(|(at, s)| (at, at + s.len())))
        .collect();
    if cuts.is_empty() {
        return None;
    }
    let owners = owners(doc);
    let is_site = |run: &str| {
        is_site_name(run, site, url) || {
            let run = run.trim().to_lowercase();
            !run.is_empty() && owners.iter().any(|o| o.contains(&run))
        }
    };
    cuts.sort_unstable();
    // Segment bounds: each starts after a cut (or at 0) and ends at a later cut (or the end).
    let starts: Vec<usize> = std::iter::once(0).chain(cuts.iter().map(|c| c.1)).collect();
    let ends: Vec<usize> = cuts.iter().map(|c| c.0).chain([title.len()]).collect();
    let longest_segment = starts
        .iter()
        .zip(&ends)
        .filter_map(|(&a, &b)| title.get(a..b))
        .filter(|s| !is_site(s))
        .map(|s| s.trim().chars().count())
        .max()
        .unwrap_or(0);
    let shown: std::collections::HashSet<String> = doc
        .select(HEADLINE_LIKE)
        .iter()
        .take(MAX_HEADLINE_LIKE)
        .filter(|e| !e.is("a *, a"))
        .map(|e| e.text())
        .filter(|t| t.len() <= 2 * title.len())
        .map(|t| one_line(&t).to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let mut best: Option<&str> = None;
    for (i, &a) in starts.iter().enumerate() {
        for &b in &ends[i..] {
            let Some(run) = title.get(a..b).map(str::trim) else {
                continue;
            };
            let longer = best.is_none_or(|best| run.chars().count() > best.chars().count());
            if longer
                && run.len() < title.len()
                && run.chars().count() >= longest_segment
                && shown.contains(&run.to_lowercase())
                && !is_site(run)
            {
                best = Some(run);
            }
        }
    }
    best.map(str::to_string)
}

/// Letters after a copyright sign or word that are read for the owner's name.
const OWNER_SPAN: usize = 80;

/// What follows each "©" or "Copyright" in the page's text, lowercased: the site's owner,
/// whose name a title's segment may be though neither the metadata nor the address gives it.
fn owners(doc: &Document) -> Vec<String> {
    // ASCII case is enough to find the word; only the spans taken are lower-cased whole.
    let mut text = doc.select("body").text().to_string();
    text.make_ascii_lowercase();
    let mut out = Vec::new();
    for sign in ["©", "copyright"] {
        for (at, _) in text.match_indices(sign).take(8) {
            let rest: String = text[at + sign.len()..].chars().take(OWNER_SPAN).collect();
            out.push(crate::article::collapse(&rest.to_lowercase()));
        }
    }
    out
}

fn first_h1(doc: &Document) -> Option<String> {
    let in_article = doc.select("article h1");
    let h1 = if in_article.exists() {
        in_article
    } else {
        doc.select("h1")
    };
    h1.iter()
        .map(|h| one_line(&h.text()))
        .find(|t| !t.is_empty())
}

/// `headline` without a trailing ` | Site Name` (or ` - Site Name` where the name is the
/// site's, or its web address's).
fn strip_site(headline: &str, site: Option<&str>, url: Option<&str>) -> String {
    let Some((at, sep)) = SEPARATORS
        .iter()
        .filter_map(|sep| headline.rfind(sep).map(|at| (at, *sep)))
        .max_by_key(|(at, _)| *at)
    else {
        return headline.to_string();
    };
    let (head, tail) = (&headline[..at], &headline[at + sep.len()..]);
    let is_site = is_site_name(tail, site, url);
    let short_pipe = sep == " | "
        && tail.split_whitespace().count() <= 4
        && head.split_whitespace().count() >= 2;
    if !head.trim().is_empty() && (is_site || short_pipe) {
        strip_site(head.trim(), site, url)
    } else {
        headline.to_string()
    }
}

/// Whether `part` of a title is the site's name: `site`, or the host of `url` (letters and
/// digits compared, without case).
fn is_site_name(part: &str, site: Option<&str>, url: Option<&str>) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let host = url
        .and_then(|u| u.split("://").nth(1))
        .and_then(|rest| rest.split('/').next())
        .map(squash)
        .unwrap_or_default();
    let part = squash(part);
    site.is_some_and(|s| squash(s) == part) || (part.len() >= 4 && host.contains(&part))
}

#[cfg(test)]
pub(super) fn strip_site_for_test(headline: &str, site: Option<&str>, url: Option<&str>) -> String {
    strip_site(headline, site, url)
}

// ---------------------------------------------------------------- authors

/// Author names from the strings a page gives: "By" and roles dropped, lists split, URLs
/// and sentences refused, each name once.
fn names(raw: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in raw {
        if out.len() >= MAX_AUTHORS {
            break;
        }
        let s = one_line(&s);
        if s.is_empty() || s.contains("://") || s.contains('@') || s.starts_with('/') {
            continue;
        }
        // "By Jo Bloggs", "By: Jo Bloggs" (not "Byron Smith").
        let by = s
            .get(..2)
            .is_some_and(|head| head.eq_ignore_ascii_case("by"))
            && !s[2..].starts_with(char::is_alphanumeric);
        let listed =
            s.contains(" and ") || s.contains(',') || s.contains(';') || s.contains(" & ") || by;
        let found = if listed {
            let line = if by { s.clone() } else { format!("By {s}") };
            byline::parse_byline(&line).unwrap_or_default()
        } else {
            // One name, unless it is a role or an affiliation (`Staff Writer`).
            byline::split_authors(&s)
        };
        for name in found {
            let name = byline::name_case(&name);
            let plausible = !name.is_empty()
                && name.split_whitespace().count() <= MAX_NAME_WORDS
                && !name.chars().any(|c| c.is_ascii_digit());
            if plausible && !out.iter().any(|o| o.eq_ignore_ascii_case(&name)) {
                out.push(name);
            }
            if out.len() >= MAX_AUTHORS {
                break;
            }
        }
    }
    out
}

/// The elements looked at for a byline, at most.
const BYLINE_CANDIDATES: usize = 5;

/// The names in the page's byline element, when it has one that reads as a byline.
fn visible_byline(doc: &Document) -> Vec<String> {
    let candidates = doc.select(
        "[rel~=author], .byline, .by-line, .article-byline, .author-name, .byline-name, \
         [class~=author]",
    );
    for element in candidates.iter().take(BYLINE_CANDIDATES) {
        // The links it marks as its authors' are the names, where it has them: a byline
        // box around them often holds a role, a profile link or the date as well.
        let linked = element.select("[rel~=author]");
        let found = if linked.exists() && !element.is("[rel~=author]") {
            names(
                linked
                    .iter()
                    .map(|a| one_line(&super::visible_text(&a, &[])))
                    .collect(),
            )
        } else {
            let text = one_line(&super::visible_text(&element, &[]));
            if text.is_empty() || text.len() > 120 {
                continue;
            }
            names(vec![text])
        };
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

// ---------------------------------------------------------------- date and place

/// The `datetime` of the page's `<time>` elements, the article's own first.
fn visible_times(doc: &Document) -> Vec<String> {
    let attr = |s: Selection| -> Vec<String> {
        s.iter()
            .filter_map(|t| t.attr("datetime").map(|d| d.to_string()))
            .collect()
    };
    let mut times = attr(doc.select("time[pubdate][datetime]"));
    times.extend(attr(doc.select("article time[datetime]")));
    times.extend(attr(doc.select("time[datetime]")));
    times
}

/// A date as the page writes it, its wall-clock time kept (see [`ArticleDate`]).
pub(super) fn when(s: &str) -> Option<ArticleDate> {
    dates::with_zone(s).map(|(date, _)| date)
}

/// The place in the page's dateline element (`<span class="dateline">WENATCHEE, Wash.
/// —</span>`), when it has a short one.
fn visible_dateline(doc: &Document) -> Option<String> {
    let text = one_line(&doc.select(".dateline").first().text());
    let place = text
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '—' | '–' | '-' | ',' | ':'))
        .trim();
    let plausible = !place.is_empty()
        && place.split_whitespace().count() <= 5
        && place.len() <= 60
        && !place.chars().any(|c| c.is_ascii_digit());
    plausible.then(|| place.to_string())
}
