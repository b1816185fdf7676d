//! Packed files read as if they were folders: compressed files (`.gz`, `.bz2`, `.xz`,
//! `.zst`), zip and tar archives (and the two together, `.tgz`), and archives inside
//! archives, streamed: nothing is unpacked to disk, no archive is held whole in memory, and
//! a member larger than the cap once unpacked is skipped after reading at most the cap
//! (news XML and JSON Lines are read an item at a time, and only an item over the cap is
//! skipped), and all of one file's layers together unpack at most [`UNPACK_RATIO`] times
//! its size (or 16 times the cap, when that is more), so no bomb costs more than that.
//!
//! Where an article came from inside an archive is its `member`: the member's path, and
//! for an archive inside an archive the paths joined with `!` (`day/b.zip!x.xml` is
//! `x.xml` inside the zip `day/b.zip` inside the file). A compressed file is not a
//! folder: its articles get no member of their own (`x.xml.gz` in a tar is member
//! `x.xml.gz`).

mod zip_archive;

use zip_archive::read_zip;

use std::cell::Cell;
use std::io::{self, Cursor, Read, Seek, SeekFrom};

use super::{
    jsonl_stream, kind_of, over_cap, parse_file, sniff_kind, Codec, FileKind, Problem, Record,
    Severity, Sink,
};

/// What reading a packed file may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The cap on one article file once unpacked, in MB (`--max-article-mb`).
    pub max_mb: u64,
}

impl Limits {
    fn max_bytes(&self) -> u64 {
        self.max_mb.saturating_mul(1 << 20)
    }
}

/// All the layers of one file together unpack at most this many times the bytes read of
/// it (of a zip, which is read by seeking, its size): text deflates to a tenth or so, and
/// only a bomb (many members sharing one deflated text, zeros packed a thousandfold) comes
/// near.
pub const UNPACK_RATIO: u64 = 100;

/// ... and, whatever the file's size, at least this many times the cap on one member: a
/// small file holding one large article, or a tar skipping past one over the cap, is read.
const UNPACK_FLOOR_CAPS: u64 = 16;

/// Archives and compressed layers inside one another, at most: `a.tgz!b.zip!c.xml.gz` is
/// five. Deeper ones are reported, not read.
pub const MAX_DEPTH: u32 = 6;

/// How many bytes at the start of a member decide its kind (tar's magic is at 257).
const HEAD_BYTES: u64 = 1024;

/// The reading of one file: its limits, and what it has read and unpacked so far.
struct Reading {
    limits: Limits,
    /// Bytes of the file itself read so far.
    read: Cell<u64>,
    /// Bytes its layers have unpacked (a zip inside a `.tgz` counts in both: a bound,
    /// not a measure).
    unpacked: Cell<u64>,
    /// Set once `unpacked` is over what the file may unpack: nothing more is read.
    over: Cell<bool>,
}

impl Reading {
    fn new(limits: Limits) -> Reading {
        Reading {
            limits,
            read: Cell::new(0),
            unpacked: Cell::new(0),
            over: Cell::new(false),
        }
    }

    fn max_bytes(&self) -> u64 {
        self.limits.max_bytes()
    }

    /// Counts `n` more bytes unpacked: an error once the file has unpacked more than it
    /// may, and from then on.
    fn unpack(&self, n: usize) -> io::Result<()> {
        let unpacked = self.unpacked.get().saturating_add(n as u64);
        self.unpacked.set(unpacked);
        let allowed = (self.max_bytes().saturating_mul(UNPACK_FLOOR_CAPS))
            .max(self.read.get().saturating_mul(UNPACK_RATIO));
        if unpacked > allowed {
            self.over.set(true);
        }
        if self.over.get() {
            return Err(io::Error::other(format!(
                "the file unpacks to over {UNPACK_RATIO}× its size, as a zip bomb does: the \
                 rest of it is not read (unpack it yourself to index it)"
            )));
        }
        Ok(())
    }

    /// True once the file has unpacked more than it may.
    fn over(&self) -> bool {
        self.over.get()
    }
}

/// The file itself, counting the bytes read of it.
struct Counted<'a, R> {
    inner: R,
    reading: &'a Reading,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = &self.reading.read;
        read.set(read.get().saturating_add(n as u64));
        Ok(n)
    }
}

