//! Walking archive folders for article files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::{DirEntry, WalkDir};

use crate::article::{self, FileKind};
use crate::problems::Problem;
use crate::schema::ids::path_id;

/// An article file found on disk, with what incremental indexing compares.
#[derive(Debug, Clone)]
pub struct FoundFile {
    pub path: PathBuf,
    /// The file's identity in the index: a hash of its absolute path.
    pub id: u64,
    pub kind: FileKind,
    /// As stat-ed by the walk (0 when it was told not to stat), until the indexer opens the
    /// file to read it.
    pub size: u64,
    pub mtime_ns: i64,
}

impl FoundFile {
    pub fn key(&self) -> String {
        path_key(&self.path)
    }
}

/// What the walk found so far, handed over a batch at a time so that memory stays bounded
/// however large the archive.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<FoundFile>,
    pub problems: Vec<Problem>,
}

/// Files stat-ed and handed over together.
const BATCH: usize = 4096;

fn is_hidden(entry: &DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
}

/// A file's absolute path as text.
pub fn path_key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A file seen by the walk, before it is stat-ed.
struct Candidate {
    path: PathBuf,
    kind: FileKind,
}

impl Candidate {
    fn found(self, size: u64, mtime_ns: i64) -> FoundFile {
        FoundFile {
            id: path_id(&self.path),
            path: self.path,
            kind: self.kind,
            size,
            mtime_ns,
        }
    }
}

/// Walks `root` (absolute), handing `sink` the article files found, stat-ed, a batch at a
/// time, with the problems met. Folders are read in order; each batch of files is stat-ed
/// in parallel, since on a large archive that is most of a no-op run's time. Symbolic links
/// are followed, with loops reported rather than followed forever; hidden files and folders
/// are skipped and reported.
///
/// Without `stat`, files are not stat-ed and come with size and time 0: for a caller that
/// reads every file anyway and takes them from the open file.
///
/// `skip` (absolute, canonical) is a folder not walked and not reported, reached directly
/// or through a link: the index itself, when it is kept inside the archive.
pub fn walk(root: &Path, stat: bool, skip: Option<&Path>, sink: &mut dyn FnMut(Walk)) {
    // Listing folders is one thread's work (readdir), stat-ing is spread over the cores:
    // run them as a pipeline so that the next folders are listed while a batch is stat-ed,
    // which makes a no-op re-index faster and steadier.
    let (listed_tx, listed_rx) = std::sync::mpsc::sync_channel::<Listed>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut entered = HashSet::new();
            if let Ok(canonical) = root.canonicalize() {
                entered.insert(canonical);
            }
            let mut batch = Batch {
                listed: Listed::default(),
                out: listed_tx,
            };
            list(root, &mut batch, &mut entered, skip);
            batch.flush();
        });
        // The sink (comparing with the index, on one thread) takes one batch while the
        // next is stat-ed: run in turn, the stat threads sat idle a third of a no-op run.
        let (stat_tx, stat_rx) = std::sync::mpsc::sync_channel::<Walk>(2);
        scope.spawn(move || {
            for listed in listed_rx {
                let out = if stat {
                    stat_batch(listed)
                } else {
                    without_stat(listed)
                };
                if (!out.files.is_empty() || !out.problems.is_empty()) && stat_tx.send(out).is_err()
                {
                    return;
                }
            }
        });
        for out in stat_rx {
            sink(out);
        }
    });
}

/// Files listed and problems met, not yet stat-ed.
#[derive(Default)]
struct Listed {
    candidates: Vec<Candidate>,
    problems: Vec<Problem>,
}

struct Batch {
    listed: Listed,
    out: std::sync::mpsc::SyncSender<Listed>,
}

impl Batch {
    fn push(&mut self, c: Candidate) {
        self.listed.candidates.push(c);
        if self.listed.candidates.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let listed = std::mem::take(&mut self.listed);
        // The receiver only goes away if the walk's consumer panicked.
        let _ = self.out.send(listed);
    }
}

/// Files of one folder stat-ed by one task: each task opens the folder once and stats its
/// files by name, so the kernel walks one path component per file instead of the whole
/// path, and a no-op run's stat calls take less time.
const STAT_RUN: usize = 256;

