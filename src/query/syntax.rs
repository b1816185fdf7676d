//! Query syntax: the shape checks made before parsing (length, nesting, `field:*`), the
//! walk over tantivy's user query AST that builds a query with syntax, and the one-line
//! messages for what tantivy's parser refuses.

use chrono::NaiveDate;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, Query,
    QueryParser, QueryParserError,
};
use tantivy::query_grammar::{
    Delimiter, UserInputAst, UserInputBound, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::Term;
use tantivy::Index;

use super::dates::{check_span, date_filter, parse_date_value, span_of, DaySpan};
use super::near::{Form, NearQuery, Side};
use super::operators::{Link, Proximity};
use super::{QueryError, Result};
use crate::schema::{self, Fields};

pub(super) fn explain_parse_error(e: QueryParserError, text: &str) -> QueryError {
    match e {
        QueryParserError::FieldDoesNotExist(f) => QueryError::Syntax(format!(
            "unknown field '{f}:' in query '{text}': use title:, author:, body:, place:, source:, collection: or date: (quote the words to search for a literal colon)"
        )),
        QueryParserError::SyntaxError(_) => QueryError::Syntax(format!(
            "cannot parse query '{text}': check quotes, brackets and operators (AND, OR, NOT, +, -)"
        )),
        QueryParserError::FieldNotIndexed(f) => QueryError::Syntax(format!(
            "field '{f}' cannot be searched: use title:, author:, body:, place:, source:, collection: or date:"
        )),
        other => QueryError::Syntax(format!("cannot parse query '{text}': {other}")),
    }
}

/// The longest query accepted, in characters, by every door (the CLI, the API, the page):
/// far more than anyone types, short enough that building and running a query stays quick.
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
        refuse!(
            Shape,
            "query nests brackets {depth} levels deep: use at most {MAX_NESTING} levels of ( )"
        );
    }
    let chars = text.chars().count();
    if chars > MAX_QUERY_CHARS {
        refuse!(Shape,
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
pub(super) fn reject_field_wildcard(words: &str) -> Result<()> {
    // Only outside quotes: `"a:*"` is a phrase, not a field wildcard.
    let unquoted = words.split('"').step_by(2);
    for word in
        unquoted.flat_map(|part| part.split(|c: char| c.is_whitespace() || c == '(' || c == ')'))
    {
        let bare = word.trim_start_matches(['+', '-']);
        if let Some(field) = bare.strip_suffix(":*") {
            refuse!(Syntax,
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
#[derive(Clone, Copy)]
pub(super) struct Syntax<'a> {
    pub(super) index: &'a Index,
    pub(super) fields: &'a Fields,
    pub(super) parser: &'a QueryParser,
    pub(super) title_boost: f32,
    /// The text as typed, for messages.
    pub(super) text: &'a str,
    /// A part with no operator is required (the counted set, its runs bracketed by
    /// `runs::bracket_runs`), rather than optional (the hit list's wider net). What a `-` or
    /// `NOT` excludes is read this way in both, so that the hit list holds every counted
    /// article.
    pub(super) conjunctive: bool,
    /// The proximity expressions taken out of the text, each standing as its placeholder
    /// word (`operators::extract`).
    pub(super) proximities: &'a [Proximity],
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

/// The refusal for a leaf no search takes (the same for every engine): a range on no field or
/// on a field other than the date, `IN [...]`, a regular expression, `field:*`.
pub(super) fn unsupported(leaf: &UserInputLeaf) -> QueryError {
    QueryError::Syntax(match leaf {
        UserInputLeaf::Range { field: Some(f), .. } => format!(
            "'{f}:[... TO ...]' is not supported: ranges work on dates only, e.g. date:[2017-03-01 TO 2017-03-31]"
        ),
        UserInputLeaf::Range { field: None, .. } => {
            "a range needs a field: ranges work on dates, e.g. date:[2017-03-01 TO 2017-03-31]".to_string()
        }
        UserInputLeaf::Set { .. } => {
            "'IN [...]' is not supported: join the words with OR (cocoa OR coffee)".to_string()
        }
        UserInputLeaf::Regex { .. } => {
            "regular expressions (/.../) are not supported: search for words, \"phrases\" or a prefix*".to_string()
        }
        UserInputLeaf::Exists { field } => format!(
            "'{field}:*' is not supported: search for words in a field (e.g. {field}:oil), or use * alone to list every article"
        ),
        UserInputLeaf::Literal(_) | UserInputLeaf::All => "this part cannot be searched".to_string(),
    })
}

impl Syntax<'_> {
    pub(super) fn build(&self, text: &str) -> Result<Box<dyn Query>> {
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
                let default = if self.conjunctive {
                    Occur::Must
                } else {
                    Occur::Should
                };
                for (occur, child) in children {
                    // A date clause with no operator filters the rest of its group, as one
                    // outside brackets filters the whole query.
                    let filter = occur.is_none() && is_date_leaf(&child);
                    let converted = if occur == Some(Occur::MustNot) {
                        Syntax {
                            conjunctive: true,
                            ..*self
                        }
                        .convert(child)?
                    } else {
                        self.convert(child)?
                    };
                    let Some(q) = converted else {
                        continue;
                    };
                    if filter {
                        filters.push((Occur::Must, q));
                    } else {
                        clauses.push((occur.unwrap_or(default), q));
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
            UserInputLeaf::Literal(l)
                if l.delimiter == Delimiter::None
                    && self.proximities.iter().any(|p| p.placeholder == l.phrase) =>
            {
                self.proximity(&l.phrase, l.field_name.as_deref())
            }
            UserInputLeaf::Literal(l) if is_date_field(l.field_name.as_deref()) => {
                let span = parse_date_value(&l.phrase)?;
                Ok(Some(zero(date_filter(self.fields, span))))
            }
            UserInputLeaf::Range {
                field: Some(f),
                lower,
                upper,
            } if is_date_field(Some(&f)) => {
                let span = self.date_range(&lower, &upper)?;
                Ok(Some(zero(date_filter(self.fields, span))))
            }
            leaf @ (UserInputLeaf::Range { .. }
            | UserInputLeaf::Set { .. }
            | UserInputLeaf::Regex { .. }
            | UserInputLeaf::Exists { .. }) => Err(unsupported(&leaf)),
            UserInputLeaf::Literal(l)
                if l.delimiter == Delimiter::None && l.phrase.contains(['*', '~']) =>
            {
                self.wildcard(l)
            }
            UserInputLeaf::Literal(l) if l.delimiter == Delimiter::None && l.prefix => {
                self.expand(&l.field_name, &l.phrase, |term, chars, typed| {
                    if chars < MIN_PREFIX_CHARS {
                        refuse!(Syntax,
                            "'{typed}*' is too short to search as a prefix: give at least {MIN_PREFIX_CHARS} letters before *"
                        );
                    }
                    Ok(Box::new(FuzzyTermQuery::new_prefix(term, 0, false)))
                })
            }
            UserInputLeaf::Literal(l) if l.delimiter == Delimiter::None && l.slop > 0 => {
                let edits = l.slop;
                if edits > MAX_FUZZY_EDITS {
                    refuse!(Syntax,
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

    /// The query for the proximity expression `placeholder` stands for, judged in the
    /// title and the body, or in the one field named.
    fn proximity(
        &self,
        placeholder: &str,
        field_name: Option<&str>,
    ) -> Result<Option<Box<dyn Query>>> {
        let Some(p) = self
            .proximities
            .iter()
            .find(|p| p.placeholder == placeholder)
        else {
            return Ok(None);
        };
        let fields = match field_name {
            None => vec![self.fields.title, self.fields.body],
            Some(n) if n == schema::TITLE => vec![self.fields.title],
            Some(n) if n == schema::BODY => vec![self.fields.body],
            Some(n) => refuse!(
                Syntax,
                "'{n}:({})': proximity operators work on the words of title: and body: only",
                p.typed
            ),
        };
        let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for link in &p.links {
            let mut sides = Vec::new();
            for &field in &fields {
                let side = self.side(field, link)?;
                if side.usable(link.op) {
                    sides.push(side);
                }
            }
            let q: Box<dyn Query> = if sides.is_empty() {
                Box::new(EmptyQuery)
            } else {
                Box::new(NearQuery { op: link.op, sides })
            };
            all.push((Occur::Must, q));
        }
        Ok(Some(match all.len() {
            1 => all.remove(0).1,
            _ => Box::new(BooleanQuery::new(all)),
        }))
    }

    /// The operands of `link` as `field`'s analyzer reads them.
    fn side(&self, field: tantivy::schema::Field, link: &Link) -> Result<Side> {
        let mut analyzer = self
            .index
            .tokenizer_for_field(field)
            .map_err(QueryError::Index)?;
        let mut forms = |alternatives: &[String]| -> Vec<Form> {
            let mut out = Vec::new();
            for text in alternatives {
                let mut tokens = Vec::new();
                analyzer
                    .token_stream(text)
                    .process(&mut |t| tokens.push((t.position, t.text.clone())));
                let Some(&(first, _)) = tokens.first() else {
                    continue;
                };
                out.push(Form {
                    terms: tokens
                        .into_iter()
                        .map(|(at, word)| (at - first, Term::from_field_text(field, &word)))
                        .collect(),
                });
            }
            out
        };
        let left = forms(&link.left);
        let right = link.right.as_deref().map(&mut forms).unwrap_or_default();
        let body = field == self.fields.body;
        Ok(Side {
            field,
            boost: if field == self.fields.title {
                self.title_boost
            } else {
                1.0
            },
            breaks: body.then_some(self.fields.breaks),
            left,
            right,
        })
    }

    /// The days a `date:[A TO B]` range selects, as tantivy's grammar reads its bounds.
    fn date_range(&self, lower: &UserInputBound, upper: &UserInputBound) -> Result<DaySpan> {
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
            start: bound(lower, false)?,
            end: bound(upper, true)?,
        };
        check_span(span, self.text)?;
        Ok(span)
    }

    /// A word with `~` (fuzzy) or `*` (prefix) as the leaf tantivy's grammar would have
    /// made had it read them.
    fn wildcard(&self, l: UserInputLiteral) -> Result<Option<Box<dyn Query>>> {
        let word = l.phrase.as_str();
        if let Some((stem, edits)) = word.rsplit_once('~') {
            let edits = match edits {
                    // `word~` alone: as many edits as allowed, as in Lucene.
                    "" => MAX_FUZZY_EDITS,
                    n => n.parse().map_err(|_| {
                        QueryError::Syntax(format!("cannot read '{word}': write word~1 or word~2 to allow spelling differences"))
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
                _ => refuse!(Syntax,
                    "'{word}': * works only at the end of a word, as a prefix (coc* finds cocoa), or alone for every article"
                ),
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
                refuse!(Syntax,
                    "'{}:{word}': prefixes and ~ work on words in title:, author:, body:, place:, source: or collection:",
                    entry.name()
                );
            }
            let mut analyzer = self
                .index
                .tokenizer_for_field(field)
                .map_err(QueryError::Index)?;
            let mut tokens = Vec::new();
            analyzer
                .token_stream(word)
                .process(&mut |t| tokens.push(t.text.clone()));
            let token =
                match tokens.as_slice() {
                    [] => continue,
                    [one] => one,
                    _ => refuse!(Syntax,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_wildcards_are_refused_outside_quotes_only() {
        assert!(reject_field_wildcard("oil title:*").is_err());
        assert!(reject_field_wildcard("(+body:*)").is_err());
        assert!(reject_field_wildcard("\"ratio a:*\" oil").is_ok());
        assert!(reject_field_wildcard("oil*").is_ok());
    }
}
