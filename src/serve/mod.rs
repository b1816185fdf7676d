//! `dateline serve`: the archive in a browser, and an HTTP JSON API (axum on tokio).
//!
//! The index is opened once and its reader reloads itself when `dateline index` commits in
//! another process. Searches run on tokio's blocking pool, at most `max_searches` at once:
//! a request that cannot start within a moment, or does not finish within the time limit,
//! gets 503, so a burst cannot pile up work or memory. Every response carries a
//! Content-Security-Policy that allows no inline script and no outside asset.
//!
//! - [`api`]: `/api/...` and `/healthz`, the same JSON objects as the CLI's `--json`
//! - [`page`]: the HTML pages (maud templates, escaped by default)
//! - [`feed`]: `/feed`, an Atom feed of a search's newest matches
//! - [`desk`]: the research desk (`/compare`): queries side by side, and its CSV panels
//! - [`params`]: query-string parameters, checked and capped
//! - [`cache`]: answers kept for repeated searches, until the next commit
//! - [`conns`]: the connections: capped, and closed when idle or slow

mod api;
mod cache;
mod conns;
mod desk;
mod feed;
mod page;
mod params;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tantivy::{IndexReader, Searcher};
use tokio::sync::Semaphore;

use crate::answer::{self, Searched};
use crate::index_dir::{self, OpenIndex};
use crate::query::{self, Filters};
use crate::search;
use crate::series;

/// Where to serve from and how much work to take on.
#[derive(Debug, Clone)]
pub struct Options {
    pub index: PathBuf,
    pub addr: SocketAddr,
    /// Searches run at once; more wait (briefly) for a turn.
    pub max_searches: usize,
    /// How long a request waits for a turn before it gets 503.
    pub queue_wait: Duration,
    /// How long one search may take before the request gets 503.
    pub time_limit: Duration,
    /// Bytes of search answers kept for repeated requests (0: none).
    pub cache_bytes: u64,
    /// How long a connection may send nothing, or take over a request's header.
    pub header_timeout: Duration,
}

/// What every request shares: the index, its reader, and the bounds on work.
pub(crate) struct AppState {
    pub(crate) open: OpenIndex,
    reader: IndexReader,
    searches: Arc<Semaphore>,
    exports: Arc<Semaphore>,
    queue_wait: Duration,
    time_limit: Duration,
    answers: cache::Answers,
}

pub(crate) type Shared = Arc<AppState>;

/// Exports read every match, so few run at once; they are bounded by their own count, not
/// by the time limit (a large export is slow by nature, and ends when its reader goes).
const MAX_EXPORTS: usize = 2;

/// Opens the index, binds `addr`, prints the URL as the first line of standard output and
/// serves until Ctrl-C (or SIGTERM), letting requests in flight finish.
pub fn run(opts: Options) -> Result<()> {
    let open = index_dir::open_for_search(&opts.index)?;
    // Reloads when a commit lands (tantivy watches meta.json), so `dateline index` in
    // another process shows up without a restart; searches keep the searcher they began with.
    let reader: IndexReader = open
        .index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::OnCommitWithDelay)
        .try_into()
        .context("opening index reader")?;
    let state = Arc::new(AppState {
        open,
        reader,
        searches: Arc::new(Semaphore::new(opts.max_searches.max(1))),
        exports: Arc::new(Semaphore::new(MAX_EXPORTS)),
        queue_wait: opts.queue_wait,
        time_limit: opts.time_limit,
        answers: cache::Answers::new(opts.cache_bytes),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    let limits = conns::Limits::from_open_files(opts.header_timeout);
    runtime.block_on(serve(state, opts.addr, limits))
}

async fn serve(state: Shared, addr: SocketAddr, limits: conns::Limits) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| cannot_listen(addr, &e))?;
    let bound = listener.local_addr().context("reading the bound address")?;
    {
        // The first line of standard output is the URL, for people and for scripts.
        let mut out = std::io::stdout().lock();
        writeln!(out, "http://{bound}/").context("writing output")?;
        out.flush().context("writing output")?;
    }
    if !bound.ip().is_loopback() {
        eprintln!(
            "dateline: warning: listening on {bound}: anyone who can reach this machine on the \
             network can read the whole archive; use --addr 127.0.0.1:PORT to keep it local"
        );
    }
    let articles = state.reader.searcher().num_docs();
    eprintln!(
        "serving {} at http://{bound}/ (Ctrl-C stops)",
        crate::output::count::counted(articles, "article", "articles")
    );
    conns::serve(listener, router(state), limits, shutdown_signal()).await;
    eprintln!("stopped");
    Ok(())
}

