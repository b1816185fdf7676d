//! Ranking evaluation: known-item and topical search on Reuters-21578, categories on BBC News.
//!
//! Run with `cargo bench -p dateline-bench --bench eval -- [--variants all|NAME,NAME..]
//! [--out FILE] [--rebuild] [--sets SET,SET..] [--no-select] [--show SET]`; a NAME of
//! `default:k1=1/b=0.5..` is the default ranking with those knobs (see `spec_variant`).
//! See docs/EVALUATION.md for what is measured and how the queries are made. Not part of
//! `cargo test`: it needs `../shared/corpora` and skips (exit 0) without it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use dateline::index_dir::{self, OpenIndex};
use dateline::indexer;
use dateline::query::{self, Filters};
use dateline::ranking::{self, Ranking};
use dateline::search::{self, Request, SortOrder};
use serde_json::json;
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument};

/// Bump when the way the cached indexes are built changes (the schema version is part of the
/// cache key too). `--rebuild` forces a rebuild, e.g. after a change to the article parser.
const CACHE_VERSION: &str = "eval-1";
/// Seed of every random choice the query generator makes.
const SEED: u64 = 0x5eed_da7e_11e0_2024;
/// About this many Reuters articles become targets; each gives a title and a sentence query.
const REUTERS_TARGETS: usize = 250;
/// About this many BBC articles give a title query.
const BBC_TITLE_QUERIES: usize = 150;
/// Depth of every ranking that is scored (MAP@100).
const DEPTH: usize = 100;

// ---------------------------------------------------------------------------------------
// Text helpers

const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
    "as", "at", "be", "been", "before", "being", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "down", "during", "each", "for", "from", "further", "had", "has", "have",
    "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "just", "may", "me", "more", "most", "mr", "mrs", "ms", "my", "no", "nor", "not",
    "now", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own", "reuter",
    "reuters", "said", "same", "says", "she", "should", "so", "some", "such", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to",
    "too", "under", "until", "up", "very", "vs", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "s", "t",
];

fn is_stop(w: &str) -> bool {
    STOP_WORDS.contains(&w)
}

/// Lower-cased words of `text`, punctuation dropped: a plain bag of words.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn content_words(text: &str) -> Vec<String> {
    words(text).into_iter().filter(|w| !is_stop(w)).collect()
}

/// A morphological variant of `w` (plural/singular, -ed/-ing), as a user might type it.
fn variant(w: &str) -> Option<String> {
    if !w.chars().all(|c| c.is_ascii_alphabetic()) || w.len() < 4 {
        return None;
    }
    let cut = |n: usize| &w[..w.len() - n];
    Some(if w.ends_with("ing") && w.len() > 5 {
        format!("{}ed", cut(3))
    } else if w.ends_with("ed") && w.len() > 4 {
        format!("{}ing", cut(2))
    } else if w.ends_with("ies") {
        format!("{}y", cut(3))
    } else if w.ends_with('s') && !w.ends_with("ss") {
        cut(1).to_string()
    } else if w.ends_with('y') && !w.ends_with("ay") && !w.ends_with("ey") {
        format!("{}ies", cut(1))
    } else {
        format!("{w}s")
    })
}

/// splitmix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn for_key(key: &str) -> Rng {
        Rng(xxhash_rust::xxh3::xxh3_64_with_seed(key.as_bytes(), SEED))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Corpora and their indexes

struct Doc {
    /// Path relative to the corpus root, with `/` separators.
    rel: String,
    title: String,
    body: String,
}

struct Corpus {
    name: &'static str,
    open: OpenIndex,
    searcher: Searcher,
    docs: Vec<Doc>,
    ids: HashMap<DocAddress, usize>,
    /// Corpus index of each stored path, for hits read from `search_with`.
    by_path: HashMap<String, usize>,
}

/// Opens the cached index of `root`, building it first when it is missing or `rebuild`.
fn corpus(name: &'static str, root: &Path, cache: &Path, rebuild: bool) -> Result<Corpus> {
    let path = cache.join(name);
    let done = cache.join(format!("{name}.complete"));
    if rebuild || !done.is_file() {
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("removing {}", path.display()))?;
        }
        std::fs::create_dir_all(&path)?;
        let started = Instant::now();
        eprintln!(
            "eval: indexing {} into {} ...",
            root.display(),
            path.display()
        );
        let mut opts = indexer::Options::new(path.clone());
        opts.dirs = vec![root.to_path_buf()];
        opts.threads = 1;
        let summary = indexer::run(&opts, &AtomicBool::new(false))?;
        eprintln!(
            "eval: indexed {} articles ({} skipped) in {:.1}s",
            summary.indexed,
            summary.skipped,
            started.elapsed().as_secs_f64()
        );
        std::fs::write(&done, format!("{CACHE_VERSION}\n"))?;
    }
    let open = index_dir::open(&path)?;
    let searcher = index_dir::reader(&open.index)?.searcher();
    let root_abs = root.canonicalize()?;
    let mut docs = Vec::new();
    let mut ids = HashMap::new();
    let mut by_path = HashMap::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in segment.doc_ids_alive() {
            let address = DocAddress::new(ord as u32, doc_id);
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |f| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let stored = text(open.fields.path);
            by_path.insert(stored.clone(), docs.len());
            let abs = PathBuf::from(stored);
            let rel = abs
                .strip_prefix(&root_abs)
                .unwrap_or(&abs)
                .to_string_lossy()
                .replace('\\', "/");
            ids.insert(address, docs.len());
            docs.push(Doc {
                rel,
                title: text(open.fields.title),
                body: text(open.fields.body),
            });
        }
    }
    Ok(Corpus {
        name,
        open,
        searcher,
        docs,
        ids,
        by_path,
    })
}

