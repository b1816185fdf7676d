//! Command-line arguments: the only module (with `main.rs`) that knows clap. Flags are
//! parsed here into the domain's own types (dates, periods, sort orders, export formats), so
//! the modules below never see a flag's spelling.

use std::fmt;
use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};

use dateline::cluster::Engine;
use dateline::export::{Count, Format};
use dateline::indexer::{DEFAULT_MAX_ARTICLE_MB, DEFAULT_MEMORY_MB};
use dateline::query::parse_day_bound;
use dateline::remote::EngineUrl;
use dateline::search::SortOrder;
use dateline::series::{Split, DEFAULT_TOP, MAX_TOP};
use dateline::timeline::{Period, Scale};

pub const DEFAULT_INDEX: &str = "index";

/// Exit codes, as grep and ripgrep use them.
pub const EXIT_STATUS: &str = "Exit status: 0 if something was found (index: the run finished, \
even with skipped files), 1 if nothing matched, 2 on an error, 130 if stopped by Ctrl-C.";

#[derive(Debug, Parser)]
#[command(
    name = "dateline",
    version,
    about = "Full-text search for news archives",
    long_about = "dateline indexes folders of news articles (plain-text exports, JSON Lines, \
                  HTML pages, NITF, NewsML, RSS/Atom feeds and WARC crawls, loose or in \
                  .zip/.tar/.tgz/.gz archives) and searches them with ranked, highlighted results.\n\n\
                  Start with `dateline index ARCHIVE_FOLDER`, then `dateline search \"words\"`.",
    after_help = EXIT_STATUS
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index article folders, or bring an existing index up to date
    Index(IndexArgs),
    /// Search the index
    Search(SearchArgs),
    /// Count the top authors, sources and places among the articles a query matches
    Facets(FacetsArgs),
    /// Find the articles most like a given one
    Similar(SimilarArgs),
    /// Print one indexed article whole, by its id (as search shows it) or its file
    Show(ShowArgs),
    /// Count matching articles per day, week, month or year, drawn as a bar chart
    Timeline(TimelineArgs),
    /// List the words and phrases that characterise the articles a query matches
    Terms(TermsArgs),
    /// Serve the archive as a search page, a JSON API and Atom feeds (/feed?q=...) (until Ctrl-C)
    Serve(ServeArgs),
    /// Write every article as NDJSON to load into Quickwit or OpenSearch
    Export(ExportArgs),
    /// Save searches and print their new matches: add, list, remove, check (for cron)
    Alert(AlertArgs),
    /// Print a shell completion script (e.g. `dateline completions bash > /etc/bash_completion.d/dateline`)
    Completions(CompletionsArgs),
    /// Print the manual page, in roff (e.g. `dateline man | man -l -`)
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command's own page (e.g. `search`) instead of dateline's
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Writes the completion script for `shell`, from the same definitions as `--help`.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "dateline", out);
}

/// Writes the manual page (roff) of dateline, or of one of its commands.
pub fn write_man(command: Option<&str>, out: &mut dyn Write) -> anyhow::Result<()> {
    let cli = Cli::command();
    let source = format!("dateline {}", cli.get_version().unwrap_or_default());
    let page = match command {
        None => cli,
        Some(name) => {
            let names: Vec<String> = cli
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let Some(sub) = cli.find_subcommand(name) else {
                anyhow::bail!("no command named '{name}': use one of {}", names.join(", "));
            };
            // The page's name and usage read `dateline-search`, `dateline search ...`.
            sub.clone()
                .display_name(format!("dateline-{name}"))
                .bin_name(format!("dateline {name}"))
        }
    };
    clap_mangen::Man::new(page).source(source).render(out)?;
    Ok(())
}

