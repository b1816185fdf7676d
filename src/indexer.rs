//! Building and updating the index from archive folders.
//!
//! Every run is incremental: the index itself records, with each document, the path, size,
//! modification time and content hash of the file it came from. A run compares that record
//! with the folders and only reads what is new or changed, and deletes what is gone.
//! A file read whole is written between two commits, so a crash leaves it wholly in the
//! index or wholly out. A file read in pieces (an archive, a large JSON Lines file) may be
//! caught part-way by a commit, so that a long one holds back no batch: the commit lists it
//! in `Meta::partial`, and the next run reads it again whole in place of what is in.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use crossbeam_channel::{bounded, Receiver, Select, Sender, TryRecvError};
use serde::Serialize;
use tantivy::directory::DirectoryLock;
use tantivy::schema::Term;
use tantivy::{DateTime, IndexWriter, TantivyDocument, TantivyError};

use crate::article::{self, dateline, Record};
use crate::ids::{self, IdMap, IdSet};
use crate::index_dir::{self, reader, Meta, OpenIndex};
use crate::merge::BudgetMergePolicy;
use crate::pending::{BudgetedDoc, Held, Pending};
use crate::problems::{Problem, Severity};
use crate::read::absolute;
use crate::read::file::{read_and_send, FileOutcome, Room};
use crate::read::pieces::{Piece, PieceEnd};
use crate::read::walk::{self, FoundFile, Walk};
use crate::schema::{self, author_key, Fields};
use crate::simhash;
use crate::tabular;

/// tantivy's writer, taking documents that hold their share of [`Pending`]'s cap.
type Writer = IndexWriter<BudgetedDoc>;

#[derive(Debug, Clone)]
pub struct Options {
    pub index: PathBuf,
    /// Folders named on the command line; empty means "the folders the index remembers".
    pub dirs: Vec<PathBuf>,
    /// Folder read when neither the command line nor the index names any.
    pub default_dir: PathBuf,
    pub rebuild: bool,
    /// Indexing threads; 0 picks one per core.
    pub threads: usize,
    /// tantivy's indexing memory budget, in MB, shared by all threads.
    pub memory_mb: usize,
    /// Articles (a `.txt` file, a JSON Lines record) larger than this many MB are skipped
    /// and reported, so no input can take unbounded memory.
    pub max_article_mb: u64,
    /// Commit after this many documents or this much time, whichever comes first, so a crash
    /// loses at most one batch. `None`: [`UPDATE_BATCH_DOCS`] when updating an index, and no
    /// count at all on a fresh build (time only), so that segments are as large as the memory
    /// budget allows instead of being cut short by each commit and merged again later.
    pub batch_docs: Option<usize>,
    pub batch_time: Duration,
}

impl Options {
    pub fn new(index: PathBuf) -> Options {
        Options {
            index,
            dirs: Vec::new(),
            default_dir: PathBuf::from("corpus"),
            rebuild: false,
            threads: 0,
            memory_mb: DEFAULT_MEMORY_MB,
            max_article_mb: DEFAULT_MAX_ARTICLE_MB,
            batch_docs: None,
            batch_time: Duration::from_secs(30),
        }
    }
}

pub const DEFAULT_MEMORY_MB: usize = 200;
pub const DEFAULT_MAX_ARTICLE_MB: u64 = 64;
/// Documents per commit when updating an index that already has documents.
pub const UPDATE_BATCH_DOCS: usize = 50_000;
/// tantivy refuses less than this per indexing thread.
const MIN_MB_PER_THREAD: usize = 16;
/// ... and this much or more (its limit is just under 4 GB).
const MAX_MB_PER_THREAD: usize = 4095;

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Articles written to the index in this run.
    pub indexed: u64,
    /// Files and JSONL lines not indexed, each listed in `problems`.
    pub skipped: u64,
    pub warnings: u64,
    pub problems: Vec<Problem>,
    pub elapsed_ms: u64,
    /// Files new to the index, replaced because they changed, removed because they are gone,
    /// and found unchanged.
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    pub unchanged: u64,
    /// Records read that are not articles and not problems (a WARC file's requests,
    /// redirects and images), counted rather than listed.
    pub passed_over: u64,
    /// Articles in the index after the run.
    pub articles: u64,
    pub folders: Vec<String>,
    /// True when the run was interrupted; what was committed stays.
    pub interrupted: bool,
}

impl Summary {
    /// Counts the problems listed: files and lines skipped, and warnings.
    fn count_problems(&mut self) {
        self.skipped = self
            .problems
            .iter()
            .filter(|p| p.kind == Severity::Skipped)
            .count() as u64;
        self.warnings = self.problems.len() as u64 - self.skipped;
    }
}

