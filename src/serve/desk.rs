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

use std::collections::BTreeMap;
use std::str::FromStr;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use super::api;
use super::page::{self, html_response, period_label, plural, safe, thousands, View};
use super::params::{Params, MAX_QUERY_CHARS};
use super::{Failure, Shared};
use crate::choice::UnknownChoice;
use crate::output::csv::{csv_safe, csv_to_io};
use crate::timeline::Period;

/// Queries compared at once: beyond five, colours and columns stop being told apart.
pub(crate) const MAX_QUERIES: usize = 5;
/// Longest label, in characters: a name for a query, not a text.
const MAX_LABEL_CHARS: usize = 100;
/// Words listed per query in the words panel.
const WORDS_SHOWN: usize = 15;

/// What the timeline's bars measure: the share of all articles (the default, so a busier
/// month in the archive does not pass for more attention) or the matches' count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Scale {
    #[default]
    Share,
    Count,
}

impl Scale {
    fn name(self) -> &'static str {
        match self {
            Scale::Share => "share",
            Scale::Count => "count",
        }
    }
}

impl FromStr for Scale {
    type Err = UnknownChoice;

    fn from_str(text: &str) -> Result<Scale, UnknownChoice> {
        match text.trim().to_ascii_lowercase().as_str() {
            "share" => Ok(Scale::Share),
            "count" | "counts" => Ok(Scale::Count),
            _ => Err(UnknownChoice::new(text, "share or count")),
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

    /// The API's parameters for `entries`: each `q` with its `label` (always given, so the
    /// API pairs them as the desk does), `by` and the filters.
    fn api_query(&self, entries: &[Entry], by: Option<Period>) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for e in entries {
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

/// The answer of an API handler called in process, as JSON; its error as the desk's.
async fn api_value<R: IntoResponse>(answer: Result<R, Failure>) -> Result<Value, Failure> {
    let response = answer?.into_response();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| Failure::internal(anyhow::anyhow!("reading the API's answer: {e}")))?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| Failure::internal(anyhow::anyhow!("the API's answer is not JSON: {e}")))?;
    if !status.is_success() {
        return Err(Failure {
            status,
            message: value["error"].as_str().unwrap_or("failed").to_string(),
        });
    }
    Ok(value)
}

/// One query's timeline, as `/api/timeline` gives it.
#[derive(Debug, Deserialize)]
struct SeriesJson {
    #[serde(default)]
    label: Option<String>,
    query: String,
    total: u64,
    undated: u64,
    periods: Vec<PointJson>,
}

impl SeriesJson {
    /// Its label, which the desk always gives the API.
    fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.query)
    }
}

#[derive(Debug, Clone, Deserialize)]
struct PointJson {
    #[serde(deserialize_with = "day")]
    start: NaiveDate,
    count: u64,
    /// Every dated article of the period (under the filters); absent from older answers.
    #[serde(default)]
    all: Option<u64>,
    #[serde(default)]
    share: Option<f64>,
}

/// A period's first day, `YYYY-MM-DD` as the API writes it.
fn day<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(d)?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(serde::de::Error::custom)
}

/// The timelines of every query, over the same periods.
#[derive(Debug)]
struct Chart {
    by: Period,
    series: Vec<SeriesJson>,
}

impl Chart {
    fn from_json(value: Value) -> Result<Chart, Failure> {
        let bad = |e: serde_json::Error| {
            Failure::internal(anyhow::anyhow!(
                "the timeline answer is not as documented: {e}"
            ))
        };
        let by: Period = value["by"]
            .as_str()
            .unwrap_or_default()
            .parse()
            .map_err(|e: UnknownChoice| Failure::internal(anyhow::anyhow!("{e}")))?;
        let series = match value.get("series") {
            Some(list) => Vec::<SeriesJson>::deserialize(list).map_err(bad)?,
            None => vec![SeriesJson::deserialize(&value).map_err(bad)?],
        };
        Ok(Chart { by, series })
    }

