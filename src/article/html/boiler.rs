//! Page furniture found by its markup and by its lines: share bars, newsletter boxes,
//! related links, breadcrumbs, comments and the like removed from the page before the
//! article's block is chosen (labelled boxes of links marked then, and removed from the
//! block once chosen), and the lines a block still carries that are not the article's (photo
//! counters and credits, "Advertisement", a leading date line, labels after the last
//! sentence) dropped from its text.

use std::collections::{HashMap, HashSet};

use dom_query::{Document, NodeId, NodeRef, Selection};

use super::{is_prose_line, letters, sentence_end};

/// Class or id names (whole, or as a `-`/`_`-separated part at either end) that mark page
/// furniture rather than article text.
const FURNITURE: &[&str] = &[
    "share",
    "shares",
    "sharing",
    "sharebar",
    "share-bar",
    "social",
    "socials",
    "social-share",
    "newsletter",
    "newsletters",
    "news-letter",
    "signup",
    "sign-up",
    "subscribe",
    "subscription",
    "related",
    "related-articles",
    "related-content",
    "related-posts",
    "breadcrumb",
    "breadcrumbs",
    "comments",
    "cookie",
    "cookies",
    "consent",
    "promo",
    "advert",
    "advertisement",
    "ads",
    "sponsored",
    "most-read",
    "mostread",
    "most-popular",
    "popular",
    "trending",
    "recommended",
    "recommendations",
    "outbrain",
    "taboola",
    "more-stories",
    "author-bio",
    // WordPress's classic themes set the "This entry was posted on ... and is filed under
    // ..." line in it.
    "postmetadata",
    // An author box: the byline is read from the page before furniture goes (trafilatura's
    // discard list names these too).
    "author",
    "byline",
    "rating",
    "login",
    "cta",
    "toolbar",
    "pagination",
];

/// Names of [`FURNITURE`] that count anywhere in a class or id, as a `-`/`_`-separated part
/// (`kb-comments-add`, `mvp-author-box-text`, `post-share-buttons`): they name nothing an
/// article's own text is wrapped in.
const FURNITURE_PARTS: &[&str] = &["comments", "author", "share", "social"];

/// Names that only count whole or at the end: as a prefix they name what the element is
/// about (WordPress gives an article `tag-politics`, `category-news`).
const FURNITURE_SUFFIXES: &[&str] = &["tags", "tag-list", "taglist", "caption", "credit"];

/// An element holding more than this share of the page's text outside links is not
/// furniture, whatever its class says (an article wrapper named `comments-open` or
/// `share-parent`), unless it names comments and stands beside the story the page marks
/// (`article`, `articleBody`): readers' comments under a one-line story outweigh it.
const MAX_FURNITURE_SHARE: f64 = 0.3;

/// An element named as furniture that holds at least this many paragraphs of prose, each
/// at least [`MIN_PROSE_PARAGRAPH_LETTERS`] long, is the article (a blog theme's
/// `post-content` block with the id `share-btn`, a newsletter page's `cc-newsletter`
/// section), unless it names comments: readers' comments are prose too.
const MIN_FURNITURE_PROSE: usize = 2;
/// The letters of a paragraph of prose, at least, for [`MIN_FURNITURE_PROSE`].
const MIN_PROSE_PARAGRAPH_LETTERS: usize = 200;

/// A paragraph, list item, subheading, table cell or quote block (a "PUEDES VER: <linked
/// headline>" set as a `blockquote`) at most this long (in letters) whose text is at
/// least [`MIN_TEASER_LINK_SHARE`] links to pages (not an address written out, see
/// [`is_written_address`]) is a teaser or a link list, not article text.
const MAX_TEASER_LETTERS: usize = 300;
const MIN_TEASER_LINK_SHARE: f64 = 0.6;

/// Boxes that open over the page, as their ARIA role or modal mark says: cookie settings, a
/// promotion's terms, a sign-up form. None is the page's text, whatever its share of it: a
/// consent manager's preference centre can hold more text than a short post under it.
pub(super) const DIALOGS: &str = "[role=dialog], [role=alertdialog], [aria-modal=true]";

/// Removes page furniture from `doc`: navigation, asides and footers, dialogs; short blocks
/// that are mostly a link (a "Read also: ..." teaser, a link list item); elements whose class
/// or id names furniture, unless they hold the article's paragraphs. `captions`: the page's
/// captions are its text (a gallery), so an element named a caption stays.
pub(super) fn strip(doc: &Document, captions: bool) {
    doc.select("nav, aside, footer").remove();
    unwrap_fonts(doc);
    if !captions {
        strip_captions(doc);
    }
    strip_link_blocks(doc);
    mark_teaser_cards(doc);
    for block in doc
        .select("p, li, td, h2, h3, h4, h5, h6, blockquote")
        .iter()
    {
        let text = block.text();
        let all = letters(&text);
        if all == 0 || all > MAX_TEASER_LETTERS {
            continue;
        }
        let links = block.select("a");
        // A table cell of one link is a table's entry (a product, a team); of several, a
        // box of links beside the story.
        if block.is("td") && links.length() < 2 {
            continue;
        }
        // An address to write to or call, written out, is the story's contact, not a link
        // away from it (a share button's "Mail" is a link still).
        let linked: usize = links
            .iter()
            .filter(|a| !is_written_address(a))
            .map(|a| letters(&a.text()))
            .sum();
        if linked as f64 >= MIN_TEASER_LINK_SHARE * all as f64
            && !is_sentence_with_link(&block, &text, all, linked)
        {
            block.remove();
        }
    }
    let total = unlinked_letters(&doc.select("body"));
    let marked: Vec<NodeRef> = doc
        .select("[class], [id]")
        .nodes()
        .iter()
        .filter(|n| is_furniture(n, captions))
        .cloned()
        .collect();
    // Readers' comments set beside a story are furniture however much they outweigh it (a
    // one-line story over a long thread): the page's stories are looked for only when such
    // an element would be spared.
    let mut stories: Option<Stories> = None;
    for node in marked {
        let own = unlinked_letters(&Selection::from(node));
        let spared = own as f64 > MAX_FURNITURE_SHARE * total as f64
            && !(names_comments(&node)
                && stories
                    .get_or_insert_with(|| Stories::of(doc))
                    .beside(&node));
        if !spared && !holds_article(&node) {
            node.remove_from_parent();
        }
    }
    // Last: the shares above are of the page as it is shown, dialogs and all.
    doc.select(DIALOGS).remove();
}

/// The stories a page marks (`article`, `itemprop=articleBody`, with text), and every
/// element holding one.
struct Stories {
    marked: HashSet<NodeId>,
    holding: HashSet<NodeId>,
}

impl Stories {
    fn of(doc: &Document) -> Self {
        let marked: HashSet<NodeId> = doc
            .select("article, [itemprop~=articleBody]")
            .nodes()
            .iter()
            .filter(|n| letters(&n.text()) > 0)
            .map(|n| n.id)
            .collect();
        // Each element is visited once, however many stories share it.
        let mut holding: HashSet<NodeId> = HashSet::new();
        for id in &marked {
            let mut at = doc.tree.get(id).and_then(|n| n.parent());
            while let Some(node) = at.filter(|n| holding.insert(n.id)) {
                at = node.parent();
            }
        }
        Stories { marked, holding }
    }

    /// Whether `node` stands beside the page's stories: there are some, and it is neither
    /// one of them, nor in one, nor around one.
    fn beside(&self, node: &NodeRef) -> bool {
        !self.marked.is_empty()
            && !self.marked.contains(&node.id)
            && !self.holding.contains(&node.id)
            && !node.ancestors_it(None).any(|a| self.marked.contains(&a.id))
    }
}

/// Whether `node`'s class or id names comments.
fn names_comments(node: &NodeRef) -> bool {
    [node.attr("class"), node.attr("id")]
        .iter()
        .flatten()
        .any(|value| value.to_ascii_lowercase().contains("comment"))
}

