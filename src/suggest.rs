//! "Did you mean": corrections for misspelt query words, drawn from the index's own terms.
//!
//! Each plain word of the query that no article contains is matched against the terms of the
//! title and body fields with tantivy's Levenshtein automaton (distance 1 first, then 2);
//! the most frequent candidate wins. Terms are stemmed, so the suggestion shows the word as
//! an article actually writes it, in the case style the user typed.

use std::collections::HashMap;

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::query::{FuzzyTermQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

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

/// Terms within `distance` edits of `term`, with their document frequency.
fn neighbours(
    searcher: &Searcher,
    fields: &[Field],
    term: &str,
    distance: u8,
) -> Result<HashMap<String, u64>> {
    let mut found: HashMap<String, u64> = HashMap::new();
    for &field in fields {
        let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, term), distance, true);
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(field)?;
            let mut stream = index.terms().search(fuzzy.automaton()?).into_stream()?;
            while stream.advance() {
                let key = String::from_utf8_lossy(stream.key()).into_owned();
                *found.entry(key).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    found.remove(term);
    Ok(found)
}

/// How an article writes the word whose analysed form is `term`.
fn surface_form(searcher: &Searcher, open: &OpenIndex, term: &str) -> Result<Option<String>> {
    let f = &open.fields;
    for field in [f.title, f.body] {
        let q = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::Basic);
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = top.first() else {
            continue;
        };
        let doc: TantivyDocument = searcher.doc(*address)?;
        let Some(text) = doc.get_first(field).and_then(|v| v.as_str()) else {
            continue;
        };
        let mut analyzer = open.index.tokenizer_for_field(field)?;
        let mut found = None;
        analyzer.token_stream(text).process(&mut |t| {
            if found.is_none() && t.text == term {
                found = Some(text[t.offset_from..t.offset_to].to_string());
            }
        });
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Candidates examined closely (surface form, true edit distance), most frequent first.
const SHORTLIST: usize = 8;

/// The best replacement for `word` (analysed: `term`, in `df` articles), as articles write
/// it. Stems are compared first (so `cofee` reaches `coffee`), then the written forms, so a
/// frequent stem one edit away (`come`) does not beat the word that is spelt closest.
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
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    candidates.truncate(SHORTLIST);
    let typed = word.to_lowercase();
    let mut best: Option<(usize, u64, String)> = None;
    for (candidate, n) in candidates {
        let surface = surface_form(searcher, open, &candidate)?.unwrap_or(candidate);
        let distance = strsim::osa_distance(&typed, &surface.to_lowercase());
        let better = match &best {
            None => true,
            Some((d, m, _)) => distance < *d || (distance == *d && n > *m),
        };
        if better {
            best = Some((distance, n, surface));
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
    use super::in_style_of;

    #[test]
    fn case_follows_the_user() {
        assert_eq!(in_style_of("Thaad", "THADD"), "THAAD");
        assert_eq!(in_style_of("korea", "Korae"), "Korea");
        assert_eq!(in_style_of("Korea", "korae"), "korea");
    }
}
