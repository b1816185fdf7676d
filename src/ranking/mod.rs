//! How results are ranked: tantivy's BM25 plus boosts built from tantivy's own queries.
//!
//! For a plain keyword query (`THAAD South Korea`) the words are OR-ed so that recall stays,
//! and SHOULD clauses lift the articles that have all the words, that have them close
//! together, and that have adjacent pairs of them as phrases. Length normalisation can be
//! weakened through the statistics the search is given, without forking tantivy. What
//! tantivy's BM25 cannot express (its own k1 and b, stem-only matches, tables and briefs) is
//! described here as a [`Rescore`] of the best matches, which `rescore.rs` carries out.

use anyhow::Result;
use tantivy::query::{
    AllQuery, Bm25StatisticsProvider, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query,
    QueryParser, QueryParserError, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

mod settings;

pub use settings::{Ranking, Topical, BM25_B, BM25_K1};

/// The words of a plain keyword query, or None when the query uses any syntax (quotes,
/// fields, operators, grouping, wildcards): then it is taken as the user wrote it.
pub fn plain_words(text: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let plain = words.iter().all(|w| {
        !matches!(*w, "AND" | "OR" | "NOT" | "IN")
            && !w.starts_with(['+', '-'])
            && !w.contains([
                '"', ':', '(', ')', '[', ']', '{', '}', '^', '~', '*', '\\', '\'',
            ])
    });
    (plain && !words.is_empty()).then_some(words)
}

/// Builds the scored text query for `text` (dates already taken out).
///
/// The shape is `SHOULD[word terms…, X, pair phrases…]`, with X = `Boolean{MUST: all words
/// (BM25 times all_words_boost), MUST: match-all scored all_words_tier, SHOULD: proximity
/// phrase}`. The all-words conjunction runs once for both the tier and the boost (the
/// intersection adds the constant), and tantivy's RequiredOptionalScorer only seeks the
/// proximity phrase on articles that have every word, which any article holding the whole
/// query as a phrase does: the scores are those of the flat form `SHOULD[words, tier,
/// boost, proximity, pairs]`.
pub fn text_query(
    parser: &QueryParser,
    conjunctive: &QueryParser,
    text: &str,
    ranking: &Ranking,
) -> Result<Scored, QueryParserError> {
    let base = parser.parse_query(text)?;
    let unranked = |query| Scored { query, prune: None };
    let Some(words) = plain_words(text) else {
        return Ok(unranked(base));
    };
    if words.len() < 2 {
        return Ok(unranked(base));
    }
    let (mut nested, conjunction) = all_words_clauses(conjunctive, text, ranking)?;
    let (near_clauses, near) = proximity_clauses(parser, &words, ranking)?;
    nested.extend(near_clauses);
    let pairs = title_pair_clauses(parser, &words, ranking)?;
    if nested.is_empty() && pairs.is_empty() {
        // As before: plain BM25 (a ranking without the extra clauses) scores exactly as
        // a full scoring would.
        return Ok(unranked(Box::new(BooleanQuery::new(vec![(
            Occur::Should,
            base,
        )]))));
    }
    let prune =
        conjunction.and_then(|all| prune_parts(words.len(), &*base, all, near, &pairs, ranking));
    Ok(Scored {
        query: assemble(base, nested, pairs),
        prune,
    })
}

/// Boolean clauses, as tantivy's BooleanQuery takes them.
type Clauses = Vec<(Occur, Box<dyn Query>)>;

/// The all-words part: its BM25 (boosted) and, folded into the same conjunction, the tier
/// as a constant-scored match-all clause that the intersection adds. Also returns the
/// conjunction itself, which pruning starts from; None when the ranking has no such part.
fn all_words_clauses(
    conjunctive: &QueryParser,
    text: &str,
    ranking: &Ranking,
) -> Result<(Clauses, Option<Box<dyn Query>>), QueryParserError> {
    let mut clauses: Clauses = Vec::new();
    if ranking.all_words_tier <= 0.0 && ranking.all_words_boost <= 0.0 {
        return Ok((clauses, None));
    }
    let all = conjunctive.parse_query(text)?;
    let conjunction = all.box_clone();
    if ranking.all_words_boost <= 0.0 {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(all, ranking.all_words_tier)),
        ));
    } else {
        clauses.push((
            Occur::Must,
            Box::new(BoostQuery::new(all, ranking.all_words_boost)),
        ));
        if ranking.all_words_tier > 0.0 {
            clauses.push(tier_clause(ranking.all_words_tier));
        }
    }
    Ok((clauses, Some(conjunction)))
}