/// A paragraph of at least this many letters, [`MIN_UNLINKED_IN_SENTENCE`] of them outside
/// links, that ends a sentence is prose with a long link in it (a name, a title, a source),
/// not a teaser: "... who had combined these duties with [his work in the marketing
/// department]."
const MIN_SENTENCE_WITH_LINK_LETTERS: usize = 100;
const MIN_UNLINKED_IN_SENTENCE: usize = 30;

/// Whether `block`, of text `text` with `all` letters, `linked` of them in links, is a
/// paragraph or quote block of prose with a link in it ([`MIN_SENTENCE_WITH_LINK_LETTERS`]).
fn is_sentence_with_link(block: &Selection, text: &str, all: usize, linked: usize) -> bool {
    block.is("p, blockquote")
        && all >= MIN_SENTENCE_WITH_LINK_LETTERS
        && all.saturating_sub(linked) >= MIN_UNLINKED_IN_SENTENCE
        && super::ends_a_sentence(text)
}

/// An image's alt text of at least this many words can be matched to a caption (shorter
/// ones, "Foto", "Logo", also name headings and buttons).
const MIN_ALT_WORDS: usize = 4;

/// A caption may run this many letters past the alt text it repeats (the photographer's
/// credit after it).
const MAX_CAPTION_EXTRA: usize = 60;

/// How far up from the image its caption is looked for: beside the image, its link, its
/// frame.
const CAPTION_DEPTH: usize = 3;

/// A caption, or the box it is in, is at most this many nodes (its text, a line break, a
/// credit in a `span`).
const MAX_CAPTION_NODES: usize = 32;

/// Elements a caption framed alone with its image is set in.
const FRAMED_CAPTIONS: &str = "span, small, figcaption";

/// A caption framed alone with its image is at most this many letters.
const MAX_FRAMED_CAPTION_LETTERS: usize = 300;

/// Images whose captions are looked for, at most: with the bound above, the cost of a page
/// of thousands of pictures stays bounded.
const MAX_CAPTIONED_IMAGES: usize = 500;

/// Elements a caption is set in beside its image; a heading, paragraph, list item or link
/// that repeats an alt text is the story's own (a section heading the writer reused as
/// the alt text of the picture under it).
const CAPTION_ELEMENTS: &str = "div, span, small, figcaption";

/// What states a picture's caption: an image's alt text, or the caption a gallery's
/// lightbox link or frame declares for it (`data-caption`, `data-description`).
const CAPTIONED: &str = "img[alt], [data-caption], [data-description]";

/// Elements a caption a lightbox declares is set in: a bold line too, as the declaration
/// says it is the caption (where an alt text repeated in bold is as often a subheading).
const DECLARED_CAPTION_ELEMENTS: &str = "div, span, small, figcaption, strong, b, em";

