//! A small element tree for one unit of a news XML file (an article, a feed item, a
//! NewsML-G2 item), built from quick-xml's events as the file streams past, so that
//! memory holds one unit at a time and a unit broken off by a syntax error is never
//! handed out half read.
//!
//! Entities: XML's five, character references and the HTML5 named entities (news XML uses
//! `&mdash;` and `&eacute;` from DTDs no reader fetches) are resolved; any other entity is
//! left out of the text and named in a warning. Entities declared in a DTD are never
//! expanded, so no entity bomb can grow a file.

use std::io::Read;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use super::super::decode::Utf8Stream;
use super::source::Source;

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

pub(super) use crate::article::collapse;

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

/// What a [`Walker::walk`] stopped on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Broken {
    /// In words, with the line and column.
    pub reason: String,
    /// True when the break came inside a unit, which is then lost.
    pub in_unit: bool,
}

/// A unit as [`Walker::walk`] hands it out: whole, or too large to keep (reason given).
pub(super) type Unit = Result<Element, String>;

/// How many undefined entity names a [`Walker`] keeps to name in its warning.
const ENTITIES_NAMED: usize = 5;

/// Streams one XML file, one unit (an article, a feed item) at a time: memory holds the
/// unit being read, never the file, and a unit over the cap on one article is skipped
/// rather than held.
pub(super) struct Walker<'a> {
    reader: Reader<Source<'a>>,
    buf: Vec<u8>,
    /// The cap on one unit, in MB (`--max-article-mb`).
    max_mb: u64,
    /// The root element's start tag, read by [`Walker::root`] and not yet walked.
    root: Option<Element>,
    /// Entity references neither XML nor HTML defines, left out of the text: the first
    /// few names, and how many there were.
    unknown_entities: (Vec<String>, u64),
}

impl<'a> Walker<'a> {
    pub fn new(input: Utf8Stream<&'a mut dyn Read>, max_mb: u64) -> Walker<'a> {
        let limit = max_mb.saturating_mul(1 << 20).saturating_add(1);
        let mut reader = Reader::from_reader(Source::new(input, limit));
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.allow_dangling_amp = true;
        config.check_end_names = true;
        config.trim_text(false);
        Walker {
            reader,
            buf: Vec::new(),
            max_mb,
            root: None,
            unknown_entities: (Vec::new(), 0),
        }
    }

    /// Once the file is read: a warning when some of its bytes were not valid in its
    /// encoding.
    pub fn decode_warning(&self) -> Option<String> {
        self.reader.get_ref().input.warning()
    }

    /// Once the file is read: a warning naming the entities left out of its text.
    pub fn entity_warning(&self) -> Option<String> {
        let (names, count) = &self.unknown_entities;
        if *count == 0 {
            return None;
        }
        let named: Vec<String> = names.iter().map(|n| format!("&{n};")).collect();
        let more = match *count as usize - names.len().min(*count as usize) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        Some(format!(
            "undefined entities left out of the text: {}{more} (entities a DTD declares are \
             never expanded)",
            named.join(", ")
        ))
    }

    /// The root element's start tag, or the reason there is none; [`Walker::walk`] starts
    /// with it.
    pub fn root(&mut self) -> Result<Element, String> {
        loop {
            self.reader.get_mut().begin_event();
            self.buf.clear();
            match self.reader.read_event_into(&mut self.buf) {
                Ok(Event::Start(e)) => {
                    let root = Element::start(&e);
                    self.root = Some(root.clone());
                    return Ok(root);
                }
                Ok(Event::Eof) => return Err("no XML element in the file".into()),
                Ok(Event::Text(t)) if !t.trim_ascii().is_empty() => {
                    return Err("not XML: text before the first element".into())
                }
                Ok(_) => {}
                Err(e) => return Err(self.broken(e, false).reason),
            }
        }
    }

    /// A syntax or read error as the reason the file is not read past it.
    fn broken(&mut self, e: quick_xml::Error, in_unit: bool) -> Broken {
        let source = self.reader.get_mut();
        let at = source.event_position();
        let reason = match e {
            quick_xml::Error::Io(e) if !source.refused => format!("cannot read further: {e}"),
            quick_xml::Error::Io(e) => format!("malformed XML at {at}: {e}"),
            e => {
                let cut = if source.rest_is_blank() {
                    ", where the file ends (cut short?)"
                } else {
                    ""
                };
                format!("malformed XML at {at}{cut}: {e}")
            }
        };
        Broken { reason, in_unit }
    }

    /// Walks the file from its root element, handing each unit to `on_unit` with its
    /// ancestors (start tags only, no children) as soon as its end tag is read. `is_unit`
    /// is asked at every start tag outside a unit whether that element begins one. Text
    /// outside units is dropped. Reading stops at the end of the root element, or at the
    /// first syntax error, which is returned; every unit finished before it has been
    /// handed out.
    pub fn walk(
        &mut self,
        mut is_unit: impl FnMut(&[Element], &Element) -> bool,
        mut on_unit: impl FnMut(&[Element], Unit),
    ) -> Result<(), Broken> {
        let max_bytes = self.max_mb.saturating_mul(1 << 20);
        let mut walk = Walk::default();
        let Some(root) = self.root.take() else {
            return Ok(());
        };
        walk.start(root, 0, &mut is_unit);
        loop {
            self.reader.get_mut().begin_event();
            self.buf.clear();
            if self.buf.capacity() > 1 << 20 {
                // The room a large event took is given back, not kept for the whole file.
                self.buf = Vec::new();
            }
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => return Err(self.broken(e, walk.in_unit())),
            };
            let source = self.reader.get_ref();
            walk.check_cap(source.consumed, max_bytes);
            let skip = walk.skipping();
            match event {
                Event::Start(e) => {
                    if walk.outer.len() + walk.open.len() >= MAX_DEPTH {
                        return Err(Broken {
                            reason: format!(
                                "malformed XML at {}: elements nested more than {MAX_DEPTH} deep",
                                source.event_position()
                            ),
                            in_unit: walk.in_unit(),
                        });
                    }
                    walk.start(Element::start(&e), source.event_start, &mut is_unit);
                }
                Event::End(_) => {
                    if walk.end(source.consumed, self.max_mb, &mut on_unit) {
                        return Ok(());
                    }
                }
                Event::Text(t) => push_text(&mut walk.open, skip, &t.xml10_content()),
                Event::CData(t) => push_text(&mut walk.open, skip, &t.xml10_content()),
                Event::GeneralRef(r) => {
                    let unknown = &mut self.unknown_entities;
                    let text = entity_text(&r, walk.in_unit(), unknown);
                    push_text(&mut walk.open, skip, &text);
                }
                Event::Eof => return walk.at_eof(),
                Event::Empty(_)
                | Event::Comment(_)
                | Event::Decl(_)
                | Event::PI(_)
                | Event::DocType(_) => {}
            }
        }
    }
}

