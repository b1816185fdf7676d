//! The ranking's settings: the knobs of BM25 and its boosts ([`Ranking`]) and of the
//! topical rescoring ([`Topical`]), with the defaults the evaluation found best.

/// The ranking knobs. `Ranking::bm25()` is plain tantivy BM25 with a title boost; the
/// default is what the evaluation (`cargo bench -p dateline-bench --bench eval`) found best.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Title matches count this many times a body match.
    pub title_boost: f32,
    /// A constant added when every word of the query is in the article: a tier that puts
    /// all-words articles above some-words ones.
    pub all_words_tier: f32,
    /// Multiplies the BM25 score of the all-words conjunction, added on top.
    pub all_words_boost: f32,
    /// A constant added when the words stand within `proximity_slop` words of each other:
    /// a tier, within the all-words one, for articles where they stand together.
    pub proximity_tier: f32,
    /// Weight of the BM25 score of the whole query as a phrase with `proximity_slop`.
    pub proximity_boost: f32,
    pub proximity_slop: u32,
    /// Weight of each adjacent pair of query words as an exact phrase in the title.
    pub pair_boost: f32,
    /// Scales the average field length BM25 is told; above 1 weakens length normalisation,
    /// so a one-line brief that mentions a word no longer outranks the story about it.
    pub avg_length_scale: f32,
    /// How many of the best matches of a plain query are scored again ([`Rescore`]); 0
    /// scores none. A page further down than this rescores as far as it reaches.
    pub rescore_depth: usize,
    /// [`Ranking::topical`] applies in full to queries of at most this many words (longer
    /// ones keep only its stem-only weight): a subject search of a word or two has only BM25 to rank by, where a longer query's
    /// all-words and proximity clauses find the article it describes.
    pub topical_words: usize,
    /// How the best matches are scored again ([`Rescore`]); rescoring applies when
    /// `rescore_depth` is above 0 and these settings change a score.
    pub topical: Topical,
}

impl Ranking {
    pub fn bm25() -> Ranking {
        Ranking {
            title_boost: 2.0,
            all_words_tier: 0.0,
            all_words_boost: 0.0,
            proximity_tier: 0.0,
            proximity_boost: 0.0,
            proximity_slop: 0,
            pair_boost: 0.0,
            avg_length_scale: 1.0,
            rescore_depth: 0,
            topical_words: usize::MAX,
            topical: Topical::off(),
        }
    }

    /// Whether rescoring would change anything: it looks deep enough to and its settings
    /// change a score.
    pub fn rescores(&self) -> bool {
        self.rescore_depth > 0 && self.topical.changes_scores()
    }
}

/// How rescoring scores the best matches again (see [`Rescore`]): the part of a ranking
/// tantivy's BM25 cannot express. Whether rescoring changes anything is read from this value
/// ([`Topical::changes_scores`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Topical {
    /// BM25's k1 and b for the body (tantivy's own are 1.2 and 0.75): a lower b weakens
    /// length normalisation, a lower k1 saturates repeated words sooner.
    pub body_k1: f32,
    pub body_b: f32,
    /// What an occurrence in the title that only shares the query word's stem (`Corning`
    /// for `corn`, `leading` for `lead`) counts, against 1 for the word itself.
    pub stem_only_weight: f32,
    /// How far down a table or list is scored: the score is multiplied by
    /// `1 - table_prior * tabularity` ([`crate::tabular`]).
    pub table_prior: f32,
    /// How far down a brief is scored: the score is multiplied by
    /// `1 - brief_prior * (1 - words / brief_words)` for a body of fewer than `brief_words`.
    pub brief_prior: f32,
    pub brief_words: f32,
    /// Pseudo-relevance feedback (see `crate::rescore::feedback`): the `feedback_terms` words
    /// that best mark the `feedback_docs` best rescored articles are scored over the
    /// rescored matches, and count `1 - feedback_weight` of the new score. 0 documents turns
    /// it off.
    pub feedback_docs: usize,
    pub feedback_terms: usize,
    pub feedback_weight: f32,
    /// For a query of two words: how much the words standing together in the body (within
    /// `phrase_window` positions, in order) count, as a BM25 part whose term frequency is how
    /// often they do. 0 turns it off.
    pub phrase_weight: f32,
    pub phrase_window: u32,
    /// What an occurrence of a word in the body counts when it is written as part of a name
    /// (`Quaker Oats`, `Nippon Steel`; see `schema::NameWords`), against 1 for the word
    /// itself. 1 turns it off.
    pub name_weight: f32,
}

