//! `/feed?q=…`: an Atom feed of a search's newest matches, with the parameters and filters
//! of `/api/search`, so a feed reader can follow a search as `dateline alert` does.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

use super::api::search_request;
use super::params::{Params, MAX_LIMIT};
use super::{Failure, Shared};
use crate::output::atom::{self, Feed};
use crate::search::SortOrder;

/// Entries in a feed unless `limit` asks for fewer (or more, up to the API's cap).
pub const FEED_ENTRIES: usize = 50;

/// The longest host name a feed's links are built on.
const MAX_HOST: usize = 255;

/// `scheme://host` of the request, from its Host header (and `X-Forwarded-Proto: https`
/// behind a proxy that ends TLS): the feed's links must be absolute. A Host that is not a
/// host name, IP address and port is refused, so it cannot reach the feed's text.
fn base_url(headers: &HeaderMap) -> Result<String, Failure> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let ok = !host.is_empty()
        && host.len() <= MAX_HOST
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !ok {
        return Err(Failure::bad(
            "the feed's links need the server's name: send a Host header such as \
             Host: localhost:7700",
        ));
    }
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    Ok(format!("{}://{host}", if https { "https" } else { "http" }))
}

/// `GET /feed`: `q`, the filters, and `limit` (default [`FEED_ENTRIES`]), as `/api/search`
/// reads them; always newest first.
pub(crate) async fn feed(
    State(state): State<Shared>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, Failure> {
    let p = Params::parse(raw.as_deref());
    let query = p.required_query()?;
    let limit = p.number(
        "limit",
        FEED_ENTRIES,
        MAX_LIMIT,
        "ask for fewer: the newest come first",
    )?;
    let mut request = search_request(&p, query, limit)?;
    request.sort = SortOrder::Newest;
    request.offset = 0;
    request.facets = None;
    let base = base_url(&headers)?;
    let title = format!("{} – dateline", request.query);
    let searched = super::search(&state, request, true, None).await?;
    let raw = raw.unwrap_or_default();
    let self_url = format!("{base}/feed?{raw}");
    let page_url = format!("{base}/?{raw}");
    let article_base = format!("{base}/article/");
    let feed = Feed {
        self_url: &self_url,
        page_url: &page_url,
        article_base: &article_base,
        title: &title,
        hits: &searched.results.hits,
        now: chrono::Utc::now().naive_utc(),
    };
    let mut body = Vec::new();
    atom::write_feed(&mut body, &feed).map_err(|e| Failure::internal(e.into()))?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}
