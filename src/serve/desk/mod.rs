//! The research desk (`/compare`): up to five queries side by side, each in its own colour
//! and with an optional label — their share of the archive over time (or their counts), their
//! facets in columns, the words that characterise each, and one query's articles. Every panel
//! downloads as CSV (`/compare/timeline.csv`, `/compare/facets.csv`, `/compare/words.csv`).
//!
//! The desk draws what the JSON API answers: it calls the API's handlers in process, so a
//! figure on the desk is the figure a script gets from `/api/timeline` or `/api/facets`. The
//! whole state is in the URL (repeated `q` and `label`, `scale`, `by`, `hits` and the search
//! page's filters), so a comparison can be shared, and the desk works with JavaScript off: the
//! script (`static/app.js`) only adds query rows in place, switches the scale without a
//! reload and fills the words panel from `/api/terms`.
//!
//! - [`answers`]: the API's answers the desk draws, read into the series it shows
//! - [`panels`]: the form and the panels (maud, escaped as every page)
//! - [`csv`]: each panel as a CSV download

mod answers;
mod csv;
mod panels;

use std::str::FromStr;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use maud::html;

use super::api;
use super::page::{self, html_response, safe, View};
use super::params::{Params, MAX_QUERY_CHARS};
use super::{Failure, Shared};
use crate::choice::UnknownChoice;
use crate::timeline::{Period, Scale};
use answers::{facets_of, timeline_of};
use panels::{active_filters, desk_form, facets_panel, hits_panel, timeline_panel, words_panel};

pub(crate) use csv::{facets_csv, timeline_csv, words_csv};

pub(crate) const MAX_QUERIES: usize = 5;
/// Longest label, in characters: a name for a query, not a text.
const MAX_LABEL_CHARS: usize = 100;
/// Words listed per query in the words panel.
const WORDS_SHOWN: usize = 15;

/// What the words panel's distinctive words stand out against: the whole archive (the
/// default), or the matches of the desk's other queries, which shows how each query's
/// stories are framed apart from the rest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Against {
    #[default]
    Archive,
    Others,
}

impl Against {
    fn name(self) -> &'static str {
        match self {
            Against::Archive => "archive",
            Against::Others => "others",
        }
    }
}

impl FromStr for Against {
    type Err = UnknownChoice;

    fn from_str(text: &str) -> Result<Against, UnknownChoice> {
        match text.trim().to_ascii_lowercase().as_str() {
            "archive" => Ok(Against::Archive),
            "others" => Ok(Against::Others),
            _ => Err(UnknownChoice::new(text, "archive or others")),
        }
    }
}

/// One query of the desk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Entry {
    q: String,
    /// As typed; empty for none (the query's text names it then).
    label: String,
}

impl Entry {
    /// What the legend and the columns call it.
    fn name(&self) -> &str {
        if self.label.is_empty() {
            &self.q
        } else {
            &self.label
        }
    }
}

/// The desk's whole state, from and back into the URL.
#[derive(Debug, Clone, Default)]
struct Desk {
    entries: Vec<Entry>,
    scale: Scale,
    against: Against,
    by: Option<Period>,
    /// The query whose articles are listed (0-based).
    hits: usize,
    /// One more, empty, query row (the "Add a query" button, without JavaScript).
    add: bool,
    /// The filters shared by every query, as the search page writes them (`from`, `to`,
    /// `author`, ...).
    filters: Vec<(String, String)>,
}