    /// Every period any series has, in order.
    fn starts(&self) -> Vec<NaiveDate> {
        let mut starts: Vec<NaiveDate> = self
            .series
            .iter()
            .flat_map(|s| s.periods.iter().map(|p| p.start))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        starts
    }

    /// Whether the API gave shares (`all` per period).
    fn has_shares(&self) -> bool {
        self.series
            .iter()
            .any(|s| s.periods.iter().any(|p| p.share.is_some()))
    }
}

async fn timeline_of(state: &Shared, desk: &Desk) -> Result<Chart, Failure> {
    let raw = desk.api_query(&desk.entries, desk.by);
    let value = api_value(api::timeline(State(state.clone()), RawQuery(Some(raw))).await).await?;
    if value.get("series").is_some() || desk.entries.len() < 2 {
        return Chart::from_json(value);
    }
    // An API that takes one query: one call each, on the first one's period.
    let mut chart: Option<Chart> = None;
    for e in &desk.entries {
        let by = chart.as_ref().map(|c| c.by).or(desk.by);
        let raw = desk.api_query(std::slice::from_ref(e), by);
        let value =
            api_value(api::timeline(State(state.clone()), RawQuery(Some(raw))).await).await?;
        let one = Chart::from_json(value)?;
        match &mut chart {
            Some(c) => c.series.extend(one.series),
            None => chart = Some(one),
        }
    }
    chart.ok_or_else(|| Failure::bad("no query"))
}

/// One query's facets, as `/api/facets` gives them: each facet's name and its values.
#[derive(Debug, Default)]
struct FacetSeries {
    facets: BTreeMap<String, Vec<(String, u64)>>,
}

impl FacetSeries {
    fn from_json(facets: &Value) -> FacetSeries {
        let mut out = FacetSeries::default();
        if let Some(map) = facets.as_object() {
            for (name, values) in map {
                let values = values
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .filter_map(|v| {
                                Some((v["value"].as_str()?.to_string(), v["count"].as_u64()?))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                out.facets.insert(name.clone(), values);
            }
        }
        out
    }
}

async fn facets_of(state: &Shared, desk: &Desk) -> Result<Vec<FacetSeries>, Failure> {
    let raw = desk.api_query(&desk.entries, None);
    let value = api_value(api::facets(State(state.clone()), RawQuery(Some(raw))).await).await?;
    if let Some(list) = value["series"].as_array() {
        return Ok(list
            .iter()
            .map(|s| FacetSeries::from_json(&s["facets"]))
            .collect());
    }
    if desk.entries.len() < 2 {
        return Ok(vec![FacetSeries::from_json(&value["facets"])]);
    }
    // An API that takes one query: one call each.
    let mut out = Vec::new();
    for e in &desk.entries {
        let raw = desk.api_query(std::slice::from_ref(e), None);
        let value = api_value(api::facets(State(state.clone()), RawQuery(Some(raw))).await).await?;
        out.push(FacetSeries::from_json(&value["facets"]));
    }
    Ok(out)
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

/// A small square of query `i`'s colour (its class, never a style from the data).
fn swatch(i: usize) -> Markup {
    html! { span class={ "swatch c" (i) } aria-hidden="true" {} }
}

fn desk_form(desk: &Desk) -> Markup {
    let rows =
        (desk.entries.len() + usize::from(desk.add || desk.entries.is_empty())).min(MAX_QUERIES);
    let empty = Entry::default();
    let date = |key: &str| desk.filter(key).unwrap_or_default().to_string();
    html! {
        form #desk action="/compare" method="get" {
            fieldset.queries {
                legend { "Compare up to " (MAX_QUERIES) " queries" }
                ol #queries {
                    @for i in 0..rows {
                        @let e = desk.entries.get(i).unwrap_or(&empty);
                        li.query-row data-i=(i) {
                            (swatch(i))
                            input.q name="q" type="search" value=(e.q) maxlength=(MAX_QUERY_CHARS)
                                autocomplete="off" aria-label={ "Query " (i + 1) }
                                placeholder=(if i == 0 { "a query, e.g. cocoa" } else { "another query, e.g. coffee" });
                            input.label name="label" type="text" value=(e.label)
                                maxlength=(MAX_LABEL_CHARS) autocomplete="off"
                                aria-label={ "Label of query " (i + 1) } placeholder="label (optional)";
                            @if i < desk.entries.len() && desk.entries.len() > 1 {
                                a.remove-query href=(desk.without_query(i))
                                    title="Remove this query" aria-label={ "Remove query " (i + 1) } { "×" }
                            }
                        }
                    }
                }
                p.hint {
                    "Each query counts the articles that have all its words ("
                    code { "OR" } " for any of them); the filters below apply to every query."
                }
            }
            div.desk-actions {
                // First, so that Enter in a box compares rather than adds a row.
                button type="submit" { "Compare" }
                @if rows < MAX_QUERIES {
                    button #add-query .secondary type="submit" name="add" value="1" { "+ Add a query" }
                }
            }
            div.filters {
                div.field {
                    label for="from" { "From" }
                    input #from name="from" type="date" value=(date("from"));
                }
                div.field {
                    label for="to" { "To" }
                    input #to name="to" type="date" value=(date("to"));
                }
                div.field {
                    label for="by" { "Per" }
                    select #by name="by" {
                        option value="" selected[desk.by.is_none()] { "Automatic" }
                        @for period in [Period::Day, Period::Week, Period::Month, Period::Year] {
                            option value=(period.name()) selected[desk.by == Some(period)] { (period.name()) }
                        }
                    }
                }
            }
            input #scale-field type="hidden" name="scale" value=(desk.scale.name());
            @if desk.hits > 0 { input type="hidden" name="hits" value=(desk.hits); }
            @for (k, v) in &desk.filters {
                @if k != "from" && k != "to" { input type="hidden" name=(k) value=(v); }
            }
        }
    }
}

