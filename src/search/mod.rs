//! Running a search: ranking or sorting the matches and cutting snippets from them.
//!
//! [`rank`] is the one relevance ranking: a page of hits, the scores of a page sorted by
//! date and `search --format` (`crate::export`) are all cut from it.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::NaiveDateTime;
use std::collections::HashMap;

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DocAddress, Order, Score, Searcher, TantivyDocument};

use crate::choice::UnknownChoice;
use crate::facets::{self, Facets};
use crate::index_dir::OpenIndex;
use crate::query::{self, Filters};
use crate::ranking::{self, Ranking};
use crate::rescore;
use crate::schema;
use crate::snippet::{self, Highlighted, SnippetMaker};
use crate::stored::{self, Stored};
use crate::suggest;
use crate::topk;

mod copies;
use copies::{copy_groups, first_window, Counts, PageStory};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Relevance,
    Newest,
    Oldest,
}

impl SortOrder {
    /// The words `--sort` and `sort=` take, in the order help lists them.
    pub const NAMES: [&'static str; 3] = ["relevance", "newest", "oldest"];

    pub fn name(self) -> &'static str {
        match self {
            SortOrder::Relevance => "relevance",
            SortOrder::Newest => "newest",
            SortOrder::Oldest => "oldest",
        }
    }
}

impl fmt::Display for SortOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SortOrder {
    type Err = UnknownChoice;

    fn from_str(text: &str) -> Result<SortOrder, UnknownChoice> {
        match text {
            "relevance" => Ok(SortOrder::Relevance),
            "newest" => Ok(SortOrder::Newest),
            "oldest" => Ok(SortOrder::Oldest),
            _ => Err(UnknownChoice::new(text, "relevance, newest or oldest")),
        }
    }
}

/// Hits in one page unless `--limit` or `limit=` says otherwise.
pub const DEFAULT_LIMIT: usize = 10;

/// What to search for and how to show it. `Request::default()` is `dateline search`'s
/// defaults for an empty query: fill in `query` and what differs.
#[derive(Debug, Clone)]
pub struct Request {
    pub query: String,
    pub filters: Filters,
    pub limit: usize,
    pub offset: usize,
    pub sort: SortOrder,
    /// Longest snippet, in characters.
    pub snippet_chars: usize,
    pub ranking: Ranking,
    /// Count the top values of each facet among all matches (how many of each).
    pub facets: Option<usize>,
    /// Show every copy of a story as its own hit instead of folding copies together.
    pub all_copies: bool,
}

