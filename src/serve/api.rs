//! The JSON API: `/api/search`, `/api/timeline`, `/api/facets`, `/api/terms`, `/api/article/{id}`,
//! `/api/similar/{id}`, `/api/export` and `/healthz`. Each answers with exactly the object
//! the CLI's `--json` prints (built by [`crate::answer`]), and errors as `{"error": "..."}`
//! with 400 (bad query or parameter), 404 (no such article) or 503 (busy, too slow).

use std::io::{self, BufWriter, Write};

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::params::{Params, MAX_LIMIT, MAX_OFFSET, NARROW};
use super::{blocking, check_query, Failure, Shared};
use crate::answer;
use crate::export;
use crate::output::{self, RowWriter};
use crate::search::{Request, DEFAULT_LIMIT};
use crate::show;
use crate::snippet;

const SHORTER: &str = "give a smaller number";
/// Values per facet: `search` with `facets` lists as many as `search --facets`.
pub(crate) const FACETS_SHOWN: usize = 10;

type Answer = Result<Json<Value>, Failure>;

pub(crate) async fn healthz(State(state): State<Shared>) -> Json<Value> {
    let articles = state.reader.searcher().num_docs();
    Json(json!({"status": "ok", "articles": articles}))
}

/// The request `dateline search` would make of these parameters.
pub(crate) fn search_request(p: &Params, query: String, limit: usize) -> Result<Request, Failure> {
    Ok(Request {
        query,
        filters: p.filters()?,
        limit,
        offset: p.number("offset", 0, MAX_OFFSET, NARROW)?,
        sort: p.sort()?,
        snippet_chars: snippet::length(snippet_chars(p)?),
        facets: p.flag("facets")?.then_some(FACETS_SHOWN),
        all_copies: p.flag("all_copies")?,
        ..Request::default()
    })
}

/// `snippet_chars` as asked, capped; 0 asks for no snippets.
fn snippet_chars(p: &Params) -> Result<usize, Failure> {
    p.number(
        "snippet_chars",
        snippet::DEFAULT_CHARS,
        snippet::MAX_CHARS,
        SHORTER,
    )
}