fn stat_batch(listed: Listed) -> Walk {
    // Runs of consecutive candidates in one folder (the walk lists a folder's files
    // together), cut at STAT_RUN so a large folder is still spread over the cores.
    let mut runs: Vec<Vec<Candidate>> = Vec::new();
    for c in listed.candidates {
        match runs.last_mut() {
            Some(run) if run.len() < STAT_RUN && folder_of(&run[0].path) == folder_of(&c.path) => {
                run.push(c)
            }
            _ => runs.push(vec![c]),
        }
    }
    let stats: Vec<Vec<Result<FoundFile, Problem>>> = runs.into_par_iter().map(stat_run).collect();
    let mut out = Walk {
        files: Vec::with_capacity(stats.iter().map(Vec::len).sum()),
        problems: listed.problems,
    };
    for s in stats.into_iter().flatten() {
        match s {
            Ok(f) => out.files.push(f),
            Err(p) => out.problems.push(p),
        }
    }
    out
}

/// A path the walk built by joining folder and name, split back at its last separator, as
/// bytes: `Path::parent` and `Path::file_name` parse components, and they were a visible
/// share of a no-op run's CPU.
fn folder_and_name(path: &Path) -> (&[u8], &[u8]) {
    let bytes = path.as_os_str().as_encoded_bytes();
    match bytes
        .iter()
        .rposition(|&b| std::path::is_separator(b as char))
    {
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (&[], bytes),
    }
}

fn folder_of(path: &Path) -> &[u8] {
    folder_and_name(path).0
}

fn without_stat(listed: Listed) -> Walk {
    Walk {
        files: listed
            .candidates
            .into_iter()
            .map(|c| c.found(0, 0))
            .collect(),
        problems: listed.problems,
    }
}

/// Stats files of one folder; by full path where the folder cannot be opened.
fn stat_run(run: Vec<Candidate>) -> Vec<Result<FoundFile, Problem>> {
    let folder = run[0]
        .path
        .parent()
        .and_then(|p| std::fs::File::open(p).ok());
    run.into_iter()
        .map(|c| {
            let stat = match &folder {
                #[cfg(unix)]
                Some(folder) => stat_at(folder, &c.path),
                _ => std::fs::metadata(&c.path).map(|m| (m.len(), mtime_ns(&m))),
            };
            match stat {
                Ok((size, mtime_ns)) => Ok(c.found(size, mtime_ns)),
                Err(err) => Err(Problem::skipped(
                    path_key(&c.path),
                    format!("cannot read: {err}"),
                )),
            }
        })
        .collect()
}

/// Size and modification time (as [`mtime_ns`] gives them) of `path`, stat-ed by its name
/// in `folder`, following a link as `std::fs::metadata` does.
#[cfg(unix)]
fn stat_at(folder: &std::fs::File, path: &Path) -> std::io::Result<(u64, i64)> {
    use std::os::unix::ffi::OsStrExt;
    let name = folder_and_name(path).1;
    if name.is_empty() {
        return Err(std::io::ErrorKind::InvalidInput.into());
    }
    let name = std::ffi::OsStr::from_bytes(name);
    let st = rustix::fs::statat(folder, name, rustix::fs::AtFlags::empty())?;
    // As `SystemTime::duration_since(UNIX_EPOCH)` in `mtime_ns`: 0 before 1970.
    let (secs, nanos) = (st.st_mtime as i128, st.st_mtime_nsec as i128);
    let mtime = if secs < 0 {
        0
    } else {
        i64::try_from(secs * 1_000_000_000 + nanos).unwrap_or(i64::MAX)
    };
    Ok((u64::try_from(st.st_size).unwrap_or(0), mtime))
}

fn list(root: &Path, out: &mut Batch, entered: &mut HashSet<PathBuf>, skip: Option<&Path>) {
    // Not following links here lets walkdir use the file types readdir already knows,
    // instead of a stat per entry; links are resolved below, one by one.
    let mut it = WalkDir::new(root).follow_links(false).into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().map(path_key).unwrap_or_else(|| path_key(root));
                let reason = match err.io_error() {
                    Some(io) => format!("cannot read: {io}"),
                    None => err.to_string(),
                };
                out.listed.problems.push(Problem::skipped(path, reason));
                continue;
            }
        };
        // The folder itself (a root, or a link to a folder being followed) was checked by
        // the caller; as a link it would otherwise be reported as already read.
        if entry.depth() == 0 {
            continue;
        }
        if entry.file_type().is_dir() && Some(entry.path()) == skip {
            it.skip_current_dir();
            continue;
        }
        if is_hidden(&entry) {
            let what = if entry.file_type().is_dir() {
                it.skip_current_dir();
                "hidden folder"
            } else {
                "hidden file"
            };
            out.listed
                .problems
                .push(Problem::skipped(path_key(entry.path()), what));
            continue;
        }
        let file_type = if entry.file_type().is_symlink() {
            match follow_link(&entry, out, entered, skip) {
                Some(target) => target,
                None => continue,
            }
        } else {
            entry.file_type()
        };
        if !file_type.is_dir() {
            take_file(entry, &file_type, out);
        }
    }
}