impl Default for Request {
    fn default() -> Request {
        Request {
            query: String::new(),
            filters: Filters::default(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            sort: SortOrder::Relevance,
            snippet_chars: snippet::DEFAULT_CHARS,
            ranking: Ranking::default(),
            facets: None,
            all_copies: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub rank: usize,
    pub score: Score,
    /// Absolute path of the source file.
    pub path: String,
    pub line: Option<u64>,
    /// The path inside a zip or tar archive, and the 1-based position in a feed, WARC file
    /// or NewsML message, when the article was read from one.
    pub member: Option<String>,
    pub record: Option<u64>,
    pub url: Option<String>,
    /// The article's short stable name in the index (`dateline show ID`).
    pub id: String,
    pub title: Highlighted,
    pub authors: Vec<String>,
    pub date: Option<NaiveDateTime>,
    /// The place and source named in the story's dateline, when it has one.
    pub place: Option<String>,
    pub source: Option<String>,
    /// The collection of the folder it was indexed from.
    pub collection: Option<String>,
    pub snippet: Highlighted,
    /// Paths of near-identical copies of this article among the matches (the same wire
    /// story filed again, a reprint), folded into this hit: the earliest of them.
    pub copies: Vec<String>,
    /// Other versions of this story among the matches (the same headline over reworked
    /// text: re-issued longer, updated, bylined), folded into this hit, earliest first.
    pub versions: Vec<Version>,
    /// The article has only some of the words: listed after the counted set, not counted.
    pub partial: bool,
    /// The parts of the query (as typed) a partial hit lacks.
    pub missing: Vec<String>,
}

/// Another version of a hit's story, shown by its earliest copy.
#[derive(Debug, Clone)]
pub struct Version {
    pub id: String,
    pub title: String,
    pub date: Option<NaiveDateTime>,
    /// Absolute path of the source file.
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct Results {
    pub query: String,
    /// A corrected query when this one found few articles and has misspelt words.
    pub suggestion: Option<String>,
    /// The query as typed found nothing and these are the suggestion's results instead.
    pub showing_suggestion: bool,
    pub facets: Option<Facets>,
    /// The counted set (`query::Built::count_query`): its stories (copies folded) or, with
    /// `all_copies`, its articles. The pages list these first.
    pub total_hits: usize,
    /// Every counted article, copies included.
    pub articles: usize,
    /// What the totals count.
    pub counting: query::Counting,
    /// The partial matches listed after the counted set (stories, or articles with
    /// `all_copies`): articles with only some of the words.
    pub partial_hits: usize,
    /// `total_hits` is an estimate: the stories among many matches are estimated from the
    /// ranked matches looked at, not counted one by one.
    pub total_is_estimate: bool,
    pub offset: usize,
    pub hits: Vec<Hit>,
    pub elapsed: Duration,
    /// Matches a date filter left out for having no date (0 without a date filter).
    pub undated_left_out: u64,
}

/// Cuts `text` to at most `max_chars` characters at a word boundary.
fn lead(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max_chars) {
        None => text.to_string(),
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = head.rfind(char::is_whitespace).map_or(head, |i| &head[..i]);
            format!("{}…", head.trim_end())
        }
    }
}

/// A match's score (None when sorted by date) and where it is.
pub type RankedDoc = (Option<Score>, DocAddress);

/// The page of matches `req` asks for, with the total count: the search without documents
/// or snippets. Scores are None when sorting by date.
pub fn top_docs(
    searcher: &Searcher,
    built: &query::Built,
    req: &Request,
) -> Result<(usize, Vec<RankedDoc>)> {
    top_docs_counted(searcher, built, req, None, &mut None)
}

/// How far down the first pass [`rank`] looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The best this many, and at least as many as rescoring scores again.
    Top(usize),
    /// Every match: what an export lists.
    All,
}

/// A query's matches ranked by relevance, best first (ties by address), and how many match.
pub struct Ranked {
    pub matches: usize,
    /// How far down the first pass the ranking looked (every match for [`Depth::All`]).
    pub depth: usize,
    /// The counted set first, then the partial matches, each in ranked order.
    pub hits: Vec<(Score, DocAddress)>,
    /// How many of `hits`, from the first, are in the counted set.
    pub counted: usize,
    /// What the feedback added, which scores other matches as it scored these.
    expansion: Option<rescore::Expansion>,
}

impl Ranked {
    /// The scores this ranking gives the matches at `first` (with their first-pass scores)
    /// beyond its own hits, as it scored those: rescored, the same expansion added.
    pub fn score_more(
        &self,
        searcher: &Searcher,
        built: &query::Built,
        first: Vec<(Score, DocAddress)>,
    ) -> Result<Vec<(Score, DocAddress)>> {
        let Some(r) = &built.rescore else {
            return Ok(first);
        };
        let scored = rescore::rescore(searcher, r, first)?;
        match &self.expansion {
            Some(e) => e.apply(searcher, scored),
            None => Ok(scored),
        }
    }
}

/// The one relevance ranking of a built query, which every ranked list is cut from (a page
/// of hits, `search --format`, the scores of a page sorted by date): the first pass (the
/// ranked query, pruned by tantivy) to `depth`, then, when the ranking rescores this query,
/// those matches scored again ([`rescore::rescore`]) and the feedback learnt from the best
/// of them added ([`rescore::feedback`]). `known` is the count from an earlier search of the
/// same query.
pub fn rank(
    searcher: &Searcher,
    built: &query::Built,
    req: &Request,
    depth: Depth,
    known: Option<usize>,
) -> Result<Ranked> {
    let (matches, first): (usize, Vec<(Score, DocAddress)>) = match depth {
        Depth::Top(n) => {
            let n = built.rescore.as_ref().map_or(n, |r| n.max(r.depth));
            let wide = Request {
                sort: SortOrder::Relevance,
                offset: 0,
                limit: n,
                ..req.clone()
            };
            let (matches, docs) = if n == 0 {
                (count(searcher, built, known)?, Vec::new())
            } else {
                first_pass(searcher, built, &wide, known)?
            };
            let docs = docs.into_iter().map(|(s, a)| (s.unwrap_or(0.0), a));
            (matches, docs.collect())
        }
        Depth::All => {
            let mut all = ranking::search(searcher, &*built.query, &AllScored, &req.ranking)?;
            let pruned = built
                .prune
                .as_ref()
                .filter(|_| req.sort == SortOrder::Relevance);
            if let Some(prune) = pruned {
                // The best as the first pass of `req`'s page scores them: pruned, it sums the
                // same terms in another order, and the hits that page shows keep their scores
                // to the last digit. (A page sorted by date scores its hits in full.)
                let k =
                    first_window(searcher, req).max(built.rescore.as_ref().map_or(0, |r| r.depth));
                if let Some(top) = topk::top_k(searcher, prune, k)? {
                    let pruned: HashMap<DocAddress, Score> =
                        top.into_iter().map(|(s, a)| (a, s)).collect();
                    for (score, address) in &mut all {
                        if let Some(s) = pruned.get(address) {
                            *score = *s;
                        }
                    }
                }
            }
            all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            (all.len(), all)
        }
    };
    let depth = first.len();
    let (hits, expansion) = match &built.rescore {
        Some(r) => rescore::feedback(searcher, r, rescore::rescore(searcher, r, first)?)?,
        None => (first, None),
    };
    let (hits, counted) = counted_first(searcher, built, hits)?;
    Ok(Ranked {
        matches,
        depth,
        hits,
        counted,
        expansion,
    })
}

/// The ranked `hits` with those in the counted set first, each part in its ranked order
/// (what a demanding reader expects: every article with all the words before any with only
/// some), and how many are counted.
fn counted_first<T: Copy>(
    searcher: &Searcher,
    built: &query::Built,
    hits: Vec<(T, DocAddress)>,
) -> Result<(Vec<(T, DocAddress)>, usize)> {
    if built.counting() == query::Counting::Matches {
        let n = hits.len();
        return Ok((hits, n));
    }
    let addresses: Vec<DocAddress> = hits.iter().map(|(_, a)| *a).collect();
    let counted = matching(searcher, &*built.count_query, &addresses)?;
    let (mut first, rest): (Vec<_>, Vec<_>) = hits
        .into_iter()
        .zip(counted)
        .partition(|(_, counted)| *counted);
    let n = first.len();
    first.extend(rest);
    Ok((first.into_iter().map(|(hit, _)| hit).collect(), n))
}

/// Whether `query` matches each of the documents at `addresses`.
pub fn matching(
    searcher: &Searcher,
    query: &dyn Query,
    addresses: &[DocAddress],
) -> Result<Vec<bool>> {
    let scoring = tantivy::query::EnableScoring::disabled_from_searcher(searcher);
    at_addresses(searcher, query, scoring, addresses, |_| true)
        .map(|found| found.into_iter().map(|f| f.unwrap_or(false)).collect())
}

/// What `query`'s scorer says (through `read`) of each document at `addresses` it matches,
/// None for one it does not: one weight for all of them and one scorer per segment, sought
/// in document order, instead of a weight and a scorer per document.
fn at_addresses<T>(
    searcher: &Searcher,
    query: &dyn Query,
    scoring: tantivy::query::EnableScoring<'_>,
    addresses: &[DocAddress],
    read: impl Fn(&mut dyn tantivy::query::Scorer) -> T,
) -> Result<Vec<Option<T>>> {
    let mut out: Vec<Option<T>> = addresses.iter().map(|_| None).collect();
    if addresses.is_empty() {
        return Ok(out);
    }
    let weight = query.weight(scoring)?;
    let mut order: Vec<usize> = (0..addresses.len()).collect();
    order.sort_by_key(|&i| addresses[i]);
    let mut current: Option<(u32, Box<dyn tantivy::query::Scorer>)> = None;
    for i in order {
        let DocAddress {
            segment_ord,
            doc_id,
        } = addresses[i];
        if current.as_ref().is_none_or(|(s, _)| *s != segment_ord) {
            let reader = searcher.segment_reader(segment_ord);
            current = Some((segment_ord, weight.scorer(reader, 1.0)?));
        }
        if let Some((_, scorer)) = current.as_mut() {
            if scorer.doc() <= doc_id && scorer.seek(doc_id) == doc_id {
                out[i] = Some(read(scorer.as_mut()));
            }
        }
    }
    Ok(out)
}

/// For each document at `addresses`: whether it is only a partial match, and the parts of
/// the query it lacks (as typed).
pub(crate) fn partial_marks(
    searcher: &Searcher,
    built: &query::Built,
    addresses: &[DocAddress],
) -> Result<Vec<(bool, Vec<String>)>> {
    let mut marks = vec![(false, Vec::new()); addresses.len()];
    if built.counting() == query::Counting::Matches {
        return Ok(marks);
    }
    let counted = matching(searcher, &*built.count_query, addresses)?;
    let partial: Vec<DocAddress> = addresses
        .iter()
        .zip(&counted)
        .filter(|(_, c)| !**c)
        .map(|(a, _)| *a)
        .collect();
    let mut has: Vec<Vec<bool>> = Vec::with_capacity(built.parts.len());
    for part in &built.parts {
        has.push(matching(searcher, &*part.query, &partial)?);
    }
    let mut next = 0;
    for (mark, counted) in marks.iter_mut().zip(counted) {
        if counted {
            continue;
        }
        mark.0 = true;
        for (part, has) in built.parts.iter().zip(&has) {
            if !has[next] {
                mark.1.push(part.label.clone());
            }
        }
        next += 1;
    }
    Ok(marks)
}

/// How many articles the hit list holds (the counted set and the partial matches): `known`
/// when an earlier search counted them.
fn count(searcher: &Searcher, built: &query::Built, known: Option<usize>) -> Result<usize> {
    match known {
        Some(n) => Ok(n),
        None => Ok(built.list_query.count(searcher)?),
    }
}

/// Collects every match with its score, in no order.
struct AllScored;

impl Collector for AllScored {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentScored;