#[derive(Debug, Args)]
pub struct IndexLocation {
    /// Index folder (or set DATELINE_INDEX once, to use it from any folder)
    #[arg(long, value_name = "PATH", env = "DATELINE_INDEX", default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Run again at any time: only new, changed and removed files are processed.\n\
With no DIR, the folders the index was built from are read again (./corpus for a new index)."
)]
pub struct IndexArgs {
    /// Folders of articles (.txt, .jsonl, .html, .xml, .rss, .warc, and these inside .zip, .tar,
    /// .tgz, .gz, .bz2, .xz, .zst); added to the folders the index remembers
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// The collection the DIRs of this run are indexed as (default: each folder's own name,
    /// e.g. bbc; a folder keeps its name on later runs, and renaming it relabels its articles)
    #[arg(long, value_name = "NAME", value_parser = collection_name)]
    pub collection: Option<String>,
    /// Start from an empty index instead of updating
    #[arg(long)]
    pub rebuild: bool,
    /// Print the summary as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Indexing threads (default: one per core)
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub threads: usize,
    /// Indexing memory budget in MB, shared by all threads
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MEMORY_MB)]
    pub memory: usize,
    /// Skip (and report) articles larger than this: a file of one article, or one record of a
    /// JSON Lines file, feed or crawl
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MAX_ARTICLE_MB,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_article_mb: u64,
    /// Keep running and take in new, changed and removed files as they appear (Ctrl-C stops)
    #[arg(long)]
    pub watch: bool,
    /// With --watch: seconds between looks at the folders
    #[arg(long, value_name = "SECS", default_value_t = 2.0, requires = "watch")]
    pub interval: f64,
    /// Commit after this many articles (tests use small batches to exercise crash recovery)
    #[arg(long, value_name = "N", hide = true)]
    pub batch_docs: Option<usize>,
}

/// Filters shared by every command that takes a query.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only articles dated on or after this day (YYYY-MM-DD, YYYY-MM or YYYY)
    #[arg(long, value_name = "DATE", value_parser = from_day)]
    pub from: Option<NaiveDate>,
    /// Only articles dated on or before this day (YYYY-MM-DD, YYYY-MM or YYYY)
    #[arg(long, value_name = "DATE", value_parser = to_day)]
    pub to: Option<NaiveDate>,
    /// Only articles by this author (whole name or part of it, any case; repeat for any of several)
    #[arg(long, value_name = "NAME")]
    pub author: Vec<String>,
    /// Only articles datelined at this place (e.g. TOKYO; any case; repeatable)
    #[arg(long, value_name = "PLACE")]
    pub place: Vec<String>,
    /// Only articles from this source: the one the article names, its dateline's agency, or
    /// the publication its file names (any case; repeatable)
    #[arg(long, value_name = "SOURCE")]
    pub source: Vec<String>,
    /// Only articles in this collection (`dateline index --collection`, else the folder's
    /// name; any case; repeatable)
    #[arg(long, value_name = "NAME")]
    pub collection: Vec<String>,
    /// Only articles without a date (those a date filter leaves out)
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub undated: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Query syntax:
  THAAD South Korea             counts the articles with all the words; lists them first,
                                then those with only some (marked, with the words missing)
  cocoa prices OR tariffs       OR joins the parts beside it: cocoa, and prices or tariffs
  +THAAD +Korea -Japan          require or exclude words (also AND, OR, NOT)
  \"South Korea\"                 a phrase
  cocoa w/5 buffer              at most 5 words apart, either order (also NEAR/5; w/1 adjacent)
  cocoa pre/3 buffer            cocoa, then buffer at most 3 words after it
  cocoa w/s buffer              in one sentence (w/p: in one paragraph)
  atleast3 cocoa                cocoa 3 times or more (title and body together)
  (tanker OR ship) w/5 \"oil spill\"  operands: words, phrases, OR-groups
  title:thaad author:oki body:missile place:tokyo source:reuters collection:bbc
  date:2017-03-17  date:2017-03  date:2017
  date:[2017-03-01 TO 2017-03-31]  date:>=2017-03-01  date:<2017
  *                             every article")]