/// Removes the captions set outside a `figcaption` or a class that names them: those that
/// repeat their image's alt text or the caption its lightbox declares (`<img
/// alt="Kastanienselven ..."><div class="legend">Kastanienselven ... Foto © ...</div>`), and
/// those framed alone with their image ([`caption_in_frame`]).
fn strip_captions(doc: &Document) {
    let mut doomed = Vec::new();
    for img in doc
        .select(CAPTIONED)
        .nodes()
        .iter()
        .take(MAX_CAPTIONED_IMAGES)
    {
        let elements = if img.is("img") {
            CAPTION_ELEMENTS
        } else {
            DECLARED_CAPTION_ELEMENTS
        };
        let alt = ["alt", "data-caption", "data-description"]
            .iter()
            .find_map(|name| img.attr(name))
            .unwrap_or_default();
        let alt = crate::article::collapse(&alt);
        if alt.split(' ').count() < MIN_ALT_WORDS {
            continue;
        }
        let most = letters(&alt) + MAX_CAPTION_EXTRA;
        // The image, then its link, its frame: the caption is set beside one of them.
        let mut at = Some(*img);
        for _ in 0..CAPTION_DEPTH {
            let Some(node) = at else { break };
            let next = node.next_element_sibling();
            let beside = [
                node.prev_element_sibling(),
                next,
                next.and_then(|n| n.next_element_sibling()),
            ];
            for box_ in beside.into_iter().flatten() {
                if box_.descendants_it().nth(MAX_CAPTION_NODES).is_some() {
                    continue;
                }
                let inner = Selection::from(box_).select(CAPTION_ELEMENTS);
                for caption in std::iter::once(box_).chain(inner.nodes().iter().copied()) {
                    if !caption.is(elements) {
                        continue;
                    }
                    let text = crate::article::collapse(&caption.text());
                    if letters(&text) <= most
                        && text.starts_with(alt.as_str())
                        && !in_story_text(&caption)
                    {
                        doomed.push(caption);
                    }
                }
            }
            at = node.parent();
        }
    }
    for img in doc.select("img").nodes().iter().take(MAX_CAPTIONED_IMAGES) {
        doomed.extend(caption_in_frame(*img));
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

/// The caption of image `img` framed with it alone: a box holding just the image (or its
/// link) and one `span`, `small` or `figcaption` of at most [`MAX_FRAMED_CAPTION_LETTERS`]
/// (`<div class="imginline"><img><span>Abbildung: ...</span></div>`). A `div` or `p` beside
/// an image is not taken: a short story is set so too.
fn caption_in_frame(img: NodeRef) -> Option<NodeRef> {
    let mut image = img;
    while let Some(wrap) = image.parent().filter(|w| {
        w.is("a, picture")
            && w.children_it(false)
                .filter(NodeRef::is_element)
                .nth(1)
                .is_none()
            && letters(&w.text()) == 0
    }) {
        image = wrap;
    }
    let frame = image.parent()?;
    // Two elements and no loose text, read no further than a third child element (a frame
    // can be a column of thousands).
    let mut elements = 0;
    let mut caption = None;
    for child in frame.children_it(false) {
        if child.is_text() && letters(&child.text()) > 0 {
            return None;
        }
        if child.is_element() {
            elements += 1;
            if elements > 2 {
                return None;
            }
            if child.id != image.id {
                caption = Some(child);
            }
        }
    }
    let caption = caption.filter(|_| elements == 2)?;
    let framed = caption.is(FRAMED_CAPTIONS)
        && caption.descendants_it().nth(MAX_CAPTION_NODES).is_none()
        && !in_story_text(&caption)
        && (1..=MAX_FRAMED_CAPTION_LETTERS).contains(&letters(&caption.text()))
        && !Selection::from(caption).select("img").exists();
    framed.then_some(caption)
}

/// Whether `node` is inside a heading, paragraph, list item or link.
fn in_story_text(node: &NodeRef) -> bool {
    node.ancestors_it(None).any(|a| {
        matches!(
            a.node_name().as_deref(),
            Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "p" | "li" | "a")
        )
    })
}

/// Whether link `a` is an e-mail address or telephone number written out as its own text
/// (`mailto:` with an `@` in its text, `tel:` with five digits or more).
fn is_written_address(a: &Selection) -> bool {
    let text = a.text();
    a.attr("href").is_some_and(|h| {
        (h.starts_with("mailto:") && text.contains('@'))
            || (h.starts_with("tel:") && text.chars().filter(char::is_ascii_digit).count() >= 5)
    })
}

/// Replaces each `<font>` with its children. It only styles text, but an old page wraps a
/// story's paragraphs in one (`<font size=2><p>...<p>...</font>`), and the parser, mending
/// the nesting, moves the last paragraph out of it: readability then takes the `font` for
/// the story and leaves that paragraph behind.
fn unwrap_fonts(doc: &Document) {
    if let Some(body) = doc.select("body").nodes().first() {
        body.strip_elements(&["font"]);
    }
}

/// A block holding at least this many links, nearly all of at most [`MAX_MENU_ITEM_WORDS`]
/// words, and little text outside them, is a menu.
const MIN_MENU_LINKS: usize = 5;
const MAX_MENU_ITEM_WORDS: usize = 3;

/// The share of a menu's letters outside its links, at most (separators, a "Sections"
/// heading).
const MAX_MENU_OWN_SHARE: f64 = 0.2;

/// A block of links whose text outside them is at most this many letters (a label: "Related
/// Coverage", "Das könnte Sie auch interessieren", "Veja também") is a box of links to other
/// pages, label and all.
const MAX_BOX_LABEL_LETTERS: usize = 50;

/// Removes blocks of links that are not marked as navigation: menus (a table cell, `div` or
/// `font` of short links, `Home`, `UK`, `World` ..., with next to no text of its own, as old
/// table-layout pages set their section menu beside the story) and link boxes (teasers of
/// other stories under a short label, and the label standing just before such a box).
fn strip_link_blocks(doc: &Document) {
    /// What an element holds: links, links of few words, letters, letters inside links, and
    /// whether a piece of its text outside links ends as a sentence.
    #[derive(Default, Clone, Copy)]
    struct Tally {
        links: usize,
        short: usize,
        letters: usize,
        linked: usize,
        sentence: bool,
    }
    let Some(body) = doc.select("body").nodes().first().cloned() else {
        return;
    };
    // One pass, each element's tally summed from its children's (the reverse of document
    // order meets children first): a page's nested blocks are not each read again.
    let nodes: Vec<NodeRef> = body.descendants_it().collect();
    let mut tallies: HashMap<NodeId, Tally> = HashMap::with_capacity(nodes.len());
    let mut doomed = Vec::new();
    let mut boxes = Vec::new();
    for node in nodes.iter().rev() {
        let mut t = Tally::default();
        if node.is_text() {
            let text = node.text();
            t.letters = letters(&text);
            t.sentence = is_sentence(&text);
            tallies.insert(node.id, t);
            continue;
        }
        if !node.is_element() {
            continue;
        }
        for child in node.children_it(false) {
            if let Some(c) = tallies.get(&child.id) {
                t.links += c.links;
                t.short += c.short;
                t.letters += c.letters;
                t.linked += c.linked;
                t.sentence |= c.sentence;
            }
        }
        let name = node.node_name();
        let own = t.letters.saturating_sub(t.linked);
        match name.as_deref() {
            Some("a") => {
                let words = node.text().split_whitespace().count();
                t.links = 1;
                t.short = usize::from(words <= MAX_MENU_ITEM_WORDS);
                t.linked = t.letters;
                t.sentence = false;
            }
            Some("td" | "th" | "div" | "font" | "span" | "center" | "p" | "dd")
                if t.links >= MIN_MENU_LINKS
                    && 10 * t.short >= 9 * t.links
                    && (own as f64) <= MAX_MENU_OWN_SHARE * t.letters as f64 =>
            {
                doomed.push(*node);
            }
            Some("div" | "section" | "ul" | "ol" | "dl" | "table")
                if t.linked > 0
                    && own <= MAX_BOX_LABEL_LETTERS
                    && (t.links >= 2 || t.linked >= own)
                    && !is_data_table(node) =>
            {
                // Labelled inside, or by the element before it; a block of links alone is
                // left to readability, which weighs link density itself.
                let label = node.prev_element_sibling().filter(is_box_label);
                if own > 0 && !t.sentence {
                    boxes.push(*node);
                } else if let Some(label) = label.filter(|_| t.links >= 2) {
                    boxes.push(*node);
                    boxes.push(label);
                }
            }
            _ => {}
        }
        tallies.insert(node.id, t);
    }
    for node in doomed {
        node.remove_from_parent();
    }
    // Marked, not removed: taking them out here would change the block readability chooses
    // (a comment thread without its reply links reads as denser prose than the story).
    for node in boxes {
        node.set_attr(BOX_MARK, "");
    }
}

/// A teaser card holds at most this many letters besides its headline (a kicker, a blurb,
/// a source and its tags).
const MAX_CARD_LETTERS: usize = 400;

/// A card's headline has at least this many words: the poster's name over a forum post is
/// a linked heading too.
const MIN_HEADLINE_WORDS: usize = 3;

/// Marks teaser cards for [`prune`]: elements each holding one headline that is wholly a
/// link to another page and a short blurb beside it, set in a block of two or more (a feed
/// of other stories under the article, in the same container as the story). The headline
/// alone goes as a teaser in [`strip`]; without this its kicker and blurb stayed, a
/// paragraph of another story each. A gallery's slides (`figure`) are the article's own.
fn mark_teaser_cards(doc: &Document) {
    let headlines: Vec<NodeRef> = doc
        .select("body h2, body h3, body h4, body h5, body h6")
        .nodes()
        .iter()
        .filter(|h| is_linked_headline(h))
        .cloned()
        .collect();
    if headlines.len() < 2 {
        return;
    }
    let Some(body) = doc.select("body").nodes().first().cloned() else {
        return;
    };
    // Each element's letters, summed from its children's in one pass (the reverse of
    // document order meets children first), and the headlines inside it.
    let mut letters_in: HashMap<NodeId, usize> = HashMap::new();
    let nodes: Vec<NodeRef> = body.descendants_it().collect();
    for node in nodes.iter().rev() {
        let n = if node.is_text() {
            letters(&node.text())
        } else if node.is_element() {
            node.children_it(false)
                .filter_map(|c| letters_in.get(&c.id))
                .sum()
        } else {
            continue;
        };
        letters_in.insert(node.id, n);
    }
    let mut headlines_in: HashMap<NodeId, usize> = HashMap::new();
    for h in &headlines {
        for a in h.ancestors_it(None) {
            *headlines_in.entry(a.id).or_default() += 1;
        }
    }
    let mut cards = Vec::new();
    for h in &headlines {
        let own = letters_in.get(&h.id).copied().unwrap_or_default();
        let mut card = None;
        for a in h.ancestors_it(None) {
            if matches!(
                a.node_name().as_deref(),
                Some("body" | "html" | "main" | "figure")
            ) {
                card = None;
                break;
            }
            if headlines_in.get(&a.id).copied().unwrap_or_default() >= 2 {
                break;
            }
            let besides = letters_in
                .get(&a.id)
                .copied()
                .unwrap_or_default()
                .saturating_sub(own);
            if besides > MAX_CARD_LETTERS {
                card = None;
                break;
            }
            card = Some(a);
        }
        cards.extend(card);
    }
    for card in cards {
        card.set_attr(BOX_MARK, "");
    }
}

/// Whether heading `h` is a headline linking to another page: its text is nearly all
/// links, of [`MIN_HEADLINE_WORDS`] or more, none of them to a place on this page (a
/// section's own anchor).
fn is_linked_headline(h: &NodeRef) -> bool {
    let sel = Selection::from(*h);
    let text = sel.text();
    let all = letters(&text);
    let links = sel.select("a");
    all > 0
        && links.exists()
        && 10 * unlinked_letters(&sel) <= all
        && text.split_whitespace().count() >= MIN_HEADLINE_WORDS
        && links
            .iter()
            .all(|a| a.attr("href").is_some_and(|href| !href.contains('#')))
}

/// Link boxes holding more than this share of the letters of readability's block are the
/// block itself.
const MAX_BOXED_SHARE: f64 = 6.0 / 7.0;

/// The attribute that marks a link box and its label for [`prune`] to remove from the block
/// readability chose (readability keeps attributes it does not know).
const BOX_MARK: &str = "data-dateline-link-box";

/// Whether `node` is a table of data (a row of two cells or more: results, prices, a
/// product test), whose linked names and short figures are the article's, not a box of
/// links set out with a table.
fn is_data_table(node: &NodeRef) -> bool {
    node.node_name().as_deref() == Some("table")
        && Selection::from(*node)
            .select("tr")
            .iter()
            .any(|row| row.children().filter("td, th").length() >= 2)
}

/// Whether `node`, just before a box of links, is its label: a short text of no links that
/// does not end as a sentence does ("Lesen Sie auch:", "Weiterführende Links").
fn is_box_label(node: &NodeRef) -> bool {
    let text = node.text();
    let text = text.trim();
    !text.is_empty()
        && letters(text) <= MAX_BOX_LABEL_LETTERS
        && !is_sentence(text)
        && !Selection::from(*node).select("a").exists()
}

/// Letters in `sel`'s text that are not inside a link.
fn unlinked_letters(sel: &Selection) -> usize {
    let linked: usize = sel.select("a").iter().map(|a| letters(&a.text())).sum();
    letters(&sel.text()).saturating_sub(linked)
}

/// Whether `node`'s class or id names furniture ([`FURNITURE`], [`FURNITURE_SUFFIXES`]; a
/// caption not when `captions` are the page's text).
fn is_furniture(node: &NodeRef, captions: bool) -> bool {
    if matches!(
        node.node_name().as_deref(),
        Some("html" | "body" | "main" | "article")
    ) {
        return false;
    }
    let names = [node.attr("class"), node.attr("id")];
    names.iter().flatten().any(|value| {
        value.split_whitespace().any(|name| {
            let name = name.to_ascii_lowercase();
            // A modifier names what the element has, not what it is; but one that has a
            // caption or a credit is a picture's frame, furniture too.
            let named = !is_modifier(&name)
                && (FURNITURE.iter().any(|w| names_it(&name, w, true))
                    || name
                        .split(['-', '_'])
                        .any(|part| FURNITURE_PARTS.contains(&part)));
            named
                || FURNITURE_SUFFIXES
                    .iter()
                    .filter(|&&w| !(captions && w == "caption"))
                    .any(|w| names_it(&name, w, false))
        })
    })
}

/// Prefixes of a class name that says what an element has or is in, not what it is
/// (`has-sharing` on a story's header, `with-comments`, `no-ads`, `is-share-open`).
const MODIFIER_PREFIXES: &[&str] = &["has-", "has_", "with-", "with_", "no-", "no_", "is-", "is_"];

/// Whether class name `name` is a modifier ([`MODIFIER_PREFIXES`]).
fn is_modifier(name: &str) -> bool {
    MODIFIER_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Whether `node`, named as furniture, holds the article all the same: paragraphs of prose
/// ([`MIN_FURNITURE_PROSE`]), and no name of comments.
fn holds_article(node: &NodeRef) -> bool {
    if names_comments(node) {
        return false;
    }
    let prose = Selection::from(*node)
        .select("p")
        .iter()
        .filter(|p| {
            let text = p.text();
            letters(&text) >= MIN_PROSE_PARAGRAPH_LETTERS && is_prose_line(&text)
        })
        .take(MIN_FURNITURE_PROSE)
        .count();
    prose >= MIN_FURNITURE_PROSE
}

/// Whether class name `name` is `word`, ends in `-word`/`_word`, or (when `prefix` is
/// allowed) starts with `word-`/`word_`.
pub(super) fn names_it(name: &str, word: &str, prefix: bool) -> bool {
    if name == word {
        return true;
    }
    let at_end = name
        .strip_suffix(word)
        .is_some_and(|head| head.ends_with(['-', '_']));
    let at_start = prefix
        && name
            .strip_prefix(word)
            .is_some_and(|tail| tail.starts_with(['-', '_']));
    at_end || at_start
}

/// Removes the furniture left inside the block readability chose (`content`, its HTML):
/// headings that introduce nothing (the last block, or followed straight by a heading of
/// the same or a higher rank: what is left of a "Related articles" box once its links are
/// gone), and the link boxes [`strip`] marked.
pub(super) fn prune(content: &Document) {
    // Unless they hold nearly all of it: then the block is a list of links, not an article
    // with boxes in it, and is left whole (trafilatura keeps a backup of a tree it prunes in
    // the same way, and takes it back when pruning left less than a seventh).
    let boxes = content.select(&format!("[{BOX_MARK}]"));
    if boxes.exists() {
        let boxed: usize = boxes.iter().map(|b| letters(&b.text())).sum();
        let all = letters(&content.select("html").text());
        if (boxed as f64) < MAX_BOXED_SHARE * all as f64 {
            boxes.remove();
        }
    }
    let blocks = text_blocks(content);
    let ranks: Vec<Option<u8>> = blocks.iter().map(rank).collect();
    let mut doomed = vec![false; blocks.len()];
    let mut i = 0;
    while i < blocks.len() {
        // A run of headings one after another; a long one is a list of entries (a table of
        // contents, the names of a listicle whose pictures are gone), not furniture.
        let run = ranks[i..].iter().take_while(|r| r.is_some()).count();
        if (2..=MAX_ORPHAN_RUN).contains(&run) {
            for j in i..i + run - 1 {
                doomed[j] = ranks[j + 1] <= ranks[j];
            }
        }
        i += run.max(1);
    }
    // Headings at the end introduce nothing (pictures between them go with them), if some
    // text comes before them.
    let last_text = (0..blocks.len())
        .rev()
        .find(|&i| ranks[i].is_none() && !is_media(&blocks[i]));
    if let Some(last) = last_text {
        doomed[last + 1..].fill(true);
    }
    for (block, doomed) in blocks.iter().zip(doomed) {
        if doomed {
            block.remove_from_parent();
        }
    }
}

/// Elements that break text into blocks (the nearest one around a piece of text is its
/// block).
const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "td",
    "th",
    "blockquote",
    "pre",
    "figcaption",
    "caption",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "ul",
    "ol",
    "dl",
    "address",
    "main",
    "aside",
    "form",
    "body",
];

/// Headings one after another, at most this many, are looked at for those that introduce
/// nothing.
const MAX_ORPHAN_RUN: usize = 3;

fn is_media(node: &NodeRef) -> bool {
    node.node_name().is_some_and(|n| MEDIA.contains(&&*n))
}

/// Elements that show something without text.
const MEDIA: &[&str] = &[
    "img", "picture", "video", "audio", "iframe", "svg", "canvas",
];

/// The blocks of `doc` that hold text or show a picture, in reading order (a block is
/// listed again when its text resumes after a nested block).
fn text_blocks(doc: &Document) -> Vec<NodeRef<'_>> {
    let mut blocks: Vec<NodeRef> = Vec::new();
    let root = doc.root();
    let mut stack = vec![(root, root)];
    while let Some((node, block)) = stack.pop() {
        if node.is_text() {
            let text = node.text();
            if !text.trim().is_empty() && blocks.last().is_none_or(|b| b.id != block.id) {
                blocks.push(block);
            }
            continue;
        }
        let block = match node.node_name() {
            // A picture is content a heading can introduce: it counts as a block of its own.
            Some(name) if MEDIA.contains(&&*name) => {
                blocks.push(node);
                continue;
            }
            Some(name) if BLOCKS.contains(&&*name) => node,
            _ => block,
        };
        let children: Vec<NodeRef> = node.children_it(false).collect();
        for child in children.into_iter().rev() {
            stack.push((child, block));
        }
    }
    blocks
}

