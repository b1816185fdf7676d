//! HTML article pages: the article's own text (no navigation, comments or boilerplate) and
//! its metadata (JSON-LD, OpenGraph and meta tags, microdata, a visible byline and time).
//!
//! The page is decoded ([`decode`]), parsed once with `dom_query`, its metadata read
//! ([`meta`]), and its text taken by [`extract`] (readability, with a fallback for pages it
//! gives up on).

mod blocks;
mod boiler;
mod extract;
mod meta;

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::{Article, FileParse, Problem, Record, Severity};

/// Fewer letters than this after extraction, on a page that does not say it is an article,
/// is not an article (an index page, a login page, a cookie wall, an error page). Letters,
/// not words: Chinese and Japanese put no spaces between words.
const MIN_LETTERS: usize = 120;

/// Pages whose elements nest deeper than this (by [`nesting`]) are not read: parsing and
/// readability take time that grows with the square of the depth, and no real page comes
/// near it.
const MAX_NESTING: usize = 400;

/// How far into a page a `<meta charset>` declaration is looked for.
const CHARSET_SCAN_BYTES: usize = 4096;

/// Reads one saved page. `url` is where it was fetched from, when known (a WARC record's
/// target); the page's canonical link wins over it. A page with no article text (an index
/// page, a login page) gives no record and one skip problem saying so.
pub fn parse(bytes: &[u8], url: Option<&str>) -> FileParse {
    parse_with_charset(bytes, url, None)
}

/// As [`parse`], for a page whose encoding a transport named (an HTTP `Content-Type`
/// charset): it wins over the page's own `<meta charset>`, not over a BOM or valid UTF-8.
pub fn parse_with_charset(bytes: &[u8], url: Option<&str>, charset: Option<&str>) -> FileParse {
    let mut parse = FileParse::default();
    let head = &bytes[..bytes.len().min(super::SNIFF_BYTES)];
    if let Some(reason) = super::sniff(head) {
        parse.problems.push(skipped(reason));
        return parse;
    }
    let (text, warning) = decode(bytes, charset);
    if let Some(reason) = warning {
        parse.problems.push(Problem {
            severity: Severity::Warning,
            reason,
            ..Default::default()
        });
    }
    match page(&text, url) {
        Ok(article) => parse.records.push(Record {
            article,
            ..Default::default()
        }),
        Err(reason) => parse.problems.push(skipped(reason)),
    }
    parse
}

fn skipped(reason: String) -> Problem {
    Problem {
        severity: Severity::Skipped,
        reason,
        ..Default::default()
    }
}

/// The article on a decoded page, or the reason there is none.
fn page(html: &str, url: Option<&str>) -> Result<Article, String> {
    if let Err(deep) = not_too_deep(html) {
        return Err(format!("{deep}: a damaged or hostile page, not read"));
    }
    let caught = std::panic::catch_unwind(|| {
        let doc = dom_query::Document::from(html);
        let meta = meta::read(&doc, html);
        let declared = extract::declares_article(&doc);
        let body = extract::body(doc, html, meta.json_ld_bytes, meta.article_body.as_deref());
        (meta, declared, body)
    });
    let Ok((meta, declared, body)) = caught else {
        return Err("the HTML could not be read (the extractor failed on it): skipped".into());
    };
    let body = body?;
    let found = letters(&body);
    // A page that says it is an article is one however short its text: a four-line wire
    // story is still news, and so is a headline-only item whose text is a mark ("******"),
    // as the plain-text reader keeps it.
    let marked_only = declared && found == 0 && !body.trim().is_empty();
    if (found == 0 && !marked_only) || (found < MIN_LETTERS && !declared) {
        let words = body.split_whitespace().count();
        return Err(format!(
            "no article text: only {words} words are left once navigation and boilerplate \
             are removed (an index, login or error page?)"
        ));
    }
    let title = composed(meta.title.unwrap_or_default());
    let body = composed(without_leading_metadata(&body, &title));
    Ok(Article {
        title,
        authors: meta.authors.into_iter().map(composed).collect(),
        date: meta.date.or_else(|| url.and_then(super::dates::from_url)),
        body,
        url: meta.url.or_else(|| url.map(str::to_string)),
        place: meta.place,
        source: None,
        publication: meta.source,
    })
}

/// `text` [`super::composed`] (NFC), without a copy when it already is.
fn composed(text: String) -> String {
    super::composed(std::borrow::Cow::Owned(text)).into_owned()
}

/// Lines above the first paragraph looked at for a headline, byline or date, at most.
const MAX_LEADING_METADATA: usize = 4;