pub struct SearchArgs {
    /// The query (see below); words typed without quotes are one query, and with a filter
    /// (--author, --from, ...) and no query every article the filter lets through is listed
    #[arg(value_name = "QUERY", allow_hyphen_values = true,
          required_unless_present_any = ["from", "to", "author", "place", "source", "collection", "undated"])]
    pub query: Option<String>,
    /// The query's further words when it was typed without quotes (`search tanker attacks`)
    #[arg(value_name = "WORDS", hide = true)]
    pub more_words: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Number of results to show
    #[arg(long, short = 'n', value_name = "N", default_value_t = dateline::search::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Results to skip (for paging)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// Result order
    #[arg(long, default_value_t = SortOrder::Relevance, value_parser = sort_order())]
    pub sort: SortOrder,
    /// Print results as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Longest snippet, in characters (0: no snippet)
    #[arg(long, value_name = "N", default_value_t = dateline::snippet::DEFAULT_CHARS)]
    pub snippet_chars: usize,
    /// Also count the top authors, sources and places among all matches
    #[arg(long)]
    pub facets: bool,
    /// Show every copy and version of a story as its own hit (by default copies fold into the
    /// earliest, and other versions under the best ranked)
    #[arg(long)]
    pub all_copies: bool,
    /// Write every match as CSV or JSON Lines, or as citations (RIS, CSL-JSON), in search's
    /// order: the page --limit and --offset name comes first, as search shows it
    #[arg(long, value_name = "FORMAT", value_parser = format(),
          conflicts_with_all = ["json", "timeline"])]
    pub format: Option<Format>,
    /// With --format csv: write cells as they are (by default a cell starting with = + - @,
    /// tab or CR gets a leading ' so a spreadsheet shows it rather than runs it)
    #[arg(long, requires = "format")]
    pub csv_raw: bool,
    /// With --format csv: start the file with a UTF-8 byte order mark, so that Excel reads
    /// accented letters and symbols such as £ correctly
    #[arg(long, requires = "format")]
    pub bom: bool,
    /// With --format csv or jsonl: after the articles with every word, also write those with
    /// only some of them, each marked (partial: true, and the words it is missing)
    #[arg(long, requires = "format")]
    pub partial: bool,
    /// With --format: add a column kwic, each article's best passage around a match on one
    /// line, the matched words in [brackets] (the text's own [ ] \ are written \[ \] \\);
    /// --snippet-chars sets its length
    #[arg(long, requires = "format")]
    pub kwic: bool,
    /// With --format: add a column count:LABEL, how many times QUERY's words (stemmed, any
    /// case) and quoted phrases stand in each article's title and body (repeatable)
    #[arg(long, value_name = "LABEL=QUERY", requires = "format", value_parser = count_column,
          allow_hyphen_values = true)]
    pub count: Vec<Count>,
    /// With --format: write a random sample of N of the matches, in their order, drawn by
    /// --seed (the same seed on the same index draws the same articles)
    #[arg(long, value_name = "N", requires_all = ["format", "seed"], conflicts_with = "partial",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub sample: Option<u64>,
    /// The seed --sample draws with (any whole number; note it to draw the sample again)
    #[arg(long, value_name = "S", requires = "sample")]
    pub seed: Option<u64>,
    /// Show a one-line sparkline of the matches over time above the results
    #[arg(long)]
    pub timeline: bool,
    /// Search a SphinxQL engine (Sphinx, Manticore) holding `dateline export --to manticore`
    /// instead of the local index, e.g. sphinxql://127.0.0.1:9306/news
    #[arg(long, value_name = "URL", conflicts_with_all = ["timeline", "partial", "kwic", "count", "sample"])]
    pub engine: Option<EngineUrl>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "An alert is a saved search, kept in the index folder. `dateline alert \
check` prints the articles it matches now that no earlier check of it reported, then remembers \
them; the first check after `add` reports only the articles indexed since. Exit status of \
check: 0 if something is new, 1 if nothing is, 2 on an error, so cron mails only news:\n  \
0 7 * * *  dateline index && dateline alert check\n\
A check that is killed before it ends reports the same articles again next time: nothing is \
lost, and nothing a finished check reported is reported again."
)]
pub struct AlertArgs {
    #[command(subcommand)]
    pub action: AlertAction,
}

#[derive(Debug, Subcommand)]
pub enum AlertAction {
    /// Save a search as an alert; the articles it matches now count as already reported
    Add(AlertAddArgs),
    /// List the alerts: name, query, filters, when added and last checked, articles reported
    List(AlertListArgs),
    /// Remove an alert
    Remove(AlertRemoveArgs),
    /// Print each alert's matches that no earlier check reported, then remember them
    Check(AlertCheckArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "The query and filters are those of `dateline search`.")]