/// Reads a whole file of a packed kind (or any kind) that can seek: a zip reads its
/// directory and then one member at a time; the others stream.
pub fn read_seekable<R: Read + Seek>(
    kind: FileKind,
    name: &str,
    mut input: R,
    sink: &mut dyn Sink,
    limits: Limits,
) {
    let reading = Reading::new(limits);
    match kind {
        FileKind::Zip => {
            if let Ok(size) = input.seek(SeekFrom::End(0)) {
                reading.read.set(size);
            }
            read_zip(input, sink, &reading, 1)
        }
        _ => {
            let mut input = Counted {
                inner: input,
                reading: &reading,
            };
            read_stream(kind, name, &mut input, sink, &reading, 0)
        }
    }
}

/// True, with the problem told to `sink`, when a layer at `depth` is nested deeper than
/// [`MAX_DEPTH`].
pub(super) fn too_deep(depth: u32, sink: &mut dyn Sink) -> bool {
    if depth > MAX_DEPTH {
        sink.problem(skipped(format!(
            "archives nested more than {MAX_DEPTH} deep: unpack the outer ones to read it"
        )));
    }
    depth > MAX_DEPTH
}

/// Reads `input`, a file of `kind` named `name` (the name decides the kind of what a
/// compressed layer holds), handing what it holds to `sink`.
fn read_stream(
    kind: FileKind,
    name: &str,
    input: &mut dyn Read,
    sink: &mut dyn Sink,
    reading: &Reading,
    depth: u32,
) {
    if too_deep(depth, sink) {
        return;
    }
    match kind {
        FileKind::Compressed(codec) => {
            let inner = inner_name(name, codec);
            let mut decoder = Labelled {
                inner: decoder(codec, input),
                what: codec.name(),
                reading,
            };
            let Some(named) = kind_of(std::path::Path::new(&inner)) else {
                // Only names the walk takes get here; a member named `x.gz` with no
                // article inside is passed over by `read_member`.
                sink.problem(skipped(format!(
                    "{inner}: not an article file once unpacked"
                )));
                return;
            };
            read_member(named, &inner, &mut decoder, sink, reading, depth + 1, false);
        }
        FileKind::Tar => read_tar(input, sink, reading, depth + 1),
        FileKind::Zip => {
            // A zip needs to seek (its directory is at its end): one inside a stream is
            // read into memory, up to the cap.
            match read_capped(input, reading) {
                Ok(bytes) => read_zip(Cursor::new(bytes), sink, reading, depth + 1),
                Err(problem) => sink.problem(problem),
            }
        }
        FileKind::Warc => super::warc::read_capped(input, sink, reading.max_bytes()),
        FileKind::JsonLines => jsonl_stream(input, sink, reading.limits.max_mb),
        // One item at a time, each under the cap, as a WARC file's records.
        FileKind::Xml => super::xml::read(input, sink, reading.limits.max_mb),
        FileKind::Text | FileKind::Html => match read_capped(input, reading) {
            Ok(bytes) => {
                let parse = parse_file(kind, &bytes);
                // Freed before the records are handed on, which may wait for the indexing
                // thread: a large member is then in memory once, as its text.
                drop(bytes);
                for p in parse.problems {
                    sink.problem(p);
                }
                for r in parse.records {
                    sink.record(r);
                }
            }
            Err(problem) => sink.problem(problem),
        },
    }
}

/// Reads one member (or what a compressed layer holds), after confirming from its first
/// bytes what its name says it is. `in_archive`: its problems and records get its name as
/// their member.
fn read_member(
    named: FileKind,
    name: &str,
    input: &mut dyn Read,
    sink: &mut dyn Sink,
    reading: &Reading,
    depth: u32,
    in_archive: bool,
) {
    let mut member = InMember {
        sink,
        member: in_archive.then_some(name),
    };
    let mut head = Vec::new();
    if let Err(e) = input.take(HEAD_BYTES).read_to_end(&mut head) {
        member.problem(skipped(format!("cannot read: {e}")));
        return;
    }
    if head.is_empty() {
        member.problem(skipped("empty file"));
        return;
    }
    let kind = match confirm_kind(named, name, &head) {
        Ok(kind) => kind,
        Err(reason) => {
            member.problem(skipped(reason));
            return;
        }
    };
    let mut whole = Cursor::new(head).chain(input);
    read_stream(kind, name, &mut whole, &mut member, reading, depth);
}