/// `body` without the lines above its first paragraph that restate the article's headline
/// (`title`), its byline or its date, in any order: readability keeps a headline it did not
/// know for one (an `h1` or bold line whose text differs from the `<title>`), and the
/// byline and date lines when they sit in the article's block.
fn without_leading_metadata(body: &str, title: &str) -> String {
    let title = crate::article::collapse(title);
    let mut body = body.to_string();
    // Once, above the byline, and only with a byline or date line after it: a story can
    // open by repeating its headline (a wire story's first line), and that line is the
    // story's.
    let (mut headline_seen, mut byline_seen) = (false, false);
    let is_metadata =
        |text: &str| without_byline(text).is_some() || boiler::drop_lines(text).len() < text.len();
    for _ in 0..MAX_LEADING_METADATA {
        let first = body.lines().next().unwrap_or_default();
        let is_title = !headline_seen
            && !byline_seen
            && !title.is_empty()
            && first.len() < body.len()
            && first.trim().to_lowercase() == title.to_lowercase()
            && is_metadata(body[first.len()..].trim_start());
        let next = if is_title {
            headline_seen = true;
            body[first.len()..].trim_start().to_string()
        } else {
            match without_byline(&body) {
                Some(rest) => {
                    byline_seen = true;
                    rest
                }
                None => boiler::drop_lines(&body),
            }
        };
        if next.len() >= body.len() || next.is_empty() {
            break;
        }
        body = next;
    }
    body
}

/// The longest byline line dropped from the top of a body, in characters.
const MAX_BYLINE_LINE: usize = 160;

/// `text` without its first line when that is a byline: a short `By` line, or one that
/// byline.rs reads as naming people (`By Jo Bloggs and Jane Doe, Business Correspondent`).
pub(super) fn without_byline(text: &str) -> Option<String> {
    let dropped = extract::drop_leading_byline(text);
    if dropped.len() < text.len() {
        return Some(dropped);
    }
    let first = text.lines().next().unwrap_or_default();
    let names_people = first.chars().count() <= MAX_BYLINE_LINE
        && super::byline::parse_byline(first).is_some_and(|authors| !authors.is_empty());
    (names_people && first.len() < text.len()).then(|| text[first.len()..].trim_start().to_string())
}

/// A date as a page or a crawl writes it (ISO 8601 with or without an offset, RFC 2822,
/// the forms of the article date parser), its wall-clock time kept.
pub(crate) fn date(s: &str) -> Option<super::ArticleDate> {
    meta::when(s)
}

/// An HTML fragment (a feed item's `content:encoded`, an Atom `content type="html"`) as
/// plain text, paragraphs separated by a blank line, entities decoded, markup and scripts
/// gone. `Err` says why it is not read: it nests too deep, as a page that is refused.
pub fn fragment_text(html: &str) -> Result<String, String> {
    not_too_deep(html)?;
    let caught = std::panic::catch_unwind(|| {
        let doc = dom_query::Document::fragment(html);
        doc.select(extract::NEVER_TEXT).remove();
        extract::without_media_fallbacks(&doc);
        doc.select("figure, figcaption, .sharedaddy, .sd-sharing, .jp-relatedposts")
            .remove();
        doc.formatted_text().to_string()
    });
    Ok(match caught {
        Ok(text) => tidy(&text),
        // Markup the parser cannot take is shown as it is, tags and all, rather than lost.
        Err(_) => tidy(html),
    })
}

/// The guard every piece of HTML passes before it is parsed, a page or a fragment: `Err`
/// when its elements nest deeper than [`MAX_NESTING`].
fn not_too_deep(html: &str) -> Result<(), String> {
    if nesting(html) > MAX_NESTING {
        return Err(format!("elements nested more than {MAX_NESTING} deep"));
    }
    Ok(())
}

/// How many letters and digits `s` holds: the measure of text every extraction step weighs.
pub(super) fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Whether `line` is a byline written out ("By Jo Park and Sam Lee", "By Reuters"): the
/// metadata reads it, the body leaves it out.
pub(super) fn is_by_line(line: &str) -> bool {
    (line.starts_with("By ") || line.starts_with("by ")) && line.split_whitespace().count() <= 8
}

/// Whether `c` ends or divides a sentence, in the scripts the archive meets.
pub(super) fn is_sentence_mark(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | '!' | '?' | '。' | '、' | '，' | '！' | '？' | '；' | '،' | '؟' | '।'
    )
}

/// A line of at least this many letters with sentence punctuation in it is prose, however
/// it ends.
const MIN_PROSE_LINE_LETTERS: usize = 60;

/// Whether `line` is a line of prose: long enough, and punctuated.
pub(super) fn is_prose_line(line: &str) -> bool {
    letters(line) >= MIN_PROSE_LINE_LETTERS && line.contains(is_sentence_mark)
}

/// Whether `line` ends as a whole sentence does (closing quotes and brackets aside), not cut
/// short with an ellipsis.
pub(super) fn ends_a_sentence(line: &str) -> bool {
    let end = sentence_end(line);
    end.ends_with(['.', '!', '?', '。', '！', '？']) && !end.ends_with("...")
}

/// `line` without what may follow its last sentence mark: whitespace, closing quotes and
/// brackets, an asterisk, an invisible separator.
pub(super) fn sentence_end(line: &str) -> &str {
    line.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '“' | '”' | '»' | '«' | '’' | ')' | ']' | '*' | '\u{2063}'
            )
    })
}