pub struct AlertAddArgs {
    /// The alert's name: letters, digits, - and _ (e.g. cocoa-prices)
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The query (as for `dateline search`)
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct AlertListArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print {"alerts": [{"name", "query", "filters", "added", "last_check", "reported",
    /// "seen"}]} as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AlertRemoveArgs {
    /// The alert to remove
    #[arg(value_name = "NAME")]
    pub name: String,
    #[command(flatten)]
    pub location: IndexLocation,
}

#[derive(Debug, Args)]
pub struct AlertCheckArgs {
    /// The alerts to check (default: every alert)
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print {"new", "alerts": [{"name", "query", "filters", "added", "last_check", "reported",
    /// "seen", "new", "hits": [...]}]} as JSON: each alert as `list --json` showed it before
    /// this check, its new articles as `search --json` shows hits
    #[arg(long)]
    pub json: bool,
    /// Write the new matches as CSV or JSON Lines, as `search --format` does (every alert's
    /// one after another, alerts in name order: check one alert to tell them apart)
    #[arg(long, value_name = "FORMAT", value_parser = format(), conflicts_with = "json")]
    pub format: Option<Format>,
    /// With --format csv: write cells as they are (see `search --csv-raw`)
    #[arg(long, requires = "format")]
    pub csv_raw: bool,
    /// Longest snippet, in characters (0: no snippet)
    #[arg(long, value_name = "N", default_value_t = dateline::snippet::DEFAULT_CHARS)]
    pub snippet_chars: usize,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// An indexed article: its id (as search shows it), its file, FILE:LINE for a JSON Lines
    /// record, FILE:N for the Nth record of a feed or crawl, or ARCHIVE!MEMBER
    #[arg(value_name = "ID|PATH[:LINE]")]
    pub article: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Number of articles to show
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Print results as one JSON object
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "ARTICLE is an id (the 11 characters search shows after a hit's path), a file, FILE:LINE for a JSON Lines record or FILE:N for the Nth record of a feed or WARC file, or ARCHIVE!MEMBER for a file inside a zip or tar archive. Exit status 1 when no indexed article answers to it."
)]
pub struct ShowArgs {
    /// The article: its id, or PATH[!MEMBER][:LINE]
    #[arg(value_name = "ID|PATH[:LINE]")]
    pub article: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print the article as one JSON object (the text in "body")
    #[arg(long)]
    pub json: bool,
    /// Mark this query's words in the title and body (colour on a terminal; "body_html"
    /// with <b>…</b> in JSON)
    #[arg(long, value_name = "QUERY", allow_hyphen_values = true)]
    pub highlight: Option<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Several queries are counted side by side: `dateline facets oil gas` lists each \
facet's values for each query, one row per query (--json: {\"series\": [{\"label\", \"query\", \
\"total_hits\", \"facets\"}]}). One query keeps its own output."
)]
pub struct FacetsArgs {
    /// The query (as for `dateline search`: counts the articles with every word unless it
    /// says OR; * for every article)
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    /// More queries, counted side by side with the first (one starting with - goes after --)
    #[arg(value_name = "QUERY")]
    pub more: Vec<String>,
    /// Name a query in the output (repeat: one per query, in order; default: its text)
    #[arg(long, value_name = "NAME")]
    pub label: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Values to list per facet
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Print as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Count on a SphinxQL engine (Sphinx, Manticore) holding `dateline export --to
    /// manticore` instead of the local index, e.g. sphinxql://127.0.0.1:9306/news
    #[arg(long, value_name = "URL")]
    pub engine: Option<EngineUrl>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Periods with no matching articles are shown as zero. Weeks run from \
Monday to Sunday and are labelled with the Monday. Articles without a date are counted \
separately. The query syntax is the same as for `dateline search`.\n\n\
Each period also counts all: every dated article in it under the same filters (--from, --to, \
--author, --place, --source), whatever the words; share is count / all (0 when all is 0). The \
chart draws the share, the count beside it; --scale count draws counts.\n\n\
Several queries are drawn side by side on the same periods, one row each per period, each in \
its colour (`dateline timeline oil gas --label Oil --label Gas`); --split gives one query a \
series per top value of a facet among its matches, plus \"other\" for the rest. --json then \
prints {\"by\", \"series\": [{\"label\", \"query\", \"total\", \"undated\", \"periods\"}]}, and \
--csv one row per series and period: label,query,period,count,all,share."
)]
pub struct TimelineArgs {
    /// The query (as for search: counts the articles with every word unless it says OR; *
    /// for every article)
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    /// More queries, drawn side by side with the first (one starting with - goes after --)
    #[arg(value_name = "QUERY")]
    pub more: Vec<String>,
    /// Name a query in the output (repeat: one per query, in order; default: its text)
    #[arg(long, value_name = "NAME", conflicts_with = "split")]
    pub label: Vec<String>,
    /// Draw each period's share of all articles (default) or its count of matches
    #[arg(long, value_name = "SCALE", default_value_t = Scale::Share, value_parser = parse_scale)]
    pub scale: Scale,
    /// One series per top value of this facet among the matches: source, place, author or
    /// collection
    #[arg(long, value_name = "FACET", value_parser = parse_split)]
    pub split: Option<Split>,
    /// With --split: how many values get a series of their own; the rest are "other"
    #[arg(long, value_name = "N", default_value_t = DEFAULT_TOP, value_parser = parse_top,
          requires = "split")]
    pub top: usize,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// One bar per day, week, month or year (default: chosen from the span of the matches)
    #[arg(long, value_name = "PERIOD", value_parser = parse_period)]
    pub by: Option<Period>,
    /// Print {"query", "by", "total", "undated", "periods": [{"start", "count", "all",
    /// "share"}]} as JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: a start,count,all,share header and one row per period
    #[arg(long)]
    pub csv: bool,
    /// Count on a SphinxQL engine (Sphinx, Manticore) holding `dateline export --to
    /// manticore` instead of the local index, e.g. sphinxql://127.0.0.1:9306/news
    #[arg(long, value_name = "URL", conflicts_with = "split")]
    pub engine: Option<EngineUrl>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "FREQUENT: the words and two-word phrases in most of the matching articles. \
DISTINCTIVE: those most over-represented in them, against the rest of the archive or the \
--versus matches (less the query's own), scored with Dunning's log-likelihood ratio (G²) over \
article counts; only terms more common in the matches than in the background, in at least 3 \
matching articles (and 1 in 200 of those read). Words are grouped by stem and shown as most \
often written; stop words, numbers, one-letter words and the query's own words are left out. \
A phrase is two words with only a space (or hyphen) between them; it replaces a word it \
accompanies in 3 of 4 articles, and is left out when one of its words ranks above it. Past \
5,000 matches a random sample of 5,000 is read (the same each time; JSON says \"sampled\"), \
and a phrase's background is a sample of the background as large. Exit status 1 when nothing \
matches."
)]
pub struct TermsArgs {
    /// The query (as for search; * for every article)
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Compare with the articles this query matches (the filters apply to it too) instead of
    /// the whole archive
    #[arg(long, value_name = "QUERY", allow_hyphen_values = true)]
    pub versus: Option<String>,
    /// Terms per list
    #[arg(long, short = 'n', value_name = "N", default_value_t = dateline::terms::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Print {"query", "matches", "sampled", "frequent": [{"term", "count"}], "distinctive":
    /// [{"term", "score", "matches", "background"}], ...} as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Prints the URL as the first line of standard output. Pages: / (search), \
/article/ID, /compare (up to five queries side by side; CSV of each panel). API: /api/search, /api/timeline, /api/facets, /api/terms, /api/article/ID, /api/similar/ID, \
/api/export?format=csv|jsonl|ris|csljson, /healthz; parameters as the flags of the commands of those names."
)]
pub struct ServeArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Address and port to listen on (port 0 picks a free one); anything but a loopback
    /// address lets the whole network read the archive
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:7700")]
    pub addr: std::net::SocketAddr,
    /// Listen on this port of the loopback address (short for --addr 127.0.0.1:PORT)
    #[arg(long, value_name = "PORT", conflicts_with = "addr")]
    pub port: Option<u16>,
    /// Searches run at once (default: one per core); more wait briefly, then get 503
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub max_searches: usize,
    /// Seconds one search may take before its request gets 503
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub time_limit: f64,
    /// Milliseconds a request waits for a turn to search before it gets 503
    #[arg(long, value_name = "MS", default_value_t = 1000, hide = true)]
    pub queue_wait_ms: u64,
    /// Milliseconds a connection may send nothing, or take over a request's header, before
    /// it is closed
    #[arg(long, value_name = "MS", default_value_t = 5000, hide = true)]
    pub header_timeout_ms: u64,
    /// Megabytes of search answers kept for requests that repeat them (a page, its pages,
    /// the back button), until the next commit; 0 keeps none
    #[arg(long, value_name = "MB", default_value_t = 64)]
    pub cache_mb: u64,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Reads the folders named (as `dateline index` reads them, problems \
reported the same way), or else the index's stored articles. Every article becomes one \
document: id, title, authors, date (RFC 3339), place, source, url, path, member, record, line, \
body; a value an article lacks is null. The id is the one `dateline search --json` shows, and \
the _bulk action's _id, so loading an export into OpenSearch again replaces documents instead of \
adding copies (Quickwit has no update by id: clear its index first). \
The engines' configs for these documents are in deploy/quickwit and deploy/opensearch.\n\n\
--split-mb defaults to 10 for both engines: OpenSearch advises _bulk requests of about 5-15 MB \
(and refuses one over http.max_content_length, 100 MB by default), and Quickwit's ingest API \
takes at most 10 MB a request. An OpenSearch action is never parted from its document, and an \
article larger than the limit gets a file of its own.\n\n\
--to manticore writes xmlpipe2 for Sphinx 2.2 or Manticore: --out DIR gets news_0.xml ... \
news_{N-1}.xml for --shards N, an article going to shard (its id's number) mod N, with document \
id that number. deploy/manticore holds the tables' config and cluster.sh, which builds and \
starts a local cluster from such a folder.\n\n\
Exit status: 0 when articles were exported, 1 when there were none, 2 on an error."
)]
pub struct ExportArgs {
    /// The engine to write for: quickwit (one document a line, for `quickwit index ingest`),
    /// opensearch (`_bulk` action and document lines) or manticore (xmlpipe2 shards, for
    /// Sphinx 2.2 or Manticore's `indexer`; needs --out)
    #[arg(long, value_name = "ENGINE", value_parser = engine())]
    pub to: Engine,
    /// Folders of articles to read, as `dateline index` reads them (default: the index's
    /// stored articles)
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Index folder to read the stored articles from [default: index]
    #[arg(long, value_name = "PATH", conflicts_with = "dirs")]
    pub index: Option<PathBuf>,
    /// Write files DIR/NAME-00001.ndjson, ... instead of standard output
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With --out: start a new file before one would pass this many MB [default: 10]
    #[arg(long, value_name = "MB", requires = "out",
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub split_mb: Option<u64>,
    /// The OpenSearch index the _bulk actions name, and the files' NAME
    #[arg(long, value_name = "NAME", default_value = dateline::cluster::DEFAULT_INDEX_NAME,
          value_parser = index_name)]
    pub index_name: String,
    /// From folders: skip (and report) articles larger than this, as `dateline index` does
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MAX_ARTICLE_MB,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_article_mb: u64,
    /// With --to manticore: how many shard files (news_0.xml ...) to write, one per agent
    /// [default: 1]
    #[arg(long, value_name = "N", requires = "out",
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub shards: Option<u32>,
}

