//! The query language translated for a SphinxQL engine (Sphinx 2.2, Manticore): what the
//! user typed, and the search's filters, as the full-text expression of `MATCH('…')` and
//! the attribute conditions beside it, read as dateline reads them for its counted set
//! (every part required unless the query says `OR`). What the engine has no equivalent for
//! is refused in one line naming the construct.
//!
//! The tables are those `dateline export --to manticore` writes: the full-text fields
//! `title`, `authors`, `place`, `source`, `collection`, `body`, and the attribute
//! `published` (Unix seconds, UTC, or a value meaning no date).

use std::cell::RefCell;

use chrono::NaiveDate;
use tantivy::query::QueryParserError;
use tantivy::query_grammar::{Delimiter, Occur, UserInputAst, UserInputLeaf, UserInputLiteral};

use super::dates::{extract_date_clauses, DateClause, DaySpan};
use super::near::Op;
use super::operators::{self, Proximity};
use super::rewrite::{apostrophes, normalise_field_names};
use super::syntax::{check_shape, explain_parse_error, reject_field_wildcard};
use super::{has_filters, runs, Counting, Filters, QueryError, Result};
use crate::schema;

/// The `published` attribute of an article without a date, as `dateline export --to
/// manticore` writes it: the smallest bigint, so a range with a lower bound never takes it
/// (a filter with only an upper bound must exclude it).
pub const NO_DATE: i64 = i64::MIN;

/// The fields a word without a field is searched in, as dateline's own parser searches it.
const DEFAULT_FIELDS: &str = "@(title,authors,body)";
/// The fields a proximity expression without a field is judged in.
const PROXIMITY_FIELDS: &str = "@(title,body)";
/// The shortest prefix `word*` searches for, as on one machine.
const MIN_PREFIX_CHARS: usize = 2;

/// A search as a SphinxQL engine takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    /// The argument of `MATCH('…')` (not yet quoted for SQL); None: every article.
    pub matching: Option<String>,
    /// Conditions on attributes for `WHERE`, each whole, all required.
    pub conditions: Vec<String>,
    /// Expressions each of which must be 1, for what `WHERE` cannot say itself (a negated
    /// date range): the engine computes them in the select list and filters on them.
    pub computed: Vec<String>,
    /// The conditions that require a date, by themselves: what a date filter is (and
    /// [`Translated::without_dates`] leaves out).
    pub date_conditions: Vec<String>,
    /// What the totals count, as [`super::Built::counting`] says for the same query.
    pub counting: Counting,
    /// The words and phrases a match shows (not those excluded), for snippets.
    pub highlight: Vec<String>,
}

impl Translated {
    /// The same search without its date filter, and only the articles without a date: what
    /// the date filter leaves out for having none (None when nothing requires a date).
    pub fn undated_left_out(&self) -> Option<Translated> {
        if self.date_conditions.is_empty() {
            return None;
        }
        let mut conditions: Vec<String> = self
            .conditions
            .iter()
            .filter(|c| !self.date_conditions.contains(c))
            .cloned()
            .collect();
        conditions.push(format!("published = {NO_DATE}"));
        Some(Translated {
            conditions,
            date_conditions: Vec::new(),
            ..self.clone()
        })
    }
}

/// Translates `text` and `filters` for a SphinxQL engine.
pub fn translate(text: &str, filters: &Filters) -> Result<Translated> {
    check_shape(text)?;
    let (words, dates) = extract_date_clauses(text)?;
    let words = normalise_field_names(&words);
    if text.trim().is_empty() && !has_filters(filters) {
        return Err(QueryError::Empty);
    }
    let (words_match, counting, highlight) = text_part(&words)?;
    let mut required: Vec<String> = words_match.into_iter().collect();
    required.extend(name_filters(filters));
    let matching = match required.len() {
        0 => None,
        1 => required.pop(),
        _ => Some(required.join(" ")),
    };
    let mut t = Translated {
        matching,
        conditions: Vec::new(),
        computed: Vec::new(),
        date_conditions: Vec::new(),
        counting,
        highlight,
    };
    date_conditions(&mut t, &dates, filters);
    Ok(t)
}

