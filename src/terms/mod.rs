//! The words that characterise a set of matches (`dateline terms`): the words and two-word
//! phrases found in most of the articles a query counts (`frequent`), and those most
//! over-represented in them against a background (`distinctive`): the rest of the archive,
//! or the matches of another query (`--versus`).
//!
//! - Counts are document frequencies: in how many articles a term appears, not how often.
//! - Words are grouped by the stem the index gives them (the body field's own analyzer), and
//!   each is shown in its most common written form among the matches ("ICCO", "Ghana").
//!   Stop words, numbers, one-letter words and the query's own words are left out.
//! - A phrase is two such words next to each other with only spaces (or a hyphen) between
//!   them, so never across a sentence or a comma; it is shown in its most common form
//!   ("Ivory Coast").
//! - Distinctive terms are scored with Dunning's log-likelihood ratio (G²) on the 2×2 table
//!   of articles with and without the term, in the matches and in the background; only
//!   terms more common in the matches than in the background are listed, and only those in
//!   enough matching articles ([`min_articles`]).
//! - The matches' text is read from the store. Past [`SAMPLE_SIZE`] matches a uniform random
//!   sample is read, chosen by a hash of each article's id, so the same query on the same
//!   archive gives the same answer. A word's background count on the whole archive comes
//!   from the index's term dictionary; a phrase's, from a random sample of the background
//!   as large as the sample of the matches.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use foldhash::fast::RandomState;
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer, TokenStream, Tokenizer};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use crate::index_dir::OpenIndex;
use crate::query::{self, Filters};
use crate::ranking::Ranking;
use crate::schema;
use crate::stored;

mod count;
mod lists;
mod sample;
mod stop_words;

use count::*;
use lists::*;
use sample::*;
pub use stop_words::STOP_WORDS;

/// Most matching articles read; past this a random sample of this many is (as Media Cloud
/// samples up to 5,000 stories for its word lists).
pub const SAMPLE_SIZE: usize = 5_000;
/// Fewest background articles read for phrases, when the matches are fewer.
pub const MIN_BACKGROUND_SAMPLE: usize = 1_000;
/// Terms listed per list unless asked otherwise.
pub const DEFAULT_LIMIT: usize = 20;
/// Seeds the hash that orders articles for sampling: fixed, so samples are repeatable.
const SAMPLE_SEED: u64 = 0x7465_726d_735f_3236;
/// A phrase in at least this share of the articles that have one of its words stands for
/// that word (see [`Lists::ranked`]).
const ABSORB_SHARE: f64 = 0.75;

/// What `dateline terms` asks.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub query: String,
    /// The background's query; None for the whole archive.
    pub versus: Option<String>,
    pub filters: Filters,
    /// Terms per list.
    pub limit: usize,
}

/// One of the most frequent terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frequent {
    pub term: String,
    /// In how many matching articles (estimated from the sample when sampled).
    pub count: u64,
}

/// One of the most distinctive terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distinctive {
    pub term: String,
    /// Dunning's log-likelihood G² (over-represented terms only, so always positive).
    pub score: f64,
    /// In how many matching articles (estimated from the sample when sampled).
    pub matches: u64,
    /// In how many background articles (estimated from a sample for phrases, and for
    /// `--versus` past [`SAMPLE_SIZE`] articles).
    pub background: u64,
}

