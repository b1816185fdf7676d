//! Walking archive folders for article files.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use walkdir::{DirEntry, WalkDir};

use crate::article::{self, FileKind};
use crate::problems::Problem;

/// An article file found on disk, with what incremental indexing compares.
#[derive(Debug, Clone)]
pub struct FoundFile {
    pub path: PathBuf,
    pub key: String,
    pub kind: FileKind,
    pub size: u64,
    pub mtime_ns: i64,
}

#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<FoundFile>,
    pub problems: Vec<Problem>,
}

fn is_hidden(entry: &DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
}

/// The identity of a file in the index: its absolute path as text.
pub fn path_key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Lists the article files under `root` (absolute). Symbolic links are followed, with loops
/// reported rather than followed forever; hidden files and folders are skipped and reported.
pub fn walk(root: &Path, out: &mut Walk) {
    let mut it = WalkDir::new(root).follow_links(true).into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().map(path_key).unwrap_or_else(|| path_key(root));
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop, not followed".to_string()
                } else {
                    match err.io_error() {
                        Some(io) => format!("cannot read: {io}"),
                        None => err.to_string(),
                    }
                };
                out.problems.push(Problem::skipped(path, reason));
                continue;
            }
        };
        if is_hidden(&entry) {
            let what = if entry.file_type().is_dir() {
                it.skip_current_dir();
                "hidden folder"
            } else {
                "hidden file"
            };
            out.problems
                .push(Problem::skipped(path_key(entry.path()), what));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(kind) = article::kind_of(entry.path()) else {
            let reason = match entry.path().extension() {
                Some(ext) => format!(
                    "not an article file (.{}; dateline reads .txt, .jsonl and .ndjson)",
                    ext.to_string_lossy()
                ),
                None => {
                    "not an article file (no extension; dateline reads .txt, .jsonl and .ndjson)"
                        .to_string()
                }
            };
            out.problems
                .push(Problem::skipped(path_key(entry.path()), reason));
            continue;
        };
        match entry.metadata() {
            Ok(meta) => out.files.push(FoundFile {
                key: path_key(entry.path()),
                path: entry.into_path(),
                kind,
                size: meta.len(),
                mtime_ns: mtime_ns(&meta),
            }),
            Err(err) => out.problems.push(Problem::skipped(
                path_key(entry.path()),
                format!("cannot read: {err}"),
            )),
        }
    }
}
