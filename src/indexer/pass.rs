//! The indexing thread's side of one pass: each file the walk sends is applied to the
//! index in place of what it held of the file, counted, and committed in batches; a file
//! read in pieces is added piece by piece, with the files read meanwhile added between.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::Result;
use crossbeam_channel::{bounded, Receiver, Select, TryRecvError};
use tantivy::schema::Term;
use tantivy::TantivyDocument;

use crate::article::{self, Record};
use crate::index_dir::Meta;
use crate::pending::{Held, Pending};
use crate::problems::Problem;
use crate::read::file::FileOutcome;
use crate::read::pieces::{Piece, PieceEnd};
use crate::schema::ids::{self, IdMap, IdSet};
use crate::schema::Fields;

use super::changed::{walk_and_read, Indexed, Limits, WalkResult};
use super::doc::make_doc;
use super::writer::{commit, worker_error, write_failed, Writer};
use super::{Progress, Summary};

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

/// Adds a file's problems to the summary.
fn report(summary: &mut Summary, key: &str, problems: Vec<article::Problem>) {
    summary
        .problems
        .extend(problems.into_iter().map(|p| Problem::in_file(key, p)));
}

/// The indexing thread's side of one pass: it applies each file the walk sends to the
/// index, counts it, and commits in batches.
pub(super) struct Pass<'a> {
    pub(super) writer: &'a mut Writer,
    /// Bound the text waiting in tantivy's queue, and read ahead of this thread.
    pub(super) pending: &'a Pending,
    pub(super) read_ahead: &'a Pending,
    pub(super) fields: &'a Fields,
    /// Stored with every commit; its `partial` list is kept up to date by the pass.
    pub(super) meta: &'a mut Meta,
    /// What the index held when the walk started, loaded by the walk.
    pub(super) indexed: &'a OnceLock<IdMap<Indexed>>,
    /// Files a commit of an earlier run caught part-way (`Meta::partial` as the pass
    /// started): read again whatever their size and time say, in place of what is in.
    pub(super) resume: &'a IdSet,
    /// The index folder named by the user, for error messages.
    pub(super) target: &'a Path,
    pub(super) progress: &'a dyn Fn(Progress),
    pub(super) summary: Summary,
    pub(super) batch: Batch,
    /// The pass changed the index (or the remembered folders), so it ends with a commit.
    pub(super) dirty: bool,
    /// Files and JSON Lines records larger than this many MB are skipped unread.
    pub(super) max_article_mb: u64,
    /// The collection of each folder read, by its id (`Meta::collection_of`).
    pub(super) collections: IdMap<String>,
}

/// What applying one file's outcome did to the index.
pub(super) enum Applied {
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
pub(super) struct Incoming<'r> {
    pub(super) files: &'r Receiver<FileOutcome>,
    /// The walk has sent its last file.
    pub(super) closed: bool,
    pub(super) later: VecDeque<FileOutcome>,
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
    pub(super) fn walk_and_apply(
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
        let relabel = self.meta.relabel.clone();
        std::thread::scope(|scope| {
            let failed = &failed;
            let walk_stop = move || stop.load(Ordering::Relaxed) || failed.load(Ordering::Relaxed);
            let limits = Limits {
                max_article_mb: self.max_article_mb,
                read_ahead: self.read_ahead,
                resume,
                relabel: &relabel,
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
        let collection = self.collections.get(&root).cloned().unwrap_or_default();
        let doc =
            |record: &Record| make_doc(fields, &file, (&key, root, &collection), hash, record);
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
    pub(super) fn remove_gone(&mut self, indexed: &IdMap<Indexed>, walked: &WalkResult) {
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
pub(super) struct Batch {
    pub(super) max_docs: usize,
    pub(super) max_time: Duration,
    pub(super) docs: usize,
    pub(super) since: Instant,
}

impl Batch {
    pub(super) fn new(max_docs: usize, max_time: Duration) -> Batch {
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