/// The words of the query as a MATCH expression (None for none, or `*`), what they count,
/// and the words to highlight.
fn text_part(words: &str) -> Result<(Option<String>, Counting, Vec<String>)> {
    if words.is_empty() || words == "*" {
        return Ok((None, Counting::Matches, Vec::new()));
    }
    reject_field_wildcard(words)?;
    let parsed = apostrophes(words);
    check_shape(&parsed)?;
    let (parsed, proximities) = operators::extract(&parsed)?;
    let highlight = RefCell::new(Vec::new());
    let walk = Walk {
        text: words,
        proximities: &proximities,
        highlight: Some(&highlight),
    };
    let ast = tantivy::query_grammar::parse_query(&runs::bracket_runs(&parsed))
        .map_err(|_| explain_parse_error(QueryParserError::SyntaxError(words.into()), words))?;
    let Some(expr) = walk.node(ast)? else {
        return Ok((None, Counting::Matches, Vec::new()));
    };
    if expr.negative_only {
        refuse!(
            Syntax,
            "'{words}' only excludes words: a SphinxQL engine cannot list every article without them; add a word to search for (prices -cocoa)"
        );
    }
    let mut parts = 0;
    for part in runs::required_parts(&parsed) {
        let ast = tantivy::query_grammar::parse_query(&runs::bracket_runs(part))
            .map_err(|_| explain_parse_error(QueryParserError::SyntaxError(words.into()), words))?;
        let part = Walk {
            highlight: None,
            ..walk
        };
        if part.node(ast)?.is_some() {
            parts += 1;
        }
    }
    let counting = if parts > 1 {
        Counting::AllWords
    } else {
        Counting::Matches
    };
    Ok((
        Some(format!("{DEFAULT_FIELDS} {}", expr.text)),
        counting,
        highlight.into_inner(),
    ))
}

/// A translated part of the query.
struct Expr {
    text: String,
    /// Only excludes (`-cocoa`): the engine needs something to search for beside it.
    negative_only: bool,
}

impl Expr {
    fn positive(text: String) -> Expr {
        Expr {
            text,
            negative_only: false,
        }
    }
}

/// The walk over tantivy's user query AST that writes the engine's syntax.
#[derive(Clone, Copy)]
struct Walk<'a> {
    /// As typed, for messages.
    text: &'a str,
    proximities: &'a [Proximity],
    /// Where the words and phrases a match shows are gathered (None under an exclusion).
    highlight: Option<&'a RefCell<Vec<String>>>,
}

