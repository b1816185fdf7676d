//! The HTML pages: the search page (`/`), an article (`/article/{id}`), and the page's own
//! stylesheet and script. Every state is in the URL, so a search can be bookmarked and
//! shared, and the pages work with JavaScript off.
//!
//! maud escapes every value it is given; the only markup passed through unescaped is a
//! [`Highlighted`]'s, which escapes the text itself and adds nothing but `<mark>`. Text from
//! articles is also shown as the terminal shows it ([`safe`]): a control or bidi character
//! in a title cannot hide or reorder what a reader sees.

use std::borrow::Cow;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::api::{self, FACETS_SHOWN};
use super::params::{Params, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, NARROW};
use super::{blocking, check_query, Failure, Shared};
use crate::answer::{self, Searched};
use crate::facets::FacetCount;
use crate::output;
use crate::search::{Hit, Results, SortOrder};
use crate::show::{self, Shown};
use crate::snippet::Highlighted;
use crate::timeline::{Period, Scale, Timeline};

/// Hits per page, unless the reader chooses another of [`PAGE_SIZES`].
pub(super) const PER_PAGE: usize = 10;
/// The page sizes offered (`per_page=`); the largest is the API's `limit` cap.
const PAGE_SIZES: [usize; 4] = [PER_PAGE, 25, 50, MAX_LIMIT];
/// Snippet length on the search page, a little longer than the API's
/// [`crate::snippet::DEFAULT_CHARS`].
pub(super) const PAGE_SNIPPET_CHARS: usize = 240;
/// Most bars in the timeline: the period is made coarser until they fit.
pub(super) const TIMELINE_BARS: usize = 120;
/// Copies and similar articles listed on an article's page.
const COPIES_SHOWN: usize = 50;
const SIMILAR_SHOWN: usize = 10;

/// What the search page shows: everything comes from, and goes back into, the URL.
#[derive(Debug, Clone, Default)]
pub(super) struct View {
    pub(super) q: String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    sort: SortOrder,
    authors: Vec<String>,
    places: Vec<String>,
    sources: Vec<String>,
    collections: Vec<String>,
    /// Only the undated articles (`undated=1`).
    undated: bool,
    /// What the timeline's bars measure (`scale=count`; the share of all articles by default).
    scale: Scale,
    /// 1-based.
    page: usize,
    /// Hits per page, when not [`PER_PAGE`] (`per_page=25`).
    per_page: Option<usize>,
}

/// A filter the facets set: its parameter, the field's name in the page, and its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Author,
    Place,
    Source,
    Collection,
}

impl Field {
    fn param(self) -> &'static str {
        match self {
            Field::Author => "author",
            Field::Place => "place",
            Field::Source => "source",
            Field::Collection => "collection",
        }
    }

    fn facet(self) -> &'static str {
        match self {
            Field::Author => "authors",
            Field::Place => "places",
            Field::Source => "sources",
            Field::Collection => "collections",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Field::Author => "Author",
            Field::Place => "Place",
            Field::Source => "Source",
            Field::Collection => "Collection",
        }
    }
}

const FIELDS: [Field; 4] = [
    Field::Author,
    Field::Place,
    Field::Source,
    Field::Collection,
];

impl View {
    pub(super) fn from_params(p: &Params) -> Result<View, Failure> {
        let filters = p.filters()?;
        let per_page = p.number("per_page", PER_PAGE, MAX_LIMIT, "choose 10, 25, 50 or 100")?;
        if !PAGE_SIZES.contains(&per_page) {
            let offered: Vec<String> = PAGE_SIZES.iter().map(|n| n.to_string()).collect();
            return Err(Failure::bad(format!(
                "per_page {per_page} is not offered: give one of {}",
                offered.join(", ")
            )));
        }
        let page = p
            .number("page", 1, MAX_OFFSET / per_page + 1, NARROW)?
            .max(1);
        Ok(View {
            q: p.query()?.unwrap_or_default(),
            from: filters.from,
            to: filters.to,
            sort: p.sort()?,
            authors: filters.authors,
            places: filters.places,
            sources: filters.sources,
            collections: filters.collections,
            undated: filters.undated,
            scale: p.word("scale")?.unwrap_or_default(),
            page,
            per_page: (per_page != PER_PAGE).then_some(per_page),
        })
    }

    fn per_page(&self) -> usize {
        self.per_page.unwrap_or(PER_PAGE)
    }

    /// How the page is cut, for its links: `&per_page=25&page=2` (nothing for the defaults).
    fn paging(&self) -> String {
        let mut out = String::new();
        if let Some(n) = self.per_page {
            out.push_str(&format!("&per_page={n}"));
        }
        if self.page > 1 {
            out.push_str(&format!("&page={}", self.page));
        }
        out
    }