/// `words` as a phrase within `slop`, in the title and the body. Words standing together
/// matter there; phrases over author names would only cost time.
fn phrase(
    parser: &QueryParser,
    words: &[&str],
    slop: u32,
) -> Result<Box<dyn Query>, QueryParserError> {
    let slop = if slop > 0 {
        format!("~{slop}")
    } else {
        String::new()
    };
    let words = words.join(" ");
    parser.parse_query(&format!("title:\"{words}\"{slop} body:\"{words}\"{slop}"))
}

/// The proximity clauses (the words within `proximity_slop` of each other, as a tier and
/// as a boosted BM25 score), and the proximity phrase itself for pruning; None when the
/// ranking has neither.
fn proximity_clauses(
    parser: &QueryParser,
    words: &[&str],
    ranking: &Ranking,
) -> Result<(Clauses, Option<Box<dyn Query>>), QueryParserError> {
    let mut clauses: Clauses = Vec::new();
    if ranking.proximity_tier <= 0.0 && ranking.proximity_boost <= 0.0 {
        return Ok((clauses, None));
    }
    let near = phrase(parser, words, ranking.proximity_slop)?;
    let near_query = near.box_clone();
    if ranking.proximity_tier > 0.0 {
        clauses.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                near.box_clone(),
                ranking.proximity_tier,
            )),
        ));
    }
    if ranking.proximity_boost > 0.0 {
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(near, ranking.proximity_boost)),
        ));
    }
    Ok((clauses, Some(near_query)))
}

/// Each adjacent pair of words as an exact title phrase, boosted by `pair_boost`, for
/// queries of three words or more.
///
/// Pairs lift articles that lack a word too (that helps the BBC topic queries), so they
/// stay at the top level. They are title phrases only: body pairs check positions on every
/// article with both words and, with no way to prune, cost more than they gain; without
/// them Reuters known-item search improves slightly and BBC topic queries lose a little
/// (docs/EVALUATION.md).
fn title_pair_clauses(
    parser: &QueryParser,
    words: &[&str],
    ranking: &Ranking,
) -> Result<Clauses, QueryParserError> {
    let mut pairs: Clauses = Vec::new();
    if ranking.pair_boost > 0.0 && words.len() >= 3 {
        for pair in words.windows(2) {
            let q = parser.parse_query(&format!("title:\"{}\"", pair.join(" ")))?;
            pairs.push((
                Occur::Should,
                Box::new(BoostQuery::new(q, ranking.pair_boost)),
            ));
        }
    }
    Ok(pairs)
}

/// The ranked query: the word terms at the top level next to the all-words part X (not as
/// one nested union, so tantivy runs a single union), then the title pairs.
fn assemble(base: Box<dyn Query>, nested: Clauses, pairs: Clauses) -> Box<dyn Query> {
    let mut clauses: Clauses = match base.downcast_ref::<BooleanQuery>() {
        Some(b)
            if b.get_minimum_number_should_match() <= 1
                && b.clauses().iter().all(|(o, _)| *o == Occur::Should) =>
        {
            clone_clauses(b.clauses())
        }
        _ => vec![(Occur::Should, base)],
    };
    if nested.first().is_some_and(|(o, _)| *o == Occur::Must) {
        clauses.push((Occur::Should, Box::new(BooleanQuery::new(nested))));
    } else {
        // No all-words clause to hang the phrase on (a variant of the evaluation): it
        // stands on its own at the top level.
        clauses.extend(nested);
    }
    clauses.extend(pairs);
    Box::new(BooleanQuery::new(clauses))
}

/// The scored text query, and what finding its top k without scoring every match needs.
pub struct Scored {
    pub query: Box<dyn Query>,
    pub prune: Option<PruneParts>,
}