impl Walk<'_> {
    fn node(&self, ast: UserInputAst) -> Result<Option<Expr>> {
        match ast {
            UserInputAst::Leaf(leaf) => Ok(self.leaf(*leaf)?.map(Expr::positive)),
            // A boost only ranks; the engine ranks by its own BM25.
            UserInputAst::Boost(inner, _) => self.node(*inner),
            UserInputAst::Clause(children) => {
                let (mut musts, mut shoulds, mut nots) = (Vec::new(), Vec::new(), Vec::new());
                for (occur, child) in children {
                    let walk = if occur == Some(Occur::MustNot) {
                        Walk {
                            highlight: None,
                            ..*self
                        }
                    } else {
                        *self
                    };
                    let Some(expr) = walk.node(child)? else {
                        continue;
                    };
                    match occur {
                        Some(Occur::MustNot) => {
                            if expr.negative_only {
                                refuse!(Syntax,
                                    "'{}': excluding an exclusion cannot go to a SphinxQL engine: say what to search for",
                                    self.text
                                );
                            }
                            nots.push(expr.text)
                        }
                        Some(Occur::Should) => shoulds.push(expr),
                        // With no operator a part is required: the counted set.
                        Some(Occur::Must) | None => musts.push(expr),
                    }
                }
                // An optional part beside required ones only ranks, as in tantivy's
                // boolean query; with no required part, one of the optional ones is.
                let or_group = musts.is_empty();
                let positive = if or_group { shoulds } else { musts };
                if or_group && positive.len() > 1 && positive.iter().any(|e| e.negative_only) {
                    refuse!(Syntax,
                        "'{}': OR with a part that only excludes cannot go to a SphinxQL engine: say what to search for on each side",
                        self.text
                    );
                }
                let negative_only = positive.iter().all(|e| e.negative_only);
                let parts: Vec<&str> = positive.iter().map(|e| e.text.as_str()).collect();
                let mut text = Vec::new();
                match parts.as_slice() {
                    [] => {}
                    [one] => text.push(one.to_string()),
                    // The engine's `|` binds before its AND (a space), as OR here.
                    many if or_group => text.push(many.join(" | ")),
                    many => text.push(many.join(" ")),
                }
                for not in &nots {
                    text.push(format!("-{not}"));
                }
                if text.is_empty() {
                    return Ok(None);
                }
                Ok(Some(Expr {
                    text: format!("({})", text.join(" ")),
                    negative_only,
                }))
            }
        }
    }

    fn leaf(&self, leaf: UserInputLeaf) -> Result<Option<String>> {
        match leaf {
            UserInputLeaf::Literal(l)
                if l.delimiter == Delimiter::None
                    && self.proximities.iter().any(|p| p.placeholder == l.phrase) =>
            {
                self.proximity(&l.phrase, l.field_name.as_deref())
            }
            UserInputLeaf::Literal(l) => self.literal(l),
            UserInputLeaf::All => refuse!(
                Syntax,
                "'*' inside '{}' cannot go to a SphinxQL engine: use * alone to list every article",
                self.text
            ),
            UserInputLeaf::Range { field, .. } if is_date(field.as_deref()) => refuse!(
                Syntax,
                "'{}': a date range inside brackets or joined by AND/OR cannot go to a SphinxQL engine; put it at the top level or use --from/--to",
                self.text
            ),
            leaf @ (UserInputLeaf::Range { .. }
            | UserInputLeaf::Set { .. }
            | UserInputLeaf::Regex { .. }
            | UserInputLeaf::Exists { .. }) => Err(super::syntax::unsupported(&leaf)),
        }
    }

    /// A word, prefix or phrase, in its field.
    fn literal(&self, l: UserInputLiteral) -> Result<Option<String>> {
        let field = l.field_name.as_deref();
        if is_date(field) {
            refuse!(
                Syntax,
                "'date:{}' inside brackets or joined by AND/OR cannot go to a SphinxQL engine; put it at the top level or use --from/--to",
                l.phrase
            );
        }
        let target = engine_field(field, self.text)?;
        let quoted = l.delimiter != Delimiter::None;
        let body = if quoted {
            if l.slop > 0 {
                refuse!(Syntax,
                    "'\"{}\"~{}' (a phrase with slop) has no equivalent on a SphinxQL engine: use w/N between its words",
                    l.phrase, l.slop
                );
            }
            let words = escaped_words(&l.phrase);
            if words.is_empty() {
                return Ok(None);
            }
            format!("\"{}\"", words.join(" "))
        } else {
            if l.slop > 0 || l.phrase.contains('~') {
                refuse!(Syntax,
                    "'{}' (words spelt differently, ~) has no equivalent on a SphinxQL engine: search for the spellings joined with OR",
                    self.typed_word(&l)
                );
            }
            let (stem, prefix) = match l.phrase.strip_suffix('*') {
                Some(stem) => (stem, true),
                None => (l.phrase.as_str(), l.prefix),
            };
            if stem.contains('*') || (prefix && stem.is_empty()) {
                refuse!(Syntax,
                    "'{}': * works only at the end of a word, as a prefix (coc* finds cocoa), or alone for every article",
                    l.phrase
                );
            }
            let words = escaped_words(stem);
            if prefix {
                let chars = stem.chars().filter(|c| c.is_alphanumeric()).count();
                if words.len() > 1 {
                    refuse!(
                        Syntax,
                        "'{}*' is more than one word: * applies to one word (cocoa*)",
                        stem
                    );
                }
                if chars < MIN_PREFIX_CHARS {
                    refuse!(Syntax,
                        "'{stem}*' is too short to search as a prefix: give at least {MIN_PREFIX_CHARS} letters before *"
                    );
                }
            }
            match words.as_slice() {
                [] => return Ok(None),
                [one] if prefix => format!("{one}*"),
                [one] => one.clone(),
                // A word the engine reads as several (`U.S.`, `e-mail`): side by side, as
                // dateline's analyzer reads them.
                many => format!("\"{}\"", many.join(" ")),
            }
        };
        if let Some(h) = self.highlight {
            h.borrow_mut().push(body.trim_matches('"').to_string());
        }
        Ok(Some(match target {
            Target::Default => body,
            Target::Words(name) => format!("(@{name} {body})"),
            Target::WholeName(name) => {
                let words = escaped_words(&l.phrase);
                if words.is_empty() {
                    return Ok(None);
                }
                format!("(@{name} \"^{}$\")", words.join(" "))
            }
        }))
    }

    fn typed_word(&self, l: &UserInputLiteral) -> String {
        if l.slop > 0 {
            format!("{}~{}", l.phrase, l.slop)
        } else {
            l.phrase.clone()
        }
    }

    /// The proximity expression `placeholder` stands for, in the title and the body or in
    /// the one field named.
    fn proximity(&self, placeholder: &str, field: Option<&str>) -> Result<Option<String>> {
        let Some(p) = self
            .proximities
            .iter()
            .find(|p| p.placeholder == placeholder)
        else {
            return Ok(None);
        };
        let fields = match field {
            None => PROXIMITY_FIELDS.to_string(),
            Some(schema::TITLE) => "@title".to_string(),
            Some(schema::BODY) => "@body".to_string(),
            Some(n) => refuse!(
                Syntax,
                "'{n}:({})': proximity operators work on the words of title: and body: only",
                p.typed
            ),
        };
        let mut links = Vec::new();
        for link in &p.links {
            let n = match link.op {
                Op::Within(n) => n,
                Op::Before(_) => refuse!(Syntax,
                    "'{}': pre/N has no equivalent on a SphinxQL engine (its NEAR/N keeps no order); use w/N",
                    p.typed
                ),
                Op::Sentence => refuse!(Syntax,
                    "'{}': w/s has no equivalent on a SphinxQL engine (its sentences are not dateline's); use w/N",
                    p.typed
                ),
                Op::Paragraph => refuse!(Syntax,
                    "'{}': w/p has no equivalent on a SphinxQL engine (its paragraphs are not dateline's); use w/N",
                    p.typed
                ),
                Op::AtLeast(_) => refuse!(Syntax,
                    "'{}': atleastN has no equivalent on a SphinxQL engine; search for the word alone",
                    p.typed
                ),
            };
            let (Some(left), Some(right)) =
                (operand(&link.left), link.right.as_deref().and_then(operand))
            else {
                // An operand of punctuation alone: nothing can stand near it.
                return Ok(None);
            };
            // dateline's w/N and the engine's NEAR/N both take words at most N positions
            // apart, in either order.
            links.push(format!("({left} NEAR/{n} {right})"));
            if let Some(h) = self.highlight {
                let operands = link.left.iter().chain(link.right.iter().flatten());
                h.borrow_mut()
                    .extend(operands.map(|o| escaped_words(o).join(" ")));
            }
        }
        Ok(Some(format!("({fields} {})", links.join(" "))))
    }
}