    fn values(&self, field: Field) -> &Vec<String> {
        match field {
            Field::Author => &self.authors,
            Field::Place => &self.places,
            Field::Source => &self.sources,
            Field::Collection => &self.collections,
        }
    }

    fn values_mut(&mut self, field: Field) -> &mut Vec<String> {
        match field {
            Field::Author => &mut self.authors,
            Field::Place => &mut self.places,
            Field::Source => &mut self.sources,
            Field::Collection => &mut self.collections,
        }
    }

    fn has_filters(&self) -> bool {
        self.from.is_some()
            || self.to.is_some()
            || self.undated
            || FIELDS.iter().any(|f| !self.values(*f).is_empty())
    }

    /// The query searched for: an empty box with filters set lists every article in them.
    fn query(&self) -> String {
        if self.q.is_empty() {
            "*".into()
        } else {
            self.q.clone()
        }
    }

    fn filters(&self) -> crate::query::Filters {
        crate::query::Filters {
            from: self.from,
            to: self.to,
            authors: self.authors.clone(),
            places: self.places.clone(),
            sources: self.sources.clone(),
            collections: self.collections.clone(),
            undated: self.undated,
        }
    }

    /// The search's parameters (`q` first; no page), as a query string.
    pub(super) fn search_params(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", &self.q);
        if let Some(d) = self.from {
            s.append_pair("from", &d.to_string());
        }
        if let Some(d) = self.to {
            s.append_pair("to", &d.to_string());
        }
        if self.undated {
            s.append_pair("undated", "1");
        }
        match self.sort {
            SortOrder::Relevance => {}
            SortOrder::Newest => {
                s.append_pair("sort", "newest");
            }
            SortOrder::Oldest => {
                s.append_pair("sort", "oldest");
            }
        }
        for field in FIELDS {
            for v in self.values(field) {
                s.append_pair(field.param(), v);
            }
        }
        s.finish()
    }

    pub(super) fn href(&self) -> String {
        let mut out = format!("/?{}", self.search_params());
        // How the page draws its chart, not what it searches: never passed on to the API.
        if self.scale == Scale::Count {
            out.push_str("&scale=count");
        }
        out.push_str(&self.paging());
        out
    }

    fn with_page(&self, page: usize) -> String {
        View {
            page,
            ..self.clone()
        }
        .href()
    }

    fn with_filter(&self, field: Field, value: &str) -> String {
        let mut v = View {
            page: 1,
            ..self.clone()
        };
        v.values_mut(field).push(value.to_string());
        v.href()
    }

    fn without_filter(&self, field: Field, value: &str) -> String {
        let mut v = View {
            page: 1,
            ..self.clone()
        };
        v.values_mut(field).retain(|x| x != value);
        v.href()
    }

    fn with_dates(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
        View {
            from,
            to,
            page: 1,
            ..self.clone()
        }
        .href()
    }

    fn article_href(&self, id: &str) -> String {
        // The search rides along, so the article can mark its words and lead back to it.
        format!("/article/{id}?{}{}", self.search_params(), self.paging())
    }

    /// The Atom feed of the search's newest matches (an empty box with filters: every
    /// article in them, as the page lists).
    pub(super) fn feed_href(&self) -> String {
        let every = View {
            q: self.query(),
            ..self.clone()
        };
        format!("/feed?{}", every.search_params())
    }

    fn export_href(&self, format: &str) -> String {
        format!("/api/export?format={format}&{}", self.search_params())
    }

    /// The same search for the undated articles only, which a date filter leaves out.
    fn undated_href(&self) -> String {
        View {
            from: None,
            to: None,
            undated: true,
            page: 1,
            ..self.clone()
        }
        .href()
    }
}

/// Text from an article, or quoting one, as the page shows it: line breaks and tabs are
/// white space to HTML, so they become spaces (a snippet that spans two paragraphs must not
/// show `\n\n`); every other control character (NUL, ESC, ...) and the bidi overrides are
/// escaped (`\x00`, `\u{202e}`), as on the terminal.
pub(super) fn safe(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r', '\t']) {
        return output::terminal_safe(text);
    }
    let mut spaced = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' if spaced.ends_with(' ') => {}
            '\n' | '\r' | '\t' => spaced.push(' '),
            c => spaced.push(c),
        }
    }
    Cow::Owned(output::terminal_safe(&spaced).into_owned())
}

pub(super) fn html_response(status: StatusCode, page: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page.into_string(),
    )
        .into_response()
}

