//! Snippets: the passages of an article that show why it matched.
//!
//! tantivy's SnippetGenerator picks the single window with the highest sum of term weights,
//! so a passage that repeats `South Korea` four times beats the one sentence that also says
//! `THAAD`. Researchers want to see every query word, so fragments here are scored by the
//! distinct query terms they cover (rarer terms weigh more, as in tantivy), cut at sentence
//! edges where possible, and up to three are shown in article order. A snippet is a
//! [`Highlighted`]: the text with its matches marked, which knows its own escaped HTML form.
//! An export's passages and counts run several makers over one text: a [`Finder`] does that
//! in one pass of the analyzer.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::ops::Range;

use anyhow::Result;
use foldhash::fast::RandomState;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::{TextAnalyzer, Token};
use tantivy::{Score, Searcher, Term};

/// Snippets and highlights are cut from at most this many bytes at the start of a text, so
/// a search that hits a very long article does not tokenize all of it: the cost of a hit
/// is bounded whatever the article's size.
pub const WINDOW_BYTES: usize = 256 << 10;

/// The start of `text` that snippets are cut from: at most [`WINDOW_BYTES`], ending on a
/// character boundary.
pub fn window(text: &str) -> &str {
    &text[..text.floor_char_boundary(WINDOW_BYTES)]
}

/// A snippet's length, in characters, when none is asked for (`--snippet-chars`,
/// `snippet_chars=`), and the lead shown for an article found without words (`similar`).
pub const DEFAULT_CHARS: usize = 200;
/// Shortest snippet cut: fewer characters than a few words are not worth cutting.
pub const MIN_CHARS: usize = 20;
/// Longest snippet the HTTP API cuts: a page of results stays a page.
pub const MAX_CHARS: usize = 2_000;

/// The length a snippet is cut to when `asked` characters are asked for (0, for no snippet
/// at all, is the caller's to honour by not cutting one).
pub fn length(asked: usize) -> usize {
    asked.max(MIN_CHARS)
}

/// Fragments after the first must add query terms the earlier ones lack.
const MAX_FRAGMENTS: usize = 3;
/// What joins the fragments of a snippet.
pub const JOINER: &str = " … ";

/// Text with the ranges (byte offsets) that matched the query.
#[derive(Debug, Clone, Default)]
pub struct Highlighted {
    pub text: String,
    pub highlights: Vec<Range<usize>>,
    /// Where each fragment of a multi-fragment snippet lies in `text`; empty when the text
    /// is one piece.
    pub fragments: Vec<Range<usize>>,
}

impl Highlighted {
    /// HTML-escaped text with matches in `<b>…</b>`.
    pub fn to_html(&self) -> String {
        self.html_of(0..self.text.len(), "b", as_is)
    }

    /// HTML-escaped text with matches in `<mark>…</mark>`, as a web page shows them, each
    /// piece first passed through `shown` (which may escape characters, never move a match).
    pub fn to_marked_html(&self, shown: impl Fn(&str) -> Cow<'_, str>) -> String {
        self.html_of(0..self.text.len(), "mark", shown)
    }

    /// Each paragraph (text between blank lines, as [`crate::show::paragraphs`] writes a
    /// body) as [`Highlighted::to_marked_html`] writes it. A match that crosses a
    /// paragraph's edge is left unmarked, so every paragraph's markup is whole.
    pub fn marked_paragraphs(&self, shown: impl Fn(&str) -> Cow<'_, str>) -> Vec<String> {
        let mut out = Vec::new();
        let mut start = 0;
        for piece in self.text.split("\n\n") {
            let end = start + piece.len();
            if !piece.trim().is_empty() {
                out.push(self.html_of(start..end, "mark", &shown));
            }
            start = end + 2;
        }
        out
    }