// ---------------------------------------------------------------------------------------
// Query sets

struct EvalQuery {
    text: String,
    /// Documents that count as relevant.
    relevant: Vec<usize>,
    /// How many relevant documents there are in all (for AP); 1 for a known item.
    relevant_count: usize,
    /// Left out of the ranking (the article a title query was taken from).
    exclude: Option<usize>,
    /// Known item: the duplicates of the target count as one item, found at the first of them.
    known_item: bool,
}

struct QuerySet {
    name: String,
    corpus: usize,
    description: String,
    queries: Vec<EvalQuery>,
}

/// The body, normalised: how exact duplicates are recognised.
fn body_key(body: &str) -> String {
    words(body).join(" ")
}

/// Reworded title: lower-cased, stop-words and one seeded word dropped, maybe one word
/// replaced by a morphological variant.
fn title_query(title: &str, rng: &mut Rng) -> Option<String> {
    if words(title).len() < 4 {
        return None;
    }
    let mut ws = content_words(title);
    ws.dedup();
    if ws.len() < 3 {
        return None;
    }
    ws.remove(rng.below(ws.len()));
    if rng.below(2) == 0 {
        let i = rng.below(ws.len());
        if let Some(v) = variant(&ws[i]) {
            ws[i] = v;
        }
    }
    Some(ws.join(" "))
}

/// 5–7 content words of a body sentence of at least 8 words, shuffled.
fn sentence_query(body: &str, rng: &mut Rng) -> Option<String> {
    let candidates: Vec<Vec<String>> = body
        .split(['.', '?', '!', '\n'])
        .filter(|s| words(s).len() >= 8)
        .map(|s| {
            let mut seen = Vec::new();
            for w in content_words(s) {
                let letters = w.chars().any(|c| c.is_alphabetic());
                if letters && w.len() >= 3 && !seen.contains(&w) {
                    seen.push(w);
                }
            }
            seen
        })
        .filter(|ws| ws.len() >= 5)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let mut ws = candidates[rng.below(candidates.len())].clone();
    rng.shuffle(&mut ws);
    ws.truncate(5 + rng.below(3));
    Some(ws.join(" "))
}

fn reuters_queries(c: &Corpus, corpus: usize) -> (QuerySet, QuerySet, usize) {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, d) in c.docs.iter().enumerate() {
        groups.entry(body_key(&d.body)).or_default().push(i);
    }
    let mut order: Vec<usize> = (0..c.docs.len()).collect();
    order.sort_by(|&a, &b| c.docs[a].rel.cmp(&c.docs[b].rel));
    let mut eligible = Vec::new();
    for i in order {
        let d = &c.docs[i];
        if words(&d.body).len() < 30 || body_key(&d.body).starts_with("blah blah") {
            continue;
        }
        let mut rng = Rng::for_key(&d.rel);
        let (Some(t), Some(s)) = (
            title_query(&d.title, &mut rng),
            sentence_query(&d.body, &mut rng),
        ) else {
            continue;
        };
        eligible.push((i, t, s));
    }
    let step = (eligible.len() / REUTERS_TARGETS).max(1);
    let mut titles = Vec::new();
    let mut sentences = Vec::new();
    let mut with_duplicates = 0;
    for (i, t, s) in eligible.into_iter().step_by(step) {
        let group = groups[&body_key(&c.docs[i].body)].clone();
        if group.len() > 1 {
            with_duplicates += 1;
        }
        for (set, text) in [(&mut titles, t), (&mut sentences, s)] {
            set.push(EvalQuery {
                text,
                relevant: group.clone(),
                relevant_count: 1,
                exclude: None,
                known_item: true,
            });
        }
    }
    let n = titles.len();
    (
        QuerySet {
            name: "reuters-title".into(),
            corpus,
            description: format!("{n} known-item queries from reworded titles"),
            queries: titles,
        },
        QuerySet {
            name: "reuters-sentence".into(),
            corpus,
            description: format!(
                "{n} known-item queries from 5-7 shuffled words of a body sentence"
            ),
            queries: sentences,
        },
        with_duplicates,
    )
}

