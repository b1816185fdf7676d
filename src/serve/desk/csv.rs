//! Each panel of the desk as a CSV download (`/compare/timeline.csv`, `/compare/facets.csv`,
//! `/compare/words.csv`): the same parameters as the desk, a row per query and period, value
//! or word.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::answers::{api_value, facets_of, timeline_of};
use super::{Desk, Failure, Shared, FACETS};
use crate::output::csv::{csv_safe, csv_to_io};
use crate::serve::api;
use crate::serve::params::Params;

/// A CSV download: `rows` written with a header, every text cell guarded as `search
/// --format csv` guards it ([`csv_safe`]).
pub(super) fn csv_response(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Response {
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
pub(super) fn csv_desk(raw: Option<&str>) -> Result<Desk, Failure> {
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
                p.all.to_string(),
                p.share.to_string(),
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

/// `GET /compare/words.csv`: a row per query, list (frequent, distinctive) and word, as
/// `/api/terms` gives them for the words panel.
pub(crate) async fn words_csv(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let desk = csv_desk(raw.as_deref())?;
    let mut rows = Vec::new();
    for (i, e) in desk.entries.iter().enumerate() {
        let raw = Some(desk.terms_query(i));
        let t = api_value(api::terms(State(state.clone()), RawQuery(raw)).await).await?;
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => csv_safe(s.clone()),
            other => other.to_string(),
        };
        for (list, fields) in [
            ("frequent", ["count", "", "", ""]),
            ("distinctive", ["", "score", "matches", "background"]),
        ] {
            for word in t[list].as_array().into_iter().flatten() {
                let mut row = vec![
                    csv_safe(e.name().to_string()),
                    csv_safe(e.q.clone()),
                    list.to_string(),
                    text(&word["term"]),
                ];
                row.extend(fields.iter().map(|f| text(&word[*f])));
                rows.push(row);
            }
        }
    }
    Ok(csv_response(
        "dateline-words.csv",
        &[
            "label",
            "query",
            "list",
            "term",
            "count",
            "score",
            "matches",
            "background",
        ],
        rows,
    ))
}
