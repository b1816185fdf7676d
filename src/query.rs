//! Turning what users type into a tantivy query.
//!
//! Words, phrases, boolean operators and `title:`/`author:`/`body:` go to tantivy's
//! QueryParser. Date clauses (`date:2017-03`, `date:>=2017-03-01`, `date:[A TO B]`) are taken
//! out first and become filters: they restrict the matches but never add to the score and are
//! never OR-ed with the words, which is what a researcher means by "THAAD in March 2017".

use std::ops::Bound;

use anyhow::{anyhow, bail, Result};
use chrono::{Months, NaiveDate};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, Query,
    QueryParser, QueryParserError, RangeQuery, TermQuery,
};
use tantivy::query_grammar::{
    Delimiter, UserInputAst, UserInputBound, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DateTime, Index};

use crate::ranking::{self, clone_clauses, Ranking};
use crate::schema::{self, author_key, Fields};

/// A half-open span of days `[start, end)`; `None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySpan {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// A date clause found in the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateClause {
    pub span: DaySpan,
    pub negated: bool,
}

/// How to write a date, for errors about one.
pub const DATE_HELP: &str =
    "write dates as YYYY-MM-DD (2017-03-17), YYYY-MM (a whole month) or YYYY (a whole year)";

/// Reads a day, month or year as the span of days it covers.
pub fn parse_day_span(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)? as i32;
            Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y + 1, 1, 1)?,
            ))
        }
        [y, m] => {
            let start = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, 1)?;
            Some((start, start.checked_add_months(Months::new(1))?))
        }
        [y, m, d] => {
            let day = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)?;
            Some((day, day.succ_opt()?))
        }
        _ => None,
    }
}

fn span_of(text: &str, what: &str) -> Result<(NaiveDate, NaiveDate)> {
    parse_day_span(text).ok_or_else(|| anyhow!("invalid date '{text}' in {what}: {DATE_HELP}"))
}

/// Parses the value after `date:` into the days it selects.
pub fn parse_date_value(value: &str) -> Result<DaySpan> {
    let what = format!("date:{value}");
    if let Some(inner) = value
        .strip_prefix(['[', '{'])
        .and_then(|v| v.strip_suffix([']', '}']))
    {
        let lower_inclusive = value.starts_with('[');
        let upper_inclusive = value.ends_with(']');
        let (a, b) = inner
            .split_once(" TO ")
            .or_else(|| inner.split_once(" to "))
            .ok_or_else(|| {
                anyhow!("invalid date range '{value}': write date:[2017-03-01 TO 2017-03-31]")
            })?;
        let (a, b) = (a.trim(), b.trim());
        let start = match a {
            "*" => None,
            _ => {
                let (s, e) = span_of(a, &what)?;
                Some(if lower_inclusive { s } else { e })
            }
        };
        let end = match b {
            "*" => None,
            _ => {
                let (s, e) = span_of(b, &what)?;
                Some(if upper_inclusive { e } else { s })
            }
        };
        let span = DaySpan { start, end };
        check_span(span, &what)?;
        return Ok(span);
    }
    for (op, f) in [(">=", 0u8), ("<=", 1), (">", 2), ("<", 3)] {
        if let Some(rest) = value.strip_prefix(op) {
            let (s, e) = span_of(rest, &what)?;
            return Ok(match f {
                0 => DaySpan {
                    start: Some(s),
                    end: None,
                },
                1 => DaySpan {
                    start: None,
                    end: Some(e),
                },
                2 => DaySpan {
                    start: Some(e),
                    end: None,
                },
                _ => DaySpan {
                    start: None,
                    end: Some(s),
                },
            });
        }
    }
    let (s, e) = span_of(value, &what)?;
    Ok(DaySpan {
        start: Some(s),
        end: Some(e),
    })
}