/// The kind a file is, from its name's kind and its first bytes: the bytes win where they
/// say what they are (a `.txt` that is gzip, an `.xml` page that is HTML); a name that
/// says packed on bytes that are not is an error.
pub fn confirm_kind(named: FileKind, name: &str, head: &[u8]) -> Result<FileKind, String> {
    if let Some(kind) = sniff_kind(head) {
        // A `.gz` file that holds a tar is read as `.tgz` would be.
        return Ok(match (named, kind) {
            (FileKind::Compressed(a), FileKind::Compressed(b)) if a == b => named,
            _ => kind,
        });
    }
    let packed = match named {
        FileKind::Compressed(codec) => Some(codec.name()),
        FileKind::Zip => Some("zip"),
        FileKind::Tar => Some("tar"),
        FileKind::Warc => Some("WARC"),
        _ => None,
    };
    if let Some(what) = packed {
        let ext = name.rsplit('.').next().unwrap_or_default();
        return Err(format!(
            "not {what} data despite its name (.{ext}): the file is damaged or misnamed"
        ));
    }
    Ok(match (named, super::markup_kind(head)) {
        (FileKind::Html | FileKind::Xml, Some(kind)) => kind,
        _ => named,
    })
}

/// The name of what a compressed file holds: `x.xml.gz` holds `x.xml`, `x.tgz` `x.tar`.
pub fn inner_name(name: &str, codec: Codec) -> String {
    let lower = name.to_ascii_lowercase();
    for (ext, tar) in codec.extensions() {
        if lower.ends_with(ext) && lower.len() > ext.len() {
            let stem = &name[..name.len() - ext.len()];
            return if *tar {
                format!("{stem}.tar")
            } else {
                stem.to_string()
            };
        }
    }
    name.to_string()
}

fn decoder<'a>(codec: Codec, input: &'a mut dyn Read) -> Box<dyn Read + 'a> {
    let input = io::BufReader::new(input);
    match codec {
        // Several gzip members one after another are one stream (`cat a.gz b.gz`, and a
        // `.warc.gz` holds one member per record).
        Codec::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
        Codec::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(input)),
        Codec::Xz => Box::new(lzma_rust2::XzReader::new(input, true)),
        Codec::Zstd => match zstd::stream::read::Decoder::with_buffer(input) {
            Ok(d) => Box::new(d),
            Err(e) => Box::new(Failing(Some(e))),
        },
    }
}

/// A reader that fails at once (a decoder that could not be made).
struct Failing(Option<io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(self.0.take().unwrap_or_else(|| io::Error::other("failed")))
    }
}

/// A decoder whose errors say what was being unpacked, in words: they surface wherever the
/// reading stops (a member, a WARC record, a tar header). What it unpacks counts against
/// what the file may unpack.
struct Labelled<'a> {
    inner: Box<dyn Read + 'a>,
    what: &'static str,
    reading: &'a Reading,
}

impl Read for Labelled<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| {
            let what = self.what;
            let reason = match e.kind() {
                io::ErrorKind::UnexpectedEof => {
                    format!("truncated {what} data (the file ends early)")
                }
                io::ErrorKind::Interrupted => return e,
                _ if e.to_string().to_lowercase().contains("checksum") => {
                    format!("damaged {what} data: the bytes do not match their checksum")
                }
                _ => format!("damaged {what} data ({e})"),
            };
            io::Error::new(e.kind(), reason)
        })?;
        self.reading.unpack(n)?;
        Ok(n)
    }
}

/// Reads a whole member into memory, up to the cap: a larger one is skipped after reading
/// the cap and one byte, however large its header says it is.
fn read_capped(input: &mut dyn Read, reading: &Reading) -> Result<Vec<u8>, Problem> {
    let cap = reading.max_bytes();
    let mut bytes = Vec::new();
    match input.take(cap.saturating_add(1)).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > cap => Err(skipped(format!(
            "{} when unpacked",
            over_cap(reading.limits.max_mb)
        ))),
        Ok(_) => Ok(bytes),
        Err(e) => Err(skipped(format!("cannot read: {e}"))),
    }
}

fn read_tar(input: &mut dyn Read, sink: &mut dyn Sink, reading: &Reading, depth: u32) {
    let mut archive = tar::Archive::new(input);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => {
            sink.problem(skipped(format!("not a readable tar archive: {e}")));
            return;
        }
    };
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            // Over what the file may unpack: the error says so.
            Err(e) if reading.over() => {
                sink.problem(skipped(e.to_string()));
                return;
            }
            Err(e) => {
                // A tar has no directory: after a bad header nothing more can be found.
                sink.problem(skipped(format!(
                    "the tar archive cannot be read past this point: {e}"
                )));
                return;
            }
        };
        // Regular files only: directories, links (never followed), devices are not
        // articles.
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = clean_name(&String::from_utf8_lossy(&entry.path_bytes()));
        let Some(kind) = member_kind(&name) else {
            continue;
        };
        let mut member = WholeMember {
            size: entry.size(),
            got: 0,
            cut: false,
            inner: &mut entry,
        };
        read_member(kind, &name, &mut member, sink, reading, depth, true);
        if member.cut || reading.over() {
            // Reported as the member's problem: nothing follows the cut, and no more of
            // the file is unpacked.
            return;
        }
    }
}

