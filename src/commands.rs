//! What each command does, from parsed arguments to printed output.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cli::{
    FacetsArgs, FilterArgs, IndexArgs, SearchArgs, SimilarArgs, TimelineArgs, DEFAULT_INDEX,
};
use crate::index_dir;
use crate::indexer::{self, Indexer, Options, Summary};
use crate::output;
use crate::query::{parse_cli_day, Filters};
use crate::search::{self, Request};
use crate::{export, timeline};

/// Writing to a closed pipe (`dateline search ... | head`) is not an error worth reporting.
fn finish_output(r: io::Result<()>) -> Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing output"),
    }
}

pub fn index(args: IndexArgs) -> Result<()> {
    let mut opts = Options::new(args.location.index.clone());
    opts.dirs = args.dirs;
    opts.rebuild = args.rebuild;
    opts.threads = args.threads;
    opts.memory_mb = args.memory;
    opts.max_article_mb = args.max_article_mb;
    opts.progress = !args.json && io::stderr().is_terminal();
    if let Some(n) = args.batch_docs {
        opts.batch_docs = Some(n.max(1));
    }
    let stop = stop_on_ctrl_c();
    let mut indexer = Indexer::open(&opts)?;
    let summary = indexer.pass(stop)?;
    print_index_summary(&summary, args.json)?;
    if args.watch {
        watch(&mut indexer, stop, args.interval, args.json)?;
    }
    indexer.finish()?;
    if summary.interrupted && !args.watch {
        std::process::exit(130);
    }
    Ok(())
}

fn print_index_summary(summary: &Summary, json: bool) -> Result<()> {
    let mut out = io::stdout().lock();
    let written = if json {
        serde_json::to_writer(&mut out, summary)
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        output::print_summary(&mut out, summary)
    };
    finish_output(written.and_then(|_| out.flush()))
}

/// Looks at the folders every `interval` seconds until Ctrl-C, printing a summary after each
/// pass that changed something.
fn watch(indexer: &mut Indexer, stop: &AtomicBool, interval: f64, json: bool) -> Result<()> {
    if !json {
        eprintln!("watching for changes every {interval} s; Ctrl-C stops");
    }
    let step = Duration::from_millis(100);
    let interval = Duration::from_secs_f64(interval.max(0.1));
    loop {
        let mut waited = Duration::ZERO;
        while waited < interval {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            std::thread::sleep(step);
            waited += step;
        }
        let summary = indexer.pass(stop)?;
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

pub fn search(args: SearchArgs) -> Result<()> {
    let index_path = args.location.index.clone();
    ensure_default_index(&index_path)?;
    let open = index_dir::open_for_search(&index_path)?;
    let filters = filters_of(&args.filters)?;
    let request = Request {
        query: args.query,
        filters,
        limit: args.limit,
        offset: args.offset,
        sort: args.sort,
        snippet_chars: args.snippet_chars.max(20),
        ranking: Default::default(),
        facets: args.facets.then_some(FACETS_SHOWN),
        all_copies: args.all_copies,
    };
    if let Some(format) = args.format {
        return export::run(&open, &request, format);
    }
    let results = search::search(&open, &request)?;
    let spark = if args.timeline {
        let room = if args.json {
            usize::MAX
        } else {
            timeline::spark_room(timeline::terminal_width())
        };
        Some(timeline::for_search(
            &open,
            &request.query,
            &request.filters,
            room,
        )?)
    } else {
        None
    };
    let mut out = io::stdout().lock();
    let written = if args.json {
        let mut json = output::results_json(&results);
        timeline::add_to_json(&mut json, spark.as_ref());
        serde_json::to_writer(&mut out, &json)
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        timeline::print_sparkline(&mut out, spark.as_ref(), output::stdout_color())
            .and_then(|_| output::print_results(&mut out, &results, output::stdout_color()))
    };
    finish_output(written)
}

/// `dateline timeline`: matching articles per period, as a chart, JSON or CSV.
pub fn timeline(args: TimelineArgs) -> Result<()> {
    let by = args
        .by
        .as_deref()
        .map(timeline::Period::parse)
        .transpose()?;
    let index_path = args.location.index.clone();
    ensure_default_index(&index_path)?;
    let open = index_dir::open_for_search(&index_path)?;
    let filters = filters_of(&args.filters)?;
    let t = timeline::run(&open, &args.query, &filters, by)?;
    let mut out = io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer(&mut out, &timeline::to_json(&t))
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
    } else if args.csv {
        timeline::write_csv(&mut out, &t)
    } else {
        let width = timeline::terminal_width();
        timeline::print_chart(&mut out, &t, width, output::stdout_color())
    };
    finish_output(written)
}

pub fn similar(args: SimilarArgs) -> Result<()> {
    ensure_default_index(&args.location.index)?;
    let open = index_dir::open_for_search(&args.location.index)?;
    let searcher = indexer::reader(&open.index)?.searcher();
    let results = crate::similar::similar(&searcher, &open, &args.article, args.limit, 200)?;
    print_results(&results, args.json)
}

fn print_results(results: &search::Results, json: bool) -> Result<()> {
    let mut out = io::stdout().lock();
    let written = if json {
        serde_json::to_writer(&mut out, &output::results_json(results))
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        output::print_results(&mut out, results, output::stdout_color())
    };
    finish_output(written)
}

/// Values listed per facet by `search --facets`.
const FACETS_SHOWN: usize = 10;

pub fn facets(args: FacetsArgs) -> Result<()> {
    ensure_default_index(&args.location.index)?;
    let open = index_dir::open_for_search(&args.location.index)?;
    let request = Request {
        query: args.query,
        filters: filters_of(&args.filters)?,
        limit: 0,
        offset: 0,
        sort: Default::default(),
        snippet_chars: 0,
        ranking: Default::default(),
        facets: Some(args.limit.max(1)),
        all_copies: true,
    };
    let results = search::search(&open, &request)?;
    let facets = results.facets.unwrap_or_default();
    let mut out = io::stdout().lock();
    let written = if args.json {
        let obj = serde_json::json!({
            "query": results.query,
            "total_hits": results.total_hits,
            "facets": facets,
        });
        serde_json::to_writer(&mut out, &obj)
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        writeln!(out, "{} matching articles", results.total_hits)
            .and_then(|_| output::print_facets(&mut out, &facets, output::stdout_color()))
    };
    finish_output(written)
}

/// The filters a command line asks for, with dates checked.
pub fn filters_of(args: &FilterArgs) -> Result<Filters> {
    Ok(Filters {
        from: args
            .from
            .as_deref()
            .map(|d| parse_cli_day(d, "--from", false))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|d| parse_cli_day(d, "--to", true))
            .transpose()?,
        authors: args.author.clone(),
        places: args.place.clone(),
        sources: args.source.clone(),
    })
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
        "indexed {} articles in {:.2} s",
        summary.indexed,
        summary.elapsed_ms as f64 / 1000.0
    );
    Ok(())
}