/// Splits the date clauses out of a query, returning the rest of the text and the clauses.
/// Quoted phrases are left alone, so `"date: 2017"` is still a phrase.
pub fn extract_date_clauses(query: &str) -> Result<(String, Vec<DateClause>)> {
    let chars: Vec<char> = query.chars().collect();
    let mut rest = String::with_capacity(query.len());
    let mut clauses = Vec::new();
    let mut i = 0;
    let mut in_quotes = false;
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            in_quotes = !in_quotes;
            rest.push(c);
            i += 1;
            continue;
        }
        if !in_quotes && c == '(' {
            depth += 1;
        } else if !in_quotes && c == ')' {
            depth = depth.saturating_sub(1);
        }
        let at_word_start = i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '(';
        if !in_quotes && at_word_start {
            let mut j = i;
            let mut negated = false;
            if matches!(chars[j], '-' | '+') {
                negated = chars[j] == '-';
                j += 1;
            }
            let word: String = chars[j..].iter().take(5).collect();
            if word.eq_ignore_ascii_case("date:") {
                j += 5;
                let start = j;
                if j < chars.len() && matches!(chars[j], '[' | '{') {
                    while j < chars.len() && !matches!(chars[j], ']' | '}') {
                        j += 1;
                    }
                    if j == chars.len() {
                        bail!("unclosed date range in '{query}': close it with ] (date:[2017-03-01 TO 2017-03-31])");
                    }
                    j += 1;
                } else {
                    while j < chars.len() && !chars[j].is_whitespace() && chars[j] != ')' {
                        j += 1;
                    }
                }
                let value: String = chars[start..j].iter().collect();
                if value.is_empty() {
                    bail!("date: needs a value, e.g. date:2017-03-17 or date:>=2017-03-01");
                }
                // A clause inside brackets or joined to its neighbours by AND / OR stays in
                // the text and takes its place in the boolean structure (see `convert`);
                // a free-standing one is a filter on the whole query.
                let mut before = rest.split_whitespace().rev();
                let prev = match before.next() {
                    Some("NOT") => before.next(),
                    other => other,
                };
                let next: String = chars[j..]
                    .iter()
                    .skip_while(|c| c.is_whitespace())
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let joined = |w: Option<&str>| matches!(w, Some("AND" | "OR" | "&&" | "||"));
                if depth > 0 || joined(prev) || joined(Some(&next)) {
                    rest.extend(&chars[i..j]);
                    i = j;
                    continue;
                }
                // `NOT date:...` negates too; drop the NOT from the words.
                let trimmed = rest.trim_end();
                if trimmed.ends_with(" NOT") || trimmed == "NOT" {
                    negated = true;
                    let cut = trimmed.len() - 3;
                    rest.truncate(cut);
                }
                clauses.push(DateClause {
                    span: parse_date_value(&value)?,
                    negated,
                });
                i = j;
                continue;
            }
        }
        rest.push(c);
        i += 1;
    }
    Ok((rest.trim().to_string(), clauses))
}

fn day_term(fields: &Fields, day: NaiveDate) -> Term {
    let secs = day
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp())
        .unwrap_or_default();
    Term::from_field_date(fields.date, DateTime::from_timestamp_secs(secs))
}

/// A filter for the days in `span` (articles without a date never match one).
pub fn date_filter(fields: &Fields, span: DaySpan) -> Box<dyn Query> {
    let lower = span
        .start
        .map_or(Bound::Unbounded, |d| Bound::Included(day_term(fields, d)));
    let upper = span
        .end
        .map_or(Bound::Unbounded, |d| Bound::Excluded(day_term(fields, d)));
    if matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
        // Both ends open: every dated article.
        let lower = Bound::Included(day_term(
            fields,
            NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default(),
        ));
        return Box::new(RangeQuery::new(lower, Bound::Unbounded));
    }
    Box::new(RangeQuery::new(lower, upper))
}

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

/// Reads a `from` or `to` bound (a day, month or year): its first day, or with `end` its
/// last (`to 2017-03` is 2017-03-31); the error names the bound as the caller spells it.
pub fn parse_day_bound(text: &str, name: &str, end: bool) -> Result<NaiveDate, String> {
    let (first, after) = parse_day_span(text)
        .ok_or_else(|| format!("invalid date '{text}' for {name}: {DATE_HELP}"))?;
    Ok(if end {
        after.pred_opt().unwrap_or(after)
    } else {
        first
    })
}

