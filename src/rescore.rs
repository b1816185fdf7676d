//! Scoring the best matches of a plain query again, with what tantivy's BM25 cannot say.
//!
//! tantivy fixes BM25's k1 and b, sees only stemmed terms and knows nothing of an article's
//! shape. A topical search (`corn`, `copper`) then ranks market tables and one-line briefs
//! first, and `Corning` news with `corn`. The first pass ranks as `ranking` says, pruned by
//! tantivy as before; its best [`Rescore::depth`] matches are then scored again from the
//! index's own postings, field lengths and statistics (see [`Rescore`]), and re-sorted; a
//! subject of two words also counts how often they stand together in the body.
//! A subject search of a word or two then learns from its own best results ([`feedback`]):
//! the words their bodies share are scored over the same matches and added.

use std::collections::HashMap;

use anyhow::Result;
use foldhash::fast::RandomState;
use tantivy::columnar::Column;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings, TermInfo};
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Value;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocAddress, DocSet, Score, Searcher, SegmentReader, TantivyDocument, Term, TERMINATED,
};

use crate::ranking::{Rescore, BM25_B, BM25_K1};
use crate::schema;
use crate::tabular;

/// BM25's inverse document frequency, as tantivy computes it.
fn idf(doc_freq: u64, docs: u64) -> f32 {
    let x = (docs.saturating_sub(doc_freq) as f32 + 0.5) / (doc_freq as f32 + 0.5);
    (1.0 + x).ln()
}

/// BM25's term-frequency part, `tf (k1 + 1) / (tf + k1 (1 - b + b len / avg))`.
fn saturate(tf: f32, len: f32, avg: f32, k1: f32, b: f32) -> f32 {
    saturate_at(tf, k1, length_part(len, avg, k1, b))
}

/// The part of BM25's denominator that depends on the article, not the term:
/// `k1 (1 - b + b len / avg)`.
fn length_part(len: f32, avg: f32, k1: f32, b: f32) -> f32 {
    k1 * (1.0 - b + b * len / avg.max(1e-6))
}

/// [`saturate`] with the article's [`length_part`] computed once for all its terms.
fn saturate_at(tf: f32, k1: f32, length: f32) -> f32 {
    if tf <= 0.0 {
        return 0.0;
    }
    tf * (k1 + 1.0) / (tf + length)
}

/// Collection statistics of the fields rescoring reads.
struct Stats {
    docs: u64,
    avg_title: f32,
    avg_body: f32,
}

impl Stats {
    /// The statistics tantivy's BM25 reads, from the searcher as its own weights take them.
    fn of(searcher: &Searcher, r: &Rescore) -> Result<Stats> {
        let docs = searcher.total_num_docs()?;
        Ok(Stats {
            docs,
            avg_title: average_length(searcher, r.title_field, docs)?,
            avg_body: average_length(searcher, r.body_field, docs)?,
        })
    }
}

/// The average length of `field` over `docs` documents, in tokens.
fn average_length(searcher: &Searcher, field: Field, docs: u64) -> Result<f32> {
    Ok(searcher.total_num_tokens(field)? as f32 / docs.max(1) as f32)
}

/// Per word: the idf of its title and body terms.
struct WordStats {
    title_idf: f32,
    body_idf: f32,
}