    /// Plain text on one line with each match in `[…]`, for a table cell (an export's
    /// `kwic`): every run of white space or control characters becomes one space, and the
    /// text's own `[`, `]` and `\` are written `\[`, `\]` and `\\`, so that every bracket
    /// left unescaped is a mark.
    pub fn to_marked_line(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 16);
        // Starts as if after a space, so the line never begins with one.
        let mut spaced = true;
        let mut put = |out: &mut String, piece: &str| {
            for c in piece.chars() {
                if c.is_whitespace() || c.is_control() {
                    if !spaced {
                        out.push(' ');
                    }
                    spaced = true;
                    continue;
                }
                if matches!(c, '[' | ']' | '\\') {
                    out.push('\\');
                }
                out.push(c);
                spaced = false;
            }
        };
        let mut at = 0;
        for r in &self.highlights {
            put(&mut out, &self.text[at..r.start]);
            out.push('[');
            put(&mut out, &self.text[r.clone()]);
            out.push(']');
            at = r.end;
        }
        put(&mut out, &self.text[at..]);
        out.truncate(out.trim_end().len());
        out
    }

    /// Each fragment as HTML, in article order.
    pub fn fragments_html(&self) -> Vec<String> {
        if self.fragments.is_empty() {
            return vec![self.to_html()];
        }
        self.fragments
            .iter()
            .map(|f| self.html_of(f.clone(), "b", as_is))
            .collect()
    }

    fn html_of(
        &self,
        span: Range<usize>,
        tag: &str,
        shown: impl Fn(&str) -> Cow<'_, str>,
    ) -> String {
        let mut out = String::with_capacity(span.len() + 16);
        let mut at = span.start;
        for r in &self.highlights {
            if r.start < span.start || r.end > span.end {
                continue;
            }
            out.push_str(&html_escape(&shown(&self.text[at..r.start])));
            out.push('<');
            out.push_str(tag);
            out.push('>');
            out.push_str(&html_escape(&shown(&self.text[r.clone()])));
            out.push_str("</");
            out.push_str(tag);
            out.push('>');
            at = r.end;
        }
        out.push_str(&html_escape(&shown(&self.text[at..span.end])));
        out
    }
}

/// Text left as it is, for HTML forms that escape nothing more than markup.
fn as_is(text: &str) -> Cow<'_, str> {
    Cow::Borrowed(text)
}

pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Clone)]
pub struct SnippetMaker {
    /// Terms highlighted wherever they occur, with their weight.
    weights: HashMap<String, Score, RandomState>,
    /// Phrases the user quoted: highlighted only where the whole phrase stands, as one
    /// match, never word by word.
    phrases: Vec<Vec<String>>,
    analyzer: TextAnalyzer,
    max_chars: usize,
}

/// The quoted parts of a query, as typed.
pub fn quoted_phrases(query: &str) -> Vec<&str> {
    query.split('"').skip(1).step_by(2).collect()
}

impl SnippetMaker {
    /// Collects the query's terms on `field`, weighted by rarity like tantivy does. Terms
    /// that occur in the query only inside the quoted `phrases` are matched only as those
    /// phrases.
    pub fn create(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
        max_chars: usize,
        phrases: &[&str],
    ) -> Result<SnippetMaker> {
        let mut loose: BTreeSet<&Term> = BTreeSet::new();
        let mut in_phrase: BTreeSet<&Term> = BTreeSet::new();
        query.query_terms(&mut |term, needs_positions| {
            if term.field() == field {
                if needs_positions {
                    in_phrase.insert(term);
                } else {
                    loose.insert(term);
                }
            }
        });
        let weight_of = |term: &Term| -> Result<Option<(String, Score)>> {
            let value = term.value();
            let Some(text) = value.as_str() else {
                return Ok(None);
            };
            let df = searcher.doc_freq(term)?;
            Ok((df > 0).then(|| (text.to_string(), 1.0 / (1.0 + df as Score))))
        };
        let mut weights: HashMap<String, Score, RandomState> = HashMap::default();
        let mut phrase_weights = HashMap::new();
        for term in loose {
            weights.extend(weight_of(term)?);
        }
        for term in in_phrase {
            phrase_weights.extend(weight_of(term)?);
        }
        let mut analyzer = searcher.index().tokenizer_for_field(field)?;
        let mut sequences = Vec::new();
        for phrase in phrases {
            let mut tokens = Vec::new();
            analyzer
                .token_stream(phrase)
                .process(&mut |t| tokens.push(t.text.clone()));
            if tokens.len() >= 2 && tokens.iter().all(|t| phrase_weights.contains_key(t)) {
                sequences.push(tokens);
            } else if let [single] = tokens.as_slice() {
                // A one-word "phrase" is just a word.
                if let Some(w) = phrase_weights.get(single) {
                    weights.insert(single.clone(), *w);
                }
            }
        }
        for seq in &sequences {
            let w: Score = seq.iter().map(|t| phrase_weights[t]).sum();
            weights.insert(seq.join(" "), w);
        }
        Ok(SnippetMaker {
            weights,
            phrases: sequences,
            analyzer,
            max_chars,
        })
    }

