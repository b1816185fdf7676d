//! "Did you mean": corrections for misspelt query words, drawn from the index's own terms.
//!
//! Each plain word of the query that no article contains is matched against the terms of the
//! title and body fields within one edit (two for words of five letters or more, when the
//! first letter is kept); the closest candidate wins, then the most frequent, then the first
//! alphabetically. Terms are stemmed, so the suggestion shows the word as an article actually
//! writes it, in the case style the user typed.

use std::collections::HashMap;

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{Searcher, TantivyDocument, Term};
use tantivy_fst::Automaton;

use crate::index_dir::OpenIndex;
use crate::ranking::plain_words;

/// Queries finding fewer articles than this get a suggestion.
pub const SUGGEST_BELOW: usize = 3;
/// A rare word is only replaced by a neighbour this many times more common.
const RARE_RATIO: u64 = 10;

fn analyzed(open: &OpenIndex, field: Field, word: &str) -> Option<String> {
    let mut analyzer = open.index.tokenizer_for_field(field).ok()?;
    let mut out = None;
    analyzer.token_stream(word).process(&mut |t| {
        if out.is_none() {
            out = Some(t.text.clone());
        }
    });
    out
}

fn doc_freq(searcher: &Searcher, fields: &[Field], term: &str) -> Result<u64> {
    let mut n = 0;
    for f in fields {
        n += searcher.doc_freq(&Term::from_field_text(*f, term))?;
    }
    Ok(n)
}

