//! dateline: full-text search for news archives.

use clap::Parser;

use dateline::cli::{Cli, Command};
use dateline::{commands, index_dir};

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index(args) => commands::index(args),
        Command::Search(args) => commands::search(args),
        Command::Facets(args) => commands::facets(args),
        Command::Similar(args) => commands::similar(args),
        Command::Timeline(args) => commands::timeline(args),
    };
    if let Err(err) = result {
        eprintln!("dateline: {}", index_dir::one_line(&format!("{err:#}")));
        std::process::exit(1);
    }
}
