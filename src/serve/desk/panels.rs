//! The desk's form and panels: the queries with their colours, the timeline as grouped SVG
//! bars, facets and words in one column per query, and one query's articles. maud escapes
//! every value; colours are classes (`c0`..`c4`), never styles made from the data.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use maud::{html, Markup};

use super::answers::{Chart, FacetSeries, PointJson};
use super::{filter_name, Against, Desk, Entry, Scale, FACETS, MAX_LABEL_CHARS, MAX_QUERIES};
use crate::serve::page::{self, period_label, plural, safe, thousands, View};
use crate::serve::params::MAX_QUERY_CHARS;
use crate::timeline::Period;

/// A small square of query `i`'s colour (its class, never a style from the data).
pub(super) fn swatch(i: usize) -> Markup {
    html! { span class={ "swatch c" (i) } aria-hidden="true" {} }
}

pub(super) fn desk_form(desk: &Desk) -> Markup {
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
                        li class={ "query-row c" (i) } data-i=(i) {
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
                            } @else {
                                span.remove-slot {}
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
                        @for (period, text) in [(Period::Day, "Day"), (Period::Week, "Week"), (Period::Month, "Month"), (Period::Year, "Year")] {
                            option value=(period.name()) selected[desk.by == Some(period)] { (text) }
                        }
                    }
                }
                div.field.check {
                    input #undated name="undated" type="checkbox" value="1" checked[desk.filter("undated").is_some()];
                    label for="undated" { "Undated only" }
                }
            }
            input #scale-field type="hidden" name="scale" value=(desk.scale.name());
            @if desk.hits > 0 { input type="hidden" name="hits" value=(desk.hits); }
            @for (k, v) in &desk.filters {
                @if !["from", "to", "undated"].contains(&k.as_str()) { input type="hidden" name=(k) value=(v); }
            }
        }
    }
}

pub(super) fn active_filters(desk: &Desk) -> Markup {
    html! {
        @if !desk.filters.is_empty() {
            ul.active-filters aria-label="Active filters" {
                @for (k, v) in &desk.filters {
                    li {
                        a.remove-filter href=(desk.without_filter(k, v)) title={ "Remove the " (k) " filter" } {
                            (filter_name(k))
                            // A switch (`undated=1`) is named, not valued.
                            @if k != "undated" { ": " (safe(v)) }
                            span.x aria-hidden="true" { " ×" }
                        }
                    }
                }
            }
        }
    }
}

/// A panel's heading, its CSV link, and what else it puts beside them.
pub(super) fn panel_head(title: &str, csv_id: &str, csv_href: &str, extra: Markup) -> Markup {
    html! {
        div.panel-head {
            h2 { (title) }
            (extra)
            a.csv id=(csv_id) href=(csv_href) download { "CSV" }
        }
    }
}

/// `share` as a percentage with the digits that tell small shares apart.
pub(super) fn percent(share: f64) -> String {
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

pub(super) fn timeline_panel(desk: &Desk, chart: &Chart) -> Markup {
    let scale = desk.scale;
    let toggle = html! {
        div.toggle.scale-toggle role="group" aria-label="Bars show" {
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
            @let left_out: u64 = chart.series.iter().map(|s| s.undated_left_out).sum();
            @if left_out > 0 {
                p #undated-left-out {
                    (plural(left_out as usize, "matching article has", "matching articles have"))
                    " no date and " (if left_out == 1 { "is" } else { "are" })
                    " left out by the date filter: "
                    a href=(desk.undated_only()) { "undated only" }
                }
            }
            (bars(desk, chart, scale))
        }
    }
}

