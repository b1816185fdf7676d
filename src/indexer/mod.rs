//! Building and updating the index from archive folders.
//!
//! Every run is incremental: the index itself records, with each document, the path, size,
//! modification time and content hash of the file it came from. A run compares that record
//! with the folders and only reads what is new or changed, and deletes what is gone.
//! A file read whole is written between two commits, so a crash leaves it wholly in the
//! index or wholly out. A file read in pieces (an archive, a large JSON Lines file) may be
//! caught part-way by a commit, so that a long one holds back no batch: the commit lists it
//! in `Meta::partial`, and the next run reads it again whole in place of what is in.
//!
//! - [`changed`]: which files changed since the index was last updated
//! - [`pass`]: the indexing thread's side of a pass, committing in batches
//! - [`doc`]: an article as the document the index stores
//! - [`writer`]: the index writer, commits, and a failed write's message

mod changed;
mod doc;
mod pass;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;
use tantivy::directory::DirectoryLock;
use tantivy::TantivyDocument;

use crate::index_dir::{self, reader, OpenIndex};
use crate::pending::Pending;
use crate::problems::{Problem, Severity};
use crate::read::absolute;
use crate::read::walk;
use crate::schema::ids::{self, IdSet};

use changed::indexed_files;
use pass::{Batch, Pass};
use writer::{
    collect_garbage, commit, pending_cap, write_failed, writer_for, Writer, MIN_MB_PER_THREAD,
};

#[derive(Debug, Clone)]
pub struct Options {
    pub index: PathBuf,
    /// Folders named on the command line; empty means "the folders the index remembers".
    pub dirs: Vec<PathBuf>,
    /// The collection the folders named in this run are indexed as (`--collection`); None
    /// keeps the name each had, and names a new folder after itself.
    pub collection: Option<String>,
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
            collection: None,
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

/// The folder a run that names none reads (`./corpus`), or an error saying how to name one.
fn default_folder(dir: &Path) -> Result<PathBuf> {
    if !dir.is_dir() {
        anyhow::bail!(
            "no folder {} to index: run `dateline index FOLDER` with the folder that holds the articles",
            dir.display()
        );
    }
    absolute(dir)
}

/// Opens the index for writing, creating it as needed.
fn open_for_update(opts: &Options) -> Result<OpenIndex> {
    if index_dir::exists(&opts.index) {
        index_dir::open(&opts.index)
    } else {
        index_dir::create(&opts.index)
    }
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
        if opts.collection.is_some() && named.is_empty() {
            anyhow::bail!(
                "--collection names the folders given with it: run `dateline index --collection \
                 NAME FOLDER...`"
            );
        }
        let target = opts.index.clone();
        // A first run with no folder to read fails before it makes the index, so it leaves
        // no empty index behind for `search` or `serve` to open.
        let first_default = if named.is_empty() && !index_dir::exists(&target) {
            Some(default_folder(&opts.default_dir)?)
        } else {
            None
        };
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
            let old = index_dir::remembered(&target);
            open.meta.roots = old.roots;
            open.meta.collections = old.collections;
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
        } else if let Some(dir) = first_default {
            vec![dir]
        } else {
            vec![default_folder(&opts.default_dir)?]
        };
        let mut meta_dirty = opts.rebuild;
        for r in &scan {
            if !open.meta.roots.contains(r) {
                open.meta.roots.push(r.clone());
                meta_dirty = true;
            }
        }
        meta_dirty |= name_collections(&mut open.meta, &scan, opts.collection.as_deref());
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
            // Removing a folder takes its files one by one: a pass can fail on a missing
            // segment while `meta.json` is still there.
            Err(_) if !index_dir::whole(&self.open.path) => Err(removed()),
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
        let meta = &self.open.meta;
        let collections = meta
            .roots
            .iter()
            .map(|r| (ids::path_id(r), meta.collection_of(r)))
            .collect();
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
            collections,
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
            // Every file of a renamed folder now carries its new name.
            let before = pass.meta.relabel.len();
            pass.meta.relabel.retain(|r| !walked.scanned.contains(r));
            pass.dirty |= pass.meta.relabel.len() != before;
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

/// Gives each folder of `scan` its collection in `meta`: `named` when given, else the one it
/// had, else its own name. A folder renamed is listed in `Meta::relabel`, so its articles
/// are read again under the new name. True when `meta` changed.
fn name_collections(meta: &mut index_dir::Meta, scan: &[PathBuf], named: Option<&str>) -> bool {
    let mut changed = false;
    for root in scan {
        let name = named
            .map(str::to_string)
            .unwrap_or_else(|| meta.collection_of(root));
        let old = meta.collections.insert(root.clone(), name.clone());
        if old.as_ref() != Some(&name) {
            changed = true;
            if old.is_some() && !meta.relabel.contains(root) {
                meta.relabel.push(root.clone());
            }
        }
    }
    changed
}

/// Runs one indexing pass and finishes.
pub fn run(opts: &Options, stop: &AtomicBool) -> Result<Summary> {
    let mut indexer = Indexer::open(opts)?;
    let summary = indexer.pass(stop, &|_| {})?;
    indexer.finish()?;
    Ok(summary)
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
