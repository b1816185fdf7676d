//! The article's own text on a page: readability (the `dom_smoothie` crate) on the parsed
//! page with figure captions removed (unless the page is a gallery told in them), and, where
//! readability gives up or settles on a form or a table, the text of the page's `article`,
//! `main` or `body` without its navigation, header, footer and asides.

use dom_query::Document;
use dom_smoothie::{Config, Readability, ReadabilityError, TextMode};
use std::collections::HashMap;

use super::{blocks, boiler, letters, tidy};

/// Elements that never hold article text.
pub(super) const NEVER_TEXT: &str =
    "script, style, noscript, template, iframe, object, embed, svg, canvas, button, select, \
     textarea, head, rt, rp";

/// Page furniture, removed before the fallback takes a container's text.
const CHROME: &str = "nav, header, footer, aside, form, figcaption, dialog, menu, \
     [role=navigation], [role=banner], [role=contentinfo], [role=complementary], \
     [aria-hidden=true], [hidden]";

/// Readability scores every element; past this many it is not run (its cost grows faster
/// than the page) and the fallback reads the page instead.
const MAX_ELEMENTS: usize = 150_000;

/// A fallback text whose links make up more than this share of its letters is a list of
/// links (an index page), not an article.
const MAX_LINK_SHARE: f64 = 0.5;

/// Readability reads the page's JSON-LD too (for the title it drops from the text), whole
/// and unbounded: past this many bytes of it, it is not asked to (the metadata comes from
/// `meta`, which reads JSON-LD with a bound).
const MAX_READABILITY_JSON_LD: usize = 1 << 20;

/// The share of the letters of the publisher's `articleBody` that must be in sentences found
/// in the page's own text before it is taken: a stale or hostile one does not match the page.
const LD_AGREEMENT: f64 = 0.8;

/// The share of readability's text that must be in the `articleBody` before it replaces it.
const LD_SAME: f64 = 0.5;

/// Sentences of an `articleBody` looked up in the page, at most (spread over its length):
/// each look-up reads the page's text, so a hostile body of many sentences costs no more.
const LD_SAMPLES: usize = 48;

/// An `articleBody` shorter than this many letters says too little to check it against the
/// page.
const LD_MIN_LETTERS: usize = 200;

/// The article text of a parsed page (`html` is its source, parsed again only for the
/// fallback; `json_ld_bytes` the size of its JSON-LD; `ld_body` the `articleBody` its
/// JSON-LD gives), paragraphs a blank line apart; `Err` says why there is none.
pub(super) fn body(
    doc: Document,
    html: &str,
    json_ld_bytes: usize,
    ld_body: Option<&str>,
) -> Result<String, String> {
    let ld_body = ld_body.and_then(|ld| agreeing(ld, &page_text(&doc)));
    let mut chosen = readable(doc, html, json_ld_bytes, false);
    // Furniture removal must never cost the article: a page that wraps all of it in an
    // element taken for furniture (an `aside` around the content column, a `noscript`
    // around the whole page for browsers without scripts, a dialog a story is opened in)
    // is read again with those elements as plain containers.
    if lost(&chosen) {
        let doc = Document::from(html);
        if as_plain_containers(&doc) {
            chosen = readable(doc, html, json_ld_bytes, true);
        }
    }
    let chosen = match (chosen, ld_body) {
        (Ok(text), Some(ld)) if prefer_ld(&text, &ld) => Ok(ld),
        (Err(_), Some(ld)) => Ok(ld),
        (chosen, _) => chosen,
    };
    chosen.map(without_repeats).map(boiler::without_disclosures)
}

/// Paragraphs in a row, at least, that repeat as many above them in the same order: a copy
/// of a passage. Fewer can be a meal plan's dishes and portions, the same on another day.
const COPY_RUN: usize = 8;