/// `GET /`: the search form, and the results when there is something to search for.
pub(crate) async fn home(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let p = Params::parse(raw.as_deref());
    let view = match View::from_params(&p) {
        Ok(view) => view,
        Err(failure) => {
            // Keep what can be kept of the form (a bad date must not lose the query).
            let view = View {
                q: p.one("q")
                    .unwrap_or_default()
                    .chars()
                    .take(MAX_QUERY_CHARS)
                    .collect(),
                page: 1,
                ..View::default()
            };
            return error_page(&view, failure);
        }
    };
    if let Some(tidy) = tidied(&p, &view) {
        return Redirect::to(&tidy).into_response();
    }
    if view.q.is_empty() && !view.has_filters() {
        let articles = state.reader.searcher().num_docs();
        let about = archive_overview(&state).await;
        let example = about.example.as_deref().unwrap_or(DEFAULT_PLACEHOLDER);
        let page = document(
            "dateline",
            search_form_with(&view, example),
            landing(articles, &about),
        );
        return html_response(StatusCode::OK, page);
    }
    let request = crate::search::Request {
        query: view.query(),
        filters: view.filters(),
        limit: view.per_page(),
        offset: (view.page - 1) * view.per_page(),
        sort: view.sort,
        snippet_chars: PAGE_SNIPPET_CHARS,
        facets: Some(FACETS_SHOWN),
        ..Default::default()
    };
    let searched = super::search(&state, request, true, Some(TIMELINE_BARS)).await;
    match searched {
        Ok(searched) => {
            let title = format!("{} – dateline", view.query());
            let page = document_with_feed(
                &title,
                search_form(&view),
                results(&view, &searched),
                Some(&view.feed_href()),
                ("#results", "Skip to the results"),
            );
            html_response(StatusCode::OK, page)
        }
        Err(failure) => error_page(&view, failure),
    }
}

/// The page's own address when the request's has parameters that say nothing (a form's
/// empty fields, the default sort or page): a shared address carries only what was chosen.
/// The script leaves them out as it submits; this tidies them without it, and old links.
fn tidied(p: &Params, view: &View) -> Option<String> {
    let said =
        |name: &str, default: &str| p.every(name).iter().any(|v| v.is_empty() || *v == default);
    let noise = ["from", "to", "undated", "scale"]
        .into_iter()
        .chain(FIELDS.map(Field::param))
        .any(|name| said(name, ""))
        || said("sort", "relevance")
        || said("page", "1")
        || said("per_page", &PER_PAGE.to_string());
    noise.then(|| {
        if view.q.is_empty() && !view.has_filters() {
            "/".to_string()
        } else {
            view.href()
        }
    })
}

fn error_page(view: &View, failure: Failure) -> Response {
    let body = html! { p.error role="alert" { (safe(&failure.message)) } };
    html_response(failure.status, layout("dateline: error", view, body))
}

fn layout(title: &str, view: &View, main: Markup) -> Markup {
    document(title, search_form(view), main)
}

/// A whole page: `top` is the form in its header (the search's, or the desk's).
pub(super) fn document(title: &str, top: Markup, main: Markup) -> Markup {
    document_with_feed(title, top, main, None, ("#main", "Skip to the content"))
}

/// [`document`], announcing `feed` (an Atom feed of what it shows) to browsers and feed
/// readers. `skip` is the first thing Tab reaches: a link past the form to `(target, text)`.
fn document_with_feed(
    title: &str,
    top: Markup,
    main: Markup,
    feed: Option<&str>,
    skip: (&str, &str),
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (safe(title)) }
                link rel="stylesheet" href="/static/app.css";
                @if let Some(feed) = feed {
                    link rel="alternate" type="application/atom+xml" title="Newest matches" href=(feed);
                }
                script src="/static/app.js" defer {}
            }
            body {
                a.skip href=(skip.0) { (skip.1) }
                header.top {
                    a.brand href="/" { "dateline" }
                    (top)
                }
                main #main tabindex="-1" { (main) }
            }
        }
    }
}

/// The search box's placeholder where no example from the archive is at hand.
const DEFAULT_PLACEHOLDER: &str = "words, a \"phrase\", author:name";
/// Most collections the start page names, each with its dates.
const COLLECTIONS_NAMED: usize = 12;

fn search_form(view: &View) -> Markup {
    search_form_with(view, DEFAULT_PLACEHOLDER)
}

/// A collection as the start page names it: its name, articles, and first and last dated day.
type Collection = (String, u64, Option<(NaiveDate, NaiveDate)>);

/// What the start page says of the archive: its collections with the dates each covers,
/// and an example query drawn from it.
#[derive(Debug, Default)]
struct Overview {
    collections: Vec<Collection>,
    example: Option<String>,
}