/// The built query plus what the snippet generator needs to know.
pub struct Built {
    pub query: Box<dyn Query>,
    /// Matches exactly what `query` matches, without the ranking's extra clauses: cheaper
    /// to count.
    pub count_query: Box<dyn Query>,
    /// The part that matches words, without filters: what snippets highlight.
    pub text_query: Option<Box<dyn Query>>,
    /// For a ranked plain query: what finds its top k without scoring every match, its
    /// candidates filtered as `query` is.
    pub prune: Option<ranking::PruneParts>,
    /// For a plain query under a ranking that rescores: how its best matches are scored
    /// again (`crate::rescore`).
    pub rescore: Option<ranking::Rescore>,
}

pub fn query_parser(index: &Index, fields: &Fields, title_boost: f32) -> QueryParser {
    let mut parser = QueryParser::for_index(index, vec![fields.title, fields.author, fields.body]);
    parser.set_field_boost(fields.title, title_boost);
    parser
}

/// `authors:` is what users call the field too; tantivy knows it as `author`.
fn normalise_field_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_quotes = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = bytes[i];
        if c == b'"' {
            in_quotes = !in_quotes;
        }
        let at_start = i == 0 || matches!(bytes[i - 1], b' ' | b'(' | b'+' | b'-' | b'\t');
        if !in_quotes && at_start && text[i..].starts_with("authors:") {
            out.push_str("author:");
            i += "authors:".len();
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Apostrophes as users type them: tantivy's parser takes `'` for the start of a quoted
/// phrase, so `Pyongyang's` or `don't` failed to parse. Outside quotes, a possessive `'s`
/// (or a trailing `'`, as in `Jones'`) is dropped, so `Pyongyang's` finds the bare word as
/// the index does; an apostrophe inside a word (`don't`, `O'Neill`) is escaped and becomes
/// part of the word. A `'` opening a word with a closing one later still quotes a phrase
/// (`'interest rates'`), and quoted text is left as typed: there `'s` is part of the phrase.
fn apostrophes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
    let mut out = String::with_capacity(text.len() + 4);
    let (mut in_double, mut in_single) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).and_then(|p| chars.get(p));
        let next = chars.get(i + 1);
        if c == '\\' {
            // An escape the user typed: kept with what it escapes.
            out.push(c);
            out.extend(next);
            i += 2;
            continue;
        }
        if c == '"' && !in_single {
            in_double = !in_double;
        }
        if in_double || (c != '\'' && c != '\u{2019}') {
            out.push(c);
            i += 1;
            continue;
        }
        let straight = c == '\'';
        if is_word(prev) && is_word(next) {
            if !in_single && matches!(next, Some('s' | 'S')) && !is_word(chars.get(i + 2)) {
                i += 2;
                continue;
            }
            if straight {
                out.push('\\');
            }
            out.push(c);
        } else if straight && in_single && is_word(prev) {
            // Closes the quoted phrase.
            in_single = false;
            out.push(c);
        } else if straight
            && !is_word(prev)
            && next.is_some_and(|n| !n.is_whitespace())
            && chars[i + 1..].contains(&'\'')
        {
            in_single = true;
            out.push(c);
        }
        // Otherwise a stray or trailing apostrophe: nothing to search for.
        i += 1;
    }
    out
}

fn explain_parse_error(e: QueryParserError, text: &str) -> anyhow::Error {
    match e {
        QueryParserError::FieldDoesNotExist(f) => anyhow!(
            "unknown field '{f}:' in query '{text}': use title:, author:, body:, place:, source: or date: (quote the words to search for a literal colon)"
        ),
        QueryParserError::SyntaxError(_) => anyhow!(
            "cannot parse query '{text}': check quotes, brackets and operators (AND, OR, NOT, +, -)"
        ),
        QueryParserError::FieldNotIndexed(f) => anyhow!(
            "field '{f}' cannot be searched: use title:, author:, body:, place:, source: or date:"
        ),
        other => anyhow!("cannot parse query '{text}': {other}"),
    }
}