/// Where [`Walker::walk`] is in the file: the elements around it, and the unit being read.
#[derive(Default)]
struct Walk {
    /// Ancestors outside the unit, then the unit's open elements (with their children so
    /// far).
    outer: Vec<Element>,
    open: Vec<Element>,
    /// Where the unit being read began; its elements; whether it is over the cap on bytes
    /// or on elements, and so only skipped over.
    unit_start: u64,
    count: usize,
    over_cap: bool,
    too_many: bool,
}

impl Walk {
    fn in_unit(&self) -> bool {
        !self.open.is_empty()
    }

    /// Whether the unit's content is only read past, not kept.
    fn skipping(&self) -> bool {
        self.too_many || self.over_cap
    }

    /// Once the unit has taken more than `max_bytes` of the file (`consumed` so far, this
    /// event included): what was kept of it is let go and the rest only read past.
    fn check_cap(&mut self, consumed: u64, max_bytes: u64) {
        if self.in_unit() && !self.over_cap && consumed - self.unit_start > max_bytes {
            self.over_cap = true;
            for el in &mut self.open {
                el.children = Vec::new();
            }
        }
    }

    /// A start tag at byte `at`: an ancestor of units to come, the start of a unit, or an
    /// element inside one.
    fn start(
        &mut self,
        el: Element,
        at: u64,
        is_unit: &mut impl FnMut(&[Element], &Element) -> bool,
    ) {
        if !self.in_unit() {
            if !is_unit(&self.outer, &el) {
                self.outer.push(el);
                return;
            }
            self.unit_start = at;
        }
        self.count += 1;
        self.too_many |= self.count > MAX_ELEMENTS;
        self.open.push(el);
    }

    /// An end tag, read up to byte `consumed`: the element joins its parent, or, when it
    /// is the unit's own, the unit is handed out. `true` when it closes the root.
    fn end(
        &mut self,
        consumed: u64,
        max_mb: u64,
        on_unit: &mut impl FnMut(&[Element], Unit),
    ) -> bool {
        let skip = self.skipping();
        match (self.open.pop(), self.open.last_mut()) {
            (Some(el), Some(parent)) => {
                if !skip {
                    parent.children.push(Node::Element(el));
                }
            }
            (Some(el), None) => {
                let unit = if self.over_cap {
                    Err(super::super::too_large(consumed - self.unit_start, max_mb))
                } else if self.too_many {
                    Err(format!(
                        "more than {MAX_ELEMENTS} elements in one <{}>",
                        el.name
                    ))
                } else {
                    Ok(el)
                };
                on_unit(&self.outer, unit);
                self.count = 0;
                self.too_many = false;
                self.over_cap = false;
            }
            (None, _) => {
                self.outer.pop();
            }
        }
        self.outer.is_empty() && self.open.is_empty()
    }