fn active_filters(desk: &Desk) -> Markup {
    html! {
        @if !desk.filters.is_empty() {
            ul.active-filters aria-label="Active filters" {
                @for (k, v) in &desk.filters {
                    li {
                        a.remove-filter href=(desk.without_filter(k, v)) title={ "Remove the " (k) " filter" } {
                            (filter_name(k)) ": " (safe(v))
                            span.x aria-hidden="true" { " ×" }
                        }
                    }
                }
            }
        }
    }
}

/// A panel's heading, its CSV link, and what else it puts beside them.
fn panel_head(title: &str, csv_id: &str, csv_href: &str, extra: Markup) -> Markup {
    html! {
        div.panel-head {
            h2 { (title) }
            (extra)
            a.csv id=(csv_id) href=(csv_href) download { "CSV" }
        }
    }
}

/// `share` as a percentage with the digits that tell small shares apart.
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p == 0.0 {
        "0%".into()
    } else if p >= 10.0 {
        format!("{p:.1}%")
    } else if p >= 0.1 {
        format!("{p:.2}%")
    } else {
        format!("{p:.3}%")
    }
}

fn timeline_panel(desk: &Desk, chart: &Chart) -> Markup {
    let shares = chart.has_shares();
    // Without `all` from the API there is no share to draw.
    let scale = if shares { desk.scale } else { Scale::Count };
    let toggle = html! {
        div.scale-toggle role="group" aria-label="Bars show" {
            @for (s, text) in [(Scale::Share, "Share of all articles"), (Scale::Count, "Counts")] {
                @if s == scale {
                    a.scale.on href=(desk.with(|d| d.scale = s)) data-scale=(s.name()) aria-current="true" { (text) }
                } @else {
                    a.scale href=(desk.with(|d| d.scale = s)) data-scale=(s.name()) { (text) }
                }
            }
        }
    };
    let csv = format!("/compare/timeline.csv?{}", desk.query_string());
    html! {
        section #panel-timeline .panel aria-label="Over time" {
            (panel_head("Over time", "csv-timeline", &csv, toggle))
            ul.legend {
                @for (i, s) in chart.series.iter().enumerate() {
                    li data-i=(i) {
                        (swatch(i))
                        strong.name { (safe(s.name())) }
                        @if !s.name().eq_ignore_ascii_case(&s.query) {
                            " " code.query { (safe(&s.query)) }
                        }
                        " " span.count { (plural(s.total as usize, "article", "articles")) }
                        @if s.undated > 0 { span.undated { " (" (thousands(s.undated)) " undated)" } }
                    }
                }
            }
            (bars(desk, chart, scale))
        }
    }
}