/// An operand of a proximity operator: its alternatives joined with `|`.
fn operand(alternatives: &[String]) -> Option<String> {
    let forms: Vec<String> = alternatives
        .iter()
        .filter_map(|a| {
            let words = escaped_words(a);
            match words.as_slice() {
                [] => None,
                [one] => Some(one.clone()),
                many => Some(format!("\"{}\"", many.join(" "))),
            }
        })
        .collect();
    match forms.len() {
        0 => None,
        1 => forms.into_iter().next(),
        _ => Some(format!("({})", forms.join(" | "))),
    }
}

/// Where a field name sends a word.
enum Target {
    /// No field: title, authors and body.
    Default,
    /// A field of words.
    Words(&'static str),
    /// A field holding one whole name (place, source, collection): the whole value, any case.
    WholeName(&'static str),
}

fn engine_field(field: Option<&str>, text: &str) -> Result<Target> {
    Ok(match field {
        None => Target::Default,
        Some(schema::TITLE) => Target::Words("title"),
        Some(schema::AUTHOR) | Some("authors") => Target::Words("authors"),
        Some(schema::BODY) => Target::Words("body"),
        Some(schema::PLACE) => Target::WholeName("place"),
        Some(schema::SOURCE) => Target::WholeName("source"),
        Some(schema::COLLECTION) => Target::WholeName("collection"),
        Some(other) => {
            return Err(explain_parse_error(
                QueryParserError::FieldDoesNotExist(other.to_string()),
                text,
            ))
        }
    })
}

fn is_date(field: Option<&str>) -> bool {
    field.is_some_and(|f| f.eq_ignore_ascii_case(schema::DATE))
}

/// The words of `text` as the engine's tokenizer will find them, each safe to write in
/// its query syntax: letters and digits kept, anything else a separator, as dateline's
/// analyzer reads punctuation (`U.S.` is `u s`, `don't` is `don t`).
fn escaped_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The whole-name filters (`--author`, `--place`, `--source`, `--collection`) as required
/// parts of the MATCH expression: one of each kind's names.
fn name_filters(filters: &Filters) -> Vec<String> {
    let mut out = Vec::new();
    let mut any_of = |names: &[String], make: &dyn Fn(&[String]) -> String| {
        let alternatives: Vec<String> = names
            .iter()
            .map(|n| escaped_words(n))
            .filter(|w| !w.is_empty())
            .map(|w| make(&w))
            .collect();
        match alternatives.len() {
            0 => {}
            1 => out.extend(alternatives),
            _ => out.push(format!("({})", alternatives.join(" | "))),
        }
    };
    // An author's whole name, or every word of it among the authors, as `--author` matches.
    any_of(&filters.authors, &|w| format!("(@authors {})", w.join(" ")));
    any_of(&filters.places, &|w| {
        format!("(@place \"^{}$\")", w.join(" "))
    });
    any_of(&filters.sources, &|w| {
        format!("(@source \"^{}$\")", w.join(" "))
    });
    any_of(&filters.collections, &|w| {
        format!("(@collection \"^{}$\")", w.join(" "))
    });
    out
}

/// Unix seconds at the start of `day`, UTC.
fn seconds(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp())
        .unwrap_or_default()
}

/// The conditions on `published`: `--from`/`--to`, the date clauses, `--undated`.
fn date_conditions(t: &mut Translated, dates: &[DateClause], filters: &Filters) {
    let mut required = Vec::new();
    let flags = DaySpan {
        start: filters.from,
        end: filters.to.and_then(|d| d.succ_opt()),
    };
    let spans = std::iter::once(flags)
        .filter(|_| filters.from.is_some() || filters.to.is_some())
        .chain(dates.iter().filter(|c| !c.negated).map(|c| c.span));
    for span in spans {
        required.push(format!("published > {NO_DATE}"));
        if let Some(start) = span.start {
            required.push(format!("published >= {}", seconds(start)));
        }
        if let Some(end) = span.end {
            required.push(format!("published < {}", seconds(end)));
        }
    }
    required.dedup();
    let mut seen = Vec::new();
    required.retain(|c| {
        let new = !seen.contains(c);
        seen.push(c.clone());
        new
    });
    t.date_conditions = required.clone();
    t.conditions.extend(required);
    if filters.undated {
        t.conditions.push(format!("published = {NO_DATE}"));
    }
    for clause in dates.iter().filter(|c| c.negated) {
        // Outside the span, undated articles included: the engine's WHERE has no OR.
        let mut inside = vec![format!("published > {NO_DATE}")];
        if let Some(start) = clause.span.start {
            inside.push(format!("published >= {}", seconds(start)));
        }
        if let Some(end) = clause.span.end {
            inside.push(format!("published < {}", seconds(end)));
        }
        t.computed
            .push(format!("IF({}, 0, 1)", inside.join(" AND ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Translated {
        translate(text, &Filters::default()).unwrap()
    }

    fn matching(text: &str) -> String {
        t(text).matching.unwrap_or_default()
    }

    fn refused(text: &str) -> String {
        translate(text, &Filters::default())
            .unwrap_err()
            .to_string()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_word_is_required_in_title_authors_and_body() {
        assert_eq!(matching("cocoa"), "@(title,authors,body) cocoa");
        assert_eq!(
            matching("cocoa prices"),
            "@(title,authors,body) (cocoa prices)"
        );
        assert_eq!(t("cocoa prices").counting, Counting::AllWords);
        assert_eq!(t("cocoa").counting, Counting::Matches);
        assert_eq!(t("cocoa").conditions, Vec::<String>::new());
    }

    #[test]
    fn snippets_show_the_words_searched_for_not_those_excluded() {
        assert_eq!(
            t("\"cocoa prices\" (buffer OR stock) -sugar title:rise").highlight,
            ["cocoa prices", "buffer", "stock", "rise"]
        );
        assert_eq!(
            t("(tanker OR ship) w/5 attack").highlight,
            ["tanker", "ship", "attack"]
        );
        assert!(t("-(cocoa OR coffee) tea").highlight == ["tea"]);
    }

    #[test]
    fn or_joins_the_parts_beside_it() {
        assert_eq!(
            matching("cocoa OR coffee"),
            "@(title,authors,body) (cocoa | coffee)"
        );
        assert_eq!(t("cocoa OR coffee").counting, Counting::Matches);
        assert_eq!(
            matching("cocoa prices OR tariffs"),
            "@(title,authors,body) (cocoa (prices | tariffs))"
        );
        assert_eq!(
            matching("(cocoa OR coffee) prices"),
            "@(title,authors,body) ((cocoa | coffee) prices)"
        );
        assert_eq!(t("cocoa prices OR tariffs").counting, Counting::AllWords);
    }

    #[test]
    fn exclusions_phrases_and_fields() {
        assert_eq!(
            matching("cocoa -sugar"),
            "@(title,authors,body) (cocoa -sugar)"
        );
        assert_eq!(
            matching("Korea NOT North"),
            "@(title,authors,body) (korea_kept -north)"
                .replace("korea_kept", "Korea")
                .replace("north", "North")
        );
        assert_eq!(
            matching("\"South Korea\" +THAAD"),
            "@(title,authors,body) (\"South Korea\" THAAD)"
        );
        assert_eq!(
            matching("title:coffee author:oki"),
            "@(title,authors,body) ((@title coffee) (@authors oki))"
        );
        assert_eq!(
            matching("authors:oki"),
            "@(title,authors,body) (@authors oki)"
        );
        assert_eq!(
            matching("place:\"new york\" source:Reuters"),
            "@(title,authors,body) ((@place \"^new york$\") (@source \"^Reuters$\"))"
        );
        assert_eq!(
            matching("cocoa -title:sugar"),
            "@(title,authors,body) (cocoa -(@title sugar))"
        );
    }

    #[test]
    fn punctuation_and_syntax_characters_never_reach_the_engine() {
        // The engine's operators (`|`, `@`, `!`, `/`, `^`, `$`, `=`, `<`, `\\`) are
        // separators in words.
        assert_eq!(matching("U.S."), "@(title,authors,body) \"U S\"");
        assert_eq!(matching("don't"), "@(title,authors,body) \"don t\"");
        assert_eq!(matching("a|b@c"), "@(title,authors,body) \"a b c\"");
        assert_eq!(matching("\"a$ ^b =c\""), "@(title,authors,body) \"a b c\"");
        assert_eq!(t("!!! ???").matching, None);
    }

    #[test]
    fn prefixes_need_two_letters() {
        assert_eq!(matching("coc*"), "@(title,authors,body) coc*");
        assert_eq!(
            matching("title:coc*"),
            "@(title,authors,body) (@title coc*)"
        );
        assert!(
            refused("c*").contains("'c*' is too short"),
            "{}",
            refused("c*")
        );
        assert!(refused("c*a").contains("* works only at the end"));
    }

    #[test]
    fn proximity_within_n_is_near_n() {
        assert_eq!(
            matching("cocoa w/5 buffer"),
            "@(title,authors,body) (@(title,body) (cocoa NEAR/5 buffer))"
        );
        assert_eq!(
            matching("cocoa NEAR/2 buffer -sugar"),
            "@(title,authors,body) ((@(title,body) (cocoa NEAR/2 buffer)) -sugar)"
        );
        assert_eq!(
            matching("(tanker OR ship) w/5 \"oil attack\""),
            "@(title,authors,body) (@(title,body) ((tanker | ship) NEAR/5 \"oil attack\"))"
        );
        assert_eq!(
            matching("title:(a w/1 b w/3 c)"),
            "@(title,authors,body) (@title (a NEAR/1 b) (b NEAR/3 c))"
        );
    }

    #[test]
    fn what_the_engine_cannot_say_is_refused_naming_it() {
        for (text, names) in [
            ("cocoa pre/3 buffer", "pre/N"),
            ("cocoa w/s buffer", "w/s"),
            ("cocoa w/p buffer", "w/p"),
            ("atleast3 cocoa", "atleastN"),
            ("cocao~1", "'cocao~1'"),
            ("cocoa~", "'cocoa~"),
            ("\"cocoa prices\"~2", "slop"),
            ("-cocoa", "only excludes"),
            ("NOT cocoa", "only excludes"),
            ("(cocoa date:1987-03) OR coffee", "date:1987-03"),
            ("cocoa AND date:1987", "date:1987"),
            ("place:(a w/2 b)", "proximity operators"),
            ("cocoa * prices", "'*'"),
            ("cocoa OR -sugar", "only excludes"),
        ] {
            let message = refused(text);
            assert!(message.contains(names), "{text}: {message}");
            assert!(!message.contains('\n'), "{text}: {message}");
        }
        // What every search refuses is refused the same way.
        assert!(refused("nope:cocoa").contains("unknown field 'nope:'"));
        assert!(refused("title:*").contains("'title:*' is not supported"));
        assert!(matches!(
            translate("", &Filters::default()),
            Err(QueryError::Empty)
        ));
    }

    #[test]
    fn date_clauses_and_flags_are_ranges_of_published() {
        let march = t("cocoa date:1987-03");
        assert_eq!(
            march.matching.as_deref(),
            Some("@(title,authors,body) cocoa")
        );
        assert_eq!(
            march.conditions,
            vec![
                format!("published > {NO_DATE}"),
                "published >= 541555200".to_string(),
                "published < 544233600".to_string(),
            ]
        );
        let before = t("cocoa date:<1987");
        assert_eq!(
            before.conditions,
            vec![
                format!("published > {NO_DATE}"),
                "published < 536457600".to_string()
            ]
        );
        let flags = Filters {
            from: Some(day("1987-03-01")),
            to: Some(day("1987-03-31")),
            ..Filters::default()
        };
        let flagged = translate("cocoa", &flags).unwrap();
        assert_eq!(flagged.conditions, march.conditions);
        assert_eq!(t("date:1987").matching, None);
    }

    #[test]
    fn an_excluded_date_keeps_the_undated_articles() {
        let not_march = t("cocoa -date:1987-03");
        assert!(not_march.conditions.is_empty());
        assert_eq!(
            not_march.computed,
            vec![format!(
                "IF(published > {NO_DATE} AND published >= 541555200 AND published < 544233600, 0, 1)"
            )]
        );
        assert_eq!(not_march.undated_left_out(), None);
    }

    #[test]
    fn what_a_date_filter_leaves_out_is_the_same_search_undated() {
        let filters = Filters {
            places: vec!["New York".into()],
            to: Some(day("1987-12-31")),
            ..Filters::default()
        };
        let t = translate("cocoa", &filters).unwrap();
        let undated = t.undated_left_out().unwrap();
        assert_eq!(undated.matching, t.matching);
        assert_eq!(undated.conditions, vec![format!("published = {NO_DATE}")]);
        let only = translate(
            "cocoa",
            &Filters {
                undated: true,
                ..Filters::default()
            },
        )
        .unwrap();
        assert_eq!(only.conditions, vec![format!("published = {NO_DATE}")]);
    }

    #[test]
    fn name_filters_are_whole_names_any_of_several() {
        let filters = Filters {
            authors: vec!["Ann Lee".into()],
            places: vec!["Tokyo".into(), "new york".into()],
            collections: vec!["bbc news".into()],
            ..Filters::default()
        };
        assert_eq!(
            translate("cocoa", &filters).unwrap().matching.unwrap(),
            "@(title,authors,body) cocoa (@authors Ann Lee) ((@place \"^Tokyo$\") | (@place \"^new york$\")) (@collection \"^bbc news$\")"
        );
        assert_eq!(
            translate("", &filters).unwrap().matching.unwrap(),
            "(@authors Ann Lee) ((@place \"^Tokyo$\") | (@place \"^new york$\")) (@collection \"^bbc news$\")"
        );
    }
}
