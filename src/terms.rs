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

/// The `n` articles with the lowest sampling keys (all when there are no more than `n`),
/// in store order.
fn sample(mut keyed: Vec<(u64, DocAddress)>, n: usize) -> Vec<DocAddress> {
    if keyed.len() > n {
        if n == 0 {
            return Vec::new();
        }
        keyed.select_nth_unstable(n - 1);
        keyed.truncate(n);
    }
    let mut addresses: Vec<DocAddress> = keyed.into_iter().map(|k| k.1).collect();
    addresses.sort_unstable();
    addresses
}

/// Articles read together for the archive's sample: neighbours in the store share its
/// compressed blocks, so a run costs about one block's decompression where as many
/// articles picked one by one would cost one each.
const RUN: u32 = 16;

/// About `n` articles of the archive outside `skip`, in store order: every live article of
/// runs of [`RUN`] neighbours, the runs picked at random (by a hash of where they start,
/// so the same archive gives the same sample). A random sample of runs rather than of
/// articles: each run's articles are of one time, but every article is as likely to be read.
fn sample_runs(
    searcher: &Searcher,
    n: usize,
    skip: &HashSet<DocAddress, RandomState>,
) -> Vec<DocAddress> {
    let mut runs: Vec<(u64, SegmentOrdinal, DocId)> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let ord = ord as SegmentOrdinal;
        for start in (0..segment.max_doc()).step_by(RUN as usize) {
            let at = (u64::from(ord) << 32) | u64::from(start);
            let key = xxhash_rust::xxh3::xxh3_64_with_seed(&at.to_le_bytes(), SAMPLE_SEED);
            runs.push((key, ord, start));
        }
    }
    runs.sort_unstable();
    let mut out = Vec::with_capacity(n + RUN as usize);
    for (_, ord, start) in runs {
        if out.len() >= n {
            break;
        }
        let segment = searcher.segment_reader(ord);
        let alive = segment.alive_bitset();
        for doc in start..(start + RUN).min(segment.max_doc()) {
            let address = DocAddress::new(ord, doc);
            if alive.is_none_or(|a| a.is_alive(doc)) && !skip.contains(&address) {
                out.push(address);
            }
        }
    }
    out.sort_unstable();
    out
}

/// Collects every match's address with its sampling key: a hash of the article's id, so a
/// sample is the same whatever the segments, and the same for the same query.
struct KeyedMatches;

struct KeyedSegment {
    ids: Column<u64>,
    segment: SegmentOrdinal,
    out: Vec<(u64, DocAddress)>,
}

