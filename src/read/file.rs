//! Reading one file the walk found: opened without waiting, its kind confirmed from its
//! first bytes, then read whole, hashed and parsed, or handed to [`super::pieces`] when it
//! is read in pieces. Memory stays bounded whatever the file (see [`read_file`]).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crossbeam_channel::{Receiver, Sender};
use rayon::prelude::*;

use crate::article::{self, FileKind, FileParse};
use crate::pending::{Held, Pending};

use super::pieces::{read_container, read_in_pieces, Piece, SendRest};
use super::walk::{self, FoundFile};

/// The result of reading one file, made on a worker thread.
pub struct FileOutcome {
    pub file: FoundFile,
    /// Id of the folder the file was found under.
    pub root: u64,
    pub result: Result<(u64, FileParse), String>,
    /// For a large JSON Lines file read in pieces: the records of the pieces after the first
    /// (in `result`), then how the file ended.
    pub rest: Option<Receiver<Piece>>,
    /// A file read whole holds its size of the read-ahead room until it is indexed.
    pub held: Option<Held>,
}

/// The room shared by files read ahead of the indexing thread, and what says the run is
/// ending (a wait for room then ends).
#[derive(Clone, Copy)]
pub struct Room<'a> {
    pub read_ahead: &'a Pending,
    pub stop: &'a (dyn Fn() -> bool + Sync),
}

/// The hash of a file's bytes, stored with its documents to tell a changed file from a
/// touched one.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Reads and parses one file. A large JSON Lines file is read in pieces (see
/// [`read_in_pieces`]): its first piece comes back here, and the caller, once it has sent
/// the outcome on, runs the returned function to send the rest through `rest`.
pub fn read_file(
    mut file: FoundFile,
    root: u64,
    max_mb: u64,
    room: Option<Room<'_>>,
) -> (FileOutcome, Option<SendRest>) {
    let mut held = None;
    let (result, rest, send_rest) = read_parsed(&mut file, max_mb, room, &mut held);
    let outcome = FileOutcome {
        file,
        root,
        result,
        rest,
        held,
    };
    (outcome, send_rest)
}

type Parsed = (
    Result<(u64, FileParse), String>,
    Option<Receiver<Piece>>,
    Option<SendRest>,
);

/// The size and modification time stored with the file's documents are those of the file
/// as opened here, just before it is read: a change made after that shows as a newer
/// time on the next run. (A walk into an empty index does not stat files at all.)
///
/// Memory is bounded whatever the file: a `.txt` file over `max_mb` MB is skipped unread,
/// a binary or sparse file is refused from its first bytes, a large JSON Lines file is
/// read in pieces with each line capped at `max_mb` MB, and a large news XML file is
/// streamed as a container is, one item at a time, each capped at `max_mb` MB. A file read
/// whole first takes its size of `room` (into `held`), waiting for it.
fn read_parsed(
    file: &mut FoundFile,
    max_mb: u64,
    room: Option<Room<'_>>,
    held: &mut Option<Held>,
) -> Parsed {
    let cannot_read = |e: std::io::Error| (Err(format!("cannot read: {e}")), None, None);
    // Not indexed, for a reason found before the file was read whole: as a file that reads
    // as no article, it takes the place of what the index had for it.
    let refuse = |reason: String| {
        let parse = FileParse {
            records: Vec::new(),
            problems: vec![article::Problem {
                line: None,
                severity: article::Severity::Skipped,
                reason,
                ..Default::default()
            }],
            ..Default::default()
        };
        (Ok((0, parse)), None, None)
    };
    let max_bytes = max_mb.saturating_mul(1 << 20);
    let (opened, head) = match open_head(file) {
        Ok(opened) => opened,
        Err(e) => return cannot_read(e),
    };
    // The name said what the file should be; its first bytes say what it is.
    let name = file.path.file_name().unwrap_or_default().to_string_lossy();
    if !head.is_empty() {
        file.kind = match article::confirm_kind(file.kind, &name, &head) {
            Ok(kind) => kind,
            Err(reason) => return refuse(reason),
        };
    }
    let whole = matches!(
        file.kind,
        FileKind::Text | FileKind::JsonLines | FileKind::Html | FileKind::Xml
    );
    let streamed_xml = file.kind == FileKind::Xml && file.size > article::PIECE_BYTES as u64;
    if !whole || streamed_xml {
        return match read_container(file, &name, max_mb) {
            Ok((hash, rest, send_rest)) => (
                Ok((hash, FileParse::default())),
                Some(rest),
                Some(send_rest),
            ),
            Err(e) => cannot_read(e),
        };
    }
    if file.kind != FileKind::JsonLines && file.size > max_bytes {
        return refuse(article::too_large(file.size, max_mb));
    }
    if let Some(reason) = article::sniff(&head) {
        return refuse(reason);
    }
    if file.kind == FileKind::JsonLines && file.size > article::PIECE_BYTES as u64 {
        match read_in_pieces(file, max_mb) {
            Ok(Some((hash, first, rest, send_rest))) => {
                return (Ok((hash, first)), Some(rest), Some(send_rest))
            }
            Ok(None) if file.size > max_bytes => {
                return refuse(format!(
                    "{}, and not plain UTF-8, so it cannot be read a line at a time",
                    article::too_large(file.size, max_mb)
                ))
            }
            Ok(None) => {}
            Err(e) => return cannot_read(e),
        }
    }
    if let Some(room) = room {
        *held = Some(room.read_ahead.hold_unless(file.size, room.stop));
    }
    let bytes = match read_rest(opened, head, file.size) {
        Ok(bytes) => bytes,
        Err(e) => return cannot_read(e),
    };
    let hash = content_hash(&bytes);
    (
        Ok((hash, article::parse_file(file.kind, &bytes))),
        None,
        None,
    )
}