/// The search page's filters of `view`, as its URL writes them: every parameter but the
/// query and the sort order.
fn filter_pairs(view: &View) -> Vec<(String, String)> {
    form_urlencoded::parse(view.search_params().as_bytes())
        .filter(|(k, _)| k != "q" && k != "sort")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The desk's URL for the search `view` shows: its query first, a row ready for the next.
pub(super) fn from_search(view: &View) -> String {
    Desk {
        entries: vec![Entry {
            q: view.q.clone(),
            label: String::new(),
        }],
        add: true,
        filters: filter_pairs(view),
        ..Desk::default()
    }
    .href()
}

impl Desk {
    fn from_params(p: &Params) -> Result<Desk, Failure> {
        let labels = p.every("label");
        let mut entries: Vec<Entry> = Vec::new();
        for (i, q) in p.every("q").into_iter().enumerate() {
            let label = labels.get(i).copied().unwrap_or_default();
            if q.is_empty() {
                continue;
            }
            let chars = q.chars().count();
            if chars > MAX_QUERY_CHARS {
                return Err(Failure::bad(format!(
                    "query {} is {chars} characters long: give at most {MAX_QUERY_CHARS}",
                    i + 1
                )));
            }
            if label.chars().count() > MAX_LABEL_CHARS {
                return Err(Failure::bad(format!(
                    "the label of query {} is over {MAX_LABEL_CHARS} characters: shorten it",
                    i + 1
                )));
            }
            let entry = Entry {
                q: q.to_string(),
                label: label.to_string(),
            };
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
        if entries.len() > MAX_QUERIES {
            return Err(Failure::bad(format!(
                "{} queries: compare at most {MAX_QUERIES} at once; remove one",
                entries.len()
            )));
        }
        // Two series of one name could not be told apart in the legend, the columns or a CSV.
        for i in 1..entries.len() {
            if entries[..i].iter().any(|e| e.name() == entries[i].name()) {
                entries[i].label = format!("{} ({})", entries[i].name(), i + 1);
            }
        }
        // The filters are checked (and written back) as the search page checks them.
        let view = View::from_params(p)?;
        let last = entries.len().saturating_sub(1);
        Ok(Desk {
            scale: p.word("scale")?.unwrap_or_default(),
            against: p.word("against")?.unwrap_or_default(),
            by: p.period()?,
            hits: p
                .number(
                    "hits",
                    0,
                    MAX_QUERIES - 1,
                    "give the number of a query, from 0",
                )?
                .min(last),
            add: p.flag("add")?,
            filters: filter_pairs(&view),
            entries,
        })
    }

    fn query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for e in &self.entries {
            s.append_pair("q", &e.q);
            s.append_pair("label", &e.label);
        }
        s.append_pair("scale", self.scale.name());
        if self.against != Against::Archive {
            s.append_pair("against", self.against.name());
        }
        if let Some(by) = self.by {
            s.append_pair("by", by.name());
        }
        if self.hits > 0 {
            s.append_pair("hits", &self.hits.to_string());
        }
        for (k, v) in &self.filters {
            s.append_pair(k, v);
        }
        if self.add {
            s.append_pair("add", "1");
        }
        s.finish()
    }

    fn href(&self) -> String {
        format!("/compare?{}", self.query_string())
    }

    /// A link to the desk changed by `change` (and without the extra empty row).
    fn with(&self, change: impl FnOnce(&mut Desk)) -> String {
        let mut d = Desk {
            add: false,
            ..self.clone()
        };
        change(&mut d);
        d.href()
    }

    fn without_query(&self, i: usize) -> String {
        self.with(|d| {
            d.entries.remove(i);
            d.hits = d.hits.min(d.entries.len().saturating_sub(1));
        })
    }

    fn with_dates(&self, from: NaiveDate, to: NaiveDate) -> String {
        self.with(|d| {
            d.filters.retain(|(k, _)| k != "from" && k != "to");
            d.filters.push(("from".into(), from.to_string()));
            d.filters.push(("to".into(), to.to_string()));
        })
    }

    /// The same comparison of the undated articles only, which a date filter leaves out.
    fn undated_only(&self) -> String {
        self.with(|d| {
            d.filters
                .retain(|(k, _)| k != "from" && k != "to" && k != "undated");
            d.filters.push(("undated".into(), "1".into()));
        })
    }

    fn without_filter(&self, key: &str, value: &str) -> String {
        self.with(|d| d.filters.retain(|(k, v)| !(k == key && v == value)))
    }

    fn with_filter(&self, key: &str, value: &str) -> String {
        self.with(|d| d.filters.push((key.to_string(), value.to_string())))
    }

    fn filter(&self, key: &str) -> Option<&str> {
        self.filters
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The filters alone, as a query string (for the API and the search page).
    fn filters_query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.filters {
            s.append_pair(k, v);
        }
        s.finish()
    }

    /// The API's parameters: each `q` with its `label` (always given, so the API pairs them
    /// as the desk does), `by` and the filters.
    fn api_query(&self, by: Option<Period>) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for e in &self.entries {
            s.append_pair("q", &e.q);
            s.append_pair("label", e.name());
        }
        if let Some(by) = by {
            s.append_pair("by", by.name());
        }
        for (k, v) in &self.filters {
            s.append_pair(k, v);
        }
        s.finish()
    }

    /// The `/api/terms` parameters of query `i`: against the other queries' matches (any of
    /// them) when the desk asks for that and there are others.
    fn terms_query(&self, i: usize) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair(
            "q",
            self.entries.get(i).map(|e| e.q.as_str()).unwrap_or("*"),
        );
        let others: Vec<String> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, e)| format!("({})", e.q))
            .collect();
        if self.against == Against::Others && !others.is_empty() {
            s.append_pair("versus", &others.join(" OR "));
        }
        s.append_pair("limit", &WORDS_SHOWN.to_string());
        for (k, v) in &self.filters {
            s.append_pair(k, v);
        }
        s.finish()
    }

    /// The search page for query `i` under the desk's filters.
    fn search_href(&self, i: usize) -> String {
        match self.search_view(i) {
            Ok(view) => view.href(),
            Err(_) => "/".into(),
        }
    }

    fn search_view(&self, i: usize) -> Result<View, Failure> {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair(
            "q",
            self.entries.get(i).map(|e| e.q.as_str()).unwrap_or("*"),
        );
        let raw = format!("{}&{}", s.finish(), self.filters_query());
        View::from_params(&Params::parse(Some(&raw)))
    }
}