    #[cfg(test)]
    fn with_terms(terms: &[(&str, Score)], analyzer: TextAnalyzer, max_chars: usize) -> Self {
        SnippetMaker {
            weights: terms.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
            phrases: Vec::new(),
            analyzer,
            max_chars,
        }
    }

    /// Where the query's terms and whole phrases stand in `text`.
    pub fn find(&self, text: &str) -> Found {
        let mut scan = Scan::new(self);
        if !self.weights.is_empty() {
            let mut analyzer = self.analyzer.clone();
            analyzer.token_stream(text).process(&mut |tok| {
                let term = self.weights.contains_key(&tok.text);
                let in_phrase =
                    scan.longest > 0 && self.phrases.iter().flatten().any(|w| *w == tok.text);
                scan.feed(tok, term, in_phrase);
            });
        }
        scan.finish()
    }

    /// All of `text` (up to [`WINDOW_BYTES`]), with every match marked (for titles).
    pub fn highlight_all(&self, text: &str) -> Highlighted {
        self.highlight_whole(window(text))
    }

    /// All of `text`, however long, with every match marked: for one article shown whole
    /// (`dateline show --highlight`), where the cost is one pass over that article.
    pub fn highlight_whole(&self, text: &str) -> Highlighted {
        Highlighted {
            text: text.to_string(),
            fragments: Vec::new(),
            highlights: self
                .find(text)
                .matches
                .into_iter()
                .map(|(r, _)| r)
                .collect(),
        }
    }

    /// The best fragments of the start of `text` (its [`window`]), or an empty highlight
    /// list when no term occurs there.
    pub fn make(&self, text: &str) -> Highlighted {
        let text = window(text);
        self.passage(text, self.find(text))
    }

    /// The best fragments of `text` around what [`SnippetMaker::find`] found in it (the
    /// snippet [`SnippetMaker::make`] cuts), or an empty highlight list when it found nothing.
    pub fn passage(&self, text: &str, found: Found) -> Highlighted {
        let Found { matches, names } = found;
        if matches.is_empty() {
            return Highlighted::default();
        }
        let weight: Vec<Score> = names.iter().map(|n| self.weights[n]).collect();
        // One fragment when a window of full length shows every term the article has;
        // otherwise up to three shorter ones that together do.
        let whole = candidate_windows(text, &matches, self.max_chars);
        let mut chosen = pick(&whole, &matches, &weight, 1);
        let covers = |chosen: &[Range<usize>]| {
            let mut seen = vec![false; names.len()];
            for (r, t) in &matches {
                if chosen.iter().any(|w| r.start >= w.start && r.end <= w.end) {
                    seen[*t] = true;
                }
            }
            seen.iter().filter(|s| **s).count()
        };
        if covers(&chosen) < names.len() {
            let parts = names.len().min(MAX_FRAGMENTS);
            let short = candidate_windows(text, &matches, self.max_chars / parts);
            let several = pick(&short, &matches, &weight, MAX_FRAGMENTS);
            if covers(&several) > covers(&chosen) {
                chosen = several;
            }
        }
        chosen.sort_by_key(|w| w.start);
        assemble(text, &chosen, &matches)
    }
}