/// Why `addr` cannot be listened on, with the fix for that reason.
fn cannot_listen(addr: SocketAddr, e: &std::io::Error) -> anyhow::Error {
    let free_port = "pass --addr 127.0.0.1:PORT with a free port (0 picks one)";
    let (why, fix) = match e.kind() {
        std::io::ErrorKind::AddrInUse => ("another program is listening on that port", free_port),
        std::io::ErrorKind::AddrNotAvailable => (
            "that IP address is not one of this machine's",
            "pass --addr with one of its addresses: 127.0.0.1:PORT for this machine only, \
             0.0.0.0:PORT for every network",
        ),
        std::io::ErrorKind::PermissionDenied => (
            "ports below 1024 need administrator rights",
            "pass --addr with a port of 1024 or above (0 picks a free one)",
        ),
        _ => return anyhow::anyhow!("cannot listen on {addr}: {e}: {free_port}"),
    };
    anyhow::anyhow!("cannot listen on {addr}: {why}: {fix}")
}

/// Ctrl-C, or SIGTERM as a service manager sends it.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("stopping: finishing the requests in flight");
}

fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(page::home))
        .route("/compare", get(desk::desk))
        .route("/compare/timeline.csv", get(desk::timeline_csv))
        .route("/compare/facets.csv", get(desk::facets_csv))
        .route("/compare/words.csv", get(desk::words_csv))
        .route("/article/{id}", get(page::article))
        .route("/feed", get(feed::feed))
        .route("/static/app.css", get(page::css))
        .route("/static/app.js", get(page::js))
        .route("/healthz", get(api::healthz))
        .route("/api/search", get(api::search))
        .route("/api/timeline", get(api::timeline))
        .route("/api/facets", get(api::facets))
        .route("/api/terms", get(api::terms))
        .route("/api/article/{id}", get(api::article))
        .route("/api/similar/{id}", get(api::similar))
        .route("/api/export", get(api::export))
        .route("/api", get(api::unknown))
        .route("/api/{*rest}", get(api::unknown))
        .fallback(page::unknown)
        .layer(middleware::from_fn(safety_headers))
        .with_state(state)
}

/// No inline script or style, nothing from elsewhere, no framing; the browser must take
/// each response as the type it is sent as.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async fn safety_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Article links lead to other sites: they need not learn what was searched for.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Why a request was not answered: its status and a one-line message that gives the fix.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn bad(message: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    fn busy(message: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: message.into(),
        }
    }

    /// Something went wrong on our side (an I/O error reading the index): logged in full,
    /// told to the client in one line.
    pub(crate) fn internal(err: anyhow::Error) -> Failure {
        let message = crate::output::one_line(&format!("{err:#}"));
        eprintln!(
            "dateline: error: {}",
            crate::output::terminal_safe(&message)
        );
        Failure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("the server could not answer: {message}"),
        }
    }

    /// A search that failed: the client's 400 when its query makes none
    /// ([`query::QueryError`]), else [`Failure::internal`].
    pub(crate) fn of_search(err: anyhow::Error) -> Failure {
        // One of several queries, named by its place.
        if let Some(bad) = err.downcast_ref::<series::BadQuery>() {
            if bad.error.is_users() {
                return Failure::bad(crate::output::one_line(&bad.to_string()));
            }
        }
        match err.downcast_ref::<query::QueryError>() {
            Some(bad) if bad.is_users() => Failure::bad(crate::output::one_line(&bad.to_string())),
            _ => Failure::internal(err),
        }
    }

    /// A 503 asks the client to come back shortly.
    fn headers(&self) -> Option<(header::HeaderName, HeaderValue)> {
        (self.status == StatusCode::SERVICE_UNAVAILABLE)
            .then(|| (header::RETRY_AFTER, HeaderValue::from_static("1")))
    }
}

