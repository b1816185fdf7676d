//! Copies of one story folded into one hit: how far down the ranking a page looks for its
//! stories, the groups of copies it shows, the other versions of a story (the same headline
//! over reworked text) folded under its best-ranked one, and how many stories (not articles)
//! match — counted exactly over the matches' fingerprints, or estimated past a bound.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use anyhow::Result;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, Score, Searcher};

use tantivy::schema::Value;
use tantivy::TantivyDocument;

use super::{top_docs_counted, RankedDoc, Request};
use crate::query;
use crate::schema::{self, Fields};
use crate::simhash;

/// How far down the ranking copies of a page's hits are first looked for, as a multiple of
/// the hits needed: copies share their text, so they rank close together. When that finds
/// too few stories for the page, the window widens to what the copies seen in it say is
/// needed, until the page is full or the matches run out. Wide enough for a page of stories
/// reprinted up to about a dozen times each: ranking a few more matches costs far less than
/// the second search a narrow window needs when an archive holds many copies.
const COPY_WINDOW: usize = 16;

/// How far down the ranking a search first looks for the page `req` asks for: the page
/// itself with every copy shown, else its copy window; never more than there are articles.
pub(super) fn first_window(searcher: &Searcher, req: &Request) -> usize {
    let needed = req.offset.saturating_add(req.limit);
    if req.all_copies {
        return needed;
    }
    let all = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    needed
        .saturating_mul(COPY_WINDOW)
        .saturating_add(20)
        .min(all)
}

/// One story of a page: the documents of its shown hit (the shown article, then its copies)
/// and the shown articles of its other versions, earliest first.
pub(super) struct PageStory {
    pub(super) docs: Vec<RankedDoc>,
    pub(super) versions: Vec<DocAddress>,
}

/// The page of hits with copies of one story folded together, and other versions of a story
/// under its best ranked: each group is listed at the rank of its best member, shown by its
/// earliest member, with the others after it. Also returns how many stories and how many
/// articles match (versions are not folded in these counts: see [`group_versions`]).
pub(super) fn copy_groups(
    searcher: &Searcher,
    fields: &Fields,
    built: &query::Built,
    req: &Request,
) -> Result<(Counts, Vec<PageStory>)> {
    let needed = req.offset.saturating_add(req.limit);
    // Never more than there are articles: a hostile --offset must not size a huge heap.
    let all = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let mut window = first_window(searcher, req);
    let mut columns = PrintColumns::default();
    let mut known = None;
    let mut ranked = None;
    let (articles, copy_stories, in_window, stories, seen) = loop {
        let wide = Request {
            limit: if req.limit == 0 { 0 } else { window },
            offset: 0,
            ..req.clone()
        };
        let (articles, docs) = top_docs_counted(searcher, built, &wide, known, &mut ranked)?;
        known = Some(articles);
        let seen = docs.len();
        let groups = group_copies(searcher, &mut columns, docs)?;
        let copy_stories = groups.len();
        let in_window = (seen >= articles).then(|| window_stories(&groups, &columns));
        let stories = group_versions(searcher, fields, groups, version_reach(needed))?;
        if stories.len() >= needed || seen >= articles || req.limit == 0 || window >= all {
            break (articles, copy_stories, in_window, stories, seen);
        }
        window = next_window(needed, seen, stories.len(), window, all);
    };
    let (stories_counted, estimated) = if let Some(counted) = in_window {
        // Every match is in the window: count its stories as the whole count would.
        (counted, false)
    } else if articles <= EXACT_STORIES_UP_TO {
        (searcher.search(&*built.list_query, &StoryCount)?, false)
    } else {
        // Joining near-copies among every match grows with the square of the matches that
        // share a fingerprint block: a broad query over a large archive would spend far more
        // on the count than on the search. The window is a sample of the matches, ranked
        // rather than random, so its share of copies stands for the rest.
        let share = copy_stories as f64 / seen.max(1) as f64;
        let stories = ((articles as f64 * share).round() as usize).clamp(copy_stories, articles);
        (stories, true)
    };
    let counts = Counts {
        stories: stories_counted,
        articles,
        estimated,
    };
    Ok((counts, page_of_stories(stories, req.offset, req.limit)))
}