/// The longest query accepted, in characters: far more than anyone types, short enough that
/// building and running a query stays quick.
pub const MAX_QUERY_CHARS: usize = 2000;
/// The deepest nesting of brackets accepted. tantivy's query grammar is recursive, so a
/// query of thousands of `(` would overflow the stack; nobody groups deeper than a few levels.
pub const MAX_NESTING: usize = 32;

/// Refuses, before any parsing, queries too long or too deeply nested to parse safely.
pub fn check_shape(text: &str) -> Result<()> {
    let depth = nesting(text, true).unwrap_or_else(|| {
        // An unclosed quote: count every bracket, as a parser might read past it.
        nesting(text, false).unwrap_or(0)
    });
    if depth > MAX_NESTING {
        bail!("query nests brackets {depth} levels deep: use at most {MAX_NESTING} levels of ( )");
    }
    let chars = text.chars().count();
    if chars > MAX_QUERY_CHARS {
        bail!(
            "query too long ({chars} characters): shorten it to at most {MAX_QUERY_CHARS}, keeping the rarest words"
        );
    }
    Ok(())
}

/// The deepest nesting of `(` in `text`; with `skip_quoted`, brackets inside quotes do not
/// count, and None means a quote is left open.
fn nesting(text: &str, skip_quoted: bool) -> Option<usize> {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' | '\'' if skip_quoted => match quote {
                None => quote = Some(c),
                Some(q) if q == c => quote = None,
                Some(_) => {}
            },
            _ if quote.is_some() => {}
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    quote.is_none().then_some(deepest)
}

/// `field:*` parses as tantivy's "field has a value" query, which works only on fast fields
/// and fails at search time with a schema error that tells a user nothing; every article has
/// a title and body anyway, so say what to type instead.
fn reject_field_wildcard(words: &str) -> Result<()> {
    // Only outside quotes: `"a:*"` is a phrase, not a field wildcard.
    let unquoted = words.split('"').step_by(2);
    for word in
        unquoted.flat_map(|part| part.split(|c: char| c.is_whitespace() || c == '(' || c == ')'))
    {
        let bare = word.trim_start_matches(['+', '-']);
        if let Some(field) = bare.strip_suffix(":*") {
            bail!(
                "'{bare}' is not supported: search for words in a field (e.g. {field}:oil), or use * alone to list every article"
            );
        }
    }
    Ok(())
}

/// A query with syntax, built from tantivy's own query grammar: each leaf as tantivy's
/// parser builds it, except what the parser gets wrong for news search: date clauses become
/// zero-scored date filters where they stand (`cocoa AND date:1987-03`,
/// `(a date:1987) OR b`), `coc*` a prefix and `cocoa~2` a fuzzy match, and a group of only
/// excluded words (`NOT cocoa`) means every article without them, as in Lucene-based engines.
struct Syntax<'a> {
    index: &'a Index,
    fields: &'a Fields,
    parser: &'a QueryParser,
    title_boost: f32,
    /// The text as typed, for messages.
    text: &'a str,
}

/// The shortest prefix `word*` searches for: shorter ones match much of the dictionary.
const MIN_PREFIX_CHARS: usize = 2;
/// The most edits `word~N` allows (what tantivy's Levenshtein automata support).
const MAX_FUZZY_EDITS: u32 = 2;

fn is_date_field(name: Option<&str>) -> bool {
    name.is_some_and(|n| n.eq_ignore_ascii_case(schema::DATE))
}

fn is_date_leaf(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Leaf(leaf) => match &**leaf {
            UserInputLeaf::Literal(l) => is_date_field(l.field_name.as_deref()),
            UserInputLeaf::Range { field, .. } => is_date_field(field.as_deref()),
            _ => false,
        },
        UserInputAst::Boost(inner, _) => is_date_leaf(inner),
        UserInputAst::Clause(_) => false,
    }
}

