//! Searching a SphinxQL engine (Sphinx 2.2, Manticore) that holds an archive exported with
//! `dateline export --to manticore`, instead of the local index: the query translated by
//! [`crate::query::sphinxql`], sent over the MySQL wire protocol, and the answer read back
//! as dateline's own results, facets and export rows, so that every output prints it.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDateTime};
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, Row as SqlRow};

use crate::export::Row;
use crate::facets::{FacetCount, Facets};
use crate::query::sphinxql::{translate, Translated, NO_DATE};
use crate::query::Filters;
use crate::search::{Hit, Request, Results, SortOrder};
use crate::series::{self, Labelled};
use crate::snippet::{Highlighted, JOINER};
use crate::timeline::DayCounts;

/// Where a SphinxQL engine answers: `sphinxql://HOST:PORT/TABLE` (`--engine`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineUrl {
    pub host: String,
    pub port: u16,
    /// The table searched: the distributed `news` of a cluster, or one shard.
    pub table: String,
}

const ENGINE_HELP: &str =
    "write the engine as sphinxql://HOST:PORT/TABLE (e.g. sphinxql://127.0.0.1:9306/news, as cluster.sh prints it)";

impl FromStr for EngineUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<EngineUrl, String> {
        let Some(rest) = text.strip_prefix("sphinxql://") else {
            return Err(format!("unknown engine '{text}': {ENGINE_HELP}"));
        };
        let Some((address, table)) = rest.split_once('/') else {
            return Err(format!("'{text}' names no table: {ENGINE_HELP}"));
        };
        let Some((host, port)) = address.rsplit_once(':') else {
            return Err(format!("'{text}' names no port: {ENGINE_HELP}"));
        };
        let port: u16 = port
            .parse()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| format!("'{port}' in '{text}' is not a port: {ENGINE_HELP}"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let table_ok =
            !table.is_empty() && table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if host.is_empty() || !table_ok {
            return Err(format!("'{text}': {ENGINE_HELP}"));
        }
        Ok(EngineUrl {
            host: host.to_string(),
            port,
            table: table.to_string(),
        })
    }
}

impl fmt::Display for EngineUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sphinxql://{}:{}/{}", self.host, self.port, self.table)
    }
}

/// The most matches one request asks the engine to keep: its `max_matches`, which bounds
/// how deep a page or an export reaches.
const MAX_MATCHES: usize = 1_000_000;
/// Matches fetched per request when every one is written (`--format`).
const EXPORT_PAGE: usize = 5_000;
/// The most groups a facet asks for: authors are grouped by their joined names, which are
/// then split and counted, so this bounds the distinct author lists read.
const FACET_GROUPS: usize = 100_000;

/// The longest wait for the engine's answer to one statement.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

/// The columns read for each match (the body is left on the engine).
const COLUMNS: &str =
    "did, title, authors, published, place, source, collection, url, path, WEIGHT() AS score";

/// An open connection to the engine.
struct Session {
    conn: Conn,
    engine: EngineUrl,
}

impl Session {
    fn open(engine: &EngineUrl) -> Result<Session> {
        let opts = OptsBuilder::new()
            .ip_or_hostname(Some(engine.host.clone()))
            .tcp_port(engine.port)
            // Sphinx answers neither `SELECT @@max_allowed_packet` nor `@@socket`, which the
            // client would otherwise ask for on connecting.
            .prefer_socket(false)
            .max_allowed_packet(Some(64 * 1024 * 1024))
            .stmt_cache_size(Some(0))
            .tcp_connect_timeout(Some(Duration::from_secs(10)))
            // An engine that stops answering ends the command with an error, not a hang; the
            // shipped head gives up on its agents well before this (agent_query_timeout).
            .read_timeout(Some(ANSWER_TIMEOUT))
            .write_timeout(Some(ANSWER_TIMEOUT));
        let conn = Conn::new(opts).with_context(|| {
            format!(
                "cannot reach {engine}: start the cluster (deploy/manticore/cluster.sh start) or check --engine"
            )
        })?;
        Ok(Session {
            conn,
            engine: engine.clone(),
        })
    }