/// What the index holds for one source file.
#[derive(Debug, Clone, Copy)]
struct Indexed {
    size: u64,
    mtime_ns: i64,
    hash: u64,
    /// Id of the folder it was found under.
    root: u64,
}

/// Reads, per source file id, what is stored with its documents: fast fields only, so even
/// a million files load quickly and cost no strings.
fn indexed_files(searcher: &tantivy::Searcher) -> Result<IdMap<Indexed>> {
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

/// Opens the index for writing, creating it as needed.
fn open_for_update(opts: &Options) -> Result<OpenIndex> {
    if index_dir::exists(&opts.index) {
        index_dir::open(&opts.index)
    } else {
        index_dir::create(&opts.index)
    }
}

fn writer_for(open: &OpenIndex, opts: &Options) -> Result<Writer> {
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
const PENDING_SHARE: u64 = 8;
const MIN_PENDING_MB: u64 = 16;

fn pending_cap(memory_mb: usize) -> u64 {
    ((memory_mb as u64) / PENDING_SHARE).max(MIN_PENDING_MB) << 20
}

/// A merge may read this share of the memory budget's worth of index.
const MERGE_SHARE: u64 = 4;

fn make_doc(
    f: &Fields,
    file: &FoundFile,
    key: &str,
    root: u64,
    hash: u64,
    record: &Record,
) -> TantivyDocument {
    let a = &record.article;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.title, &a.title);
    for name in &a.authors {
        doc.add_text(f.author, name);
        doc.add_text(f.author_key, author_key(name));
        doc.add_text(f.author_facet, name);
    }
    // Read once: the fingerprint below leaves the dateline out of the story too.
    let from_body = dateline::parse(&a.body);
    let (place, source) = dateline::place_and_source(a, from_body.as_ref());
    if let Some(place) = place {
        doc.add_text(f.place, place);
        doc.add_text(f.place_facet, place);
    }
    if let Some(source) = source {
        doc.add_text(f.source, source);
        doc.add_text(f.source_facet, source);
    }
    let print = simhash::fingerprint_with(&a.body, from_body.is_some());
    doc.add_u64(f.simhash, print);
    if let Some(date) = a.date {
        let secs = date.datetime.and_utc().timestamp();
        doc.add_date(f.date, DateTime::from_timestamp_secs(secs));
    }
    doc.add_text(f.body, &a.body);
    doc.add_text(f.inflected, &a.title);
    doc.add_text(f.named, &a.body);
    doc.add_u64(f.tabular, u64::from(tabular::tabularity(&a.body)));
    doc.add_text(f.path, key);
    doc.add_u64(f.path_id, file.id);
    doc.add_u64(f.root_id, root);
    if let Some(line) = record.line {
        doc.add_u64(f.line, line);
    }
    if let Some(n) = record.record {
        doc.add_u64(f.record, n);
    }
    if let Some(member) = &record.member {
        doc.add_text(f.member, member);
    }
    if let Some(url) = &a.url {
        doc.add_text(f.url, url);
    }
    let id = schema::article_hash(
        file.id,
        record.member.as_deref(),
        record.line,
        record.record,
    );
    doc.add_u64(f.id, id);
    doc.add_u64(f.size, file.size);
    doc.add_i64(f.mtime, file.mtime_ns);
    doc.add_u64(f.hash, hash);
    doc
}

/// Adds a file's records (or a piece of them) to the index, each document made by `doc`
/// and carrying the file's share of the read-ahead room, if it holds one; returns how many.
fn add_records(
    writer: &mut Writer,
    pending: &Pending,
    records: Vec<Record>,
    (doc, held): (
        impl Fn(&Record) -> TantivyDocument,
        Option<&std::sync::Arc<Held>>,
    ),
    target: &Path,
) -> Result<usize> {
    let n = records.len();
    // One by one, so each record's text is freed once tantivy has its document.
    for record in records {
        let a = &record.article;
        let bytes = (a.body.len() + a.title.len()) as u64;
        let admitted = pending.admit_with(doc(&record), bytes, held.cloned());
        if let Err(e) = writer.add_document(admitted) {
            return Err(write_failed(target, worker_error(writer, e)));
        }
    }
    Ok(n)
}

/// tantivy's writer refuses documents once one of its threads died ("an index writer was
/// killed"); the reason (a full disk, an I/O error) is what that thread returned, which
/// joining the threads, as preparing a commit does, brings out. The prepared commit is
/// dropped unused: nothing is committed.
fn worker_error(writer: &mut Writer, refused: TantivyError) -> TantivyError {
    match writer.prepare_commit() {
        Err(e) => e,
        Ok(_) => refused,
    }
}

/// The one line a failed write of the index ends the run with: which disk, what to do, and
/// that nothing committed was lost (tantivy only ever replaces `meta.json` whole).
pub fn write_failed(target: &Path, err: impl Into<anyhow::Error>) -> anyhow::Error {
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

/// Adds a file's problems to the summary.
fn report(summary: &mut Summary, key: &str, problems: Vec<article::Problem>) {
    summary
        .problems
        .extend(problems.into_iter().map(|p| Problem::in_file(key, p)));
}

/// Removes the index files no commit refers to: what a failed or killed run wrote after its
/// last commit (segments, merges), which would otherwise take the space the next run needs.
/// tantivy itself only does this after a commit. `writer` holds the index's lock, so no
/// other run is writing files of its own.
fn collect_garbage<D: tantivy::Document>(writer: &IndexWriter<D>, target: &Path) -> Result<()> {
    writer
        .garbage_collect_files()
        .wait()
        .map_err(|e| write_failed(target, e))?;
    Ok(())
}

fn commit(writer: &mut Writer, meta: &Meta, target: &Path) -> Result<()> {
    let payload = serde_json::to_string(meta)?;
    let mut prepared = writer
        .prepare_commit()
        .map_err(|e| write_failed(target, e))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|e| write_failed(target, e))?;
    Ok(())
}

/// What a pass tells its caller as it goes, for the command to show (the walk streams, so
/// the number of files is not known up front).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// One more file was read and applied to the index.
    FileRead,
    /// Every file is read; what is left is the pass's last commit.
    Walked,
}