/// Headings longer than this many words, or ending in a full stop, are sentences a page
/// set large (a pull quote, a lead paragraph), not labels.
const MAX_LABEL_WORDS: usize = 10;

/// A heading's rank (1 for `h1`), `None` for other blocks and for headings that read as a
/// sentence.
fn rank(node: &NodeRef) -> Option<u8> {
    let rank = match node.node_name().as_deref() {
        Some("h1") => 1,
        Some("h2") => 2,
        Some("h3") => 3,
        Some("h4") => 4,
        Some("h5") => 5,
        Some("h6") => 6,
        _ => return None,
    };
    let text = node.text();
    let text = text.trim();
    (text.split_whitespace().count() <= MAX_LABEL_WORDS && !text.ends_with('.')).then_some(rank)
}

/// The article text without the lines that are not the article's: photo counters ("Image 1
/// of 23"), photo credits, the labels of ads and of related-story boxes ("Read more",
/// "Mehr zum Thema"), calls to subscribe or follow, notices to the reader (a paywall's, the
/// privacy banner's), reading times ("5 min read"), errors the site's PHP printed anywhere;
/// a menu line, a section label and a date line before the first paragraph; label lines
/// after the last sentence.
pub(super) fn drop_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    // Where the article starts: past a leading menu, section label and date lines.
    let mut start = 0;
    while start < lines.len() && start < MAX_LEADING_LINES {
        let line = lines[start].trim();
        let next = lines[start + 1..].iter().find(|l| !l.trim().is_empty());
        let label_before_date = is_label(line) && next.is_some_and(|n| is_date_line(n.trim()));
        if line.is_empty() || is_menu(line) || is_labelled_date(line) || label_before_date {
            start += 1;
        } else {
            break;
        }
    }
    let kept: Vec<&str> = lines[start..]
        .iter()
        .map(|l| without_trailing_credit(l))
        .filter(|l| {
            let l = l.trim();
            // A paragraph longer than the longest notice is none of these lines (each rule
            // counts at least these words), and most of a story is such paragraphs.
            if more_words_than(l, MAX_NOTICE_WORDS) {
                return !is_server_error(l);
            }
            !is_counter(l)
                && !is_credit(l)
                && !is_slash_credit(l)
                && !crate::article::labels::is_furniture_label(l)
                && !is_call_to_action(l)
                && !is_date_line(l)
                && !is_reading_time(l)
                && !is_tag_line(l)
                && !is_server_error(l)
                && !is_notice(l)
        })
        .collect();
    without_trailing_labels(&super::tidy(&kept.join("\n")))
}