impl Syntax<'_> {
    fn build(&self, text: &str) -> Result<Box<dyn Query>> {
        let ast = tantivy::query_grammar::parse_query(text).map_err(|_| {
            explain_parse_error(QueryParserError::SyntaxError(text.into()), self.text)
        })?;
        Ok(self
            .convert(ast)?
            .unwrap_or_else(|| Box::new(EmptyQuery) as Box<dyn Query>))
    }

    /// None: the part matches nothing to search for (only punctuation, say) and is left out,
    /// as tantivy's parser leaves it out.
    fn convert(&self, ast: UserInputAst) -> Result<Option<Box<dyn Query>>> {
        match ast {
            UserInputAst::Leaf(leaf) => self.leaf(*leaf),
            UserInputAst::Boost(inner, boost) => Ok(self
                .convert(*inner)?
                .map(|q| Box::new(BoostQuery::new(q, boost.into_inner() as f32)) as _)),
            UserInputAst::Clause(children) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (occur, child) in children {
                    // A date clause with no operator filters the rest of its group, as one
                    // outside brackets filters the whole query.
                    let filter = occur.is_none() && is_date_leaf(&child);
                    let Some(q) = self.convert(child)? else {
                        continue;
                    };
                    if filter {
                        filters.push((Occur::Must, q));
                    } else {
                        clauses.push((occur.unwrap_or(Occur::Should), q));
                    }
                }
                if !clauses.is_empty() && clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    clauses.push((
                        Occur::Should,
                        Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0)),
                    ));
                }
                if !filters.is_empty() && !clauses.is_empty() {
                    let rest: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
                    filters.push((Occur::Must, rest));
                    clauses = filters;
                } else if clauses.is_empty() {
                    clauses = filters;
                }
                if clauses.is_empty() {
                    return Ok(None);
                }
                Ok(Some(Box::new(BooleanQuery::new(clauses))))
            }
        }
    }

    fn leaf(&self, leaf: UserInputLeaf) -> Result<Option<Box<dyn Query>>> {
        let zero = |q: Box<dyn Query>| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(q, 0.0)) };
        match leaf {
            UserInputLeaf::Literal(l) if is_date_field(l.field_name.as_deref()) => {
                let span = parse_date_value(&l.phrase)?;
                Ok(Some(zero(date_filter(self.fields, span))))
            }
            UserInputLeaf::Range {
                field: Some(f),
                lower,
                upper,
            } if is_date_field(Some(&f)) => {
                let bound = |b: &UserInputBound, upper: bool| -> Result<Option<NaiveDate>> {
                    let what = format!("'{}'", self.text);
                    Ok(match b {
                        UserInputBound::Unbounded => None,
                        UserInputBound::Inclusive(v) if v == "*" => None,
                        UserInputBound::Inclusive(v) => {
                            let (s, e) = span_of(v, &what)?;
                            Some(if upper { e } else { s })
                        }
                        UserInputBound::Exclusive(v) => {
                            let (s, e) = span_of(v, &what)?;
                            Some(if upper { s } else { e })
                        }
                    })
                };
                let span = DaySpan {
                    start: bound(&lower, false)?,
                    end: bound(&upper, true)?,
                };
                check_span(span, self.text)?;
                Ok(Some(zero(date_filter(self.fields, span))))
            }
            UserInputLeaf::Range { field: None, .. } => bail!(
                "a range needs a field: ranges work on dates, e.g. date:[2017-03-01 TO 2017-03-31]"
            ),
            UserInputLeaf::Range { field: Some(f), .. } => bail!(
                "'{f}:[... TO ...]' is not supported: ranges work on dates only, e.g. date:[2017-03-01 TO 2017-03-31]"
            ),
            UserInputLeaf::Set { .. } => {
                bail!("'IN [...]' is not supported: join the words with OR (cocoa OR coffee)")
            }
            UserInputLeaf::Regex { .. } => bail!(
                "regular expressions (/.../) are not supported: search for words, \"phrases\" or a prefix*"
            ),
            UserInputLeaf::Exists { field } => bail!(
                "'{field}:*' is not supported: search for words in a field (e.g. {field}:oil), or use * alone to list every article"
            ),
            UserInputLeaf::Literal(l)
                if l.delimiter == Delimiter::None && l.phrase.contains(['*', '~']) =>
            {
                let word = l.phrase.as_str();
                if let Some((stem, edits)) = word.rsplit_once('~') {
                    let edits = match edits {
                        // `word~` alone: as many edits as allowed, as in Lucene.
                        "" => MAX_FUZZY_EDITS,
                        n => n.parse().map_err(|_| {
                            anyhow!("cannot read '{word}': write word~1 or word~2 to allow spelling differences")
                        })?,
                    };
                    return self.leaf(UserInputLeaf::Literal(UserInputLiteral {
                        phrase: stem.to_string(),
                        slop: edits.max(1),
                        prefix: false,
                        ..l
                    }));
                }
                match word.strip_suffix('*') {
                    Some(stem) if !stem.is_empty() && !stem.contains('*') => {
                        self.leaf(UserInputLeaf::Literal(UserInputLiteral {
                            phrase: stem.to_string(),
                            prefix: true,
                            ..l
                        }))
                    }
                    _ => bail!(
                        "'{word}': * works only at the end of a word, as a prefix (coc* finds cocoa), or alone for every article"
                    ),
                }
            }
            UserInputLeaf::Literal(l) if l.delimiter == Delimiter::None && l.prefix => {
                self.expand(&l.field_name, &l.phrase, |term, chars, typed| {
                    if chars < MIN_PREFIX_CHARS {
                        bail!(
                            "'{typed}*' is too short to search as a prefix: give at least {MIN_PREFIX_CHARS} letters before *"
                        );
                    }
                    Ok(Box::new(FuzzyTermQuery::new_prefix(term, 0, false)))
                })
            }
            UserInputLeaf::Literal(l) if l.delimiter == Delimiter::None && l.slop > 0 => {
                let edits = l.slop;
                if edits > MAX_FUZZY_EDITS {
                    bail!(
                        "'{}~{edits}' allows too many differences: use ~1 or ~2 for words spelt up to two letters differently",
                        l.phrase
                    );
                }
                self.expand(&l.field_name, &l.phrase, |term, _, _| {
                    Ok(Box::new(FuzzyTermQuery::new(term, edits as u8, true)))
                })
            }
            other => {
                let q = self
                    .parser
                    .build_query_from_user_input_ast(UserInputAst::Leaf(Box::new(other)))
                    .map_err(|e| explain_parse_error(e, self.text))?;
                Ok((!q.is::<EmptyQuery>()).then_some(q))
            }
        }
    }

    /// `make`'s query for the word in each field it is searched in (the named one, else
    /// title, author and body), the word analysed as that field indexes words.
    fn expand(
        &self,
        field_name: &Option<String>,
        word: &str,
        make: impl Fn(Term, usize, &str) -> Result<Box<dyn Query>>,
    ) -> Result<Option<Box<dyn Query>>> {
        let targets = match field_name {
            None => vec![self.fields.title, self.fields.author, self.fields.body],
            Some(name) => {
                let name = if name == "authors" {
                    schema::AUTHOR
                } else {
                    name
                };
                let field = self.index.schema().get_field(name).map_err(|_| {
                    explain_parse_error(
                        QueryParserError::FieldDoesNotExist(name.to_string()),
                        self.text,
                    )
                })?;
                vec![field]
            }
        };
        let mut any_of: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for field in targets {
            let entry = self.index.schema().get_field_entry(field).clone();
            if !matches!(entry.field_type(), tantivy::schema::FieldType::Str(_))
                || !entry.is_indexed()
            {
                bail!(
                    "'{}:{word}': prefixes and ~ work on words in title:, author:, body:, place: or source:",
                    entry.name()
                );
            }
            let mut analyzer = self.index.tokenizer_for_field(field)?;
            let mut tokens = Vec::new();
            analyzer
                .token_stream(word)
                .process(&mut |t| tokens.push(t.text.clone()));
            let token = match tokens.as_slice() {
                [] => continue,
                [one] => one,
                _ => bail!(
                    "'{word}' is more than one word: * and ~ apply to one word (cocoa* or cocoa~1)"
                ),
            };
            let term = Term::from_field_text(field, token);
            let mut q = make(term, token.chars().count(), word)?;
            if field == self.fields.title && self.title_boost != 1.0 {
                q = Box::new(BoostQuery::new(q, self.title_boost));
            }
            any_of.push((Occur::Should, q));
        }
        Ok(match any_of.len() {
            0 => None,
            1 => any_of.pop().map(|(_, q)| q),
            _ => Some(Box::new(BooleanQuery::new(any_of))),
        })
    }
}