/// The pieces of a ranked plain query that let [`crate::topk`] find its top k without
/// scoring every article it matches.
///
/// The ranked query scores `words + all-words part + title pairs`, the all-words part being
/// `all_words_boost × words + all_words_tier + proximity_tier × near` on articles with every
/// word. There the conjunction scores what the words do, so `candidates` (the conjunction
/// boosted by one more, the tier and the pairs) plus `proximity_tier` when one of `near`
/// matches is the ranked query's score, up to rounding, and it visits only the articles
/// with every word. An article that lacks a word scores `words + pairs`: the few with a
/// title pair are scored one by one, and for the rest `words`, the union of `terms`, is all
/// there is, which tantivy runs with block-max WAND.
pub struct PruneParts {
    pub candidates: Box<dyn Query>,
    /// The proximity phrases, one per field: an article matching any gets `near_tier`.
    pub near: Vec<Box<dyn Query>>,
    pub near_tier: f32,
    /// The words' term queries, one per word and field: their union is `words`.
    pub terms: Vec<Box<dyn Query>>,
    /// The title pair phrases, boosted as in the ranked query.
    pub pairs: Vec<Box<dyn Query>>,
    /// The query's filters (dates, authors), which `words` leaves out so that tantivy can
    /// prune it; None when there are none. Set by `query::build`, which builds on this module.
    pub filter: Option<Box<dyn Query>>,
}

/// Queries of more words are scored in full: fewer articles have all of them, so pass 1
/// sets a low bar, and over the Reuters titles as queries, pruning made those of four words
/// or more slower (it pays for two words and breaks even at three).
const MAX_PRUNED_WORDS: usize = 3;

fn prune_parts(
    word_count: usize,
    base: &dyn Query,
    conjunction: Box<dyn Query>,
    near: Option<Box<dyn Query>>,
    pairs: &[(Occur, Box<dyn Query>)],
    ranking: &Ranking,
) -> Option<PruneParts> {
    // The default ranking's shape only: the searcher's own statistics (the bounds assume
    // them), an all-words conjunction, and proximity as a tier rather than a BM25 score.
    if word_count > MAX_PRUNED_WORDS
        || (ranking.avg_length_scale - 1.0).abs() >= f32::EPSILON
        || ranking.all_words_boost <= 0.0
        || ranking.proximity_boost > 0.0
    {
        return None;
    }
    let mut terms = Vec::new();
    if !flatten_terms(base, &mut terms) {
        return None;
    }
    let mut candidates: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        Box::new(BoostQuery::new(conjunction, 1.0 + ranking.all_words_boost)),
    )];
    if ranking.all_words_tier > 0.0 {
        candidates.push(tier_clause(ranking.all_words_tier));
    }
    candidates.extend(clone_clauses(pairs));
    // Each field's phrase on its own: as one union, checking a few articles would scan a
    // window of thousands after each.
    let near = match near {
        Some(q) => match q.downcast_ref::<BooleanQuery>() {
            Some(b) if b.clauses().iter().all(|(o, _)| *o == Occur::Should) => {
                b.clauses().iter().map(|(_, q)| q.box_clone()).collect()
            }
            _ => vec![q],
        },
        None => Vec::new(),
    };
    Some(PruneParts {
        candidates: Box::new(BooleanQuery::new(candidates)),
        near,
        near_tier: ranking.proximity_tier,
        terms,
        pairs: pairs.iter().map(|(_, q)| q.box_clone()).collect(),
        filter: None,
    })
}

/// The term queries of a query made only of OR-ed terms (at any depth); false when it holds
/// anything else (a phrase, a boost, a required clause).
fn flatten_terms(query: &dyn Query, out: &mut Vec<Box<dyn Query>>) -> bool {
    if let Some(term) = query.downcast_ref::<TermQuery>() {
        // Frequencies are what block-max WAND needs; positions would only cost.
        out.push(Box::new(TermQuery::new(
            term.term().clone(),
            IndexRecordOption::WithFreqs,
        )));
        return true;
    }
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return false;
    };
    boolean.get_minimum_number_should_match() <= 1
        && boolean
            .clauses()
            .iter()
            .all(|(o, q)| *o == Occur::Should && flatten_terms(&**q, out))
}