/// How PHP starts the errors and warnings it prints into a page.
const SERVER_ERRORS: &[&str] = &[
    "Warning: ",
    "Notice: ",
    "Deprecated: ",
    "Fatal error: ",
    "Parse error: ",
    "Strict Standards: ",
    "Catchable fatal error: ",
];

/// Whether `line` is an error the site's PHP printed into the page ("Warning: Creating
/// default object from empty value in /www/htdocs/wp-includes/classes.php on line 407"): it
/// names a script and a line of it.
fn is_server_error(line: &str) -> bool {
    SERVER_ERRORS.iter().any(|p| line.starts_with(p))
        && line.contains(".php")
        && line
            .rsplit_once(" on line ")
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A run of at most this many label lines after the last sentence is furniture.
const MAX_TRAILING_LABELS: usize = 3;

/// A label line has at most this many words; a longer one without a full stop is a
/// sentence still ("Twitter seemed a bit confused by the campaign:").
const MAX_TRAILING_LABEL_WORDS: usize = 7;

/// `text` without the label lines after its last sentence: what a page leaves under a story
/// once its boxes' links are gone ("Mehr zum Thema", "Seite teilen", "Temas", "Meistgelesene
/// Artikel", "RELATED COVERAGE"). Only a short run (at most [`MAX_TRAILING_LABELS`] lines) that
/// starts a paragraph of its own goes: a longer run, or one that continues a paragraph, is a
/// list or a table the story ends with, and lines after a label ending in a colon are a list
/// the story introduces. jusText classes paragraphs by their neighbours in the same way: a
/// short one among boilerplate, with no good paragraph after it, is boilerplate.
fn without_trailing_labels(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut run = Vec::new();
    for (i, line) in lines.iter().enumerate().rev() {
        if line.trim().is_empty() {
            continue;
        }
        // Figures are data, not a label: a wire story ends on "Net 8,500,000 vs 4,100,000".
        if letters(line) == 0
            || is_sentence(line)
            || words(line).len() > MAX_TRAILING_LABEL_WORDS
            || line.contains(|c: char| c.is_ascii_digit())
        {
            break;
        }
        run.push(i);
    }
    let Some(&first) = run.last() else {
        return text.to_string();
    };
    let introduces = run[1..].iter().any(|&i| lines[i].trim_end().ends_with(':'));
    let continues = first > 0 && !lines[first - 1].trim().is_empty();
    let alone = lines[..first].iter().all(|l| l.trim().is_empty());
    if run.len() > MAX_TRAILING_LABELS || introduces || continues || alone {
        return text.to_string();
    }
    lines[..first].join("\n").trim_end().to_string()
}

/// Whether `line` reads as a sentence: it ends like one (closing quotes and brackets aside),
/// or it is long and punctuated.
fn is_sentence(line: &str) -> bool {
    sentence_end(line).ends_with(['.', '!', '?', '…', '。', '！', '？']) || is_prose_line(line)
}

/// How many lines at the top of a body are looked at for a menu, label or date.
const MAX_LEADING_LINES: usize = 6;

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// "Home News UK World Business Politics": six or more capitalised words and nothing else,
/// no lower-case word (a title-case headline keeps its "of", "the", "in") and no sentence
/// punctuation.
fn is_menu(line: &str) -> bool {
    let w = words(line);
    w.len() >= 6
        && w.iter().all(|word| {
            let word = word.trim_matches(['|', '/', '·', '•', '-', '–']);
            word.is_empty()
                || (word.chars().next().is_some_and(char::is_uppercase)
                    && word.chars().count() <= 14
                    && word
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '&' || c == '\''))
        })
}

/// A section label: one or two capitalised words, no punctuation.
fn is_label(line: &str) -> bool {
    let w = words(line);
    (1..=2).contains(&w.len())
        && w.iter().all(|word| {
            word.chars().next().is_some_and(char::is_uppercase)
                && word.chars().all(char::is_alphabetic)
        })
}

/// A date line, maybe after a section label: "Sport 24 September 2004", and
/// "SportFriday 10 Dec 2004" where the label and the date were apart only by a line break.
fn is_labelled_date(line: &str) -> bool {
    if is_date_line(line) {
        return true;
    }
    let w = words(line);
    (1..=2).any(|k| k < w.len() && is_label(&w[..k].join(" ")) && is_date_line(&w[k..].join(" ")))
}

const DATE_WORDS: &[&str] = &[
    "gmt",
    "utc",
    "bst",
    "est",
    "edt",
    "pst",
    "pdt",
    "cet",
    "cest",
    "am",
    "pm",
    "a.m.",
    "p.m.",
    "updated",
    "published",
    "posted",
    "last",
    "on",
    "at",
    "modified",
    "first",
    "cst",
    "cdt",
    "mst",
    "mdt",
    "hst",
    "et",
    "pt",
    "original",
    // German, Spanish, Portuguese, French labels of a date line.
    "stand",
    "aktualisiert",
    "veröffentlicht",
    "publiziert",
    "erstellt",
    "um",
    "uhr",
    "publicado",
    "actualizado",
    "atualizado",
    "publié",
    "publiée",
    "mis",
    "jour",
    "le",
    // The joining words of a date in Portuguese, Spanish, Italian and Dutch ("22 de janeiro de
    // 2018 às 0:13", "el 3 de mayo del 2022", "alle 10:30", "om 14:00").
    "de",
    "del",
    "às",
    "as",
    "a",
    "las",
    "alle",
    "ore",
    "om",
    "den",
    "h",
    // Arabic: "last update", "published", "on", "at the hour", and the "first" and "second"
    // of the Levantine months' names ("كانون الثاني", January).
    "آخر",
    "تحديث",
    "نشر",
    "في",
    "الساعة",
    "الأول",
    "الثاني",
];

/// Month names (and their genitives in Polish) of the languages news pages most often come
/// in besides English, whose own names [`crate::article::date::month`] reads: a date line in
/// any of them is as much page furniture.
const FOREIGN_MONTHS: &[&str] = &[
    // German
    "januar",
    "jänner",
    "februar",
    "märz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    // French
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    // Spanish
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    // Portuguese
    "janeiro",
    "fevereiro",
    "março",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
    // Italian
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    // Dutch
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
    // Polish, as a date names them
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
    // Arabic, as Egypt and the Gulf name the months and as the Levant does (a page often
    // gives both: "آب/اغسطس"), with and without the hamza.
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ابريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "اغسطس",
    "سبتمبر",
    "أكتوبر",
    "اكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين",
];

