//! Turning what users type into a tantivy query.
//!
//! Words, phrases, boolean operators and `title:`/`author:`/`body:` go to tantivy's
//! QueryParser. Date clauses (`date:2017-03`, `date:>=2017-03-01`, `date:[A TO B]`) are taken
//! out first and become filters: they restrict the matches but never add to the score and are
//! never OR-ed with the words, which is what a researcher means by "THAAD in March 2017".
//! Proximity and frequency operators (`cocoa w/5 buffer`, `atleast3 cocoa`) are taken out
//! next (`operators`) and built as queries on word positions (`near`).

/// Returns a [`QueryError`] of `kind` with the message `format!` makes of the rest.
macro_rules! refuse {
    ($kind:ident, $($arg:tt)*) => {
        return Err($crate::query::QueryError::$kind(format!($($arg)*)))
    };
}

mod dates;
mod near;
mod operators;
mod rewrite;
mod runs;
pub mod sphinxql;
mod syntax;

use std::fmt;

use chrono::NaiveDate;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, Occur, Query, QueryParser,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::Index;

use crate::ranking::{self, clone_clauses, Ranking};
use crate::schema::{self, author_key, Fields};

pub use dates::{
    date_filter, extract_date_clauses, parse_date_value, parse_day_bound, parse_day_span,
    DateClause, DaySpan, DATE_HELP,
};
use rewrite::{apostrophes, normalise_field_names};
pub use syntax::{check_shape, MAX_NESTING, MAX_QUERY_CHARS};
use syntax::{explain_parse_error, reject_field_wildcard, Syntax};

/// Why what the user typed makes no query, as tantivy's `QueryParserError` says why its
/// parser refused one: each shows as one line that says what to type instead, so a server
/// answers 400 with it and the CLI prints it, without building the query again to tell.
#[derive(Debug)]
pub enum QueryError {
    /// Too long or nested too deep to parse safely ([`MAX_QUERY_CHARS`], [`MAX_NESTING`]).
    Shape(String),
    /// A `date:` value or range that is not a date, or selects no day.
    Date(String),
    /// Words, operators or syntax the grammar or this engine does not take.
    Syntax(String),
    /// No words and no filters: nothing to search for.
    Empty,
    /// The index could not analyse the words: a fault of the index, not of the query.
    Index(tantivy::TantivyError),
}

