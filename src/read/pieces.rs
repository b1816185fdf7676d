//! Reading a file in pieces: a large JSON Lines file a piece of whole lines at a time, and a
//! packed file (an archive, a compressed file, a WARC, a large news XML file) a member or
//! item at a time. A first pass hashes the file; the second reads it and sends its records
//! in pieces, a bounded number ahead of the one taking them, and checks the file is still
//! the one hashed. So a file of any size costs a few pieces of memory.

use std::fs::File;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::{bounded, Receiver, Sender};

use crate::article::{self, FileKind, FileParse, Record};
use crate::pending::{Held, Pending};

use super::file::open_regular;
use super::walk::FoundFile;

/// What a worker reading a file in pieces sends after the first piece.
pub enum Piece {
    /// Records, with their share of the container's room (see [`PieceSink`]), if any.
    Records(Vec<Record>, Option<std::sync::Arc<Held>>),
    /// How the file ended, once every piece was read; `Err` when it could not be read to
    /// the end as it was at first (a read error, or it changed meanwhile).
    End(PieceEnd),
}

/// What is known of a file read in pieces once its last piece was read.
#[derive(Default)]
pub struct Ended {
    pub problems: Vec<article::Problem>,
    /// Records that are not articles (a WARC request, a redirect), counted.
    pub passed_over: u64,
}

/// Sends the pieces of a file after the first; returns when the indexing thread has taken
/// the last (or stopped taking them).
pub type SendRest = Box<dyn FnOnce() + Send>;

/// How a file read in pieces ended, as [`Piece::End`] says.
pub type PieceEnd = Result<Ended, String>;

/// Records of a container sent to the indexing thread together, at most (or
/// [`article::PIECE_BYTES`] of text, whichever comes first).
const PIECE_RECORDS: usize = 1024;

/// The room one container's (or large JSON Lines file's) pieces share, from being sent
/// until tantivy has indexed their documents: pieces of ordinary articles are bounded by
/// [`PIECES_AHEAD`] long before it fills, and a member (or line) larger than it goes alone,
/// so of a file's large articles one at a time is in memory once read.
const CONTAINER_ROOM: u64 = 16 << 20;

/// The worker's end of a container being read: records go to the indexing thread in
/// pieces as they are read, problems and the count of records passed over wait for the
/// end. Once the indexing thread stops taking pieces, `stopped` tells the reading to stop.
struct PieceSink {
    tx: Sender<Piece>,
    records: Vec<Record>,
    bytes: usize,
    ended: Ended,
    stopped: std::sync::Arc<AtomicBool>,
    /// Each piece takes its bytes of it before it is sent (see [`CONTAINER_ROOM`]).
    room: Pending,
}

impl PieceSink {
    fn flush(&mut self) {
        if self.records.is_empty() || self.stopped.load(Ordering::Relaxed) {
            return;
        }
        self.bytes = 0;
        let records = std::mem::take(&mut self.records);
        if !send_held(&self.tx, &self.room, records) {
            self.stopped.store(true, Ordering::Relaxed);
        }
    }
}

/// Sends a piece of `records` once it holds its bytes of `room` (given back as tantivy
/// indexes them); false when the indexing thread no longer takes pieces. The wait for room
/// ends then too: an empty piece, which adds nothing, finds that out.
fn send_held(tx: &Sender<Piece>, room: &Pending, records: Vec<Record>) -> bool {
    let bytes: usize = records
        .iter()
        .map(|r| r.article.body.len() + r.article.title.len())
        .sum();
    let gone = || {
        matches!(
            tx.try_send(Piece::Records(Vec::new(), None)),
            Err(crossbeam_channel::TrySendError::Disconnected(_))
        )
    };
    let held = std::sync::Arc::new(room.hold_unless(bytes as u64, &gone));
    tx.send(Piece::Records(records, Some(held))).is_ok()
}

impl article::Sink for PieceSink {
    fn record(&mut self, record: Record) {
        self.bytes += record.article.body.len() + record.article.title.len();
        self.records.push(record);
        if self.records.len() >= PIECE_RECORDS || self.bytes >= article::PIECE_BYTES {
            self.flush();
        }
    }
    fn problem(&mut self, problem: article::Problem) {
        self.ended.problems.push(problem);
    }
    fn passed_over(&mut self) {
        self.ended.passed_over += 1;
    }
}