/// Ranked documents grouped as copies of one story: each group's fingerprint and its
/// members, in rank order, with their dates (seconds; `i64::MAX` when undated).
type CopyGroups = Vec<(u64, Vec<(RankedDoc, i64)>)>;

/// The fingerprint and date columns of the segments seen so far: opening a fast-field
/// column costs more than reading it, so each segment's are opened once.
#[derive(Default)]
struct PrintColumns(HashMap<u32, (Column<u64>, Column<tantivy::DateTime>)>);

impl PrintColumns {
    /// The document's fingerprint (0 for none) and date.
    fn print_and_date(&mut self, searcher: &Searcher, address: DocAddress) -> Result<(u64, i64)> {
        let (prints, dates) = match self.0.entry(address.segment_ord) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let ff = searcher.segment_reader(address.segment_ord).fast_fields();
                e.insert((ff.u64(schema::SIMHASH)?, ff.date(schema::DATE)?))
            }
        };
        let print = prints.first(address.doc_id).unwrap_or(0);
        let date = dates
            .first(address.doc_id)
            .map_or(i64::MAX, |d| d.into_timestamp_secs());
        Ok((print, date))
    }

    /// The fingerprint of a document whose segment was already read (0 for none).
    fn print(&self, address: DocAddress) -> u64 {
        self.0
            .get(&address.segment_ord)
            .and_then(|(prints, _)| prints.first(address.doc_id))
            .unwrap_or(0)
    }
}

/// Groups ranked documents into copies of one story, in the order of each group's best.
fn group_copies(
    searcher: &Searcher,
    columns: &mut PrintColumns,
    docs: Vec<RankedDoc>,
) -> Result<CopyGroups> {
    let mut groups: CopyGroups = Vec::new();
    // Groups by exact fingerprint first: most copies have the same one.
    let mut exact: HashMap<u64, usize, BuildPrintHasher> = Default::default();
    for doc in docs {
        let (print, date) = columns.print_and_date(searcher, doc.1)?;
        let group = exact.get(&print).copied().or_else(|| {
            groups
                .iter()
                .position(|(p, _)| simhash::are_copies(*p, print))
        });
        match group {
            Some(g) => groups[g].1.push((doc, date)),
            None => {
                if print != 0 {
                    exact.insert(print, groups.len());
                }
                groups.push((print, vec![(doc, date)]));
            }
        }
    }
    Ok(groups)
}

/// The next window to search when `window` held too few stories: wide enough, at the
/// copies-per-story seen so far, for the stories needed (and half as many more, so their
/// copies are in it too): one more search, not one per doubling.
fn next_window(needed: usize, seen: usize, stories: usize, window: usize, all: usize) -> usize {
    let per_story = seen.div_ceil(stories.max(1));
    needed
        .saturating_mul(per_story)
        .saturating_mul(3)
        .div_ceil(2)
        .saturating_add(20)
        .max(window.saturating_mul(2))
        .min(all)
}

/// How many stories the documents of `groups` hold, counted as the whole count counts them:
/// every unfingerprinted article is its own story.
fn window_stories(groups: &CopyGroups, columns: &PrintColumns) -> usize {
    let mut prints: Vec<u64> = groups
        .iter()
        .flat_map(|(_, members)| members.iter())
        .map(|((_, address), _)| columns.print(*address))
        .collect();
    let unprinted = prints.iter().filter(|p| **p == 0).count();
    prints.retain(|p| *p != 0);
    prints.sort_unstable();
    prints.dedup();
    unprinted + simhash::count_stories(&prints)
}

/// The stories of one page, each at its best copy group's best score and shown by that
/// group's earliest member, its other versions by theirs, earliest first.
fn page_of_stories(stories: Vec<CopyGroups>, offset: usize, limit: usize) -> Vec<PageStory> {
    stories
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|mut groups| {
            let (_, mut members) = groups.remove(0);
            let best_score = members[0].0 .0;
            // Earliest first; among equals, the better ranked.
            members.sort_by_key(|(_, date)| *date);
            let mut docs: Vec<RankedDoc> = members.into_iter().map(|(d, _)| d).collect();
            docs[0].0 = best_score.or(docs[0].0);
            let mut versions: Vec<(i64, DocAddress)> = groups
                .iter()
                .map(|(_, members)| {
                    let ((_, address), date) = shown(members);
                    (date, address)
                })
                .collect();
            versions.sort_by_key(|(date, _)| *date);
            PageStory {
                docs,
                versions: versions.into_iter().map(|(_, a)| a).collect(),
            }
        })
        .collect()
}