/// Text with each line's whitespace collapsed, paragraphs (a blank line apart) kept, runs
/// of blank lines made one, and no blank lines at either end.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        for (i, word) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// A page's bytes as text: a BOM decides (UTF-8, UTF-16 or UTF-32), then valid UTF-8 is
/// UTF-8, then the transport's charset, then a `<meta charset>` / `http-equiv` declaration
/// in the first 4 KB, else Windows-1252 (what browsers assume for an undeclared legacy
/// page). The second value says when bytes had to be replaced.
pub(crate) fn decode<'a>(bytes: &'a [u8], charset: Option<&str>) -> (Cow<'a, str>, Option<String>) {
    // Before `for_bom`: UTF-32LE's mark starts with UTF-16LE's.
    if let Some((text, warning)) = super::decode::utf32_with_bom(bytes) {
        return (Cow::Owned(text), warning);
    }
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return decode_as(encoding, &bytes[bom..]);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (super::decode::undoubled(Cow::Borrowed(text)), None);
    }
    let encoding = charset
        .and_then(label)
        .or_else(|| declared(&bytes[..bytes.len().min(CHARSET_SCAN_BYTES)]))
        .unwrap_or(WINDOWS_1252);
    decode_as(encoding, bytes)
}

fn decode_as<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> (Cow<'a, str>, Option<String>) {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let warning = had_errors.then(|| {
        format!(
            "some bytes are not valid {}: they are shown as \u{FFFD}",
            encoding.name()
        )
    });
    (text, warning)
}

/// The encoding a charset label names. A page cannot declare itself UTF-16 in ASCII
/// markup, so such a declaration means UTF-8, as browsers read it.
fn label(name: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(name.trim().trim_matches(['"', '\'']).as_bytes())?;
    Some(if encoding.output_encoding() == UTF_8 {
        UTF_8
    } else {
        encoding
    })
}

/// The charset a page's `<meta charset=...>` or `<meta http-equiv content="...;
/// charset=...">` names, by a byte scan (the page is not text yet).
fn declared(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"charset") {
        let mut i = from + at + b"charset".len();
        from = i;
        while lower.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if lower.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while lower
            .get(i)
            .is_some_and(|&b| b.is_ascii_whitespace() || b == b'"' || b == b'\'')
        {
            i += 1;
        }
        let end = lower[i..]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
            .map_or(lower.len(), |n| i + n);
        if let Some(encoding) = std::str::from_utf8(&lower[i..end]).ok().and_then(label) {
            return Some(encoding);
        }
    }
    None
}

/// Elements that have no end tag, or whose end tag may be left out (a parser closes them
/// itself): they do not nest.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame", "basefont", "bgsound", "command", "p", "li", "dt", "dd",
    "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot", "rb", "rt", "rp",
    "colgroup", "caption", "html", "head", "body", "!doctype",
];

/// How deep a page's elements nest, estimated from its tags in one pass (open tags less
/// end tags, scripts, styles and comments passed over), so that a page nested too deep
/// for the parser is refused before it is parsed.
fn nesting(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(at) = memchr_lt(&bytes[i..]) {
        i += at + 1;
        let rest = &bytes[i..];
        if rest.starts_with(b"!--") {
            i += find_end(rest, &COMMENT_END).map_or(rest.len(), |n| n + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = usize::from(closing);
        let name_len = rest[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'!' || **b == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
        let name = std::str::from_utf8(&name).unwrap_or_default();
        if !closing && (name == "script" || name == "style") {
            let end = if name == "script" {
                &SCRIPT_END
            } else {
                &STYLE_END
            };
            i += find_end(rest, end).unwrap_or(rest.len());
            continue;
        }
        if NOT_NESTING.contains(&name) {
            continue;
        }
        let tag_end = rest.iter().position(|&b| b == b'>').unwrap_or(rest.len());
        if closing {
            depth = depth.saturating_sub(1);
        } else if !rest[..tag_end].ends_with(b"/") {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where what [`nesting`] passes over ends (a comment, a script, a style), ASCII case
/// ignored (`</SCRIPT>` ends a script): each one automaton, built once, which reads a
/// script's text once.
static COMMENT_END: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| end_finder("-->"));
static SCRIPT_END: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| end_finder("</script"));
static STYLE_END: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| end_finder("</style"));

fn end_finder(end: &str) -> Option<AhoCorasick> {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([end])
        .ok()
}

/// Where `end` first starts in `haystack` (none when its automaton could not be built: one
/// short pattern always builds).
fn find_end(haystack: &[u8], end: &LazyLock<Option<AhoCorasick>>) -> Option<usize> {
    end.as_ref()?.find(haystack).map(|m| m.start())
}

/// The text of `root` outside elements named in `skip`, pieces a space apart (a byline set
/// as `<span>By</span>Jo Bloggs` reads as words, not as "ByJo Bloggs").
pub(super) fn visible_text(root: &dom_query::Selection, skip: &[&str]) -> String {
    let mut raw = String::new();
    let mut stack: Vec<_> = root.nodes().to_vec();
    while let Some(node) = stack.pop() {
        if node.is_text() {
            raw.push_str(&node.text());
            raw.push(' ');
        } else if !node.node_name().is_some_and(|n| skip.contains(&&*n)) {
            stack.extend(node.children_it(true));
        }
    }
    raw
}

#[cfg(test)]
mod tests;