/// The archive's [`Overview`], from searches for everything, newest and oldest first (each
/// cached, as every search). A failed search leaves its part out: the start page still lets a
/// reader search.
async fn archive_overview(state: &Shared) -> Overview {
    let every = |collections: Vec<String>, sort: SortOrder| crate::search::Request {
        query: "*".into(),
        filters: crate::query::Filters {
            collections,
            ..Default::default()
        },
        limit: 1,
        sort,
        snippet_chars: 0,
        facets: Some(FACETS_SHOWN),
        ..Default::default()
    };
    let Ok(all) = super::search(state, every(Vec::new(), SortOrder::Newest), false, None).await
    else {
        return Overview::default();
    };
    let example = all
        .results
        .hits
        .first()
        .and_then(|h| example_query(&h.title.text));
    let first_date = |s: Result<Searched, Failure>| {
        s.ok()
            .and_then(|s| s.results.hits.first().and_then(|h| h.date))
            .map(|d| d.date())
    };
    let mut collections = Vec::new();
    let named = all
        .results
        .facets
        .map(|f| f.collections)
        .unwrap_or_default();
    for c in named.into_iter().take(COLLECTIONS_NAMED) {
        let one = || vec![c.value.clone()];
        let newest =
            first_date(super::search(state, every(one(), SortOrder::Newest), false, None).await);
        let oldest =
            first_date(super::search(state, every(one(), SortOrder::Oldest), false, None).await);
        collections.push((c.value, c.count, oldest.zip(newest)));
    }
    Overview {
        collections,
        example,
    }
}

/// A query that finds `title`'s article: its two longest words, in the title's order.
fn example_query(title: &str) -> Option<String> {
    let words: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
        .collect();
    let mut longest: Vec<usize> = (0..words.len()).collect();
    longest.sort_by_key(|&i| std::cmp::Reverse(words[i].chars().count()));
    longest.truncate(2);
    longest.sort_unstable();
    let picked: Vec<String> = longest.iter().map(|&i| words[i].to_lowercase()).collect();
    (!picked.is_empty()).then(|| format!("e.g. {}", picked.join(" ")))
}

fn search_form_with(view: &View, placeholder: &str) -> Markup {
    let date = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let sort = |s: SortOrder| view.sort == s;
    html! {
        form #search action="/" method="get" role="search" {
            div.query-row {
                label for="q" { "Search the archive" }
                div.query-box {
                    input #q name="q" type="search" value=(view.q) maxlength=(MAX_QUERY_CHARS)
                        autocomplete="off" aria-describedby="q-hint"
                        placeholder=(safe(placeholder));
                    button type="submit" { "Search" }
                }
                p #q-hint .hint {
                    "Counts articles with all the words (" code { "OR" } " for any of them), then lists those with some; "
                    code { "\"a phrase\"" } ", " code { "+must -not" } ", "
                    code { "a w/5 b" } " " code { "pre/3" } " " code { "w/s" } " " code { "atleast3 a" } ", "
                    code { "title:" } " " code { "author:" } " " code { "place:" } " "
                    code { "date:1987-03" } ", " code { "*" } " for everything. Press "
                    kbd { "/" } " to search."
                }
            }
            div.filters {
                div.field {
                    label for="from" { "From" }
                    input #from name="from" type="date" value=(date(view.from));
                }
                div.field {
                    label for="to" { "To" }
                    input #to name="to" type="date" value=(date(view.to));
                }
                div.field {
                    label for="sort" { "Sort" }
                    select #sort name="sort" {
                        option value="relevance" selected[sort(SortOrder::Relevance)] { "Relevance" }
                        option value="newest" selected[sort(SortOrder::Newest)] { "Newest first" }
                        option value="oldest" selected[sort(SortOrder::Oldest)] { "Oldest first" }
                    }
                }
                div.field {
                    label for="per-page" { "Per page" }
                    select #per-page name="per_page" {
                        @for n in PAGE_SIZES {
                            option value=(n) selected[view.per_page() == n] { (n) }
                        }
                    }
                }
            }
            @for field in FIELDS {
                @for value in view.values(field) {
                    input type="hidden" name=(field.param()) value=(value);
                }
            }
        }
    }
}

fn landing(articles: u64, about: &Overview) -> Markup {
    html! {
        section.landing {
            p #summary { (plural(articles as usize, "article", "articles")) " in the archive." }
            @if !about.collections.is_empty() {
                ul #collections aria-label="Collections" {
                    @for (name, count, dates) in &about.collections {
                        li {
                            a.collection href=(View { collections: vec![name.clone()], page: 1, ..View::default() }.href()) {
                                (safe(name))
                            }
                            ": " (plural(*count as usize, "article", "articles"))
                            @if let Some((first, last)) = dates {
                                @if first == last {
                                    ", " span.dates { (first.format("%-d %B %Y")) }
                                } @else {
                                    ", " span.dates { (first.format("%-d %B %Y")) " to " (last.format("%-d %B %Y")) }
                                }
                            } @else {
                                ", undated"
                            }
                        }
                    }
                }
            }
            p { "Type words to search; every search can be bookmarked and shared." }
            p {
                "Try " a href="/?q=%2A&sort=newest" { "the newest articles" } "."
            }
        }
    }
}