impl QueryError {
    /// True when the query is at fault (a client's 400), not the index.
    pub fn is_users(&self) -> bool {
        !matches!(self, QueryError::Index(_))
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::Shape(m) | QueryError::Date(m) | QueryError::Syntax(m) => f.write_str(m),
            QueryError::Empty => {
                f.write_str("empty query: type some words, or * to list every article")
            }
            QueryError::Index(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for QueryError {
    /// `Index` shows its tantivy error itself, so the chain goes on from what caused that.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            QueryError::Index(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

/// What building a query gives.
pub type Result<T, E = QueryError> = std::result::Result<T, E>;

/// Everything a search filters on besides the query text.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Any of these authors (whole names, any case).
    pub authors: Vec<String>,
    /// Any of these dateline places / sources (whole names, any case).
    pub places: Vec<String>,
    pub sources: Vec<String>,
    /// Any of these collections (`dateline index --collection`, whole names, any case).
    pub collections: Vec<String>,
    /// Only the articles without a date (`--undated`).
    pub undated: bool,
}

impl Filters {
    /// Refuses a `from` after `to`, which no article can match; the message names the two
    /// bounds as the caller spells them (`--from`/`--to`, `from`/`to`).
    pub fn check_day_order(&self, from_name: &str, to_name: &str) -> Result<(), String> {
        match (self.from, self.to) {
            (Some(from), Some(to)) if from > to => Err(format!(
                "{from_name} {from} is after {to_name} {to}: no article can match; swap them or \
                 widen the span"
            )),
            _ => Ok(()),
        }
    }
}

/// One part of a query that the counted set requires: a word of a plain query, or a run of
/// one with syntax (`cocoa`, `"general election"`, `prices OR tariffs`).
pub struct Part {
    /// As typed.
    pub label: String,
    /// What has it (unfiltered).
    pub query: Box<dyn Query>,
}

/// The built query plus what the snippet generator needs to know.
pub struct Built {
    /// The hit list, ranked: the articles with any of the words.
    pub query: Box<dyn Query>,
    /// The counted set, which every count, timeline, facet and export runs on: the articles
    /// with every word (every part of [`Built::parts`]) unless the query says `OR`.
    pub count_query: Box<dyn Query>,
    /// Matches exactly what `query` matches, without the ranking's extra clauses: the counted
    /// set and, after it in the list, the partial matches.
    pub list_query: Box<dyn Query>,
    /// The parts the counted set requires, so that a partial match can say which it lacks.
    /// Counting differs from the list only when there are two or more.
    pub parts: Vec<Part>,
    /// The part that matches words, without filters: what snippets highlight.
    pub text_query: Option<Box<dyn Query>>,
    /// For a ranked plain query: what finds its top k without scoring every match, its
    /// candidates filtered as `query` is.
    pub prune: Option<ranking::PruneParts>,
    /// For a plain query under a ranking that rescores: how its best matches are scored
    /// again (`crate::rescore`).
    pub rescore: Option<ranking::Rescore>,
    /// When a date filter is given: the matches it leaves out for having no date (counted,
    /// never listed).
    pub undated: Option<Box<dyn Query>>,
}

impl Built {
    /// How many matches the date filter leaves out for having no date: articles, copies
    /// included (0 when there is no date filter).
    pub fn undated_left_out(&self, searcher: &tantivy::Searcher) -> tantivy::Result<u64> {
        Ok(match &self.undated {
            Some(q) => q.count(searcher)? as u64,
            None => 0,
        })
    }
}

/// What a query's counts count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// The articles with every word (every part the query requires); those with only some
    /// are listed after them, never counted.
    AllWords,
    /// The articles that match: the query has one word or part, or joins them all with OR.
    Matches,
}

impl Counting {
    /// As JSON says it (`"counts"`).
    pub fn name(self) -> &'static str {
        match self {
            Counting::AllWords => "all words",
            Counting::Matches => "matches",
        }
    }
}

impl Built {
    /// What this query's counts count.
    pub fn counting(&self) -> Counting {
        if self.parts.len() > 1 {
            Counting::AllWords
        } else {
            Counting::Matches
        }
    }
}

pub fn query_parser(index: &Index, fields: &Fields, title_boost: f32) -> QueryParser {
    let mut parser = QueryParser::for_index(index, vec![fields.title, fields.author, fields.body]);
    parser.set_field_boost(fields.title, title_boost);
    parser
}

/// Matches documents whose whole-name `field` (`author_key`, `place`, `source`) is any of
/// `names`, any case: what the filters match.
pub fn any_name(field: Field, names: &[String]) -> Box<dyn Query> {
    let any_of: Vec<(Occur, Box<dyn Query>)> = names
        .iter()
        .map(|name| {
            let term = Term::from_field_text(field, &author_key(name));
            let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    Box::new(BooleanQuery::new(any_of))
}

/// Matches documents by any of `names` as an author: the whole name, any case, or every word
/// of it among the article's authors, as `author:` matches (`Vaughan` finds Lisa Vaughan).
pub fn any_author(fields: &Fields, names: &[String]) -> Box<dyn Query> {
    let mut analyzer = schema::name_analyzer();
    let any_of: Vec<(Occur, Box<dyn Query>)> = names
        .iter()
        .flat_map(|name| {
            let mut words: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let composed = crate::article::indexable(name);
            analyzer.token_stream(&composed).process(&mut |t| {
                let term = Term::from_field_text(fields.author, &t.text);
                words.push((
                    Occur::Must,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                ));
            });
            let whole = any_name(fields.author_key, std::slice::from_ref(name));
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, whole)];
            if !words.is_empty() {
                alternatives.push((Occur::Should, Box::new(BooleanQuery::new(words))));
            }
            alternatives
        })
        .collect();
    Box::new(BooleanQuery::new(any_of))
}

/// Builds the query for what the user typed, restricted by `filters`: the words (ranked, or
/// taken as written when they use syntax), with the date clauses and filters as clauses
/// that restrict the matches and never add to the score.
pub fn build(
    index: &Index,
    fields: &Fields,
    text: &str,
    filters: &Filters,
    ranking: &Ranking,
) -> Result<Built> {
    // Text pasted from a web page can carry soft hyphens, which the index has none of.
    let text = &*crate::article::indexable(text);
    // Checked on what the user typed and again on what goes to the parser, which differs
    // only in how apostrophes are escaped.
    check_shape(text)?;
    let (words, dates) = extract_date_clauses(text)?;
    let words = normalise_field_names(&words);
    let words = text_part(index, fields, &words, ranking)?;
    if text.trim().is_empty() && !has_filters(filters) {
        return Err(QueryError::Empty);
    }
    let (text_query, counted, parts, ranked, rescore) = match words {
        Some(w) => (
            Some(w.matches),
            Some(w.counted),
            w.parts,
            w.ranked,
            w.rescore,
        ),
        None => (
            None,
            None,
            Vec::new(),
            ranking::Scored {
                query: Box::new(AllQuery),
                prune: None,
            },
            None,
        ),
    };
    let undated = undated_restrictions(fields, &dates, filters);
    let restrictions = filter_clauses(fields, dates, filters);
    // The ranking's extra clauses only reorder what the plain words match, so counting
    // runs on the plain query.
    let plain = words_or_all(&text_query);
    let counted = counted.unwrap_or_else(|| plain.box_clone());
    // What the date filter leaves out is counted as the matches are: on the counted set.
    let undated = undated.map(|r| restrict(counted.box_clone(), &r));
    // The candidates are filtered as the query is, so that its top k are found among them.
    let prune = ranked.prune.map(|prune| filter_prune(prune, &restrictions));
    Ok(Built {
        query: restrict(ranked.query, &restrictions),
        count_query: restrict(counted, &restrictions),
        list_query: restrict(plain, &restrictions),
        parts,
        text_query,
        prune,
        rescore,
        undated,
    })
}

/// The query's words, or every article when it has none.
fn words_or_all(text_query: &Option<Box<dyn Query>>) -> Box<dyn Query> {
    text_query
        .as_ref()
        .map(|q| q.box_clone())
        .unwrap_or_else(|| Box::new(AllQuery))
}

/// What a date filter leaves out for having no date: the restrictions of the query's other
/// filters, and undated. None when nothing requires a date (a `-date:` clause alone leaves
/// the undated articles in).
fn undated_restrictions(
    fields: &Fields,
    dates: &[DateClause],
    filters: &Filters,
) -> Option<Vec<(Occur, Box<dyn Query>)>> {
    let requires_date =
        filters.from.is_some() || filters.to.is_some() || dates.iter().any(|c| !c.negated);
    if !requires_date || filters.undated {
        return None;
    }
    let others = Filters {
        from: None,
        to: None,
        undated: true,
        ..filters.clone()
    };
    let negated = dates.iter().filter(|c| c.negated).cloned().collect();
    Some(filter_clauses(fields, negated, &others))
}

/// The articles with no date (no value in the date's fast column).
fn undated_only() -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
        (
            Occur::MustNot,
            Box::new(ExistsQuery::new(schema::DATE.to_string(), false)),
        ),
    ]))
}