/// `text` without a copy of its own paragraphs: a page can set its article twice (one
/// copy for small screens) or each card of a carousel twice, and the text is the article
/// once. A paragraph of prose goes when it repeats the one just before it, or is in a run of
/// [`COPY_RUN`] that repeats one above in the same order. A paragraph repeated on its own
/// stays: an interview's recurring question, a meal plan's dish on two days.
fn without_repeats(text: String) -> String {
    let lines: Vec<&str> = text.lines().collect();
    // The prose lines' numbers, and for each an id of its text, the same for the same text
    // (the text is tidied: its lines' whitespace is collapsed): comparing ids keeps a text of
    // thousands of copies of one line cheap.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut first: Vec<usize> = Vec::new();
    let mut prose: Vec<(usize, usize)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if super::is_prose_line(line) {
            let next = ids.len();
            let id = *ids.entry(line.trim()).or_insert(next);
            if id == next {
                first.push(prose.len());
            }
            prose.push((i, id));
        }
    }
    let same = |a: usize, b: usize| prose[a].1 == prose[b].1;
    let mut dropped = vec![false; lines.len()];
    for (k, &(line, id)) in prose.iter().enumerate() {
        let j = first[id];
        if j == k {
            continue;
        }
        // In a run of COPY_RUN lines that repeat the lines as far above them as this one.
        let d = k - j;
        let repeats = |m: usize| m >= d && m < prose.len() && same(m, m - d);
        let copy = same(k, k - 1)
            || (0..COPY_RUN).any(|back| k >= back && (k - back..k - back + COPY_RUN).all(repeats));
        dropped[line] = copy;
    }
    if !dropped.contains(&true) {
        return text;
    }
    let kept: Vec<&str> = lines
        .iter()
        .zip(&dropped)
        .filter(|(_, &gone)| !gone)
        .map(|(line, _)| *line)
        .collect();
    tidy(&kept.join("\n"))
}

/// Elements whose whole text the first reading leaves out (readability drops `noscript`,
/// the furniture removal `aside`): read as plain containers when it finds nothing.
const WRAPPERS: &str = "noscript, aside";

/// Makes `doc`'s [`WRAPPERS`] and dialogs ([`boiler::DIALOGS`]) plain containers, for the
/// second reading of a page the first found nothing in; whether it had any.
fn as_plain_containers(doc: &Document) -> bool {
    let wrappers = doc.select(WRAPPERS);
    let dialogs = doc.select(boiler::DIALOGS);
    let any = wrappers.exists() || dialogs.exists();
    wrappers.rename("div");
    dialogs.remove_attrs(&["role", "aria-modal"]);
    any
}

/// Whether a reading of the page found no text at all (a page of links is found, and
/// refused, for what it is).
fn lost(chosen: &Result<String, String>) -> bool {
    match chosen {
        Ok(text) => letters(text) == 0,
        Err(reason) => reason != LINKS,
    }
}

/// Whether the publisher's checked `articleBody` is a better text than `text`, what
/// readability chose: it holds more, and is the same article (a page can carry the JSON-LD
/// of another story it shows a teaser of).
fn prefer_ld(text: &str, ld: &str) -> bool {
    letters(ld) > letters(text) && found_share(text, &crate::article::collapse(ld)) >= LD_SAME
}

/// The publisher's `articleBody` as text, if it agrees with the page's text `page`: most of
/// it is in sentences the page shows.
fn agreeing(ld: &str, page: &str) -> Option<String> {
    let text = if ld.contains('<') || ld.contains('&') {
        super::fragment_text(ld).ok()?
    } else {
        tidy(ld)
    };
    (letters(&text) >= LD_MIN_LETTERS && found_share(&text, page) >= LD_AGREEMENT).then_some(text)
}

/// The share of the letters of `text`'s sentences (of four words or more; at most
/// [`LD_SAMPLES`] of them, spread over it) that are found in `haystack`, whitespace collapsed
/// in both.
pub(super) fn found_share(text: &str, haystack: &str) -> f64 {
    let sentences: Vec<String> = text
        .split(['.', '!', '?', '\n'])
        .map(crate::article::collapse)
        .filter(|s| s.split(' ').count() >= 4)
        .collect();
    let step = sentences.len().div_ceil(LD_SAMPLES).max(1);
    let (mut found, mut checked) = (0, 0);
    for sentence in sentences.iter().step_by(step) {
        let n = letters(sentence);
        checked += n;
        if haystack.contains(sentence.as_str()) {
            found += n;
        }
    }
    if checked == 0 {
        0.0
    } else {
        found as f64 / checked as f64
    }
}