/// What one [`SnippetMaker`] found in one text: where its terms and whole phrases stand.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Byte ranges, in text order and never overlapping (a word inside a phrase found there,
    /// or a repeat overlapping the one before, is not found again), each with an index into
    /// `names`.
    pub matches: Vec<(Range<usize>, usize)>,
    /// The terms and phrases found (a phrase as its words joined by spaces).
    pub names: Vec<String>,
}

impl Found {
    /// Only what ends within the first `len` bytes (a passage's [`window`]), names renumbered.
    pub fn within(self, len: usize) -> Found {
        let mut kept = Found::default();
        for (r, i) in self.matches {
            if r.end > len {
                break;
            }
            let name = &self.names[i];
            let j = match kept.names.iter().position(|n| n == name) {
                Some(j) => j,
                None => {
                    kept.names.push(name.clone());
                    kept.names.len() - 1
                }
            };
            kept.matches.push((r, j));
        }
        kept
    }
}

/// One maker's search of a text, token by token, so that several makers can share one pass
/// of the analyzer ([`Finder`]).
struct Scan<'m> {
    maker: &'m SnippetMaker,
    /// The longest phrase's length in words: how many recent tokens a phrase needs.
    longest: usize,
    /// The last tokens seen (text, start offset, position), enough to finish a phrase.
    recent: VecDeque<(String, usize, usize)>,
    found: Found,
}

impl<'m> Scan<'m> {
    fn new(maker: &'m SnippetMaker) -> Scan<'m> {
        let longest = maker.phrases.iter().map(Vec::len).max().unwrap_or(0);
        Scan {
            maker,
            longest,
            recent: VecDeque::with_capacity(longest),
            found: Found::default(),
        }
    }

    fn name_index(&mut self, name: &str) -> usize {
        let names = &mut self.found.names;
        match names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                names.push(name.to_string());
                names.len() - 1
            }
        }
    }

    /// Takes in the next token: `term` when the maker looks for it, `in_phrase` when it is
    /// a word of one of the maker's phrases.
    fn feed(&mut self, tok: &Token, term: bool, in_phrase: bool) {
        if self.longest > 0 {
            if in_phrase {
                if self.recent.len() == self.longest {
                    self.recent.pop_front();
                }
                self.recent
                    .push_back((tok.text.clone(), tok.offset_from, tok.position));
                self.phrases_ending(tok);
            } else {
                // No phrase runs across a word that is in none.
                self.recent.clear();
            }
        }
        if term {
            let idx = self.name_index(&tok.text);
            self.found
                .matches
                .push((tok.offset_from..tok.offset_to, idx));
        }
    }

    /// Finds the maker's phrases that end with `tok`, the last of the recent tokens.
    fn phrases_ending(&mut self, tok: &Token) {
        let maker = self.maker;
        for phrase in &maker.phrases {
            let n = phrase.len();
            if self.recent.len() < n {
                continue;
            }
            let tail = self.recent.range(self.recent.len() - n..);
            let consecutive = tail
                .zip(phrase)
                .enumerate()
                .all(|(i, ((t, _, pos), want))| t == want && *pos + n - 1 - i == tok.position);
            if consecutive {
                let start = self.recent[self.recent.len() - n].1;
                let idx = self.name_index(&phrase.join(" "));
                self.found.matches.push((start..tok.offset_to, idx));
            }
        }
    }

    fn finish(self) -> Found {
        let Found { mut matches, names } = self.found;
        // Phrase matches end where their last word does; order by start and drop ranges
        // inside another, so highlights never overlap.
        matches.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
        let mut kept: Vec<(Range<usize>, usize)> = Vec::with_capacity(matches.len());
        for m in matches {
            if kept.last().is_some_and(|k| m.0.start < k.0.end) {
                continue;
            }
            kept.push(m);
        }
        Found {
            matches: kept,
            names,
        }
    }
}