/// What `dateline terms --json` prints, keys in this order.
#[derive(Debug, Clone, Serialize)]
pub struct Terms {
    pub query: String,
    pub versus: Option<String>,
    /// Every article the query counts.
    pub matches: u64,
    /// Whether only a sample of them was read.
    pub sampled: bool,
    /// How many matching articles were read.
    pub sample: u64,
    /// The articles the matches are compared with: the archive (or the `--versus` matches)
    /// outside the matches.
    pub background_articles: u64,
    /// How many background articles were read (for phrases; every word of the archive's
    /// background comes from the index).
    pub background_sample: u64,
    pub frequent: Vec<Frequent>,
    pub distinctive: Vec<Distinctive>,
    #[serde(rename = "elapsed_ms", serialize_with = "millis")]
    pub elapsed: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

/// Dunning's log-likelihood ratio G² for a term in `a` of `n` articles of one set and `b`
/// of `m` of another: twice the sum of O·ln(O/E) over the 2×2 table (with the term or
/// not, in one set or the other). 0 when either set is empty.
pub fn log_likelihood(a: f64, n: f64, b: f64, m: f64) -> f64 {
    fn xlnx(x: f64) -> f64 {
        if x > 0.0 {
            x * x.ln()
        } else {
            0.0
        }
    }
    if n <= 0.0 || m <= 0.0 {
        return 0.0;
    }
    let total = n + m;
    let with = a + b;
    let g2 = 2.0
        * (xlnx(a) + xlnx(n - a) + xlnx(b) + xlnx(m - b) + xlnx(total)
            - xlnx(n)
            - xlnx(m)
            - xlnx(with)
            - xlnx(total - with));
    g2.max(0.0)
}

/// The fewest matching articles (of `read`) a distinctive term must be in: 3, or one in 200
/// of those read, so that a word of two articles does not top the list, and on a sample
/// the list is not led by sampling noise.
pub fn min_articles(read: u64) -> u64 {
    3.max(read.div_ceil(200))
}

/// Lists the terms that characterise the matches of `req.query` (with `req.filters`).
pub fn terms(searcher: &Searcher, open: &OpenIndex, req: &Request) -> Result<Terms> {
    let started = Instant::now();
    let built = query::build(
        &open.index,
        &open.fields,
        &req.query,
        &req.filters,
        &Ranking::default(),
    )?;
    let versus = req
        .versus
        .as_deref()
        .map(|v| {
            query::build(
                &open.index,
                &open.fields,
                v,
                &req.filters,
                &Ranking::default(),
            )
        })
        .transpose()?;
    let matches = searcher.search(&*built.count_query, &KeyedMatches)?;
    let in_matches: HashSet<DocAddress, RandomState> = matches.iter().map(|m| m.1).collect();
    let total = matches.len() as u64;
    let versus_matches: Vec<(u64, DocAddress)> = match &versus {
        Some(v) => searcher
            .search(&*v.count_query, &KeyedMatches)?
            .into_iter()
            .filter(|m| !in_matches.contains(&m.1))
            .collect(),
        None => Vec::new(),
    };
    let background_articles = match &versus {
        Some(_) => versus_matches.len() as u64,
        None => searcher.num_docs().saturating_sub(total),
    };
    let picked = sample(matches, SAMPLE_SIZE);
    let sampled = (picked.len() as u64) < total;

    // Each core counts a run of the matches on tables of its own, merged in store order.
    let fresh = Vocab::new(open, &*built.count_query)?;
    let runs = stored::fold_bodies(
        searcher,
        &open.fields,
        &picked,
        || Counter::new(fresh.clone()),
        |counter, body| counter.count(body, None),
    )?;
    let mut runs = runs.into_iter();
    let (mut vocab, mut fg) = match runs.next() {
        Some(first) => (first.lexicon, first.side),
        None => (fresh, Side::default()),
    };
    for run in runs {
        vocab.absorb(&mut fg, run.lexicon, run.side);
    }
    let read = fg.articles as u64;
    let min = min_articles(read);
    // The background's sample: as many articles as the matches', and at least
    // [`MIN_BACKGROUND_SAMPLE`] (every word's count on the whole archive comes from the
    // index; a phrase's cannot).
    let bg_size = picked.len().max(MIN_BACKGROUND_SAMPLE);
    let bg_sample = match &versus {
        Some(_) => sample(versus_matches, bg_size),
        None if read == 0 => Vec::new(),
        None => sample_runs(searcher, bg_size, &in_matches),
    };
    let mut bg = Side::default();
    if read > 0 && background_articles > 0 {
        let candidates: HashSet<u64, RandomState> = fg
            .pairs
            .iter()
            .filter(|(_, d)| u64::from(d.0) >= min)
            .map(|(k, _)| *k)
            .collect();
        let runs = stored::fold_bodies(
            searcher,
            &open.fields,
            &bg_sample,
            || Counter::new(Known::new(&vocab)),
            |counter, body| counter.count(body, Some(&candidates)),
        )?;
        for run in runs {
            bg.add(run.side);
        }
    }
    let scale = |count: u32| -> u64 {
        if read == 0 {
            0
        } else {
            (f64::from(count) * total as f64 / read as f64).round() as u64
        }
    };

    let mut frequent = Lists::default();
    for (stem, &df) in fg.stem_df.iter().enumerate() {
        if df > 0 {
            frequent.words.push((stem as u32, f64::from(df), df));
        }
    }
    // A phrase in one article only is not frequent.
    let twice = 2.min(fg.articles);
    for (&pair, &(df, _)) in &fg.pairs {
        if df >= twice {
            frequent.phrases.push((pair, f64::from(df), df));
        }
    }

    // A word's background count: from the index for the whole archive (less its estimated
    // count in the matches), or counted in the sample of the `--versus` matches.
    let archive_docs = searcher.num_docs() as f64;
    let mut distinct = Lists::default();
    let mut background_of: HashMap<Key, u64> = HashMap::new();
    let bg_read = bg.articles as f64;
    for (stem, &df) in fg.stem_df.iter().enumerate() {
        if u64::from(df) < min {
            continue;
        }
        let (b, m, shown) = if versus.is_some() {
            let b = f64::from(bg.stem_df.get(stem).copied().unwrap_or(0));
            (b, bg_read, scale_to(b, bg_read, background_articles))
        } else {
            let term = Term::from_field_text(open.fields.body, &vocab.stem_text[stem]);
            let in_archive = searcher.doc_freq(&term)? as f64;
            let b = (in_archive - scale(df) as f64).max(0.0);
            (b, archive_docs - total as f64, b.round() as u64)
        };
        if let Some(score) = over_represented(df, read, b, m) {
            distinct.words.push((stem as u32, score, df));
            background_of.insert(Key::Word(stem as u32), shown);
        }
    }
    for (&pair, &(df, _)) in &fg.pairs {
        if u64::from(df) < min {
            continue;
        }
        let b = f64::from(bg.pairs.get(&pair).map_or(0, |d| d.0));
        // Against the whole archive, a phrase's count in the background is estimated from
        // its sample, as a word's is known, so the two are scored alike; half an article is
        // added to what a sample counts, so that a phrase it missed is not taken as absent
        // from the archive.
        let (b_est, m) = if versus.is_some() {
            (b, bg_read)
        } else if (bg.articles as u64) < background_articles {
            (
                (b + 0.5) * background_articles as f64 / bg_read.max(1.0),
                background_articles as f64,
            )
        } else {
            (b, bg_read)
        };
        if let Some(score) = over_represented(df, read, b_est, m) {
            distinct.phrases.push((pair, score, df));
            background_of.insert(Key::Phrase(pair), scale_to(b, bg_read, background_articles));
        }
    }

    let frequent = frequent.ranked(&fg, req.limit);
    let distinctive = distinct.ranked(&fg, req.limit);
    let shown: Vec<Key> = frequent.iter().chain(&distinctive).map(|t| t.0).collect();
    let forms = vocab.best_forms(&shown);
    let frequent = frequent
        .into_iter()
        .map(|(key, _, df)| Frequent {
            term: forms.show(key),
            count: scale(df),
        })
        .collect();
    let distinctive = distinctive
        .into_iter()
        .map(|(key, score, df)| Distinctive {
            term: forms.show(key),
            score: (score * 10.0).round() / 10.0,
            matches: scale(df),
            background: background_of.get(&key).copied().unwrap_or(0),
        })
        .collect();
    Ok(Terms {
        query: req.query.clone(),
        versus: req.versus.clone(),
        matches: total,
        sampled,
        sample: read,
        background_articles,
        background_sample: bg.articles as u64,
        frequent,
        distinctive,
        elapsed: started.elapsed(),
    })
}

/// G² when the term is more common in the `a` of `n` than in the `b` of `m`, else None.
fn over_represented(a: u32, n: u64, b: f64, m: f64) -> Option<f64> {
    let (a, n) = (f64::from(a), n as f64);
    if n <= 0.0 || m <= 0.0 || a / n <= b / m {
        return None;
    }
    Some(log_likelihood(a, n, b, m))
}

/// `count` of `read` articles, as a count of `all`.
fn scale_to(count: f64, read: f64, all: u64) -> u64 {
    if read <= 0.0 {
        0
    } else {
        (count * all as f64 / read).round() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_likelihood_is_dunnings_g2() {
        // 2·Σ O·ln(O/E) over the table [[10, 90], [10, 990]], worked out by hand.
        assert!((log_likelihood(10.0, 100.0, 10.0, 1000.0) - 22.9078).abs() < 1e-3);
        // The same share in both sets says nothing.
        assert!(log_likelihood(5.0, 50.0, 50.0, 500.0).abs() < 1e-9);
        // Symmetric in the two sets, and 0 when one is empty.
        let g = log_likelihood(3.0, 40.0, 7.0, 400.0);
        assert!((g - log_likelihood(7.0, 400.0, 3.0, 40.0)).abs() < 1e-9);
        assert_eq!(log_likelihood(3.0, 40.0, 0.0, 0.0), 0.0);
        // More articles with the same shares: stronger evidence.
        assert!(
            log_likelihood(20.0, 200.0, 20.0, 2000.0) > log_likelihood(10.0, 100.0, 10.0, 1000.0)
        );
    }

    #[test]
    fn only_over_represented_terms_score() {
        assert!(over_represented(10, 100, 10.0, 1000.0).is_some());
        assert_eq!(over_represented(1, 100, 100.0, 1000.0), None);
        assert_eq!(over_represented(10, 100, 100.0, 1000.0), None);
        assert_eq!(over_represented(10, 0, 0.0, 1000.0), None);
    }

    #[test]
    fn few_articles_are_not_enough() {
        assert_eq!(min_articles(2), 3);
        assert_eq!(min_articles(129), 3);
        assert_eq!(min_articles(5_000), 25);
    }

    #[test]
    fn a_phrase_stands_for_the_word_it_almost_always_holds() {
        // Stems 0 "ivori", 1 "coast", 2 "ghana"; "ivory coast" in 9 of ivory's 10 articles.
        let fg = Side {
            articles: 20,
            stem_df: vec![10, 12, 8],
            ..Side::default()
        };
        let lists = Lists {
            words: vec![(0, 50.0, 10), (1, 30.0, 12), (2, 40.0, 8)],
            phrases: vec![(pair_key(0, 1), 45.0, 9), (pair_key(2, 1), 20.0, 3)],
        };
        let keys: Vec<Key> = lists.ranked(&fg, 10).into_iter().map(|r| r.0).collect();
        // "ivory" and "coast" give way to the phrase; "ghana coast" only restates "Ghana".
        assert_eq!(keys, [Key::Phrase(pair_key(0, 1)), Key::Word(2)]);
    }

    #[test]
    fn forms_in_capitals_throughout_are_shouted() {
        assert!(shouted("LONDON"));
        assert!(shouted("ICCO"));
        assert!(shouted("G7"));
        assert!(!shouted("London"));
        assert!(!shouted("A"));
        assert!(!shouted("1987"));
    }

    #[test]
    fn phrases_join_across_spaces_and_hyphens_only() {
        assert!(joins(" "));
        assert!(joins("\n"));
        assert!(joins("-"));
        assert!(!joins(", "));
        assert!(!joins(". "));
        assert!(!joins("\n\n"));
    }

    fn vocab() -> Vocab {
        Vocab::empty(
            schema::text_analyzer(),
            ["cocoa".to_string()].into_iter().collect(),
        )
    }

    const ARTICLES: [&str; 4] = [
        "Ivory Coast cocoa growers met the ICCO in London.",
        "Ghana and the Ivory Coast sold cocoa; buffer stock talks",
        "The buffer-stock rules: Ghana delegates, ICCO delegate",
        "London traders said Ivory Coast growers and Ghana",
    ];

    /// Every number, count and written form of `vocab` and `side`, by text.
    fn described(vocab: &Vocab, side: &Side) -> Vec<String> {
        let mut by_form = vec![""; vocab.form_stem.len()];
        for (text, &f) in &vocab.forms {
            by_form[f as usize] = text;
        }
        let stem = |s: u32| vocab.stem_text.get(s as usize).map_or("-", |t| t);
        let mut out: Vec<String> = by_form
            .iter()
            .enumerate()
            .map(|(f, w)| {
                let s = vocab.form_stem[f];
                format!("form {f} {w} {s} {} {}", stem(s), vocab.form_uses[f])
            })
            .collect();
        out.extend(
            side.stem_df
                .iter()
                .enumerate()
                .map(|(s, df)| format!("df {s} {df}")),
        );
        let mut pairs: Vec<String> = side
            .pairs
            .iter()
            .map(|(&k, &(df, _))| format!("pair {k} {df}"))
            .chain(
                vocab
                    .pair_forms
                    .iter()
                    .map(|(&(k, h), &n)| format!("forms {k} {h} {n}")),
            )
            .collect();
        pairs.sort();
        out.extend(pairs);
        out.push(format!("articles {}", side.articles));
        out
    }

    #[test]
    fn runs_counted_apart_and_absorbed_in_order_give_one_pass() {
        let mut one = Counter::new(vocab());
        for text in ARTICLES {
            one.count(text, None);
        }
        let fresh = vocab();
        let mut runs = Vec::new();
        for texts in ARTICLES.chunks(2) {
            let mut run = Counter::new(fresh.clone());
            for text in texts {
                run.count(text, None);
            }
            runs.push(run);
        }
        let (mut merged, mut side) = (fresh, Side::default());
        for run in runs {
            merged.absorb(&mut side, run.lexicon, run.side);
        }
        assert_eq!(
            described(&merged, &side),
            described(&one.lexicon, &one.side)
        );
        // The query's word is no term; "Ivory Coast" is in three articles.
        let ivory = merged.stems["ivori"];
        let coast = merged.stems["coast"];
        assert_eq!(side.pairs[&pair_key(ivory, coast)].0, 3);
        assert_eq!(merged.form_stem[merged.forms["cocoa"] as usize], NOT_A_TERM);
    }

    #[test]
    fn the_background_counts_only_the_matches_terms() {
        let mut matches = Counter::new(vocab());
        matches.count(ARTICLES[0], None);
        let vocab = matches.lexicon;
        let (ivory, coast) = (vocab.stems["ivori"], vocab.stems["coast"]);
        let only: HashSet<u64, RandomState> = [pair_key(ivory, coast)].into_iter().collect();
        let mut background = Counter::new(Known::new(&vocab));
        // "COAST" and "Growers" were never written in the matches, "Ghana" never met.
        background.count("IVORY COAST Growers in Ghana; ivory coast", Some(&only));
        let side = background.side;
        assert_eq!(side.articles, 1);
        assert_eq!(side.stem_df[coast as usize], 1);
        assert_eq!(side.stem_df[vocab.stems["grower"] as usize], 1);
        assert_eq!(side.pairs.len(), 1);
        assert_eq!(side.pairs[&pair_key(ivory, coast)].0, 1);
        assert!(!vocab.stems.contains_key("ghana"));
    }

    #[test]
    fn sides_add_up_article_counts() {
        let mut a = Side {
            articles: 1,
            ..Side::default()
        };
        a.see_stem(0, 0);
        a.see_pair(pair_key(0, 1), 0);
        let mut b = Side {
            articles: 2,
            ..Side::default()
        };
        b.see_stem(2, 0);
        b.see_stem(0, 1);
        b.see_pair(pair_key(0, 1), 1);
        a.add(b);
        assert_eq!(a.articles, 3);
        assert_eq!(a.stem_df, [2, 0, 1]);
        assert_eq!(a.pairs[&pair_key(0, 1)].0, 2);
        // Counting goes on after the articles added: article 3 counts stem 0 once more.
        a.articles += 1;
        a.see_stem(0, 3);
        a.see_stem(0, 3);
        assert_eq!(a.stem_df[0], 3);
    }

    #[test]
    fn samples_are_the_lowest_keys_in_store_order() {
        let at = |s, d| DocAddress::new(s, d);
        let keyed = vec![(5, at(0, 1)), (1, at(1, 0)), (3, at(0, 2)), (9, at(0, 0))];
        assert_eq!(sample(keyed.clone(), 2), [at(0, 2), at(1, 0)]);
        assert_eq!(sample(keyed, 10).len(), 4);
    }
}