const BBC_TOPICS: &[(&str, &[&str])] = &[
    (
        "business",
        &[
            "interest rates inflation bank",
            "oil prices crude barrel",
            "company profits shares quarter",
            "stock market investors shares",
            "economy growth gdp figures",
            "takeover bid merger deal",
            "dollar exchange rate currency",
            "airline fuel costs losses",
        ],
    ),
    (
        "entertainment",
        &[
            "film box office",
            "oscar nominations best actress",
            "album chart singer",
            "music awards band",
            "television drama series",
            "hollywood movie star director",
            "theatre musical west end",
            "rock band tour concert",
        ],
    ),
    (
        "politics",
        &[
            "general election campaign",
            "prime minister blair",
            "labour conservatives tax plans",
            "immigration asylum policy",
            "parliament vote bill mps",
            "liberal democrats kennedy",
            "home secretary terror laws",
            "chancellor brown budget",
        ],
    ),
    (
        "sport",
        &[
            "football match goal",
            "world cup rugby",
            "tennis open final",
            "premiership manager transfer",
            "olympic athletics champion",
            "cricket test series",
            "injury striker club",
            "six nations england wales",
        ],
    ),
    (
        "tech",
        &[
            "broadband mobile phone",
            "software security virus",
            "video games console",
            "internet users online",
            "digital music downloads",
            "spam email viruses",
            "computer hackers attack",
            "mobile phones 3g networks",
        ],
    ),
];

fn category(d: &Doc) -> &str {
    d.rel.split('/').next().unwrap_or_default()
}

fn bbc_queries(c: &Corpus, corpus: usize) -> (QuerySet, QuerySet) {
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, d) in c.docs.iter().enumerate() {
        members.entry(category(d)).or_default().push(i);
    }
    let mut topics = Vec::new();
    for (cat, queries) in BBC_TOPICS {
        let relevant = members.get(cat).cloned().unwrap_or_default();
        for q in *queries {
            topics.push(EvalQuery {
                text: q.to_string(),
                relevant_count: relevant.len().min(DEPTH),
                relevant: relevant.clone(),
                exclude: None,
                known_item: false,
            });
        }
    }
    let mut order: Vec<usize> = (0..c.docs.len()).collect();
    order.sort_by(|&a, &b| c.docs[a].rel.cmp(&c.docs[b].rel));
    let mut titles = Vec::new();
    // Only the articles of the five categories (the corpus root also holds a README).
    order.retain(|&i| {
        BBC_TOPICS
            .iter()
            .any(|(cat, _)| *cat == category(&c.docs[i]))
    });
    let step = (order.len() / BBC_TITLE_QUERIES).max(1);
    for i in order.into_iter().step_by(step) {
        let ws = content_words(&c.docs[i].title);
        if ws.len() < 2 {
            continue;
        }
        let relevant: Vec<usize> = members[category(&c.docs[i])]
            .iter()
            .copied()
            .filter(|&j| j != i)
            .collect();
        titles.push(EvalQuery {
            text: ws.join(" "),
            relevant_count: relevant.len().min(DEPTH),
            relevant,
            exclude: Some(i),
            known_item: false,
        });
    }
    (
        QuerySet {
            name: "bbc-topics".into(),
            corpus,
            description: format!(
                "{} hand-written topical queries, relevant = same category",
                topics.len()
            ),
            queries: topics,
        },
        QuerySet {
            name: "bbc-titles".into(),
            corpus,
            description: format!(
                "{} article titles (stop-words dropped), relevant = other articles of its category",
                titles.len()
            ),
            queries: titles,
        },
    )
}

/// The Reuters topical development judgments: `topic<TAB>query<TAB>relevant`, the
/// relevant articles as paths relative to the corpus root, comma-separated. None when the
/// file is not there.
fn reuters_topics(c: &Corpus, corpus: usize, file: &Path) -> Result<Option<QuerySet>> {
    if !file.is_file() {
        return Ok(None);
    }
    let by_rel: HashMap<&str, usize> = c
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.rel.as_str(), i))
        .collect();
    let text = std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
    let mut queries = Vec::new();
    let mut missing = 0;
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [_, query, relevant] = cols[..] else {
            bail!(
                "{}: expected topic, query, relevant in '{line}'",
                file.display()
            );
        };
        let mut ids = Vec::new();
        for rel in relevant.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            match by_rel.get(rel) {
                Some(&i) => ids.push(i),
                None => missing += 1,
            }
        }
        queries.push(EvalQuery {
            text: query.to_string(),
            // Every judged article counts, indexed or not (README: min(R, 100)).
            relevant_count: relevant
                .split(',')
                .filter(|r| !r.trim().is_empty())
                .count()
                .min(DEPTH),
            relevant: ids,
            exclude: None,
            known_item: false,
        });
    }
    if missing > 0 {
        eprintln!("eval: reuters-topics: {missing} judged articles are not in the index");
    }
    let n = queries.len();
    Ok(Some(QuerySet {
        name: "reuters-topics".into(),
        corpus,
        description: format!(
            "{n} topical queries judged by the Reuters topic labels (development set)"
        ),
        queries,
    }))
}

// ---------------------------------------------------------------------------------------
// Running and scoring

#[derive(Clone, Copy, Default)]
struct Metrics {
    mrr10: f64,
    found1: f64,
    p10: f64,
    map100: f64,
}

impl Metrics {
    fn get(&self, i: usize) -> f64 {
        [self.mrr10, self.found1, self.p10, self.map100][i]
    }
}

const METRIC_NAMES: [&str; 4] = ["MRR@10", "found@1", "P@10", "MAP@100"];

fn request(text: &str, ranking: &Ranking, limit: usize) -> Request {
    Request {
        query: text.to_string(),
        filters: Filters::default(),
        limit,
        offset: 0,
        sort: SortOrder::Relevance,
        snippet_chars: 0,
        ranking: ranking.clone(),
        facets: None,
        // Judge the ranking itself: every copy is its own document here.
        all_copies: true,
    }
}