/// The text of the page's `body` outside scripts and styles, whitespace collapsed to one
/// space.
fn page_text(doc: &Document) -> String {
    let raw = super::visible_text(
        &doc.select("body"),
        &["script", "style", "noscript", "template"],
    );
    crate::article::collapse(&raw)
}

/// Where a page marks its article, best first: readability's block much shorter than the
/// first of these present is a block it chose wrongly.
const MARKED: [&str; 3] = ["[itemprop~=articleBody]", "article", "main"];

/// Readability's block with fewer letters than this share of the marked container's is
/// replaced by the container's text.
const MARKED_SHARE: f64 = 0.5;

/// The share of readability's text the marked container must hold to replace it.
const MARKED_HOLDS: f64 = 0.8;

/// Elements left out when the text of a marked container is measured: [`NEVER_TEXT`] and
/// the furniture of [`CHROME`] that goes by element name.
const UNMEASURED: [&str; 17] = [
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "button", "select", "textarea", "nav", "header", "footer", "aside", "form",
];

/// The page's marked article container: the first of [`MARKED`] present.
struct Marked {
    /// The letters of the longest such container, furniture left out; 0 if it has none.
    letters: usize,
    /// Whether it marks one story, as its `articleBody` or its `article`: one article, not a
    /// list of them (a `main` marks a region of the page, an index's as well).
    one_story: bool,
}

impl Marked {
    fn of(doc: &Document) -> Self {
        MARKED
            .iter()
            .enumerate()
            .find_map(|(rank, sel)| {
                let found = doc.select(sel);
                found.exists().then(|| Marked {
                    letters: found
                        .iter()
                        .map(|s| letters(&super::visible_text(&s, &UNMEASURED)))
                        .max()
                        .unwrap_or(0),
                    one_story: rank < 2 && found.length() == 1,
                })
            })
            .unwrap_or(Marked {
                letters: 0,
                one_story: false,
            })
    }
}

/// The article text readability chooses, or the fallback's where it gives up;
/// `wrappers_read` when [`WRAPPERS`] and dialogs in `doc` are made plain containers (the
/// fallback reads `html` likewise).
fn readable(
    doc: Document,
    html: &str,
    json_ld_bytes: usize,
    wrappers_read: bool,
) -> Result<String, String> {
    reveal_streamed(&doc);
    breaks_in_preformatted(&doc);
    without_media_fallbacks(&doc);
    // Ruby readings (the small kana over kanji) would be read into the words they annotate.
    doc.select("rt, rp").remove();
    let gallery = captions_carry_text(&doc);
    if !gallery {
        doc.select("figcaption").remove();
    }
    boiler::strip(&doc, gallery);
    unname_declared(&doc);
    let Marked {
        letters: marked,
        one_story,
    } = Marked::of(&doc);
    let ours = blocks::densest(&doc);
    let lead = blocks::lead(&doc);
    let intro = blocks::intro(&doc);
    let config = Config {
        text_mode: TextMode::Formatted,
        max_elements_to_parse: MAX_ELEMENTS,
        disable_json_ld: json_ld_bytes > MAX_READABILITY_JSON_LD,
        ..Config::default()
    };
    // No document URL: it only serves to resolve links, and text has none.
    let grabbed = Readability::with_document(doc, None, Some(config)).and_then(|mut r| r.parse());
    match grabbed {
        Ok(article) => {
            // Readability can settle on a list of headlines: refuse it as the fallback does.
            let content = Document::fragment(article.content);
            // Unless the page marks one article, and it holds text of its own: a wire item
            // of a headline and "******" beside a list of the most read.
            if mostly_links(&content.select("html")) {
                return one_story
                    .then(|| fallback(html, &MARKED, wrappers_read).ok())
                    .flatten()
                    .filter(|whole| !whole.trim().is_empty())
                    .ok_or_else(|| LINKS.into());
            }
            // The furniture still inside readability's block goes before its text is taken.
            boiler::prune(&content);
            let text = boiler::drop_lines(&tidy(&content.formatted_text()));
            // A sign-up or contact form is never the article: the marked article is taken
            // instead, however short (a video page's two-line summary). A block under half
            // the marked article is a part of it, or the wrong block; so is a long block
            // without sentences (a table of names and addresses the story gives): the marked
            // article is taken instead if it holds what readability chose.
            let form = marked > 0 && is_form(&content);
            let chosen = letters(&text);
            let partial = (chosen as f64) < MARKED_SHARE * marked as f64;
            if form || partial || is_listing(&text) {
                // Read once: it parses the page again.
                if let Ok(whole) = fallback(html, &MARKED, wrappers_read) {
                    let found = letters(&whole);
                    // A block the line rules emptied (a cookie banner beside a four-line
                    // story, or beside a headline-only wire item whose text is "******")
                    // gives way to whatever the marked article holds.
                    let emptied = chosen == 0 && !whole.trim().is_empty();
                    let holds = emptied
                        || (found > chosen
                            && found_share(&text, &crate::article::collapse(&whole))
                                >= MARKED_HOLDS);
                    if (form && found > 0) || holds {
                        return Ok(whole);
                    }
                }
            }
            let text = blocks::with_intro(blocks::better(text, ours), &intro);
            Ok(blocks::with_lead(text, lead))
        }
        Err(ReadabilityError::GrabFailed | ReadabilityError::TooManyElements(..)) => {
            fallback(html, &["article", "main", "body"], wrappers_read)
        }
        Err(ReadabilityError::BadDocumentURL) => Err("the page's URL is not absolute".into()),
    }
}