/// Several [`SnippetMaker`]s made for one field (an export's passage and its counts), which
/// find what each looks for in one pass of the analyzer over a text, each token looked up
/// once: the cost of one tokenisation, not one per maker.
pub struct Finder {
    makers: Vec<SnippetMaker>,
    /// Every word some maker looks for, with the makers that do: (maker, as a term, as a
    /// word of a phrase).
    wanted: HashMap<String, Vec<(usize, bool, bool)>, RandomState>,
}

impl Finder {
    pub fn new(makers: Vec<SnippetMaker>) -> Finder {
        let mut wanted: HashMap<String, Vec<(usize, bool, bool)>, RandomState> = HashMap::default();
        let mut mark = |word: &str, i: usize, term: bool| {
            let roles = wanted.entry(word.to_string()).or_default();
            match roles.iter_mut().find(|r| r.0 == i) {
                Some(r) if term => r.1 = true,
                Some(r) => r.2 = true,
                None => roles.push((i, term, !term)),
            }
        };
        for (i, maker) in makers.iter().enumerate() {
            for term in maker.weights.keys() {
                mark(term, i, true);
            }
            for word in maker.phrases.iter().flatten() {
                mark(word, i, false);
            }
        }
        Finder { makers, wanted }
    }

    /// The makers, in the order given.
    pub fn makers(&self) -> &[SnippetMaker] {
        &self.makers
    }

    /// What each maker finds in `text` (as [`SnippetMaker::find`] would), in their order.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let mut scans: Vec<Scan> = self.makers.iter().map(Scan::new).collect();
        if let (Some(first), false) = (self.makers.first(), self.wanted.is_empty()) {
            let mut analyzer = first.analyzer.clone();
            analyzer.token_stream(text).process(&mut |tok| {
                let roles = self.wanted.get(&tok.text);
                for (i, scan) in scans.iter_mut().enumerate() {
                    let (term, in_phrase) = roles
                        .and_then(|r| r.iter().find(|r| r.0 == i))
                        .map_or((false, false), |r| (r.1, r.2));
                    scan.feed(tok, term, in_phrase);
                }
            });
        }
        scans.into_iter().map(Scan::finish).collect()
    }
}

/// Greedily picks up to `n` non-overlapping windows, each adding query terms the earlier
/// picks lack: more new weight first, then more matches, then earlier in the article.
fn pick(
    windows: &[Range<usize>],
    matches: &[(Range<usize>, usize)],
    weight: &[Score],
    n: usize,
) -> Vec<Range<usize>> {
    let mut covered = vec![false; weight.len()];
    let mut chosen: Vec<Range<usize>> = Vec::new();
    while chosen.len() < n {
        let best = windows
            .iter()
            .filter(|w| !chosen.iter().any(|c| c.start < w.end && w.start < c.end))
            .map(|w| {
                let mut seen = vec![false; weight.len()];
                let mut gain = 0.0;
                let mut hits = 0;
                for (r, t) in matches {
                    if r.start >= w.start && r.end <= w.end {
                        hits += 1;
                        if !seen[*t] && !covered[*t] {
                            gain += weight[*t];
                        }
                        seen[*t] = true;
                    }
                }
                (w, gain, hits)
            })
            .filter(|(_, gain, _)| *gain > 0.0)
            .max_by(|a, b| {
                a.1.total_cmp(&b.1)
                    .then(a.2.cmp(&b.2))
                    .then(b.0.start.cmp(&a.0.start))
            });
        let Some((w, _, _)) = best else { break };
        for (r, t) in matches {
            if r.start >= w.start && r.end <= w.end {
                covered[*t] = true;
            }
        }
        chosen.push(w.clone());
    }
    chosen
}

/// Joins fragments with an ellipsis and moves the highlights into the joined text.
fn assemble(
    text: &str,
    windows: &[Range<usize>],
    matches: &[(Range<usize>, usize)],
) -> Highlighted {
    let mut out = Highlighted::default();
    for (i, w) in windows.iter().enumerate() {
        if i > 0 {
            out.text.push_str(JOINER);
        }
        let base = out.text.len();
        out.text.push_str(&text[w.clone()]);
        out.fragments.push(base..out.text.len());
        for (r, _) in matches {
            if r.start >= w.start && r.end <= w.end {
                out.highlights
                    .push(base + r.start - w.start..base + r.end - w.start);
            }
        }
    }
    out
}

