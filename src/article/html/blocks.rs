//! A choice of the article's block of our own, by text density, held against readability's:
//! paragraphs of sentences outside links count for an element, link text and short lines
//! against it, and the element with the best balance is the block. Readability scores
//! commas and class names, so it can keep one part of an article split over several
//! containers, or leave out a lead paragraph set apart from the rest; where our block holds
//! readability's and more prose, its paragraphs up to the end of readability's text are
//! taken in, and where it holds readability's text with less prose, readability's labels it
//! left out are dropped; where readability's text is a mere fragment of ours' prose, ours is
//! taken. Also here: the page's standfirst, found by the description it gives itself, and
//! its intro, the paragraphs between the headline and the chosen text that the text left
//! out.

use std::collections::HashMap;

use dom_query::{Document, NodeId, NodeRef, Selection};

use super::{boiler, ends_a_sentence, is_sentence_mark, tidy};

/// Elements whose text is never article text, and furniture that goes by element name.
const SKIPPED: [&str; 19] = [
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "button", "select", "textarea", "head", "nav", "aside", "footer", "form", "dialog", "menu",
];

/// The same, as a selector, for removing them from the chosen block's copy.
const SKIPPED_SELECTOR: &str = "script, style, noscript, template, iframe, object, embed, svg, \
     canvas, button, select, textarea, head, nav, aside, footer, form, dialog, menu, \
     [aria-hidden=true], [hidden]";

/// Parts of class and id names that mark an element as unlikely to hold the article
/// (readability.js's `unlikelyCandidates`, as `dom_smoothie` ports it), unless a part of
/// [`MAYBE`] is there too.
const UNLIKELY: [&str; 32] = [
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumbs",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
    "yom-remote",
    // WordPress's comment form.
    "respond",
];

/// Parts of class and id names that keep an element [`UNLIKELY`] names as a candidate
/// (readability.js's `okMaybeItsACandidate`).
const MAYBE: [&str; 8] = [
    "and", "article", "body", "column", "content", "main", "mathjax", "shadow",
];

/// Of the parts of [`UNLIKELY`], those naming text that is never the article however much of
/// the page it holds: readers' comments, related stories, advertising, pop-ups and consent
/// boxes. The others name the page's layout (`header`, `sidebar`, `menu`, `extra`), and a
/// theme can give such a name to the wrapper of the whole page
/// (`wrapper-boxed header-style-header-2`, `template-two-col with-sidebar-right`).
const OTHERS_TEXT: [&str; 14] = [
    "comment",
    "community",
    "disqus",
    "related",
    "remark",
    "replies",
    "respond",
    "shoutbox",
    "-ad-",
    "ad-break",
    "sponsor",
    "popup",
    "gdpr",
    "agegate",
];

/// Whether readability.js judges `node` by its names at all: not a link, and not inside a
/// table or code (`in_table_or_code`), where a name such as `token comment` marks a part of
/// the text (a comment in a code sample), not the page's furniture.
fn judged_by_names(node: &NodeRef, in_table_or_code: bool) -> bool {
    !in_table_or_code
        && !node
            .node_name()
            .is_some_and(|n| &*n == "a" || &*n == "body")
}

/// Whether `name` is an element inside which [`judged_by_names`] judges nothing.
fn table_or_code(name: &str) -> bool {
    matches!(name, "table" | "code")
}

/// Why an element's class and id say it does not hold the article (see [`UNLIKELY`]).
#[derive(Clone, Copy, PartialEq)]
enum Unlikely {
    /// A name of the page's layout: read in [`densest`]'s second reading.
    Layout,
    /// A name of others' text ([`OTHERS_TEXT`]): never read.
    OthersText,
}

/// Whether, and why, `node`'s class and id say it is not the article, as readability judges
/// them (see [`UNLIKELY`]); the names are read once.
fn unlikely_as(node: &NodeRef) -> Option<Unlikely> {
    let mut names = String::new();
    for attr in ["class", "id"] {
        if let Some(v) = node.attr(attr) {
            names.push_str(&v.to_lowercase());
            names.push(' ');
        }
    }
    let unlikely =
        UNLIKELY.iter().any(|u| names.contains(u)) && !MAYBE.iter().any(|m| names.contains(m));
    if !unlikely {
        None
    } else if OTHERS_TEXT.iter().any(|o| names.contains(o)) {
        Some(Unlikely::OthersText)
    } else {
        Some(Unlikely::Layout)
    }
}