/// `--to`: the engine an export is for.
fn engine() -> impl TypedValueParser<Value = Engine> {
    PossibleValuesParser::new(Engine::NAMES).try_map(|word| word.parse::<Engine>())
}

/// Reads `--index-name`: a name both engines accept (and a safe file name).
fn index_name(text: &str) -> Result<String, BadValue> {
    let ok = (3..=200).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(text.to_string())
    } else {
        Err(BadValue(format!(
            "invalid index name '{text}' for --index-name: use 3 to 200 lower-case letters, \
             digits, - or _, starting with a letter (e.g. dateline-news)"
        )))
    }
}

/// `--sort`: the order of results.
fn sort_order() -> impl TypedValueParser<Value = SortOrder> {
    PossibleValuesParser::new(SortOrder::NAMES).try_map(|word| word.parse::<SortOrder>())
}

/// `--format`: what `search --format` writes.
fn format() -> impl TypedValueParser<Value = Format> {
    let help = |format: Format| match format {
        Format::Csv => "A header row, then one row per article (authors joined with \"; \")",
        Format::Jsonl => "One JSON object per line (authors as an array)",
        Format::Ris => {
            "A RIS citation record per article (TY  - NEWS), for Zotero, EndNote, Mendeley"
        }
        Format::Csljson => "CSL-JSON: an array of article-newspaper items, for pandoc --citeproc",
    };
    let values = [Format::Csv, Format::Jsonl, Format::Ris, Format::Csljson]
        .map(|f| PossibleValue::new(f.name()).help(help(f)));
    PossibleValuesParser::new(values).try_map(|word| word.parse::<Format>())
}