/// Where sentences start: after `.`, `?` or `!` and white space, or after a line break.
fn sentence_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for i in 1..bytes.len() {
        let prev = bytes[i - 1];
        let cur = bytes[i];
        let boundary = (prev == b'\n' && !cur.is_ascii_whitespace())
            || (i >= 2
                && matches!(bytes[i - 2], b'.' | b'?' | b'!' | b'"')
                && prev == b' '
                && !cur.is_ascii_whitespace()
                && !cur.is_ascii_lowercase());
        if boundary {
            starts.push(i);
        }
    }
    starts
}

/// Trims a window to whole words and no surrounding white space.
fn tidy(text: &str, start: usize, end: usize, at_sentence_start: bool) -> Range<usize> {
    let mut s = text.floor_char_boundary(start);
    let mut e = text.floor_char_boundary(end);
    if !at_sentence_start && s > 0 {
        // Do not begin mid-word.
        if let Some(sp) = text[s..e].find(char::is_whitespace) {
            if !text[..s].ends_with(char::is_whitespace) {
                s += sp;
            }
        }
    }
    if e < text.len() && !text[e..].starts_with(char::is_whitespace) {
        if let Some(sp) = text[s..e].rfind(char::is_whitespace) {
            e = s + sp;
        }
    }
    let slice = &text[s..e];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    s += lead;
    e -= trail;
    s..e.max(s)
}

