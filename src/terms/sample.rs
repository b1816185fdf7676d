//! Which matches `terms` reads: a uniform sample chosen by a hash of each article's id, and
//! the background read in runs of neighbouring articles.

use super::*;

/// The `n` articles with the lowest sampling keys (all when there are no more than `n`),
/// in store order.
pub(super) fn sample(mut keyed: Vec<(u64, DocAddress)>, n: usize) -> Vec<DocAddress> {
    if keyed.len() > n {
        if n == 0 {
            return Vec::new();
        }
        keyed.select_nth_unstable(n - 1);
        keyed.truncate(n);
    }
    let mut addresses: Vec<DocAddress> = keyed.into_iter().map(|k| k.1).collect();
    addresses.sort_unstable();
    addresses
}

/// Articles read together for the archive's sample: neighbours in the store share its
/// compressed blocks, so a run costs about one block's decompression where as many
/// articles picked one by one would cost one each.
pub(super) const RUN: u32 = 16;

/// About `n` articles of the archive outside `skip`, in store order: every live article of
/// runs of [`RUN`] neighbours, the runs picked at random (by a hash of where they start,
/// so the same archive gives the same sample). A random sample of runs rather than of
/// articles: each run's articles are of one time, but every article is as likely to be read.
pub(super) fn sample_runs(
    searcher: &Searcher,
    n: usize,
    skip: &HashSet<DocAddress, RandomState>,
) -> Vec<DocAddress> {
    let mut runs: Vec<(u64, SegmentOrdinal, DocId)> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let ord = ord as SegmentOrdinal;
        for start in (0..segment.max_doc()).step_by(RUN as usize) {
            let at = (u64::from(ord) << 32) | u64::from(start);
            let key = xxhash_rust::xxh3::xxh3_64_with_seed(&at.to_le_bytes(), SAMPLE_SEED);
            runs.push((key, ord, start));
        }
    }
    runs.sort_unstable();
    let mut out = Vec::with_capacity(n + RUN as usize);
    for (_, ord, start) in runs {
        if out.len() >= n {
            break;
        }
        let segment = searcher.segment_reader(ord);
        let alive = segment.alive_bitset();
        for doc in start..(start + RUN).min(segment.max_doc()) {
            let address = DocAddress::new(ord, doc);
            if alive.is_none_or(|a| a.is_alive(doc)) && !skip.contains(&address) {
                out.push(address);
            }
        }
    }
    out.sort_unstable();
    out
}

/// Collects every match's address with its sampling key: a hash of the article's id, so a
/// sample is the same whatever the segments, and the same for the same query.
pub(super) struct KeyedMatches;

pub(super) struct KeyedSegment {
    pub(super) ids: Column<u64>,
    pub(super) segment: SegmentOrdinal,
    pub(super) out: Vec<(u64, DocAddress)>,
}

impl Collector for KeyedMatches {
    type Fruit = Vec<(u64, DocAddress)>;
    type Child = KeyedSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<KeyedSegment> {
        Ok(KeyedSegment {
            ids: reader.fast_fields().u64(schema::ID)?,
            segment,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for KeyedSegment {
    type Fruit = Vec<(u64, DocAddress)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let id = self
            .ids
            .first(doc)
            .unwrap_or((u64::from(self.segment) << 32) | u64::from(doc));
        let key = xxhash_rust::xxh3::xxh3_64_with_seed(&id.to_le_bytes(), SAMPLE_SEED);
        self.out.push((key, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.out
    }
}