    /// Rows of `sql`, with what the engine says it found in all (`total_found`).
    fn select(&mut self, sql: &str) -> Result<(Vec<SqlRow>, u64)> {
        let rows: Vec<SqlRow> = self
            .conn
            .query(sql)
            .with_context(|| format!("{} refused the search ({sql})", self.engine))?;
        let meta: Vec<(String, String)> = self
            .conn
            .query("SHOW META")
            .with_context(|| format!("{} gave no totals", self.engine))?;
        let total = meta
            .iter()
            .find(|(k, _)| k == "total_found")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(rows.len() as u64);
        Ok((rows, total))
    }

    /// How many articles the translated search matches.
    fn count(&mut self, t: &Translated) -> Result<u64> {
        let sql = select_sql(&self.engine.table, "id", t, "", 0, 1);
        Ok(self.select(&sql)?.1)
    }
}

/// `s` as a SphinxQL string literal.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The `SELECT` of `columns` for `t`, then `tail` (an `ORDER BY` or `GROUP BY`; relevance
/// order when empty), the page `[offset, offset + limit)`.
fn select_sql(
    table: &str,
    columns: &str,
    t: &Translated,
    tail: &str,
    offset: usize,
    limit: usize,
) -> String {
    let mut select = vec![columns.to_string()];
    let mut conditions = Vec::new();
    if let Some(m) = &t.matching {
        conditions.push(format!("MATCH({})", quoted(m)));
    }
    conditions.extend(t.conditions.iter().cloned());
    for (k, expr) in t.computed.iter().enumerate() {
        select.push(format!("{expr} AS keep{k}"));
        conditions.push(format!("keep{k} = 1"));
    }
    let mut sql = format!("SELECT {} FROM {table}", select.join(", "));
    if !conditions.is_empty() {
        sql.push_str(&format!(" WHERE {}", conditions.join(" AND ")));
    }
    if !tail.is_empty() {
        sql.push_str(&format!(" {tail}"));
    }
    let limit = limit.max(1);
    let max = (offset + limit).clamp(1000, MAX_MATCHES);
    sql.push_str(&format!(
        " LIMIT {offset}, {limit} OPTION max_matches = {max}"
    ));
    sql
}

/// The `ORDER BY` of a sort: dated articles by date (the undated last, as on one machine),
/// or the engine's relevance.
fn order_of(sort: SortOrder) -> &'static str {
    match sort {
        SortOrder::Relevance => "",
        SortOrder::Newest => "ORDER BY published DESC, id ASC",
        // NO_DATE is the smallest value: the undated would come first.
        SortOrder::Oldest => "ORDER BY undated ASC, published ASC, id ASC",
    }
}

/// The extra select column an order needs.
fn columns_for(sort: SortOrder) -> String {
    match sort {
        SortOrder::Oldest => format!("{COLUMNS}, IF(published = {NO_DATE}, 1, 0) AS undated"),
        _ => COLUMNS.to_string(),
    }
}

/// One match as the engine gives it.
struct Match {
    id: String,
    title: String,
    authors: Vec<String>,
    date: Option<NaiveDateTime>,
    place: Option<String>,
    source: Option<String>,
    collection: Option<String>,
    url: Option<String>,
    path: String,
    score: f32,
}

fn text(row: &SqlRow, name: &str) -> String {
    row.get_opt::<String, _>(name)
        .and_then(|v| v.ok())
        .unwrap_or_default()
}