/// Whether `node`'s class and id say it is not the article (see [`UNLIKELY`]), as
/// readability judges them.
pub(super) fn unlikely(node: &NodeRef) -> bool {
    unlikely_as(node).is_some()
}

/// How many times the worth of the first reading's block the second reading's must be to be
/// taken (see [`densest`]).
const LAYOUT_NAMED_GAIN: f64 = 4.0;

/// Elements that flow inside a paragraph: their text belongs to the nearest block around
/// them.
const INLINE: [&str; 24] = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
];

/// A paragraph with fewer letters outside links than this is not a sentence of prose (a
/// heading, a label, a name in a list).
const MIN_PROSE_LETTERS: usize = 60;

/// A paragraph whose links hold more than this share of its letters is a link list.
const MAX_PROSE_LINK_SHARE: f64 = 0.3;

/// What a letter of a short line outside links costs a block, against one of prose: a few
/// headings are nothing, a long list of short lines outweighs a short article.
const SHORT_LINE_COST: f64 = 0.4;

/// What a letter of link text costs a block: more than a letter of prose earns, so that a
/// teaser (a linked headline over a line of blurb) does not pay for itself.
const LINK_COST: f64 = 2.5;

/// One paragraph's letters: all of them, those in links, and whether it has sentence
/// punctuation.
#[derive(Default, Clone, Copy)]
struct Para {
    letters: usize,
    linked: usize,
    punctuated: bool,
}

impl Para {
    /// Counts a run of `n` letters of it, `linked` or not, `punctuated` or not.
    fn add(&mut self, n: usize, linked: bool, punctuated: bool) {
        self.letters += n;
        if linked {
            self.linked += n;
        }
        self.punctuated |= punctuated;
    }

    /// Its worth to a block that holds it.
    fn worth(&self) -> f64 {
        let unlinked = self.letters - self.linked;
        let prose = unlinked >= MIN_PROSE_LETTERS
            && (self.linked as f64) <= MAX_PROSE_LINK_SHARE * self.letters as f64
            && self.punctuated;
        if prose {
            unlinked as f64
        } else {
            -(SHORT_LINE_COST * unlinked as f64 + LINK_COST * self.linked as f64)
        }
    }
}