/// Candidate fragments: for each sentence holding a match, that sentence plus the ones after
/// it that still fit; a sentence longer than `max_chars` is cut to a window around its first
/// match.
fn candidate_windows(
    text: &str,
    matches: &[(Range<usize>, usize)],
    max_chars: usize,
) -> Vec<Range<usize>> {
    let starts = sentence_starts(text);
    let mut out: Vec<Range<usize>> = Vec::new();
    for (r, _) in matches {
        if out.last().is_some_and(|w| r.end <= w.end) {
            continue;
        }
        let si = starts.partition_point(|&s| s <= r.start) - 1;
        let begin = starts[si];
        if r.end - begin <= max_chars {
            let mut end = begin + max_chars;
            // Prefer to end at a sentence edge when one falls in the window's second half.
            if let Some(edge) = starts
                .iter()
                .rev()
                .find(|&&s| s > begin + max_chars / 2 && s <= begin + max_chars && s >= r.end)
            {
                end = *edge;
            }
            out.push(tidy(text, begin, end.min(text.len()), true));
        } else {
            // Give the match some context before it.
            let from = r.start.saturating_sub(max_chars / 4).max(begin);
            out.push(tidy(text, from, (from + max_chars).min(text.len()), false));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::text_analyzer;

    #[test]
    fn snippet_lengths_have_a_floor() {
        assert_eq!(length(0), MIN_CHARS);
        assert_eq!(length(5), MIN_CHARS);
        assert_eq!(length(DEFAULT_CHARS), DEFAULT_CHARS);
        assert_eq!(length(MAX_CHARS + 1), MAX_CHARS + 1);
    }

    #[test]
    fn html_is_escaped_around_highlights() {
        let h = Highlighted {
            text: "a <b> & THAAD".into(),
            highlights: std::iter::once(8..13).collect(),
            fragments: Vec::new(),
        };
        assert_eq!(h.to_html(), "a &lt;b&gt; &amp; <b>THAAD</b>");
    }

    fn marked(h: &Highlighted) -> String {
        let mut out = String::new();
        let mut at = 0;
        for r in &h.highlights {
            out.push_str(&h.text[at..r.start]);
            out.push('[');
            out.push_str(&h.text[r.clone()]);
            out.push(']');
            at = r.end;
        }
        out.push_str(&h.text[at..]);
        out
    }

    #[test]
    fn covers_every_distinct_term_before_repeating_common_ones() {
        let text = "South Korea and South Korea again. South Korea talks. Filler text here. \
                    The THAAD system arrived.";
        let m = SnippetMaker::with_terms(
            &[("south", 0.5), ("korea", 0.5), ("thaad", 0.5)],
            text_analyzer(),
            60,
        );
        let s = marked(&m.make(text));
        assert!(s.contains("[THAAD]"), "{s}");
        assert!(s.contains("[South] [Korea]"), "{s}");
        assert!(s.contains(" … "), "{s}");
    }

    #[test]
    fn fragments_are_whole_words_and_in_article_order() {
        let text = "alpha beta gamma delta. epsilon zeta eta theta iota kappa lambda.";
        let m = SnippetMaker::with_terms(&[("zeta", 0.5), ("alpha", 0.4)], text_analyzer(), 30);
        let h = m.make(text);
        let s = marked(&h);
        assert!(s.starts_with("[alpha]"), "{s}");
        assert!(s.find("[alpha]") < s.find("[zeta]"), "{s}");
        for word in h.text.split([' ', '…']).filter(|w| !w.is_empty()) {
            assert!(text.contains(word), "{word} cut from {text}");
        }
    }

    #[test]
    fn quoted_phrases_are_found_in_the_query() {
        assert_eq!(
            quoted_phrases("a \"south korea\" b \"x y\""),
            ["south korea", "x y"]
        );
        assert!(quoted_phrases("plain words").is_empty());
    }

    #[test]
    fn snippets_come_from_a_bounded_window_at_the_start() {
        let m = SnippetMaker::with_terms(&[("zeta", 0.5)], text_analyzer(), 40);
        // Past the window: not looked at.
        let far = format!("{} zeta", "alpha ".repeat(WINDOW_BYTES / 6 + 10));
        assert!(m.make(&far).highlights.is_empty());
        // Inside it: found.
        let near = format!("alpha zeta {}", "beta ".repeat(WINDOW_BYTES / 5 + 10));
        assert!(marked(&m.make(&near)).starts_with("alpha [zeta] beta beta"));
        // The window ends on a character boundary.
        let wide = "é".repeat(WINDOW_BYTES);
        assert!(window(&wide).len() <= WINDOW_BYTES);
        assert!(window(&wide).len() >= WINDOW_BYTES - 1);
    }

    #[test]
    fn marked_lines_are_one_line_with_the_texts_brackets_escaped() {
        let text = "Cocoa [sic] up\n\n\tin\r\nGhana\\ now ";
        let at = text.find("Ghana").unwrap();
        let h = Highlighted {
            text: text.into(),
            highlights: vec![0..5, at..at + 5],
            fragments: Vec::new(),
        };
        assert_eq!(
            h.to_marked_line(),
            "[Cocoa] \\[sic\\] up in [Ghana]\\\\ now"
        );
    }

    #[test]
    fn a_finder_finds_what_each_maker_finds_alone() {
        let text = "Cocoa prices rose. Ghana cocoa and coffee; coffee prices.";
        let a = SnippetMaker::with_terms(&[("cocoa", 0.5)], text_analyzer(), 40);
        let b = SnippetMaker::with_terms(&[("coffe", 0.5), ("price", 0.2)], text_analyzer(), 40);
        let none = SnippetMaker::with_terms(&[], text_analyzer(), 40);
        let finder = Finder::new(vec![a.clone(), none, b.clone()]);
        let each = finder.find(text);
        let ranges = |f: &Found| f.matches.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>();
        assert_eq!(ranges(&each[0]), ranges(&a.find(text)));
        assert!(each[1].matches.is_empty());
        assert_eq!(ranges(&each[2]), ranges(&b.find(text)));
        assert_eq!(each[0].matches.len(), 2);
    }

    #[test]
    fn no_terms_no_highlights() {
        let m = SnippetMaker::with_terms(&[("zzz", 0.5)], text_analyzer(), 30);
        assert!(m.make("nothing here").highlights.is_empty());
    }
}