/// A date range that selects no day is a mistake worth saying so.
fn check_span(span: DaySpan, text: &str) -> Result<()> {
    if let (Some(start), Some(end)) = (span.start, span.end) {
        if start >= end {
            bail!(
                "the date range in '{text}' selects no day: put the earlier date first (date:[2017-03-01 TO 2017-03-31])"
            );
        }
    }
    Ok(())
}

/// Matches documents whose whole-name `field` is any of `names`.
fn any_name(field: Field, names: &[String]) -> Box<dyn Query> {
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
    // Checked on what the user typed and again on what goes to the parser, which differs
    // only in how apostrophes are escaped.
    check_shape(text)?;
    let (words, dates) = extract_date_clauses(text)?;
    let words = normalise_field_names(&words);
    let words = text_part(index, fields, &words, ranking)?;
    if text.trim().is_empty() && !has_filters(filters) {
        bail!("empty query: type some words, or * to list every article");
    }
    let (text_query, ranked, rescore) = match words {
        Some(w) => (Some(w.matches), w.ranked, w.rescore),
        None => (
            None,
            ranking::Scored {
                query: Box::new(AllQuery),
                prune: None,
            },
            None,
        ),
    };
    let restrictions = filter_clauses(fields, dates, filters);
    // The ranking's extra clauses only reorder what the plain words match, so counting
    // runs on the plain query.
    let plain: Box<dyn Query> = text_query
        .as_ref()
        .map(|q| q.box_clone())
        .unwrap_or_else(|| Box::new(AllQuery));
    // The candidates are filtered as the query is, so that its top k are found among them.
    let prune = ranked.prune.map(|prune| filter_prune(prune, &restrictions));
    Ok(Built {
        query: restrict(ranked.query, &restrictions),
        count_query: restrict(plain, &restrictions),
        text_query,
        prune,
        rescore,
    })
}

