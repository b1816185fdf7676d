//! Which segments are merged, and how large a merge may be.
//!
//! Each indexing thread writes a segment when its share of the memory budget (`--memory`) is
//! full, or earlier when a commit cuts it short. tantivy's default policy merges any eight
//! segments of a similar size, so as an archive grows, merges of ever larger segments run
//! next to indexing: they re-encode documents already written, compete with indexing for
//! the cores, and map every file they read into memory, so peak memory grew with the size
//! of the archive.
//!
//! This policy merges only *small* segments (cut short by a commit, or written by an
//! incremental run that added a few files), smallest first, into a segment of at most
//! `max_bytes`: no merge reads more than that. Segments written full are left as they are, so
//! an archive has about one segment per budget's worth of index (a larger `--memory` gives
//! fewer, larger segments). A segment with more than half of its documents deleted is
//! rewritten on its own to drop them.

use std::path::PathBuf;

use tantivy::index::{SegmentComponent, SegmentMeta};
use tantivy::indexer::{MergeCandidate, MergePolicy};

/// Small segments waiting before they are merged: fewer merges, each of more segments.
const MIN_SEGMENTS: usize = 8;

#[derive(Debug, Clone)]
pub struct BudgetMergePolicy {
    /// The index folder, where segment sizes are read.
    dir: PathBuf,
    /// No merge reads (or writes) more than this many bytes of index.
    max_bytes: u64,
}

impl BudgetMergePolicy {
    pub fn new(dir: PathBuf, max_bytes: u64) -> BudgetMergePolicy {
        BudgetMergePolicy { dir, max_bytes }
    }

    /// Bytes of the segment's main files on disk (files that cannot be read count as 0).
    fn bytes(&self, segment: &SegmentMeta) -> u64 {
        [
            SegmentComponent::Store,
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::Terms,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
        ]
        .into_iter()
        .filter_map(|c| std::fs::metadata(self.dir.join(segment.relative_path(c))).ok())
        .map(|m| m.len())
        .sum()
    }
}

impl MergePolicy for BudgetMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut out = Vec::new();
        let mut small = Vec::new();
        for segment in segments {
            if segment.max_doc() > 0 && segment.num_deleted_docs() * 2 > segment.max_doc() {
                out.push(MergeCandidate(vec![segment.id()]));
                continue;
            }
            let bytes = self.bytes(segment);
            if bytes <= self.max_bytes / 2 {
                small.push((bytes, segment.id()));
            }
        }
        small.sort_by_key(|(bytes, _)| *bytes);
        let mut group = Vec::new();
        let mut total = 0u64;
        for (bytes, id) in &small {
            if total + bytes > self.max_bytes {
                break;
            }
            total += bytes;
            group.push(*id);
        }
        // Eight small segments make a merge; so do two or more when small segments pile up
        // that no group of eight fits into the limit.
        if group.len() >= MIN_SEGMENTS || (group.len() >= 2 && small.len() >= 2 * MIN_SEGMENTS) {
            out.push(MergeCandidate(group));
        }
        out
    }
}