/// What the walk reports when it is done.
struct WalkResult {
    /// Files found (by id), changed or not.
    seen: IdSet,
    /// Files found whose size and modification time match the index: not read.
    unchanged: u64,
    problems: Vec<Problem>,
    /// Folders that exist and were read.
    scanned: Vec<PathBuf>,
}

/// How files are read: the cap on one article, the room shared by files read ahead, and
/// the files read again whatever their size and time say.
#[derive(Clone, Copy)]
struct Limits<'a> {
    max_article_mb: u64,
    read_ahead: &'a Pending,
    resume: &'a IdSet,
}

/// Walks the folders, compares each file with the index, and reads and parses the new and
/// changed ones in parallel, sending them to the indexing thread.
///
/// What the index holds is loaded into `indexed` here, from `searcher`, when the first
/// files have been found: the walk's first batches are listed and stat-ed meanwhile,
/// rather than a no-op run starting with a wait for the load. The searcher is dropped once
/// loaded, so the columns it read do not stay mapped for the rest of the pass.
fn walk_and_read(
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

/// The indexing thread's side of one pass: it applies each file the walk sends to the
/// index, counts it, and commits in batches.
struct Pass<'a> {
    writer: &'a mut Writer,
    /// Bound the text waiting in tantivy's queue, and read ahead of this thread.
    pending: &'a Pending,
    read_ahead: &'a Pending,
    fields: &'a Fields,
    /// Stored with every commit; its `partial` list is kept up to date by the pass.
    meta: &'a mut Meta,
    /// What the index held when the walk started, loaded by the walk.
    indexed: &'a OnceLock<IdMap<Indexed>>,
    /// Files a commit of an earlier run caught part-way (`Meta::partial` as the pass
    /// started): read again whatever their size and time say, in place of what is in.
    resume: &'a IdSet,
    /// The index folder named by the user, for error messages.
    target: &'a Path,
    progress: &'a dyn Fn(Progress),
    summary: Summary,
    batch: Batch,
    /// The pass changed the index (or the remembered folders), so it ends with a commit.
    dirty: bool,
    /// Files and JSON Lines records larger than this many MB are skipped unread.
    max_article_mb: u64,
}

/// What applying one file's outcome did to the index.
enum Applied {
    /// Nothing: the file could not be read (the index keeps what it had of it), or it is new
    /// and holds no articles.
    Nothing,
    /// It could not be read to the end: what was added of it is deleted again, with its old
    /// version, so that the next run reads it. `changed`: the index had or got some of it.
    Dropped { changed: bool },
    /// Its articles are in the index, in place of its old version if it had one.
    Written {
        old: Option<Indexed>,
        hash: u64,
        articles: usize,
    },
}

/// The files the walk sends, as the indexing thread takes them. While a file read in pieces
/// is being added, the files read whole that arrive meanwhile are added between its pieces
/// (each whole, so each is still wholly in or out at every commit), and other files read in
/// pieces wait here for their turn.
struct Incoming<'r> {
    files: &'r Receiver<FileOutcome>,
    /// The walk has sent its last file.
    closed: bool,
    later: VecDeque<FileOutcome>,
}

impl Incoming<'_> {
    /// The next file to take, in turn; None once the walk is done and every file taken.
    fn next(&mut self) -> Option<FileOutcome> {
        if let Some(outcome) = self.later.pop_front() {
            return Some(outcome);
        }
        if self.closed {
            return None;
        }
        let next = self.files.recv().ok();
        self.closed = next.is_none();
        next
    }
}

