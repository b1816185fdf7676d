//! Reading every article of some folders without an index, for `dateline export`: the
//! walk, readers, caps and skip rules `dateline index` uses, files read a window at a time.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use crate::article::{self, Record};
use crate::problems::{Problem, Severity};
use crate::schema::ids::{self, IdSet};

use super::absolute;
use super::file::{read_file, FileOutcome};
use super::pieces::{Piece, SendRest};
use super::walk::{self, FoundFile, Walk};

/// What [`read_folders`] read.
#[derive(Debug, Default, Clone, Copy)]
pub struct ReadCounts {
    /// Article files (and archives) opened.
    pub files: u64,
    pub articles: u64,
    /// Problems handed over: files and lines not read, and warnings.
    pub skipped: u64,
    pub warnings: u64,
    /// Records that are not articles and not problems (a crawl's requests, redirects).
    pub passed_over: u64,
}

impl ReadCounts {
    fn count(&mut self, p: &Problem) {
        match p.kind {
            Severity::Skipped => self.skipped += 1,
            Severity::Warning => self.warnings += 1,
        }
    }
}

/// Files read at once by [`read_folders`], at most, and bytes of them (as the walk stat-ed
/// them): what it holds beyond the pieces of one large file.
const READ_WINDOW_FILES: usize = 64;
const READ_WINDOW_BYTES: u64 = 64 << 20;

/// Reads every article of `dirs` as `dateline index` reads them (the same walk, readers,
/// caps and skip rules, and files under two of the folders read once), without an index:
/// each article goes to `each`, in the walk's order, with the file it came from, and each
/// problem to `problem` as it is met. Files are read a window at a time on all cores, large
/// JSON Lines files and archives in pieces, so memory holds a window of files (at most
/// [`READ_WINDOW_BYTES`] of them, or one file capped at `max_article_mb`) and a few pieces,
/// whatever the size of the archive. An error from `each` (a closed pipe) ends the reading
/// and comes back as it is.
pub fn read_folders(
    dirs: &[PathBuf],
    max_article_mb: u64,
    skip: Option<&Path>,
    each: &mut dyn FnMut(&Path, &FoundFile, Record) -> Result<()>,
    problem: &mut dyn FnMut(Problem),
) -> Result<ReadCounts> {
    let roots: Vec<PathBuf> = dirs.iter().map(|d| absolute(d)).collect::<Result<_>>()?;
    let mut counts = ReadCounts::default();
    let mut seen = IdSet::default();
    let mut failed = None;
    for root in &roots {
        let root_id = ids::path_id(root);
        walk::walk(root, true, skip, &mut |batch: Walk| {
            if failed.is_some() {
                return;
            }
            for p in batch.problems {
                counts.count(&p);
                problem(p);
            }
            let mut files = batch.files.into_iter().filter(|f| seen.insert(f.id));
            loop {
                let mut window = Vec::new();
                let mut bytes = 0;
                for file in files.by_ref() {
                    bytes += file.size;
                    window.push(file);
                    if window.len() >= READ_WINDOW_FILES || bytes >= READ_WINDOW_BYTES {
                        break;
                    }
                }
                if window.is_empty() {
                    return;
                }
                let read: Vec<_> = window
                    .into_par_iter()
                    .map(|file| read_file(file, root_id, max_article_mb, None))
                    .collect();
                for (outcome, send_rest) in read {
                    counts.files += 1;
                    let mut each = |file: &FoundFile, record| each(root, file, record);
                    let taken = take_read(outcome, send_rest, &mut counts, &mut each, problem);
                    if let Err(e) = taken {
                        failed = Some(e);
                        return;
                    }
                }
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(counts)
}

/// Hands over one file's articles and problems, for [`read_folders`]; the pieces of a file
/// read in pieces are read on a thread of their own meanwhile.
fn take_read(
    outcome: FileOutcome,
    send_rest: Option<SendRest>,
    counts: &mut ReadCounts,
    each: &mut dyn FnMut(&FoundFile, Record) -> Result<()>,
    problem: &mut dyn FnMut(Problem),
) -> Result<()> {
    let FileOutcome {
        file, result, rest, ..
    } = outcome;
    let key = file.key();
    let mut report = |counts: &mut ReadCounts, problems: Vec<article::Problem>| {
        for p in problems {
            let p = Problem::in_file(&key, p);
            counts.count(&p);
            problem(p);
        }
    };
    let (_, parse) = match result {
        Ok(ok) => ok,
        Err(reason) => {
            report(
                counts,
                vec![article::Problem {
                    severity: article::Severity::Skipped,
                    reason,
                    ..Default::default()
                }],
            );
            return Ok(());
        }
    };
    report(counts, parse.problems);
    counts.passed_over += parse.passed_over;
    for record in parse.records {
        counts.articles += 1;
        each(&file, record)?;
    }
    let (Some(rest), Some(send_rest)) = (rest, send_rest) else {
        return Ok(());
    };
    std::thread::scope(|scope| {
        scope.spawn(send_rest);
        // Dropped on an error, which ends the reading thread.
        let rest = rest;
        for piece in rest.iter() {
            match piece {
                Piece::Records(records, _held) => {
                    for record in records {
                        counts.articles += 1;
                        each(&file, record)?;
                    }
                }
                Piece::End(Ok(ended)) => {
                    report(counts, ended.problems);
                    counts.passed_over += ended.passed_over;
                }
                Piece::End(Err(reason)) => report(
                    counts,
                    vec![article::Problem {
                        severity: article::Severity::Warning,
                        reason: format!("{reason}; the articles read before it are kept"),
                        ..Default::default()
                    }],
                ),
            }
        }
        Ok(())
    })
}
