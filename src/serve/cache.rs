//! Answers to searches kept for the requests that repeat them: a results page and its
//! pages, the back button, and a newsroom where many people search for the day's story.
//!
//! An answer is keyed by the searcher's generation as well as the request, so a commit
//! from `dateline index` (which the reader picks up as a new generation) makes every older
//! answer unreachable; they then age out. The cache is bounded by an estimate of the
//! answers' bytes, so its memory stays within `--cache-mb` whatever the requests are.

use std::sync::Arc;
use std::time::Instant;

use quick_cache::sync::Cache;
use quick_cache::Weighter;

use crate::answer::Searched;
use crate::search::Request;

/// What a search answer depends on: the index as of one commit and everything asked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    generation: u64,
    /// The request as `Debug` writes it: every field that shapes the answer, including the
    /// ranking options (floats, which have no `Hash`), written exactly.
    request: String,
    snippets: bool,
    timeline: Option<usize>,
}

impl Key {
    pub(crate) fn new(
        generation: u64,
        request: &Request,
        snippets: bool,
        timeline: Option<usize>,
    ) -> Key {
        Key {
            generation,
            request: format!("{request:?}"),
            snippets,
            timeline,
        }
    }
}

/// A kept answer and the bytes it is counted as.
pub(crate) struct Entry {
    searched: Searched,
    bytes: u64,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, Arc<Entry>> for ByBytes {
    fn weight(&self, key: &Key, entry: &Arc<Entry>) -> u64 {
        entry.bytes + key.request.len() as u64
    }
}

/// A byte-bounded cache of search answers (`--cache-mb 0` turns it off).
pub(crate) struct Answers {
    cache: Option<Cache<Key, Arc<Entry>, ByBytes>>,
}

impl Answers {
    pub(crate) fn new(capacity_bytes: u64) -> Answers {
        // Room for a few hundred typical pages; the weight, not this, is the bound.
        let cache =
            (capacity_bytes > 0).then(|| Cache::with_weighter(512, capacity_bytes, ByBytes));
        Answers { cache }
    }

    /// The kept answer to `key`, with `elapsed` set to how long finding it took (the
    /// time this request spent, as a fresh search reports its own).
    pub(crate) fn get(&self, key: &Key) -> Option<Searched> {
        let started = Instant::now();
        let entry = self.cache.as_ref()?.get(key)?;
        let mut searched = entry.searched.clone();
        searched.results.elapsed = started.elapsed();
        Some(searched)
    }

    pub(crate) fn insert(&self, key: Key, searched: &Searched) {
        if let Some(cache) = &self.cache {
            let bytes = estimated_bytes(searched);
            cache.insert(
                key,
                Arc::new(Entry {
                    searched: searched.clone(),
                    bytes,
                }),
            );
        }
    }
}

/// About what an answer holds on the heap: its hits' text and its facets and timeline.
fn estimated_bytes(searched: &Searched) -> u64 {
    let r = &searched.results;
    let marked = |h: &crate::snippet::Highlighted| {
        h.text.len() + 16 * (h.highlights.len() + h.fragments.len())
    };
    let hits: usize = r
        .hits
        .iter()
        .map(|h| {
            256 + marked(&h.title)
                + marked(&h.snippet)
                + h.path.len()
                + h.id.len()
                + h.authors.iter().map(String::len).sum::<usize>()
                + h.copies.iter().map(String::len).sum::<usize>()
                + h.versions
                    .iter()
                    .map(|v| v.id.len() + v.title.len() + v.path.len() + 48)
                    .sum::<usize>()
        })
        .sum();
    let facets = r.facets.as_ref().map_or(0, |f| {
        [&f.authors, &f.places, &f.sources]
            .iter()
            .map(|values| values.len() * 96)
            .sum()
    });
    let timeline = searched
        .timeline
        .as_ref()
        .map_or(0, |t| 16 * t.periods.len() + 8 * t.all.len());
    (512 + hits + facets + timeline + r.query.len()) as u64
}