    /// The end of the file: fine after the root's end tag, broken inside any element.
    fn at_eof(&self) -> Result<(), Broken> {
        match self.open.last().or(self.outer.last()) {
            Some(el) => Err(Broken {
                reason: format!(
                    "malformed XML: the file ends inside <{}> (cut short?)",
                    el.name
                ),
                in_unit: self.in_unit(),
            }),
            None => Ok(()),
        }
    }
}

/// The text an entity reference stands for. One neither XML nor HTML defines (a DTD's own
/// entity, never expanded, or a typo) is left out of the text, and, inside a unit, named
/// in `unknown` for a warning; a malformed character reference is kept as written.
fn entity_text(r: &BytesRef<'_>, in_unit: bool, unknown: &mut (Vec<String>, u64)) -> String {
    let resolved = match r.resolve_char_ref() {
        Ok(Some(c)) => Some(String::from(c)),
        Ok(None) => match resolve_predefined_entity(r) {
            Some(text) => Some(text.to_owned()),
            None => {
                if in_unit {
                    let (names, count) = unknown;
                    *count += 1;
                    let name: String = r.chars().take(40).collect();
                    if names.len() < ENTITIES_NAMED && !names.contains(&name) {
                        names.push(name);
                    }
                }
                Some(String::new())
            }
        },
        Err(_) => None,
    };
    resolved.unwrap_or_else(|| format!("&{};", &**r))
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
        let mut bytes = xml.as_bytes();
        let input: &mut dyn Read = &mut bytes;
        let mut walker = Walker::new(Utf8Stream::new(input, |_| None).unwrap(), 64);
        let mut got = Vec::new();
        if let Err(reason) = walker.root() {
            let in_unit = false;
            return (got, Err(Broken { reason, in_unit }));
        }
        let end = walker.walk(|_, e| e.is(unit), |_, u| got.push(u));
        (got, end)
    }

    #[test]
    fn entities_resolve_and_undefined_ones_are_left_out() {
        let (got, end) = units(
            "<r><a>x &amp; &mdash; &#8217; &#x41; &bogus; AT&T</a></r>",
            "a",
        );
        assert_eq!(end, Ok(()));
        assert_eq!(got[0].as_ref().unwrap().text(), "x & — ’ A AT&T");
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
    fn an_event_over_the_cap_is_passed_over_and_the_next_unit_read() {
        for (open, close) in [("<![CDATA[", "]]>"), ("<!--", "-->"), ("", "")] {
            // Lengths that put the event's end at several places in the reading buffer.
            for extra in [0, 1, 2, 65_535, 65_536, 100_001] {
                let big = "é".repeat((1 << 19) + extra);
                let xml = format!("<r><a>{open}{big}{close}</a><a>ok</a></r>");
                let mut bytes = xml.as_bytes();
                let input: &mut dyn Read = &mut bytes;
                let mut walker = Walker::new(Utf8Stream::new(input, |_| None).unwrap(), 1);
                walker.root().unwrap();
                let mut got = Vec::new();
                let end = walker.walk(|_, e| e.is("a"), |_, u| got.push(u));
                assert_eq!(end, Ok(()), "{open} {extra}");
                assert!(got[0].as_ref().unwrap_err().starts_with("larger than"));
                assert_eq!(got[1].as_ref().unwrap().text(), "ok");
            }
        }
        // A tag over the cap ends the reading, with the units before it kept.
        let xml = format!("<r><a>ok</a><a x='{}'>", "x".repeat((1 << 20) + 1));
        let mut bytes = xml.as_bytes();
        let input: &mut dyn Read = &mut bytes;
        let mut walker = Walker::new(Utf8Stream::new(input, |_| None).unwrap(), 1);
        walker.root().unwrap();
        let mut got = Vec::new();
        let end = walker.walk(|_, e| e.is("a"), |_, u| got.push(u));
        assert_eq!(got.len(), 1);
        assert_eq!(
            end.unwrap_err().reason,
            "malformed XML at line 1, column 13: one tag or declaration is larger than \
             --max-article-mb 1: the rest of the file is not read"
        );
    }

    #[test]
    fn entity_declarations_are_never_expanded() {
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<r><a>&b;</a></r>"#;
        let (got, _) = units(bomb, "a");
        assert_eq!(got[0].as_ref().unwrap().text(), "");
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
