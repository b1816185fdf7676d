//! Reading folders of articles: walking them ([`walk`]), then opening, checking, hashing
//! and parsing each file found ([`file`]), whole or, for a large JSON Lines file, an
//! archive or a large news XML file, in pieces ([`pieces`]).
//!
//! `dateline index` reads with these (the indexer compares what the walk finds with the
//! index and adds what changed); `dateline export` reads every article of the folders with
//! [`read_folders`]. What a file's bytes mean is the readers' business, in `article`.

pub mod file;
mod folders;
pub mod pieces;
pub mod walk;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

pub use folders::{read_folders, ReadCounts};
pub use walk::{path_key, FoundFile};

/// A folder named on the command line (or remembered by the index), checked and made
/// absolute: files and folders are known by their absolute paths.
pub fn absolute(dir: &Path) -> Result<PathBuf> {
    let meta = std::fs::metadata(dir).with_context(|| {
        format!(
            "cannot read folder {}: check the path (dateline index FOLDER)",
            dir.display()
        )
    })?;
    if !meta.is_dir() {
        bail!(
            "{} is not a folder: pass the folder that holds the articles",
            dir.display()
        );
    }
    dir.canonicalize()
        .with_context(|| format!("resolving {}", dir.display()))
}