/// The facets the desk lists, in this order: the parameter that filters on each, and its
/// heading.
const FACETS: [(&str, &str, &str); 4] = [
    ("collections", "collection", "Collections"),
    ("sources", "source", "Sources"),
    ("places", "place", "Places"),
    ("authors", "author", "Authors"),
];

/// The filters' parameters and how the desk names them.
fn filter_name(key: &str) -> &str {
    match key {
        "from" => "From",
        "to" => "To",
        "author" => "Author",
        "place" => "Place",
        "source" => "Source",
        "collection" => "Collection",
        "undated" => "Undated only",
        other => other,
    }
}

/// `GET /compare`: the desk.
pub(crate) async fn desk(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let p = Params::parse(raw.as_deref());
    let desk = match Desk::from_params(&p) {
        Ok(desk) => desk,
        Err(failure) => {
            // Keep what the reader typed, so a bad date or a long label can be fixed.
            let entries = p
                .every("q")
                .into_iter()
                .filter(|q| !q.is_empty())
                .take(MAX_QUERIES)
                .map(|q| Entry {
                    q: q.chars().take(MAX_QUERY_CHARS).collect(),
                    label: String::new(),
                })
                .collect();
            let desk = Desk {
                entries,
                ..Desk::default()
            };
            return error_page(&desk, failure);
        }
    };
    if desk.entries.is_empty() {
        let body = html! {
            section.landing {
                p #summary { "Compare up to " (MAX_QUERIES) " queries over time." }
                p { "Type a query above, then add others to set beside it: each gets its own \
                     colour, and an optional label names it in the legend, the columns and the \
                     CSV files." }
            }
        };
        return html_response(
            StatusCode::OK,
            page::document("Compare – dateline", desk_form(&desk), body),
        );
    }
    let hits = hits_of(&state, &desk);
    let (chart, facets, hits) =
        tokio::join!(timeline_of(&state, &desk), facets_of(&state, &desk), hits);
    match (chart, facets, hits) {
        (Ok(chart), Ok(facets), Ok((view, searched))) => {
            let names: Vec<&str> = desk.entries.iter().map(|e| e.name()).collect();
            let title = format!("{} – dateline", names.join(" vs "));
            let body = html! {
                (active_filters(&desk))
                (timeline_panel(&desk, &chart))
                (words_panel(&desk))
                (facets_panel(&desk, &facets))
                (hits_panel(&desk, &view, &searched))
            };
            html_response(
                StatusCode::OK,
                page::document(&title, desk_form(&desk), body),
            )
        }
        (Err(failure), _, _) | (_, Err(failure), _) | (_, _, Err(failure)) => {
            error_page(&desk, failure)
        }
    }
}