fn some(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

fn read_match(row: &SqlRow) -> Match {
    let published: i64 = text(row, "published").parse().unwrap_or(NO_DATE);
    let date = (published != NO_DATE)
        .then(|| DateTime::from_timestamp(published, 0).map(|d| d.naive_utc()))
        .flatten();
    let authors = text(row, "authors")
        .split("; ")
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    Match {
        id: text(row, "did"),
        title: text(row, "title"),
        authors,
        date,
        place: some(text(row, "place")),
        source: some(text(row, "source")),
        collection: some(text(row, "collection")),
        url: some(text(row, "url")),
        path: text(row, "path"),
        score: text(row, "score").parse().unwrap_or(0.0),
    }
}

fn translated(req_query: &str, filters: &Filters) -> Result<Translated> {
    Ok(translate(req_query, filters)?)
}

/// `dateline search --engine`: the page `req` asks for, its totals, and its facets when
/// asked. The engine lists the counted set only (no partial matches after it) and folds no
/// copies; snippets (unless `snippets` is false) and title highlights are its `SNIPPET()` of
/// the words searched for.
pub fn search(engine: &EngineUrl, req: &Request, snippets: bool) -> Result<Results> {
    let started = Instant::now();
    let t = translated(&req.query, &req.filters)?;
    let mut session = Session::open(engine)?;
    let mut columns = columns_for(req.sort);
    if !t.highlight.is_empty() {
        let words = quoted(&t.highlight.join(" "));
        columns.push_str(&format!(
            ", SNIPPET(title, {words}, 'limit=1000', {MARKS}) AS title_marked"
        ));
        if snippets {
            let limit = quoted(&format!("limit={}", req.snippet_chars));
            columns.push_str(&format!(
                ", SNIPPET(body, {words}, {limit}, {MARKS}, {}) AS snippet",
                quoted(&format!("chunk_separator={JOINER}"))
            ));
        }
    }
    let sql = select_sql(
        &engine.table,
        &columns,
        &t,
        order_of(req.sort),
        req.offset,
        req.limit,
    );
    let (rows, total) = session.select(&sql)?;
    let hits = rows
        .iter()
        .take(req.limit)
        .enumerate()
        .map(|(k, row)| {
            let m = read_match(row);
            Hit {
                rank: req.offset + k + 1,
                score: m.score,
                path: m.path,
                line: None,
                member: None,
                record: None,
                url: m.url,
                id: m.id,
                title: marked(some(text(row, "title_marked")).unwrap_or(m.title)),
                authors: m.authors,
                date: m.date,
                place: m.place,
                source: m.source,
                collection: m.collection,
                snippet: marked(text(row, "snippet")),
                copies: Vec::new(),
                versions: Vec::new(),
                partial: false,
                missing: Vec::new(),
            }
        })
        .collect();
    let undated_left_out = match t.undated_left_out() {
        Some(u) => session.count(&u)?,
        None => 0,
    };
    let facets = match req.facets {
        Some(size) => Some(facets_of(&mut session, &t, size)?),
        None => None,
    };
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    Ok(Results {
        query: req.query.clone(),
        suggestion: None,
        showing_suggestion: false,
        facets,
        total_hits: total,
        articles: total,
        counting: t.counting,
        partial_hits: 0,
        total_is_estimate: false,
        offset: req.offset,
        hits,
        elapsed: started.elapsed(),
        undated_left_out,
    })
}

/// The marks around each match in the engine's snippets: characters no exported text holds
/// (the export writes control characters as spaces).
const OPEN: char = '\u{2}';
const CLOSE: char = '\u{3}';
/// The snippet options that mark matches with [`OPEN`] and [`CLOSE`].
const MARKS: &str = "'before_match=\u{2}', 'after_match=\u{3}'";

/// A snippet marked by the engine as dateline's own: its text, the matches' ranges, and
/// the fragments joined by [`JOINER`].
fn marked(snippet: String) -> Highlighted {
    let mut text = String::with_capacity(snippet.len());
    let mut highlights = Vec::new();
    let mut open = None;
    for c in snippet.chars() {
        match c {
            OPEN => open = Some(text.len()),
            CLOSE => {
                if let Some(start) = open.take() {
                    highlights.push(start..text.len());
                }
            }
            _ => text.push(c),
        }
    }
    let text = text.trim().to_string();
    let trimmed = snippet.len() - snippet.trim_start().len();
    let highlights = highlights
        .into_iter()
        .map(|r| r.start.saturating_sub(trimmed)..r.end.saturating_sub(trimmed))
        .filter(|r| r.end <= text.len() && r.start < r.end)
        .collect();
    let mut fragments = Vec::new();
    if text.contains(JOINER) {
        let mut start = 0;
        for piece in text.split(JOINER) {
            fragments.push(start..start + piece.len());
            start += piece.len() + JOINER.len();
        }
    }
    Highlighted {
        text,
        highlights,
        fragments,
    }
}

/// `dateline facets --engine`: the totals of `query` and the `size` top values of each
/// facet among its matches.
pub fn facets(
    engine: &EngineUrl,
    query: &str,
    filters: &Filters,
    size: usize,
) -> Result<(Results, Facets)> {
    let request = Request {
        query: query.to_string(),
        filters: filters.clone(),
        limit: 1,
        facets: Some(size),
        ..Request::default()
    };
    let mut results = search(engine, &request, false)?;
    results.hits.clear();
    let facets = results.facets.take().unwrap_or_default();
    Ok((results, facets))
}

/// The `size` most frequent values of each facet among the matches of `t`, most frequent
/// first, then by name, as on one machine.
fn facets_of(session: &mut Session, t: &Translated, size: usize) -> Result<Facets> {
    let mut group = |attr: &str, split: bool| -> Result<Vec<FacetCount>> {
        let columns = format!("{attr}, COUNT(*) AS n");
        let group = format!("GROUP BY {attr}");
        let sql = select_sql(&session.engine.table, &columns, t, &group, 0, FACET_GROUPS);
        let (rows, _) = session.select(&sql)?;
        let mut counts: std::collections::HashMap<String, u64> = Default::default();
        for row in &rows {
            let value = text(row, attr);
            let n: u64 = text(row, "n").parse().unwrap_or(0);
            let values: Vec<&str> = if split {
                value.split("; ").collect()
            } else {
                vec![value.as_str()]
            };
            for v in values.into_iter().filter(|v| !v.is_empty()) {
                *counts.entry(v.to_string()).or_default() += n;
            }
        }
        let mut list: Vec<FacetCount> = counts
            .into_iter()
            .map(|(value, count)| FacetCount { value, count })
            .collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        list.truncate(size);
        Ok(list)
    };
    Ok(Facets {
        authors: group("authors", true)?,
        places: group("place", false)?,
        sources: group("source", false)?,
        collections: group("collection", false)?,
    })
}

/// `dateline search --engine … --format`: every counted match as an export row, in the
/// request's order, handed to `each`; returns how many.
pub fn for_each_row(
    engine: &EngineUrl,
    req: &Request,
    mut each: impl FnMut(Row) -> Result<()>,
) -> Result<u64> {
    let t = translated(&req.query, &req.filters)?;
    let mut session = Session::open(engine)?;
    let mut written = 0u64;
    let mut offset = 0usize;
    loop {
        let sql = select_sql(
            &engine.table,
            &columns_for(req.sort),
            &t,
            order_of(req.sort),
            offset,
            EXPORT_PAGE,
        );
        let (rows, total) = session.select(&sql)?;
        for row in &rows {
            let m = read_match(row);
            each(Row {
                title: m.title,
                authors: m.authors,
                date: m.date.map(|d| d.format("%Y-%m-%d").to_string()),
                place: m.place,
                source: m.source,
                path: m.path,
                score: m.score,
                url: m.url,
                id: m.id,
                collection: m.collection,
                ..Row::default()
            })?;
            written += 1;
        }
        offset += rows.len();
        if rows.is_empty() || offset as u64 >= total || offset >= MAX_MATCHES {
            break;
        }
    }
    Ok(written)
}

/// The days of the matches of `t` (days since 1970-01-01, UTC), and those without a date.
fn day_counts(session: &mut Session, t: &Translated) -> Result<DayCounts> {
    // Whole days, rounded down before 1970 too.
    let day = format!(
        "IF(published = {NO_DATE}, {NO_DATE}, IF(published < 0, IDIV(published - 86399, 86400), IDIV(published, 86400))) AS day, COUNT(*) AS n"
    );
    let sql = select_sql(
        &session.engine.table,
        &day,
        t,
        "GROUP BY day",
        0,
        FACET_GROUPS,
    );
    let (rows, _) = session.select(&sql)?;
    let mut counts = DayCounts::default();
    for row in &rows {
        let day: i64 = text(row, "day").parse().unwrap_or(NO_DATE);
        let n: u64 = text(row, "n").parse().unwrap_or(0);
        if day == NO_DATE {
            counts.undated += n;
        } else {
            *counts.days.entry(day).or_default() += n;
        }
    }
    Ok(counts)
}

/// What `dateline timeline --engine` counts: the days of each query's matches with what
/// its date filter left out for having no date, and the days of every article the filters
/// let through (a timeline's `all`).
pub fn day_counts_of(
    engine: &EngineUrl,
    queries: &[Labelled],
    filters: &Filters,
) -> Result<(Vec<(DayCounts, u64)>, DayCounts)> {
    let mut session = Session::open(engine)?;
    let mut matches = Vec::with_capacity(queries.len());
    for (i, q) in queries.iter().enumerate() {
        let counted = translated(&q.query, filters).and_then(|t| {
            let days = day_counts(&mut session, &t)?;
            let left_out = match t.undated_left_out() {
                Some(u) => session.count(&u)?,
                None => 0,
            };
            Ok((days, left_out))
        });
        matches.push(counted.map_err(|e| series::naming(e, i, q))?);
    }
    let all = day_counts(&mut session, &translated("*", filters)?)?;
    Ok((matches, all))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_is_written_as_a_url() {
        let e: EngineUrl = "sphinxql://127.0.0.1:9306/news".parse().unwrap();
        assert_eq!(
            e,
            EngineUrl {
                host: "127.0.0.1".into(),
                port: 9306,
                table: "news".into()
            }
        );
        assert_eq!(e.to_string(), "sphinxql://127.0.0.1:9306/news");
        for bad in [
            "mysql://127.0.0.1:9306/news",
            "sphinxql://127.0.0.1/news",
            "sphinxql://127.0.0.1:x/news",
            "sphinxql://127.0.0.1:9306",
            "sphinxql://127.0.0.1:9306/news;drop",
            "sphinxql://:9306/news",
        ] {
            let message = bad.parse::<EngineUrl>().unwrap_err();
            assert!(
                message.contains("sphinxql://HOST:PORT/TABLE"),
                "{bad}: {message}"
            );
        }
    }

    #[test]
    fn the_select_quotes_the_match_and_filters_computed_conditions() {
        let t = translate("don't -date:1987", &Filters::default()).unwrap();
        let sql = select_sql("news", "id", &t, "", 20, 10);
        assert_eq!(
            sql,
            format!(
                "SELECT id, IF(published > {NO_DATE} AND published >= 536457600 AND published < 567993600, 0, 1) AS keep0 FROM news WHERE MATCH('@(title,authors,body) \"don t\"') AND keep0 = 1 LIMIT 20, 10 OPTION max_matches = 1000"
            )
        );
        assert_eq!(quoted("a'b\\c"), "'a\\'b\\\\c'");
    }
}

#[cfg(test)]
mod marks {
    use super::*;

    #[test]
    fn the_engines_marks_become_highlights_and_its_passages_fragments() {
        let h = marked(" a \u{2}cocoa\u{3} price … the \u{2}buffer\u{3}".to_string());
        assert_eq!(h.text, "a cocoa price … the buffer");
        assert_eq!(h.highlights, vec![2..7, 22..28]);
        assert_eq!(h.fragments, vec![0..13, 18..28]);
        assert_eq!(h.to_html(), "a <b>cocoa</b> price … the <b>buffer</b>");
        assert!(marked(String::new()).text.is_empty());
    }
}