/// As the API answers it: `{"error": "..."}`.
impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let extra = self.headers();
        let mut response = (
            self.status,
            axum::Json(serde_json::json!({ "error": self.message })),
        )
            .into_response();
        if let Some((name, value)) = extra {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// Checks that `text` and `filters` make a query, for an answer that must be refused
/// before it starts (an export's body streams): a bad one is the client's 400.
pub(crate) fn check_query(open: &OpenIndex, text: &str, filters: &Filters) -> Result<(), Failure> {
    query::build(
        &open.index,
        &open.fields,
        text,
        filters,
        &Default::default(),
    )
    .map(|_| ())
    .map_err(|e| Failure::of_search(e.into()))
}

/// Runs `work` on the blocking pool with the reader's current searcher, once one of the
/// `max_searches` turns is free: 503 when none frees within the queue wait, or when the
/// work takes longer than the time limit (it then finishes in the background, still holding
/// its turn, so the bound on work holds).
pub(crate) async fn blocking<T, F>(state: &Shared, work: F) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce(&AppState, &Searcher) -> Result<T, Failure> + Send + 'static,
{
    let turn = tokio::time::timeout(state.queue_wait, state.searches.clone().acquire_owned());
    let Ok(Ok(permit)) = turn.await else {
        return Err(Failure::busy(
            "the server is busy with other searches: try again in a moment",
        ));
    };
    let shared = state.clone();
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let searcher = shared.reader.searcher();
        work(&shared, &searcher)
    });
    match tokio::time::timeout(state.time_limit, task).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => Err(Failure::internal(anyhow::anyhow!("search task failed: {e}"))),
        Err(_) => Err(Failure::busy(format!(
            "the search took longer than {} s: narrow it (more words, a phrase, a date range) or try again",
            state.time_limit.as_secs_f64()
        ))),
    }
}

/// Runs the search `request` asks for, as [`answer::search`] does, or gives the answer kept
/// from the same request on the same commit without taking a turn to search.
pub(crate) async fn search(
    state: &Shared,
    request: search::Request,
    snippets: bool,
    timeline: Option<usize>,
) -> Result<Searched, Failure> {
    let generation = state.reader.searcher().generation().generation_id();
    let key = cache::Key::new(generation, &request, snippets, timeline);
    if let Some(kept) = state.answers.get(&key) {
        return Ok(kept);
    }
    blocking(state, move |st, searcher| {
        let searched = answer::search(searcher, &st.open, &request, snippets, timeline)
            .map_err(Failure::of_search)?;
        // Kept under the generation this searcher was taken at: if a commit landed since
        // the key was made, the answer is for the newer index and is kept under its own.
        let key = cache::Key::new(
            searcher.generation().generation_id(),
            &request,
            snippets,
            timeline,
        );
        st.answers.insert(key, &searched);
        Ok(searched)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_that_makes_none_is_the_clients_400_and_the_rest_is_ours() {
        let bad = Failure::of_search(anyhow::Error::from(query::QueryError::Empty).context("x"));
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.message, query::QueryError::Empty.to_string());
        let index = query::QueryError::Index(tantivy::TantivyError::InternalError("x".into()));
        assert_eq!(
            Failure::of_search(index.into()).status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let io = anyhow::Error::from(std::io::Error::other("disk"));
        assert_eq!(
            Failure::of_search(io).status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
