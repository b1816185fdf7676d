//! The API's answers the desk draws: `/api/timeline` and `/api/facets` called in process
//! with every query at once, read into the series the panels and the CSV files show.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

use super::{Desk, Failure, Shared};
use crate::choice::UnknownChoice;
use crate::serve::api;
use crate::timeline::Period;

/// The answer of an API handler called in process, as JSON; its error as the desk's.
pub(super) async fn api_value<R: IntoResponse>(
    answer: Result<R, Failure>,
) -> Result<Value, Failure> {
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
pub(super) struct SeriesJson {
    #[serde(default)]
    pub(super) label: Option<String>,
    pub(super) query: String,
    pub(super) total: u64,
    pub(super) undated: u64,
    /// Undated matches a date filter left out.
    #[serde(default)]
    pub(super) undated_left_out: u64,
    pub(super) periods: Vec<PointJson>,
}

impl SeriesJson {
    /// Its label, which the desk always gives the API.
    pub(super) fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.query)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct PointJson {
    #[serde(deserialize_with = "day")]
    pub(super) start: NaiveDate,
    pub(super) count: u64,
    /// Every dated article of the period (under the filters).
    pub(super) all: u64,
    /// `count / all`.
    pub(super) share: f64,
}

/// A period's first day, `YYYY-MM-DD` as the API writes it.
pub(super) fn day<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(d)?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(serde::de::Error::custom)
}

/// The timelines of every query, over the same periods.
#[derive(Debug)]
pub(super) struct Chart {
    pub(super) by: Period,
    pub(super) series: Vec<SeriesJson>,
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

    /// Each series named as the desk names its query (one query's answer has no label).
    fn named(mut self, desk: &Desk) -> Chart {
        for (s, e) in self.series.iter_mut().zip(&desk.entries) {
            s.label = Some(e.name().to_string());
        }
        self
    }

    /// Every period any series has, in order.
    pub(super) fn starts(&self) -> Vec<NaiveDate> {
        let mut starts: Vec<NaiveDate> = self
            .series
            .iter()
            .flat_map(|s| s.periods.iter().map(|p| p.start))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        starts
    }
}

pub(super) async fn timeline_of(state: &Shared, desk: &Desk) -> Result<Chart, Failure> {
    let raw = desk.api_query(desk.by);
    let value = api_value(api::timeline(State(state.clone()), RawQuery(Some(raw))).await).await?;
    Chart::from_json(value).map(|c| c.named(desk))
}

/// One query's facets, as `/api/facets` gives them: each facet's name and its values.
#[derive(Debug, Default)]
pub(super) struct FacetSeries {
    pub(super) facets: BTreeMap<String, Vec<(String, u64)>>,
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

pub(super) async fn facets_of(state: &Shared, desk: &Desk) -> Result<Vec<FacetSeries>, Failure> {
    let raw = desk.api_query(None);
    let value = api_value(api::facets(State(state.clone()), RawQuery(Some(raw))).await).await?;
    // One query keeps `facets --json`'s shape; several are a list of series.
    Ok(match value["series"].as_array() {
        Some(list) => list
            .iter()
            .map(|s| FacetSeries::from_json(&s["facets"]))
            .collect(),
        None => vec![FacetSeries::from_json(&value["facets"])],
    })
}