/// Days named by their distance from today ("Today, 17:40", "Heute, 17:40 Uhr", "Šodien,
/// 17:40"): with a time they date a story as a month and a day do. (French "hier" is left
/// out: in German it is "here".)
const RELATIVE_DAYS: &[&str] = &[
    "today",
    "yesterday",
    "heute",
    "gestern",
    "hoy",
    "ayer",
    "aujourd'hui",
    "oggi",
    "ieri",
    "hoje",
    "ontem",
    "vandaag",
    "gisteren",
    "dzisiaj",
    "wczoraj",
    "šodien",
    "vakar",
    "dnes",
    "včera",
    "idag",
    "igår",
];

/// Weekday names of the same languages.
const FOREIGN_WEEKDAYS: &[&str] = &[
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonnabend",
    "sonntag",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
    "segunda-feira",
    "terça-feira",
    "quarta-feira",
    "quinta-feira",
    "sexta-feira",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "poniedziałek",
    "wtorek",
    "środa",
    "czwartek",
    "piątek",
    "sobota",
    "niedziela",
    "الأحد",
    "الاثنين",
    "الإثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
];

/// The most words a date line has.
const MAX_DATE_WORDS: usize = 12;

/// "24 September 2004", "Friday 10 Dec 2004, 14:03 GMT", "Updated: May 2, 2023": only
/// words of a date, with a month name and a number among them, or an all-number date.
fn is_date_line(line: &str) -> bool {
    let w = line
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '|'))
        .filter(|w| !w.is_empty());
    if w.clone().nth(MAX_DATE_WORDS).is_some() {
        return false;
    }
    let (mut month, mut number) = (false, false);
    for word in w {
        let word = word
            .trim_matches(|c: char| {
                matches!(c, ',' | '،' | ':' | '|' | '(' | ')' | '-' | '–' | '·' | '/')
            })
            .to_lowercase();
        let bare = word.trim_end_matches('.');
        if word.is_empty() {
            continue;
        }
        // A month may be named twice, in two calendars' names ("آب/اغسطس").
        if bare.split('/').all(is_month_name) || RELATIVE_DAYS.contains(&bare) {
            month = true;
        } else if crate::article::date::weekday(bare)
            || FOREIGN_WEEKDAYS.contains(&bare)
            || is_zone_offset(bare)
        {
        } else if word.starts_with(|c: char| c.is_ascii_digit())
            && word
                .trim_end_matches("am")
                .trim_end_matches("pm")
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '/' | '-'))
        {
            number = true;
            // 2004-09-24, 24/09/2004, 24.09.2004
            month |= word
                .chars()
                .filter(|c| matches!(c, '.' | '/' | '-'))
                .count()
                == 2;
        } else if !(DATE_WORDS.contains(&word.as_str())
            || DATE_WORDS.contains(&bare)
            || word
                .strip_suffix("th")
                .or_else(|| word.strip_suffix("st"))
                .or_else(|| word.strip_suffix("nd"))
                .or_else(|| word.strip_suffix("rd"))
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())))
        {
            return false;
        }
    }
    month && number
}

/// Words that say a line gives the time a story takes to read ("5 min read", "Lesezeit: 2
/// Minuten", "Temps de lecture : 3 min").
const READING: &[&str] = &[
    "read",
    "reading",
    "lesezeit",
    "lesedauer",
    "lesen",
    "lecture",
    "lectura",
    "lettura",
    "leitura",
    "leestijd",
    "czytania",
    "läsningstid",
    "lästid",
    "lukuaika",
];

/// Units a reading time is given in.
const MINUTES: &[&str] = &[
    "min",
    "mins",
    "minute",
    "minutes",
    "minuten",
    "minuti",
    "minuto",
    "minutos",
    "minuut",
    "minut",
    "minuty",
    "minuter",
    "minuuttia",
    "sec",
    "secs",
    "seconds",
    "sekunden",
];

/// The other words a reading time is written with ("Estimated reading time: about 4
/// minutes", "Lesezeit von ca. 3 Minuten", "Tempo di lettura"). A line with any word outside
/// these lists is a sentence, however short ("Read it in 5 minutes flat").
const READING_FILLERS: &[&str] = &[
    "time",
    "estimated",
    "est",
    "approx",
    "approximately",
    "about",
    "less",
    "than",
    "under",
    "ca",
    "circa",
    "etwa",
    "rund",
    "von",
    "temps",
    "de",
    "tiempo",
    "tempo",
    "di",
    "czas",
    "of",
    "a",
    "ungefähr",
    "environ",
    "aprox",
];

/// The most words a reading-time line has, the date beside it included.
const MAX_READING_WORDS: usize = 16;