pub(crate) async fn search(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Answer {
    let p = Params::parse(raw.as_deref());
    let query = p.required_query()?;
    let limit = p.number(
        "limit",
        DEFAULT_LIMIT,
        MAX_LIMIT,
        "page through the matches with offset",
    )?;
    let request = search_request(&p, query, limit)?;
    let snippets = snippet_chars(&p)? != 0;
    let timeline = p.flag("timeline")?.then_some(usize::MAX);
    let searched = super::search(&state, request, snippets, timeline).await?;
    Ok(Json(searched.to_json()))
}

pub(crate) async fn timeline(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let p = Params::parse(raw.as_deref());
    let queries = p.labelled_queries()?;
    let filters = p.filters()?;
    let by = p.period()?;
    let split = p.split()?;
    if split.is_some() && queries.len() > 1 {
        return Err(Failure::bad(format!(
            "split takes one q ({} given): split each query on its own",
            queries.len()
        )));
    }
    let body = blocking(&state, move |st, searcher| {
        let t = answer::timelines(searcher, &st.open, &queries, &filters, by, split)
            .map_err(Failure::of_search)?;
        // Written here, not as a Value: its keys keep the CLI's order.
        serde_json::to_vec(&answer::timelines_json(&t)).map_err(|e| Failure::internal(e.into()))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

pub(crate) async fn facets(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let p = Params::parse(raw.as_deref());
    let queries = p.labelled_queries()?;
    let filters = p.filters()?;
    let size = p.number(
        "limit",
        FACETS_SHOWN,
        MAX_LIMIT,
        "list fewer values per facet",
    )?;
    let body = blocking(&state, move |st, searcher| {
        let written = if let [one] = queries.as_slice() {
            let (results, facets) = answer::facets(searcher, &st.open, &one.query, &filters, size)
                .map_err(Failure::of_search)?;
            serde_json::to_vec(&answer::facets_json(&results, &facets))
        } else {
            let answers = answer::facets_compared(searcher, &st.open, &queries, &filters, size)
                .map_err(Failure::of_search)?;
            // Written here, not as a Value: its keys keep the CLI's order.
            serde_json::to_vec(&answer::facets_compared_json(&queries, &answers))
        };
        written.map_err(|e| Failure::internal(e.into()))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `dateline terms --json`: `q`, `versus`, the filters and `limit` (terms per list).
pub(crate) async fn terms(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let p = Params::parse(raw.as_deref());
    let request = crate::terms::Request {
        query: p.required_query()?,
        versus: p.versus()?,
        filters: p.filters()?,
        limit: p.number(
            "limit",
            crate::terms::DEFAULT_LIMIT,
            MAX_LIMIT,
            "ask for fewer terms",
        )?,
    };
    let body = blocking(&state, move |st, searcher| {
        let t = answer::terms(searcher, &st.open, &request).map_err(Failure::of_search)?;
        // Written here, not as a Value: its keys keep the CLI's order.
        serde_json::to_vec(&t).map_err(|e| Failure::internal(e.into()))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The article with this id: only ids are looked up, never paths.
pub(crate) fn find(
    st: &super::AppState,
    searcher: &tantivy::Searcher,
    id: &str,
) -> Result<tantivy::DocAddress, Failure> {
    show::find_id(searcher, &st.open, id)
        .map_err(Failure::internal)?
        .ok_or_else(|| {
            Failure::not_found(format!(
                "no article has the id '{}' in this index: take an id from a search's hits",
                id.chars().take(40).collect::<String>()
            ))
        })
}

pub(crate) async fn article(
    State(state): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let p = Params::parse(raw.as_deref());
    let highlight = p.query()?;
    let value = blocking(&state, move |st, searcher| {
        let address = find(st, searcher, &id)?;
        let shown = answer::article(searcher, &st.open, address, highlight.as_deref())
            .map_err(Failure::of_search)?;
        Ok(answer::article_json(&shown))
    })
    .await?;
    Ok(Json(value))
}

pub(crate) async fn similar(
    State(state): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let p = Params::parse(raw.as_deref());
    let limit = p.number(
        "limit",
        DEFAULT_LIMIT,
        MAX_LIMIT,
        "ask for fewer: the most alike come first",
    )?;
    let value = blocking(&state, move |st, searcher| {
        let address = find(st, searcher, &id)?;
        let results =
            answer::similar(searcher, &st.open, address, limit).map_err(Failure::internal)?;
        Ok(answer::similar_json(&results))
    })
    .await?;
    Ok(Json(value))
}

pub(crate) async fn unknown() -> Failure {
    Failure::not_found(
        "no such API endpoint: use /api/search, /api/timeline, /api/facets, /api/terms, /api/article/ID, \
         /api/similar/ID or /api/export",
    )
}

/// Sends what the export writes to the response body in chunks; a client that went away
/// shows as a broken pipe, which ends the export as a closed pipe ends the CLI's.
struct ToBody(mpsc::Sender<Result<Bytes, io::Error>>);

impl Write for ToBody {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Most letters of a query kept in an export's file name.
const NAME_CHARS: usize = 60;

/// An export's file name, without its extension, after the query it holds
/// (`crude oil` → `dateline-crude-oil`; `*` → `dateline-all`): downloads of several searches
/// stay apart. Only letters and digits are kept, lower-cased, runs of anything else one `-`.
fn download_name(query: &str) -> String {
    let mut slug = String::new();
    for c in query.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.chars().count() >= NAME_CHARS {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "dateline-all".to_string()
    } else {
        format!("dateline-{slug}")
    }
}

/// `dateline search --format csv|jsonl|ris|csljson`: every match, streamed as it is read.
pub(crate) async fn export(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let p = Params::parse(raw.as_deref());
    let text = p.one("format").unwrap_or_default();
    let format: export::Format = text.parse().map_err(|_| {
        Failure::bad(format!(
            "invalid format '{text}': use format=csv, jsonl, ris or csljson"
        ))
    })?;
    let options = export::Options {
        format,
        csv_raw: p.flag("csv_raw")?,
        partial: p.flag("partial")?,
        bom: p.flag("bom")?,
    };
    if let Some(refusal) = options.refusal() {
        return Err(Failure::bad(refusal));
    }
    let analysis = p.analysis()?;
    if let Some(refusal) = analysis.refusal(options.format) {
        return Err(Failure::bad(refusal));
    }
    if analysis.sample.is_some() && options.partial {
        return Err(Failure::bad(
            "sample draws from the articles with every word: leave partial out",
        ));
    }
    let request = search_request(&p, p.required_query()?, 0)?;
    let name = download_name(&request.query);
    // A bad query is refused before the body starts.
    let checked = request.clone();
    let counts = analysis.counts.clone();
    blocking(&state, move |st, _| {
        check_query(&st.open, &checked.query, &checked.filters)?;
        for count in &counts {
            export::count_query(&st.open, count).map_err(|e| Failure::of_search(e.into()))?;
        }
        Ok(())
    })
    .await?;
    let Ok(permit) = state.exports.clone().try_acquire_owned() else {
        return Err(Failure {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "other exports are running: try again when they are done".into(),
        });
    };
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, io::Error>>(16);
    let shared = state.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let searcher = shared.reader.searcher();
        let out = BufWriter::with_capacity(64 * 1024, ToBody(tx.clone()));
        let written = RowWriter::new(options, &analysis.columns(), out)
            .map_err(anyhow::Error::from)
            .and_then(|mut rows| {
                export::for_each_analysed_row(
                    &searcher,
                    &shared.open,
                    &request,
                    options.partial,
                    &analysis,
                    |row| rows.write(row).map_err(anyhow::Error::from),
                )?;
                rows.finish().map_err(anyhow::Error::from)
            });
        if let Err(e) = written {
            if !output::is_broken_pipe(&e) {
                // The status is sent already: cut the body short so the client sees a failure.
                let message = output::one_line(&format!("{e:#}"));
                eprintln!(
                    "dateline: export failed: {}",
                    output::terminal_safe(&message)
                );
                let _ = tx.blocking_send(Err(io::Error::other(message)));
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let (kind, extension) = match format {
        export::Format::Csv => ("text/csv; charset=utf-8", "csv"),
        export::Format::Jsonl => ("application/x-ndjson", "jsonl"),
        export::Format::Ris => ("application/x-research-info-systems", "ris"),
        export::Format::Csljson => ("application/vnd.citationstyles.csl+json", "json"),
    };
    let name = format!("{name}.{extension}");
    // `filename` for old clients (ASCII only); `filename*` (RFC 6266) keeps the query's letters.
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