/// The terms that [`Nearby`] accepts for `term`, with their document frequency.
fn neighbours(
    searcher: &Searcher,
    fields: &[Field],
    term: &str,
    distance: u8,
) -> Result<HashMap<String, u64>> {
    let nearby = Nearby::new(term, distance);
    let mut found: HashMap<String, u64> = HashMap::new();
    for &field in fields {
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(field)?;
            let mut stream = index.terms().search(&nearby).into_stream()?;
            while stream.advance() {
                let key = String::from_utf8_lossy(stream.key()).into_owned();
                *found.entry(key).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    found.remove(term);
    Ok(found)
}

/// Accepts the terms within `distance` edits of a term (an edit: a letter added, dropped,
/// changed, or two neighbours swapped), but a term whose first letter differs only within
/// one edit: misspellings rarely start wrong, and two edits allowed in the first letters
/// would reach nearly every short prefix of the dictionary, a walk of most of it.
///
/// It runs the edit-distance table row by row as the term dictionary is walked, keeping
/// only the cells that can stay within `distance` (a band of `2 * MAX_EDITS + 1` around the
/// diagonal), so it needs no automaton built beforehand.
struct Nearby {
    term: Vec<char>,
    distance: u8,
}

/// The most edits [`Nearby`] allows.
const MAX_EDITS: usize = 2;
const BAND: usize = 2 * MAX_EDITS + 1;
/// Any distance over [`MAX_EDITS`]: too far.
const FAR: u8 = MAX_EDITS as u8 + 1;

/// Where [`Nearby`] is after some bytes of a dictionary term.
#[derive(Clone)]
struct NearbyState {
    /// Letters read.
    read: usize,
    /// `row[k]`: edits between the letters read and the term's first `read + k - MAX_EDITS`
    /// letters, at most FAR.
    row: [u8; BAND],
    /// The same one letter earlier, for swaps.
    before: [u8; BAND],
    /// The last letter read.
    last: char,
    /// Edits allowed: fewer once the first letter differs.
    allowed: u8,
    /// A letter's bytes read so far, and how many more it has.
    partial: u32,
    missing: u8,
}

impl Nearby {
    fn new(term: &str, distance: u8) -> Nearby {
        Nearby {
            term: term.chars().collect(),
            distance: distance.min(MAX_EDITS as u8),
        }
    }

    /// The state after one more letter.
    fn step(&self, state: &NearbyState, letter: char) -> NearbyState {
        let i = state.read + 1;
        let mut row = [FAR; BAND];
        for k in 0..BAND {
            // Cell (i, j): the first i letters read against the term's first j.
            let Some(j) = (i + k).checked_sub(MAX_EDITS) else {
                continue;
            };
            if j > self.term.len() {
                continue;
            }
            if j == 0 {
                row[k] = u8::try_from(i).unwrap_or(FAR).min(FAR);
                continue;
            }
            // (i-1, j) is cell k+1 of the row before; (i-1, j-1) cell k; (i, j-1) cell k-1.
            let mut best = FAR;
            if k + 1 < BAND {
                best = best.min(state.row[k + 1] + 1);
            }
            if k > 0 {
                best = best.min(row[k - 1] + 1);
            }
            best = best.min(state.row[k] + u8::from(letter != self.term[j - 1]));
            // Two neighbours swapped: (i-2, j-2) is cell k of the row two before.
            if i >= 2 && j >= 2 && letter == self.term[j - 2] && state.last == self.term[j - 1] {
                best = best.min(state.before[k] + 1);
            }
            row[k] = best.min(FAR);
        }
        let allowed = if i == 1 && self.term.first() != Some(&letter) {
            state.allowed.min(1)
        } else {
            state.allowed
        };
        NearbyState {
            read: i,
            row,
            before: state.row,
            last: letter,
            allowed,
            partial: 0,
            missing: 0,
        }
    }
}

impl Automaton for Nearby {
    type State = NearbyState;

    fn start(&self) -> NearbyState {
        // Nothing read: j letters of the term are j edits away.
        let mut row = [FAR; BAND];
        for (k, cell) in row.iter_mut().enumerate().skip(MAX_EDITS) {
            if k - MAX_EDITS <= self.term.len() {
                *cell = (k - MAX_EDITS) as u8;
            }
        }
        NearbyState {
            read: 0,
            row,
            before: [FAR; BAND],
            last: '\0',
            allowed: self.distance,
            partial: 0,
            missing: 0,
        }
    }

    fn is_match(&self, state: &NearbyState) -> bool {
        // The empty key lacks the term's first letter too.
        let allowed = if state.read == 0 && !self.term.is_empty() {
            state.allowed.min(1)
        } else {
            state.allowed
        };
        let k = (self.term.len() + MAX_EDITS).checked_sub(state.read);
        state.missing == 0 && k.is_some_and(|k| k < BAND && state.row[k] <= allowed)
    }

    fn can_match(&self, state: &NearbyState) -> bool {
        state.row.iter().any(|&d| d <= state.allowed)
    }

    fn accept(&self, state: &NearbyState, byte: u8) -> NearbyState {
        // Terms are UTF-8: a letter is stepped on once its last byte is read.
        let (code, missing) = match byte {
            0x80..=0xbf if state.missing > 0 => (
                state.partial << 6 | u32::from(byte & 0x3f),
                state.missing - 1,
            ),
            0xc0..=0xdf => (u32::from(byte & 0x1f), 1),
            0xe0..=0xef => (u32::from(byte & 0x0f), 2),
            0xf0..=0xf7 => (u32::from(byte & 0x07), 3),
            _ => (u32::from(byte), 0),
        };
        if missing > 0 {
            return NearbyState {
                partial: code,
                missing,
                ..state.clone()
            };
        }
        self.step(
            state,
            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
        )
    }
}

/// Articles read for the ways a term is written.
const WRITTEN_IN: usize = 4;

/// How articles write the word whose analysed form is `term`, the form closest to `typed`:
/// read in the few articles with the lowest ids that hold it, so the choice depends on the
/// archive alone, never on how its segments fell or which article scored first.
fn surface_form(
    searcher: &Searcher,
    open: &OpenIndex,
    term: &str,
    typed: &str,
) -> Result<Option<String>> {
    let f = &open.fields;
    let mut forms: Vec<String> = Vec::new();
    for field in [f.title, f.body] {
        let q = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::Basic);
        let first = TopDocs::with_limit(WRITTEN_IN)
            .order_by_fast_field::<u64>(crate::schema::ID, tantivy::Order::Asc);
        for (_, address) in searcher.search(&q, &first)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(text) = doc.get_first(field).and_then(|v| v.as_str()) else {
                continue;
            };
            let mut analyzer = open.index.tokenizer_for_field(field)?;
            let mut tokens = analyzer.token_stream(text);
            while tokens.advance() {
                let t = tokens.token();
                if t.text == term {
                    if let Some(surface) = text.get(t.offset_from..t.offset_to) {
                        forms.push(surface.to_string());
                    }
                }
            }
        }
        if !forms.is_empty() {
            break;
        }
    }
    Ok(forms
        .into_iter()
        .min_by_key(|form| (closeness(typed, &form.to_lowercase()), form.clone())))
}

/// How close `candidate` is to `typed`, smallest best: fewer edits, then more of the typed
/// letters kept in order (`tankr` is nearer `tanker`, which keeps all five, than `tanks`).
fn closeness(typed: &str, candidate: &str) -> (usize, std::cmp::Reverse<usize>) {
    (
        strsim::osa_distance(typed, candidate),
        std::cmp::Reverse(kept_letters(typed, candidate)),
    )
}