/// Rank as `dateline search` shows hits, copies of a story folded into one hit (shown by
/// its earliest member), rather than every copy as its own document (`--folded`).
static FOLDED: AtomicBool = AtomicBool::new(false);

/// The ranked documents (corpus indexes) for `q`, at most DEPTH.
fn rank(c: &Corpus, q: &EvalQuery, ranking: &Ranking) -> Result<Vec<usize>> {
    if FOLDED.load(std::sync::atomic::Ordering::Relaxed) {
        let req = Request {
            all_copies: false,
            ..request(&q.text, ranking, DEPTH + 1)
        };
        let results = search::search(&c.searcher, &c.open, &req)?;
        return Ok(results
            .hits
            .iter()
            .filter_map(|h| c.by_path.get(&h.path).copied())
            .filter(|&i| Some(i) != q.exclude)
            .take(DEPTH)
            .collect());
    }
    let built = query::build(
        &c.open.index,
        &c.open.fields,
        &q.text,
        &Filters::default(),
        ranking,
    )?;
    let req = request(&q.text, ranking, DEPTH + 1);
    let (_, top) = search::top_docs(&c.searcher, &built, &req)?;
    Ok(top
        .into_iter()
        .map(|(_, a)| c.ids[&a])
        .filter(|&i| Some(i) != q.exclude)
        .take(DEPTH)
        .collect())
}

/// Metrics of one query.
fn score(q: &EvalQuery, ranked: &[usize]) -> Metrics {
    let rel = |i: &usize| q.relevant.contains(i);
    let first = ranked.iter().position(rel);
    let mrr10 = match first {
        Some(r) if r < 10 => 1.0 / (r + 1) as f64,
        _ => 0.0,
    };
    let found1 = if first == Some(0) { 1.0 } else { 0.0 };
    let p10 = ranked.iter().take(10).filter(|i| rel(i)).count() as f64 / 10.0;
    let map100 = if q.known_item {
        first.map_or(0.0, |r| 1.0 / (r + 1) as f64)
    } else {
        let mut hits = 0;
        let mut sum = 0.0;
        for (r, i) in ranked.iter().enumerate() {
            if rel(i) {
                hits += 1;
                sum += hits as f64 / (r + 1) as f64;
            }
        }
        sum / q.relevant_count.max(1) as f64
    };
    Metrics {
        mrr10,
        found1,
        p10,
        map100,
    }
}

#[derive(Clone)]
struct SetResult {
    mean: Metrics,
    /// Per-query reciprocal rank within DEPTH, for wins/losses against the baseline.
    per_query: Vec<f64>,
}

fn evaluate(corpora: &[Corpus], set: &QuerySet, ranking: &Ranking) -> Result<SetResult> {
    let c = &corpora[set.corpus];
    let mut sum = Metrics::default();
    let mut per_query = Vec::with_capacity(set.queries.len());
    for q in &set.queries {
        let ranked = rank(c, q, ranking).with_context(|| format!("query '{}'", q.text))?;
        let m = score(q, &ranked);
        sum.mrr10 += m.mrr10;
        sum.found1 += m.found1;
        sum.p10 += m.p10;
        sum.map100 += m.map100;
        per_query.push(m.map100);
    }
    let n = set.queries.len().max(1) as f64;
    Ok(SetResult {
        mean: Metrics {
            mrr10: sum.mrr10 / n,
            found1: sum.found1 / n,
            p10: sum.p10 / n,
            map100: sum.map100 / n,
        },
        per_query,
    })
}

/// Checks that the top 10 equals the first 10 of a full scoring, both as dateline's
/// `top_docs` computes it (for plain queries of two or three words, `topk`'s two passes)
/// and with TopDocs alone, which takes the block-max WAND path where it can.
fn check_pruning(c: &Corpus, q: &EvalQuery, ranking: &Ranking) -> Result<()> {
    type Ranked = Vec<(Score, DocAddress)>;
    let mut built = query::build(
        &c.open.index,
        &c.open.fields,
        &q.text,
        &Filters::default(),
        ranking,
    )?;
    // Pruning is the first pass's: rescoring re-sorts what it finds.
    built.rescore = None;
    let top_k = |k: usize| -> Result<Ranked> {
        ranking::search(
            &c.searcher,
            &*built.query,
            &TopDocs::with_limit(k).order_by_score(),
            ranking,
        )
    };
    let mut full = top_k(c.searcher.num_docs() as usize)?;
    // A page lists the counted set (every word) first, each part in score order.
    let addresses: Vec<DocAddress> = full.iter().map(|x| x.1).collect();
    let counted = search::matching(&c.searcher, &*built.count_query, &addresses)?;
    let (mut tiered, rest): (Vec<_>, Vec<_>) = full
        .iter()
        .copied()
        .zip(counted)
        .partition(|(_, counted)| *counted);
    tiered.extend(rest);
    let mut tiered: Ranked = tiered.into_iter().map(|(x, _)| x).collect();
    tiered.truncate(10);
    full.truncate(10);
    let pruned = top_k(10)?;
    let (_, page) = search::top_docs(&c.searcher, &built, &request(&q.text, ranking, 10))?;
    let page: Ranked = page
        .into_iter()
        .map(|(s, a)| (s.unwrap_or(f32::NAN), a))
        .collect();
    // `topk` sums the same terms in another order: its scores may differ from a full
    // scoring's in the last float digits, no more.
    let near = |a: Score, b: Score| (a - b).abs() <= 1e-4 * b.abs().max(1.0);
    let same_scores = |v: &Ranked, full: &Ranked| {
        v.len() == full.len() && v.iter().zip(full).all(|(x, y)| near(x.0, y.0))
    };
    // Ties at the cut may be broken differently; above the 10th score the sets must agree
    // (within each tier, for a page).
    let above = |v: &Ranked, full: &Ranked| {
        let last = full.last().map_or(0.0, |x| x.0);
        let mut d: Vec<DocAddress> = v
            .iter()
            .filter(|x| x.0 > last && !near(x.0, last))
            .map(|x| x.1)
            .collect();
        d.sort();
        d
    };
    for (how, got, full) in [
        ("TopDocs(10)", &pruned, &full),
        ("top_docs", &page, &tiered),
    ] {
        if !same_scores(got, full) || above(got, full) != above(full, full) {
            bail!(
                "{how} differs from full scoring for '{}': {:?} vs {:?}",
                q.text,
                got,
                full
            );
        }
    }
    Ok(())
}