pub(crate) use crate::output::count::thousands;

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    crate::output::count::counted(n as u64, one, many)
}

fn results(view: &View, searched: &Searched) -> Markup {
    let r = &searched.results;
    let listed = r.total_hits + r.partial_hits;
    let pages = listed.div_ceil(view.per_page()).max(1);
    let last_page = pages.min(MAX_OFFSET / view.per_page() + 1);
    html! {
        div.summary-row {
            p #summary {
                @if r.total_is_estimate { "about " }
                // The count is of articles, or of stories when copies are folded, as the
                // command line says it.
                @if r.articles != r.total_hits {
                    (plural(r.total_hits, "story", "stories"))
                } @else {
                    (plural(r.total_hits, "article", "articles"))
                }
                @if r.counting == crate::query::Counting::AllWords {
                    " with all the words"
                    @if r.partial_hits > 0 { ", " (thousands(r.partial_hits as u64)) " more with some" }
                }
                @if r.articles != r.total_hits {
                    " (" (plural(r.articles, "article", "articles")) " with copies)"
                }
                @if listed > 0 { " · page " (view.page) " of " (thousands(pages as u64)) }
                " · " (r.elapsed.as_millis()) " ms"
            }
            @if r.undated_left_out > 0 {
                p #undated-left-out {
                    (plural(r.undated_left_out as usize, "matching article has", "matching articles have"))
                    " no date and " (if r.undated_left_out == 1 { "is" } else { "are" })
                    " left out by the date filter: "
                    a href=(view.undated_href()) { "undated only" }
                }
            }
            @if r.total_hits > 0 {
                p.export {
                    "Export all matches: "
                    a #export-csv href=(view.export_href("csv")) download { "CSV" }
                    " · "
                    a #export-csv-excel href={ (view.export_href("csv")) "&bom=1" } download { "CSV for Excel" }
                    " · "
                    a #export-jsonl href=(view.export_href("jsonl")) download { "JSON Lines" }
                    " · cite them: "
                    a #export-ris href=(view.export_href("ris")) download { "RIS" }
                    " · "
                    a #export-csljson href=(view.export_href("csljson")) download { "CSL-JSON" }
                }
            }
            p.feed {
                a #feed href=(view.feed_href()) { "Feed" }
                " of the newest matches"
            }
            p.compare {
                a #compare href=(super::desk::from_search(view)) { "Compare with another query →" }
            }
        }
        @if let (true, Some(s)) = (r.showing_suggestion, &r.suggestion) {
            p.suggestion #showing-suggestion {
                "No results for " (safe(&r.query)) "; showing results for "
                a #suggestion href=(View { q: s.clone(), page: 1, ..view.clone() }.href()) { (safe(s)) }
                "."
            }
        } @else if let Some(s) = &r.suggestion {
            p.suggestion {
                "Did you mean "
                a #suggestion href=(View { q: s.clone(), page: 1, ..view.clone() }.href()) { (safe(s)) }
                "?"
            }
        }
        (active_filters(view))
        div.layout {
            section.hits aria-label="Results" {
                @if r.hits.is_empty() {
                    p.none {
                        @if listed > 0 { "No more matches on this page." }
                        @else { "Nothing matches. Try fewer or other words, or remove a filter." }
                    }
                }
                (hit_list(view, r))
                @if view.page > 1 || view.page < last_page {
                    nav.pages aria-label="Pages" {
                        @if view.page > 1 {
                            a rel="prev" href=(view.with_page(view.page - 1)) { "← Previous" }
                        }
                        @for n in page_numbers(view.page, last_page) {
                            @match n {
                                Some(n) if n == view.page => {
                                    span.page-number aria-current="page" { (thousands(n as u64)) }
                                }
                                Some(n) => {
                                    a.page-number href=(view.with_page(n)) aria-label={ "Page " (n) } {
                                        (thousands(n as u64))
                                    }
                                }
                                None => { span.gap aria-hidden="true" { "…" } }
                            }
                        }
                        span.page-of { "Page " (view.page) " of " (thousands(pages as u64)) }
                        @if view.page < last_page {
                            a rel="next" href=(view.with_page(view.page + 1)) { "Next →" }
                        }
                    }
                }
            }
            // Nothing found, nothing to refine: no boxes of "None named".
            @if let Some(f) = r.facets.as_ref().filter(|_| listed > 0) {
                aside #facets aria-label="Refine" {
                    h2 { "Refine" }
                    (facet(view, Field::Author, &f.authors))
                    (facet(view, Field::Place, &f.places))
                    (facet(view, Field::Source, &f.sources))
                    (facet(view, Field::Collection, &f.collections))
                }
            }
        }
        // After the results in the page (and so in tab order), above them on screen (the
        // stylesheet's `order`): its many bars come after the hits for a keyboard.
        @if let Some(t) = &searched.timeline {
            (timeline(view, t))
        }
    }
}