/// The words of a query: as they match (what snippets highlight and counting runs on) and
/// as they are ranked.
struct TextPart {
    matches: Box<dyn Query>,
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
    if ranking::plain_words(&parsed).is_some() {
        let explain = |e| explain_parse_error(e, words);
        let matches = parser.parse_query(&parsed).map_err(explain)?;
        let mut conjunctive = query_parser(index, fields, ranking.title_boost);
        conjunctive.set_conjunction_by_default();
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
    };
    let matches = syntax.build(&parsed)?;
    let ranked = ranking::Scored {
        query: matches.box_clone(),
        prune: None,
    };
    Ok(Some(TextPart {
        matches,
        ranked,
        rescore: None,
    }))
}

/// True when `filters` restrict the search at all.
fn has_filters(filters: &Filters) -> bool {
    !filters.authors.is_empty()
        || !filters.places.is_empty()
        || !filters.sources.is_empty()
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
    ] {
        if !names.is_empty() {
            clauses.push((Occur::Must, filter(any_name(field, names))));
        }
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

    #[test]
    fn apostrophes_as_users_type_them() {
        for (typed, parsed) in [
            ("Pyongyang's missile", "Pyongyang missile"),
            ("Pyongyang\u{2019}s", "Pyongyang"),
            ("REAGAN'S budget", "REAGAN budget"),
            ("don't panic", "don\\'t panic"),
            ("O'Neill", "O\\'Neill"),
            ("Jones' house", "Jones house"),
            ("'interest rates'", "'interest rates'"),
            ("'Pyongyang's test'", "'Pyongyang\\'s test'"),
            (
                "\"Pyongyang's test\" nuclear",
                "\"Pyongyang's test\" nuclear",
            ),
            ("it's 'quoted' and Iran's", "it 'quoted' and Iran"),
            ("a ' stray", "a  stray"),
            ("title:Reuters's", "title:Reuters"),
            ("oil\\'s", "oil\\'s"),
        ] {
            assert_eq!(apostrophes(typed), parsed, "{typed}");
        }
    }

    #[test]
    fn field_wildcards_are_refused_outside_quotes_only() {
        assert!(reject_field_wildcard("oil title:*").is_err());
        assert!(reject_field_wildcard("(+body:*)").is_err());
        assert!(reject_field_wildcard("\"ratio a:*\" oil").is_ok());
        assert!(reject_field_wildcard("oil*").is_ok());
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn day_month_and_year_spans() {
        assert_eq!(
            parse_day_span("2017-03-17"),
            Some((d(2017, 3, 17), d(2017, 3, 18)))
        );
        assert_eq!(
            parse_day_span("2017-03"),
            Some((d(2017, 3, 1), d(2017, 4, 1)))
        );
        assert_eq!(
            parse_day_span("2017-12"),
            Some((d(2017, 12, 1), d(2018, 1, 1)))
        );
        assert_eq!(parse_day_span("2017"), Some((d(2017, 1, 1), d(2018, 1, 1))));
        assert_eq!(parse_day_span("2017-02-30"), None);
        assert_eq!(parse_day_span("17/03/2017"), None);
        assert_eq!(parse_day_span("2017-3-1"), None);
    }

    #[test]
    fn date_values() {
        let span = |s, e| DaySpan { start: s, end: e };
        assert_eq!(
            parse_date_value("[2017-03-01 TO 2017-03-31]").unwrap(),
            span(Some(d(2017, 3, 1)), Some(d(2017, 4, 1)))
        );
        assert_eq!(
            parse_date_value("{2017-03-01 TO 2017-03-31}").unwrap(),
            span(Some(d(2017, 3, 2)), Some(d(2017, 3, 31)))
        );
        assert_eq!(
            parse_date_value("[2017-03 TO *]").unwrap(),
            span(Some(d(2017, 3, 1)), None)
        );
        assert_eq!(
            parse_date_value(">=2017-03-01").unwrap(),
            span(Some(d(2017, 3, 1)), None)
        );
        assert_eq!(
            parse_date_value(">2017-03-01").unwrap(),
            span(Some(d(2017, 3, 2)), None)
        );
        assert_eq!(
            parse_date_value("<=2017-03").unwrap(),
            span(None, Some(d(2017, 4, 1)))
        );
        assert_eq!(
            parse_date_value("<2017-03-05").unwrap(),
            span(None, Some(d(2017, 3, 5)))
        );
        assert!(parse_date_value("yesterday").is_err());
        assert!(parse_date_value("[2017-03-01 2017-03-31]").is_err());
    }

    #[test]
    fn date_clauses_come_out_of_the_words() {
        let (rest, clauses) =
            extract_date_clauses("THAAD date:[2017-03-01 TO 2017-03-31] South -date:2017-03-17")
                .unwrap();
        assert_eq!(rest, "THAAD  South");
        assert_eq!(clauses.len(), 2);
        assert!(!clauses[0].negated);
        assert!(clauses[1].negated);
        let (rest, clauses) = extract_date_clauses("\"date:2017\" korea NOT date:2017").unwrap();
        assert_eq!(rest, "\"date:2017\" korea");
        assert_eq!(clauses.len(), 1);
        assert!(clauses[0].negated);
        assert!(extract_date_clauses("x date:[2017-01-01 TO").is_err());
        assert!(extract_date_clauses("x date:").is_err());
    }

    #[test]
    fn authors_field_name_is_accepted() {
        assert_eq!(
            normalise_field_names("authors:oki \"authors:x\""),
            "author:oki \"authors:x\""
        );
    }
}