/// Every query of `set` with its P@10 and AP@100 and the top 10 under `ranking` (`+` marks
/// a relevant article): what failure analysis reads.
fn show_set(corpora: &[Corpus], set: &QuerySet, name: &str, ranking: &Ranking) -> Result<()> {
    let c = &corpora[set.corpus];
    println!("\n### {} under {name}\n", set.name);
    for q in &set.queries {
        let ranked = rank(c, q, ranking)?;
        let m = score(q, &ranked);
        println!("{:>5.2} {:>5.3}  {}", m.p10, m.map100, q.text);
        // EVAL_SHOW_DEPTH=25 shows what stands just below the top 10, for failure analysis.
        let depth = std::env::var("EVAL_SHOW_DEPTH")
            .ok()
            .and_then(|d| d.parse().ok())
            .unwrap_or(10);
        for &i in ranked.iter().take(depth) {
            let mark = if q.relevant.contains(&i) { '+' } else { ' ' };
            let title: String = c.docs[i].title.chars().take(70).collect();
            println!("        {mark} {title}  [{}]", c.docs[i].rel);
        }
    }
    Ok(())
}

/// Lowest change of a mean metric that counts as a change.
const TOLERANCE: f64 = 0.002;

/// `keep` when some metric of some query set went up and none went down.
fn verdict_of(per_set: &[SetResult], base: &[SetResult]) -> &'static str {
    let (mut up, mut down) = (false, false);
    for (s, b) in per_set.iter().zip(base) {
        for m in 0..4 {
            let d = s.mean.get(m) - b.mean.get(m);
            up |= d > TOLERANCE;
            down |= d < -TOLERANCE;
        }
    }
    match (up, down) {
        (true, false) => "keep",
        (false, false) => "neutral",
        (true, true) => "mixed",
        (false, true) => "worse",
    }
}

/// The verdict, and how many queries got a better and a worse AP@100 than in `base`.
fn verdict(per_set: &[SetResult], base: &[SetResult]) -> (&'static str, usize, usize) {
    let (mut wins, mut losses) = (0, 0);
    for (s, b) in per_set.iter().zip(base) {
        for (x, y) in s.per_query.iter().zip(&b.per_query) {
            wins += usize::from(x > y);
            losses += usize::from(x < y);
        }
    }
    (verdict_of(per_set, base), wins, losses)
}

/// Mean of the four metrics over all query sets, each set weighing the same.
fn overall(per_set: &[SetResult]) -> f64 {
    per_set
        .iter()
        .map(|s| (0..4).map(|m| s.mean.get(m)).sum::<f64>())
        .sum::<f64>()
        / (4 * per_set.len()) as f64
}

fn evaluate_all(corpora: &[Corpus], sets: &[QuerySet], r: &Ranking) -> Result<Vec<SetResult>> {
    sets.iter().map(|s| evaluate(corpora, s, r)).collect()
}

type Change = Box<dyn Fn(&mut Ranking)>;

/// The single knob changes forward selection tries.
fn knob_changes() -> Vec<(String, Change)> {
    let mut v: Vec<(String, Change)> = Vec::new();
    for t in [1.0f32, 1.5, 2.5, 3.0] {
        v.push((
            format!("title_boost={t}"),
            Box::new(move |r| r.title_boost = t),
        ));
    }
    for t in [5.0f32, 10.0, 20.0] {
        v.push((
            format!("all_words_tier={t}"),
            Box::new(move |r| r.all_words_tier = t),
        ));
    }
    for b in [0.5f32, 1.0, 2.0, 4.0] {
        v.push((
            format!("all_words_boost={b}"),
            Box::new(move |r| r.all_words_boost = b),
        ));
    }
    for slop in [1u32, 3, 10] {
        v.push((
            format!("proximity_tier=5,slop={slop}"),
            Box::new(move |r| {
                r.proximity_tier = 5.0;
                r.proximity_slop = slop;
            }),
        ));
        v.push((
            format!("proximity_boost=1,slop={slop}"),
            Box::new(move |r| {
                r.proximity_boost = 1.0;
                r.proximity_slop = slop;
            }),
        ));
    }
    for b in [0.25f32, 0.5, 1.0] {
        v.push((
            format!("pair_boost={b}"),
            Box::new(move |r| r.pair_boost = b),
        ));
    }
    for s in [0.75f32, 1.5, 2.0, 3.0] {
        v.push((
            format!("avg_length_scale={s}"),
            Box::new(move |r| r.avg_length_scale = s),
        ));
    }
    v
}

