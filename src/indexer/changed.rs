//! Which files changed since the index was last updated: the walk's files compared with
//! what the index holds of each, and the new and changed ones sent to be read.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Result;
use crossbeam_channel::Sender;

use crate::pending::Pending;
use crate::problems::Problem;
use crate::read::file::{read_and_send, FileOutcome, Room};
use crate::read::walk::{self, Walk};
use crate::schema;
use crate::schema::ids::{self, IdMap, IdSet};

/// What the index holds for one source file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Indexed {
    pub(super) size: u64,
    pub(super) mtime_ns: i64,
    pub(super) hash: u64,
    /// Id of the folder it was found under.
    pub(super) root: u64,
}

/// Reads, per source file id, what is stored with its documents: fast fields only, so even
/// a million files load quickly and cost no strings.
pub(super) fn indexed_files(searcher: &tantivy::Searcher) -> Result<IdMap<Indexed>> {
    let mut out = IdMap::with_capacity_and_hasher(searcher.num_docs() as usize, Default::default());
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let ids = ff.u64(schema::PATH_ID)?;
        let roots = ff.u64(schema::ROOT_ID)?;
        let sizes = ff.u64(schema::SIZE)?;
        let mtimes = ff.i64(schema::MTIME)?;
        let hashes = ff.u64(schema::HASH)?;
        for doc in segment.doc_ids_alive() {
            let Some(id) = ids.first(doc) else {
                continue;
            };
            out.entry(id).or_insert_with(|| Indexed {
                size: sizes.first(doc).unwrap_or(0),
                mtime_ns: mtimes.first(doc).unwrap_or(0),
                hash: hashes.first(doc).unwrap_or(0),
                root: roots.first(doc).unwrap_or(0),
            });
        }
    }
    Ok(out)
}

/// What the walk reports when it is done.
pub(super) struct WalkResult {
    /// Files found (by id), changed or not.
    pub(super) seen: IdSet,
    /// Files found whose size and modification time match the index: not read.
    pub(super) unchanged: u64,
    pub(super) problems: Vec<Problem>,
    /// Folders that exist and were read.
    pub(super) scanned: Vec<PathBuf>,
}

/// How files are read: the cap on one article, the room shared by files read ahead, and
/// the files read again whatever their size and time say.
#[derive(Clone, Copy)]
pub(super) struct Limits<'a> {
    pub(super) max_article_mb: u64,
    pub(super) read_ahead: &'a Pending,
    pub(super) resume: &'a IdSet,
    /// Folders whose every file is read again (`Meta::relabel`: their collection changed).
    pub(super) relabel: &'a [PathBuf],
}

/// Walks the folders, compares each file with the index, and reads and parses the new and
/// changed ones in parallel, sending them to the indexing thread.
///
/// What the index holds is loaded into `indexed` here, from `searcher`, when the first
/// files have been found: the walk's first batches are listed and stat-ed meanwhile,
/// rather than a no-op run starting with a wait for the load. The searcher is dropped once
/// loaded, so the columns it read do not stay mapped for the rest of the pass.
pub(super) fn walk_and_read(
    scan: &[PathBuf],
    searcher: tantivy::Searcher,
    indexed: &OnceLock<IdMap<Indexed>>,
    stop: &(dyn Fn() -> bool + Sync),
    skip: Option<&Path>,
    limits: Limits<'_>,
    tx: Sender<FileOutcome>,
) -> Result<WalkResult> {
    let room = Room {
        read_ahead: limits.read_ahead,
        stop,
    };
    let in_index = searcher.num_docs();
    // Into an empty index every file is read, and its size and time come from opening it;
    // stat-ing it first would be work thrown away.
    let compare = in_index > 0;
    let mut searcher = Some(searcher);
    let mut result = WalkResult {
        seen: IdSet::with_capacity_and_hasher(in_index as usize, Default::default()),
        unchanged: 0,
        problems: Vec::new(),
        scanned: Vec::new(),
    };
    let mut load_error = None;
    for root in scan {
        if !root.is_dir() {
            result.problems.push(Problem::warning(
                walk::path_key(root),
                "folder no longer exists; its articles stay in the index",
            ));
            continue;
        }
        result.scanned.push(root.clone());
        let root_id = ids::path_id(root);
        let relabel = limits.relabel.contains(root);
        let mut stopped = false;
        walk::walk(root, compare, skip, &mut |batch: Walk| {
            if load_error.is_some() {
                return;
            }
            if let Some(searcher) = searcher.take() {
                match indexed_files(&searcher) {
                    Ok(loaded) => {
                        let _ = indexed.set(loaded);
                    }
                    Err(e) => {
                        load_error = Some(e);
                        return;
                    }
                }
            }
            let Some(indexed) = indexed.get() else {
                return;
            };
            result.problems.extend(batch.problems);
            let mut to_read = Vec::new();
            for file in batch.files {
                // A file under two of the folders is read once.
                if !result.seen.insert(file.id) {
                    continue;
                }
                match indexed.get(&file.id) {
                    Some(old)
                        if old.size == file.size
                            && old.mtime_ns == file.mtime_ns
                            && !relabel
                            && !limits.resume.contains(&file.id) =>
                    {
                        result.unchanged += 1
                    }
                    _ => to_read.push(file),
                }
            }
            if stopped || stop() {
                stopped = true;
                return;
            }
            stopped |= !read_and_send(to_read, root_id, limits.max_article_mb, room, &tx);
        });
        if let Some(e) = load_error {
            return Err(e);
        }
    }
    Ok(result)
}