/// The words of a query: as they match the hit list (what snippets highlight), as they are
/// counted, and as they are ranked.
struct TextPart {
    matches: Box<dyn Query>,
    counted: Box<dyn Query>,
    parts: Vec<Part>,
    ranked: ranking::Scored,
    rescore: Option<ranking::Rescore>,
}

/// The query for `words` (dates already taken out, field names normalised); None when
/// there are none, or only `*`. Plain words are ranked; syntax is taken as written,
/// unranked.
fn text_part(
    index: &Index,
    fields: &Fields,
    words: &str,
    ranking: &Ranking,
) -> Result<Option<TextPart>> {
    if words.is_empty() || words == "*" {
        return Ok(None);
    }
    reject_field_wildcard(words)?;
    let parser = query_parser(index, fields, ranking.title_boost);
    let parsed = apostrophes(words);
    check_shape(&parsed)?;
    let (parsed, proximities) = operators::extract(&parsed)?;
    // A query with a proximity operator has syntax, however plain its words.
    let plain = if proximities.is_empty() {
        ranking::plain_words(&parsed)
    } else {
        None
    };
    if let Some(plain) = plain {
        let explain = |e| explain_parse_error(e, words);
        let matches = parser.parse_query(&parsed).map_err(explain)?;
        let mut conjunctive = query_parser(index, fields, ranking.title_boost);
        conjunctive.set_conjunction_by_default();
        let counted = conjunctive.parse_query(&parsed).map_err(explain)?;
        let mut parts = Vec::new();
        for (label, word) in words.split_whitespace().zip(plain) {
            let query = parser.parse_query(word).map_err(explain)?;
            // A word the analyzer drops (punctuation alone) is required by nothing.
            if !query.is::<EmptyQuery>() {
                parts.push(Part {
                    label: label.to_string(),
                    query,
                });
            }
        }
        let ranked = ranking::text_query(&parser, &conjunctive, &parsed, ranking)
            .map_err(|e| explain_parse_error(e, words))?;
        let rescore = ranking::rescore_terms(
            &parser,
            (fields.title, fields.author, fields.body),
            (fields.inflected, &mut schema::exact_analyzer()),
            fields.named,
            &parsed,
            ranking,
        );
        return Ok(Some(TextPart {
            matches,
            counted,
            parts,
            ranked,
            rescore,
        }));
    }
    let syntax = Syntax {
        index,
        fields,
        parser: &parser,
        title_boost: ranking.title_boost,
        text: words,
        conjunctive: false,
        proximities: &proximities,
    };
    let counting = Syntax {
        conjunctive: true,
        ..syntax
    };
    let counted = counting.build(&runs::bracket_runs(&parsed))?;
    let mut parts = Vec::new();
    for part in runs::required_parts(&parsed) {
        let query = counting.build(&runs::bracket_runs(part))?;
        if !query.is::<EmptyQuery>() {
            parts.push(Part {
                label: operators::restore(part, &proximities).replace("\\'", "'"),
                query,
            });
        }
    }
    // With one part there are no partial matches to list after the counted set, which is
    // then what the search lists and counts (`Counting::Matches`): the part read with every
    // word of its groups required, so `(oil prices)` and `title:(oil prices)` mean oil and
    // prices as `oil prices` does, not oil or prices.
    let matches = if parts.len() > 1 {
        syntax.build(&parsed)?
    } else {
        counted.box_clone()
    };
    let ranked = ranking::Scored {
        query: matches.box_clone(),
        prune: None,
    };
    Ok(Some(TextPart {
        matches,
        counted,
        parts,
        ranked,
        rescore: None,
    }))
}