/// The series as grouped bars: one group per period (a link narrowing the dates to it), one
/// bar per query in its colour. Each bar carries both heights and both tooltips, so the
/// script switches the scale in place.
fn bars(desk: &Desk, chart: &Chart, scale: Scale) -> Markup {
    let starts = chart.starts();
    if starts.is_empty() {
        return html! { p.none { "No match has a date in this range." } };
    }
    if starts.len() > 4 * page::TIMELINE_BARS {
        return html! {
            p.none { (thousands(starts.len() as u64)) " periods are too many bars: choose a longer \
                     period (Per) or a shorter date range." }
        };
    }
    let points: Vec<BTreeMap<NaiveDate, &PointJson>> = chart
        .series
        .iter()
        .map(|s| s.periods.iter().map(|p| (p.start, p)).collect())
        .collect();
    let n = chart.series.len().max(1) as u64;
    let (slot, gap, h) = (4u64, 2u64, 100u64);
    let group = n * slot + gap;
    let width = group * starts.len() as u64;
    let max_share = chart
        .series
        .iter()
        .flat_map(|s| s.periods.iter().filter_map(|p| p.share))
        .fold(0.0f64, f64::max);
    let max_count = chart
        .series
        .iter()
        .flat_map(|s| s.periods.iter().map(|p| p.count))
        .max()
        .unwrap_or(0);
    let height = |value: f64, max: f64| -> u64 {
        if value <= 0.0 || max <= 0.0 {
            0
        } else {
            ((value / max * (h - 4) as f64).round() as u64).max(2)
        }
    };
    let per = chart.by.name();
    let top_share = format!("{} of all articles", percent(max_share));
    let top_count = plural(max_count as usize, "article", "articles");
    let first = starts.first().copied();
    let last = starts
        .last()
        .map(|s| chart.by.next(*s).and_then(|d| d.pred_opt()).unwrap_or(*s));
    html! {
        figure.desk-timeline data-top-share=(top_share) data-top-count=(top_count) {
            p.y-top {
                "Top: " span #y-top { (if scale == Scale::Share { &top_share } else { &top_count }) }
            }
            svg #desk-timeline role="img" viewBox={ "0 0 " (width) " " (h) } preserveAspectRatio="none"
                aria-label={ "Each query per " (per) } {
                @for (j, start) in starts.iter().enumerate() {
                    @let x = j as u64 * group;
                    @let end = chart.by.next(*start).and_then(|d| d.pred_opt()).unwrap_or(*start);
                    @let when = period_label(chart.by, *start);
                    a.bar href=(desk.with_dates(*start, end)) {
                        title { (when) }
                        rect.hit-area x=(x) y="0" width=(group) height=(h) {}
                        @for (i, s) in chart.series.iter().enumerate() {
                            @let p = points[i].get(start);
                            @let count = p.map(|p| p.count).unwrap_or(0);
                            @let share = p.and_then(|p| p.share).unwrap_or(0.0);
                            @let all = p.and_then(|p| p.all);
                            @let h_share = height(share, max_share);
                            @let h_count = height(count as f64, max_count as f64);
                            @let bar = if scale == Scale::Share { h_share } else { h_count };
                            @let name = s.name();
                            @let of_all = all.map(|a| format!(" of {}", thousands(a))).unwrap_or_default();
                            @let t_share = format!("{} · {}: {}{} ({})", safe(name), when, percent(share), of_all, plural(count as usize, "article", "articles"));
                            @let t_count = format!("{} · {}: {} ({}{})", safe(name), when, plural(count as usize, "article", "articles"), percent(share), of_all);
                            rect class={ "fill c" (i) } x=(x + gap / 2 + i as u64 * slot) y=(h - bar)
                                width=(slot) height=(bar)
                                data-count=(count) data-share=(share) data-h-share=(h_share) data-h-count=(h_count)
                                data-t-share=(t_share) data-t-count=(t_count) {
                                title { (if scale == Scale::Share { &t_share } else { &t_count }) }
                            }
                        }
                    }
                }
            }
            figcaption {
                span { (first.map(|d| d.to_string()).unwrap_or_default()) }
                span #scale-note data-share={ "share of all articles per " (per) } data-count={ "matching articles per " (per) } {
                    @if scale == Scale::Share { "share of all articles per " (per) }
                    @else { "matching articles per " (per) }
                }
                span { (last.map(|d| d.to_string()).unwrap_or_default()) }
            }
        }
    }
}

