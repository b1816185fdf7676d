//! A small element tree for one unit of a news XML file (an article, a feed item, a
//! NewsML-G2 item), built from quick-xml's events as the file streams past, so that
//! memory holds one unit at a time and a unit broken off by a syntax error is never
//! handed out half read.
//!
//! Entities: XML's five, character references and the HTML5 named entities (news XML uses
//! `&mdash;` and `&eacute;` from DTDs no reader fetches) are resolved; any other entity
//! stays as written. Entities declared in a DTD are never expanded, so no entity bomb can
//! grow a file.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Deeper nesting than this is hostile, not news.
pub(super) const MAX_DEPTH: usize = 256;
/// Elements in one unit (one article or item) beyond which it is skipped: far more than
/// any article's markup, and it bounds the tree's memory whatever the file holds.
pub(super) const MAX_ELEMENTS: usize = 100_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Element {
    /// The local name, without its namespace prefix (`creator` for `dc:creator`).
    pub name: String,
    /// The prefix as written (`dc`), if any.
    pub prefix: Option<String>,
    /// Attributes with their names as written (`xml:base`) and values decoded.
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    fn start(e: &BytesStart<'_>) -> Element {
        let qname = e.name();
        let qname: &str = qname.as_ref();
        let (prefix, name) = match qname.split_once(':') {
            Some((p, n)) => (Some(p.to_owned()), n.to_owned()),
            None => (None, qname.to_owned()),
        };
        let attrs = e
            .attributes()
            .with_checks(false)
            .filter_map(Result::ok)
            .map(|a| {
                let key: &str = a.key.as_ref();
                (key.to_owned(), decode_entities(&a.value))
            })
            .collect();
        Element {
            name,
            prefix,
            attrs,
            children: Vec::new(),
        }
    }

    /// An attribute by its name as written (`xml:base`) or by its local name (`base`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name || k.rsplit_once(':').is_some_and(|(_, local)| local == name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(name))
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.elements().filter(move |e| e.is(name))
    }

    /// Follows a path of child names (`["body", "body.head", "hedline"]`).
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, n| e.child(n))
    }

    /// The first element named `name` at any depth, this one included, in document order.
    pub fn find(&self, name: &str) -> Option<&Element> {
        if self.is(name) {
            return Some(self);
        }
        self.elements().find_map(|e| e.find(name))
    }

    /// Every element named `name` at any depth, in document order (not inside a match).
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.is(name) {
                out.push(e);
            } else {
                e.find_all(name, out);
            }
        }
    }

    /// All the text inside, markup dropped, whitespace runs made one space, trimmed.
    pub fn text(&self) -> String {
        let mut raw = String::new();
        self.raw_text(&mut raw);
        collapse(&raw)
    }

    /// All the text inside, exactly as written (entities resolved).
    pub fn raw_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.raw_text(out),
            }
        }
    }

    /// True when the element holds child elements, not only text.
    pub fn has_elements(&self) -> bool {
        self.elements().next().is_some()
    }
}

/// Whitespace runs made one space, ends trimmed.
pub(super) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Resolves `&name;` and `&#n;` references in text that quick-xml hands over raw (attribute
/// values, text decoded a second time); unknown or malformed ones stay as written.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .char_indices()
            .take(32)
            .find(|&(_, c)| c == ';' || c == '&' || c.is_whitespace())
            .filter(|&(_, c)| c == ';')
            .map(|(i, _)| i + 1);
        match end.and_then(|end| resolve(&rest[1..end]).map(|r| (end, r))) {
            Some((end, resolved)) => {
                out.push_str(&resolved);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text an entity or character reference (`amp`, `#8217`, `#x2019`) stands for.
fn resolve(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code)
            .filter(|&c| c != '\0')
            .map(String::from);
    }
    resolve_predefined_entity(name).map(str::to_owned)
}

/// What a [`walk`] stopped on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Broken {
    /// In words, with the line and column.
    pub reason: String,
    /// True when the break came inside a unit, which is then lost.
    pub in_unit: bool,
}

/// A unit as [`walk`] hands it out: whole, or too large to keep (reason given).
pub(super) type Unit = Result<Element, String>;

