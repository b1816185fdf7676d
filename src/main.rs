//! dateline: full-text search for news archives.

mod article;
mod cli;
mod commands;
mod index_dir;
mod indexer;
mod output;
mod problems;
mod query;
mod schema;
mod search;
mod snippet;
mod walk;

use clap::Parser;

use cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index(args) => commands::index(args),
        Command::Search(args) => commands::search(args),
    };
    if let Err(err) = result {
        eprintln!("dateline: {}", index_dir::one_line(&format!("{err:#}")));
        std::process::exit(1);
    }
}