impl Pass<'_> {
    /// Runs the walk on its own thread and takes each file it sends, as it comes.
    ///
    /// The walk streams: folders are read, files stat-ed and compared with the index, and
    /// what changed is read and parsed on all cores, while this thread adds documents. No
    /// list of the whole archive is ever held.
    fn walk_and_apply(
        &mut self,
        scan: &[PathBuf],
        searcher: tantivy::Searcher,
        stop: &AtomicBool,
        skip: Option<&Path>,
    ) -> Result<WalkResult> {
        let (tx, rx) = bounded::<FileOutcome>(256);
        // Set when adding documents failed: the walk stops reading, so that it never waits
        // to hand over a file nobody takes (a full disk used to hang the run here).
        let failed = AtomicBool::new(false);
        let (indexed, resume) = (self.indexed, self.resume);
        std::thread::scope(|scope| {
            let failed = &failed;
            let walk_stop = move || stop.load(Ordering::Relaxed) || failed.load(Ordering::Relaxed);
            let limits = Limits {
                max_article_mb: self.max_article_mb,
                read_ahead: self.read_ahead,
                resume,
            };
            let walker = scope.spawn(move || {
                walk_and_read(scan, searcher, indexed, &walk_stop, skip, limits, tx)
            });
            let mut incoming = Incoming {
                files: &rx,
                closed: false,
                later: VecDeque::new(),
            };
            let mut consume = || -> Result<()> {
                while let Some(outcome) = incoming.next() {
                    self.take(outcome, &mut incoming)?;
                }
                Ok(())
            };
            let consumed = consume();
            if consumed.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            // Files the walk still sends find no receiver and end it, and files waiting
            // their turn end their reading.
            drop(incoming);
            drop(rx);
            let walked = walker
                .join()
                .map_err(|_| anyhow::anyhow!("the folder walk failed"));
            consumed?;
            walked?
        })
    }

    /// Takes one file: applies it to the index, counts it, and commits when the batch is due.
    fn take(&mut self, outcome: FileOutcome, incoming: &mut Incoming) -> Result<()> {
        (self.progress)(Progress::FileRead);
        // Set before the walk sent any file.
        let old = self
            .indexed
            .get()
            .and_then(|m| m.get(&outcome.file.id))
            .copied();
        let applied = self.apply_file(outcome, old, incoming)?;
        self.count_file(&applied);
        if let Applied::Written { .. } = applied {
            self.commit_if_due()?;
        }
        Ok(())
    }

    /// Writes a file's articles to the index in place of what it held of the file, and
    /// reports the file's problems.
    fn apply_file(
        &mut self,
        outcome: FileOutcome,
        old: Option<Indexed>,
        incoming: &mut Incoming,
    ) -> Result<Applied> {
        let FileOutcome {
            file,
            root,
            result,
            rest,
            held,
        } = outcome;
        // Carried on by the file's documents: given back once tantivy has indexed them all.
        let held = held.map(std::sync::Arc::new);
        let key = file.key();
        let (hash, parse) = match result {
            Ok(ok) => ok,
            Err(reason) => {
                // Unreadable now (permissions, a file being rewritten): keep what the index
                // has rather than lose it to a passing error.
                self.summary.problems.push(Problem::skipped(&key, reason));
                return Ok(Applied::Nothing);
            }
        };
        report(&mut self.summary, &key, parse.problems);
        let path_id = Term::from_field_u64(self.fields.path_id, file.id);
        // What a commit caught part-way is replaced whole, and counted as new: it was not
        // in the index as a file.
        let partial = self.resume.contains(&file.id);
        let old = old.filter(|_| !partial);
        // Replacing even an unchanged (only touched) file refreshes the mtime kept with it,
        // so the next pass does not have to read and hash it again.
        if old.is_some() || partial {
            self.writer.delete_term(path_id.clone());
        }
        let fields = self.fields;
        let doc = |record: &Record| make_doc(fields, &file, &key, root, hash, record);
        let mut articles = add_records(
            self.writer,
            self.pending,
            parse.records,
            (doc, held.as_ref()),
            self.target,
        )?;
        drop(held);
        self.batch.add(articles);
        if let Some(rest) = rest {
            let (more, end) = self.add_pieces(file.id, articles, rest, doc, incoming)?;
            articles += more;
            match end {
                Ok(ended) => {
                    report(&mut self.summary, &key, ended.problems);
                    self.summary.passed_over += ended.passed_over;
                }
                Err(reason) => {
                    // What was added of it goes again (with the old version, deleted above):
                    // the file is not in the index, and the next run reads it.
                    self.writer.delete_term(path_id);
                    self.settled(file.id);
                    self.summary.problems.push(Problem::skipped(
                        &key,
                        format!("{reason}; it is read again on the next run"),
                    ));
                    return Ok(Applied::Dropped {
                        changed: old.is_some() || partial || articles > 0,
                    });
                }
            }
        }
        self.settled(file.id);
        if old.is_none() && !partial && articles == 0 {
            return Ok(Applied::Nothing);
        }
        Ok(Applied::Written {
            old,
            hash,
            articles,
        })
    }

    /// Adds the pieces of a file read in pieces, after the first (`articles` of it are in
    /// already); returns how many articles they held, and how the file ended (`Err`: it
    /// could not be read to the end as it was).
    ///
    /// The batch is kept while the file is read, however long that takes: when it is due,
    /// what is added so far is committed, with the file listed in `Meta::partial`, and the
    /// files that arrive meanwhile are added between its pieces. So a long archive, or one
    /// read slowly, holds back no commit, and a crash loses at most the last batch.
    fn add_pieces(
        &mut self,
        id: u64,
        mut articles: usize,
        rest: Receiver<Piece>,
        doc: impl Fn(&Record) -> TantivyDocument,
        incoming: &mut Incoming,
    ) -> Result<(usize, PieceEnd)> {
        let first = articles;
        loop {
            if articles > 0 && !self.meta.partial.contains(&id) {
                self.meta.partial.push(id);
            }
            self.commit_if_due()?;
            // Files waiting go first: a piece is always ready while the reading is ahead,
            // and each costs a commit, so taking them in turn would leave the files for
            // the end.
            if !incoming.closed {
                match incoming.files.try_recv() {
                    Ok(outcome) => {
                        self.take_beside(outcome, incoming)?;
                        continue;
                    }
                    Err(TryRecvError::Disconnected) => incoming.closed = true,
                    Err(TryRecvError::Empty) => {}
                }
            }
            let mut select = Select::new();
            let piece = select.recv(&rest);
            let file = (!incoming.closed).then(|| select.recv(incoming.files));
            let ready = match self.batch.due_in() {
                Some(wait) => match select.select_timeout(wait) {
                    Ok(ready) => ready,
                    // The batch is due: committed at the top of the loop.
                    Err(_) => continue,
                },
                None => select.select(),
            };
            if ready.index() == piece {
                match ready.recv(&rest) {
                    Ok(Piece::Records(records, held)) => {
                        let n = add_records(
                            self.writer,
                            self.pending,
                            records,
                            (&doc, held.as_ref()),
                            self.target,
                        )?;
                        self.batch.add(n);
                        articles += n;
                    }
                    Ok(Piece::End(end)) => return Ok((articles - first, end)),
                    Err(_) => return Ok((articles - first, Err("stopped before the end".into()))),
                }
            } else if Some(ready.index()) == file {
                match ready.recv(incoming.files) {
                    Ok(outcome) => self.take_beside(outcome, incoming)?,
                    Err(_) => incoming.closed = true,
                }
            }
        }
    }

    /// Takes a file that arrived while another is added in pieces: one read whole now, one
    /// read in pieces in its turn.
    fn take_beside(&mut self, outcome: FileOutcome, incoming: &mut Incoming) -> Result<()> {
        if outcome.rest.is_some() {
            incoming.later.push_back(outcome);
            return Ok(());
        }
        self.take(outcome, incoming)
    }

    /// The file `id` is now wholly in the index or wholly out of it, as of the next commit.
    fn settled(&mut self, id: u64) {
        let before = self.meta.partial.len();
        self.meta.partial.retain(|&p| p != id);
        self.dirty |= self.meta.partial.len() != before;
    }

    /// Counts what applying a file did: in the summary, and toward the batch.
    fn count_file(&mut self, applied: &Applied) {
        match *applied {
            Applied::Nothing => {}
            Applied::Dropped { changed } => self.dirty |= changed,
            Applied::Written {
                old,
                hash,
                articles,
            } => {
                self.dirty = true;
                // A file that lost all its articles still changed the index.
                if articles == 0 {
                    self.batch.add(1);
                }
                let summary = &mut self.summary;
                match (old, articles) {
                    (Some(old), _) if old.hash == hash => summary.unchanged += 1,
                    (Some(_), 0) => summary.removed += 1,
                    (Some(_), _) => {
                        summary.updated += 1;
                        summary.indexed += articles as u64;
                    }
                    (None, _) => {
                        summary.added += 1;
                        summary.indexed += articles as u64;
                    }
                }
            }
        }
    }

    /// Commits once the batch holds enough documents or is old enough.
    fn commit_if_due(&mut self) -> Result<()> {
        if self.batch.is_due() {
            commit(self.writer, self.meta, self.target)?;
            self.batch.restart();
        }
        Ok(())
    }

    /// Deletes the files gone: indexed under a folder this pass read, and not seen in it.
    fn remove_gone(&mut self, indexed: &IdMap<Indexed>, walked: &WalkResult) {
        let scanned: IdSet = walked.scanned.iter().map(|r| ids::path_id(r)).collect();
        for (id, old) in indexed.iter() {
            if scanned.contains(&old.root) && !walked.seen.contains(id) {
                self.writer
                    .delete_term(Term::from_field_u64(self.fields.path_id, *id));
                self.settled(*id);
                self.summary.removed += 1;
                self.dirty = true;
            }
        }
    }
}