/// Follows a symbolic link the walk met: a link to a folder is listed here (unless it
/// loops, or leads to a folder read already or to `skip`); the type of what any other link
/// leads to is returned. `None`: nothing more to do with the link (listed, or reported).
fn follow_link(
    entry: &DirEntry,
    out: &mut Batch,
    entered: &mut HashSet<PathBuf>,
    skip: Option<&Path>,
) -> Option<std::fs::FileType> {
    let skipped = |out: &mut Batch, reason: String| {
        out.listed
            .problems
            .push(Problem::skipped(path_key(entry.path()), reason));
        None
    };
    let meta = match std::fs::metadata(entry.path()) {
        Ok(meta) => meta,
        Err(e) => return skipped(out, format!("broken link: {e}")),
    };
    if !meta.is_dir() {
        return Some(meta.file_type());
    }
    let target = match entry.path().canonicalize() {
        Ok(t) => t,
        Err(e) => return skipped(out, format!("cannot follow link: {e}")),
    };
    let parent = entry.path().parent().and_then(|p| p.canonicalize().ok());
    if Some(target.as_path()) == skip {
        return None;
    }
    if parent.is_some_and(|p| p.starts_with(&target)) {
        return skipped(out, "symbolic link loop, not followed".into());
    }
    if entered.iter().any(|e| target.starts_with(e)) {
        // Its files are read under their own path already.
        return skipped(
            out,
            "link to a folder that is already read, not followed".into(),
        );
    }
    entered.insert(target);
    list(entry.path(), out, entered, skip);
    None
}

/// Takes a file the walk met (`file_type`: what it is, or what its link leads to) as an
/// article file by its name, or reports why it is not read.
fn take_file(entry: DirEntry, file_type: &std::fs::FileType, out: &mut Batch) {
    let reason = if !file_type.is_file() {
        // Opening a FIFO waits for a writer, and a device may never end: neither is
        // ever opened.
        format!("not a regular file ({}), not read", special_kind(file_type))
    } else if article::is_notes_file(Path::new(entry.file_name())) {
        "a collection's notes (README, LICENSE, ...), not an article; rename it to index it"
            .to_string()
    } else if let Some(kind) = article::kind_of(Path::new(entry.file_name())) {
        // By the name alone: `Path::extension` of the whole path parses all its components.
        return out.push(Candidate {
            path: entry.into_path(),
            kind,
        });
    } else {
        match entry.path().extension() {
            Some(ext) => format!(
                "not an article file (.{}; dateline reads {})",
                ext.to_string_lossy(),
                article::EXTENSIONS
            ),
            None => format!(
                "not an article file (no extension; dateline reads {})",
                article::EXTENSIONS
            ),
        }
    };
    out.listed
        .problems
        .push(Problem::skipped(path_key(entry.path()), reason));
}

/// What a file that is neither a regular file nor a folder is, in words.
fn special_kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    let _ = file_type;
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The no-op re-index compares what the walk stats with what an earlier run stored:
    /// stat-ing by name in the folder must give what `std::fs::metadata` gives, or every
    /// file would look changed.
    #[cfg(unix)]
    #[test]
    fn stat_by_name_in_folder_matches_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "Title\n\nbody").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let folder = std::fs::File::open(dir.path()).unwrap();
        for path in [&file, &link] {
            let meta = std::fs::metadata(path).unwrap();
            assert_eq!(
                stat_at(&folder, path).unwrap(),
                (meta.len(), mtime_ns(&meta))
            );
        }
        let gone = stat_at(&folder, &dir.path().join("gone.txt")).unwrap_err();
        assert_eq!(gone.kind(), std::io::ErrorKind::NotFound);
    }

    #[test]
    fn a_batch_across_folders_stats_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut candidates = Vec::new();
        for (folder, n) in [("x", 3), ("y", STAT_RUN + 5), ("x", 2)] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
            for i in 0..n {
                let path = dir.path().join(folder).join(format!("{i}-{n}.txt"));
                std::fs::write(&path, "t").unwrap();
                candidates.push(Candidate {
                    path,
                    kind: FileKind::Text,
                });
            }
        }
        candidates.push(Candidate {
            path: dir.path().join("y/missing.txt"),
            kind: FileKind::Text,
        });
        let walk = stat_batch(Listed {
            candidates,
            problems: Vec::new(),
        });
        assert_eq!(walk.files.len(), 3 + STAT_RUN + 5 + 2);
        assert!(walk.files.iter().all(|f| f.size == 1));
        assert_eq!(walk.problems.len(), 1);
        assert!(walk.problems[0].reason.starts_with("cannot read:"));
    }
}