/// Opens `file` and reads its head (its first [`article::SNIFF_BYTES`]), taking its size
/// and time from the open file.
fn open_head(file: &mut FoundFile) -> std::io::Result<(File, Vec<u8>)> {
    let (mut opened, meta) = open_regular_with_meta(&file.path)?;
    file.size = meta.len();
    file.mtime_ns = walk::mtime_ns(&meta);
    // Room for the head at once: one read fills it, one more meets the end of the file.
    let mut head = Vec::with_capacity(
        usize::try_from(file.size)
            .unwrap_or(usize::MAX)
            .min(article::SNIFF_BYTES),
    );
    (&mut opened)
        .take(article::SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok((opened, head))
}

/// The whole file: its `head` as [`open_head`] read it, and the rest of `opened` (`size`
/// bytes in all, as opened).
fn read_rest(mut opened: File, mut head: Vec<u8>, size: u64) -> std::io::Result<Vec<u8>> {
    // Fewer bytes than asked for: the read met the end of the file, so the head is the
    // whole file (most articles are), and reading on would only meet the end again.
    if head.len() < article::SNIFF_BYTES {
        return Ok(head);
    }
    // As `std::fs::read`: room for the whole file at once, and an error, not an abort, when
    // there is not enough memory for it.
    let rest = usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_sub(head.len());
    head.try_reserve_exact(rest)
        .map_err(std::io::Error::other)?;
    opened.read_to_end(&mut head)?;
    Ok(head)
}

/// Opens a file the walk found, to read it: never waits (a FIFO put in place of a file
/// since the walk would wait for a writer forever, so the file is opened without waiting
/// and then must still be a regular file).
pub(crate) fn open_regular(path: &Path) -> std::io::Result<File> {
    Ok(open_regular_with_meta(path)?.0)
}

/// [`open_regular`], with the metadata it checked (one `fstat` for both).
fn open_regular_with_meta(path: &Path) -> std::io::Result<(File, std::fs::Metadata)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Reads of a regular file ignore the flag.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "no longer a regular file (a pipe or device took its place), not read",
        ));
    }
    Ok((file, meta))
}

/// Reads `files`, found under the folder whose id is `root`, on all cores, and sends each
/// outcome on `tx`, then the pieces of a file read in pieces. Returns false when it
/// stopped: `room.stop` said so, or nobody takes the outcomes any more.
///
/// One file per task: a worker held by a long archive (it sends the pieces until the last
/// is taken) then holds back no file listed after it, which the other workers read
/// meanwhile, for the indexing thread to add between its pieces. A file read whole holds
/// its share of the room from before it is read until its documents are indexed; a file
/// read in pieces holds a few pieces at a time, bounded apart.
pub fn read_and_send(
    files: Vec<FoundFile>,
    root: u64,
    max_mb: u64,
    room: Room<'_>,
    tx: &Sender<FileOutcome>,
) -> bool {
    let sent = files
        .into_par_iter()
        .with_max_len(1)
        .try_for_each_with(tx.clone(), |tx, file| {
            if (room.stop)() {
                return Err(());
            }
            let (outcome, send_rest) = read_file(file, root, max_mb, Some(room));
            tx.send(outcome).map_err(|_| ())?;
            if let Some(send_rest) = send_rest {
                send_rest();
            }
            Ok(())
        });
    sent.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A FIFO put where the walk saw a file must not block the reader: opening does not
    /// wait for a writer, and the open handle is refused as not a regular file.
    #[cfg(unix)]
    #[test]
    fn a_fifo_in_place_of_a_file_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("swapped.txt");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &path,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(open_regular(&path).map(|_| ()).map_err(|e| e.to_string()));
        });
        let opened = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("opening a FIFO must not wait for a writer");
        assert!(opened.unwrap_err().contains("no longer a regular file"));
        let file = dir.path().join("plain.txt");
        std::fs::write(&file, "x").unwrap();
        assert!(open_regular(&file).is_ok());
    }
}