/// Documents written since the last commit, and when that was: a pass commits after
/// `max_docs` documents or `max_time`, whichever comes first, so a crash loses at most one
/// batch.
struct Batch {
    max_docs: usize,
    max_time: Duration,
    docs: usize,
    since: Instant,
}

impl Batch {
    fn new(max_docs: usize, max_time: Duration) -> Batch {
        Batch {
            max_docs,
            max_time,
            docs: 0,
            since: Instant::now(),
        }
    }

    fn add(&mut self, docs: usize) {
        self.docs += docs;
    }

    fn is_due(&self) -> bool {
        self.docs > 0 && (self.docs >= self.max_docs || self.since.elapsed() >= self.max_time)
    }

    /// How long until the batch is due by time; None while it is empty (nothing to commit).
    fn due_in(&self) -> Option<Duration> {
        (self.docs > 0).then(|| self.max_time.saturating_sub(self.since.elapsed()))
    }

    fn restart(&mut self) {
        self.docs = 0;
        self.since = Instant::now();
    }
}

/// An open indexing session: holds the writer (and so the index's lock) across passes, so
/// `--watch` keeps other indexers out for as long as it runs.
pub struct Indexer {
    opts: Options,
    open: OpenIndex,
    /// Made again by the next pass after a rebuild has replaced the index.
    writer: Option<Writer>,
    pending: Pending,
    read_ahead: Pending,
    /// Folders each pass reads.
    scan: Vec<PathBuf>,
    /// The remembered folders changed: commit even if no document did.
    meta_dirty: bool,
    /// The index folder named by the user; during `--rebuild`, `open` is its staging folder.
    target: PathBuf,
    /// During `--rebuild`: the target's writer lock, held until the rebuilt index replaces
    /// the old one, which stays whole and searchable until then.
    rebuild: Option<DirectoryLock>,
}