/// A page whose figure captions hold more than this many letters, and more than its
/// paragraphs outside them, is a gallery told in its captions.
const MIN_GALLERY_LETTERS: usize = 1000;

/// Whether `doc`'s figure captions carry its text (a slideshow story, a listicle of
/// pictures): they are kept, where elsewhere a caption is furniture.
fn captions_carry_text(doc: &Document) -> bool {
    let captions: usize = doc
        .select("figcaption")
        .iter()
        .map(|c| letters(&c.text()))
        .sum();
    if captions <= MIN_GALLERY_LETTERS {
        return false;
    }
    let paragraphs: usize = doc.select("p").iter().map(|p| letters(&p.text())).sum();
    let in_captions: usize = doc
        .select("figcaption p")
        .iter()
        .map(|p| letters(&p.text()))
        .sum();
    captions > paragraphs.saturating_sub(in_captions)
}

/// Whether readability's block (`content`) is a form of fields: most of its letters are in
/// a `form`, and most of those in the form's labels and choices.
fn is_form(content: &Document) -> bool {
    let all = letters(&content.select("html").text());
    let in_forms: usize = content
        .select("form")
        .iter()
        .map(|f| letters(&f.text()))
        .sum();
    let labels: usize = content
        .select("form label, form legend, form option")
        .iter()
        .map(|l| letters(&l.text()))
        .sum();
    all > 0 && 2 * in_forms >= all && 2 * labels >= in_forms
}

/// A text of at least this many letters is long enough to judge by its sentences.
const MIN_LISTING_LETTERS: usize = 1000;

/// A text with fewer than one sentence end in this many letters is not prose.
const MAX_LETTERS_PER_SENTENCE: usize = 800;

/// Whether `text` is long but has hardly a sentence in it: a table or a list of names,
/// figures or addresses, not an article. A sentence ends at a `.`, `!` or `?` followed by a
/// space and a capital, or at the end of a line; at any full stop of the scripts written
/// without spaces (`。`, `！`, `？`) and at `।` and `؟`.
pub(super) fn is_listing(text: &str) -> bool {
    let all = letters(text);
    if all < MIN_LISTING_LETTERS {
        return false;
    }
    let mut sentences = text
        .lines()
        .filter(|l| l.trim_end().ends_with(['.', '!', '?']))
        .count();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '.' | '!' | '?') && chars.next_if_eq(&' ').is_some() {
            sentences += usize::from(chars.peek().is_some_and(|n| n.is_uppercase()));
        } else if matches!(c, '。' | '！' | '？' | '।' | '؟') {
            sentences += 1;
        }
    }
    sentences * MAX_LETTERS_PER_SENTENCE < all
}