    fn for_segment(
        &self,
        segment: tantivy::SegmentOrdinal,
        _reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentScored> {
        Ok(SegmentScored(segment, Vec::new()))
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

struct SegmentScored(tantivy::SegmentOrdinal, Vec<(Score, DocAddress)>);

impl SegmentCollector for SegmentScored {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        self.1.push((score, DocAddress::new(self.0, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.1
    }
}

/// [`top_docs`], with the count already `known` from an earlier search of the same query:
/// the passes that only count are then skipped; and a ranking already `ranked` as deep as
/// this page needs is cut rather than searched and rescored again.
fn top_docs_counted(
    searcher: &Searcher,
    built: &query::Built,
    req: &Request,
    known: Option<usize>,
    ranked: &mut Option<Ranked>,
) -> Result<(usize, Vec<RankedDoc>)> {
    if req.limit == 0 {
        return Ok((count(searcher, built, known)?, Vec::new()));
    }
    if req.sort != SortOrder::Relevance {
        return first_pass(searcher, built, req, known);
    }
    let needed = req.offset.saturating_add(req.limit);
    let mut depth = needed;
    let mut counted_total = None;
    let mut known = known;
    let cut = loop {
        let cut = match ranked.take() {
            Some(r) if known.is_some() && r.depth >= depth.min(r.matches) => r,
            _ => rank(searcher, built, req, Depth::Top(depth), known)?,
        };
        if cut.counted >= needed || cut.depth >= cut.matches {
            break cut;
        }
        // The page reaches past the counted matches ranked so far: every counted article
        // ranked below them must come first, so look deeper until they are all in.
        let total = match counted_total {
            Some(n) => n,
            None => *counted_total.insert(built.count_query.count(searcher)?),
        };
        if cut.counted >= total {
            break cut;
        }
        depth = cut.depth.saturating_mul(4).max(needed);
        known = Some(cut.matches);
        *ranked = Some(cut);
    };
    let page = cut
        .hits
        .iter()
        .skip(req.offset)
        .take(req.limit)
        .map(|&(s, a)| (Some(s), a))
        .collect();
    let n = cut.matches;
    *ranked = Some(cut);
    Ok((n, page))
}

/// The page of matches as the ranked query scores them, without rescoring.
fn first_pass(
    searcher: &Searcher,
    built: &query::Built,
    req: &Request,
    known: Option<usize>,
) -> Result<(usize, Vec<RankedDoc>)> {
    let page = TopDocs::with_limit(req.limit).and_offset(req.offset);
    Ok(match req.sort {
        SortOrder::Relevance => {
            let pruned = match &built.prune {
                Some(prune) => topk::top_k(searcher, prune, req.offset + req.limit)?,
                None => None,
            };
            match pruned {
                // Counting is then a pass of its own, unscored.
                Some(top) => (
                    count(searcher, built, known)?,
                    top.into_iter()
                        .skip(req.offset)
                        .map(|(s, a)| (Some(s), a))
                        .collect(),
                ),
                None => scored_top_docs(searcher, built, req, page, known)?,
            }
        }
        SortOrder::Newest | SortOrder::Oldest => {
            let order = if req.sort == SortOrder::Newest {
                Order::Desc
            } else {
                Order::Asc
            };
            // The ranking's clauses only reorder what the plain query matches, and the order
            // here is by date: the plain query finds the same page without them. The counted
            // set comes first, then the partial matches, each in date order.
            let by_date = |limit: usize, offset: usize| {
                TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by_fast_field::<tantivy::DateTime>(schema::DATE, order)
            };
            let counting = built.counting() == query::Counting::AllWords;
            let first: &dyn Query = if counting {
                &*built.count_query
            } else {
                &*built.list_query
            };
            let (n, top) = searcher.search(first, &(Count, by_date(req.limit, req.offset)))?;
            let mut page: Vec<RankedDoc> = top.into_iter().map(|(_, a)| (None, a)).collect();
            let mut total = n;
            if counting {
                let partial = BooleanQuery::new(vec![
                    (Occur::Must, built.list_query.box_clone()),
                    (Occur::MustNot, built.count_query.box_clone()),
                ]);
                let room = req.limit - page.len();
                let offset = req.offset.saturating_sub(n);
                total += if room == 0 {
                    partial.count(searcher)?
                } else {
                    let (m, top) = searcher.search(&partial, &(Count, by_date(room, offset)))?;
                    page.extend(top.into_iter().map(|(_, a)| (None, a)));
                    m
                };
            }
            (total, page)
        }
    })
}

/// The page by score, every match scored.
fn scored_top_docs(
    searcher: &Searcher,
    built: &query::Built,
    req: &Request,
    page: TopDocs,
    known: Option<usize>,
) -> Result<(usize, Vec<RankedDoc>)> {
    let query = &*built.query;
    // TopDocs alone can skip blocks that cannot reach the top k (block-max WAND);
    // paired with Count it would score every match. Counting is then a second,
    // unscored pass. A query with a phrase (quoted, or the ranking's proximity
    // clauses) cannot skip, so there one pass counts and ranks: a second pass would
    // check the phrase's positions again.
    let mut positional = false;
    query.query_terms(&mut |_, needs_positions| positional |= needs_positions);
    let (n, top) = if positional {
        ranking::search(
            searcher,
            query,
            &(Count, page.order_by_score()),
            &req.ranking,
        )?
    } else {
        let top = ranking::search(searcher, query, &page.order_by_score(), &req.ranking)?;
        (count(searcher, built, known)?, top)
    };
    Ok((n, top.into_iter().map(|(s, a)| (Some(s), a)).collect()))
}

/// The query with its misspelt words corrected, date clauses and all kept as typed.
fn suggestion_for(
    searcher: &Searcher,
    open: &OpenIndex,
    text: &str,
    total_hits: usize,
) -> Result<Option<String>> {
    // Only a query that finds few articles gets a correction: one that finds more is
    // answered, and looking for corrections there would add a Levenshtein walk over the
    // term dictionary to every search with an unknown word.
    if total_hits >= suggest::SUGGEST_BELOW {
        return Ok(None);
    }
    // Corrected as the query was searched: a word typed decomposed is the indexed word.
    let text = &*crate::article::indexable(text);
    let (words, _) = query::extract_date_clauses(text)?;
    let Some(corrected) = suggest::suggest(searcher, open, &words)? else {
        return Ok(None);
    };
    let mut out = text.to_string();
    for (old, new) in words.split_whitespace().zip(corrected.split_whitespace()) {
        if old != new {
            out = out.replacen(old, new, 1);
        }
    }
    Ok(Some(out))
}

/// Searches what `searcher` sees (`index_dir::reader(&open.index)?.searcher()` for the last
/// commit; long-running callers, a server or a benchmark, hold one). When the query as typed
/// finds nothing and its suggestion finds a few articles or more, the results are the
/// suggestion's, marked so: a dead end helps no one.
pub fn search(searcher: &Searcher, open: &OpenIndex, req: &Request) -> Result<Results> {
    let typed = search_as_typed(searcher, open, req)?;
    let Some(suggestion) = typed.suggestion.clone().filter(|_| typed.total_hits == 0) else {
        return Ok(typed);
    };
    let corrected = Request {
        query: suggestion,
        ..req.clone()
    };
    let mut instead = search_as_typed(searcher, open, &corrected)?;
    if instead.total_hits < suggest::SUGGEST_BELOW {
        return Ok(typed);
    }
    instead.suggestion = Some(corrected.query);
    instead.query = typed.query;
    instead.showing_suggestion = true;
    instead.elapsed += typed.elapsed;
    Ok(instead)
}

/// [`search`] for the query exactly as typed.
fn search_as_typed(searcher: &Searcher, open: &OpenIndex, req: &Request) -> Result<Results> {
    let started = Instant::now();
    let fields = &open.fields;
    let built = query::build(&open.index, fields, &req.query, &req.filters, &req.ranking)?;
    let query: &dyn Query = &*built.query;
    let (counts, stories) = if req.all_copies {
        let (n, docs) = top_docs(searcher, &built, req)?;
        let counts = Counts {
            stories: n,
            articles: n,
            estimated: false,
        };
        let stories = docs.into_iter().map(|d| PageStory {
            docs: vec![d],
            versions: Vec::new(),
        });
        (counts, stories.collect())
    } else {
        copy_groups(searcher, &open.fields, &built, req)?
    };
    let (groups, versions): (Vec<Vec<RankedDoc>>, Vec<Vec<DocAddress>>) =
        stories.into_iter().map(|s| (s.docs, s.versions)).unzip();
    let shown_addresses: Vec<DocAddress> = groups.iter().map(|g| g[0].1).collect();
    let snippets = Snippets::for_search(searcher, open, &built, req)?;
    let groups = if built.rescore.is_some() && req.sort != SortOrder::Relevance {
        rescored_scores(searcher, &built, req, counts.articles, groups)?
    } else {
        groups
    };
    let mut hits = build_hits(searcher, open, query, &snippets, groups, req.offset)?;
    let shown: Vec<DocAddress> = shown_addresses;
    for (hit, (partial, missing)) in hits
        .iter_mut()
        .zip(partial_marks(searcher, &built, &shown)?)
    {
        hit.partial = partial;
        hit.missing = missing;
    }
    for (hit, versions) in hits.iter_mut().zip(versions) {
        hit.versions = versions_at(searcher, open, &versions)?;
    }
    let counted = match built.counting() {
        query::Counting::Matches => counts.articles,
        query::Counting::AllWords => built.count_query.count(searcher)?,
    };
    let total_hits = if req.all_copies {
        counted
    } else {
        copies::counted_stories(searcher, &built, &counts, counted)?
    };
    let suggestion = suggestion_for(searcher, open, &req.query, total_hits)?;
    let facets = req
        .facets
        .map(|size| facets::facets(searcher, &*built.count_query, size))
        .transpose()?;
    let undated_left_out = built.undated_left_out(searcher)?;
    Ok(Results {
        query: req.query.clone(),
        suggestion,
        showing_suggestion: false,
        facets,
        total_hits,
        articles: counted,
        counting: built.counting(),
        partial_hits: counts.stories.saturating_sub(total_hits),
        total_is_estimate: counts.estimated,
        offset: req.offset,
        hits,
        elapsed: started.elapsed(),
        undated_left_out,
    })
}

/// The other versions of a story, from their stored documents.
fn versions_at(
    searcher: &Searcher,
    open: &OpenIndex,
    addresses: &[DocAddress],
) -> Result<Vec<Version>> {
    addresses
        .iter()
        .map(|&address| {
            let doc: TantivyDocument = searcher.doc(address)?;
            let article = Stored::read(&doc, &open.fields, schema::id_at(searcher, address)?);
            Ok(Version {
                id: article.id,
                title: article.title,
                date: article.date,
                path: article.path,
            })
        })
        .collect()
}

/// The hits of chosen matches of `built` (`req`'s query), in the order given and ranked
/// from 1, each with its title marked and its snippet, as a search shows its page: an
/// alert's new matches are shown this way.
pub fn hits_at(
    searcher: &Searcher,
    open: &OpenIndex,
    req: &Request,
    built: &query::Built,
    matches: &[(Score, DocAddress)],
) -> Result<Vec<Hit>> {
    let snippets = Snippets::for_search(searcher, open, built, req)?;
    let groups = matches.iter().map(|&(s, a)| vec![(Some(s), a)]).collect();
    build_hits(searcher, open, &*built.query, &snippets, groups, 0)
}

/// Hits sorted by date with the scores relevance order would give them: their first-pass
/// scores, scored further as [`rank`] scores a search by relevance (of which `articles`
/// match).
fn rescored_scores(
    searcher: &Searcher,
    built: &query::Built,
    req: &Request,
    articles: usize,
    mut groups: Vec<Vec<RankedDoc>>,
) -> Result<Vec<Vec<RankedDoc>>> {
    let addresses: Vec<DocAddress> = groups.iter().map(|g| g[0].1).collect();
    let first = scores_of(searcher, &*built.query, &addresses)?;
    let ranked = rank(searcher, built, req, Depth::Top(0), Some(articles))?;
    let scored = ranked.score_more(searcher, built, first.into_iter().zip(addresses).collect())?;
    let by_address: HashMap<DocAddress, Score> = scored.into_iter().map(|(s, a)| (a, s)).collect();
    for group in &mut groups {
        group[0].0 = by_address.get(&group[0].1).copied();
    }
    Ok(groups)
}

/// Hits for groups of ranked documents (each group: the shown document, then its copies),
/// numbered from `offset + 1`.
pub(crate) fn build_hits(
    searcher: &Searcher,
    open: &OpenIndex,
    query: &dyn Query,
    snippets: &Snippets,
    groups: Vec<Vec<RankedDoc>>,
    offset: usize,
) -> Result<Vec<Hit>> {
    let fields = &open.fields;
    let mut hits = Vec::with_capacity(groups.len());
    let copy_addresses: Vec<DocAddress> = groups
        .iter()
        .flat_map(|g| g[1..].iter().map(|(_, a)| *a))
        .collect();
    let mut copy_paths = paths_of(searcher, &copy_addresses)?.into_iter();
    // Sorted by date: still tell users how well each hit matched.
    let unscored: Vec<DocAddress> = groups
        .iter()
        .filter(|g| g[0].0.is_none())
        .map(|g| g[0].1)
        .collect();
    let mut late_scores = scores_of(searcher, query, &unscored)?.into_iter();
    for (i, group) in groups.into_iter().enumerate() {
        let (score, address) = group[0];
        let copies: Vec<String> = copy_paths.by_ref().take(group.len() - 1).collect();
        let doc: TantivyDocument = searcher.doc(address)?;
        let score = match score {
            Some(s) => s,
            None => late_scores.next().unwrap_or(0.0),
        };
        let article = Stored::read(&doc, fields, schema::id_at(searcher, address)?);
        // Borrowed: a long body is not copied, and only its start is read for the snippet.
        let body = stored::body(&doc, fields);
        hits.push(Hit {
            rank: offset + i + 1,
            score,
            title: snippets.title(&article.title),
            path: article.path,
            line: article.line,
            member: article.member,
            record: article.record,
            url: article.url,
            id: article.id,
            authors: article.authors,
            date: article.date,
            place: article.place,
            source: article.source,
            collection: article.collection,
            snippet: snippets.body(body),
            copies,
            versions: Vec::new(),
            partial: false,
            missing: Vec::new(),
        });
    }
    Ok(hits)
}

/// The scores `query` gives the documents at `addresses` (0 for one it does not match), as
/// `Query::explain` would give them.
fn scores_of(
    searcher: &Searcher,
    query: &dyn Query,
    addresses: &[DocAddress],
) -> Result<Vec<Score>> {
    let scoring = tantivy::query::EnableScoring::enabled_from_searcher(searcher);
    at_addresses(searcher, query, scoring, addresses, |scorer| scorer.score())
        .map(|scores| scores.into_iter().map(|s| s.unwrap_or(0.0)).collect())
}

/// Documents' paths from the fast column, without loading the stored documents. The column
/// is opened once per segment and each segment's ordinals are looked up in one sorted pass,
/// so every dictionary block is read once, however many copies share it.
fn paths_of(searcher: &Searcher, addresses: &[DocAddress]) -> Result<Vec<String>> {
    let mut out = vec![String::new(); addresses.len()];
    let mut segments: Vec<u32> = addresses.iter().map(|a| a.segment_ord).collect();
    segments.sort_unstable();
    segments.dedup();
    for segment in segments {
        let Some(column) = searcher
            .segment_reader(segment)
            .fast_fields()
            .str(schema::PATH)?
        else {
            continue;
        };
        // (ordinal, index in `addresses`), sorted by ordinal.
        let mut wanted: Vec<(u64, usize)> = addresses
            .iter()
            .enumerate()
            .filter(|(_, a)| a.segment_ord == segment)
            .filter_map(|(i, a)| column.term_ords(a.doc_id).next().map(|ord| (ord, i)))
            .collect();
        wanted.sort_unstable();
        let ords: Vec<u64> = wanted.iter().map(|(o, _)| *o).collect();
        let mut next = wanted.iter();
        column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
            if let Some((_, i)) = next.next() {
                out[*i] = String::from_utf8_lossy(bytes).into_owned();
            }
        })?;
    }
    Ok(out)
}

pub(crate) struct Snippets {
    title: Option<SnippetMaker>,
    body: Option<SnippetMaker>,
    max_chars: usize,
}

impl Snippets {
    /// No highlighting: bodies are shown from their beginning.
    pub(crate) fn none(max_chars: usize) -> Snippets {
        Snippets {
            title: None,
            body: None,
            max_chars,
        }
    }

    /// The snippets of a search's hits: its words highlighted, `req`'s length.
    fn for_search(
        searcher: &Searcher,
        open: &OpenIndex,
        built: &query::Built,
        req: &Request,
    ) -> Result<Snippets> {
        Snippets::new(
            searcher,
            built.text_query.as_deref(),
            open,
            req.snippet_chars,
            &snippet::quoted_phrases(&req.query),
        )
    }

    fn new(
        searcher: &Searcher,
        text_query: Option<&dyn Query>,
        open: &OpenIndex,
        max_chars: usize,
        phrases: &[&str],
    ) -> Result<Snippets> {
        let Some(q) = text_query else {
            return Ok(Snippets {
                title: None,
                body: None,
                max_chars,
            });
        };
        let maker = |field| SnippetMaker::create(searcher, q, field, max_chars, phrases);
        Ok(Snippets {
            title: Some(maker(open.fields.title)?),
            body: Some(maker(open.fields.body)?),
            max_chars,
        })
    }

    /// The whole title, with the matches in it marked.
    fn title(&self, title: &str) -> Highlighted {
        match &self.title {
            Some(maker) => maker.highlight_all(title),
            None => Highlighted {
                text: title.to_string(),
                ..Highlighted::default()
            },
        }
    }

    fn body(&self, body: &str) -> Highlighted {
        if let Some(maker) = &self.body {
            let h = maker.make(body);
            if !h.highlights.is_empty() {
                return h;
            }
        }
        // Nothing to highlight in the body (a title or author match, or a filter-only
        // query): show how the article begins.
        Highlighted {
            text: lead(body, self.max_chars),
            ..Highlighted::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_cuts_at_a_word_boundary() {
        assert_eq!(lead("one two three", 9), "one two…");
        assert_eq!(lead("short", 9), "short");
    }
}
