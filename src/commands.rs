//! What each command does, from parsed arguments to printed output.
//!
//! Each command returns the exit code it earned (as grep and ripgrep: 0 when something was
//! found, 1 when nothing was) or an error; `main` prints errors, exits 2 for them, and ends
//! quietly when standard output is a closed pipe.

use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{
    AlertAction, AlertAddArgs, AlertArgs, AlertCheckArgs, AlertListArgs, ExportArgs, FacetsArgs,
    FilterArgs, IndexArgs, SearchArgs, ServeArgs, ShowArgs, SimilarArgs, TermsArgs, TimelineArgs,
    DEFAULT_INDEX,
};
use dateline::alerts::{self, Alerts};
use dateline::answer::Timelines;
use dateline::index_dir;
use dateline::indexer::{self, Indexer, Options, Progress, Summary};
use dateline::output::{self, chart, json, Paint};
use dateline::query::Filters;
use dateline::remote::{self, EngineUrl};
use dateline::search::Request;
use dateline::series::{self, Labelled};
use dateline::snippet;
use dateline::timeline::Scale;
use dateline::{answer, export};

/// Exit code 130: stopped by Ctrl-C (128 + SIGINT), as shells report it.
pub const INTERRUPTED: u8 = 130;

/// 0 when something was found, 1 when nothing was.
pub fn found(any: bool) -> ExitCode {
    if any {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Writes to standard output with `write` and flushes. Output errors keep their `io::Error`
/// in the chain, so `main` can tell a closed pipe (`dateline search ... | head`) from a real
/// failure.
fn to_stdout(write: impl FnOnce(&mut StdoutLock<'static>) -> io::Result<()>) -> Result<()> {
    let mut out = io::stdout().lock();
    write(&mut out)
        .and_then(|()| out.flush())
        .context("writing output")
}

/// Leaves a read command's opened index and searcher to the end of the process, once its
/// output is written and flushed: dropping them unmaps the index's files and frees its
/// readers one by one, work the process's exit does at once. Only for commands that read;
/// one that writes drops its index, which finishes the writing.
fn leave_to_exit(open: index_dir::OpenIndex, searcher: tantivy::Searcher) {
    std::mem::forget((open, searcher));
}

/// `dateline index`: 0 when the run finished (files skipped or not), 130 when Ctrl-C stopped
/// a single run.
pub fn index(args: IndexArgs) -> Result<ExitCode> {
    let mut opts = Options::new(args.location.index.clone());
    opts.dirs = args.dirs;
    opts.collection = args.collection;
    opts.rebuild = args.rebuild;
    opts.threads = args.threads;
    opts.memory_mb = args.memory;
    opts.max_article_mb = args.max_article_mb;
    let progress = !args.json && io::stderr().is_terminal();
    if let Some(n) = args.batch_docs {
        opts.batch_docs = Some(n.max(1));
    }
    if args.watch && !(MIN_INTERVAL..=MAX_INTERVAL).contains(&args.interval) {
        anyhow::bail!(
            "--interval {} is out of range: pass between {MIN_INTERVAL} and {MAX_INTERVAL} seconds",
            args.interval
        );
    }
    let stop = stop_on_ctrl_c();
    let mut indexer = Indexer::open(&opts)?;
    let summary = pass(&mut indexer, stop, progress)?;
    let shown = print_index_summary(&summary, args.json).and_then(|()| {
        if args.watch {
            watch(&mut indexer, stop, args.interval, args.json, progress)
        } else {
            Ok(())
        }
    });
    // Merges are waited for even when printing failed (a closed pipe).
    let finished = indexer.finish();
    shown?;
    finished?;
    if summary.interrupted && !args.watch {
        return Ok(ExitCode::from(INTERRUPTED));
    }
    Ok(ExitCode::SUCCESS)
}

/// One indexing pass, with a spinner counting the files read when `show`.
fn pass(indexer: &mut Indexer, stop: &AtomicBool, show: bool) -> Result<Summary> {
    let bar = spinner(
        show,
        "{spinner} indexing: {human_pos} files read ({per_sec}, {elapsed})",
    );
    let summary = indexer.pass(stop, &|p| match p {
        Progress::FileRead => bar.inc(1),
        Progress::Walked => bar.finish_and_clear(),
    });
    bar.finish_and_clear();
    summary
}

/// A spinner on standard error, drawn with `template` (indicatif's), or a hidden one when
/// not `show`: the spinner of a command that cannot know its total up front.
fn spinner(show: bool, template: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// `--watch --interval` bounds: looking more often only burns CPU, and a time beyond a
/// Duration's range would not be a time at all.
const MIN_INTERVAL: f64 = 0.1;
const MAX_INTERVAL: f64 = 1e6;

fn print_index_summary(summary: &Summary, as_json: bool) -> Result<()> {
    to_stdout(|out| {
        if as_json {
            json::write_line(out, summary)
        } else {
            output::print_summary(out, &mut io::stderr().lock(), summary)
        }
    })
}

/// Looks at the folders every `interval` seconds until Ctrl-C, printing a summary after each
/// pass that changed something.
fn watch(
    indexer: &mut Indexer,
    stop: &AtomicBool,
    interval: f64,
    json: bool,
    progress: bool,
) -> Result<()> {
    if !json {
        eprintln!("watching for changes every {interval} s; Ctrl-C stops");
    }
    let step = Duration::from_millis(100);
    let interval = Duration::from_secs_f64(interval.clamp(MIN_INTERVAL, MAX_INTERVAL));
    loop {
        let mut waited = Duration::ZERO;
        while waited < interval {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            std::thread::sleep(step);
            waited += step;
        }
        let summary = pass(indexer, stop, progress)?;
        if summary.added + summary.updated + summary.removed > 0 || summary.interrupted {
            print_index_summary(&summary, json)?;
        }
    }
}

/// The first Ctrl-C asks the indexer to commit what it has and stop; a second one quits at
/// once (safe: the index is only ever changed by atomic commits).
fn stop_on_ctrl_c() -> &'static AtomicBool {
    static STOP: AtomicBool = AtomicBool::new(false);
    let installed = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nstopping: committing what is indexed so far (Ctrl-C again to quit now)");
    });
    if let Err(e) = installed {
        eprintln!("dateline: warning: Ctrl-C will stop without committing ({e})");
    }
    &STOP
}

/// The query `search` was given: its words typed without quotes joined into one, as a
/// search box would take them; none (only filters) is every article the filters let through.
fn one_query(first: Option<String>, more: Vec<String>) -> String {
    match first {
        None => "*".to_string(),
        Some(first) => std::iter::once(first)
            .chain(more)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

pub fn search(args: SearchArgs) -> Result<ExitCode> {
    let filters = filters_of(&args.filters)?;
    if args.limit == 0 && args.format.is_none() {
        anyhow::bail!(
            "--limit 0 shows no hits: give --limit 1 or more (every result reports the total count)"
        );
    }
    let request = Request {
        query: one_query(args.query, args.more_words),
        filters,
        limit: args.limit,
        offset: args.offset,
        sort: args.sort,
        snippet_chars: snippet::length(args.snippet_chars),
        facets: args.facets.then_some(FACETS_SHOWN),
        all_copies: args.all_copies,
        ..Request::default()
    };
    let options = args.format.map(|format| export::Options {
        format,
        csv_raw: args.csv_raw,
        partial: args.partial,
        bom: args.bom,
    });
    if let Some(engine) = &args.engine {
        let snippets = args.snippet_chars != 0;
        return search_engine(engine, &request, options, args.json, snippets);
    }
    let index_path = args.location.index.clone();
    ensure_default_index(&index_path)?;
    let open = index_dir::open_for_search(&index_path)?;
    if let Some(options) = options {
        let format = options.format;
        if let Some(refusal) = options.refusal() {
            anyhow::bail!(refusal);
        }
        let analysis = export::Analysis {
            kwic: args.kwic,
            counts: args.count,
            sample: args
                .sample
                .zip(args.seed)
                .map(|(size, seed)| export::Sample {
                    size: usize::try_from(size).unwrap_or(usize::MAX),
                    seed,
                }),
        };
        analysis.check("--count").map_err(anyhow::Error::msg)?;
        if let Some(refusal) = analysis.refusal(format) {
            anyhow::bail!(refusal);
        }
        // Refused before the header is written.
        for count in &analysis.counts {
            export::count_query(&open, count)?;
        }
        let rows = export_rows(&open, &request, options, &analysis)?;
        return Ok(found(rows > 0));
    }
    let room = args.timeline.then(|| {
        if args.json {
            usize::MAX
        } else {
            chart::spark_room(output::terminal_width())
        }
    });
    let searcher = index_dir::reader(&open.index)?.searcher();
    let searched = answer::search(&searcher, &open, &request, args.snippet_chars != 0, room)?;
    to_stdout(|out| {
        if args.json {
            json::write_line(out, &searched.to_json())
        } else {
            let paint = Paint::stdout();
            chart::print_sparkline(out, searched.timeline.as_ref(), paint)?;
            output::print_results(out, &searched.results, paint)
        }
    })?;
    leave_to_exit(open, searcher);
    Ok(found(searched.results.total_hits > 0))
}

/// `search --engine`: the search on a SphinxQL engine, printed as a local one is.
fn search_engine(
    engine: &EngineUrl,
    request: &Request,
    options: Option<export::Options>,
    as_json: bool,
    snippets: bool,
) -> Result<ExitCode> {
    if let Some(options) = options {
        if let Some(refusal) = options.refusal() {
            anyhow::bail!(refusal);
        }
        let out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
        let mut rows = output::RowWriter::new(options, &[], out).context("writing output")?;
        let written = remote::for_each_row(engine, request, |row| {
            rows.write(row).context("writing output")
        })?;
        rows.finish().context("writing output")?;
        return Ok(found(written > 0));
    }
    let searched = answer::Searched {
        results: remote::search(engine, request, snippets)?,
        timeline: None,
    };
    to_stdout(|out| {
        if as_json {
            json::write_line(out, &searched.to_json())
        } else {
            output::print_results(out, &searched.results, Paint::stdout())
        }
    })?;
    Ok(found(searched.results.total_hits > 0))
}

/// `search --format`: every match to standard output; returns how many rows were written.
/// A closed pipe comes back as an error for `main` to end quietly.
fn export_rows(
    open: &index_dir::OpenIndex,
    request: &Request,
    options: export::Options,
    analysis: &export::Analysis,
) -> Result<u64> {
    let out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut rows =
        output::RowWriter::new(options, &analysis.columns(), out).context("writing output")?;
    let searcher = index_dir::reader(&open.index)?.searcher();
    let written = export::for_each_analysed_row(
        &searcher,
        open,
        request,
        options.partial,
        analysis,
        |row| rows.write(row).context("writing output"),
    )?;
    rows.finish().context("writing output")?;
    Ok(written)
}

/// `dateline timeline`: matching articles per period, as a chart, JSON or CSV; several
/// queries (or one split by a facet) side by side.
pub fn timeline(args: TimelineArgs) -> Result<ExitCode> {
    if let Some(engine) = &args.engine {
        let filters = filters_of(&args.filters)?;
        let queries = labelled(args.query, args.more, args.label)?;
        let started = std::time::Instant::now();
        let (matches, all) = remote::day_counts_of(engine, &queries, &filters)?;
        let t = answer::timelines_of_counts(&queries, &matches, &all, &filters, args.by, started)?;
        print_timelines(&t, args.json, args.csv, args.scale)?;
        return Ok(found(t.any()));
    }
    let index_path = args.location.index.clone();
    ensure_default_index(&index_path)?;
    let open = index_dir::open_for_search(&index_path)?;
    let filters = filters_of(&args.filters)?;
    let queries = labelled(args.query, args.more, args.label)?;
    let split = args.split.map(|facet| (facet, args.top));
    let searcher = index_dir::reader(&open.index)?.searcher();
    let t = answer::timelines(&searcher, &open, &queries, &filters, args.by, split)?;
    print_timelines(&t, args.json, args.csv, args.scale)?;
    leave_to_exit(open, searcher);
    Ok(found(t.any()))
}

/// `dateline timeline`'s output: JSON, CSV or the chart.
fn print_timelines(t: &Timelines, as_json: bool, as_csv: bool, scale: Scale) -> Result<()> {
    to_stdout(|out| match t {
        _ if as_json => json::write_line(out, &answer::timelines_json(t)),
        Timelines::One(t) if as_csv => output::csv::write_timeline(out, t),
        Timelines::Several(c) if as_csv => output::csv::write_compared(out, c),
        Timelines::One(t) => {
            chart::print_chart(out, t, output::terminal_width(), Paint::stdout(), scale)
        }
        Timelines::Several(c) => {
            chart::print_compared(out, c, output::terminal_width(), Paint::stdout(), scale)
        }
    })
}

/// The queries a command line names, labelled by `--label` in order.
fn labelled(first: String, more: Vec<String>, labels: Vec<String>) -> Result<Vec<Labelled>> {
    let queries = std::iter::once(first).chain(more).collect();
    series::label_queries(queries, labels, "--label", "query").map_err(anyhow::Error::msg)
}

pub fn similar(args: SimilarArgs) -> Result<ExitCode> {
    ensure_default_index(&args.location.index)?;
    let open = index_dir::open_for_search(&args.location.index)?;
    let searcher = index_dir::reader(&open.index)?.searcher();
    let results = dateline::similar::similar(
        &searcher,
        &open,
        &args.article,
        args.limit,
        snippet::DEFAULT_CHARS,
    )?;
    to_stdout(|out| {
        if args.json {
            json::write_line(out, &json::results_json(&results, None))
        } else {
            output::print_results(out, &results, Paint::stdout())
        }
    })?;
    leave_to_exit(open, searcher);
    Ok(found(results.total_hits > 0))
}

/// `dateline show`: one article whole; 1 when no indexed article answers to the name.
pub fn show(args: ShowArgs) -> Result<ExitCode> {
    ensure_default_index(&args.location.index)?;
    let open = index_dir::open_for_search(&args.location.index)?;
    let shown = match dateline::show::show(&open, &args.article, args.highlight.as_deref()) {
        Ok(shown) => shown,
        Err(e) => match e.downcast_ref::<dateline::show::NotFound>() {
            // Nothing found is not an error (exit 1, as grep), but still says what to do.
            Some(not_found) => {
                let message = output::one_line(&not_found.to_string());
                eprintln!("dateline: {}", output::terminal_safe(&message));
                return Ok(found(false));
            }
            None => return Err(e),
        },
    };
    to_stdout(|out| {
        if args.json {
            json::write_line(out, &json::article_json(&shown))
        } else {
            output::print_article(out, &shown, Paint::stdout())
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `dateline serve`: runs until Ctrl-C; 0 when it stopped cleanly.
pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    ensure_default_index(&args.location.index)?;
    if !(0.01..=86_400.0).contains(&args.time_limit) {
        anyhow::bail!(
            "--time-limit {} is out of range: pass between 0.01 and 86400 seconds",
            args.time_limit
        );
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    dateline::serve::run(dateline::serve::Options {
        index: args.location.index,
        addr: match args.port {
            Some(port) => std::net::SocketAddr::from(([127, 0, 0, 1], port)),
            None => args.addr,
        },
        max_searches: if args.max_searches == 0 {
            cores
        } else {
            args.max_searches
        },
        queue_wait: Duration::from_millis(args.queue_wait_ms),
        time_limit: Duration::from_secs_f64(args.time_limit),
        cache_bytes: args.cache_mb.saturating_mul(1 << 20),
        header_timeout: Duration::from_millis(args.header_timeout_ms.max(1)),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `dateline terms`: the frequent and distinctive terms of the matches; 1 when none match.
pub fn terms(args: TermsArgs) -> Result<ExitCode> {
    ensure_default_index(&args.location.index)?;
    let open = index_dir::open_for_search(&args.location.index)?;
    let request = dateline::terms::Request {
        query: args.query,
        versus: args.versus,
        filters: filters_of(&args.filters)?,
        limit: args.limit,
    };
    let searcher = index_dir::reader(&open.index)?.searcher();
    let t = answer::terms(&searcher, &open, &request)?;
    to_stdout(|out| {
        if args.json {
            json::write_line(out, &t)
        } else {
            output::terms::print_terms(out, &t, Paint::stdout())
        }
    })?;
    leave_to_exit(open, searcher);
    Ok(found(t.matches > 0))
}

/// Values listed per facet by `search --facets`.
const FACETS_SHOWN: usize = 10;

pub fn facets(args: FacetsArgs) -> Result<ExitCode> {
    if let Some(engine) = &args.engine {
        let filters = filters_of(&args.filters)?;
        let queries = labelled(args.query, args.more, args.label)?;
        let answers = queries
            .iter()
            .enumerate()
            .map(|(i, q)| {
                remote::facets(engine, &q.query, &filters, args.limit)
                    .map_err(|e| series::naming(e, i, q))
            })
            .collect::<Result<Vec<_>>>()?;
        return print_facets(&queries, &answers, args.json);
    }
    ensure_default_index(&args.location.index)?;
    let open = index_dir::open_for_search(&args.location.index)?;
    let filters = filters_of(&args.filters)?;
    let queries = labelled(args.query, args.more, args.label)?;
    let searcher = index_dir::reader(&open.index)?.searcher();
    if let [one] = queries.as_slice() {
        return facets_of_one(
            &searcher, &open, &one.query, &filters, args.limit, args.json,
        );
    }
    let answers = answer::facets_compared(&searcher, &open, &queries, &filters, args.limit)?;
    print_facets(&queries, &answers, args.json)
}

/// `dateline facets`' output: one query's own, or several side by side.
fn print_facets(
    queries: &[Labelled],
    answers: &[(dateline::search::Results, dateline::facets::Facets)],
    as_json: bool,
) -> Result<ExitCode> {
    if let [(results, facets)] = answers {
        print_facets_of_one(results, facets, as_json)?;
        return Ok(found(results.total_hits > 0));
    }
    to_stdout(|out| {
        if as_json {
            json::write_line(out, &answer::facets_compared_json(queries, answers))
        } else {
            output::print_facets_compared(out, queries, answers, Paint::stdout())
        }
    })?;
    Ok(found(answers.iter().any(|(r, _)| r.total_hits > 0)))
}

/// `dateline facets` of one query, as it has always printed.
fn facets_of_one(
    searcher: &tantivy::Searcher,
    open: &index_dir::OpenIndex,
    query: &str,
    filters: &Filters,
    limit: usize,
    as_json: bool,
) -> Result<ExitCode> {
    let (results, facets) = answer::facets(searcher, open, query, filters, limit)?;
    print_facets_of_one(&results, &facets, as_json)?;
    Ok(found(results.total_hits > 0))
}

/// `dateline facets` of one query, as it has always printed.
fn print_facets_of_one(
    results: &dateline::search::Results,
    facets: &dateline::facets::Facets,
    as_json: bool,
) -> Result<()> {
    to_stdout(|out| {
        if as_json {
            json::write_line(out, &answer::facets_json(results, facets))
        } else {
            if results.counting == dateline::query::Counting::AllWords {
                let what = if results.total_hits == 1 {
                    "article has"
                } else {
                    "articles have"
                };
                let n = output::count::thousands(results.total_hits as u64);
                writeln!(out, "{n} {what} all the words")?;
            } else {
                let n = results.total_hits as u64;
                let noun = if n == 1 { "article" } else { "articles" };
                writeln!(out, "{} matching {noun}", output::count::thousands(n))?;
            }
            output::print_undated_left_out(out, results.undated_left_out)?;
            output::print_facets(out, facets, Paint::stdout())
        }
    })
}

/// The filters a command line asks for, with dates checked.
pub fn filters_of(args: &FilterArgs) -> Result<Filters> {
    let filters = Filters {
        from: args.from,
        to: args.to,
        authors: args.author.clone(),
        places: args.place.clone(),
        sources: args.source.clone(),
        collections: args.collection.clone(),
        undated: args.undated,
    };
    filters
        .check_day_order("--from", "--to")
        .map_err(anyhow::Error::msg)?;
    Ok(filters)
}

/// The README's first command must work on a fresh clone: when the default index does not
/// exist yet, build it from the default corpus before searching.
fn ensure_default_index(index_path: &Path) -> Result<()> {
    let is_default = index_path == Path::new(DEFAULT_INDEX);
    if !is_default || index_dir::exists(index_path) {
        return Ok(());
    }
    let opts = Options::new(index_path.to_path_buf());
    if !opts.default_dir.is_dir() {
        return Ok(());
    }
    eprintln!(
        "no index in ./{DEFAULT_INDEX} yet: indexing ./{} first",
        opts.default_dir.display()
    );
    let summary = indexer::run(&opts, &AtomicBool::new(false))?;
    eprintln!(
        "indexed {} in {:.2} s",
        output::count::counted(summary.indexed, "article", "articles"),
        summary.elapsed_ms as f64 / 1000.0
    );
    Ok(())
}

/// `--split-mb` when not given: OpenSearch's advice for `_bulk` requests (5-15 MB) and
/// Quickwit's ingest API limit (10 MB a request) both allow it.
const DEFAULT_SPLIT_MB: u64 = 10;

/// `dateline export --to ENGINE`: every article as NDJSON, from folders or the index, to
/// standard output or split files; problems and a closing summary on standard error.
pub fn export(args: ExportArgs) -> Result<ExitCode> {
    use dateline::cluster::{self, ClusterDoc};
    use dateline::output::split::{NdjsonOut, ShardFiles, SplitFiles};
    let started = std::time::Instant::now();
    let engine = args.to;
    // xmlpipe2 shards for Sphinx/Manticore, else NDJSON to files or standard output.
    let mut shards = None;
    let mut ndjson = None;
    if engine == cluster::Engine::Manticore {
        let Some(dir) = &args.out else {
            anyhow::bail!("--to manticore writes one file per shard: add --out DIR");
        };
        if args.split_mb.is_some() {
            anyhow::bail!(
                "--split-mb is for quickwit and opensearch: --to manticore writes --shards N files"
            );
        }
        let count = args.shards.unwrap_or(1);
        let files = ShardFiles::create(
            dir,
            cluster::MANTICORE_TABLE,
            count,
            cluster::XMLPIPE_HEAD,
            cluster::XMLPIPE_TAIL,
        )?;
        shards = Some((files, count));
    } else {
        if args.shards.is_some() {
            anyhow::bail!(
                "--shards is for --to manticore: quickwit and opensearch take --split-mb"
            );
        }
        ndjson = Some(match &args.out {
            Some(dir) => {
                let limit = args.split_mb.unwrap_or(DEFAULT_SPLIT_MB) << 20;
                NdjsonOut::Files(SplitFiles::create(dir, &args.index_name, limit)?)
            }
            None => NdjsonOut::Stream(BufWriter::with_capacity(256 * 1024, io::stdout().lock())),
        });
    }
    let bar = spinner(
        io::stderr().is_terminal(),
        "{spinner} exporting: {human_pos} articles ({per_sec}, {elapsed})",
    );
    let mut unit = Vec::new();
    let mut exported = 0u64;
    let mut each = |doc: ClusterDoc| -> Result<()> {
        unit.clear();
        if let Some((files, count)) = shards.as_mut() {
            let Some(id) = cluster::manticore_id(&doc) else {
                let path = output::terminal_safe(&doc.path);
                bar.suspend(|| {
                    eprintln!("{path}: skipped: its id is 0, which Sphinx and Manticore cannot take as a document id")
                });
                return Ok(());
            };
            cluster::write_xmlpipe_doc(id, &doc, &mut unit);
            files.write_unit(cluster::shard_of(id, *count), &unit)?;
        } else if let Some(out) = ndjson.as_mut() {
            cluster::write_doc(engine, &args.index_name, &doc, &mut unit)?;
            out.write_unit(&unit)?;
        }
        exported += 1;
        bar.inc(1);
        Ok(())
    };
    let counts = if args.dirs.is_empty() {
        let index = args.index.unwrap_or_else(|| DEFAULT_INDEX.into());
        ensure_default_index(&index)?;
        let open = index_dir::open_for_search(&index)?;
        cluster::from_index(&open, &mut each)?;
        None
    } else {
        // The export's own folder is not read as articles, should it lie in the archive.
        let skip = args.out.as_deref().and_then(|d| d.canonicalize().ok());
        let mut problem = |p: dateline::problems::Problem| {
            bar.suspend(|| eprintln!("{}", output::problem_line(&p)))
        };
        Some(cluster::from_folders(
            &args.dirs,
            args.max_article_mb,
            skip.as_deref(),
            &mut each,
            &mut problem,
        )?)
    };
    let files = match (shards, ndjson) {
        (Some((files, _)), _) => files.finish()?,
        (None, Some(out)) => out.finish()?,
        (None, None) => Vec::new(),
    };
    bar.finish_and_clear();
    let mut line = format!(
        "exported {}",
        output::count::counted(exported, "article", "articles")
    );
    if let Some(c) = counts {
        line.push_str(&format!(
            " from {}; {} skipped, {}",
            output::count::counted(c.files, "file", "files"),
            output::count::thousands(c.skipped),
            output::count::counted(c.warnings, "warning", "warnings")
        ));
        if c.passed_over > 0 {
            line.push_str(&format!(
                "; {} records passed over (not articles)",
                c.passed_over
            ));
        }
    }
    if let Some(dir) = &args.out {
        line.push_str(&format!(
            "; {} files in {}",
            files.len(),
            output::terminal_safe(&dir.display().to_string())
        ));
    }
    eprintln!("{line}; {:.2} s", started.elapsed().as_secs_f64());
    Ok(found(exported > 0))
}

/// `dateline alert add|list|remove|check`.
pub fn alert(args: AlertArgs) -> Result<ExitCode> {
    match args.action {
        AlertAction::Add(a) => alert_add(a),
        AlertAction::List(a) => alert_list(a),
        AlertAction::Remove(a) => {
            let alerts = Alerts::lock(&a.location.index)?;
            alerts.remove(&a.name)?;
            eprintln!("removed alert {}", a.name);
            Ok(ExitCode::SUCCESS)
        }
        AlertAction::Check(a) => alert_check(a),
    }
}

/// `dateline alert add`: refuses a bad or taken name and a query that does not build.
fn alert_add(args: AlertAddArgs) -> Result<ExitCode> {
    let filters = filters_of(&args.filters)?;
    let alerts = Alerts::lock(&args.location.index)?;
    let open = index_dir::open_for_search(&args.location.index)?;
    let searcher = index_dir::reader(&open.index)?.searcher();
    let alert = alerts.add(&open, &searcher, &args.name, &args.query, &filters)?;
    eprintln!(
        "added alert {}: {} matching now, counted as reported; `dateline alert check {}` \
         reports the new ones",
        alert.name,
        output::chart::thousands(alert.seen),
        alert.name
    );
    Ok(ExitCode::SUCCESS)
}

/// `dateline alert list`: 1 when there are none.
fn alert_list(args: AlertListArgs) -> Result<ExitCode> {
    if !index_dir::exists(&args.location.index) {
        // Reads like every other command's missing index.
        index_dir::open(&args.location.index)?;
    }
    let alerts = dateline::alerts::list(&args.location.index)?;
    to_stdout(|out| {
        if args.json {
            let list: Vec<_> = alerts.iter().map(json::alert_json).collect();
            json::write_line(out, &serde_json::json!({ "alerts": list }))
        } else {
            output::human::print_alerts(out, &alerts, Paint::stdout())
        }
    })?;
    Ok(found(!alerts.is_empty()))
}

/// `dateline alert check`: each alert's new matches, grouped by alert; 0 when any alert has
/// one, 1 when none has. The alerts stay locked from reading their state to saving it, and
/// the state is saved only once the report is written and flushed: a check killed before
/// then reports the same articles next time.
fn alert_check(args: AlertCheckArgs) -> Result<ExitCode> {
    let alerts = Alerts::lock(&args.location.index)?;
    let mut checked = alerts.get_all(&args.names)?;
    if checked.is_empty() {
        anyhow::bail!("no alerts to check: add one with `dateline alert add NAME QUERY`");
    }
    let open = index_dir::open_for_search(&args.location.index)?;
    let searcher = index_dir::reader(&open.index)?.searcher();
    let found_new: Vec<alerts::Unseen> = checked
        .iter()
        .map(|a| alerts::unseen(&searcher, &open, a))
        .collect::<Result<_>>()?;
    let any = found_new.iter().any(|u| !u.ids.is_empty());
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    if let Some(format) = args.format {
        let options = export::Options {
            format,
            csv_raw: args.csv_raw,
            partial: false,
            bom: false,
        };
        let mut rows = output::RowWriter::new(options, &[], &mut out).context("writing output")?;
        for unseen in &found_new {
            for m in &unseen.matches {
                let doc: tantivy::TantivyDocument = searcher.doc(m.address)?;
                let id = dateline::schema::id_at(&searcher, m.address)?;
                let stored = dateline::stored::Stored::read(&doc, &open.fields, id);
                rows.write(export::Row::new(stored, m.score))
                    .context("writing output")?;
            }
        }
        rows.finish().context("writing output")?;
    } else {
        let paint = Paint::stdout();
        let mut parts = Vec::new();
        for (alert, unseen) in checked.iter().zip(&found_new) {
            let mut request = unseen.request.clone();
            request.snippet_chars = snippet::length(args.snippet_chars);
            let chosen: Vec<_> = unseen
                .matches
                .iter()
                .map(|m| (m.score, m.address))
                .collect();
            let hits =
                dateline::search::hits_at(&searcher, &open, &request, &unseen.built, &chosen)?;
            if args.json {
                let results = dateline::search::Results {
                    query: alert.query.clone(),
                    suggestion: None,
                    showing_suggestion: false,
                    facets: None,
                    total_hits: hits.len(),
                    articles: hits.len(),
                    counting: unseen.built.counting(),
                    partial_hits: 0,
                    total_is_estimate: false,
                    offset: 0,
                    hits,
                    elapsed: Duration::ZERO,
                    undated_left_out: 0,
                };
                parts.push(json::alert_check_json(alert, &results));
            } else {
                output::human::print_alert_heading(&mut out, alert, hits.len(), paint)
                    .context("writing output")?;
                for hit in &hits {
                    output::print_hit(&mut out, hit, paint).context("writing output")?;
                }
            }
        }
        if args.json {
            let new: usize = found_new.iter().map(|u| u.ids.len()).sum();
            let answer = serde_json::json!({ "new": new, "alerts": parts });
            json::write_line(&mut out, &answer).context("writing output")?;
        }
    }
    out.flush().context("writing output")?;
    drop(out);
    sync_stdout();
    alerts::pause_for_test("reported");
    let now = alerts::now();
    for (i, (alert, unseen)) in checked.iter_mut().zip(&found_new).enumerate() {
        if i == 1 {
            alerts::pause_for_test("between");
        }
        alert.remember(&unseen.ids, now.clone());
        alerts.save(alert)?;
    }
    Ok(found(any))
}

/// Makes a report written to a file (`alert check > report`) durable before the check
/// counts it as made; a pipe or terminal has nothing to sync, and says so, which is fine.
fn sync_stdout() {
    let _ = rustix::fs::fsync(io::stdout());
}