/// Streams `text`, handing each unit to `on_unit` with its ancestors (start tags only, no
/// children) as soon as its end tag is read. `is_unit` is asked at every start tag outside
/// a unit whether that element begins one. Text outside units is dropped. Reading stops at
/// the end of the root element, or at the first syntax error, which is returned; every
/// unit finished before it has been handed out.
pub(super) fn walk(
    text: &str,
    mut is_unit: impl FnMut(&[Element], &Element) -> bool,
    mut on_unit: impl FnMut(&[Element], Unit),
) -> Result<(), Broken> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.allow_dangling_amp = true;
    config.check_end_names = true;
    config.trim_text(false);

    // Ancestors outside the unit, then the unit's open elements (with their children so far).
    let mut outer: Vec<Element> = Vec::new();
    let mut open: Vec<Element> = Vec::new();
    // Elements in the unit being read; past MAX_ELEMENTS the unit is only skipped over.
    let mut count = 0usize;
    let mut too_large = false;
    let mut seen_root = false;

    let broken = |reader: &Reader<&[u8]>, what: String, in_unit: bool| {
        let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
        let cut = if reader.buffer_position() >= text.trim_end().len() as u64 {
            ", where the file ends (cut short?)"
        } else {
            ""
        };
        Broken {
            reason: format!("malformed XML at {}{cut}: {what}", position(text, at)),
            in_unit,
        }
    };

    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(broken(&reader, e.to_string(), !open.is_empty())),
        };
        match event {
            Event::Start(e) => {
                if outer.len() + open.len() >= MAX_DEPTH {
                    return Err(broken(
                        &reader,
                        format!("elements nested more than {MAX_DEPTH} deep"),
                        !open.is_empty(),
                    ));
                }
                if seen_root && outer.is_empty() && open.is_empty() {
                    // A second root element: not part of the document.
                    return Ok(());
                }
                seen_root = true;
                let el = Element::start(&e);
                if open.is_empty() && !is_unit(&outer, &el) {
                    outer.push(el);
                    continue;
                }
                count += 1;
                if count > MAX_ELEMENTS {
                    too_large = true;
                }
                open.push(el);
            }
            Event::End(_) => {
                if let Some(el) = open.pop() {
                    match open.last_mut() {
                        Some(parent) => {
                            if !too_large {
                                parent.children.push(Node::Element(el));
                            }
                        }
                        None => {
                            let unit = if too_large {
                                Err(format!(
                                    "more than {MAX_ELEMENTS} elements in one <{}>",
                                    el.name
                                ))
                            } else {
                                Ok(el)
                            };
                            on_unit(&outer, unit);
                            count = 0;
                            too_large = false;
                        }
                    }
                } else {
                    outer.pop();
                }
                if outer.is_empty() && open.is_empty() {
                    return Ok(());
                }
            }
            Event::Text(t) => push_text(&mut open, too_large, &t.xml10_content()),
            Event::CData(t) => {
                let t = t.xml10_content();
                push_text(&mut open, too_large, &t);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(String::from(c)),
                    Ok(None) => resolve_predefined_entity(&r).map(str::to_owned),
                    Err(_) => None,
                };
                let text = resolved.unwrap_or_else(|| format!("&{};", &*r));
                push_text(&mut open, too_large, &text);
            }
            Event::Eof => {
                if let Some(el) = open.last().or(outer.last()) {
                    let in_unit = !open.is_empty();
                    return Err(Broken {
                        reason: format!(
                            "malformed XML: the file ends inside <{}> (cut short?)",
                            el.name
                        ),
                        in_unit,
                    });
                }
                return Ok(());
            }
            Event::Empty(_)
            | Event::Comment(_)
            | Event::Decl(_)
            | Event::PI(_)
            | Event::DocType(_) => {}
        }
    }
}

fn push_text(open: &mut [Element], skip: bool, text: &str) {
    let Some(el) = open.last_mut() else {
        return;
    };
    if skip || text.is_empty() {
        return;
    }
    if let Some(Node::Text(last)) = el.children.last_mut() {
        last.push_str(text);
    } else {
        el.children.push(Node::Text(text.to_owned()));
    }
}

/// `line L, column C` of byte offset `at` in `text`.
pub(super) fn position(text: &str, at: usize) -> String {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}")
}

/// The root element's start tag, or the reason there is none.
pub(super) fn root(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().allow_dangling_amp = true;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => return Ok(Element::start(&e)),
            Ok(Event::Eof) => return Err("no XML element in the file".into()),
            Ok(Event::Text(t)) if !t.trim().is_empty() => {
                return Err("not XML: text before the first element".into())
            }
            Ok(_) => {}
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                return Err(format!("malformed XML at {}: {e}", position(text, at)));
            }
        }
    }
}