/// Whether `line` gives the time the story takes to read, alone or beside its date with a
/// separator between ("5 min read", "Lesezeit: 2 Minuten", "12 May 2023 · 5 min read"):
/// every part is a reading time or a date line, and one is a reading time.
fn is_reading_time(line: &str) -> bool {
    if more_words_than(line, MAX_READING_WORDS) {
        return false;
    }
    // Every reading time has a number: most lines go here, before any part is looked at.
    if !line.contains(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let mut reading = false;
    let parts = line
        .split(" - ")
        .flat_map(|p| p.split(" – "))
        .flat_map(|p| p.split(['|', '·', '•', '—']));
    for part in parts {
        let part = part.trim();
        if part.is_empty() || is_date_line(part) {
            continue;
        }
        if !is_one_reading_time(part) {
            return false;
        }
        reading = true;
    }
    reading
}

/// "5 min read", "Reading time: 5 minutes", "3 Min. Lesezeit": a reading word, a number and
/// a unit, and nothing but [`READING_FILLERS`] beside them.
fn is_one_reading_time(part: &str) -> bool {
    let lower = part.to_lowercase();
    let (mut reads, mut number, mut unit) = (false, false, false);
    for word in lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
    {
        // "5-minute read", "3-5 min"
        for piece in word.split('-').filter(|p| !p.is_empty()) {
            if piece.chars().all(|c| c.is_ascii_digit()) {
                number = true;
            } else if READING.contains(&piece) {
                reads = true;
            } else if MINUTES.contains(&piece) {
                unit = true;
            } else if !READING_FILLERS.contains(&piece) {
                return false;
            }
        }
    }
    reads && number && unit
}

/// Whether `word` (lower case) names a month, in English or in [`FOREIGN_MONTHS`].
fn is_month_name(word: &str) -> bool {
    crate::article::date::month(word).is_some() || FOREIGN_MONTHS.contains(&word)
}

/// Whether `word` (lower case) is a time zone given as an offset: "gmt+0400", "utc-5".
fn is_zone_offset(word: &str) -> bool {
    let offset = word
        .strip_prefix("gmt")
        .or_else(|| word.strip_prefix("utc"))
        .and_then(|rest| rest.strip_prefix(['+', '-']));
    offset.is_some_and(|o| {
        o.starts_with(|c: char| c.is_ascii_digit())
            && o.chars().all(|c| c.is_ascii_digit() || c == ':')
    })
}

/// "Image 1 of 23", "Photo 3/10", "1 of 23".
fn is_counter(line: &str) -> bool {
    if line.split_whitespace().nth(4).is_some() {
        return false;
    }
    let w = words(line);
    let n = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    match w.as_slice() {
        [a, of, b] => n(a) && matches!(*of, "of" | "/" | "von" | "de" | "sur") && n(b),
        [_, a, of, b] => n(a) && matches!(*of, "of" | "/" | "von" | "de" | "sur") && n(b),
        [_, ab] => ab.split_once('/').is_some_and(|(a, b)| n(a) && n(b)),
        _ => false,
    }
}

/// The longest copyright notice, in words, taken for one ("Copyright 1987 Example Times.
/// All rights reserved. This material may not be published, broadcast, rewritten, or
/// redistributed.").
const MAX_NOTICE_WORDS: usize = 40;

/// "Photo: Jo Bloggs/Getty Images", "(Credit: AP)", "© Jo Bloggs": a short line that names
/// who took a picture or who holds the rights.
fn is_credit(line: &str) -> bool {
    if line.split_whitespace().nth(MAX_NOTICE_WORDS).is_some() {
        return false;
    }
    let lower = line.to_lowercase();
    let lower = lower.trim_start_matches('(');
    // The publisher's legal notice under a story, however long its wording.
    let notice = (lower.starts_with('©') || lower.starts_with("copyright"))
        && lower.contains("all rights reserved")
        && words(line).len() <= MAX_NOTICE_WORDS;
    notice
        || words(line).len() <= 15
            && ([
                "photo:",
                "photograph:",
                "photos:",
                "image:",
                "credit:",
                "picture:",
                "foto:",
                "bild:",
            ]
            .iter()
            .any(|p| lower.starts_with(p))
                || is_made_by(lower)
                || lower.trim_end_matches(')').ends_with("getty images")
                || lower.starts_with('©')
                || lower.starts_with("copyright")
                || lower.trim_end_matches('.').ends_with("all rights reserved"))
}

/// How a credit names who made or lent a picture ("Illustration by Mike Nudelman",
/// "Courtesy G4"), lower case.
const MADE_BY: &[&str] = &[
    "photo by ",
    "photos by ",
    "photograph by ",
    "photography by ",
    "illustration by ",
    "image by ",
    "image courtesy ",
    "photo courtesy ",
    "courtesy of ",
    "courtesy ",
];

/// The most words a [`MADE_BY`] credit has.
const MAX_MADE_BY_WORDS: usize = 8;

/// Whether `lower` (a line, lower case) is a short [`MADE_BY`] credit: no sentence in it
/// ("Courtesy calls were made. ..." is one).
fn is_made_by(lower: &str) -> bool {
    MADE_BY.iter().any(|p| lower.starts_with(p))
        && lower.split_whitespace().count() <= MAX_MADE_BY_WORDS
        && !lower.trim_end_matches('.').contains(['.', '!', '?'])
}

/// The most words a photo credit has ("© AFP / MARCO BERTORELLO", "DCV / Oppitz").
const MAX_CREDIT_WORDS: usize = 6;

/// "DCV / Oppitz", "Judy Eddy/WENN.com": a line of a few capitalised names around a slash,
/// with no punctuation but a web address's dot, is who took the picture above it (one word
/// alone, "AC/DC", may be a heading).
fn is_slash_credit(line: &str) -> bool {
    if !line.contains('/') {
        return false;
    }
    let w = words(line);
    let bare = line
        .rsplit_once('.')
        .filter(|(_, tld)| (2..=4).contains(&tld.len()) && tld.chars().all(char::is_alphabetic))
        .map_or(line, |(head, _)| head);
    (2..=MAX_CREDIT_WORDS).contains(&w.len())
        && line.contains('/')
        && !bare.contains(['.', ',', ';', ':', '!', '?'])
        && w.iter()
            .all(|word| *word == "/" || word.starts_with(char::is_uppercase))
}

/// A caption without the credit at its end: "Marco Odermatt, Ski-Star aus der Schweiz. © AFP
/// / MARCO BERTORELLO" and "... | © Augusta National/Getty Images" keep the caption only.
fn without_trailing_credit(line: &str) -> &str {
    let Some(at) = line.rfind('©') else {
        return line;
    };
    let head = line[..at].trim_end_matches(|c: char| c.is_whitespace() || c == '|');
    if head.trim().is_empty() || words(&line[at..]).len() > MAX_CREDIT_WORDS + 1 {
        return line;
    }
    head
}

/// Labels of the lines that file an article or say where it came from, in the languages
/// the evaluations hold: "Tags: ...", "Kategorie: News", "Quelle: dpa", "Źródło: PAP".
const FILING_LABELS: &[&str] = &[
    "tags",
    "tag",
    "schlagwörter",
    "schlagworte",
    "stichwörter",
    "etiquetas",
    "category",
    "categories",
    "kategorie",
    "kategorien",
    "categoría",
    "categoria",
    "catégorie",
    "kategoria",
    "quelle",
    "quellen",
    "source",
    "sources",
    "fuente",
    "fonte",
    "źródło",
    "aufrufe",
    "views",
];

/// A filing line: a label of [`FILING_LABELS`] and a colon, then at most a few words.
fn is_tag_line(line: &str) -> bool {
    let Some((label, rest)) = line.split_once(':') else {
        return false;
    };
    let label = label.trim().to_lowercase();
    FILING_LABELS.contains(&label.as_str()) && words(rest).len() <= MAX_LABEL_WORDS
}

/// A call to action has at most this many words: a longer line that starts "Subscribe" is a
/// sentence about subscribing.
const MAX_CALL_WORDS: usize = 16;

/// How a publisher's call to subscribe, sign up or follow starts, in the languages news pages
/// most often come in (lower case, whole words): "Subscribe to the Morning Review
/// newsletter", "Melde dich zum Newsletter an", "Follow me on Instagram". "Join the" and
/// "share your" are left out: a how-to's steps start that way too.
const CALLS_TO_ACTION: &[&str] = &[
    "subscribe",
    "sign up",
    "join our",
    "join over",
    "join me",
    "join us",
    "follow me",
    "follow us",
    "share this",
    "stay connected",
    "stay in touch",
    "don't miss",
    "dont miss",
    "get our newsletter",
    "get the newsletter",
    "get the latest",
    "newsletter",
    "abonniere",
    "abonnieren sie",
    "jetzt abonnieren",
    "folge uns",
    "folge mir",
    "folgen sie",
    "melde dich",
    "melden sie sich",
    "inscrivez-vous",
    "abonnez-vous",
    "suivez-nous",
    "suscríbete",
    "síguenos",
    "iscriviti",
    "seguici",
    "assine",
    "inscreva-se",
    "siga-nos",
];

/// Whether `line` has more than `n` words, counting only words with a letter or digit: the
/// stars or dashes around a call are not words of it.
fn more_words_than(line: &str, n: usize) -> bool {
    line.split_whitespace()
        .filter(|w| w.contains(char::is_alphanumeric))
        .nth(n)
        .is_some()
}

/// Whether `line` is a publisher's call to subscribe, sign up or follow (a newsletter box's
/// heading, a "Follow us on Twitter" line under the story): it starts with one of
/// [`CALLS_TO_ACTION`] and is short (in words with a letter or digit: the stars or dashes
/// around a call are not words of it).
fn is_call_to_action(line: &str) -> bool {
    if more_words_than(line, MAX_CALL_WORDS) {
        return false;
    }
    let lower = line
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    CALLS_TO_ACTION.iter().any(|call| {
        lower
            .strip_prefix(call)
            .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
    })
}

/// A notice has at most this many words: a longer line is a paragraph that mentions
/// subscribers or cookies. The phrases are whole notices' words, not a sentence's that a
/// story could hold ("if you enjoyed the first film", "he appeared as a guest").
const MAX_NOTICE_LINE_WORDS: usize = 30;

/// What a publisher's notice to the reader says, wherever it stands in the line (lower case,
/// whole words): that the rest is for subscribers ("To view the full story, please
/// subscribe", "Pour lire la suite"), that the reader is not logged in, an appeal after the
/// story ("If you enjoyed reading this post", "Gefällt dir unser Magazin?"), an invitation to
/// comment, the privacy banner, and a call to sign up, follow or give that does not open its
/// line, so that [`is_call_to_action`] misses it ("Want more from NBC Select? Sign up for our
/// newsletter", "... and follow us on Facebook, Instagram and TikTok", "please support us
/// by donating").
const NOTICES: &[&str] = &[
    "to view the full story",
    "to read the full story",
    "to read the full article",
    "to continue reading",
    "already a subscriber",
    "already subscribed",
    "subscribers only",
    "you are not logged in",
    "you're not logged in",
    "you must log in",
    "you must be logged in",
    "sie müssen angemeldet sein",
    "du musst angemeldet sein",
    "if you enjoyed this",
    "if you enjoyed reading",
    "if you liked this article",
    "if you liked this post",
    "did you enjoy this",
    "let us know in the comments",
    "tell us in the comments",
    "leave a comment",
    "we respect your privacy",
    "this website uses cookies",
    "this site uses cookies",
    "we use cookies",
    "nicht eingeloggt",
    "bereits abonnent",
    "gefällt dir unser",
    "gefällt ihnen unser",
    "hat dir der artikel gefallen",
    "hat ihnen der artikel gefallen",
    "hat dir der beitrag gefallen",
    "hat ihnen der beitrag gefallen",
    "verraten sie gerne in den kommentaren",
    "verraten sie uns in den kommentaren",
    "schreiben sie uns in den kommentaren",
    "respektieren deine privatsphäre",
    "respektieren ihre privatsphäre",
    "wir verwenden cookies",
    "diese website verwendet cookies",
    "diese seite verwendet cookies",
    "pour lire la suite",
    "déjà abonné",
    "réservé aux abonnés",
    "nous utilisons des cookies",
    "ya eres suscriptor",
    "exclusivo para suscriptores",
    "utilizamos cookies",
    "utilizziamo i cookie",
    "sign up for our newsletter",
    "sign up for our newsletters",
    "subscribe to our newsletter",
    "subscribe to our blog",
    "follow us on facebook",
    "follow us on twitter",
    "follow us on instagram",
    "follow us on linkedin",
    "follow us on tiktok",
    "follow us on youtube",
    "follow us on social media",
    "please support us",
    "preferred source on google",
    "to get updates from this writer",
    "funded by readers like you",
    "abonnieren sie unseren newsletter",
    "abonniere unseren newsletter",
    "folgen sie uns auf",
    "folge uns auf",
    "suivez-nous sur",
    "síguenos en",
    "seguici su",
];

/// [`NOTICES`] as one automaton, built once: every line of every page is looked up, and a
/// search per phrase would cost as much as the rest of the line rules together.
static NOTICE_FINDER: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
    std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(NOTICES).ok());