/// The page numbers to link: the first, the last, and two either side of `page`; None for
/// a gap between them.
fn page_numbers(page: usize, last: usize) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = Vec::new();
    for n in 1..=last {
        if n == 1 || n == last || n.abs_diff(page) <= 2 {
            out.push(Some(n));
        } else if out.last() != Some(&None) {
            out.push(None);
        }
    }
    out
}

/// The hits, numbered from the page's first, the partial matches after a divider.
pub(super) fn hit_list(view: &View, r: &Results) -> Markup {
    html! {
        ol #results start=(r.offset + 1) {
            @for (i, hit) in r.hits.iter().enumerate() {
                @if hit.partial && (i == 0 || !r.hits[i - 1].partial) {
                    // Numbered one below the hit after it, so that the numbers run on.
                    li.partial-divider value=(hit.rank - 1) {
                        @if r.total_hits == 0 {
                            "No article has all the words; showing articles with some of them."
                        } @else {
                            "── " (thousands(r.partial_hits as u64)) " more have only some of the words ──"
                        }
                    }
                }
                (hit_item(view, hit))
            }
        }
    }
}

fn active_filters(view: &View) -> Markup {
    html! {
        @if view.has_filters() {
            ul.active-filters aria-label="Active filters" {
                @if view.from.is_some() || view.to.is_some() {
                    li {
                        a.remove-filter href=(view.with_dates(None, None))
                            title="Remove the date range" {
                            "Dates: "
                            (view.from.map(|d| d.to_string()).unwrap_or_else(|| "…".into()))
                            " to "
                            (view.to.map(|d| d.to_string()).unwrap_or_else(|| "…".into()))
                            span.x aria-hidden="true" { " ×" }
                        }
                    }
                }
                @for field in FIELDS {
                    @for value in view.values(field) {
                        li {
                            a.remove-filter href=(view.without_filter(field, value))
                                data-field=(field.facet()) title={ "Remove " (field.label()) " filter" } {
                                (field.label()) ": " (safe(value))
                                span.x aria-hidden="true" { " ×" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn facet(view: &View, field: Field, counts: &[FacetCount]) -> Markup {
    let active = view.values(field);
    html! {
        section.facet data-field=(field.facet()) {
            h3 { (field.label()) "s" }
            @if counts.is_empty() {
                p.empty { "None named" }
            } @else {
                ul {
                    @for c in counts {
                        @if active.contains(&c.value) {
                            li.active {
                                a.remove-filter href=(view.without_filter(field, &c.value)) {
                                    (safe(&c.value)) " " span.count { (thousands(c.count)) } span.x aria-hidden="true" { " ×" }
                                }
                            }
                        } @else {
                            li {
                                a.facet-value href=(view.with_filter(field, &c.value)) {
                                    (safe(&c.value)) " " span.count { (thousands(c.count)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn hit_item(view: &View, hit: &Hit) -> Markup {
    html! {
        li.hit data-id=(hit.id) {
            a.title href=(view.article_href(&hit.id)) { (title_html(&hit.title)) }
            div.meta {
                span.date { (hit.date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()) }
                span.authors { (safe(&hit.authors.join(", "))) }
                span.place { (safe(hit.place.as_deref().unwrap_or_default())) }
                span.source { (safe(hit.source.as_deref().unwrap_or_default())) }
                span.collection { (safe(hit.collection.as_deref().unwrap_or_default())) }
                @if !hit.copies.is_empty() {
                    span.copies { "+" (hit.copies.len()) (if hit.copies.len() == 1 { " copy" } else { " copies" }) }
                }
                @if hit.partial {
                    span.missing { "missing: " (safe(&hit.missing.join(", "))) }
                }
                code.id { (hit.id) }
                a.similar href={ (view.article_href(&hit.id)) "#similar" } { "similar articles" }
            }
            p.snippet { (PreEscaped(hit.snippet.to_marked_html(safe))) }
            @if !hit.versions.is_empty() {
                details.versions {
                    summary { (plural(hit.versions.len(), "other version", "other versions")) }
                    ul {
                        @for v in &hit.versions {
                            li {
                                a href=(view.article_href(&v.id)) {
                                    @if v.title.trim().is_empty() { "(untitled)" } @else { (safe(&v.title)) }
                                }
                                " "
                                span.date { (v.date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()) }
                                " "
                                code.id { (v.id) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A title with its matches marked, or a stand-in for an article without one.
fn title_html(title: &Highlighted) -> Markup {
    if title.text.trim().is_empty() {
        html! { "(untitled)" }
    } else {
        html! { (PreEscaped(title.to_marked_html(safe))) }
    }
}

pub(super) fn period_label(by: Period, start: NaiveDate) -> String {
    match by {
        Period::Day => start.format("%Y-%m-%d").to_string(),
        Period::Week => format!("week of {}", start.format("%Y-%m-%d")),
        Period::Month => start.format("%B %Y").to_string(),
        Period::Year => start.format("%Y").to_string(),
    }
}

/// The matches over time as an SVG bar chart; each bar links to its period. Bars measure
/// each period's share of every article in it (the archive's own growth is not attention),
/// or with `scale=count` the matches; the tooltip gives both.
fn timeline(view: &View, t: &Timeline) -> Markup {
    // A date range reaching across centuries would make thousands of year bars: not drawn.
    if t.periods.is_empty() || t.periods.len() > 4 * TIMELINE_BARS {
        return html! {};
    }
    let by_count = view.scale == Scale::Count;
    let value = |i: usize, n: u64| if by_count { n as f64 } else { t.share(i) };
    let max = t
        .periods
        .iter()
        .enumerate()
        .map(|(i, (_, n))| value(i, *n))
        .fold(0.0, f64::max);
    let (w, h, gap) = (10u64, 60u64, 2u64);
    let width = w * t.periods.len() as u64;
    let first = t.periods.first().map(|(d, _)| *d);
    let last = t.covered().map(|(_, end)| end);
    let other = View {
        scale: if by_count { Scale::Share } else { Scale::Count },
        ..view.clone()
    };
    html! {
        figure.timeline {
            svg #timeline role="img" viewBox={ "0 0 " (width) " " (h) } preserveAspectRatio="none"
                aria-label={ (if by_count { "Matching articles per " } else { "Share of all articles per " }) (t.by.name()) } {
                @for (i, (start, n)) in t.periods.iter().enumerate() {
                    @let end = t.by.next(*start).and_then(|d| d.pred_opt()).unwrap_or(*start);
                    @let v = value(i, *n);
                    @let bar = if *n == 0 || max <= 0.0 { 0 } else { ((v / max * (h - 4) as f64) as u64).max(2) };
                    a.bar href=(view.with_dates(Some(*start), Some(end))) {
                        title {
                            (period_label(t.by, *start)) ": " (plural(*n as usize, "article", "articles"))
                            ", " (percent(t.share(i))) " of " (plural(t.all_in(i) as usize, "article", "articles"))
                        }
                        rect.hit-area x=(i as u64 * w) y="0" width=(w) height=(h) {}
                        rect.fill x=(i as u64 * w + gap / 2) y=(h - bar) width=(w - gap) height=(bar) {}
                    }
                }
            }
            figcaption {
                span { (first.map(|d| d.to_string()).unwrap_or_default()) }
                span {
                    @if by_count { "matching articles per " (t.by.name()) } @else { "share of all articles per " (t.by.name()) }
                    @if t.undated > 0 { " (" (thousands(t.undated)) " undated)" }
                    " · "
                    a.scale href=(other.href()) { @if by_count { "show shares" } @else { "show counts" } }
                }
                span { (last.map(|d| d.to_string()).unwrap_or_default()) }
            }
        }
    }
}

/// A share as a percentage people read: `0.46%`, `12%`.
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p == 0.0 {
        "0%".to_string()
    } else if p < 1.0 {
        format!("{p:.2}%")
    } else if p < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// `GET /article/{id}`: the whole article, its copies and similar articles.
pub(crate) async fn article(
    State(state): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = Params::parse(raw.as_deref());
    let view = View::from_params(&p).unwrap_or_default();
    let highlight = (!view.q.is_empty()).then(|| view.q.clone());
    let found = blocking(&state, move |st, searcher| {
        let address = api::find(st, searcher, &id)?;
        // A query that does not parse marks nothing, but the article is still shown.
        let highlight = highlight.filter(|q| check_query(&st.open, q, &Default::default()).is_ok());
        let shown = answer::article(searcher, &st.open, address, highlight.as_deref())
            .map_err(Failure::internal)?;
        let copies =
            show::copies(searcher, &st.open, address, COPIES_SHOWN).map_err(Failure::internal)?;
        let similar = answer::similar(searcher, &st.open, address, SIMILAR_SHOWN)
            .map_err(Failure::internal)?;
        let within = path_in_collection(&st.open.meta, &shown.path);
        Ok((shown, within, copies, similar.hits))
    })
    .await;
    match found {
        Ok((shown, within, copies, similar)) => {
            let title = format!("{} – dateline", shown.title.text);
            html_response(
                StatusCode::OK,
                layout(
                    &title,
                    &view,
                    article_page(&view, &shown, &within, &copies, &similar),
                ),
            )
        }
        Err(failure) => error_page(&view, failure),
    }
}

/// Only web addresses become links: a `javascript:` URL in an article stays text.
fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// An article's file as named within the folder of its collection (`earn/0001.txt`): the
/// server's own absolute path is no reader's business and no use in a citation.
fn path_in_collection(meta: &crate::index_dir::Meta, path: &str) -> String {
    let path = std::path::Path::new(path);
    meta.roots
        .iter()
        .filter_map(|root| path.strip_prefix(root).ok())
        .min_by_key(|rest| rest.as_os_str().len())
        .or_else(|| path.file_name().map(std::path::Path::new))
        .map(|rest| rest.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// How the article is cited: outlet, "headline", byline, date; the link follows it.
fn citation(a: &Shown) -> String {
    let mut parts = Vec::new();
    if let Some(outlet) = a.source.as_ref().or(a.collection.as_ref()) {
        parts.push(outlet.clone());
    }
    let title = a.title.text.trim();
    parts.push(format!(
        "\u{201c}{}\u{201d}",
        if title.is_empty() {
            "(untitled)"
        } else {
            title
        }
    ));
    if !a.authors.is_empty() {
        parts.push(a.authors.join(", "));
    }
    if let Some(d) = a.date {
        parts.push(d.format("%-d %B %Y").to_string());
    }
    parts.join(". ") + "."
}

fn article_page(view: &View, a: &Shown, within: &str, copies: &[Hit], similar: &[Hit]) -> Markup {
    let back = if view.q.is_empty() && !view.has_filters() {
        "/".to_string()
    } else {
        view.href()
    };
    let from = output::location(within, a.member.as_deref(), a.line, a.record);
    let words = a
        .body
        .text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    // The original's web address when it has one, else this page (made absolute in the
    // browser, which knows the address it was reached by).
    let link = match &a.url {
        Some(u) if is_web_url(u) => u.clone(),
        _ => format!("/article/{}", a.id),
    };
    html! {
        a #back href=(back) { "← Back to the search" }
        article #article {
            h1 { (title_html(&a.title)) }
            dl.meta {
                @if let Some(d) = a.date { dt { "Date" } dd.date { (d.format("%Y-%m-%d")) } }
                @if !a.authors.is_empty() { dt { "By" } dd.authors { (safe(&a.authors.join(", "))) } }
                @if let Some(p) = &a.place { dt { "Place" } dd.place { (safe(p)) } }
                @if let Some(s) = &a.source { dt { "Source" } dd.source { (safe(s)) } }
                @if let Some(c) = &a.collection { dt { "Collection" } dd.collection { (safe(c)) } }
                @if let Some(u) = &a.url {
                    dt { "URL" }
                    dd.url {
                        @if is_web_url(u) { a href=(u) rel="noopener noreferrer nofollow" { (safe(u)) } }
                        @else { (safe(u)) }
                    }
                }
                dt { "Words" } dd.words { (thousands(words as u64)) }
                dt { "File" } dd.from { code { (from) } }
                dt { "Id" } dd { code.id { (a.id) } }
            }
            div.cite {
                p #citation {
                    span.text { (safe(&citation(a))) } " "
                    span #citation-link { (safe(&link)) }
                }
                button #copy-citation type="button" hidden { "Copy citation" }
                span #copy-status role="status" {}
            }
            div.body {
                @for para in a.body.marked_paragraphs(safe) { p { (PreEscaped(para)) } }
            }
        }
        section #copies {
            h2 { "Copies" }
            @if copies.is_empty() {
                p { "No other copy of this story is in the archive." }
            } @else {
                p { (plural(copies.len(), "copy", "copies")) " of this story (the same text filed again or reprinted):" }
                ul {
                    @for c in copies { (short_item(c)) }
                }
            }
        }
        section #similar {
            h2 { "Similar articles" }
            @if similar.is_empty() {
                p { "No similar articles found." }
            } @else {
                ol {
                    @for s in similar { (short_item(s)) }
                }
            }
        }
    }
}

fn short_item(hit: &Hit) -> Markup {
    html! {
        li data-id=(hit.id) {
            a href={ "/article/" (hit.id) } { (title_html(&hit.title)) }
            " "
            span.date { (hit.date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()) }
            @if !hit.authors.is_empty() { " · " span.authors { (safe(&hit.authors.join(", "))) } }
        }
    }
}

/// Pages that do not exist.
pub(crate) async fn unknown() -> Response {
    error_page(
        &View::default(),
        Failure::not_found("There is no such page. Search the archive from here."),
    )
}

pub(crate) async fn css() -> Response {
    asset("text/css; charset=utf-8", include_str!("static/app.css"))
}

pub(crate) async fn js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("static/app.js"),
    )
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