/// The block of `doc` whose paragraphs are the most prose for the least links and short
/// lines, as text (paragraphs a blank line apart, furniture lines dropped); `None` when no
/// block has any prose.
///
/// Elements named as unlikely to hold the article are left out, as readability leaves them
/// out. Those named for the page's layout (not for others' text, [`OTHERS_TEXT`]) are also
/// read in a second reading, in the same pass; its block is taken if it is worth
/// [`LAYOUT_NAMED_GAIN`] times the first's: the page's wrapper bore a layout name, and the
/// first reading saw only what lay outside it. (Readability reads such a page again itself
/// when its first reading finds too little.)
pub(super) fn densest(doc: &Document) -> Option<String> {
    let body = doc.select("body");
    let root = body.nodes().first().copied()?;
    // Each paragraph's letters, and those outside layout-named elements.
    let mut paras: HashMap<NodeId, (Para, Para)> = HashMap::new();
    // Depth first, each node with the paragraph it is in, whether a link holds it, whether a
    // layout-named element does, and whether a table or code does.
    let mut stack: Vec<(NodeRef, NodeId, bool, bool, bool)> =
        vec![(root, root.id, false, false, false)];
    // Elements in document order, each with whether it is in a layout-named element.
    let mut order: Vec<(NodeRef, bool)> = Vec::new();
    while let Some((node, para, linked, in_layout, in_table_or_code)) = stack.pop() {
        if node.is_text() {
            let text = node.text();
            let n = text.chars().filter(|c| c.is_alphanumeric()).count();
            let punctuated = text.chars().any(is_sentence_mark);
            let (all, outside) = paras.entry(para).or_default();
            all.add(n, linked, punctuated);
            if !in_layout {
                outside.add(n, linked, punctuated);
            }
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let Some(name) = node.node_name() else {
            continue;
        };
        if SKIPPED.contains(&&*name)
            || node.has_attr("hidden")
            || node.attr("aria-hidden").is_some_and(|v| &*v == "true")
        {
            continue;
        }
        let judged = judged_by_names(&node, in_table_or_code);
        let in_table_or_code = in_table_or_code || table_or_code(&name);
        let in_layout = match judged.then(|| unlikely_as(&node)).flatten() {
            Some(Unlikely::OthersText) => continue,
            Some(Unlikely::Layout) => true,
            None => in_layout,
        };
        let para = if INLINE.contains(&&*name) {
            para
        } else {
            node.id
        };
        let linked = linked || &*name == "a";
        order.push((node, in_layout));
        stack.extend(
            node.children_it(true)
                .map(|c| (c, para, linked, in_layout, in_table_or_code)),
        );
    }
    // Each paragraph's worth counts for its element and every element around it, up to the
    // body: in the first reading (outside layout-named elements) and in the second.
    let nodes: HashMap<NodeId, NodeRef> = order.iter().map(|(n, _)| (n.id, *n)).collect();
    let mut worth: HashMap<NodeId, (f64, f64)> = HashMap::new();
    for (id, (all, outside)) in &paras {
        let (first, second) = (outside.worth(), all.worth());
        let mut at = nodes.get(id).copied();
        while let Some(node) = at {
            let entry = worth.entry(node.id).or_default();
            entry.0 += first;
            entry.1 += second;
            if node.id == root.id {
                break;
            }
            at = node.parent();
        }
    }
    // In document order, so that of equal worths the innermost block wins. The first
    // reading's candidates are the elements outside layout-named ones.
    fn consider<'a>(best: &mut Option<(NodeRef<'a>, f64)>, node: NodeRef<'a>, w: f64) {
        if w > 0.0 && best.is_none_or(|(_, b)| w >= b) {
            *best = Some((node, w));
        }
    }
    let (mut first, mut second) = (None, None);
    let mut any_layout = false;
    for (node, in_layout) in order {
        any_layout |= in_layout;
        let (w_first, w_second) = worth.get(&node.id).copied().unwrap_or_default();
        if !in_layout {
            consider(&mut first, node, w_first);
        }
        consider(&mut second, node, w_second);
    }
    let first_worth = first.map_or(0.0, |(_, w)| w);
    let second_reading =
        any_layout && second.is_some_and(|(_, w)| w > LAYOUT_NAMED_GAIN * first_worth);
    let (block, _) = if second_reading { second } else { first }?;
    // What the reading left out goes from the block's copy too.
    let left_out = |kind: Option<Unlikely>| match kind {
        Some(Unlikely::OthersText) => true,
        Some(Unlikely::Layout) => !second_reading,
        None => false,
    };
    // The block's copy has no ancestors: whether a table or code holds the block is read on
    // the page.
    let block_in_table_or_code = block
        .ancestors_it(None)
        .any(|a| a.node_name().is_some_and(|n| table_or_code(&n)));
    let copy = block.to_fragment();
    copy.select(SKIPPED_SELECTOR).remove();
    for node in copy.select("[class], [id]").nodes() {
        let in_table_or_code = block_in_table_or_code
            || node
                .ancestors_it(None)
                .any(|a| a.node_name().is_some_and(|n| table_or_code(&n)));
        if judged_by_names(node, in_table_or_code) && left_out(unlikely_as(node)) {
            node.remove_from_parent();
        }
    }
    Some(boiler::drop_lines(&tidy(&copy.formatted_text())))
}

/// The letters of `text` in lines of prose (long enough, with sentence punctuation): how
/// much article a text holds, the same measure for readability's text and ours.
pub(super) fn prose_letters(text: &str) -> usize {
    text.lines()
        .filter(|line| super::is_prose_line(line))
        .map(super::letters)
        .sum()
}