/// `text` without the publisher's disclosures of paid links (see [`is_disclosure`]). Taken
/// out of the chosen text as a last step, not with the other line rules: where the
/// disclosure closes readability's block, the densest block's paragraphs up to it are the
/// story's (a closing FAQ), and they are taken in before it goes.
pub(super) fn without_disclosures(text: String) -> String {
    let mut dropped = false;
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            let disclosure = is_disclosure(l);
            dropped |= disclosure;
            !disclosure
        })
        .collect();
    if dropped {
        super::tidy(&kept.join("\n"))
    } else {
        text
    }
}

/// A disclosure has at most this many words: a longer paragraph is a story's, whatever it
/// says of commissions.
const MAX_DISCLOSURE_WORDS: usize = 80;

/// What a publisher is paid when a reader buys through its links (not "provision": "we make
/// provision for late payments" is a budget's; a German disclosure names its
/// Affiliate-Links).
const COMMISSIONS: &[&str] = &[
    "commission",
    "commissions",
    "compensation",
    "compensated",
    "kickback",
];

/// The verbs by which the publisher gets a [`COMMISSIONS`] word ("we may earn a commission",
/// "purchases earn us a commission"); "be" only right before "compensated" ("we may be
/// compensated", where "we will be the commission's eyes" is a story's).
const EARNS: &[&str] = &[
    "earn", "earns", "receive", "receives", "make", "makes", "get", "gets",
];

/// What may stand between the publisher and [`EARNS`] ("we may also receive").
const MODALS: &[&str] = &[
    "may",
    "might",
    "will",
    "can",
    "could",
    "would",
    "do",
    "also",
    "sometimes",
    "then",
];

/// The words before "affiliate links" that say this page's links are such ("this post may
/// contain affiliate links", "sogenannte Affiliate-Links").
const AFFILIATE_SAYS: &[&str] = &[
    "contain",
    "contains",
    "use",
    "uses",
    "are",
    "sind",
    "sogenannte",
    "sogenannten",
    "enthält",
    "enthalten",
];

/// The word stems one of which every disclosure holds, as one automaton (any case), built
/// once: the final text of every page is looked through for them.
static DISCLOSURE_STEMS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "affiliate",
                "commission",
                "compensat",
                "kickback",
                "qualifying purchases",
            ])
            .ok()
    });

/// Whether `line` is the publisher's disclosure that it is paid for what readers buy through
/// its links ("This post may contain affiliate links.", "When you buy through links on our
/// site, we may earn a commission.", "As an Amazon Associate I earn from qualifying
/// purchases.", "Die mit Sternchen gekennzeichneten Links sind sogenannte Affiliate-Links").
/// Only the publisher speaking of its own links counts: "Streamers earn a commission when
/// viewers buy through affiliate links" is a story's, and so is a quoted remark.
fn is_disclosure(line: &str) -> bool {
    // Most lines name none of these, and are passed without being lower-cased or split.
    if !DISCLOSURE_STEMS
        .as_ref()
        .is_some_and(|stems| stems.is_match(line))
        || more_words_than(line, MAX_DISCLOSURE_WORDS)
    {
        return false;
    }
    // What a line says in parentheses is an aside to a sentence of the story ("I use this
    // soap (both are affiliate links)."), not the line's own statement.
    let mut depth = 0usize;
    let lower: String = line
        .chars()
        .filter(|&c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .flat_map(char::to_lowercase)
        .collect();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .collect();
    let is = |i: usize, set: &[&str]| words.get(i).is_some_and(|w| set.contains(w));
    let quoted = line.contains(['"', '“', '”', '„']);
    words.iter().enumerate().any(|(i, &w)| {
        // The page says its links are affiliate links.
        let affiliate = (w == "affiliate-links"
            || w == "affiliate-link"
            || (w == "affiliate" && is(i + 1, &["links", "link"])))
            && (1..=2).any(|back| i >= back && is(i - back, AFFILIATE_SAYS));
        // The publisher says it earns from them.
        let earns = !quoted
            && COMMISSIONS.contains(&w)
            && (1..=i.min(5)).any(|back| {
                let verb = i - back;
                let gets =
                    is(verb, EARNS) || (back == 1 && w == "compensated" && is(verb, &["be"]));
                gets && is_publishers(&words, verb)
            });
        // Amazon's wording for its associates' pages: "As an Amazon Associate I earn from
        // qualifying purchases" (a tax credit's qualifying purchases are a story's, and so is
        // an Amazon associate who speaks to a reporter).
        let declared = w == "qualifying"
            && is(i + 1, &["purchases"])
            && i >= 2
            && is(i - 1, &["from"])
            && is(i - 2, &["earn", "earns"]);
        affiliate || earns || declared
    })
}

/// Whether the verb at `verb` of `words` is the publisher's: "earn us", or "we" or "I" before
/// it with at most two [`MODALS`] between ("we may also receive").
fn is_publishers(words: &[&str], verb: usize) -> bool {
    words.get(verb + 1) == Some(&"us")
        || (1..=verb.min(3)).any(|before| {
            matches!(words[verb - before], "we" | "i")
                && (1..before).all(|m| MODALS.contains(&words[verb - m]))
        })
}

/// Whether `line` is a publisher's notice to the reader (see [`NOTICES`]).
fn is_notice(line: &str) -> bool {
    if more_words_than(line, MAX_NOTICE_LINE_WORDS) {
        return false;
    }
    let Some(finder) = NOTICE_FINDER.as_ref() else {
        return false;
    };
    let lower: String = line
        .to_lowercase()
        .chars()
        .map(|c| if c == '’' { '\'' } else { c })
        .collect();
    finder.find_overlapping_iter(&lower).any(|found| {
        let before = lower[..found.start()].chars().next_back();
        let after = lower[found.end()..].chars().next();
        // A notice quoted in a program ("return 'You are not logged in'") is the program's.
        !before.is_some_and(|c| c.is_alphanumeric() || c == '\'' || c == '"')
            && !after.is_some_and(char::is_alphanumeric)
    })
}