/// What rescoring a plain query's best matches needs (see `crate::rescore`): each word's
/// terms, and the parts of the ranked query's score that the body's BM25 enters.
///
/// tantivy's BM25 fixes k1 and b, and knows nothing of an article's shape or of the word as
/// written. So the first pass ranks as the query above does, with block-max pruning, and the
/// best `depth` of it are scored again as [`Topical`] says: each word's body BM25 is
/// replaced by one with `body_k1`/`body_b`, an occurrence in the title that only shares the
/// word's stem counts `stem_only_weight`, the words standing together in the body add a
/// phrase part (`phrase_weight`, two-word queries), and the whole is multiplied by the table
/// and brief priors. Queries of more than `topical_words` words keep tantivy's BM25 and no
/// priors, and are only reordered within their page.
#[derive(Debug, Clone)]
pub struct Rescore {
    pub words: Vec<WordTerms>,
    /// The title and body fields, whose lengths BM25 reads.
    pub title_field: Field,
    pub body_field: Field,
    pub depth: usize,
    pub title_boost: f32,
    /// The all-words conjunction's boost: where every word is there, the body's BM25 counts
    /// `1 + all_words_boost` times in the ranked query. 0 for a one-word query.
    pub all_words_boost: f32,
    /// The settings as they apply to this query: [`Ranking::topical`] for a subject query,
    /// [`Topical::for_long_query`] for a longer one; no phrase part for one word.
    pub topical: Topical,
}

/// One query word's terms: stemmed in the title, author and body fields as the query parser
/// makes them, and its stem in the inflected field, which counts the article's words that
/// share the stem without being it.
#[derive(Debug, Clone, Default)]
pub struct WordTerms {
    pub title: Option<Term>,
    pub author: Option<Term>,
    pub body: Option<Term>,
    pub inflected: Option<Term>,
    /// Its stem in the named field: the body's occurrences written as part of a name.
    pub named: Option<Term>,
    /// The word as typed is its own stem (`corn`, `lead`): its exact matches are the ones
    /// the inflected field does not count. Else (`hogs`, `arrives`) the inflected ones are
    /// taken as exact, and the bare stem (`hog`) as the stem-only match.
    pub bare: bool,
}

/// The rescoring of the plain query `text`, or None when the ranking does not rescore or a
/// word is not one term per field (`U.S.` is parsed as a phrase): such queries rank as
/// the query alone does.
pub fn rescore_terms(
    parser: &QueryParser,
    fields: (Field, Field, Field),
    inflected: (Field, &mut tantivy::tokenizer::TextAnalyzer),
    named: Field,
    text: &str,
    ranking: &Ranking,
) -> Option<Rescore> {
    if !ranking.rescores() {
        return None;
    }
    let words = plain_words(text)?;
    let (title, author, body) = fields;
    let (inflected_field, analyzer) = inflected;
    let mut out = Vec::with_capacity(words.len());
    for word in &words {
        let query = parser.parse_query(word).ok()?;
        let mut terms = Vec::new();
        if !flatten_terms(&*query, &mut terms) {
            return None;
        }
        let mut w = WordTerms::default();
        for q in &terms {
            let term = q.downcast_ref::<TermQuery>()?.term().clone();
            let slot = match term.field() {
                f if f == title => &mut w.title,
                f if f == author => &mut w.author,
                f if f == body => &mut w.body,
                _ => return None,
            };
            if slot.replace(term).is_some() {
                return None;
            }
        }
        let mut tokens = Vec::new();
        analyzer
            .token_stream(word)
            .process(&mut |t| tokens.push(t.text.clone()));
        let stem = w
            .body
            .as_ref()
            .and_then(|t| t.value().as_str().map(str::to_string));
        if let ([typed], Some(stem)) = (&tokens[..], stem) {
            w.bare = *typed == stem;
            w.inflected = Some(Term::from_field_text(inflected_field, &stem));
            w.named = Some(Term::from_field_text(named, &stem));
        }
        out.push(w);
    }
    let all_words = words.len() >= 2 && ranking.all_words_boost > 0.0;
    let topical = words.len() <= ranking.topical_words;
    let mut settings = if topical {
        ranking.topical.clone()
    } else {
        ranking.topical.for_long_query()
    };
    settings.phrase_window = settings.phrase_window.max(1);
    if words.len() < 2 {
        // Two words at least to stand together.
        settings.phrase_weight = 0.0;
    }
    Some(Rescore {
        words: out,
        title_field: title,
        body_field: body,
        // A longer query is only reordered within the page (its title stem-only matches):
        // looking deeper would cost its first pass more than the reordering gains.
        depth: if topical { ranking.rescore_depth } else { 0 },
        title_boost: ranking.title_boost,
        all_words_boost: if all_words {
            ranking.all_words_boost
        } else {
            0.0
        },
        topical: settings,
    })
}