/// The articles of the query the desk lists, as the search page's first page shows them.
async fn hits_of(state: &Shared, desk: &Desk) -> Result<(View, crate::answer::Searched), Failure> {
    let view = desk.search_view(desk.hits)?;
    let p = Params::parse(Some(&view.search_params()));
    let request = crate::search::Request {
        snippet_chars: page::PAGE_SNIPPET_CHARS,
        ..api::search_request(&p, view.q.clone(), page::PER_PAGE)?
    };
    let searched = super::search(state, request, true, None).await?;
    Ok((view, searched))
}

fn error_page(desk: &Desk, failure: Failure) -> Response {
    let body = html! { p.error role="alert" { (safe(&failure.message)) } };
    html_response(
        failure.status,
        page::document("dateline: error", desk_form(desk), body),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk(raw: &str) -> Desk {
        Desk::from_params(&Params::parse(Some(raw))).unwrap()
    }

    #[test]
    fn labels_pair_with_queries_by_position_even_when_blank() {
        let d = desk("q=cocoa&label=&q=coffee&label=Coffee&q=&label=x&q=tea");
        let got: Vec<(&str, &str)> = d.entries.iter().map(|e| (e.q.as_str(), e.name())).collect();
        assert_eq!(
            got,
            [("cocoa", "cocoa"), ("coffee", "Coffee"), ("tea", "tea")]
        );
    }

    #[test]
    fn the_url_gives_back_the_same_desk() {
        let d = desk("q=a+b&label=A&q=c&label=&scale=count&by=year&hits=1&author=Jo&from=1987-03");
        let again = desk(&d.query_string());
        assert_eq!(again.entries, d.entries);
        assert_eq!(again.scale, Scale::Count);
        assert_eq!(again.by, Some(Period::Year));
        assert_eq!(again.hits, 1);
        assert_eq!(again.filters, d.filters);
        assert!(d.filters.contains(&("from".into(), "1987-03-01".into())));
    }

    #[test]
    fn a_sixth_query_and_a_bad_scale_are_refused_with_the_fix() {
        let six = (0..6)
            .map(|i| format!("q=w{i}"))
            .collect::<Vec<_>>()
            .join("&");
        let err = Desk::from_params(&Params::parse(Some(&six))).unwrap_err();
        assert!(err.message.contains("at most 5"), "{}", err.message);
        let err = Desk::from_params(&Params::parse(Some("q=a&scale=log"))).unwrap_err();
        assert_eq!(err.message, "invalid scale 'log': use share or count");
    }

    #[test]
    fn words_stand_out_against_the_other_queries_when_asked() {
        let d = desk("q=cocoa&q=coffee+prices&q=tea&against=others&author=Jo");
        let p = Params::parse(Some(&d.terms_query(0)));
        assert_eq!(p.one("q"), Some("cocoa"));
        assert_eq!(p.one("versus"), Some("(coffee prices) OR (tea)"));
        assert_eq!(p.one("author"), Some("Jo"));
        assert_eq!(desk(&d.query_string()).against, Against::Others);
        let alone = desk("q=cocoa&against=others");
        assert_eq!(
            Params::parse(Some(&alone.terms_query(0))).one("versus"),
            None
        );
        let archive = desk("q=cocoa&q=tea");
        assert_eq!(
            Params::parse(Some(&archive.terms_query(0))).one("versus"),
            None
        );
    }

    #[test]
    fn two_series_never_share_a_name() {
        let d = desk("q=cocoa&label=x&q=coffee&label=x&q=x");
        let names: Vec<&str> = d.entries.iter().map(|e| e.name()).collect();
        assert_eq!(names, ["x", "x (2)", "x (3)"]);
    }
}