/// The length of the longest run of letters `a` and `b` share in the same order.
fn kept_letters(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row = vec![0usize; b.len() + 1];
    for ca in a.chars() {
        let mut diagonal = 0;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Candidates examined closely (how articles write them), the closest stems first.
const SHORTLIST: usize = 8;

/// The best replacement for `word` (analysed: `term`, in `df` articles), as articles write
/// it. Stems are compared first (so `cofee` reaches `coffee`), then the written forms, so a
/// frequent stem one edit away (`come`) does not beat the word that is spelt closest. The
/// closest wins, then the more frequent, then the first in alphabetical order: the same
/// archive always gets the same suggestion.
fn best_correction(
    searcher: &Searcher,
    open: &OpenIndex,
    fields: &[Field],
    term: &str,
    word: &str,
    df: u64,
) -> Result<Option<String>> {
    let max_distance = if term.chars().count() >= 5 { 2 } else { 1 };
    let mut candidates: Vec<(String, u64)> = neighbours(searcher, fields, term, max_distance)?
        .into_iter()
        .filter(|(_, n)| df == 0 || *n >= RARE_RATIO * df)
        .collect();
    candidates.sort_by_cached_key(|(c, n)| (closeness(term, c), std::cmp::Reverse(*n), c.clone()));
    candidates.truncate(SHORTLIST);
    let typed = word.to_lowercase();
    let mut best: Option<(_, std::cmp::Reverse<u64>, String)> = None;
    for (candidate, n) in candidates {
        let surface = surface_form(searcher, open, &candidate, &typed)?.unwrap_or(candidate);
        let key = (
            closeness(&typed, &surface.to_lowercase()),
            std::cmp::Reverse(n),
            surface,
        );
        if best.as_ref().is_none_or(|b| key < *b) {
            best = Some(key);
        }
    }
    Ok(best.map(|(_, _, s)| s))
}

/// Writes `word` in the case style of `like`: UPPER, Capitalised or lower.
fn in_style_of(word: &str, like: &str) -> String {
    let letters: Vec<char> = like.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        word.to_uppercase()
    } else if letters.first().is_some_and(|c| c.is_uppercase()) {
        let lower = word.to_lowercase();
        let mut cs = lower.chars();
        cs.next()
            .map(|c| c.to_uppercase().chain(cs).collect())
            .unwrap_or_default()
    } else {
        word.to_lowercase()
    }
}

/// A corrected query, or None when nothing needs correcting; asked for only when the query
/// found almost nothing. Words no article contains are corrected, and so are rare words
/// that have a far more common neighbour (`thad` -> `THAAD`).
pub fn suggest(searcher: &Searcher, open: &OpenIndex, query: &str) -> Result<Option<String>> {
    let Some(words) = plain_words(query) else {
        return Ok(None);
    };
    let fields = [open.fields.title, open.fields.body];
    let mut changed = false;
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        let Some(term) = analyzed(open, open.fields.body, word) else {
            out.push(word.to_string());
            continue;
        };
        // Short words have too many neighbours to guess from.
        let df = doc_freq(searcher, &fields, &term)?;
        let suspect = df < SUGGEST_BELOW as u64;
        if term.chars().count() < 3 || !suspect {
            out.push(word.to_string());
            continue;
        }
        match best_correction(searcher, open, &fields, &term, word, df)? {
            Some(surface) => {
                out.push(in_style_of(&surface, word));
                changed = true;
            }
            None => out.push(word.to_string()),
        }
    }
    Ok(changed.then(|| out.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::{in_style_of, Nearby};
    use tantivy_fst::Automaton;

    /// Whether `nearby` accepts `key`, checking on the way that no prefix of an accepted
    /// key was given up on.
    fn accepts(nearby: &Nearby, key: &str) -> bool {
        let mut state = nearby.start();
        let mut alive = true;
        for &b in key.as_bytes() {
            alive &= nearby.can_match(&state);
            state = nearby.accept(&state, b);
        }
        let matched = nearby.is_match(&state);
        assert!(!matched || alive, "{key} pruned early");
        matched
    }

    proptest::proptest! {
        #[test]
        fn nearby_accepts_what_the_edit_distance_allows(
            term in "[abcé]{0,7}",
            key in "[abcé]{0,9}",
            distance in 1u8..=2,
        ) {
            let edits = strsim::osa_distance(&term, &key);
            let same_start = term.chars().next() == key.chars().next();
            let allowed = if same_start { usize::from(distance) } else { 1 };
            proptest::prop_assert_eq!(
                accepts(&Nearby::new(&term, distance), &key),
                edits <= allowed
            );
        }
    }

    #[test]
    fn case_follows_the_user() {
        assert_eq!(in_style_of("Thaad", "THADD"), "THAAD");
        assert_eq!(in_style_of("korea", "Korae"), "Korea");
        assert_eq!(in_style_of("Korea", "korae"), "korea");
    }
}