impl Indexer {
    pub fn open(opts: &Options) -> Result<Indexer> {
        let named: Vec<PathBuf> = opts
            .dirs
            .iter()
            .map(|d| absolute(d))
            .collect::<Result<_>>()?;
        let target = opts.index.clone();
        let (mut open, rebuild) = if opts.rebuild && index_dir::exists(&target) {
            // What a failed run left in the old index would take space the rebuild needs.
            // (An index tantivy can no longer open is replaced whole at the end.)
            if let Ok(old) = index_dir::open(&target) {
                let writer = old
                    .index
                    .writer_with_num_threads::<TantivyDocument>(1, MIN_MB_PER_THREAD << 20)
                    .map_err(|e| index_dir::writer_error(&target, e))?;
                collect_garbage(&writer, &target)?;
            }
            let lock = index_dir::lock_writer(&target)?;
            index_dir::remove_staging(&target)?;
            let mut open = index_dir::create(&index_dir::staging_path(&target))?;
            open.meta.roots = index_dir::remembered_roots(&target);
            (open, Some(lock))
        } else {
            (open_for_update(opts)?, None)
        };
        let writer = writer_for(&open, opts)?;
        collect_garbage(&writer, &target)?;
        if rebuild.is_none() {
            // A rebuild killed earlier left its staging folder; the writer's lock says no
            // rebuild is running now.
            index_dir::remove_staging(&target)?;
        }
        let scan: Vec<PathBuf> = if !named.is_empty() {
            named
        } else if !open.meta.roots.is_empty() {
            open.meta.roots.clone()
        } else {
            vec![absolute(&opts.default_dir)?]
        };
        let mut meta_dirty = opts.rebuild;
        for r in &scan {
            if !open.meta.roots.contains(r) {
                open.meta.roots.push(r.clone());
                meta_dirty = true;
            }
        }
        let mut indexer = Indexer {
            opts: opts.clone(),
            open,
            writer: Some(writer),
            pending: Pending::new(pending_cap(opts.memory_mb)),
            read_ahead: Pending::new(pending_cap(opts.memory_mb)),
            scan,
            meta_dirty,
            target,
            rebuild,
        };
        if indexer.meta_dirty {
            // The folders are remembered from the start: a run killed before its first
            // commit of documents still leaves an index a bare `dateline index` resumes.
            if let Some(writer) = indexer.writer.as_mut() {
                commit(writer, &indexer.open.meta, &indexer.target)?;
            }
            indexer.meta_dirty = false;
        }
        Ok(indexer)
    }

