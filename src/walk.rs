//! Walking archive folders for article files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::{DirEntry, WalkDir};

use crate::article::{self, FileKind};
use crate::problems::Problem;

/// An article file found on disk, with what incremental indexing compares.
#[derive(Debug, Clone)]
pub struct FoundFile {
    pub path: PathBuf,
    /// The file's identity in the index: a hash of its absolute path.
    pub id: u64,
    pub kind: FileKind,
    pub size: u64,
    pub mtime_ns: i64,
}

impl FoundFile {
    pub fn key(&self) -> String {
        path_key(&self.path)
    }
}

/// What the walk found so far, handed over a batch at a time so that memory stays bounded
/// however large the archive.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<FoundFile>,
    pub problems: Vec<Problem>,
}

/// Files stat-ed and handed over together.
const BATCH: usize = 4096;

fn is_hidden(entry: &DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
}

/// A file's absolute path as text.
pub fn path_key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The identity of a file (or folder) in the index: a 64-bit hash of its absolute path.
/// Numbers keep the term dictionary and the incremental bookkeeping small; a collision
/// between two paths of one archive is vanishingly unlikely (about 1 in 10^7 for a million
/// files).
pub fn path_id(path: &Path) -> u64 {
    xxhash_rust::xxh3::xxh3_64(path.as_os_str().as_encoded_bytes())
}

pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A file seen by the walk, before it is stat-ed.
struct Candidate {
    path: PathBuf,
    kind: FileKind,
}

/// Walks `root` (absolute), handing `sink` the article files found, stat-ed, a batch at a
/// time, with the problems met. Folders are read in order; each batch of files is stat-ed
/// in parallel, since on a large archive that is most of a no-op run's time. Symbolic links
/// are followed, with loops reported rather than followed forever; hidden files and folders
/// are skipped and reported.
pub fn walk(root: &Path, sink: &mut dyn FnMut(Walk)) {
    // Listing folders is one thread's work (readdir), stat-ing is spread over the cores:
    // run them as a pipeline so that the next folders are listed while a batch is stat-ed
    // (no-op re-index at 10x: 0.50-0.62 s -> 0.48-0.49 s).
    let (listed_tx, listed_rx) = std::sync::mpsc::sync_channel::<Listed>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut entered = HashSet::new();
            if let Ok(canonical) = root.canonicalize() {
                entered.insert(canonical);
            }
            let mut batch = Batch {
                listed: Listed::default(),
                out: listed_tx,
            };
            list(root, &mut batch, &mut entered);
            batch.flush();
        });
        for listed in listed_rx {
            let out = stat_batch(listed);
            if !out.files.is_empty() || !out.problems.is_empty() {
                sink(out);
            }
        }
    });
}

/// Files listed and problems met, not yet stat-ed.
#[derive(Default)]
struct Listed {
    candidates: Vec<Candidate>,
    problems: Vec<Problem>,
}

struct Batch {
    listed: Listed,
    out: std::sync::mpsc::SyncSender<Listed>,
}

impl Batch {
    fn push(&mut self, c: Candidate) {
        self.listed.candidates.push(c);
        if self.listed.candidates.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let listed = std::mem::take(&mut self.listed);
        // The receiver only goes away if the walk's consumer panicked.
        let _ = self.out.send(listed);
    }
}

fn stat_batch(listed: Listed) -> Walk {
    let stats: Vec<Result<FoundFile, Problem>> = listed
        .candidates
        .into_par_iter()
        .map(|c| match std::fs::metadata(&c.path) {
            Ok(meta) => Ok(FoundFile {
                id: path_id(&c.path),
                path: c.path,
                kind: c.kind,
                size: meta.len(),
                mtime_ns: mtime_ns(&meta),
            }),
            Err(err) => Err(Problem::skipped(
                path_key(&c.path),
                format!("cannot read: {err}"),
            )),
        })
        .collect();
    let mut out = Walk {
        files: Vec::with_capacity(stats.len()),
        problems: listed.problems,
    };
    for s in stats {
        match s {
            Ok(f) => out.files.push(f),
            Err(p) => out.problems.push(p),
        }
    }
    out
}

fn list(root: &Path, out: &mut Batch, entered: &mut HashSet<PathBuf>) {
    // Not following links here lets walkdir use the file types readdir already knows,
    // instead of a stat per entry; links are resolved below, one by one.
    let mut it = WalkDir::new(root).follow_links(false).into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().map(path_key).unwrap_or_else(|| path_key(root));
                let reason = match err.io_error() {
                    Some(io) => format!("cannot read: {io}"),
                    None => err.to_string(),
                };
                out.listed.problems.push(Problem::skipped(path, reason));
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
            out.listed
                .problems
                .push(Problem::skipped(path_key(entry.path()), what));
            continue;
        }
        let mut file_type = entry.file_type();
        if file_type.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(meta) if meta.is_dir() => {
                    let target = match entry.path().canonicalize() {
                        Ok(t) => t,
                        Err(e) => {
                            out.listed.problems.push(Problem::skipped(
                                path_key(entry.path()),
                                format!("cannot follow link: {e}"),
                            ));
                            continue;
                        }
                    };
                    let parent = entry.path().parent().and_then(|p| p.canonicalize().ok());
                    if parent.is_some_and(|p| p.starts_with(&target)) {
                        out.listed.problems.push(Problem::skipped(
                            path_key(entry.path()),
                            "symbolic link loop, not followed",
                        ));
                    } else if entered.iter().any(|e| target.starts_with(e)) {
                        // Its files are read under their own path already.
                        out.listed.problems.push(Problem::skipped(
                            path_key(entry.path()),
                            "link to a folder that is already read, not followed",
                        ));
                    } else {
                        entered.insert(target);
                        list(entry.path(), out, entered);
                    }
                    continue;
                }
                Ok(meta) => file_type = meta.file_type(),
                Err(e) => {
                    out.listed.problems.push(Problem::skipped(
                        path_key(entry.path()),
                        format!("broken link: {e}"),
                    ));
                    continue;
                }
            }
        }
        if !file_type.is_file() {
            continue;
        }
        match article::kind_of(entry.path()) {
            Some(kind) => out.push(Candidate {
                path: entry.into_path(),
                kind,
            }),
            None => {
                let reason = match entry.path().extension() {
                    Some(ext) => format!(
                        "not an article file (.{}; dateline reads .txt, .jsonl and .ndjson)",
                        ext.to_string_lossy()
                    ),
                    None => "not an article file (no extension; dateline reads .txt, .jsonl and .ndjson)"
                        .to_string(),
                };
                out.listed
                    .problems
                    .push(Problem::skipped(path_key(entry.path()), reason));
            }
        }
    }
}
