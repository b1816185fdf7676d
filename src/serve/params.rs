//! Query-string parameters, named like the CLI's flags (`q`, `from`, `to`, `author`,
//! `place`, `source`, `sort`, `limit`, `offset`, ...), checked and capped: a bad value is a
//! 400 whose message gives the fix, never a failure further in.

use std::str::FromStr;

use chrono::NaiveDate;

use super::Failure;
use crate::choice::UnknownChoice;
use crate::export::{Analysis, BadCount, Count, Sample};
use crate::query::{parse_day_bound, Filters};
use crate::search::SortOrder;
use crate::series::{label_queries, Labelled, Split, DEFAULT_TOP, MAX_TOP};
use crate::timeline::Period;

pub use crate::query::MAX_QUERY_CHARS;
/// Most queries side by side in one answer.
pub const MAX_QUERIES: usize = 10;
/// Most hits in one page.
pub const MAX_LIMIT: usize = 100;
/// Deepest page start: past this, narrow the search instead.
pub const MAX_OFFSET: usize = 10_000;
/// The fix for an `offset` (or a page) past [`MAX_OFFSET`].
pub const NARROW: &str = "narrow the search (a date range, a filter) to reach later matches";

/// The parameters of one request, in order; repeated names (`author=A&author=B`) kept.
#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Params {
        Params(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The last non-empty value of `name` (a form sends empty fields as `name=`).
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    /// Every non-empty value of `name`, in order, without repeats.
    pub fn all(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (k, v) in &self.0 {
            let v = v.trim();
            if k == name && !v.is_empty() && !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        }
        out
    }

    /// Every value of `name` in order, blank ones too (trimmed): the n-th `label` names the
    /// n-th `q` even when a label between them was left empty.
    pub fn every(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// The query `q`, capped in length; None when absent or blank.
    pub fn query(&self) -> Result<Option<String>, Failure> {
        self.capped_query("q", "the query")
    }

    /// A query given as parameter `name` (called `what` in the message), capped in length
    /// as every door caps one; None when absent or blank.
    fn capped_query(&self, name: &str, what: &str) -> Result<Option<String>, Failure> {
        let Some(q) = self.one(name) else {
            return Ok(None);
        };
        let chars = q.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(Failure::bad(format!(
                "{what} is {chars} characters long: give at most {MAX_QUERY_CHARS}"
            )));
        }
        Ok(Some(q.to_string()))
    }

    /// Every `q` with its `label` by position, for an answer that puts several queries side
    /// by side: a blank `q` is left out with its label, a blank label is the query's own
    /// text. Refused: no query, more than [`MAX_QUERIES`], one too long, or a number of
    /// labels that is not the number of queries.
    pub fn labelled_queries(&self) -> Result<Vec<Labelled>, Failure> {
        let every = |name: &str| -> Vec<String> {
            self.0
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
                .collect()
        };
        let pairs =
            label_queries(every("q"), every("label"), "label", "q").map_err(Failure::bad)?;
        let queries: Vec<Labelled> = pairs
            .into_iter()
            .filter(|q| !q.query.is_empty())
            .map(|q| Labelled {
                label: if q.label.is_empty() {
                    q.query.clone()
                } else {
                    q.label
                },
                query: q.query,
            })
            .collect();
        if queries.is_empty() {
            return Err(Failure::bad(
                "no query: give one in q (q=* for every article)",
            ));
        }
        if queries.len() > MAX_QUERIES {
            return Err(Failure::bad(format!(
                "{} queries: give at most {MAX_QUERIES} q at once",
                queries.len()
            )));
        }
        for q in &queries {
            let chars = q.query.chars().count();
            if chars > MAX_QUERY_CHARS {
                return Err(Failure::bad(format!(
                    "a query is {chars} characters long: give at most {MAX_QUERY_CHARS}"
                )));
            }
        }
        Ok(queries)
    }

    /// `split` and `top`: one series per top value of a facet, or None.
    pub fn split(&self) -> Result<Option<(Split, usize)>, Failure> {
        let Some(split) = self.word::<Split>("split")? else {
            return Ok(None);
        };
        let top = self.number(
            "top",
            DEFAULT_TOP,
            MAX_TOP,
            "the values past them are other",
        )?;
        if top == 0 {
            return Err(Failure::bad(format!(
                "top 0 gives no series: give 1 to {MAX_TOP} (the values past them are counted \
                 as other)"
            )));
        }
        Ok(Some((split, top)))
    }

    /// `versus`: the query the matches are compared with (`dateline terms --versus`), capped
    /// in length as `q` is; None when absent or blank.
    pub fn versus(&self) -> Result<Option<String>, Failure> {
        self.capped_query("versus", "versus")
    }

    /// `q`, which this request needs.
    pub fn required_query(&self) -> Result<String, Failure> {
        self.query()?
            .ok_or_else(|| Failure::bad("no query: give one in q (q=* for every article)"))
    }

    /// `from`, `to`, `author`, `place`, `source`, `collection` and `undated`, as the CLI's
    /// filter flags take them.
    pub fn filters(&self) -> Result<Filters, Failure> {
        let filters = Filters {
            from: self.day("from", false)?,
            to: self.day("to", true)?,
            authors: self.all("author"),
            places: self.all("place"),
            sources: self.all("source"),
            collections: self.all("collection"),
            undated: self.flag("undated")?,
        };
        filters
            .check_day_order("from", "to")
            .map_err(Failure::bad)?;
        Ok(filters)
    }

    /// A day, month or year; `end` takes its last day (`to=1987-03` is 1987-03-31).
    fn day(&self, name: &str, end: bool) -> Result<Option<NaiveDate>, Failure> {
        let Some(text) = self.one(name) else {
            return Ok(None);
        };
        parse_day_bound(text, name, end)
            .map(Some)
            .map_err(Failure::bad)
    }

    /// `sort`: relevance (the default), newest or oldest.
    pub fn sort(&self) -> Result<SortOrder, Failure> {
        Ok(self.word("sort")?.unwrap_or_default())
    }

    /// A parameter that takes one of a few words, parsed as the CLI parses its flag.
    pub fn word<T: FromStr<Err = UnknownChoice>>(&self, name: &str) -> Result<Option<T>, Failure> {
        self.one(name)
            .map(|text| {
                text.parse()
                    .map_err(|err: UnknownChoice| Failure::bad(err.message(name)))
            })
            .transpose()
    }

    /// A whole number, `default` when absent, refused above `max` with `over` as the fix.
    pub fn number(
        &self,
        name: &str,
        default: usize,
        max: usize,
        over: &str,
    ) -> Result<usize, Failure> {
        let Some(text) = self.one(name) else {
            return Ok(default);
        };
        let n: usize = text.parse().map_err(|_| {
            Failure::bad(format!(
                "invalid {name} '{text}': give a whole number from 0 to {max}"
            ))
        })?;
        if n > max {
            return Err(Failure::bad(format!(
                "{name} {n} is over the limit of {max}: {over}"
            )));
        }
        Ok(n)
    }

    /// A switch: present (`facets`, `facets=1`, `=true`, `=yes`, `=on`) or not.
    pub fn flag(&self, name: &str) -> Result<bool, Failure> {
        let Some((_, v)) = self.0.iter().rev().find(|(k, _)| k == name) else {
            return Ok(false);
        };
        match v.trim().to_ascii_lowercase().as_str() {
            "" | "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            other => Err(Failure::bad(format!(
                "invalid {name} '{other}': use {name}=true or {name}=false"
            ))),
        }
    }

    /// `kwic`, `count` (repeatable, `LABEL=QUERY`), `sample` and `seed`, as `search
    /// --format` takes `--kwic`, `--count`, `--sample` and `--seed`: a count parsed by the
    /// same [`Count`] and refused by the same rules, a sample only with a seed.
    pub fn analysis(&self) -> Result<Analysis, Failure> {
        let mut counts = Vec::new();
        for text in self.every("count").into_iter().filter(|t| !t.is_empty()) {
            let count: Count = text
                .parse()
                .map_err(|err: BadCount| Failure::bad(err.message("count")))?;
            counts.push(count);
        }
        if counts.len() > MAX_QUERIES {
            return Err(Failure::bad(format!(
                "{} counts: give at most {MAX_QUERIES} at once",
                counts.len()
            )));
        }
        let whole = |name: &str, least: u64| -> Result<Option<u64>, Failure> {
            let Some(text) = self.one(name) else {
                return Ok(None);
            };
            match text.parse::<u64>() {
                Ok(n) if n >= least => Ok(Some(n)),
                _ => Err(Failure::bad(format!(
                    "invalid {name} '{text}': give a whole number from {least}"
                ))),
            }
        };
        let sample = match (whole("sample", 1)?, whole("seed", 0)?) {
            (Some(size), Some(seed)) => Some(Sample {
                size: usize::try_from(size).unwrap_or(usize::MAX),
                seed,
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(Failure::bad(
                    "sample needs a seed: give seed=S (any whole number) so the sample can be \
                     drawn again",
                ))
            }
            (None, Some(_)) => {
                return Err(Failure::bad(
                    "seed is for sample: give sample=N as well, or leave seed out",
                ))
            }
        };
        let analysis = Analysis {
            kwic: self.flag("kwic")?,
            counts,
            sample,
        };
        analysis.check("count").map_err(Failure::bad)?;
        Ok(analysis)
    }

    /// `by`: day, week, month or year; None to choose from the span of the matches.
    pub fn period(&self) -> Result<Option<Period>, Failure> {
        self.word("by")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_empty_values() {
        let p = Params::parse(Some("q=oil&author=A+B&author=C&author=&from=&author=A%20B"));
        assert_eq!(p.one("q"), Some("oil"));
        assert_eq!(p.all("author"), ["A B", "C"]);
        assert_eq!(p.one("from"), None);
        assert!(p.filters().unwrap().from.is_none());
    }

    #[test]
    fn caps_and_bad_values_are_refused_with_the_fix() {
        let p = Params::parse(Some("limit=101&offset=x&sort=best&from=March"));
        assert!(p
            .number("limit", 10, MAX_LIMIT, "page with offset")
            .unwrap_err()
            .message
            .ends_with("over the limit of 100: page with offset"));
        assert!(p
            .number("offset", 0, MAX_OFFSET, NARROW)
            .unwrap_err()
            .message
            .contains("whole number"));
        assert!(p.sort().unwrap_err().message.contains("newest"));
        assert!(p.filters().unwrap_err().message.contains("YYYY"));
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert!(Params::parse(Some(&long)).query().is_err());
        let p = Params::parse(Some("to=1987-03&from=1987"));
        let f = p.filters().unwrap();
        assert_eq!(f.to.unwrap().to_string(), "1987-03-31");
        let err = Params::parse(Some("from=1988&to=1987"))
            .filters()
            .unwrap_err();
        assert_eq!(
            err.message,
            "from 1988-01-01 is after to 1987-12-31: no article can match; swap them or widen \
             the span"
        );
    }

    #[test]
    fn words_parse_as_the_cli_flags_do() {
        let p = Params::parse(Some("by=Weekly&sort=newest"));
        assert_eq!(p.period().unwrap(), Some(Period::Week));
        assert_eq!(p.sort().unwrap(), SortOrder::Newest);
        assert_eq!(Params::parse(None).sort().unwrap(), SortOrder::Relevance);
        let err = Params::parse(Some("by=fortnight")).period().unwrap_err();
        assert_eq!(
            err.message,
            "invalid by 'fortnight': use day, week, month or year"
        );
        let err = Params::parse(Some("sort=best")).sort().unwrap_err();
        assert_eq!(
            err.message,
            "invalid sort 'best': use relevance, newest or oldest"
        );
    }

    #[test]
    fn flags() {
        let p = Params::parse(Some("facets&timeline=0&all_copies=yes&x=maybe"));
        assert!(p.flag("facets").unwrap());
        assert!(!p.flag("timeline").unwrap());
        assert!(p.flag("all_copies").unwrap());
        assert!(!p.flag("absent").unwrap());
        assert!(p.flag("x").is_err());
    }
}