    /// One pass over the folders. `stop` is checked between files; when it is set, the pass
    /// commits what it has and returns with `interrupted`. `progress` hears of each file
    /// as it is taken.
    pub fn pass(&mut self, stop: &AtomicBool, progress: &dyn Fn(Progress)) -> Result<Summary> {
        // The folder can go at any moment of the pass, and what fails then (the reader, a
        // commit, a merge) says only that some file is missing: name the cause instead.
        let target = self.target.clone();
        let removed = || {
            anyhow::anyhow!(
                "the index at {} was removed while dateline was updating it; run `dateline \
                 index` again to build it anew",
                target.display()
            )
        };
        if !index_dir::exists(&self.open.path) {
            return Err(removed());
        }
        let passed = self.pass_over_folders(stop, progress);
        match passed {
            Err(_) if !index_dir::exists(&self.open.path) => Err(removed()),
            Err(e) => {
                self.clean_up_failed();
                Err(e)
            }
            ok => ok,
        }
    }

    /// After a failed pass, gives back the space it took: what it wrote since its last
    /// commit is removed (a full disk has that room again for the next run), and a failed
    /// rebuild's staging folder goes whole. The error being reported matters more than one
    /// from here, so these are best effort; the next run starts with the same clean-up.
    fn clean_up_failed(&mut self) {
        if self.rebuild.is_some() {
            if let Some(writer) = self.writer.take() {
                // Its merges write into the staging folder until they end.
                let _ = writer.wait_merging_threads();
            }
            let _ = index_dir::remove_staging(&self.target);
        } else if let Some(writer) = self.writer.as_mut() {
            // Back to the last commit, so its segments are the only ones in use.
            if writer.rollback().is_ok() {
                let _ = collect_garbage(writer, &self.target);
            }
        }
    }

    fn pass_over_folders(
        &mut self,
        stop: &AtomicBool,
        progress: &dyn Fn(Progress),
    ) -> Result<Summary> {
        let started = Instant::now();
        let summary = Summary {
            folders: self
                .open
                .meta
                .roots
                .iter()
                .map(|r| walk::path_key(r))
                .collect(),
            ..Summary::default()
        };
        let searcher = reader(&self.open.index)?.searcher();
        let batch_docs = self.opts.batch_docs.unwrap_or(if searcher.num_docs() == 0 {
            usize::MAX
        } else {
            UPDATE_BATCH_DOCS
        });
        let writer = match self.writer.take() {
            Some(writer) => writer,
            None => writer_for(&self.open, &self.opts)?,
        };
        // The index, when kept inside the archive, is not an archive folder.
        let skip = self.target.canonicalize().ok();
        let indexed = OnceLock::new();
        let resume: IdSet = self.open.meta.partial.iter().copied().collect();
        let mut pass = Pass {
            writer: self.writer.insert(writer),
            pending: &self.pending,
            read_ahead: &self.read_ahead,
            fields: &self.open.fields,
            meta: &mut self.open.meta,
            indexed: &indexed,
            resume: &resume,
            target: &self.target,
            progress,
            summary,
            batch: Batch::new(batch_docs, self.opts.batch_time),
            dirty: self.meta_dirty,
            max_article_mb: self.opts.max_article_mb,
        };
        let mut walked = pass.walk_and_apply(&self.scan, searcher, stop, skip.as_deref())?;
        progress(Progress::Walked);
        pass.summary.unchanged += walked.unchanged;
        pass.summary.problems.append(&mut walked.problems);
        pass.summary.interrupted = stop.load(Ordering::Relaxed);
        if !pass.summary.interrupted {
            // A walk that found no file at all never needed the index's records before.
            let loaded;
            let indexed = match pass.indexed.get() {
                Some(indexed) => indexed,
                None => {
                    loaded = indexed_files(&reader(&self.open.index)?.searcher())?;
                    &loaded
                }
            };
            pass.remove_gone(indexed, &walked);
        }
        if pass.dirty {
            commit(pass.writer, pass.meta, pass.target)?;
            self.meta_dirty = false;
        }
        let mut summary = pass.summary;
        if !summary.interrupted {
            self.complete_rebuild()?;
        }
        summary.articles = reader(&self.open.index)?.searcher().num_docs();
        summary.count_problems();
        summary.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(summary)
    }