/// `hits` (the first pass's best, with their scores) scored again and sorted best first,
/// ties by address as TopDocs orders them.
pub fn rescore(
    searcher: &Searcher,
    r: &Rescore,
    mut hits: Vec<(Score, DocAddress)>,
) -> Result<Vec<(Score, DocAddress)>> {
    let stats = Stats::of(searcher, r)?;
    let df = |t: &Option<Term>| -> Result<u64> {
        Ok(match t {
            Some(t) => searcher.doc_freq(t)?,
            None => 0,
        })
    };
    let words: Vec<WordStats> = r
        .words
        .iter()
        .map(|w| {
            Ok(WordStats {
                title_idf: idf(df(&w.title)?, stats.docs),
                body_idf: idf(df(&w.body)?, stats.docs),
            })
        })
        .collect::<Result<_>>()?;
    hits.sort_by_key(|(_, a)| *a);
    for group in hits.chunk_by_mut(|a, b| a.1.segment_ord == b.1.segment_ord) {
        let reader = searcher.segment_reader(group[0].1.segment_ord);
        let mut segment = Segment::open(reader, r)?;
        for (score, address) in group.iter_mut() {
            *score = segment.score(*score, address.doc_id, r, &stats, &words);
        }
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(hits)
}

/// A term that may expand a query: its weight in the relevance model times its idf, both
/// of those, and its term info in each segment (for reading its postings).
struct Candidate {
    rank: f32,
    weight: f32,
    idf: f32,
    term: Term,
    infos: Vec<Option<TermInfo>>,
}

/// A feedback body's lead as cut into terms: its length in tokens, and the numbers of the
/// terms that may expand the query with how often it holds each, in the order met.
struct Lead {
    text: String,
    len: u32,
    terms: Vec<(u32, u32)>,
}

/// Scored matches, as rescoring takes and gives them.
pub type Hits = Vec<(Score, DocAddress)>;

/// How many candidate terms per expansion term have their document frequency looked up.
const LOOKED_UP_PER_TERM: usize = 4;

/// How much of each feedback body is read into the relevance model: a news story says what
/// it is about in its first paragraphs, and a long one would cost its whole length in
/// tokenizing for words its lead already holds.
const FEEDBACK_BYTES: usize = 2000;

/// Whether a body term may expand a query: numbers and single letters mark no subject.
fn expands(term: &str) -> bool {
    term.len() >= 2 && !term.bytes().any(|b| b.is_ascii_digit())
}

/// Pseudo-relevance feedback (RM3): `hits` (rescored, best first) scored again with the
/// words that mark their best few (see [`Expansion`]), and the expansion, which scores any
/// other match of the query as it scored these; None when there is nothing to expand with.
pub fn feedback(
    searcher: &Searcher,
    r: &Rescore,
    hits: Vec<(Score, DocAddress)>,
) -> Result<(Hits, Option<Expansion>)> {
    match expand(searcher, r, &hits)? {
        Some((e, scores)) => Ok((e.combine(hits, scores), Some(e))),
        None => Ok((hits, None)),
    }
}

/// The words that mark a subject search's best rescored matches, and how much they count.
///
/// A subject search of a word or two says little; the stories about the subject share more
/// (`cocoa`: `ICCO`, `buffer stock`, `tonnes`), and a story that names the subject only
/// once, or a company named with the word, is told apart by them. The bodies of the best
/// `feedback_docs` ([`crate::ranking::Topical`]) are read from the store and cut into terms
/// by the body's own analyzer; each term's weight is its share of each body, summed with the
/// body's share of their scores (the relevance model). The `feedback_terms` terms found in
/// at least two of them with the highest weight times idf form the expansion, whose BM25
/// (the rescoring's k1 and b), weighted by the model, is computed from the postings; the new
/// score is `feedback_weight` of the old plus the rest of the expansion's, scaled so that
/// the best of each over the rescored matches is the same.
pub struct Expansion {
    /// (share of the relevance model, idf, body term)
    terms: Vec<(f32, f32, Term)>,
    body_field: Field,
    avg_body: f32,
    k1: f32,
    b: f32,
    /// What the expansion's BM25 is multiplied by, so that the best of it over the rescored
    /// matches equals their best score.
    scale: f32,
    keep: f32,
}

/// The expansion of the query rescored as `r` says, from its rescored matches `hits` (best
/// first), with its BM25 of each of them; None when there is nothing to expand with.
fn expand(
    searcher: &Searcher,
    r: &Rescore,
    hits: &[(Score, DocAddress)],
) -> Result<Option<(Expansion, Vec<f32>)>> {
    let k = r.topical.feedback_docs.min(hits.len());
    if k < 2 || r.topical.feedback_terms == 0 || r.topical.feedback_weight >= 1.0 {
        return Ok(None);
    }
    let mut analyzer = searcher.index().tokenizer_for_field(r.body_field)?;
    let query: Vec<String> = r
        .words
        .iter()
        .filter_map(|w| w.body.as_ref()?.value().as_str().map(str::to_string))
        .collect();
    let total: f32 = hits[..k].iter().map(|h| h.0.max(0.0)).sum();
    if total <= 0.0 {
        return Ok(None);
    }
    // Each term met is numbered once, in the order met; per number: its weight in the
    // relevance model and how many of the k bodies hold it, and how often the lead being
    // cut into terms holds it (`held`: the numbers it holds, in the order met). Counting by
    // number hashes and copies each term once, not once per body.
    let mut numbers: HashMap<String, u32, RandomState> = HashMap::default();
    let mut model: Vec<(f32, u32)> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    let mut held: Vec<u32> = Vec::new();
    // The leads read so far: copies of one story (an archive holds many) are cut into
    // terms once.
    let mut leads: Vec<Lead> = Vec::new();
    for &(score, address) in &hits[..k] {
        let doc: TantivyDocument = searcher.doc(address)?;
        let Some(body) = doc.get_first(r.body_field).and_then(|v| v.as_str()) else {
            continue;
        };
        let body = &body[..body.floor_char_boundary(FEEDBACK_BYTES)];
        let seen = match leads.iter().position(|lead| lead.text == body) {
            Some(i) => i,
            None => {
                let mut len = 0u32;
                analyzer.token_stream(body).process(&mut |t| {
                    len += 1;
                    let n = match numbers.get(t.text.as_str()) {
                        Some(&n) => n,
                        None if expands(&t.text) => {
                            let n = model.len() as u32;
                            numbers.insert(t.text.clone(), n);
                            model.push((0.0, 0));
                            counts.push(0);
                            n
                        }
                        None => return,
                    };
                    let count = &mut counts[n as usize];
                    if *count == 0 {
                        held.push(n);
                    }
                    *count += 1;
                });
                let terms = held
                    .drain(..)
                    .map(|n| (n, std::mem::take(&mut counts[n as usize])))
                    .collect();
                leads.push(Lead {
                    text: body.to_string(),
                    len,
                    terms,
                });
                leads.len() - 1
            }
        };
        let lead = &leads[seen];
        let share = score.max(0.0) / total / lead.len.max(1) as f32;
        for &(n, count) in &lead.terms {
            let entry = &mut model[n as usize];
            entry.0 += share * count as f32;
            entry.1 += 1;
        }
    }
    let docs = searcher.total_num_docs()?;
    // Only the terms that weigh most in the model are looked up (one term dictionary
    // lookup each): a term outside them could only rank among the best by a rare idf.
    let mut candidates: Vec<(String, f32)> = numbers
        .into_iter()
        .map(|(text, n)| (text, model[n as usize]))
        .filter(|(text, (_, held))| *held >= 2 && !query.contains(text))
        .map(|(text, (weight, _))| (text, weight))
        .collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    candidates.truncate(r.topical.feedback_terms.saturating_mul(LOOKED_UP_PER_TERM));
    let inverted = searcher
        .segment_readers()
        .iter()
        .map(|s| s.inverted_index(r.body_field))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut terms: Vec<Candidate> = Vec::new();
    for (text, weight) in candidates {
        let term = Term::from_field_text(r.body_field, &text);
        // Per segment, as `Searcher::doc_freq` sums them; kept to read the postings.
        let infos = inverted
            .iter()
            .map(|i| i.get_term_info(&term))
            .collect::<std::io::Result<Vec<_>>>()?;
        let doc_freq: u64 = infos.iter().flatten().map(|i| u64::from(i.doc_freq)).sum();
        let idf = idf(doc_freq, docs);
        terms.push(Candidate {
            rank: weight * idf,
            weight,
            idf,
            term,
            infos,
        });
    }
    // Ties by term, so that the expansion does not depend on the hash map's order.
    terms.sort_by(|a, b| b.rank.total_cmp(&a.rank).then_with(|| a.term.cmp(&b.term)));
    terms.truncate(r.topical.feedback_terms);
    let sum: f32 = terms.iter().map(|t| t.weight).sum();
    if terms.is_empty() || sum <= 0.0 {
        return Ok(None);
    }
    let infos: Vec<Vec<Option<TermInfo>>> = terms
        .iter_mut()
        .map(|t| std::mem::take(&mut t.infos))
        .collect();
    let mut e = Expansion {
        terms: terms
            .into_iter()
            .map(|t| (t.weight / sum, t.idf, t.term))
            .collect(),
        body_field: r.body_field,
        avg_body: average_length(searcher, r.body_field, docs)?,
        k1: r.topical.body_k1,
        b: r.topical.body_b,
        scale: 0.0,
        keep: r.topical.feedback_weight,
    };
    let scores = e.bm25(searcher, hits, Some(&infos))?;
    let best_expansion = scores.iter().copied().fold(0.0f32, f32::max);
    let best_score = hits.iter().map(|h| h.0).fold(0.0f32, f32::max);
    if best_expansion > 0.0 {
        e.scale = best_score / best_expansion;
    }
    Ok(Some((e, scores)))
}

impl Expansion {
    /// The expansion's BM25 of each hit, in the order given; `infos` has each term's term
    /// infos per segment, when they were looked up already.
    fn bm25(
        &self,
        searcher: &Searcher,
        hits: &[(Score, DocAddress)],
        infos: Option<&[Vec<Option<TermInfo>>]>,
    ) -> Result<Vec<f32>> {
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by_key(|&i| hits[i].1);
        let mut out = vec![0.0f32; hits.len()];
        for group in order.chunk_by(|&a, &b| hits[a].1.segment_ord == hits[b].1.segment_ord) {
            let segment = hits[group[0]].1.segment_ord;
            let reader = searcher.segment_reader(segment);
            let inverted = reader.inverted_index(self.body_field)?;
            let norms = reader.get_fieldnorms_reader(self.body_field)?;
            // Per hit: its article and BM25's length part.
            let docs: Vec<(u32, f32)> = group
                .iter()
                .map(|&i| {
                    let doc = hits[i].1.doc_id;
                    let len = norms.fieldnorm(doc) as f32;
                    (doc, length_part(len, self.avg_body, self.k1, self.b))
                })
                .collect();
            let mut sums = vec![0.0f32; group.len()];
            // Term by term, each hit's sum in the terms' order: one pass over each postings.
            for (t, (weight, idf, term)) in self.terms.iter().enumerate() {
                let info = match infos {
                    Some(infos) => infos[t][segment as usize].clone(),
                    None => inverted.get_term_info(term)?,
                };
                let Some(info) = info else { continue };
                let mut postings =
                    inverted.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
                for (sum, &(doc, length)) in sums.iter_mut().zip(&docs) {
                    if postings.doc() < doc && postings.seek(doc) == TERMINATED {
                        break;
                    }
                    if postings.doc() == doc {
                        let tf = postings.term_freq() as f32;
                        *sum += weight * idf * saturate_at(tf, self.k1, length);
                    }
                }
            }
            for (&i, sum) in group.iter().zip(sums) {
                out[i] = sum;
            }
        }
        Ok(out)
    }

    /// `hits` (rescored) with the expansion's share added, best first.
    pub fn apply(
        &self,
        searcher: &Searcher,
        hits: Vec<(Score, DocAddress)>,
    ) -> Result<Vec<(Score, DocAddress)>> {
        let scores = self.bm25(searcher, &hits, None)?;
        Ok(self.combine(hits, scores))
    }

    /// `hits` with their expansion `scores` added, best first.
    fn combine(
        &self,
        mut hits: Vec<(Score, DocAddress)>,
        scores: Vec<f32>,
    ) -> Vec<(Score, DocAddress)> {
        for (hit, e) in hits.iter_mut().zip(scores) {
            hit.0 = self.keep * hit.0 + (1.0 - self.keep) * e * self.scale;
        }
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        hits
    }
}

/// One word's postings in one segment.
struct WordPostings {
    title: Option<SegmentPostings>,
    /// The body's positions in the article being scored (read only for the phrase part).
    positions: Vec<u32>,
    author: Option<SegmentPostings>,
    body: Option<SegmentPostings>,
    inflected: Option<SegmentPostings>,
    named: Option<SegmentPostings>,
    bare: bool,
}

/// What rescoring reads in one segment; the hits are visited in increasing order.
struct Segment {
    words: Vec<WordPostings>,
    title_norms: FieldNormReader,
    body_norms: FieldNormReader,
    tabular: Option<Column<u64>>,
}

/// The frequency of `postings`' term in `doc` (0 when absent); postings only move forward.
fn freq(postings: &mut Option<SegmentPostings>, doc: u32) -> u32 {
    let Some(p) = postings else { return 0 };
    if p.doc() < doc {
        p.seek(doc);
    }
    if p.doc() == doc {
        p.term_freq()
    } else {
        0
    }
}

/// How many positions of `first` have one of `second` after them, at most `window` on.
fn together(first: &[u32], second: &[u32], window: u32) -> u32 {
    let mut j = 0;
    let mut n = 0;
    for &a in first {
        while j < second.len() && second[j] <= a {
            j += 1;
        }
        n += u32::from(j < second.len() && second[j] - a <= window);
    }
    n
}

impl Segment {
    fn open(reader: &SegmentReader, r: &Rescore) -> Result<Segment> {
        let postings_with = |t: &Option<Term>, option| -> Result<Option<SegmentPostings>> {
            Ok(match t {
                Some(t) => reader.inverted_index(t.field())?.read_postings(t, option)?,
                None => None,
            })
        };
        let postings = |t: &Option<Term>| postings_with(t, IndexRecordOption::WithFreqs);
        // Positions only for the phrase part: reading them costs a second block per word.
        let body_option = if r.topical.phrase_weight > 0.0 {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::WithFreqs
        };
        let words = r
            .words
            .iter()
            .map(|w| {
                Ok(WordPostings {
                    title: postings(&w.title)?,
                    author: postings(&w.author)?,
                    body: postings_with(&w.body, body_option)?,
                    positions: Vec::new(),
                    // Only read when stem-only matches are to count less.
                    inflected: if r.topical.stem_only_weight != 1.0 {
                        postings(&w.inflected)?
                    } else {
                        None
                    },
                    named: if r.topical.name_weight != 1.0 {
                        postings(&w.named)?
                    } else {
                        None
                    },
                    bare: w.bare,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Segment {
            words,
            title_norms: reader.get_fieldnorms_reader(r.title_field)?,
            body_norms: reader.get_fieldnorms_reader(r.body_field)?,
            tabular: if r.topical.table_prior != 0.0 {
                reader.fast_fields().u64(schema::TABULAR).ok()
            } else {
                None
            },
        })
    }

    /// The article's new score from its first-pass `score`: each word's title and body
    /// BM25 as tantivy computed them taken out and put back as [`Rescore`] says, times the
    /// table prior.
    fn score(
        &mut self,
        score: Score,
        doc: u32,
        r: &Rescore,
        stats: &Stats,
        words: &[WordStats],
    ) -> Score {
        let title_len = self.title_norms.fieldnorm(doc) as f32;
        let body_len = self.body_norms.fieldnorm(doc) as f32;
        let mut delta = 0.0;
        let mut all_words = true;
        for (p, w) in self.words.iter_mut().zip(words) {
            let title = freq(&mut p.title, doc) as f32;
            let body = freq(&mut p.body, doc) as f32;
            let author = freq(&mut p.author, doc);
            all_words &= title + body > 0.0 || author > 0;
            // The share of the word's title occurrences that are the word as typed (the
            // inflected field holds the title only: over the body it cost a quarter more
            // indexing time for a tenth of the gain).
            let weight = if title > 0.0 && r.topical.stem_only_weight != 1.0 {
                let inflected = (freq(&mut p.inflected, doc) as f32).min(title);
                let exact = if p.bare { title - inflected } else { inflected };
                let share = exact / title;
                share + r.topical.stem_only_weight * (1.0 - share)
            } else {
                1.0
            };
            // An occurrence written as part of a name (`Quaker Oats`) is not the subject; a
            // title in capitals cannot show it, so it is judged by the body's share.
            let named = if body > 0.0 && r.topical.name_weight != 1.0 {
                (freq(&mut p.named, doc) as f32).min(body)
            } else {
                0.0
            };
            let as_word = body - named + r.topical.name_weight * named;
            let title_share = if body > 0.0 { as_word / body } else { 1.0 };
            let tantivy_title = saturate(title, title_len, stats.avg_title, BM25_K1, BM25_B);
            let new_title = saturate(
                title * weight * title_share,
                title_len,
                stats.avg_title,
                BM25_K1,
                BM25_B,
            );
            delta += r.title_boost * w.title_idf * (new_title - tantivy_title);
            let tantivy_body = saturate(body, body_len, stats.avg_body, BM25_K1, BM25_B);
            let new_body = saturate(
                as_word,
                body_len,
                stats.avg_body,
                r.topical.body_k1,
                r.topical.body_b,
            );
            delta += w.body_idf * (new_body - tantivy_body);
            p.positions.clear();
            if r.topical.phrase_weight > 0.0 && body > 0.0 {
                if let Some(b) = &mut p.body {
                    b.positions(&mut p.positions);
                }
            }
        }
        delta += self.together_part(r, stats, words, body_len);
        let times = if all_words {
            1.0 + r.all_words_boost
        } else {
            1.0
        };
        let (prior, brief) = self.priors(doc, r, body_len);
        (score + times * delta) * prior * brief
    }

    /// The words standing together in the body (`animal feed`, `fuel oil`), as a BM25 part
    /// whose term frequency is how often they do, with the words' idfs summed as the pair's
    /// (as if they were independent). Reads the positions [`Self::score`] gathered.
    fn together_part(&self, r: &Rescore, stats: &Stats, words: &[WordStats], body_len: f32) -> f32 {
        if r.topical.phrase_weight <= 0.0 {
            return 0.0;
        }
        let together: u32 = self
            .words
            .windows(2)
            .map(|pair| {
                together(
                    &pair[0].positions,
                    &pair[1].positions,
                    r.topical.phrase_window,
                )
            })
            .sum();
        let idf: f32 = words.iter().map(|w| w.body_idf).sum();
        r.topical.phrase_weight
            * idf
            * saturate(
                together as f32,
                body_len,
                stats.avg_body,
                r.topical.body_k1,
                r.topical.body_b,
            )
    }

    /// What the article's kind multiplies its score by: the table prior, and the brief
    /// prior for bodies shorter than `brief_words`.
    fn priors(&self, doc: u32, r: &Rescore, body_len: f32) -> (f32, f32) {
        let prior = match &self.tabular {
            Some(column) => tabular::prior(
                u8::try_from(column.first(doc).unwrap_or(0)).unwrap_or(u8::MAX),
                r.topical.table_prior,
            ),
            None => 1.0,
        };
        let brief = if body_len < r.topical.brief_words {
            1.0 - r.topical.brief_prior * (1.0 - body_len / r.topical.brief_words)
        } else {
            1.0
        };
        (prior, brief)
    }
}