/// Readability's `text`, held against `ours`, the densest block's, where ours holds most of
/// it.
///
/// Where ours is the wider block with more prose (readability kept one part of an article
/// split over several containers, or left out a lead paragraph set apart), ours' paragraphs
/// of prose from its start to readability's last line are added, in ours' order, with the
/// shorter sentences set between them ([`sentences_between`]). What
/// follows readability's text in the wider block is left out: an author's bio, a teaser, a
/// disclaimer or the comments stand there far more often than the rest of the story. Where
/// readability's block holds as much prose or more, its labels that ours left out go
/// ([`without_labels_left_out`]).
///
/// Readability's text with less than a [`FRAGMENT_SHARE`] of ours' prose is a fragment, not
/// the article (one post of a thread, a product's one-line summary, a lone box of the page):
/// ours is taken whole where it lies elsewhere on the page, and its paragraphs to its end
/// where it holds the fragment.
pub(super) fn better(text: String, ours: Option<String>) -> String {
    let Some(ours) = ours else {
        return text;
    };
    let (theirs, mine) = (prose_letters(&text), prose_letters(&ours));
    if mine == 0 {
        return text;
    }
    let flat_ours = crate::article::collapse(&ours);
    if mine <= theirs {
        return without_labels_left_out(text, &flat_ours);
    }
    let fragment = (theirs as f64) < FRAGMENT_SHARE * mine as f64;
    if super::extract::found_share(&text, &flat_ours) < HOLDS {
        return if fragment && mine >= MIN_REPLACING_PROSE {
            ours
        } else {
            text
        };
    }
    let lines: Vec<&str> = ours.lines().collect();
    let readabilitys = found_in(&lines, &crate::article::collapse(&text));
    let Some(mut last) = readabilitys.iter().rposition(|&found| found) else {
        return text;
    };
    if fragment {
        last = lines.len() - 1;
    }
    let lines = &lines[..=last];
    let taken: Vec<bool> = lines
        .iter()
        .zip(&readabilitys)
        .map(|(line, &found)| found || is_paragraph(line))
        .collect();
    let between = sentences_between(lines, &taken);
    let kept: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|&(i, line)| line.trim().is_empty() || taken[i] || between[i])
        .map(|(_, line)| *line)
        .collect();
    tidy(&kept.join("\n"))
}

/// For each of `lines`, whether it is a short sentence in a run of them set between two
/// lines `taken` as the article's: a recipe's short step, a one-line paragraph of a story.
/// A teaser's blurb stands beside its headline, which is no sentence, and a short line
/// after the last paragraph may be a sign-off or a notice: neither is between.
fn sentences_between(lines: &[&str], taken: &[bool]) -> Vec<bool> {
    let mut between = vec![false; lines.len()];
    let mut run: Vec<usize> = Vec::new();
    let mut after_taken = false;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if taken[i] {
            if after_taken {
                for &j in &run {
                    between[j] = true;
                }
            }
            run.clear();
            after_taken = true;
        } else if after_taken && super::is_prose_line(trimmed) && ends_a_sentence(trimmed) {
            run.push(i);
        } else {
            run.clear();
            after_taken = false;
        }
    }
    between
}