/// Matches every article `filters` let through, whatever the words: what a share of the
/// archive is counted against (a timeline's `all`). Built from the same clauses as
/// [`build`]'s, so every filter the search takes restricts it too.
pub fn filter_query(fields: &Fields, filters: &Filters) -> Box<dyn Query> {
    restrict(
        Box::new(AllQuery),
        &filter_clauses(fields, Vec::new(), filters),
    )
}

/// `query` with one more restriction: `also` required (`Occur::Must`) or excluded
/// (`Occur::MustNot`), scored 0 as every filter is.
pub fn restrict_also(query: Box<dyn Query>, occur: Occur, also: Box<dyn Query>) -> Box<dyn Query> {
    let also: Box<dyn Query> = Box::new(ConstScoreQuery::new(also, 0.0));
    restrict(query, &[(occur, also)])
}

/// True when `filters` restrict the search at all.
pub fn has_filters(filters: &Filters) -> bool {
    !filters.authors.is_empty()
        || !filters.places.is_empty()
        || !filters.sources.is_empty()
        || !filters.collections.is_empty()
        || filters.undated
        || filters.from.is_some()
        || filters.to.is_some()
}

/// The query's date clauses, then `--from`/`--to`, then the author, place and source
/// filters, each as a clause scored 0: they restrict the matches, never rank them.
fn filter_clauses(
    fields: &Fields,
    dates: Vec<DateClause>,
    filters: &Filters,
) -> Vec<(Occur, Box<dyn Query>)> {
    let filter = |q: Box<dyn Query>| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(q, 0.0)) };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for c in dates {
        let occur = if c.negated {
            Occur::MustNot
        } else {
            Occur::Must
        };
        clauses.push((occur, filter(date_filter(fields, c.span))));
    }
    if filters.from.is_some() || filters.to.is_some() {
        let span = DaySpan {
            start: filters.from,
            end: filters.to.and_then(|d| d.succ_opt()),
        };
        clauses.push((Occur::Must, filter(date_filter(fields, span))));
    }
    for (field, names) in [
        (fields.author_key, &filters.authors),
        (fields.place, &filters.places),
        (fields.source, &filters.sources),
        (fields.collection, &filters.collections),
    ] {
        if names.is_empty() {
            continue;
        }
        let any: Box<dyn Query> = if field == fields.author_key {
            any_author(fields, names)
        } else {
            any_name(field, names)
        };
        clauses.push((Occur::Must, filter(any)));
    }
    if filters.undated {
        clauses.push((Occur::Must, filter(undated_only())));
    }
    clauses
}