/// A flag's value that one of our parsers refused, with the fix in one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue(String);

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadValue {}

/// Reads a `--from`/`--to` day, month or year; `end` takes its last day (`--to 2017-03` is
/// 2017-03-31), otherwise its first.
pub fn parse_cli_day(text: &str, flag: &str, end: bool) -> Result<NaiveDate, BadValue> {
    parse_day_bound(text, flag, end).map_err(BadValue)
}

/// `--collection NAME` for `dateline index`: a name, its spaces trimmed.
fn collection_name(text: &str) -> Result<String, BadValue> {
    let name = text.trim();
    if name.is_empty() {
        return Err(BadValue(
            "--collection needs a name: e.g. --collection bbc".into(),
        ));
    }
    Ok(name.to_string())
}

/// Reads `--count LABEL=QUERY`, as [`Count`]'s `FromStr` does.
fn count_column(text: &str) -> Result<Count, BadValue> {
    text.parse()
        .map_err(|err: dateline::export::BadCount| BadValue(err.message("--count")))
}

fn from_day(text: &str) -> Result<NaiveDate, BadValue> {
    parse_cli_day(text, "--from", false)
}

fn to_day(text: &str) -> Result<NaiveDate, BadValue> {
    parse_cli_day(text, "--to", true)
}