/// A tar member's data, which must be as long as its header says: in a plain tar cut
/// short, the data just ends, with no error of its own.
struct WholeMember<R> {
    inner: R,
    size: u64,
    got: u64,
    /// Set when the data ended before its size.
    cut: bool,
}

impl<R: Read> Read for WholeMember<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() && self.got < self.size {
            self.cut = true;
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "truncated tar data: the member ends after {} of its {} bytes",
                    self.got, self.size
                ),
            ));
        }
        self.got = self.got.saturating_add(n as u64);
        Ok(n)
    }
}

/// The kind of an archive member by its name, or `None` when it is not read: not an
/// article file, or hidden (a dot file or folder, and the `__MACOSX` folder of resource
/// forks macOS adds to zips).
pub fn member_kind(name: &str) -> Option<FileKind> {
    let hidden = name
        .split(['/', '\\'])
        .any(|part| part.starts_with('.') && part != "." && part != ".." || part == "__MACOSX");
    if hidden {
        return None;
    }
    kind_of(std::path::Path::new(name.rsplit(['/', '\\']).next()?))
}

/// A member's path as it is shown: without the `./` or `/` some archivers put first.
fn clean_name(name: &str) -> String {
    let mut name = name;
    loop {
        let rest = name.trim_start_matches('/');
        let rest = rest.strip_prefix("./").unwrap_or(rest);
        if rest.len() == name.len() {
            return name.to_string();
        }
        name = rest;
    }
}

fn skipped(reason: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Skipped,
        reason: reason.into(),
        ..Default::default()
    }
}

/// Passes on what a member holds, named by the member's path (joined with `!` to the
/// member path an archive inside it gives).
struct InMember<'a> {
    sink: &'a mut dyn Sink,
    member: Option<&'a str>,
}

impl InMember<'_> {
    fn name(&self, inner: Option<String>) -> Option<String> {
        match (self.member, inner) {
            (Some(outer), Some(inner)) => Some(format!("{outer}!{inner}")),
            (Some(outer), None) => Some(outer.to_string()),
            (None, inner) => inner,
        }
    }
}