/// A copy of boolean clauses: tantivy's queries are boxed trait objects, cloned one by one.
pub(crate) fn clone_clauses(clauses: &[(Occur, Box<dyn Query>)]) -> Vec<(Occur, Box<dyn Query>)> {
    clauses.iter().map(|(o, q)| (*o, q.box_clone())).collect()
}

/// A required clause adding `tier` to every article it is combined with.
fn tier_clause(tier: f32) -> (Occur, Box<dyn Query>) {
    (
        Occur::Must,
        Box::new(ConstScoreQuery::new(Box::new(AllQuery), tier)),
    )
}

/// BM25 statistics with the average field length scaled (see [`Ranking::avg_length_scale`]).
pub struct ScaledStatistics<'a> {
    pub searcher: &'a Searcher,
    pub scale: f32,
}

impl Bm25StatisticsProvider for ScaledStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let total = self.searcher.total_num_tokens(field)?;
        Ok((total as f64 * self.scale as f64) as u64)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}

/// Runs `collector` with the ranking's statistics.
pub fn search<C: tantivy::collector::Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    ranking: &Ranking,
) -> Result<C::Fruit> {
    if (ranking.avg_length_scale - 1.0).abs() < f32::EPSILON {
        return Ok(searcher.search(query, collector)?);
    }
    let stats = ScaledStatistics {
        searcher,
        scale: ranking.avg_length_scale,
    };
    Ok(searcher.search_with_statistics_provider(query, collector, &stats)?)
}

#[cfg(test)]
mod tests {
    use super::{plain_words, Ranking, Topical};

    #[test]
    fn any_setting_that_changes_a_score_turns_rescoring_on() {
        let with = |t: Topical| Ranking {
            rescore_depth: 300,
            topical: t,
            ..Ranking::bm25()
        };
        assert!(!with(Topical::off()).rescores());
        assert!(Ranking::default().rescores());
        let off = Topical::off;
        for (name, t) in [
            (
                "k1",
                Topical {
                    body_k1: 0.9,
                    ..off()
                },
            ),
            (
                "b",
                Topical {
                    body_b: 0.2,
                    ..off()
                },
            ),
            (
                "stem",
                Topical {
                    stem_only_weight: 0.3,
                    ..off()
                },
            ),
            (
                "table",
                Topical {
                    table_prior: 0.7,
                    ..off()
                },
            ),
            (
                "brief",
                Topical {
                    brief_prior: 0.5,
                    ..off()
                },
            ),
            (
                "feedback",
                Topical {
                    feedback_docs: 12,
                    feedback_terms: 40,
                    feedback_weight: 0.7,
                    ..off()
                },
            ),
            (
                "phrase",
                Topical {
                    phrase_weight: 1.0,
                    ..off()
                },
            ),
            (
                "name",
                Topical {
                    name_weight: 0.5,
                    ..off()
                },
            ),
        ] {
            assert!(with(t.clone()).rescores(), "{name}");
            assert!(
                !Ranking {
                    rescore_depth: 0,
                    ..with(t)
                }
                .rescores(),
                "{name}, depth 0"
            );
        }
        // A part that another setting turns off changes nothing.
        for t in [
            Topical {
                brief_words: 80.0,
                ..off()
            },
            Topical {
                feedback_docs: 12,
                ..off()
            },
            Topical {
                phrase_window: 3,
                ..off()
            },
        ] {
            assert!(!with(t.clone()).rescores(), "{t:?}");
        }
    }

    #[test]
    fn plain_queries_are_told_from_syntax() {
        assert_eq!(
            plain_words("THAAD South Korea"),
            Some(vec!["THAAD", "South", "Korea"])
        );
        for q in [
            "\"South Korea\"",
            "title:x y",
            "a AND b",
            "+a b",
            "a -b",
            "(a b)",
            "a*",
            "",
        ] {
            assert_eq!(plain_words(q), None, "{q}");
        }
    }
}
