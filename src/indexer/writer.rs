//! The index writer: sized to the memory budget, committing with the run's record, and
//! the one line a failed write ends the run with.

use std::path::Path;

use anyhow::{bail, Result};
use tantivy::{IndexWriter, TantivyError};

use crate::index_dir::{self, Meta, OpenIndex};
use crate::merge::BudgetMergePolicy;
use crate::pending::BudgetedDoc;

use super::Options;

/// tantivy's writer, taking documents that hold their share of [`Pending`]'s cap.
pub(super) type Writer = IndexWriter<BudgetedDoc>;

/// tantivy refuses less than this per indexing thread.
pub(super) const MIN_MB_PER_THREAD: usize = 16;
/// ... and this much or more (its limit is just under 4 GB).
pub(super) const MAX_MB_PER_THREAD: usize = 4095;

pub(super) fn writer_for(open: &OpenIndex, opts: &Options) -> Result<Writer> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let wanted = if opts.threads == 0 {
        cores
    } else {
        opts.threads
    };
    let memory_mb = opts.memory_mb.max(MIN_MB_PER_THREAD);
    let threads = wanted.clamp(1, (memory_mb / MIN_MB_PER_THREAD).max(1));
    if memory_mb / threads > MAX_MB_PER_THREAD {
        bail!(
            "--memory {} is more than {} indexing thread{} can use: pass at most --memory {} \
             (or more --threads)",
            opts.memory_mb,
            threads,
            if threads == 1 { "" } else { "s" },
            MAX_MB_PER_THREAD * threads
        );
    }
    let writer = open
        .index
        .writer_with_num_threads(threads, memory_mb << 20)
        .map_err(|e| index_dir::writer_error(&open.path, e))?;
    writer.set_merge_policy(Box::new(BudgetMergePolicy::new(
        open.path.clone(),
        ((memory_mb as u64) << 20) / MERGE_SHARE,
    )));
    Ok(writer)
}

/// Article text waiting in tantivy's queue, and files read ahead of the indexing thread,
/// may each take this share of the memory budget, and at least [`MIN_PENDING_MB`]:
/// ordinary articles never wait, large ones wait their turn.
pub(super) const PENDING_SHARE: u64 = 8;
pub(super) const MIN_PENDING_MB: u64 = 16;

pub(super) fn pending_cap(memory_mb: usize) -> u64 {
    ((memory_mb as u64) / PENDING_SHARE).max(MIN_PENDING_MB) << 20
}

/// A merge may read this share of the memory budget's worth of index.
pub(super) const MERGE_SHARE: u64 = 4;

/// tantivy's writer refuses documents once one of its threads died ("an index writer was
/// killed"); the reason (a full disk, an I/O error) is what that thread returned, which
/// joining the threads, as preparing a commit does, brings out. The prepared commit is
/// dropped unused: nothing is committed.
pub(super) fn worker_error(writer: &mut Writer, refused: TantivyError) -> TantivyError {
    match writer.prepare_commit() {
        Err(e) => e,
        Ok(_) => refused,
    }
}

/// The one line a failed write of the index ends the run with: which disk, what to do, and
/// that nothing committed was lost (tantivy only ever replaces `meta.json` whole).
pub(super) fn write_failed(target: &Path, err: impl Into<anyhow::Error>) -> anyhow::Error {
    let err: anyhow::Error = err.into();
    if err.chain().any(is_disk_full) {
        return anyhow::anyhow!(
            "no space left on device while writing the index at {}: free some space and run \
             dateline index again (the index as of the last commit is intact)",
            target.display()
        );
    }
    let reason = err
        .chain()
        .last()
        .map(|e| index_dir::one_line(&e))
        .unwrap_or_default();
    anyhow::anyhow!(
        "cannot write the index at {}: {}; run dateline index again once that is fixed (the \
         index as of the last commit is intact)",
        target.display(),
        reason.trim_start_matches("Internal error: ")
    )
}

/// A full disk (or quota), however tantivy passed it on: some of its threads keep only the
/// I/O error's text.
fn is_disk_full(e: &(dyn std::error::Error + 'static)) -> bool {
    let full = |io: &std::io::Error| {
        io.kind() == std::io::ErrorKind::StorageFull
            || io.kind() == std::io::ErrorKind::QuotaExceeded
    };
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        if full(io) {
            return true;
        }
    }
    if let Some(TantivyError::IoError(io)) = e.downcast_ref::<TantivyError>() {
        if full(io) {
            return true;
        }
    }
    let text = e.to_string();
    text.contains("No space left on device") || text.contains("Disk quota exceeded")
}

/// Removes the index files no commit refers to: what a failed or killed run wrote after its
/// last commit (segments, merges), which would otherwise take the space the next run needs.
/// tantivy itself only does this after a commit. `writer` holds the index's lock, so no
/// other run is writing files of its own.
pub(super) fn collect_garbage<D: tantivy::Document>(
    writer: &IndexWriter<D>,
    target: &Path,
) -> Result<()> {
    writer
        .garbage_collect_files()
        .wait()
        .map_err(|e| write_failed(target, e))?;
    Ok(())
}

pub(super) fn commit(writer: &mut Writer, meta: &Meta, target: &Path) -> Result<()> {
    let payload = serde_json::to_string(meta)?;
    let mut prepared = writer
        .prepare_commit()
        .map_err(|e| write_failed(target, e))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|e| write_failed(target, e))?;
    Ok(())
}