impl Sink for InMember<'_> {
    fn record(&mut self, mut record: Record) {
        record.member = self.name(record.member.take());
        self.sink.record(record);
    }
    fn problem(&mut self, mut problem: Problem) {
        problem.member = self.name(problem.member.take());
        self.sink.problem(problem);
    }
    fn passed_over(&mut self) {
        self.sink.passed_over();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::FileParse;
    use proptest::prelude::*;
    use std::path::Path;

    #[test]
    fn kinds_by_name() {
        let cases = [
            ("a.txt", Some(FileKind::Text)),
            ("a.NDJSON", Some(FileKind::JsonLines)),
            ("a.xhtml", Some(FileKind::Html)),
            ("feed.rss", Some(FileKind::Xml)),
            ("crawl.warc", Some(FileKind::Warc)),
            ("crawl.warc.gz", Some(FileKind::Compressed(Codec::Gzip))),
            ("day.tgz", Some(FileKind::Compressed(Codec::Gzip))),
            ("day.tar.zst", Some(FileKind::Compressed(Codec::Zstd))),
            ("a.xml.bz2", Some(FileKind::Compressed(Codec::Bzip2))),
            ("a.jsonl.xz", Some(FileKind::Compressed(Codec::Xz))),
            ("month.zip", Some(FileKind::Zip)),
            ("access.log.gz", None),
            (".gz", None),
            ("a.pdf", None),
        ];
        for (name, kind) in cases {
            assert_eq!(kind_of(Path::new(name)), kind, "{name}");
        }
        assert_eq!(inner_name("Day.TGZ", Codec::Gzip), "Day.tar");
        assert_eq!(inner_name("a.warc.gz", Codec::Gzip), "a.warc");
        assert_eq!(member_kind("__MACOSX/d/._a.txt"), None);
        assert_eq!(member_kind("d/.hidden/a.txt"), None);
        assert_eq!(member_kind("./d/a.txt"), Some(FileKind::Text));
        assert_eq!(clean_name(".//./d/a.txt"), "d/a.txt");
    }

    #[test]
    fn kinds_by_content() {
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        let cases: [(&[u8], Option<FileKind>); 7] = [
            (b"\x1f\x8b\x08\0", Some(FileKind::Compressed(Codec::Gzip))),
            (b"BZh91AY", Some(FileKind::Compressed(Codec::Bzip2))),
            (b"\xfd7zXZ\0\0", Some(FileKind::Compressed(Codec::Xz))),
            (b"\x28\xb5\x2f\xfd", Some(FileKind::Compressed(Codec::Zstd))),
            (b"PK\x03\x04", Some(FileKind::Zip)),
            (b"WARC/1.0\r\n", Some(FileKind::Warc)),
            (&tar, Some(FileKind::Tar)),
        ];
        for (head, kind) in cases {
            assert_eq!(super::super::sniff_kind(head), kind, "{head:?}");
        }
        assert_eq!(super::super::sniff_kind(b"BZh0"), None);
        let markup = super::super::markup_kind;
        assert_eq!(
            markup(b"\xEF\xBB\xBF<!DOCTYPE html><p>"),
            Some(FileKind::Html)
        );
        assert_eq!(
            markup(b"<?xml version=\"1.0\"?>\n<!-- c --><!DOCTYPE nitf SYSTEM \"x\"><nitf>"),
            Some(FileKind::Xml)
        );
        assert_eq!(
            markup(b"<?xml version=\"1.0\"?><HTML lang=en>"),
            Some(FileKind::Html)
        );
        assert_eq!(markup(b"plain text"), None);
        // The bytes win over the name; a name saying packed on bytes that are not is wrong.
        let confirm = |named, name, head| confirm_kind(named, name, head);
        assert_eq!(
            confirm(FileKind::Text, "a.txt", b"\x1f\x8b\x08"),
            Ok(FileKind::Compressed(Codec::Gzip))
        );
        assert_eq!(
            confirm(FileKind::Xml, "a.xml", b"<html>"),
            Ok(FileKind::Html)
        );
        assert_eq!(
            confirm(FileKind::Html, "a.html", b"<rss>"),
            Ok(FileKind::Xml)
        );
        assert!(confirm(FileKind::Zip, "a.zip", b"hello")
            .unwrap_err()
            .starts_with("not zip data despite its name (.zip)"));
    }

    #[test]
    fn archives_nested_too_deep_are_reported_not_read() {
        let mut bytes = b"Title\nMarch 3, 2017\n\nBody.\n".to_vec();
        for _ in 0..MAX_DEPTH + 2 {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut enc, &bytes).unwrap();
            bytes = enc.finish().unwrap();
        }
        let mut parse = FileParse::default();
        let limits = Limits { max_mb: 1 };
        read_seekable(
            FileKind::Compressed(Codec::Gzip),
            "a.txt.gz",
            Cursor::new(bytes),
            &mut parse,
            limits,
        );
        assert!(parse.records.is_empty());
        assert_eq!(parse.problems.len(), 1, "{:?}", parse.problems);
        assert!(parse.problems[0]
            .reason
            .starts_with("archives nested more than"));
    }

    proptest! {
        #[test]
        fn packed_readers_never_panic_on_arbitrary_bytes(
            prefix in prop_oneof![
                Just(&b""[..]),
                Just(&b"\x1f\x8b\x08\0\0\0\0\0\0\x03"[..]),
                Just(&b"PK\x03\x04\x14\0\0\0\x08\0"[..]),
                Just(&b"BZh9"[..]),
                Just(&b"\xfd7zXZ\0"[..]),
                Just(&b"\x28\xb5\x2f\xfd"[..]),
                Just(&b"WARC/1.0\r\n"[..]),
            ],
            bytes in proptest::collection::vec(any::<u8>(), 0..2048),
            name in prop_oneof![
                Just("a.zip"), Just("a.txt.gz"), Just("a.tgz"), Just("a.tar"), Just("a.jsonl.bz2"),
                Just("a.xml.xz"), Just("a.txt.zst"), Just("a.warc.gz"),
            ],
        ) {
            let bytes = [prefix, &bytes].concat();
            let named = kind_of(Path::new(name)).unwrap();
            let mut parse = FileParse::default();
            let limits = Limits { max_mb: 1 };
            match confirm_kind(named, name, &bytes) {
                Ok(kind) => read_seekable(kind, name, Cursor::new(&bytes), &mut parse, limits),
                Err(reason) => prop_assert!(!reason.is_empty()),
            }
            let _ = crate::article::parse_file(named, &bytes);
        }
    }
}