    /// A rebuild whose pass completed: its index replaces the old one in one step.
    fn complete_rebuild(&mut self) -> Result<()> {
        let Some(lock) = self.rebuild.take() else {
            return Ok(());
        };
        if let Some(writer) = self.writer.take() {
            // Merges write files too: all of them must be in place before the switch.
            writer
                .wait_merging_threads()
                .map_err(|e| write_failed(&self.target, e))?;
        }
        index_dir::replace_with_staging(&self.target).map_err(|e| write_failed(&self.target, e))?;
        drop(lock);
        self.open = index_dir::open(&self.target)?;
        Ok(())
    }

    /// Lets background merges finish, so the index is left compact. A rebuild that did not
    /// complete (interrupted) leaves the old index as it was.
    pub fn finish(self) -> Result<()> {
        if let Some(writer) = self.writer {
            writer
                .wait_merging_threads()
                .map_err(|e| write_failed(&self.target, e))?;
        }
        if self.rebuild.is_some() {
            index_dir::remove_staging(&self.target)?;
        }
        Ok(())
    }
}

/// Runs one indexing pass and finishes.
pub fn run(opts: &Options, stop: &AtomicBool) -> Result<Summary> {
    let mut indexer = Indexer::open(opts)?;
    let summary = indexer.pass(stop, &|_| {})?;
    indexer.finish()?;
    Ok(summary)
}

#[cfg(test)]
mod make_doc_tests {
    use super::*;
    use crate::article::FileKind;
    use tantivy::schema::Value;

    #[test]
    fn documents_say_where_their_article_came_from() {
        let (_, f) = schema::build_schema();
        let file = FoundFile {
            path: PathBuf::from("/archive/bundle.zip"),
            id: 7,
            kind: FileKind::Text,
            size: 10,
            mtime_ns: 0,
        };
        let record = Record {
            line: None,
            record: Some(3),
            member: Some("feeds/rss2.xml".into()),
            article: article::Article {
                title: "T".into(),
                body: "B".into(),
                url: Some("https://example.com/a".into()),
                ..Default::default()
            },
        };
        let doc = make_doc(&f, &file, "/archive/bundle.zip", 1, 2, &record);
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        assert_eq!(text(f.member).as_deref(), Some("feeds/rss2.xml"));
        assert_eq!(text(f.url).as_deref(), Some("https://example.com/a"));
        assert_eq!(doc.get_first(f.record).and_then(|v| v.as_u64()), Some(3));
        assert_eq!(doc.get_first(f.line).and_then(|v| v.as_u64()), None);
        let id = |doc: &TantivyDocument| doc.get_first(f.id).and_then(|v| v.as_u64());
        assert_eq!(
            id(&doc),
            Some(schema::article_hash(
                7,
                Some("feeds/rss2.xml"),
                None,
                Some(3)
            ))
        );
        // A plain file: no member, record or url; an id all the same.
        let plain = Record {
            article: record.article.clone(),
            ..Default::default()
        };
        let doc = make_doc(&f, &file, "/archive/bundle.zip", 1, 2, &plain);
        assert!(doc.get_first(f.member).is_none() && doc.get_first(f.record).is_none());
        assert_eq!(id(&doc), Some(schema::article_hash(7, None, None, None)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files in an index folder, but for tantivy's own hidden ones.
    fn index_files(index: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(index)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        names
    }

    /// A run killed after writing a segment and before committing it leaves files tantivy
    /// lists as its own that no commit uses; the next run starts by removing them, so that
    /// on a full disk they do not take the room it needs.
    #[test]
    fn a_run_starts_by_removing_files_no_commit_uses() {
        let dir = tempfile::tempdir().unwrap();
        let articles = dir.path().join("articles");
        std::fs::create_dir_all(&articles).unwrap();
        std::fs::write(articles.join("a.txt"), "Alpha\n17 March 2017\n\napples\n").unwrap();
        let mut opts = Options::new(dir.path().join("idx"));
        opts.dirs = vec![articles];
        opts.threads = 1;
        let stop = AtomicBool::new(false);
        run(&opts, &stop).unwrap();
        let committed = index_files(&opts.index);
        {
            let open = index_dir::open(&opts.index).unwrap();
            let mut writer = open
                .index
                .writer_with_num_threads::<TantivyDocument>(1, MIN_MB_PER_THREAD << 20)
                .unwrap();
            let mut doc = TantivyDocument::default();
            doc.add_text(open.fields.title, "never committed");
            writer.add_document(doc).unwrap();
            // Written to disk, as a killed run's segment is, and never committed.
            let _prepared = writer.prepare_commit().unwrap();
        }
        assert!(index_files(&opts.index).len() > committed.len());
        let summary = run(&opts, &stop).unwrap();
        assert_eq!(summary.unchanged, 1);
        assert_eq!(index_files(&opts.index), committed);
    }
}