// ---------------------------------------------------------------------------------------
// Variants

fn with(f: impl FnOnce(&mut Ranking)) -> Ranking {
    let mut r = Ranking::bm25();
    f(&mut r);
    r
}

/// The best combination the grid (`--variants all`) found; see docs/EVALUATION.md. dateline's
/// default is set to it, so the two stay one definition.
fn best() -> Ranking {
    Ranking::default()
}

fn standard_variants() -> Vec<(String, Ranking)> {
    let mut v: Vec<(String, Ranking)> = vec![
        ("bm25".into(), Ranking::bm25()),
        (
            "+all_words_tier=10".into(),
            with(|r| r.all_words_tier = 10.0),
        ),
        (
            "+all_words_boost=1".into(),
            with(|r| r.all_words_boost = 1.0),
        ),
        (
            "+proximity_tier=5,slop=3".into(),
            with(|r| {
                r.proximity_tier = 5.0;
                r.proximity_slop = 3;
            }),
        ),
        (
            "+proximity_boost=1,slop=3".into(),
            with(|r| {
                r.proximity_boost = 1.0;
                r.proximity_slop = 3;
            }),
        ),
        ("+pair_boost=0.5".into(), with(|r| r.pair_boost = 0.5)),
    ];
    for s in [1.5f32, 2.0, 3.0] {
        v.push((
            format!("+avg_length_scale={s}"),
            with(|r| r.avg_length_scale = s),
        ));
    }
    for t in [1.0f32, 3.0] {
        v.push((format!("title_boost={t}"), with(|r| r.title_boost = t)));
    }
    v.push(("default".into(), Ranking::default()));
    v.push(("best".into(), best()));
    v
}

fn grid_variants() -> Vec<(String, Ranking)> {
    let mut v = Vec::new();
    for title_boost in [1.0f32, 1.5, 2.0] {
        for all_words_tier in [0.0f32, 10.0] {
            for proximity_tier in [0.0f32, 5.0] {
                for pair_boost in [0.0f32, 0.5] {
                    for (all_words_boost, avg_length_scale) in
                        [(0.0, 1.0), (1.0, 1.0), (2.0, 1.0), (1.0, 1.5)]
                    {
                        let r = Ranking {
                            title_boost,
                            all_words_tier,
                            all_words_boost,
                            proximity_tier,
                            proximity_slop: if proximity_tier > 0.0 { 3 } else { 0 },
                            pair_boost,
                            avg_length_scale,
                            ..Ranking::bm25()
                        };
                        v.push((format!("grid {}", short(&r)), r));
                    }
                }
            }
        }
    }
    v
}

/// `Ranking::default()` with the knobs `spec` names changed, e.g.
/// `d=300/k1=1.0/b=0.5/stem=0.5/table=0.3` (rescore depth, body k1 and b, stem-only weight,
/// table prior; also `t=` title boost, `len=` avg_length_scale, `pw=`/`pn=` the body phrase
/// part's weight and window): what `--variants
/// 'default:...'` runs, to tune without a rebuild.
fn spec_variant(spec: &str) -> Result<Ranking> {
    let mut r = Ranking::default();
    for part in spec.split('/').filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .with_context(|| format!("'{part}': write knob=value"))?;
        let x: f32 = v
            .parse()
            .with_context(|| format!("'{part}': not a number"))?;
        match k {
            "d" => r.rescore_depth = x as usize,
            "k1" => r.topical.body_k1 = x,
            "b" => r.topical.body_b = x,
            "stem" => r.topical.stem_only_weight = x,
            "table" => r.topical.table_prior = x,
            "t" => r.title_boost = x,
            "len" => r.avg_length_scale = x,
            "w" => r.topical_words = x as usize,
            "brief" => r.topical.brief_prior = x,
            "bw" => r.topical.brief_words = x,
            "fk" => r.topical.feedback_docs = x as usize,
            "fm" => r.topical.feedback_terms = x as usize,
            "fl" => r.topical.feedback_weight = x,
            "pw" => r.topical.phrase_weight = x,
            "name" => r.topical.name_weight = x,
            "pn" => r.topical.phrase_window = x as u32,
            _ => bail!("unknown knob '{k}' in '{spec}'"),
        }
    }
    Ok(r)
}

fn short(r: &Ranking) -> String {
    format!(
        "t{} aw{}/{} px{}/{}~{} pr{} len{}",
        r.title_boost,
        r.all_words_tier,
        r.all_words_boost,
        r.proximity_tier,
        r.proximity_boost,
        r.proximity_slop,
        r.pair_boost,
        r.avg_length_scale
    )
}