/// The visible text of the longest element matching the first of `containers` present on
/// the page (else of the whole page), without the page's furniture; a list of links is
/// refused. `wrappers_read`: [`WRAPPERS`] and dialogs are read as plain containers.
fn fallback(html: &str, containers: &[&str], wrappers_read: bool) -> Result<String, String> {
    let doc = Document::from(html);
    reveal_streamed(&doc);
    breaks_in_preformatted(&doc);
    without_media_fallbacks(&doc);
    if wrappers_read {
        as_plain_containers(&doc);
    }
    doc.select(NEVER_TEXT).remove();
    doc.select(CHROME).remove();
    boiler::strip(&doc, false);
    let container = containers
        .iter()
        .find_map(|name| {
            doc.select(name)
                .iter()
                .max_by_key(|s| s.text().len())
                .filter(|s| !s.text().trim().is_empty())
        })
        .unwrap_or_else(|| doc.select("html"));
    if mostly_links(&container) {
        return Err(LINKS.into());
    }
    Ok(boiler::drop_lines(&tidy(&container.formatted_text())))
}

/// The parts of a page that React's streaming server rendering sends as it finishes them:
/// each comes in a hidden `div` (`<div hidden id="S:0">`) that the page's script moves into
/// place, so it is the page's own content (often all of its article), not hidden furniture.
const STREAMED: &str = r#"div[hidden][id^="S:"]"#;

/// Makes the [`STREAMED`] parts of `doc` ordinary containers, as the browser shows them.
fn reveal_streamed(doc: &Document) {
    doc.select(STREAMED).remove_attr("hidden");
}

/// Empties `video` and `audio` elements: besides their sources, what they hold is the text
/// a browser that cannot play them shows instead ("Your browser does not support the video
/// tag."), which no reader of the page sees. The element itself stays, as a picture does.
pub(super) fn without_media_fallbacks(doc: &Document) {
    for media in doc.select("video, audio").nodes() {
        for child in media.children() {
            child.remove_from_parent();
        }
    }
}

/// Makes each line break inside a `pre` the newline it shows: the text of a `pre` is read
/// as it stands, and a code sample set line by line with `<br>` would otherwise run its
/// lines together ("import subprocessimport time").
fn breaks_in_preformatted(doc: &Document) {
    for br in doc.select("pre br").nodes() {
        br.replace_with(&doc.tree.new_text("\n"));
    }
}

/// Takes the class and id off the page's `article` and `main` elements where they name what
/// readability drops unread (`full-width-template-with-sidebar`): readability removes such
/// an element however it is tagged, and a page that wraps its story in one loses the story
/// to whatever text is left outside it (an advertiser disclosure). The tag is the page's own
/// word for where its article is; it outranks a template's class name.
fn unname_declared(doc: &Document) {
    for node in doc.select("article, main").nodes() {
        if blocks::unlikely(node) {
            node.remove_attrs(&["class", "id"]);
        }
    }
}

/// Whether the page says it is an article: an `<article>` element, `og:type` article, or
/// schema.org article microdata.
pub(super) fn declares_article(doc: &Document) -> bool {
    doc.select(r#"article, meta[property="og:type"][content="article"], [itemtype*="Article"]"#)
        .exists()
}

const LINKS: &str = "no article text: the page is mostly links (an index or section page?)";

/// Whether links make up more than [`MAX_LINK_SHARE`] of the letters in `container`.
fn mostly_links(container: &dom_query::Selection) -> bool {
    let all = letters(&container.text());
    let linked: usize = container
        .select("a")
        .iter()
        .map(|a| letters(&a.text()))
        .sum();
    all > 0 && linked as f64 > MAX_LINK_SHARE * all as f64
}

/// Readability keeps the byline line above the text ("By Jo Bloggs"); it is not body.
pub(super) fn drop_leading_byline(body: &str) -> String {
    let first = body.lines().next().unwrap_or_default();
    if super::is_by_line(first) && first.len() < body.len() {
        body[first.len()..].trim_start().to_string()
    } else {
        body.to_string()
    }
}