/// The member a copy group is shown by: the earliest, among equals the better ranked.
fn shown(members: &[(RankedDoc, i64)]) -> (RankedDoc, i64) {
    members
        .iter()
        .min_by_key(|(_, date)| *date)
        .copied()
        .unwrap_or(((None, DocAddress::new(0, 0)), i64::MAX))
}

/// How many of the best stories are looked at for other versions of a page's stories: a
/// reworked story ranks near its first version (the same headline scores the same), and
/// each one looked at costs a read of its stored headline, so a deep page (`--offset`) does
/// not read thousands. It never shrinks as pages go deeper, so a story's versions on one
/// page are those it has on the next.
fn version_reach(needed: usize) -> usize {
    needed
        .saturating_mul(2)
        .saturating_add(10)
        .min(VERSION_REACH_MAX)
}

/// The most stories looked at for versions, however deep the page.
const VERSION_REACH_MAX: usize = 1_000;

/// Versions of one story are filed within this many seconds of the best-ranked one (a wire
/// re-issues a story, longer or corrected, the same day or the next): a standing headline
/// (`FED ADDS RESERVES VIA CUSTOMER REPURCHASES`, filed every day) names a new story each day.
const VERSION_SPAN_SECS: i64 = 2 * 24 * 60 * 60;

/// A headline of fewer words than this (`Sport`, `Letters`, `In brief`) names a section or
/// a column, not one story.
const VERSION_MIN_WORDS: usize = 3;

/// A headline that more of the stories looked at share than this is a standing line, not
/// one story's: none of them are grouped by it.
const VERSION_MAX_SHARING: usize = 8;

/// Copy groups (in rank order) gathered into stories: a group whose shown article has the
/// same headline as a better-ranked group's (compared folded: case, punctuation and spacing
/// aside) and is dated within [`VERSION_SPAN_SECS`] of it, or like it undated and of the same
/// collection, is another version of that story. Only the first `reach` groups are looked
/// at; short headlines and headlines shared too widely are never grouped, nor a dated article
/// with an undated one. The stories count ([`Counts`]) does not
/// fold versions: that would need every match's headline, read from its stored document.
fn group_versions(
    searcher: &Searcher,
    fields: &Fields,
    groups: CopyGroups,
    reach: usize,
) -> Result<Vec<CopyGroups>> {
    let mut keys: Vec<Option<(String, i64)>> = Vec::with_capacity(reach.min(groups.len()));
    for (_, members) in groups.iter().take(reach) {
        let ((_, address), date) = shown(members);
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str());
        let key = text(fields.title).and_then(headline_key).map(|mut key| {
            if date == i64::MAX {
                // Undated (every BBC article): no time tells two stories apart, so only
                // versions from one collection are grouped.
                key.push('\0');
                key.push_str(text(fields.collection).unwrap_or_default());
            }
            (key, date)
        });
        keys.push(key);
    }
    let mut sharing: HashMap<&str, usize> = HashMap::new();
    for (key, _) in keys.iter().flatten() {
        *sharing.entry(key.as_str()).or_default() += 1;
    }
    let mut stories: Vec<CopyGroups> = Vec::new();
    // Each headline's stories so far: their index and their first version's date.
    let mut leads: HashMap<&str, Vec<(usize, i64)>> = HashMap::new();
    for (i, group) in groups.into_iter().enumerate() {
        let key = keys.get(i).and_then(Option::as_ref).filter(|(key, _)| {
            sharing.get(key.as_str()).copied().unwrap_or(0) <= VERSION_MAX_SHARING
        });
        if let Some((key, date)) = key {
            let same = leads.entry(key.as_str()).or_default();
            match same
                .iter()
                .find(|(_, lead)| lead.abs_diff(*date) <= VERSION_SPAN_SECS.unsigned_abs())
            {
                Some(&(story, _)) => {
                    stories[story].push(group);
                    continue;
                }
                None => same.push((stories.len(), *date)),
            }
        }
        stories.push(vec![group]);
    }
    Ok(stories)
}