/// Text in paragraphs: block elements (`p`, `div`, headings, list items, NITF `block` and
/// `hl2`) end a paragraph, everything else is inline; elements in `skip` are left out with
/// their content. Whitespace inside a paragraph collapses to one space.
pub(super) fn paragraphs(el: &Element, skip: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    collect_paragraphs(el, skip, &mut current, &mut out);
    flush(&mut current, &mut out);
    out
}

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "br",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "tr",
    "block",
    "hl1",
    "hl2",
    "nitf-table",
    "bq",
    "fn",
    "body.content",
    "body.end",
    "tagline",
    "body",
];

fn collect_paragraphs(el: &Element, skip: &[&str], current: &mut String, out: &mut Vec<String>) {
    for n in &el.children {
        match n {
            Node::Text(t) => current.push_str(t),
            Node::Element(e) => {
                if skip.contains(&e.name.as_str()) {
                    continue;
                }
                let block = BLOCKS.contains(&e.name.as_str());
                if block {
                    flush(current, out);
                }
                collect_paragraphs(e, skip, current, out);
                if block {
                    flush(current, out);
                }
            }
        }
    }
}

fn flush(current: &mut String, out: &mut Vec<String>) {
    let p = collapse(current);
    if !p.is_empty() {
        out.push(p);
    }
    current.clear();
}

/// Plain text in paragraphs: split on blank lines, whitespace collapsed.
pub(super) fn text_paragraphs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            flush(&mut current, &mut out);
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    flush(&mut current, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(xml: &str, unit: &str) -> (Vec<Unit>, Result<(), Broken>) {
        let mut got = Vec::new();
        let end = walk(xml, |_, e| e.is(unit), |_, u| got.push(u));
        (got, end)
    }

    #[test]
    fn entities_resolve_and_unknown_ones_stay() {
        let (got, end) = units(
            "<r><a>x &amp; &mdash; &#8217; &#x41; &bogus; AT&T</a></r>",
            "a",
        );
        assert_eq!(end, Ok(()));
        assert_eq!(got[0].as_ref().unwrap().text(), "x & — ’ A &bogus; AT&T");
        assert_eq!(
            decode_entities("&amp;#8216;a&#8217; & &zz; &#0; &#xD800;"),
            "&#8216;a’ & &zz; &#0; &#xD800;"
        );
    }

    #[test]
    fn a_broken_file_keeps_the_units_finished_before_the_break() {
        let (got, end) = units("<r>\n<a>one</a>\n<a>two</b></r>", "a");
        assert_eq!(got.len(), 1);
        let end = end.unwrap_err();
        assert!(end.in_unit);
        assert!(end.reason.contains("line 3"), "{}", end.reason);
        let (got, end) = units("<r><a>one</a><a>tw", "a");
        assert_eq!(got.len(), 1);
        assert!(end.unwrap_err().reason.contains("ends inside <a>"));
    }

    #[test]
    fn nesting_and_size_are_bounded() {
        let deep = "<a>".repeat(MAX_DEPTH + 5);
        let (_, end) = units(&deep, "zz");
        assert!(end.unwrap_err().reason.contains("nested more than"));
        let big = format!("<r><a>{}</a><a>ok</a></r>", "<b/>".repeat(MAX_ELEMENTS + 1));
        let (got, end) = units(&big, "a");
        assert_eq!(end, Ok(()));
        assert!(got[0].as_ref().unwrap_err().contains("more than"));
        assert_eq!(got[1].as_ref().unwrap().text(), "ok");
    }

    #[test]
    fn entity_declarations_are_never_expanded() {
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<r><a>&b;</a></r>"#;
        let (got, _) = units(bomb, "a");
        assert_eq!(got[0].as_ref().unwrap().text(), "&b;");
    }

    #[test]
    fn paragraphs_break_at_blocks() {
        let (got, _) = units(
            "<r><a><p>One <b>two</b>\n three</p>four<div><p>five</p></div><figure>x</figure></a></r>",
            "a",
        );
        let a = got[0].as_ref().unwrap();
        assert_eq!(
            paragraphs(a, &["figure"]),
            ["One two three", "four", "five"]
        );
        assert_eq!(text_paragraphs("a\n b\n\n \nc"), ["a b", "c"]);
    }
}