/// Columns as CSS lays them out: one per query (a class, never a style from the data).
fn columns_class(n: usize) -> String {
    format!("columns cols-{}", n.clamp(1, MAX_QUERIES))
}

fn facets_panel(desk: &Desk, facets: &[FacetSeries]) -> Markup {
    let csv = format!("/compare/facets.csv?{}", desk.query_string());
    html! {
        section #panel-facets .panel aria-label="Sources, places and authors" {
            (panel_head("Sources, places, authors", "csv-facets", &csv, html! {}))
            @for (key, param, heading) in FACETS {
                @if facets.iter().any(|f| f.facets.contains_key(key)) {
                    section.facet-row data-field=(key) {
                        h3 { (heading) }
                        div class=(columns_class(desk.entries.len())) {
                            @for (i, e) in desk.entries.iter().enumerate() {
                                @let values = facets.get(i).and_then(|f| f.facets.get(key));
                                div.facet-col data-i=(i) {
                                    h4 { (swatch(i)) (safe(e.name())) }
                                    @match values {
                                        Some(values) if !values.is_empty() => {
                                            ul {
                                                @for (value, count) in values {
                                                    li {
                                                        a.facet-value href=(desk.with_filter(param, value)) {
                                                            (safe(value)) " " span.count { (thousands(*count)) }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                        _ => { p.empty { "None named" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn words_panel(desk: &Desk) -> Markup {
    let csv = format!("/compare/words.csv?{}", desk.query_string());
    let filters = desk.filters_query();
    html! {
        section #panel-words .panel aria-label="Words" {
            (panel_head("Words", "csv-words", &csv, html! {}))
            p.hint {
                "The words most frequent among each query's matches, and the most distinctive: \
                 used far more in them than in the whole archive. Click a word to add it to its query."
            }
            div class=(columns_class(desk.entries.len())) {
                @for (i, e) in desk.entries.iter().enumerate() {
                    div.words-col data-i=(i) data-terms=(terms_api(e, &filters)) {
                        h3 { (swatch(i)) (safe(e.name())) }
                        div.words {
                            p.loading { "The words load with JavaScript on; the CSV link has them too." }
                        }
                    }
                }
            }
        }
    }
}

/// The `/api/terms` request of the words panel's column for `e`.
fn terms_api(e: &Entry, filters: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("q", &e.q);
    s.append_pair("limit", &WORDS_SHOWN.to_string());
    let mut url = format!("/api/terms?{}", s.finish());
    if !filters.is_empty() {
        url.push('&');
        url.push_str(filters);
    }
    url
}

fn hits_panel(desk: &Desk, view: &View, searched: &crate::answer::Searched) -> Markup {
    let r = &searched.results;
    let name = desk
        .entries
        .get(desk.hits)
        .map(|e| e.name())
        .unwrap_or_default();
    html! {
        section #panel-hits .panel aria-label="Articles" {
            div.panel-head {
                h2 { "Articles" }
                @if desk.entries.len() > 1 {
                    nav.hit-tabs aria-label="Articles of" {
                        @for (i, e) in desk.entries.iter().enumerate() {
                            @if i == desk.hits {
                                a.tab.on href=(desk.with(|d| d.hits = i)) aria-current="true" { (swatch(i)) (safe(e.name())) }
                            } @else {
                                a.tab href=(desk.with(|d| d.hits = i)) { (swatch(i)) (safe(e.name())) }
                            }
                        }
                    }
                }
            }
            p #hits-summary {
                (swatch(desk.hits)) strong { (safe(name)) } ": "
                @if r.total_is_estimate { "about " }
                (plural(r.total_hits, "match", "matches"))
                " · "
                a #open-search href=(desk.search_href(desk.hits)) { "Open in the search page →" }
            }
            @if r.hits.is_empty() {
                p.none { "Nothing matches." }
            } @else {
                ol #results {
                    @for hit in &r.hits { (page::hit_item(view, hit)) }
                }
            }
        }
    }
}

/// A CSV download: `rows` written with a header, every text cell guarded as `search
/// --format csv` guards it ([`csv_safe`]).
fn csv_response(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Response {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let written = w
        .write_record(header)
        .and_then(|()| rows.into_iter().try_for_each(|row| w.write_record(row)))
        .map_err(csv_to_io)
        .and_then(|()| w.into_inner().map_err(|e| e.into_error()));
    match written {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => Failure::internal(e.into()).into_response(),
    }
}

/// The desk a CSV link names, with a bad parameter answered as the API answers it.
fn csv_desk(raw: Option<&str>) -> Result<Desk, Failure> {
    let desk = Desk::from_params(&Params::parse(raw))?;
    if desk.entries.is_empty() {
        return Err(Failure::bad("no query: give one or more in q"));
    }
    Ok(desk)
}

/// `GET /compare/timeline.csv`: a row per query and period.
pub(crate) async fn timeline_csv(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let desk = csv_desk(raw.as_deref())?;
    let chart = timeline_of(&state, &desk).await?;
    let mut rows = Vec::new();
    for s in &chart.series {
        let name = s.name();
        for p in &s.periods {
            rows.push(vec![
                csv_safe(name.to_string()),
                csv_safe(s.query.clone()),
                chart.by.name().to_string(),
                p.start.to_string(),
                p.count.to_string(),
                p.all.map(|a| a.to_string()).unwrap_or_default(),
                p.share.map(|s| s.to_string()).unwrap_or_default(),
            ]);
        }
    }
    Ok(csv_response(
        "dateline-timeline.csv",
        &["label", "query", "by", "start", "count", "all", "share"],
        rows,
    ))
}

/// `GET /compare/facets.csv`: a row per query, facet and value.
pub(crate) async fn facets_csv(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let desk = csv_desk(raw.as_deref())?;
    let facets = facets_of(&state, &desk).await?;
    let mut rows = Vec::new();
    for (e, f) in desk.entries.iter().zip(&facets) {
        for (key, _, _) in FACETS {
            for (value, count) in f.facets.get(key).into_iter().flatten() {
                rows.push(vec![
                    csv_safe(e.name().to_string()),
                    csv_safe(e.q.clone()),
                    key.to_string(),
                    csv_safe(value.clone()),
                    count.to_string(),
                ]);
            }
        }
    }
    Ok(csv_response(
        "dateline-facets.csv",
        &["label", "query", "facet", "value", "count"],
        rows,
    ))
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
    fn two_series_never_share_a_name() {
        let d = desk("q=cocoa&label=x&q=coffee&label=x&q=x");
        let names: Vec<&str> = d.entries.iter().map(|e| e.name()).collect();
        assert_eq!(names, ["x", "x (2)", "x (3)"]);
    }

    #[test]
    fn shares_keep_the_digits_that_tell_them_apart() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.25), "25.0%");
        assert_eq!(percent(0.0214), "2.14%");
        assert_eq!(percent(0.000_12), "0.012%");
    }
}