/// A headline folded for comparing versions (lower case, its words of letters and digits
/// joined by single spaces), or None for one too short to name one story.
fn headline_key(title: &str) -> Option<String> {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    (words.len() >= VERSION_MIN_WORDS).then(|| words.join(" "))
}

/// Up to this many matching articles, their stories are counted exactly (a pass over the
/// matches' fingerprints); past it, the count is estimated from the ranked window.
const EXACT_STORIES_UP_TO: usize = 5_000;

/// How many stories and articles match.
pub(super) struct Counts {
    pub(super) stories: usize,
    pub(super) articles: usize,
    /// `stories` is estimated, not counted.
    pub(super) estimated: bool,
}

/// How many stories the counted set holds (`counted` of its articles), of the `list`'s:
/// counted exactly as the list's were, or estimated at the list's share of copies when
/// those were estimated or the counted articles are many.
pub(super) fn counted_stories(
    searcher: &Searcher,
    built: &query::Built,
    list: &Counts,
    counted: usize,
) -> Result<usize> {
    if counted >= list.articles {
        return Ok(list.stories);
    }
    if !list.estimated && counted <= EXACT_STORIES_UP_TO {
        return Ok(searcher.search(&*built.count_query, &StoryCount)?);
    }
    let share = list.stories as f64 / list.articles.max(1) as f64;
    Ok(((counted as f64 * share).round() as usize).min(counted))
}

/// Fingerprints are already uniformly spread hashes: a hash map keyed by them needs no
/// hashing of its own.
#[derive(Default)]
struct PrintHasher(u64);

impl std::hash::Hasher for PrintHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type BuildPrintHasher = std::hash::BuildHasherDefault<PrintHasher>;

/// Counts the stories among a query's matches: the fingerprints are read from the fast
/// field segment by segment, a block of matches at a time, then made distinct and copies
/// among them joined ([`simhash::count_stories`]); an article without a fingerprint is a
/// story of its own.
struct StoryCount;

struct SegmentStoryCount {
    prints: tantivy::columnar::Column<u64>,
    /// The matches' fingerprints, repeats and all: pushing and sorting once costs less than
    /// a set's lookup per match.
    found: Vec<u64>,
    unprinted: usize,
    /// Room for one block's fingerprints.
    block: Vec<Option<u64>>,
}

impl Collector for StoryCount {
    type Fruit = usize;
    type Child = SegmentStoryCount;

    fn for_segment(
        &self,
        _segment: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentStoryCount> {
        Ok(SegmentStoryCount {
            prints: reader.fast_fields().u64(schema::SIMHASH)?,
            found: Vec::new(),
            unprinted: 0,
            block: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<(Vec<u64>, usize)>) -> tantivy::Result<usize> {
        let mut unprinted = 0;
        let mut prints: Vec<u64> = Vec::with_capacity(segments.iter().map(|(f, _)| f.len()).sum());
        for (found, n) in segments {
            unprinted += n;
            prints.extend(found);
        }
        // Sorted, so the distinct prints and the work on them are the same on every run.
        prints.sort_unstable();
        prints.dedup();
        Ok(unprinted + simhash::count_stories(&prints))
    }
}

impl SegmentStoryCount {
    fn add(&mut self, print: Option<u64>) {
        match print {
            Some(print) if print != 0 => self.found.push(print),
            _ => self.unprinted += 1,
        }
    }
}

impl SegmentCollector for SegmentStoryCount {
    type Fruit = (Vec<u64>, usize);

    fn collect(&mut self, doc: tantivy::DocId, _score: Score) {
        let print = self.prints.first(doc);
        self.add(print);
    }

    fn collect_block(&mut self, docs: &[tantivy::DocId]) {
        let mut block = std::mem::take(&mut self.block);
        block.clear();
        block.resize(docs.len(), None);
        self.prints.first_vals(docs, &mut block);
        for print in &block {
            self.add(*print);
        }
        self.block = block;
    }

    fn harvest(self) -> (Vec<u64>, usize) {
        (self.found, self.unprinted)
    }
}
