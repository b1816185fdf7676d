//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::indexer::{DEFAULT_MAX_ARTICLE_MB, DEFAULT_MEMORY_MB};
use crate::search::SortOrder;

pub const DEFAULT_INDEX: &str = "index";

#[derive(Debug, Parser)]
#[command(
    name = "dateline",
    version,
    about = "Full-text search for news archives",
    long_about = "dateline indexes folders of news articles (plain-text exports and JSON Lines) \
                  and searches them with ranked, highlighted results.\n\n\
                  Start with `dateline index ARCHIVE_FOLDER`, then `dateline search \"words\"`."
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
    /// Count matching articles per day, week, month or year, drawn as a bar chart
    Timeline(TimelineArgs),
}

#[derive(Debug, Args)]
pub struct IndexLocation {
    /// Index folder
    #[arg(long, value_name = "PATH", default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Run again at any time: only new, changed and removed files are processed.\n\
With no DIR, the folders the index was built from are read again (./corpus for a new index)."
)]
pub struct IndexArgs {
    /// Folders of articles (.txt, .jsonl, .ndjson); added to the folders the index remembers
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
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
    /// Skip (and report) articles larger than this: a .txt file, or one JSON Lines record
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
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only articles dated on or before this day (YYYY-MM-DD, YYYY-MM or YYYY)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only articles by this author (whole name, any case; repeat for any of several)
    #[arg(long, value_name = "NAME")]
    pub author: Vec<String>,
    /// Only articles datelined at this place (e.g. TOKYO; any case; repeatable)
    #[arg(long, value_name = "PLACE")]
    pub place: Vec<String>,
    /// Only articles from this source named in the dateline (any case; repeatable)
    #[arg(long, value_name = "SOURCE")]
    pub source: Vec<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Query syntax:
  THAAD South Korea             any of the words; articles with more of them rank higher
  +THAAD +Korea -Japan          require or exclude words (also AND, OR, NOT)
  \"South Korea\"                 a phrase
  title:thaad author:oki body:missile place:tokyo source:reuters
  date:2017-03-17  date:2017-03  date:2017
  date:[2017-03-01 TO 2017-03-31]  date:>=2017-03-01  date:<2017
  *                             every article")]
pub struct SearchArgs {
    /// The query (see below)
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Number of results to show
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Results to skip (for paging)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// Result order
    #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
    pub sort: SortOrder,
    /// Print results as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Longest snippet, in characters
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub snippet_chars: usize,
    /// Also count the top authors, sources and places among all matches
    #[arg(long)]
    pub facets: bool,
    /// Show every copy of a story as its own hit (by default copies fold into the earliest)
    #[arg(long)]
    pub all_copies: bool,
    /// Write every match (not one page; --limit and --offset are ignored) as CSV or JSON Lines
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with_all = ["json", "timeline"])]
    pub format: Option<crate::export::Format>,
    /// Show a one-line sparkline of the matches over time above the results
    #[arg(long)]
    pub timeline: bool,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// An indexed article: its file, or FILE:LINE for a JSON Lines record
    #[arg(value_name = "PATH[:LINE]")]
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
pub struct FacetsArgs {
    /// The query (as for `dateline search`; * for every article)
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
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
}

#[derive(Debug, Args)]
#[command(
    after_help = "Periods with no matching articles are shown as zero. Weeks run from \
Monday to Sunday and are labelled with the Monday. Articles without a date are counted \
separately. The query syntax is the same as for `dateline search`."
)]
pub struct TimelineArgs {
    /// The query (as for search; * for every article)
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// One bar per day, week, month or year (default: chosen from the span of the matches)
    #[arg(long, value_name = "PERIOD")]
    pub by: Option<String>,
    /// Print {"query", "by", "total", "undated", "periods": [{"start", "count"}]} as JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: a start,count header and one row per period
    #[arg(long)]
    pub csv: bool,
}