impl Topical {
    /// Rescoring that changes no score: tantivy's BM25 as the first pass computed it.
    pub fn off() -> Topical {
        Topical {
            body_k1: BM25_K1,
            body_b: BM25_B,
            stem_only_weight: 1.0,
            table_prior: 0.0,
            brief_prior: 0.0,
            brief_words: 50.0,
            feedback_docs: 0,
            feedback_terms: 0,
            feedback_weight: 1.0,
            phrase_weight: 0.0,
            phrase_window: 1,
            name_weight: 1.0,
        }
    }

    /// These settings with those that cannot change a score (a part another setting turns
    /// off) as [`Topical::off`] has them.
    fn effective(&self) -> Topical {
        let off = Topical::off();
        let mut t = self.clone();
        if t.brief_prior == 0.0 {
            t.brief_words = off.brief_words;
        }
        // As `rescore::feedback` reads them: fewer than two documents or no terms expand
        // nothing, and a weight of 1 keeps none of the expansion.
        if t.feedback_docs < 2 || t.feedback_terms == 0 || t.feedback_weight >= 1.0 {
            t.feedback_docs = off.feedback_docs;
            t.feedback_terms = off.feedback_terms;
            t.feedback_weight = off.feedback_weight;
        }
        if t.phrase_weight == 0.0 {
            t.phrase_window = off.phrase_window;
        }
        t
    }

    /// Whether rescoring with these settings would change any score.
    pub fn changes_scores(&self) -> bool {
        self.effective() != Topical::off()
    }

    /// The settings for a query longer than [`Ranking::topical_words`]: only the title's
    /// stem-only matches count less; the body keeps tantivy's BM25, with no priors, no
    /// feedback and no phrase part.
    pub(super) fn for_long_query(&self) -> Topical {
        Topical {
            stem_only_weight: self.stem_only_weight,
            ..Topical::off()
        }
    }
}

/// tantivy's BM25 parameters (fixed inside its `Bm25Weight`).
pub const BM25_K1: f32 = 1.2;
pub const BM25_B: f32 = 0.75;

impl Default for Ranking {
    /// Chosen by the evaluation (docs/EVALUATION.md has the figures): against plain BM25 it
    /// ranks both Reuters sentence queries and BBC topic queries better, with no metric
    /// worse. A title weight of 1 only helps together with the all-words boost.
    fn default() -> Ranking {
        Ranking {
            title_boost: 1.0,
            all_words_tier: 10.0,
            all_words_boost: 1.0,
            proximity_tier: 5.0,
            proximity_boost: 0.0,
            proximity_slop: 3,
            pair_boost: 0.5,
            avg_length_scale: 1.0,
            // How many of the best matches the topical scoring ranks again: tuned on the
            // Reuters topical dev set as a whole, every other set held out
            // (docs/EVALUATION.md has the figures).
            rescore_depth: 300,
            topical_words: 2,
            topical: Topical {
                body_k1: BM25_K1,
                body_b: 0.2,
                stem_only_weight: 0.3,
                table_prior: 0.7,
                brief_prior: 0.5,
                brief_words: 100.0,
                // Tuned on the same set as a whole, in small grids (docs/EVALUATION.md has
                // each and its figures): feedback from the 12 best, 40 terms, a 0.3 share.
                feedback_docs: 12,
                feedback_terms: 40,
                feedback_weight: 0.7,
                // Adjacent words only (a wider window gained less), ordered or not alike.
                phrase_weight: 1.0,
                phrase_window: 1,
                // A subject word in a name counts half: less and the names' own stories (a
                // company's results are about the company) fall too far.
                name_weight: 0.5,
            },
        }
    }
}