fn ranking_json(r: &Ranking) -> serde_json::Value {
    json!({
        "title_boost": r.title_boost,
        "all_words_tier": r.all_words_tier,
        "all_words_boost": r.all_words_boost,
        "proximity_tier": r.proximity_tier,
        "proximity_boost": r.proximity_boost,
        "proximity_slop": r.proximity_slop,
        "pair_boost": r.pair_boost,
        "avg_length_scale": r.avg_length_scale,
        "rescore_depth": r.rescore_depth,
        "body_k1": r.topical.body_k1,
        "body_b": r.topical.body_b,
        "stem_only_weight": r.topical.stem_only_weight,
        "table_prior": r.topical.table_prior,
        "topical_words": r.topical_words,
        "brief_prior": r.topical.brief_prior,
        "brief_words": r.topical.brief_words,
    })
}

// ---------------------------------------------------------------------------------------

struct Args {
    variants: String,
    out: Option<PathBuf>,
    rebuild: bool,
    /// Only these query sets (all when empty).
    sets: Vec<String>,
    /// Skip forward selection (it runs every knob change on every set, a few minutes).
    no_select: bool,
    /// Print this set's queries with the top 10 of the last listed variant.
    show: Option<String>,
}

fn args() -> Result<Args> {
    let mut a = Args {
        variants: "standard".into(),
        out: None,
        rebuild: false,
        sets: Vec::new(),
        no_select: false,
        show: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--variants" => a.variants = it.next().context("--variants needs a value")?,
            "--folded" => FOLDED.store(true, std::sync::atomic::Ordering::Relaxed),
            "--out" => a.out = Some(it.next().context("--out needs a file")?.into()),
            "--rebuild" => a.rebuild = true,
            "--sets" => {
                let v = it.next().context("--sets needs a value")?;
                a.sets = v.split(',').map(str::to_string).collect();
            }
            "--no-select" => a.no_select = true,
            "--show" => a.show = Some(it.next().context("--show needs a set name")?),
            // cargo bench passes --bench to every bench target.
            "--bench" => {}
            other => eprintln!("eval: ignoring argument {other}"),
        }
    }
    Ok(a)
}