/// Readability's `text` without the lines that the densest block (`flat_ours`, its text with
/// whitespace collapsed), holding most of readability's text, left out and that are no
/// sentence: labels readability's block took in with the article (a category, "Views:",
/// "Comments in total:", a time of day), which the densest reading leaves out as furniture
/// or short lines. A sentence stays (the last short line of a wire story, a "This post
/// originally appeared on ..." note), and so do the lines above the first that both blocks
/// share: a subtitle or lead paragraph set above the densest block.
fn without_labels_left_out(text: String, flat_ours: &str) -> String {
    // Each line is looked up alone, in lines that are no sentence only (the first shared line
    // is most often the first line): an automaton over all the lines would cost more to
    // build than these few searches. Each search reads ours, so their number is bounded: a
    // text of more such lines than that is a list or a table, and is left as it is.
    let in_ours = |line: &str| {
        let flat = crate::article::collapse(line);
        !flat.is_empty() && flat_ours.contains(flat.as_str())
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut lookups = 0;
    // Whether a line both blocks share has come yet: until then every line is kept.
    let mut shared_yet = false;
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    for line in &lines {
        let trimmed = line.trim();
        if trimmed.is_empty() || (shared_yet && ends_a_sentence(trimmed)) {
            kept.push(line);
            continue;
        }
        lookups += 1;
        if lookups > MAX_LINE_LOOKUPS {
            return text;
        }
        let found = in_ours(line);
        if found || !shared_yet {
            kept.push(line);
        }
        shared_yet |= found;
    }
    // Whether ours holds readability's text is asked only of a text with lines to drop.
    if kept.len() == lines.len() || super::extract::found_share(&text, flat_ours) < HOLDS {
        return text;
    }
    tidy(&kept.join("\n"))
}

/// Lines of readability's text looked up in the densest block's, at most, by
/// [`without_labels_left_out`]: each lookup reads the block's text.
const MAX_LINE_LOOKUPS: usize = 64;

/// For each of `lines`, whether its text (whitespace collapsed, not empty) is found in
/// `haystack`: one pass over the haystack for all the lines, so that a long block of many
/// lines does not cost a reading of the haystack each.
fn found_in(lines: &[&str], haystack: &str) -> Vec<bool> {
    let flat: Vec<String> = lines.iter().map(|l| crate::article::collapse(l)).collect();
    // Each distinct line once: a text of a thousand identical lines would otherwise report a
    // thousand matches at each place the line is found.
    let mut distinct: HashMap<&str, usize> = HashMap::new();
    let mut patterns: Vec<&str> = Vec::new();
    let mut ids: Vec<Option<usize>> = Vec::with_capacity(flat.len());
    for f in &flat {
        if f.is_empty() {
            ids.push(None);
            continue;
        }
        let id = *distinct.entry(f.as_str()).or_insert_with(|| {
            patterns.push(f.as_str());
            patterns.len() - 1
        });
        ids.push(Some(id));
    }
    let mut found_patterns = vec![false; patterns.len()];
    if patterns.len().saturating_mul(haystack.len()) <= MAX_SEPARATE_SEARCH_BYTES {
        // Few lines in a short haystack are each looked for on their own: building an
        // automaton costs more than these searches.
        for (found, pattern) in found_patterns.iter_mut().zip(&patterns) {
            *found = haystack.contains(pattern);
        }
    } else {
        // Overlapping: a line inside another line's text is found as well.
        // Built anew for each page and run once: the automaton quickest to build is the one
        // (the crate's own choice, a DFA for few patterns, costs more to build than the one
        // search it serves).
        let automaton = aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .build(&patterns);
        if let Ok(automaton) = automaton {
            for m in automaton.find_overlapping_iter(haystack) {
                found_patterns[m.pattern().as_usize()] = true;
            }
        }
    }
    ids.iter()
        .map(|id| id.is_some_and(|i| found_patterns[i]))
        .collect()
}

/// The bytes [`found_in`] reads at most by looking for each line on its own (the lines
/// times the haystack); past them one automaton reads the haystack once for all the lines.
const MAX_SEPARATE_SEARCH_BYTES: usize = 1 << 20;

/// The share of readability's text found in ours for ours to be a widening of it.
const HOLDS: f64 = 0.8;

/// Readability's text with less than this share of the prose of our block is a fragment of
/// the page's text, not its article.
const FRAGMENT_SHARE: f64 = 0.25;

/// Letters of prose our block must hold to replace, rather than widen, a fragment
/// readability chose elsewhere on the page: less is no surer an article than the fragment.
const MIN_REPLACING_PROSE: usize = 500;

/// A line of the wider block shorter than this many letters is not taken as a paragraph of
/// the article: a short line there is as often a label or a teaser's blurb.
const MIN_PARAGRAPH_LETTERS: usize = 100;

/// Whether `line` is a paragraph of prose to take from the wider block: long, punctuated,
/// ending as a sentence does, and not cut short with an ellipsis (the blurb of a teaser).
fn is_paragraph(line: &str) -> bool {
    super::is_prose_line(line)
        && super::letters(line) >= MIN_PARAGRAPH_LETTERS
        && (ends_a_sentence(line) || super::sentence_end(line).ends_with(':'))
}

/// Where a page states its summary: the standfirst it shows above the article is most often
/// this very text.
const DESCRIPTIONS: &str = r#"meta[property="og:description"], meta[name="description"], meta[name="twitter:description"]"#;

/// Descriptions tried, at most: one per kind of tag in [`DESCRIPTIONS`]; a hostile page's
/// thousands of them would each cost a reading of the page.
const MAX_DESCRIPTIONS: usize = 3;

/// A description shorter than this many letters is a label, not a standfirst.
const MIN_LEAD_LETTERS: usize = 60;

/// The element showing the lead must hold at most this many times the description's
/// letters: more is a container around it (a header with the title, a section label and a
/// date line), not the lead itself.
const MAX_LEAD_GROWTH: f64 = 1.3;

/// A `div` holding more nodes than this (elements and runs of text) is a container, not a
/// lead.
const MAX_LEAD_NODES: usize = 256;

/// The elements a page's lead is looked for in, in the page's order (the parser puts each in
/// the `body`).
const LEAD_ELEMENTS: &str = "p, div, h2, h3, h4, h5, h6";

/// [`LEAD_ELEMENTS`] by tag name.
const LEAD_TAGS: &[&str] = &["p", "div", "h2", "h3", "h4", "h5", "h6"];

/// The page's lead (standfirst) as it shows it: the first paragraph, `div` or subheading
/// outside navigation, footers and asides whose text holds one of the page's own
/// descriptions (its start, when the description is cut short with an ellipsis) and little
/// more; failing that, the sentence set under the headline ([`dek_under_headline`]). Each
/// description tag is tried in turn: a page's `description` can be a shorter cut of the lead
/// its `og:description` gives whole.
pub(super) fn lead(doc: &Document) -> Option<String> {
    // Each distinct one once: the tags often repeat one text, and each look reads the page.
    let mut descriptions: Vec<String> = Vec::new();
    for text in doc
        .select(DESCRIPTIONS)
        .iter()
        .filter_map(|m| m.attr("content"))
        .map(|c| crate::article::collapse(&c))
        .filter(|c| super::letters(c) >= MIN_LEAD_LETTERS)
    {
        if !descriptions.contains(&text) {
            descriptions.push(text);
        }
        if descriptions.len() == MAX_DESCRIPTIONS {
            break;
        }
    }
    match descriptions.iter().find_map(|d| lead_showing(doc, d)) {
        Some(shown) => shown,
        None => dek_under_headline(doc),
    }
}

/// Letters a standfirst set under the headline holds: fewer is a kicker or a date line, more
/// is the story's own opening.
const DEK_LETTERS: std::ops::RangeInclusive<usize> = 40..=400;

/// The standfirst of a page whose descriptions show nowhere (the page words its summary for
/// search engines otherwise): the element right after the page's first `h1`, when it is a
/// paragraph, a `div` or a subheading holding one or more whole sentences and no link, or
/// words of one in an element its class names a standfirst ([`names_dek`]: many are set
/// as a headline is, without a full stop). A teaser or a section label there is linked or is
/// no sentence, and a site's tagline under its name is named for what it is, a description.
fn dek_under_headline(doc: &Document) -> Option<String> {
    let headlines = doc.select("h1");
    let next = headlines.nodes().first()?.next_element_sibling()?;
    if !next
        .node_name()
        .is_some_and(|n| matches!(&*n, "p" | "div" | "h2" | "h3"))
        || in_furniture(&next)
        || next
            .descendants_it()
            .any(|d| d.node_name().is_some_and(|n| &*n == "a"))
    {
        return None;
    }
    let text = crate::article::collapse(&next.text());
    (DEK_LETTERS.contains(&super::letters(&text))
        && (ends_a_sentence(&text) || (names_dek(&next) && is_worded(&text))))
    .then(|| tidy(&next.formatted_text()))
}

/// Words a page's class or id names its standfirst by.
const DEK_NAMES: &[&str] = &[
    "subtitle",
    "sub-title",
    "subheadline",
    "sub-headline",
    "subhead",
    "dek",
    "standfirst",
    "strapline",
    "lede",
    "summary",
    "excerpt",
    "deck",
    "subheading",
    "sub-heading",
];

/// Lower-case words a standfirst named as one holds, at least: a list of names and
/// credentials set in its place ("Ellen Lindell, VMD, DACVB; ...") has none.
const MIN_DEK_LOWER_WORDS: usize = 2;

/// Whether `text` reads as words of a sentence: it has [`MIN_DEK_LOWER_WORDS`] words that
/// start in lower case.
fn is_worded(text: &str) -> bool {
    text.split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count()
        >= MIN_DEK_LOWER_WORDS
}

/// Whether `node`'s class or id names it the page's standfirst (`heading__subtitle`,
/// `article-dek`, `standfirst`).
fn names_dek(node: &dom_query::NodeRef) -> bool {
    [node.attr("class"), node.attr("id")]
        .iter()
        .flatten()
        .flat_map(|v| v.split_whitespace())
        .map(str::to_ascii_lowercase)
        .any(|name| DEK_NAMES.iter().any(|w| boiler::names_it(&name, w, false)))
}

/// Whether `node` holds no text of its own, only elements the lead is looked for in itself.
fn only_wraps(node: &dom_query::NodeRef) -> bool {
    node.children_it(false).all(|c| {
        if c.is_text() {
            c.text().trim().is_empty()
        } else {
            !c.is_element() || c.node_name().is_some_and(|n| LEAD_TAGS.contains(&&*n))
        }
    })
}

/// Whether `node` sits in a page's navigation, footer, aside, form or head.
fn in_furniture(node: &dom_query::NodeRef) -> bool {
    node.ancestors_it(None).any(|a| {
        a.node_name()
            .is_some_and(|n| matches!(&*n, "nav" | "footer" | "aside" | "form" | "head"))
    })
}

/// The first paragraph (see [`lead`]) showing `description`: `Some(None)` when it is in the
/// page's furniture.
fn lead_showing(doc: &Document, description: &str) -> Option<Option<String>> {
    let cut = description.trim_end_matches(['.', '…', ' ']);
    let probe: String = cut.chars().take(120).collect();
    let wanted = super::letters(description);
    let probe_letters = super::letters(&probe);
    // A paragraph, a `div` or a subheading: sites set their standfirst in each.
    for el in doc.select(LEAD_ELEMENTS).iter() {
        let node = el.nodes().first().copied()?;
        // A container's text is not read: nested `div`s would each read the page again
        // (paragraphs and headings do not nest), and a `div` that only wraps others is read
        // in them.
        if node.node_name().is_some_and(|n| &*n == "div")
            && (node.descendants_it().nth(MAX_LEAD_NODES).is_some() || only_wraps(&node))
        {
            continue;
        }
        let text = el.text();
        let n = super::letters(&text);
        if n < wanted.min(probe_letters) || n as f64 > MAX_LEAD_GROWTH * wanted as f64 {
            continue;
        }
        let flat = crate::article::collapse(&text);
        if !flat.contains(&probe) {
            continue;
        }
        if in_furniture(&node) {
            return Some(None);
        }
        // A `div` around a paragraph or heading that shows the lead whole is a header or a
        // teaser card (a title, a date): the lead is that element's text.
        let inner = el
            .select("p, h2, h3, h4, h5, h6")
            .iter()
            .find(|e| crate::article::collapse(&e.text()).contains(&probe));
        return Some(Some(tidy(&inner.unwrap_or(el).formatted_text())));
    }
    None
}

/// Paragraphs of an intro looked at, at most: each is looked up in the chosen text.
const MAX_INTRO_PARAGRAPHS: usize = 32;

/// The characters of an intro paragraph looked up in the chosen text: the text holds the
/// paragraph when it holds its start.
const INTRO_PROBE_CHARS: usize = 80;

/// Whether an element named `name` is one of [`super::extract::NEVER_TEXT`], read by tag
/// name (a selector matched at each element would be parsed again each time).
fn is_never_text(name: &str) -> bool {
    super::extract::NEVER_TEXT
        .split(',')
        .any(|tag| tag.trim() == name)
}

/// A paragraph of an intro holds at least this many letters outside links.
const MIN_INTRO_LETTERS: usize = 100;

/// The paragraphs of prose that follow the page's first `h1`, in the page's order (at most
/// [`MAX_INTRO_PARAGRAPHS`]): each a `p` outside navigation, footers, asides, forms and
/// links, without scripts, of at least [`MIN_INTRO_LETTERS`] outside links and at most
/// [`MAX_PROSE_LINK_SHARE`] in them, ending a sentence. [`with_intro`] finds where the
/// chosen text starts among them.
pub(super) fn intro(doc: &Document) -> Vec<String> {
    let Some(h1) = doc.select("h1").nodes().first().copied() else {
        return Vec::new();
    };
    let mut after_h1 = false;
    let mut found = Vec::new();
    for node in doc.select("h1, p").nodes() {
        if node.id == h1.id {
            after_h1 = true;
            continue;
        }
        if !after_h1 || !node.is("p") {
            continue;
        }
        let raw = node.text();
        if super::letters(&raw) < MIN_INTRO_LETTERS {
            continue;
        }
        // One in the page's furniture is not the story's; one in a link is a teaser card's
        // blurb.
        if in_furniture(node) || node.ancestors_it(None).any(|a| a.is("a")) {
            continue;
        }
        // One holding a script is not all text.
        let mut linked = 0;
        let mut scripted = false;
        let mut broken = false;
        for d in node.descendants_it() {
            let Some(name) = d.node_name() else { continue };
            if &*name == "a" {
                linked += super::letters(&d.text());
            } else if &*name == "br" {
                broken = true;
            } else if is_never_text(&name) {
                scripted = true;
                break;
            }
        }
        if scripted {
            continue;
        }
        // Its lines as the text shows them: a line break is a space there, not nothing.
        let text = if broken {
            crate::article::collapse(&Selection::from(*node).formatted_text())
        } else {
            crate::article::collapse(&raw)
        };
        let all = super::letters(&text);
        if all - linked.min(all) >= MIN_INTRO_LETTERS
            && (linked as f64) <= MAX_PROSE_LINK_SHARE * all as f64
            && ends_a_sentence(&text)
        {
            found.push(text);
            if found.len() == MAX_INTRO_PARAGRAPHS {
                break;
            }
        }
    }
    found
}

/// `text` with the page's `intro` paragraphs above it that the block it came from left out:
/// those set between the headline and the first paragraph the text holds (an intro above a
/// list of reviews, in its own container before the list's). Nothing is added when the text
/// holds none of the paragraphs.
pub(super) fn with_intro(text: String, intro: &[String]) -> String {
    let flat = crate::article::collapse(&text);
    // A paragraph the text holds, or opens as the text does (the line rules may have cut a
    // credit off its end).
    let held = |p: &str| {
        let probe: String = p.chars().take(INTRO_PROBE_CHARS).collect();
        flat.contains(&probe)
    };
    let Some(first) = intro.iter().position(|p| held(p)) else {
        return text;
    };
    let above: Vec<&str> = intro[..first]
        .iter()
        .filter(|p| !held(p))
        .map(String::as_str)
        .collect();
    // The line rules the block's text went through (notices, calls to action) go over them.
    let above = boiler::drop_lines(&above.join("\n\n"));
    if above.trim().is_empty() {
        return text;
    }
    format!("{above}\n\n{text}")
}

/// The share of a lead's sentences found in the text for the text to hold most of it,
/// where the lead opens otherwise: a page that gives its whole post as its description
/// shows it under the post's title and date, and that "lead" is the post.
const LEAD_HELD: f64 = 0.5;

/// `text` with the page's `lead` above it, when the block it came from left the lead out
/// (without a byline set in the lead's element or opening the block: the body leaves
/// bylines out).
pub(super) fn with_lead(text: String, lead: Option<String>) -> String {
    let lead = lead.map(|lead| {
        let lines: Vec<&str> = lead
            .lines()
            .filter(|l| !super::is_by_line(l.trim()))
            .collect();
        tidy(&lines.join("\n"))
    });
    match lead.filter(|l| !l.is_empty()) {
        Some(lead) => {
            let flat = crate::article::collapse(&text);
            let probe: String = crate::article::collapse(&lead).chars().take(120).collect();
            if flat.contains(&probe) {
                return text;
            }
            // A lead the text holds most of already (a page that gives its whole post as its
            // description, a summary whose last paragraphs open the story): only its prose
            // above the first line the text holds is added.
            let lead = if super::extract::found_share(&lead, &flat) >= LEAD_HELD {
                let above: Vec<&str> = lead
                    .lines()
                    .take_while(|line| {
                        let line = crate::article::collapse(line);
                        line.is_empty() || !flat.contains(&line)
                    })
                    .filter(|line| super::is_prose_line(line))
                    .collect();
                above.join("\n\n")
            } else {
                lead
            };
            if lead.is_empty() {
                return text;
            }
            // The block's own leading byline goes as it would without the lead above it.
            let text = super::without_byline(&text).unwrap_or(text);
            format!("{lead}\n\n{text}")
        }
        None => text,
    }
}