/// Reads a file and hashes what it reads; stops with an error once `stopped` is set.
struct Hashing {
    file: File,
    hasher: xxhash_rust::xxh3::Xxh3,
    stopped: std::sync::Arc<AtomicBool>,
}

impl Read for Hashing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stopped.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("stopped"));
        }
        let n = self.file.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

impl std::io::Seek for Hashing {
    /// Only a zip seeks, and it is read from the file itself.
    fn seek(&mut self, _: std::io::SeekFrom) -> std::io::Result<u64> {
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

fn hash_file(mut file: File) -> std::io::Result<u64> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0; 1 << 16];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(hasher.digest()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

type Container = (u64, Receiver<Piece>, SendRest);

/// Reads a packed file (an archive, a compressed file, a WARC; or a large news XML file,
/// which holds items as a container holds members) as JSON Lines files are read in
/// pieces: a first pass hashes it (every document stores the hash), the second reads and
/// unpacks it, handing its records to the indexing thread in pieces as they come, at most
/// [`PIECES_AHEAD`] ahead, so that a container of millions of articles costs a few pieces
/// of memory. The second pass checks the file is still the one hashed
/// (hashing what it reads, or for a zip, which seeks, hashing it again after): if not, the
/// file is dropped and read again on the next run. A commit while it is read lists it as
/// read part-way (see the indexer's `Pass::add_pieces`).
pub fn read_container(file: &FoundFile, name: &str, max_mb: u64) -> std::io::Result<Container> {
    let hash = hash_file(open_regular(&file.path)?)?;
    let (tx, rx) = bounded(PIECES_AHEAD);
    let (path, kind, name) = (file.path.clone(), file.kind, name.to_string());
    let send_rest: SendRest = Box::new(move || {
        let stopped = std::sync::Arc::new(AtomicBool::new(false));
        let mut sink = PieceSink {
            tx,
            records: Vec::new(),
            bytes: 0,
            ended: Ended::default(),
            stopped: stopped.clone(),
            room: Pending::new(CONTAINER_ROOM),
        };
        let mut read = || -> std::io::Result<u64> {
            let opened = open_regular(&path)?;
            if kind == FileKind::Zip {
                article::read_named(kind, &name, opened, &mut sink, max_mb);
                return hash_file(open_regular(&path)?);
            }
            let mut hashing = Hashing {
                file: opened,
                hasher: xxhash_rust::xxh3::Xxh3::new(),
                stopped: stopped.clone(),
            };
            article::read_named(kind, &name, &mut hashing, &mut sink, max_mb);
            // What the readers left unread (after a tar's end, a damaged stream).
            std::io::copy(&mut hashing, &mut std::io::sink())?;
            Ok(hashing.hasher.digest())
        };
        let end = match read() {
            Ok(rehash) if rehash == hash => Ok(()),
            Ok(_) => Err("changed while being read".to_string()),
            Err(e) => Err(format!("cannot read: {e}")),
        };
        sink.flush();
        if sink.stopped.load(Ordering::Relaxed) {
            return;
        }
        let end = end.map(|()| std::mem::take(&mut sink.ended));
        let _ = sink.tx.send(Piece::End(end));
    });
    Ok((hash, rx, send_rest))
}

/// Pieces of one file waiting for the indexing thread: a bound on the memory a file of any
/// size takes while it waits.
const PIECES_AHEAD: usize = 2;

type InPieces = (u64, FileParse, Receiver<Piece>, SendRest);

/// Reads a large JSON Lines file in pieces of whole lines, so memory holds a few pieces
/// rather than the whole file and all its articles. A first pass hashes the file (every
/// document stores the hash) and checks that it is plain UTF-8; a file that is not is left
/// to the whole-file reader (`Ok(None)`), which decodes it as one. The second pass parses
/// the pieces: the first is returned, the others are sent by the returned function, at most
/// [`PIECES_AHEAD`] ahead of the indexing thread. So a worker holds one file at a time, and
/// a large file costs a few pieces of memory however large it is.
pub fn read_in_pieces(file: &FoundFile, max_mb: u64) -> std::io::Result<Option<InPieces>> {
    let max_line = usize::try_from(max_mb.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
    let open = || -> std::io::Result<_> {
        Ok(article::Pieces::new(
            open_regular(&file.path)?,
            article::PIECE_BYTES,
            max_line,
        ))
    };
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut pieces = open()?;
    while let Some(chunk) = pieces.next()? {
        // An overlong line is skipped unread, whatever its encoding.
        if let article::Chunk::Lines(piece) = chunk {
            if !article::plain_utf8(piece) {
                return Ok(None);
            }
        }
        hasher.update(chunk.bytes());
    }
    let hash = hasher.digest();
    let mut pieces = open()?;
    let mut parser = article::JsonlPieces::new(max_mb);
    let mut rehash = xxhash_rust::xxh3::Xxh3::new();
    // The first chunk with lines decides whether the file can be read in pieces; overlong
    // lines before it are only counted.
    let mut first = Vec::new();
    loop {
        let Some(chunk) = pieces.next()? else {
            return Ok(None);
        };
        rehash.update(chunk.bytes());
        let lines = matches!(chunk, article::Chunk::Lines(_));
        match parser.chunk(chunk) {
            Some(records) => first.extend(records),
            None => return Ok(None),
        }
        if lines {
            break;
        }
    }
    let (tx, rx) = bounded(PIECES_AHEAD);
    let send_rest: SendRest = Box::new(move || {
        // As a container's pieces: each holds its bytes of this room until indexed, so of
        // a file of very long lines one at a time is in memory once read.
        let room = Pending::new(CONTAINER_ROOM);
        let end = loop {
            match pieces.next() {
                Ok(Some(chunk)) => {
                    rehash.update(chunk.bytes());
                    let Some(records) = parser.chunk(chunk) else {
                        break Err("changed while being read".to_string());
                    };
                    if !send_held(&tx, &room, records) {
                        return;
                    }
                }
                Ok(None) if rehash.digest() == hash => {
                    break Ok(Ended {
                        problems: parser.finish(),
                        passed_over: 0,
                    })
                }
                Ok(None) => break Err("changed while being read".to_string()),
                Err(e) => break Err(format!("cannot read: {e}")),
            }
        };
        let _ = tx.send(Piece::End(end));
    });
    let first = FileParse {
        records: first,
        problems: Vec::new(),
        ..Default::default()
    };
    Ok(Some((hash, first, rx, send_rest)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A sink sending to `tx`, and a record of `bytes` bytes of text.
    fn sink(tx: Sender<Piece>) -> PieceSink {
        PieceSink {
            tx,
            records: Vec::new(),
            bytes: 0,
            ended: Ended::default(),
            stopped: std::sync::Arc::new(AtomicBool::new(false)),
            room: Pending::new(CONTAINER_ROOM),
        }
    }

    fn large_record() -> Record {
        Record {
            article: article::Article {
                body: "x".repeat(CONTAINER_ROOM as usize + 1),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn a_large_member_of_a_container_waits_until_the_one_before_is_indexed() {
        use article::Sink;
        let (tx, rx) = bounded(PIECES_AHEAD);
        let (a, b) = (large_record(), large_record());
        let reader = std::thread::spawn(move || {
            let mut sink = sink(tx);
            sink.record(a);
            sink.record(b);
        });
        // The first piece, as the indexing thread holds it until tantivy has indexed it.
        let first = rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            !reader.is_finished(),
            "a second large member was sent meanwhile"
        );
        drop(first);
        reader.join().unwrap();
        let rest: Vec<Piece> = rx.iter().collect();
        let records: usize = rest
            .iter()
            .map(|p| match p {
                Piece::Records(r, _) => r.len(),
                Piece::End(_) => 0,
            })
            .sum();
        assert_eq!(records, 1);
    }

    #[test]
    fn a_large_member_waiting_for_room_stops_when_its_container_is_no_longer_taken() {
        use article::Sink;
        let (tx, rx) = bounded(PIECES_AHEAD);
        let mut sink = sink(tx);
        sink.record(large_record());
        let first = rx.recv().unwrap();
        drop(rx);
        // Would wait for `first` to be dropped; the indexing thread is gone, so it does not.
        sink.record(large_record());
        assert!(sink.stopped.load(Ordering::Relaxed));
        drop(first);
    }
}