/// The series as grouped bars: one group per period (a link narrowing the dates to it), one
/// bar per query in its colour. Each bar carries both heights and both tooltips, so the
/// script switches the scale in place.
pub(super) fn bars(desk: &Desk, chart: &Chart, scale: Scale) -> Markup {
    let starts = chart.starts();
    if chart.series.iter().all(|s| s.total == 0) {
        return html! { p.none { "Nothing matches. Try fewer or other words, or remove a filter." } };
    }
    if desk.filter("undated").is_some() {
        return html! {
            p.none { "Undated only: these articles have no place over time; their words, \
                      sources and articles are below." }
        };
    }
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
        .flat_map(|s| s.periods.iter().map(|p| p.share))
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
    let note_share = format!("Share of all articles, per {per}");
    let note_count = format!("Matching articles, per {per}");
    // About six dates under the bars, each centred under its own bar.
    let every = starts.len().div_ceil(6).max(1);
    html! {
        figure.desk-timeline data-top-share=(top_share) data-top-count=(top_count) {
            p.y-top {
                strong #scale-note data-share=(note_share) data-count=(note_count) {
                    (if scale == Scale::Share { &note_share } else { &note_count })
                }
                " · top of the scale: "
                span #y-top { (if scale == Scale::Share { &top_share } else { &top_count }) }
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
                            @let share = p.map(|p| p.share).unwrap_or(0.0);
                            @let all = p.map(|p| p.all).unwrap_or(0);
                            @let h_share = height(share, max_share);
                            @let h_count = height(count as f64, max_count as f64);
                            @let bar = if scale == Scale::Share { h_share } else { h_count };
                            @let name = s.name();
                            @let of_all = format!(" of {}", thousands(all));
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
            figcaption.axis aria-hidden="true" {
                @for (j, start) in starts.iter().enumerate() {
                    @if (j + every / 2).is_multiple_of(every) {
                        span.tick.odd[(j / every) % 2 == 1] { span { (tick_label(chart.by, *start)) } }
                    } @else {
                        span.tick {}
                    }
                }
            }
        }
    }
}

/// A period's first day as the axis writes it: as short as the period allows.
fn tick_label(by: Period, start: NaiveDate) -> String {
    match by {
        Period::Day | Period::Week => start.format("%-d %b %Y").to_string(),
        Period::Month => start.format("%b %Y").to_string(),
        Period::Year => start.format("%Y").to_string(),
    }
}

/// Columns as CSS lays them out: one per query (a class, never a style from the data).
pub(super) fn columns_class(n: usize) -> String {
    format!("columns cols-{}", n.clamp(1, MAX_QUERIES))
}

pub(super) fn facets_panel(desk: &Desk, facets: &[FacetSeries]) -> Markup {
    let csv = format!("/compare/facets.csv?{}", desk.query_string());
    let any = facets
        .iter()
        .any(|f| f.facets.values().any(|v| !v.is_empty()));
    html! {
        section #panel-facets .panel aria-label="Sources, places and authors" {
            (panel_head("Sources, places, authors", "csv-facets", &csv, html! {}))
            @if !any {
                p.none { "No source, place or author is named among the matches." }
            }
            @for (key, param, heading) in FACETS {
                // A facet no query has a value of (no article names its source) is left out.
                @if facets.iter().any(|f| f.facets.get(key).is_some_and(|v| !v.is_empty())) {
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

pub(super) fn words_panel(desk: &Desk) -> Markup {
    let csv = format!("/compare/words.csv?{}", desk.query_string());
    let against = if desk.entries.len() > 1 {
        desk.against
    } else {
        Against::Archive
    };
    let toggle = html! {
        @if desk.entries.len() > 1 {
            div.toggle.against role="group" aria-label="Distinctive against" {
                @for (a, text) in [(Against::Archive, "against the archive"), (Against::Others, "against the other queries")] {
                    @if a == against {
                        a.on href=(desk.with(|d| d.against = a)) aria-current="true" { (text) }
                    } @else {
                        a href=(desk.with(|d| d.against = a)) { (text) }
                    }
                }
            }
        }
    };
    html! {
        section #panel-words .panel aria-label="Words" {
            (panel_head("Words", "csv-words", &csv, toggle))
            p.hint {
                "The words most frequent among each query's matches, and the most distinctive: \
                 used far more in them than "
                @if against == Against::Others { "in the matches of the other queries" } @else { "in the whole archive" }
                ". Click a word to add it to its query."
            }
            div class=(columns_class(desk.entries.len())) {
                @for (i, e) in desk.entries.iter().enumerate() {
                    div.words-col data-i=(i) data-terms={ "/api/terms?" (desk.terms_query(i)) } {
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

pub(super) fn hits_panel(desk: &Desk, view: &View, searched: &crate::answer::Searched) -> Markup {
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
                // The legend counts every copy, as the timeline does; say why the numbers differ.
                @if r.articles != r.total_hits {
                    " (" (plural(r.articles, "article", "articles")) " with copies)"
                }
                " · "
                a #open-search href=(desk.search_href(desk.hits)) { "Open in the search page →" }
            }
            @if r.hits.is_empty() {
                p.none { "Nothing matches." }
            } @else {
                (page::hit_list(view, r))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_keep_the_digits_that_tell_them_apart() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.25), "25.0%");
        assert_eq!(percent(0.0214), "2.14%");
        assert_eq!(percent(0.000_12), "0.012%");
    }
}
