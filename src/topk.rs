//! The top k of a ranked plain query without scoring every article that matches it.
//!
//! A ranked query (`crude oil prices`) ORs its words, so it matches a large share of an
//! archive, and its all-words and proximity clauses keep tantivy from skipping any of
//! them: TopDocs scores every match, and checks the proximity phrase on every article
//! with all the words. Yet the top k are almost
//! always articles with every word, which the all-words tier lifts above the rest. So the
//! search runs in two passes over tantivy's own queries (see [`PruneParts`]):
//!
//! 1. the articles with every word, ranked by the ranked query's score without proximity;
//!    the proximity phrase is then checked on the best of them only, and the pass is widened
//!    until the last one, even with the proximity tier, stays below the k-th;
//! 2. the articles that lack a word score `words + title pairs`. Those with a title pair
//!    are scored one by one (or, when there are many, the bar below is lowered by the most
//!    their pairs add); of the rest, only those whose `words` beat the k-th best so far can
//!    enter, and block-max WAND finds them over the flat union of term queries, skipping
//!    the blocks that cannot.
//!
//! The articles, and their order, are the ranked query's own top k; each score is the
//! ranked query's up to float rounding (the same terms summed in another order, a few units
//! in the last place). Tests check both against scoring every match, and so does
//! `bench/src/bin/topk_check.rs` on a real archive. When pruning would not pay (fewer than k
//! articles have every word, or very many tie near the k-th) it says so, and the caller
//! scores every match.
//!
//! It pays most on two-word queries, less on three-word ones, and longer queries are not
//! pruned (see `ranking::MAX_PRUNED_WORDS`); the timings are in docs/BENCHMARKS.md.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use foldhash::fast::RandomState;

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, Scorer, Weight};
use tantivy::{DocAddress, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use crate::ranking::PruneParts;

/// Articles lacking a word that pass 2 may collect before scoring every match is cheaper.
const MAX_OTHERS: usize = 20_000;

/// Articles with a title pair that pass 2 scores one by one; beyond this many it bounds
/// what pairs add instead.
const ONE_BY_ONE: usize = 256;

/// Pass 1 asks for at most this many times k articles: copies of a story score the same,
/// so the k-th best can sit in a long run of equal scores; past that, checking proximity
/// on them all costs more than scoring every match.
const MAX_WIDEN: usize = 16;

/// How far two scores of the same article, summed in a different order, may differ.
fn tolerance(score: Score) -> Score {
    1e-3 * score.abs().max(1.0)
}

/// The top `k` articles by the ranked query's score (ties by address, as TopDocs orders
/// them), or None when the caller had better score every match.
pub fn top_k(
    searcher: &Searcher,
    prune: &PruneParts,
    k: usize,
) -> Result<Option<Vec<(Score, DocAddress)>>> {
    top_k_with(searcher, prune, k, ONE_BY_ONE)
}

/// [`top_k`], scoring articles with a title pair one by one up to `one_by_one` of them per
/// segment (tests run both ways).
#[doc(hidden)]
pub fn top_k_with(
    searcher: &Searcher,
    prune: &PruneParts,
    k: usize,
    one_by_one: usize,
) -> Result<Option<Vec<(Score, DocAddress)>>> {
    if k == 0 {
        return Ok(Some(Vec::new()));
    }
    let Some(mut hits) = all_words_pass(searcher, prune, k)? else {
        return Ok(None);
    };
    // With fewer than k articles having every word, pass 2 would start with no threshold
    // to prune by and visit most of what the words match (under a filter, most of it
    // filtered out): scoring the matches directly is as cheap.
    if hits.len() < k {
        return Ok(None);
    }
    let Some(others) = other_words_pass(searcher, prune, k, &hits, one_by_one)? else {
        return Ok(None);
    };
    hits.extend(others);
    sort(&mut hits);
    hits.truncate(k);
    Ok(Some(hits))
}

/// Pass 1: the articles with every word that could be in the top k, scored.
fn all_words_pass(
    searcher: &Searcher,
    prune: &PruneParts,
    k: usize,
) -> Result<Option<Vec<(Score, DocAddress)>>> {
    let disabled = EnableScoring::disabled_from_searcher(searcher);
    let near: Vec<Box<dyn Weight>> = prune
        .near
        .iter()
        .map(|q| q.weight(disabled))
        .collect::<tantivy::Result<_>>()?;
    let mut wanted = 2 * k + 50;
    loop {
        let found = searcher.search(
            &*prune.candidates,
            &TopDocs::with_limit(wanted).order_by_score(),
        )?;
        let complete = found.len() < wanted;
        let last = found.last().map_or(0.0, |(s, _)| *s);
        let mut hits = with_proximity(searcher, &near, prune.near_tier, found)?;
        sort(&mut hits);
        if complete {
            return Ok(Some(hits));
        }
        // Everything left out scores at most `last` plus the proximity tier.
        let kth = hits[k - 1].0;
        if last + prune.near_tier < kth - tolerance(kth) {
            return Ok(Some(hits));
        }
        if wanted >= MAX_WIDEN * k {
            return Ok(None);
        }
        wanted *= 4;
    }
}

/// `hits` with `tier` added to those that one of `near` matches.
fn with_proximity(
    searcher: &Searcher,
    near: &[Box<dyn Weight>],
    tier: Score,
    mut hits: Vec<(Score, DocAddress)>,
) -> Result<Vec<(Score, DocAddress)>> {
    if near.is_empty() || tier == 0.0 {
        return Ok(hits);
    }
    hits.sort_by_key(|(_, a)| *a);
    for group in hits.chunk_by_mut(|a, b| a.1.segment_ord == b.1.segment_ord) {
        let reader = searcher.segment_reader(group[0].1.segment_ord);
        let mut scorers = near
            .iter()
            .map(|w| w.scorer(reader, 1.0))
            .collect::<tantivy::Result<Vec<_>>>()?;
        for (score, address) in group.iter_mut() {
            if scorers
                .iter_mut()
                .any(|s| lands_on(&mut **s, address.doc_id))
            {
                *score += tier;
            }
        }
    }
    Ok(hits)
}

/// Whether `docset`, which only moves forward, holds `doc`.
fn lands_on(docset: &mut dyn DocSet, doc: u32) -> bool {
    let at = docset.doc();
    if at < doc {
        docset.seek(doc) == doc
    } else {
        at == doc
    }
}

/// The k best scores seen so far, and the score an article must beat to join them.
#[derive(Clone)]
struct Best {
    k: usize,
    heap: BinaryHeap<Reverse<Ordered>>,
}

impl Best {
    fn new(k: usize) -> Best {
        Best {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    /// Takes `score` in; returns the new threshold.
    fn keep(&mut self, score: Score) -> Score {
        self.heap.push(Reverse(Ordered(score)));
        if self.heap.len() > self.k {
            self.heap.pop();
        }
        self.threshold()
    }

    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(r) if self.heap.len() == self.k => r.0 .0 - tolerance(r.0 .0),
            _ => Score::MIN,
        }
    }
}

/// What pass 2 needs in every segment, built once.
struct OtherWords {
    /// Pass 1's articles. The sets below are consulted for every article the walk
    /// visits, so they hash with foldhash rather than SipHash.
    known: HashSet<DocAddress, RandomState>,
    pairs: Vec<Box<dyn Weight>>,
    terms: Vec<Box<dyn Weight>>,
    words: Box<dyn Weight>,
    filter: Option<Box<dyn Weight>>,
    /// The k best of pass 1: each segment starts from their threshold.
    best: Best,
    one_by_one: usize,
}

/// Pass 2: the articles lacking a word (or left out by pass 1) that could be in the top k,
/// scored as `words + pairs`: what the ranked query gives an article without every word.
/// Segments are walked on the index's search threads, each from pass 1's threshold: a
/// segment then prunes by what it has seen itself, never by another's finds, which skips a
/// little less but needs no lock, and gives the same top k.
fn other_words_pass(
    searcher: &Searcher,
    prune: &PruneParts,
    k: usize,
    hits: &[(Score, DocAddress)],
    one_by_one: usize,
) -> Result<Option<Vec<(Score, DocAddress)>>> {
    // An article whose `words` is at most the k-th of the best scores cannot make the top
    // k, unless a title pair adds to it: those few are scored first.
    let mut best = Best::new(k);
    for (score, _) in hits {
        best.keep(*score);
    }
    let enabled = EnableScoring::enabled_from_searcher(searcher);
    let weights = |queries: &[Box<dyn Query>]| {
        queries
            .iter()
            .map(|q| q.weight(enabled))
            .collect::<tantivy::Result<Vec<Box<dyn Weight>>>>()
    };
    let pass = OtherWords {
        known: hits.iter().map(|(_, a)| *a).collect(),
        pairs: weights(&prune.pairs)?,
        terms: weights(&prune.terms)?,
        words: BooleanQuery::new(
            prune
                .terms
                .iter()
                .map(|q| (Occur::Should, q.box_clone()))
                .collect(),
        )
        .weight(enabled)?,
        filter: match &prune.filter {
            Some(q) => Some(q.weight(EnableScoring::disabled_from_searcher(searcher))?),
            None => None,
        },
        best,
        one_by_one,
    };
    let found = searcher.index().search_executor().map(
        |(ord, reader)| pass.segment(ord as u32, reader),
        searcher.segment_readers().iter().enumerate(),
    )?;
    let mut others: Vec<(Score, DocAddress)> = Vec::new();
    for segment in found {
        let Some(segment) = segment else {
            return Ok(None);
        };
        others.extend(segment);
        if others.len() > MAX_OTHERS {
            return Ok(None);
        }
    }
    Ok(Some(others))
}

impl OtherWords {
    /// One segment's part of pass 2; None when it finds more than [`MAX_OTHERS`].
    fn segment(
        &self,
        ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<Option<Vec<(Score, DocAddress)>>> {
        let mut best = self.best.clone();
        let mut threshold = best.threshold();
        let mut others: Vec<(Score, DocAddress)> = Vec::new();
        let alive = reader.alive_bitset();
        // Docsets only move forward, and each of the two walks below goes through the
        // segment in increasing order: each has a filter cursor of its own.
        let filter_scorer = || -> tantivy::Result<Option<Box<dyn Scorer>>> {
            self.filter
                .as_ref()
                .map(|w| w.scorer(reader, 1.0))
                .transpose()
        };
        let wanted =
            |doc: u32, filter: &mut Option<Box<dyn Scorer>>, skip: &HashSet<u32, RandomState>| {
                alive.is_none_or(|a| a.is_alive(doc))
                    && !skip.contains(&doc)
                    && !self.known.contains(&DocAddress::new(ord, doc))
                    && filter.as_mut().is_none_or(|f| lands_on(&mut **f, doc))
            };
        // Articles with a title pair. A few are scored one by one (`words` summed term by
        // term) and left out of the walk below; when there are many, the walk lowers its
        // threshold by the most they add and adds each one's pairs as it meets them.
        let none = HashSet::default();
        let mut paired = pair_scores(reader, &self.pairs)?;
        let mut filter = filter_scorer()?;
        paired.retain(|(_, doc)| wanted(*doc, &mut filter, &none));
        let mut scored_here = HashSet::default();
        let mut pair_of: HashMap<u32, Score, RandomState> = HashMap::default();
        let mut lift = 0.0;
        if paired.len() <= self.one_by_one {
            let mut term_scorers = self
                .terms
                .iter()
                .map(|w| w.scorer(reader, 1.0))
                .collect::<tantivy::Result<Vec<_>>>()?;
            for (pair_score, doc) in paired {
                let mut score = 0.0;
                for scorer in term_scorers.iter_mut() {
                    if lands_on(&mut **scorer, doc) {
                        score += scorer.score();
                    }
                }
                score += pair_score;
                threshold = best.keep(score);
                others.push((score, DocAddress::new(ord, doc)));
                scored_here.insert(doc);
            }
        } else {
            lift = paired.iter().map(|(s, _)| *s).fold(0.0, Score::max);
            pair_of = paired.into_iter().map(|(s, d)| (d, s)).collect();
        }
        // The rest score `words` (plus their pairs): block-max WAND skips the blocks that
        // cannot reach the k-th.
        let mut filter = filter_scorer()?;
        self.words
            .for_each_pruning(threshold - lift, reader, &mut |doc, score| {
                if wanted(doc, &mut filter, &scored_here) {
                    let score = score + pair_of.get(&doc).copied().unwrap_or(0.0);
                    others.push((score, DocAddress::new(ord, doc)));
                    threshold = best.keep(score);
                }
                threshold - lift
            })?;
        Ok((others.len() <= MAX_OTHERS).then_some(others))
    }
}

/// The segment's articles matching any title pair, with the pairs' summed scores, in
/// increasing order.
fn pair_scores(
    reader: &SegmentReader,
    pairs: &[Box<dyn Weight>],
) -> tantivy::Result<Vec<(Score, u32)>> {
    let mut scores: Vec<(Score, u32)> = Vec::new();
    for pair in pairs {
        let mut scorer = pair.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            scores.push((scorer.score(), doc));
            doc = scorer.advance();
        }
    }
    // A stable sort keeps each article's pair scores in the pairs' order, the order the
    // ranked query sums them in.
    scores.sort_by_key(|(_, doc)| *doc);
    let mut out: Vec<(Score, u32)> = Vec::new();
    for (score, doc) in scores {
        match out.last_mut() {
            Some(last) if last.1 == doc => last.0 += score,
            _ => out.push((score, doc)),
        }
    }
    Ok(out)
}

/// Best first; equal scores by ascending address, as TopDocs orders them.
fn sort(hits: &mut [(Score, DocAddress)]) {
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
}

/// A score that can sit in a heap.
#[derive(Clone, PartialEq)]
struct Ordered(Score);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