/// `query` required, with the `restrictions`; `query` itself when there are none.
fn restrict(query: Box<dyn Query>, restrictions: &[(Occur, Box<dyn Query>)]) -> Box<dyn Query> {
    if restrictions.is_empty() {
        return query;
    }
    let mut clauses = vec![(Occur::Must, query)];
    clauses.extend(clone_clauses(restrictions));
    Box::new(BooleanQuery::new(clauses))
}

/// The pruning parts with their candidates restricted as the query is, and the
/// restrictions on their own as the filter that the unpruned word union leaves out.
fn filter_prune(
    mut prune: ranking::PruneParts,
    restrictions: &[(Occur, Box<dyn Query>)],
) -> ranking::PruneParts {
    if !restrictions.is_empty() {
        let mut filter = clone_clauses(restrictions);
        filter.push((Occur::Must, Box::new(AllQuery)));
        prune.filter = Some(Box::new(BooleanQuery::new(filter)));
    }
    prune.candidates = restrict(prune.candidates, restrictions);
    prune
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `build` refuses `text` with, on an empty index.
    fn refused(text: &str) -> QueryError {
        let (schema, fields) = schema::build_schema();
        let index = Index::create_in_ram(schema);
        schema::prepare(&index);
        match build(
            &index,
            &fields,
            text,
            &Filters::default(),
            &Ranking::default(),
        ) {
            Err(e) => e,
            Ok(_) => panic!("'{text}' made a query"),
        }
    }

    /// `text` built over an in-RAM index of the documents `docs` makes, with a searcher of it.
    fn built_over(
        docs: impl FnOnce(&schema::Fields) -> Vec<tantivy::TantivyDocument>,
        text: &str,
    ) -> (tantivy::Searcher, Built) {
        let (schema, fields) = schema::build_schema();
        let index = Index::create_in_ram(schema);
        schema::prepare(&index);
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        for doc in docs(&fields) {
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let built = build(
            &index,
            &fields,
            text,
            &Filters::default(),
            &Ranking::default(),
        )
        .unwrap();
        (searcher, built)
    }

    /// How many of `bodies` (one article each) the counted set and the hit list of `text`
    /// hold.
    fn counted_and_listed(bodies: &[&str], text: &str) -> (usize, usize) {
        let (searcher, built) = built_over(
            |fields| {
                bodies
                    .iter()
                    .map(|body| {
                        let mut doc = tantivy::TantivyDocument::default();
                        doc.add_text(fields.title, "story");
                        doc.add_text(fields.body, body);
                        doc
                    })
                    .collect()
            },
            text,
        );
        (
            built.count_query.count(&searcher).unwrap(),
            built.list_query.count(&searcher).unwrap(),
        )
    }

    const ABC: [&str; 7] = ["a", "b", "c", "a b", "a c", "b c", "a b c"];

    #[test]
    fn plain_words_count_the_articles_with_every_word() {
        assert_eq!(counted_and_listed(&ABC, "a b"), (2, 6));
        assert_eq!(counted_and_listed(&ABC, "a"), (4, 4));
    }

    #[test]
    fn or_joins_the_parts_beside_it_and_the_rest_are_required() {
        // tantivy alone reads `a b OR c` with conjunction as +a (b, c optional): here it
        // is a AND (b OR c).
        assert_eq!(counted_and_listed(&ABC, "a b OR c"), (3, 7));
        assert_eq!(counted_and_listed(&ABC, "a OR b c"), (3, 7));
        assert_eq!(counted_and_listed(&ABC, "(a OR b) c"), (3, 7));
        assert_eq!(counted_and_listed(&ABC, "a OR b OR c"), (7, 7));
        assert_eq!(counted_and_listed(&ABC, "a AND b OR c"), (5, 5));
    }

    #[test]
    fn operators_phrases_and_exclusions_keep_their_meaning() {
        assert_eq!(counted_and_listed(&ABC, "+a b"), (2, 4));
        assert_eq!(counted_and_listed(&ABC, "a -b c"), (1, 3));
        assert_eq!(counted_and_listed(&ABC, "\"a b\" c"), (1, 5));
        assert_eq!(counted_and_listed(&ABC, "a NOT c"), (2, 2));
        // One part: what is listed is what is counted, a group's words all required.
        assert_eq!(counted_and_listed(&ABC, "(a b) OR c"), (5, 5));
        assert_eq!(counted_and_listed(&ABC, "(a b)"), (2, 2));
    }

    #[test]
    fn refusals_are_typed_and_the_users() {
        for (text, kind) in [
            (String::new(), "empty"),
            ("oil ".repeat(MAX_QUERY_CHARS), "shape"),
            ("(".repeat(MAX_NESTING + 1), "shape"),
            ("oil date:yesterday".into(), "date"),
            ("oil title:*".into(), "syntax"),
            ("unknown:oil AND gas".into(), "syntax"),
        ] {
            let e = refused(&text);
            let got = match e {
                QueryError::Empty => "empty",
                QueryError::Shape(_) => "shape",
                QueryError::Date(_) => "date",
                QueryError::Syntax(_) => "syntax",
                QueryError::Index(_) => "index",
            };
            assert_eq!(got, kind, "{text}: {e}");
            assert!(e.is_users(), "{text}");
            assert!(!e.to_string().contains('\n'), "{text}: {e}");
        }
    }

    /// Which of `articles` (title, body, and the body positions of its sentence and
    /// paragraph starts, filled by hand as the indexer fills `breaks`) `text` matches, by
    /// their place in the list.
    fn near_matches(articles: &[(&str, &str, &[u32], &[u32])], text: &str) -> Vec<usize> {
        use tantivy::collector::DocSetCollector;
        use tantivy::tokenizer::{PreTokenizedString, Token};
        let make = |fields: &schema::Fields| {
            let mut docs = Vec::new();
            for (title, body, sentences, paragraphs) in articles {
                let mut doc = tantivy::TantivyDocument::default();
                doc.add_text(fields.title, title);
                doc.add_text(fields.body, body);
                let mut tokens: Vec<Token> = Vec::new();
                for (term, at) in [
                    (schema::breaks::SENTENCE, sentences),
                    (schema::breaks::PARAGRAPH, paragraphs),
                ] {
                    for &position in at.iter() {
                        tokens.push(Token {
                            position: position as usize,
                            text: term.into(),
                            ..Token::default()
                        });
                    }
                }
                tokens.sort_by_key(|t| t.position);
                doc.add_pre_tokenized_text(
                    fields.breaks,
                    PreTokenizedString {
                        text: String::new(),
                        tokens,
                    },
                );
                docs.push(doc);
            }
            docs
        };
        let (searcher, built) = built_over(make, text);
        let mut found: Vec<usize> = searcher
            .search(&built.query, &DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|a| a.doc_id as usize)
            .collect();
        found.sort();
        let counted = built.count_query.count(&searcher).unwrap();
        assert_eq!(counted, found.len(), "{text}: counted and listed differ");
        found
    }

    #[test]
    fn proximity_is_judged_on_word_positions() {
        let none: &[u32] = &[];
        let articles = [
            ("story", "cocoa prices fell", none, none),
            ("story", "cocoa one two three prices", none, none),
            ("story", "prices one cocoa", none, none),
            ("cocoa prices", "nothing here", none, none),
            ("cocoa", "cocoa", none, none),
        ];
        assert_eq!(near_matches(&articles, "cocoa w/1 prices"), vec![0, 3]);
        assert_eq!(near_matches(&articles, "prices W/2 cocoa"), vec![0, 2, 3]);
        assert_eq!(
            near_matches(&articles, "cocoa near/4 prices"),
            vec![0, 1, 2, 3]
        );
        assert_eq!(near_matches(&articles, "cocoa pre/4 prices"), vec![0, 1, 3]);
        assert_eq!(near_matches(&articles, "prices pre/4 cocoa"), vec![2]);
        assert_eq!(near_matches(&articles, "title:(cocoa w/5 prices)"), vec![3]);
        assert_eq!(
            near_matches(&articles, "\"cocoa prices\" pre/1 fell"),
            vec![0]
        );
        assert_eq!(
            near_matches(&articles, "(fell OR three) w/1 prices"),
            vec![0, 1]
        );
        assert_eq!(near_matches(&articles, "cocoa w/1 prices -fell"), vec![3]);
        assert_eq!(near_matches(&articles, "atleast2 cocoa"), vec![4]);
        assert_eq!(
            near_matches(&articles, "ATLEAST1 three OR fell"),
            vec![0, 1]
        );
    }

    #[test]
    fn sentences_and_paragraphs_are_read_from_the_breaks() {
        // a0 b1 c2 | d3 e4 f5 || g6 h7: a sentence starts at 3, a paragraph at 6.
        let body = "a b c. D e f\n\ng h";
        let articles = [
            ("story", body, &[3u32][..], &[6u32][..]),
            ("a", "b", &[][..], &[][..]),
        ];
        assert_eq!(near_matches(&articles, "a w/s c"), vec![0]);
        assert_eq!(near_matches(&articles, "c w/s d"), Vec::<usize>::new());
        assert_eq!(near_matches(&articles, "f w/s d"), vec![0]);
        assert_eq!(near_matches(&articles, "a w/p f"), vec![0]);
        assert_eq!(near_matches(&articles, "g w/p f"), Vec::<usize>::new());
        assert_eq!(near_matches(&articles, "g W/P h"), vec![0]);
        // Never the title's word with the body's.
        assert_eq!(near_matches(&articles, "a w/s b"), vec![0]);
        assert_eq!(near_matches(&articles, "a w/1 b"), vec![0]);
    }
}