fn main() -> Result<()> {
    let shared = dateline_bench::shared_corpora();
    let (reuters_root, bbc_root) = (shared.join("reuters21578"), shared.join("bbc"));
    if !reuters_root.is_dir() || !bbc_root.is_dir() {
        println!(
            "eval: skipped, {} (reuters21578 and bbc) is not there",
            shared.display()
        );
        return Ok(());
    }
    let args = args()?;
    let cache = dateline_bench::target_dir()
        .join("dateline-eval")
        .join(format!(
            "{CACHE_VERSION}-schema{}",
            dateline::schema::SCHEMA_VERSION
        ));
    std::fs::create_dir_all(&cache)?;
    let corpora = vec![
        corpus("reuters21578", &reuters_root, &cache, args.rebuild)?,
        corpus("bbc", &bbc_root, &cache, args.rebuild)?,
    ];
    for c in &corpora {
        eprintln!("eval: {}: {} documents", c.name, c.docs.len());
    }
    let (rt, rs, dups) = reuters_queries(&corpora[0], 0);
    let (bt, bti) = bbc_queries(&corpora[1], 1);
    let mut sets = vec![rt, rs, bt, bti];
    let topics = shared.join("../eval/reuters-dev-topics.tsv");
    match reuters_topics(&corpora[0], 0, &topics)? {
        Some(set) => sets.push(set),
        None => eprintln!(
            "eval: {} is not there: no reuters-topics set",
            topics.display()
        ),
    }
    if !args.sets.is_empty() {
        sets.retain(|s| args.sets.contains(&s.name));
    }
    eprintln!("eval: {dups} Reuters targets have exact duplicates (any copy counts as found)");
    for s in &sets {
        eprintln!("eval: {}: {}", s.name, s.description);
    }

    let mut variants = standard_variants();
    match args.variants.as_str() {
        "standard" => {}
        "all" => variants.extend(grid_variants()),
        names => {
            let wanted: Vec<&str> = names.split(',').collect();
            variants.retain(|(n, _)| n == "bm25" || wanted.contains(&n.as_str()));
            for name in wanted {
                if let Some(spec) = name.strip_prefix("default:") {
                    variants.push((name.to_string(), spec_variant(spec)?));
                }
            }
        }
    }

    // Block-max pruning must not change the top 10, in particular when the statistics are
    // scaled (avg_length_scale): checked for every variant but the grid's.
    let mut checked = 0;
    for (name, r) in &variants {
        if name.starts_with("grid") {
            continue;
        }
        for s in &sets {
            for q in s.queries.iter().take(10) {
                check_pruning(&corpora[s.corpus], q, r)
                    .with_context(|| format!("variant {name}"))?;
                checked += 1;
            }
        }
    }
    eprintln!("eval: block-max pruning gave the exact top 10 for {checked} (variant, query) pairs");

    let mut results: Vec<(String, Ranking, Vec<SetResult>, f64)> = Vec::new();
    for (name, r) in variants {
        let started = Instant::now();
        let per_set = sets
            .iter()
            .map(|s| evaluate(&corpora, s, &r))
            .collect::<Result<Vec<_>>>()?;
        let secs = started.elapsed().as_secs_f64();
        eprintln!("eval: {name}: {secs:.1}s");
        results.push((name, r, per_set, secs));
    }

    let base = &results[0].2;
    let against_base = |per_set: &[SetResult]| verdict(per_set, base);

    // Forward selection: from the baseline, apply the single knob change that raises the
    // mean of all metrics most while lowering none; repeat until no change qualifies.
    let mut current = Ranking::bm25();
    let mut current_res = results[0].2.clone();
    let mut path = vec![("bm25".to_string(), overall(&current_res))];
    if !args.no_select {
        loop {
            let mut chosen: Option<(String, Ranking, Vec<SetResult>)> = None;
            for (name, change) in knob_changes() {
                let mut r = current.clone();
                change(&mut r);
                if r == current {
                    continue;
                }
                let res = evaluate_all(&corpora, &sets, &r)?;
                if verdict_of(&res, &current_res) != "keep" {
                    continue;
                }
                if chosen
                    .as_ref()
                    .is_none_or(|c| overall(&res) > overall(&c.2))
                {
                    chosen = Some((name, r, res));
                }
            }
            let Some((name, r, res)) = chosen else { break };
            eprintln!(
                "eval: forward selection keeps {name} -> {:.4}",
                overall(&res)
            );
            path.push((name, overall(&res)));
            current = r;
            current_res = res;
        }
    }
    let selected = (current.clone(), current_res);

    let best_idx = results
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(against_base(&r.2).0, "keep" | "neutral"))
        .max_by(|a, b| overall(&a.1 .2).total_cmp(&overall(&b.1 .2)))
        .map(|(i, _)| i)
        .unwrap_or(0);

    for (si, s) in sets.iter().enumerate() {
        println!("\n### {} ({})\n", s.name, s.description);
        println!("| variant | MRR@10 | found@1 | P@10 | MAP@100 |");
        println!("|---|---:|---:|---:|---:|");
        for (name, _, per_set, _) in &results {
            let m = per_set[si].mean;
            println!(
                "| {name} | {:.3} | {:.3} | {:.3} | {:.3} |",
                m.mrr10, m.found1, m.p10, m.map100
            );
        }
    }
    println!("\n### Against the baseline (all query sets)\n");
    println!(
        "Verdict: keep = some mean metric of some query set up by more than {TOLERANCE}, \
         none down by more. Queries better/worse: per-query AP@100 (reciprocal rank for \
         known items) against bm25.\n"
    );
    let default_res = results
        .iter()
        .find(|r| r.0 == "default")
        .map(|r| r.2.clone());
    println!(
        "| variant | verdict vs bm25 | queries better | queries worse | verdict vs default \
         | mean of all metrics | seconds |"
    );
    println!("|---|---|---:|---:|---|---:|---:|");
    for (name, _, per_set, secs) in &results {
        let (v, w, l) = against_base(per_set);
        let vd = default_res.as_ref().map_or("-", |d| verdict_of(per_set, d));
        println!(
            "| {name} | {v} | {w} | {l} | {vd} | {:.4} | {secs:.1} |",
            overall(per_set)
        );
    }
    if let Some(show) = &args.show {
        if let (Some(si), Some((name, r, _, _))) =
            (sets.iter().position(|s| &s.name == show), results.last())
        {
            show_set(&corpora, &sets[si], name, r)?;
        }
    }
    let (bn, br, _, _) = &results[best_idx];
    println!("\nBest listed variant that hurts nothing against bm25: {bn}: {br:?}");
    println!("\n### Forward selection (each step keeps the knob change that raises the mean of all metrics most and lowers no metric of any query set)\n");
    println!("| step | mean of all metrics |");
    println!("|---|---:|");
    for (name, m) in &path {
        println!("| {name} | {m:.4} |");
    }
    println!("\nselected: {:?}", selected.0);

    if let Some(out) = &args.out {
        let json = json!({
            "cache_version": CACHE_VERSION,
            "seed": SEED,
            "reuters_targets_with_duplicates": dups,
            "metrics": METRIC_NAMES,
            "query_sets": sets.iter().map(|s| json!({
                "name": s.name,
                "description": s.description,
                "queries": s.queries.iter().map(|q| q.text.clone()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "results": results.iter().map(|(name, r, per_set, secs)| {
                let (v, w, l) = against_base(per_set);
                json!({
                    "variant": name,
                    "ranking": ranking_json(r),
                    "verdict": v,
                    "queries_better": w,
                    "queries_worse": l,
                    "seconds": secs,
                    "mean_of_all_metrics": overall(per_set),
                    "sets": sets.iter().zip(per_set).map(|(s, p)| json!({
                        "set": s.name,
                        "mrr10": p.mean.mrr10,
                        "found1": p.mean.found1,
                        "p10": p.mean.p10,
                        "map100": p.mean.map100,
                    })).collect::<Vec<_>>(),
                })
            }).collect::<Vec<_>>(),
            "best_listed": { "variant": bn, "ranking": ranking_json(br) },
            "forward_selection": {
                "steps": path.iter().map(|(n, m)| json!({"change": n, "mean_of_all_metrics": m})).collect::<Vec<_>>(),
                "ranking": ranking_json(&selected.0),
            },
        });
        std::fs::write(out, serde_json::to_string_pretty(&json)?)?;
        eprintln!("eval: wrote {}", out.display());
    }
    Ok(())
}