/// Reads `--by`, as [`Period`]'s `FromStr` does.
pub fn parse_period(text: &str) -> Result<Period, BadValue> {
    text.parse()
        .map_err(|err: dateline::choice::UnknownChoice| BadValue(err.message("--by")))
}

/// Reads `--scale`, as [`Scale`]'s `FromStr` does.
pub fn parse_scale(text: &str) -> Result<Scale, BadValue> {
    text.parse()
        .map_err(|err: dateline::choice::UnknownChoice| BadValue(err.message("--scale")))
}

/// Reads `--split`, as [`Split`]'s `FromStr` does.
pub fn parse_split(text: &str) -> Result<Split, BadValue> {
    text.parse()
        .map_err(|err: dateline::choice::UnknownChoice| BadValue(err.message("--split")))
}

/// Reads `--top`: at least one value gets a series (with none, "other" would be the whole
/// query, which `timeline` without `--split` already draws), and a bounded number.
fn parse_top(text: &str) -> Result<usize, BadValue> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_TOP).contains(&n) => Ok(n),
        _ => Err(BadValue(format!(
            "invalid --top '{text}': give 1 to {MAX_TOP} (the values past them are counted as \
             other)"
        ))),
    }
}

/// The message of a value our own parsers refused (`--by fortnight`, `--from March`), which
/// `main` reports as it reports every error: `dateline: ` and one line that gives the fix.
/// None for clap's own usage errors, help and version, which clap prints itself.
pub fn refused_value(err: &clap::Error) -> Option<String> {
    if err.kind() != ErrorKind::ValueValidation {
        return None;
    }
    std::error::Error::source(err)
        .and_then(|e| e.downcast_ref::<BadValue>())
        .map(ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn cli_days() {
        assert_eq!(
            parse_cli_day("2017-03", "--to", true).unwrap(),
            d(2017, 3, 31)
        );
        assert_eq!(
            parse_cli_day("2017-03", "--from", false).unwrap(),
            d(2017, 3, 1)
        );
        let err = parse_cli_day("March", "--from", false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--from") && err.contains("YYYY-MM-DD"),
            "{err}"
        );
    }

    #[test]
    fn by_values() {
        assert_eq!(parse_period("Month").unwrap(), Period::Month);
        assert_eq!(parse_period("weekly").unwrap(), Period::Week);
        let err = parse_period("fortnight").unwrap_err().to_string();
        assert!(err.contains("day, week, month or year"), "{err}");
    }

    #[test]
    fn refused_values_keep_their_own_message() {
        let err =
            Cli::try_parse_from(["dateline", "timeline", "x", "--by", "fortnight"]).unwrap_err();
        let message = refused_value(&err).unwrap();
        assert_eq!(
            message,
            "invalid --by 'fortnight': use day, week, month or year"
        );
        // clap's own errors are left to clap.
        let err = Cli::try_parse_from(["dateline", "search", "x", "--limit", "many"]).unwrap_err();
        assert_eq!(refused_value(&err), None);
    }
}