impl Collector for KeyedMatches {
    type Fruit = Vec<(u64, DocAddress)>;
    type Child = KeyedSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<KeyedSegment> {
        Ok(KeyedSegment {
            ids: reader.fast_fields().u64(schema::ID)?,
            segment,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for KeyedSegment {
    type Fruit = Vec<(u64, DocAddress)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let id = self
            .ids
            .first(doc)
            .unwrap_or((u64::from(self.segment) << 32) | u64::from(doc));
        let key = xxhash_rust::xxh3::xxh3_64_with_seed(&id.to_le_bytes(), SAMPLE_SEED);
        self.out.push((key, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.out
    }
}

/// Two stems as one key.
fn pair_key(first: u32, second: u32) -> u64 {
    (u64::from(first) << 32) | u64::from(second)
}

fn pair_of(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

/// A form that is no term (a stop word, a number, ...).
const NOT_A_TERM: u32 = u32::MAX;

/// What makes a written form a term: its stem by the body's analyzer, unless it is a stop
/// word, a number, one letter or one of the query's own words.
#[derive(Clone)]
struct Stemmer {
    analyzer: TextAnalyzer,
    /// The query's own stems.
    query_stems: Arc<HashSet<String, RandomState>>,
    stop: Arc<HashSet<&'static str, RandomState>>,
}

impl Stemmer {
    /// The stem of `written`, or None when it is no term.
    fn stem(&mut self, written: &str) -> Option<String> {
        let lower = written.to_lowercase();
        if written.chars().nth(1).is_none()
            || written.bytes().all(|b| b.is_ascii_digit())
            || self.stop.contains(lower.as_str())
        {
            return None;
        }
        let mut stem = None;
        self.analyzer
            .token_stream(written)
            .process(&mut |t| stem = Some(t.text.clone()));
        stem.filter(|s| !self.query_stems.contains(s))
    }
}

/// The written forms met in the matches and the stems they have.
#[derive(Clone)]
struct Vocab {
    stemmer: Stemmer,
    forms: HashMap<Box<str>, u32, RandomState>,
    /// Per form: its stem, or [`NOT_A_TERM`].
    form_stem: Vec<u32>,
    /// Per form: how often it is written in the matches.
    form_uses: Vec<u32>,
    stems: HashMap<Box<str>, u32, RandomState>,
    stem_text: Vec<Box<str>>,
    /// How often each pair of forms is written next to each other in the matches (and
    /// whether joined by a hyphen).
    pair_forms: HashMap<(u64, bool), u32, RandomState>,
}

/// Where [`Counter`] finds the terms of the words it reads.
trait Lexicon {
    /// The form's number and its stem ([`NOT_A_TERM`] when it is no term).
    fn look_up(&mut self, written: &str) -> (u32, u32);
    /// A term written as `form`; `after`: the form before it and whether a hyphen joins
    /// them, when the two make a phrase that is counted.
    fn written(&mut self, form: u32, after: Option<(u32, bool)>);
}

/// Counts the terms of articles on a side of its own, one thread's share.
struct Counter<L> {
    lexicon: L,
    tokenizer: SimpleTokenizer,
    side: Side,
}

impl<L: Lexicon> Counter<L> {
    fn new(lexicon: L) -> Counter<L> {
        Counter {
            lexicon,
            tokenizer: SimpleTokenizer::default(),
            side: Side::default(),
        }
    }

    /// Counts the terms of one article's `text`; `only`: the phrases worth counting.
    fn count(&mut self, text: &str, only: Option<&HashSet<u64, RandomState>>) {
        let side = &mut self.side;
        let doc = side.articles;
        side.articles += 1;
        let mut stream = self.tokenizer.token_stream(text);
        let mut previous: Option<(u32, u32, usize)> = None;
        while stream.advance() {
            let token = stream.token();
            let (form, stem) = self
                .lexicon
                .look_up(&text[token.offset_from..token.offset_to]);
            if stem == NOT_A_TERM {
                previous = None;
                continue;
            }
            side.see_stem(stem, doc);
            let mut after = None;
            if let Some((first, first_form, end)) = previous {
                let between = &text[end..token.offset_from];
                if joins(between) {
                    let key = pair_key(first, stem);
                    if only.is_none_or(|o| o.contains(&key)) {
                        side.see_pair(key, doc);
                        after = Some((first_form, between.contains('-')));
                    }
                }
            }
            self.lexicon.written(form, after);
            previous = Some((stem, form, token.offset_to));
        }
    }
}

impl Lexicon for Vocab {
    fn look_up(&mut self, written: &str) -> (u32, u32) {
        let form = self.form(written);
        (form, self.form_stem[form as usize])
    }

    fn written(&mut self, form: u32, after: Option<(u32, bool)>) {
        self.form_uses[form as usize] += 1;
        if let Some((first, hyphen)) = after {
            *self
                .pair_forms
                .entry((pair_key(first, form), hyphen))
                .or_default() += 1;
        }
    }
}

/// The matches' vocabulary, read by every thread that counts the background: only the
/// matches' terms are counted there, so a word the matches never had is no term, and a
/// form they never wrote is stemmed once per thread.
struct Known<'a> {
    vocab: &'a Vocab,
    stemmer: Stemmer,
    /// Forms the matches never wrote, with their stems.
    unseen: HashMap<Box<str>, u32, RandomState>,
}

impl<'a> Known<'a> {
    fn new(vocab: &'a Vocab) -> Known<'a> {
        Known {
            vocab,
            stemmer: vocab.stemmer.clone(),
            unseen: HashMap::default(),
        }
    }
}

impl Lexicon for Known<'_> {
    fn look_up(&mut self, written: &str) -> (u32, u32) {
        if let Some(&f) = self.vocab.forms.get(written) {
            return (f, self.vocab.form_stem[f as usize]);
        }
        if let Some(&stem) = self.unseen.get(written) {
            return (NOT_A_TERM, stem);
        }
        let stem = self
            .stemmer
            .stem(written)
            .and_then(|s| self.vocab.stems.get(s.as_str()).copied())
            .unwrap_or(NOT_A_TERM);
        self.unseen.insert(written.into(), stem);
        (NOT_A_TERM, stem)
    }

    fn written(&mut self, _form: u32, _after: Option<(u32, bool)>) {}
}

impl Vocab {
    fn new(open: &OpenIndex, query: &dyn Query) -> Result<Vocab> {
        let mut query_stems = HashSet::default();
        let text_fields = [open.fields.body, open.fields.title];
        query.query_terms(&mut |term, _| {
            if text_fields.contains(&term.field()) {
                if let Some(text) = term.value().as_str() {
                    query_stems.insert(text.to_string());
                }
            }
        });
        Ok(Vocab {
            stemmer: Stemmer {
                // The body's own analyzer, so that stems are the index's terms.
                analyzer: open.index.tokenizer_for_field(open.fields.body)?,
                query_stems: Arc::new(query_stems),
                stop: Arc::new(STOP_WORDS.iter().copied().collect()),
            },
            forms: HashMap::default(),
            form_stem: Vec::new(),
            form_uses: Vec::new(),
            stems: HashMap::default(),
            stem_text: Vec::new(),
            pair_forms: HashMap::default(),
        })
    }

    /// The form's number, added with its stem when new.
    fn form(&mut self, written: &str) -> u32 {
        if let Some(&f) = self.forms.get(written) {
            return f;
        }
        let stem = match self.stemmer.stem(written) {
            Some(stem) => self.stem_number(stem.into()),
            None => NOT_A_TERM,
        };
        self.add_form(written.into(), stem)
    }

    fn add_form(&mut self, written: Box<str>, stem: u32) -> u32 {
        let f = self.form_stem.len() as u32;
        self.forms.insert(written, f);
        self.form_stem.push(stem);
        self.form_uses.push(0);
        f
    }

    /// The stem's number, added when new.
    fn stem_number(&mut self, stem: Box<str>) -> u32 {
        if let Some(&s) = self.stems.get(&stem) {
            return s;
        }
        let s = self.stem_text.len() as u32;
        self.stems.insert(stem.clone(), s);
        self.stem_text.push(stem);
        s
    }

    /// Adds what `other` counted on `its` side to this vocabulary and `side`, as if its
    /// articles had been counted here after those already counted: the forms and stems new
    /// here are numbered in the order `other` met them, so runs absorbed in store order give
    /// the numbers (and so the ties, and the answer) of one pass over every article.
    fn absorb(&mut self, side: &mut Side, other: Vocab, its: Side) {
        let stem_map: Vec<u32> = other
            .stem_text
            .into_iter()
            .map(|s| self.stem_number(s))
            .collect();
        let stem_of = |s: u32| {
            if s == NOT_A_TERM {
                NOT_A_TERM
            } else {
                stem_map[s as usize]
            }
        };
        let mut written: Vec<Box<str>> = vec![Box::default(); other.form_stem.len()];
        for (text, f) in other.forms {
            written[f as usize] = text;
        }
        let mut form_map = Vec::with_capacity(written.len());
        for (f, text) in written.into_iter().enumerate() {
            let here = match self.forms.get(&text) {
                Some(&here) => here,
                None => self.add_form(text, stem_of(other.form_stem[f])),
            };
            self.form_uses[here as usize] += other.form_uses[f];
            form_map.push(here);
        }
        for ((pair, hyphen), uses) in other.pair_forms {
            let (a, b) = pair_of(pair);
            let key = pair_key(form_map[a as usize], form_map[b as usize]);
            *self.pair_forms.entry((key, hyphen)).or_default() += uses;
        }
        side.add(its.renumbered(&stem_map));
    }

    /// Each stem's and each phrase's most common written form in the matches.
    fn best_forms(&self, wanted: &[Key]) -> Forms {
        let wanted_stems: HashSet<u32, RandomState> = wanted
            .iter()
            .filter_map(|k| match k {
                Key::Word(s) => Some(*s),
                Key::Phrase(_) => None,
            })
            .collect();
        let wanted_pairs: HashSet<u64, RandomState> = wanted
            .iter()
            .filter_map(|k| match k {
                Key::Phrase(p) => Some(*p),
                Key::Word(_) => None,
            })
            .collect();
        let mut by_form: Vec<&str> = vec![""; self.form_stem.len()];
        for (written, &f) in &self.forms {
            by_form[f as usize] = written;
        }
        // Ties go to the form with fewer capitals (a sentence's first word is capitalised
        // whatever it is), then to the one that sorts first: the answer does not depend on
        // hashing.
        fn rank(w: &str) -> (usize, &str) {
            (w.chars().filter(|c| c.is_uppercase()).count(), w)
        }
        let mut words: HashMap<u32, (u32, u32), RandomState> = HashMap::default();
        for (f, &written) in by_form.iter().enumerate() {
            let stem = self.form_stem[f];
            if !wanted_stems.contains(&stem) {
                continue;
            }
            let uses = self.form_uses[f] * if shouted(written) { 1 } else { 2 };
            let f = f as u32;
            let best = words.entry(stem).or_insert((uses, f));
            if uses > best.0 || (uses == best.0 && rank(written) < rank(by_form[best.1 as usize])) {
                *best = (uses, f);
            }
        }
        let mut phrases: HashMap<u64, (u32, (u64, bool)), RandomState> = HashMap::default();
        let text = |(k, hyphen): (u64, bool)| {
            let (a, b) = pair_of(k);
            (by_form[a as usize], by_form[b as usize], hyphen)
        };
        for (&forms, &uses) in &self.pair_forms {
            let (a, b) = pair_of(forms.0);
            let key = pair_key(self.form_stem[a as usize], self.form_stem[b as usize]);
            if !wanted_pairs.contains(&key) {
                continue;
            }
            let both_shouted = shouted(by_form[a as usize]) && shouted(by_form[b as usize]);
            let uses = uses * if both_shouted { 1 } else { 2 };
            let entry = phrases.entry(key).or_insert((uses, forms));
            if uses > entry.0 || (uses == entry.0 && text(forms) < text(entry.1)) {
                *entry = (uses, forms);
            }
        }
        let word_text = |f: u32| by_form.get(f as usize).copied().unwrap_or_default();
        Forms {
            words: words
                .into_iter()
                .map(|(stem, (_, f))| (stem, word_text(f).to_string()))
                .collect(),
            phrases: phrases
                .into_iter()
                .map(|(key, (_, (forms, hyphen)))| {
                    let (a, b) = pair_of(forms);
                    let joint = if hyphen { "-" } else { " " };
                    (key, format!("{}{joint}{}", word_text(a), word_text(b)))
                })
                .collect(),
        }
    }
}

/// Whether `written` is in capitals throughout (`LONDON`, `ICCO`). Such a form counts half
/// when choosing how a term is shown: datelines, headlines and tables shout words that
/// running text writes in lower case (`SILVER`), while an acronym is never written
/// otherwise and still wins.
fn shouted(written: &str) -> bool {
    written.chars().nth(1).is_some()
        && written.chars().all(|c| !c.is_lowercase())
        && written.chars().any(char::is_uppercase)
}

/// Whether two words with `between` them make a phrase: only spaces, at most one line
/// break (text wrapped in lines), or a hyphen.
fn joins(between: &str) -> bool {
    between.chars().all(|c| c == '-' || c.is_whitespace())
        && between.chars().filter(|&c| c == '\n').count() <= 1
        && between.chars().filter(|&c| c == '-').count() <= 1
}

/// The written forms terms are shown in.
struct Forms {
    words: HashMap<u32, String, RandomState>,
    phrases: HashMap<u64, String, RandomState>,
}

impl Forms {
    fn show(&self, key: Key) -> String {
        match key {
            Key::Word(stem) => self.words.get(&stem).cloned().unwrap_or_default(),
            Key::Phrase(pair) => self.phrases.get(&pair).cloned().unwrap_or_default(),
        }
    }
}

/// Document frequencies of stems and phrases in one set of articles.
#[derive(Default)]
struct Side {
    articles: u32,
    stem_df: Vec<u32>,
    /// The last article each stem was seen in, so each counts once per article.
    stem_last: Vec<u32>,
    /// Phrase -> (articles, the last article it was seen in).
    pairs: HashMap<u64, (u32, u32), RandomState>,
}

impl Side {
    fn see_stem(&mut self, stem: u32, doc: u32) {
        let i = stem as usize;
        if i >= self.stem_df.len() {
            self.stem_df.resize(i + 1, 0);
            self.stem_last.resize(i + 1, u32::MAX);
        }
        if self.stem_last[i] != doc {
            self.stem_last[i] = doc;
            self.stem_df[i] += 1;
        }
    }

    fn see_pair(&mut self, key: u64, doc: u32) {
        let entry = self.pairs.entry(key).or_insert((0, u32::MAX));
        if entry.1 != doc {
            *entry = (entry.0 + 1, doc);
        }
    }

    /// Adds the counts of `other`, whose articles are others than this side's, numbered
    /// after them.
    fn add(&mut self, other: Side) {
        let after = self.articles;
        self.articles += other.articles;
        if other.stem_df.len() > self.stem_df.len() {
            self.stem_df.resize(other.stem_df.len(), 0);
            self.stem_last.resize(other.stem_df.len(), u32::MAX);
        }
        for (i, df) in other.stem_df.into_iter().enumerate() {
            self.stem_df[i] += df;
        }
        for (i, last) in other.stem_last.into_iter().enumerate() {
            if last != u32::MAX {
                self.stem_last[i] = after + last;
            }
        }
        for (key, (df, last)) in other.pairs {
            let entry = self.pairs.entry(key).or_insert((0, u32::MAX));
            entry.0 += df;
            if last != u32::MAX {
                entry.1 = after + last;
            }
        }
    }

    /// This side with its stems numbered as `number` says.
    fn renumbered(self, number: &[u32]) -> Side {
        let mut out = Side {
            articles: self.articles,
            ..Side::default()
        };
        for (s, (df, last)) in self.stem_df.into_iter().zip(self.stem_last).enumerate() {
            if df == 0 {
                continue;
            }
            let i = number[s] as usize;
            if i >= out.stem_df.len() {
                out.stem_df.resize(i + 1, 0);
                out.stem_last.resize(i + 1, u32::MAX);
            }
            out.stem_df[i] = df;
            out.stem_last[i] = last;
        }
        out.pairs = self
            .pairs
            .into_iter()
            .map(|(key, counts)| {
                let (a, b) = pair_of(key);
                (pair_key(number[a as usize], number[b as usize]), counts)
            })
            .collect();
        out
    }
}

/// A word (its stem) or a phrase (its two stems).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Word(u32),
    Phrase(u64),
}

/// Candidate words and phrases with their value (a count or a score) and their count.
#[derive(Default)]
struct Lists {
    words: Vec<(u32, f64, u32)>,
    phrases: Vec<(u64, f64, u32)>,
}

impl Lists {
    /// The `limit` best terms, best first. A phrase found in at least [`ABSORB_SHARE`] of
    /// the articles that have one of its words stands for that word, which is then left out
    /// (of the phrases that could stand for a word, the one in most articles does). A
    /// phrase is left out when it holds a word another phrase stands for (`Coast sold`
    /// beside `Ivory Coast`), or when it stands for neither of its words and one of them
    /// ranks above it: it only restates that word.
    fn ranked(self, fg: &Side, limit: usize) -> Vec<(Key, f64, u32)> {
        let words_of = |pair: u64| -> Vec<u32> {
            let (a, b) = pair_of(pair);
            if a == b {
                vec![a]
            } else {
                vec![a, b]
            }
        };
        let stands_for = |w: u32, df: u32| -> bool {
            let word_df = fg.stem_df.get(w as usize).copied().unwrap_or(0);
            f64::from(df) >= ABSORB_SHARE * f64::from(word_df)
        };
        // Each word's phrase: the one in most articles of those that could stand for it.
        let mut owner: HashMap<u32, (u32, u64), RandomState> = HashMap::default();
        for &(pair, _, df) in &self.phrases {
            for w in words_of(pair) {
                if stands_for(w, df) {
                    let best = owner.entry(w).or_insert((df, pair));
                    if (df, std::cmp::Reverse(pair)) > (best.0, std::cmp::Reverse(best.1)) {
                        *best = (df, pair);
                    }
                }
            }
        }
        let mut all: Vec<(Key, f64, u32)> = self
            .words
            .iter()
            .filter(|w| !owner.contains_key(&w.0))
            .map(|&(stem, value, df)| (Key::Word(stem), value, df))
            .chain(
                self.phrases
                    .iter()
                    .filter(|p| {
                        words_of(p.0)
                            .iter()
                            .all(|w| owner.get(w).is_none_or(|o| o.1 == p.0))
                    })
                    .map(|&(pair, value, df)| (Key::Phrase(pair), value, df)),
            )
            .collect();
        all.sort_by(|x, y| y.1.total_cmp(&x.1).then(order(x.0).cmp(&order(y.0))));
        let mut shown_words: HashSet<u32, RandomState> = HashSet::default();
        let mut out = Vec::new();
        for (key, value, df) in all {
            if out.len() >= limit {
                break;
            }
            match key {
                Key::Word(stem) => {
                    shown_words.insert(stem);
                }
                Key::Phrase(pair) => {
                    let words = words_of(pair);
                    let stands = words.iter().any(|&w| stands_for(w, df));
                    if !stands && words.iter().any(|w| shown_words.contains(w)) {
                        continue;
                    }
                }
            }
            out.push((key, value, df));
        }
        out
    }
}

/// A fixed order among equal values.
fn order(key: Key) -> (u8, u64) {
    match key {
        Key::Word(s) => (0, u64::from(s)),
        Key::Phrase(p) => (1, p),
    }
}

/// Words left out of the lists: the Snowball project's English stop words, the pieces
/// contractions are split into (`don` of `don't`), the modal verbs, and the verbs every
/// news story reports with.
pub const STOP_WORDS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "would",
    "should",
    "could",
    "ought",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very", // Snowball's list ends here.
    "isn",
    "aren",
    "wasn",
    "weren",
    "hasn",
    "haven",
    "hadn",
    "doesn",
    "don",
    "didn",
    "won",
    "wouldn",
    "shan",
    "shouldn",
    "can",
    "cannot",
    "couldn",
    "mustn",
    "ll",
    "ve",
    "re",
    "will",
    "shall",
    "may",
    "might",
    "must",
    "said",
    "says",
    "say",
    "told",
    "also",
];

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
        Vocab {
            stemmer: Stemmer {
                analyzer: schema::text_analyzer(),
                query_stems: Arc::new(["cocoa".to_string()].into_iter().collect()),
                stop: Arc::new(STOP_WORDS.iter().copied().collect()),
            },
            forms: HashMap::default(),
            form_stem: Vec::new(),
            form_uses: Vec::new(),
            stems: HashMap::default(),
            stem_text: Vec::new(),
            pair_forms: HashMap::default(),
        }
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
