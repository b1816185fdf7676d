//! Reading article files: turning the bytes of any format dateline reads (plain text, JSON
//! Lines, HTML pages, news XML, WARC crawls, and these inside compressed files and archives)
//! into [`Article`]s, with every problem found on the way reported rather than panicked on.

pub mod byline;
pub mod container;
pub mod date;
pub mod dateline;
mod decode;
pub mod html;
mod jsonl;
mod text;
pub mod warc;
pub mod xml;

use std::io::Read;
use std::path::Path;

use chrono::NaiveDateTime;

/// One news article as dateline indexes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    pub authors: Vec<String>,
    pub date: Option<ArticleDate>,
    pub body: String,
    /// Where the article is published on the web (a page's canonical link, a feed item's
    /// link, a WARC record's target), when the source says.
    pub url: Option<String>,
    /// The place and source as the format names them (an NITF dateline, a JSON Lines
    /// `place` key); when absent they are read from the body's own dateline.
    pub place: Option<String>,
    pub source: Option<String>,
}

/// The article's date as written in it: wall-clock time in the article's own zone (an
/// explicit offset is dropped, not converted, so the day users see printed is the day they
/// filter on). `has_time` is false when only a day was given (time is then midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleDate {
    pub datetime: NaiveDateTime,
    pub has_time: bool,
}

/// What kind of article file a path names: by its name during the walk (cheap), then
/// confirmed from its first bytes when it is read ([`confirm_kind`]), so that a name that
/// lies is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Text,
    JsonLines,
    /// A saved web page (`.html`, `.htm`, `.xhtml`).
    Html,
    /// News XML: NITF, NewsML, RSS, Atom (`.xml`, `.rss`, `.atom`, `.nitf`).
    Xml,
    /// A web crawl (`.warc`).
    Warc,
    /// A zip archive, read as a folder.
    Zip,
    /// A tar archive, read as a folder.
    Tar,
    /// A compressed file: what it holds is named by its name without the compression's
    /// extension (`x.xml.gz` holds `x.xml`, `x.tgz` a tar).
    Compressed(Codec),
}

/// The compressions dateline unpacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Codec {
    /// In words, for problems.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Gzip => "gzip",
            Codec::Bzip2 => "bzip2",
            Codec::Xz => "xz",
            Codec::Zstd => "zstd",
        }
    }

    /// Its extensions (lower case, with the dot), and whether the extension also says the
    /// file holds a tar (`.tgz`).
    pub fn extensions(self) -> &'static [(&'static str, bool)] {
        match self {
            Codec::Gzip => &[(".gz", false), (".tgz", true)],
            Codec::Bzip2 => &[(".bz2", false), (".tbz2", true), (".tbz", true)],
            Codec::Xz => &[(".xz", false), (".txz", true)],
            Codec::Zstd => &[(".zst", false), (".zstd", false), (".tzst", true)],
        }
    }
}

const CODECS: [Codec; 4] = [Codec::Gzip, Codec::Bzip2, Codec::Xz, Codec::Zstd];

/// Returns the kind of article file `path` is, by its name, or `None` when it is not an
/// article file. A compressed file is one when what it holds is (`x.xml.gz`, `x.tgz`;
/// not `x.log.gz`).
pub fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str().map(str::to_ascii_lowercase)?;
    for codec in CODECS {
        for (ext, _) in codec.extensions() {
            if name.ends_with(ext) && name.len() > ext.len() {
                let inner = container::inner_name(&name, codec);
                return kind_of(Path::new(&inner)).map(|_| FileKind::Compressed(codec));
            }
        }
    }
    let ext = name.rsplit_once('.')?.1;
    Some(match ext {
        "txt" => FileKind::Text,
        "jsonl" | "ndjson" => FileKind::JsonLines,
        "html" | "htm" | "xhtml" => FileKind::Html,
        "xml" | "rss" | "atom" | "nitf" => FileKind::Xml,
        "warc" => FileKind::Warc,
        "zip" => FileKind::Zip,
        "tar" => FileKind::Tar,
        _ => return None,
    })
}

/// The extensions [`kind_of`] takes, for messages.
pub const EXTENSIONS: &str = ".txt, .jsonl, .ndjson, .html, .htm, .xhtml, .xml, .rss, .atom, \
     .warc, .zip, .tar, .tgz, and those with .gz, .bz2, .xz or .zst added";

/// The kind a file's first bytes show it is, when they show one by themselves: a
/// compression's or archive's signature, or a WARC record's first line.
pub fn sniff_kind(head: &[u8]) -> Option<FileKind> {
    const SIGNATURES: [(&[u8], FileKind); 7] = [
        (b"\x1F\x8B", FileKind::Compressed(Codec::Gzip)),
        (b"\xFD7zXZ\x00", FileKind::Compressed(Codec::Xz)),
        (b"\x28\xB5\x2F\xFD", FileKind::Compressed(Codec::Zstd)),
        (b"PK\x03\x04", FileKind::Zip),
        // An empty zip: only its end record.
        (b"PK\x05\x06", FileKind::Zip),
        (b"WARC/1.", FileKind::Warc),
        (b"\xEF\xBB\xBFWARC/1.", FileKind::Warc),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(*kind);
    }
    // "BZh" and the block size, 1 to 9.
    if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
        return Some(FileKind::Compressed(Codec::Bzip2));
    }
    if head.get(257..262) == Some(b"ustar") {
        return Some(FileKind::Tar);
    }
    None
}

/// Whether markup is an HTML page or XML, from its root element (after a BOM, the XML
/// declaration, comments and the doctype): `None` when the start does not say.
pub fn markup_kind(head: &[u8]) -> Option<FileKind> {
    let mut rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        rest = rest.trim_ascii_start();
        if rest.starts_with(b"<?") {
            rest = &rest[rest.windows(2).position(|w| w == b"?>")? + 2..];
        } else if rest.starts_with(b"<!--") {
            rest = &rest[rest.windows(3).position(|w| w == b"-->")? + 3..];
        } else if rest.starts_with(b"<!") {
            let doctype = rest.get(2..14).unwrap_or_default();
            if doctype.eq_ignore_ascii_case(b"DOCTYPE html") {
                return Some(FileKind::Html);
            }
            rest = &rest[rest.iter().position(|&b| b == b'>')? + 1..];
        } else if let Some(tag) = rest.strip_prefix(b"<") {
            let end = tag
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
                .unwrap_or(tag.len());
            let root = &tag[..end];
            if root.is_empty() {
                return None;
            }
            let html = [&b"html"[..], b"head", b"body"]
                .iter()
                .any(|h| root.eq_ignore_ascii_case(h));
            return Some(if html { FileKind::Html } else { FileKind::Xml });
        } else {
            return None;
        }
    }
}

/// Confirms, from a file's first bytes, the kind its name says (see [`FileKind`]); `Err`
/// with the reason when the name says packed and the bytes are not.
pub fn confirm_kind(named: FileKind, name: &str, head: &[u8]) -> Result<FileKind, String> {
    container::confirm_kind(named, name, head)
}

/// One article taken from a file, and where in the file it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// 1-based line number of a JSON Lines record.
    pub line: Option<u64>,
    /// 1-based position of the article among the records of a feed, a WARC file or a
    /// NewsML message.
    pub record: Option<u64>,
    /// The path inside a zip or tar archive (`a.zip` then `b.tgz` nest as `inner/b.tgz!x.xml`).
    pub member: Option<String>,
    pub article: Article,
}

/// How bad a problem is; also what a run's summary reports (`problems::Problem::kind`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file (or JSONL line) was not indexed.
    #[default]
    Skipped,
    /// Indexed, but something in it could not be read (e.g. an unreadable date).
    Warning,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<u64>,
    /// As in [`Record`]: the article's position in a feed, WARC or message, and the member
    /// of an archive it was read from.
    pub record: Option<u64>,
    pub member: Option<String>,
    pub severity: Severity,
    pub reason: String,
}

/// Everything read from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileParse {
    pub records: Vec<Record>,
    pub problems: Vec<Problem>,
    /// Records that were neither articles nor problems ([`Sink::passed_over`]).
    pub passed_over: u64,
}

/// Where a streaming reader (a WARC file, an archive's members) puts what it reads, as it
/// reads it, so that memory holds one article at a time rather than the whole file's.
pub trait Sink {
    fn record(&mut self, record: Record);
    fn problem(&mut self, problem: Problem);
    /// A record that is not an article and not a problem (a WARC request, a redirect, an
    /// image): counted, not listed.
    fn passed_over(&mut self) {}
}

impl Sink for FileParse {
    fn record(&mut self, record: Record) {
        self.records.push(record);
    }
    fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }
    fn passed_over(&mut self) {
        self.passed_over += 1;
    }
}

/// Parses a whole file's bytes. Never panics on any input. A packed file is read as
/// [`read_named`] reads it, with the default cap on its members; a compressed one, whose
/// name is not known here, holds what its content shows.
pub fn parse_file(kind: FileKind, bytes: &[u8]) -> FileParse {
    match kind {
        FileKind::Text | FileKind::JsonLines => parse_text(kind, bytes),
        FileKind::Html => dated(html::parse(bytes, None)),
        FileKind::Xml => dated(xml::parse(bytes)),
        FileKind::Warc | FileKind::Zip | FileKind::Tar | FileKind::Compressed(_) => {
            let mut parse = FileParse::default();
            let limits = container::Limits {
                max_mb: DEFAULT_MAX_MB,
            };
            container::read_seekable(kind, "", std::io::Cursor::new(bytes), &mut parse, limits);
            parse
        }
    }
}

/// The cap on one article file, unpacked, in MB, when none is given.
pub const DEFAULT_MAX_MB: u64 = 64;

/// Reads a file of any kind named `name` (its name, not its path: the name of what a
/// compressed file holds comes from it) from `input`, handing records and problems to
/// `sink` as they are read: memory holds one member of an archive at a time.
pub fn read_named<R: std::io::Read + std::io::Seek>(
    kind: FileKind,
    name: &str,
    input: R,
    sink: &mut dyn Sink,
    max_mb: u64,
) {
    container::read_seekable(kind, name, input, sink, container::Limits { max_mb });
}

/// The `.txt` and JSON Lines readers, on a whole file.
fn parse_text(kind: FileKind, bytes: &[u8]) -> FileParse {
    let decoded = match decode::decode(bytes) {
        Ok(decoded) => decoded,
        Err(reason) => {
            return FileParse {
                records: Vec::new(),
                problems: vec![Problem {
                    line: None,
                    severity: Severity::Skipped,
                    reason,
                    ..Default::default()
                }],
                ..Default::default()
            }
        }
    };
    let mut parse = match kind {
        FileKind::JsonLines => jsonl::parse(&decoded.text),
        _ => {
            let (article, problems) = text::parse(&decoded.text);
            FileParse {
                records: vec![Record {
                    line: None,
                    article,
                    ..Default::default()
                }],
                problems,
                ..Default::default()
            }
        }
    };
    warn_undated(&mut parse);
    if let Some(reason) = decoded.warning {
        parse.problems.insert(
            0,
            Problem {
                line: None,
                severity: Severity::Warning,
                reason,
                ..Default::default()
            },
        );
    }
    parse
}

fn dated(mut parse: FileParse) -> FileParse {
    warn_undated(&mut parse);
    parse
}

/// Reads a JSON Lines stream (a `.jsonl.gz`, a member of an archive) a piece at a time, as
/// a large JSON Lines file on disk is read; one whose start is not plain UTF-8 is read
/// whole instead, up to the cap.
pub(crate) fn jsonl_stream(input: &mut dyn std::io::Read, sink: &mut dyn Sink, max_mb: u64) {
    let max_line = usize::try_from(max_mb.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
    // A stream cut short (a truncated `.gz`) ends where it is cut: the lines before the cut
    // are read, and the error is reported after them.
    let mut input = EndAtError { input, error: None };
    jsonl_pieces(&mut input, sink, max_mb, max_line);
    if let Some(e) = input.error {
        sink.problem(Problem {
            reason: format!("cannot read further: {e}"),
            ..Default::default()
        });
    }
}

/// A reader that ends, keeping the error, where its input fails.
struct EndAtError<'a> {
    input: &'a mut dyn std::io::Read,
    error: Option<std::io::Error>,
}

impl std::io::Read for EndAtError<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.error.is_some() {
            return Ok(0);
        }
        match self.input.read(buf) {
            Err(e) if e.kind() != std::io::ErrorKind::Interrupted => {
                self.error = Some(e);
                Ok(0)
            }
            other => other,
        }
    }
}

fn jsonl_pieces(input: &mut dyn std::io::Read, sink: &mut dyn Sink, max_mb: u64, max_line: usize) {
    let mut pieces = Pieces::new(input, PIECE_BYTES, max_line);
    let mut parser = JsonlPieces::new(max_mb);
    let mut first = true;
    loop {
        let chunk = match pieces.next() {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                sink.problem(Problem {
                    reason: format!("cannot read further: {e}"),
                    ..Default::default()
                });
                break;
            }
        };
        let lines = matches!(chunk, Chunk::Lines(_));
        let plain = !lines || plain_utf8(chunk.bytes());
        let records = if plain { parser.chunk(chunk) } else { None };
        match records {
            Some(records) => records.into_iter().for_each(|r| sink.record(r)),
            None if first => {
                // Not plain UTF-8 (or blank) from the start: decode it whole, as a file.
                let mut bytes = chunk.bytes().to_vec();
                let cap = max_mb.saturating_mul(1 << 20);
                let (buffered, rest) = pieces.into_parts();
                bytes.extend_from_slice(&buffered);
                let read = rest
                    .take(cap.saturating_sub(bytes.len() as u64).saturating_add(1))
                    .read_to_end(&mut bytes);
                let parse = match read {
                    Err(e) => FileParse {
                        problems: vec![Problem {
                            reason: format!("cannot read: {e}"),
                            ..Default::default()
                        }],
                        ..Default::default()
                    },
                    Ok(_) if bytes.len() as u64 > cap => FileParse {
                        problems: vec![Problem {
                            reason: format!(
                                "{}, and not plain UTF-8, so it cannot be read a line at a time",
                                over_cap(max_mb)
                            ),
                            ..Default::default()
                        }],
                        ..Default::default()
                    },
                    Ok(_) => parse_text(FileKind::JsonLines, &bytes),
                };
                parse.problems.into_iter().for_each(|p| sink.problem(p));
                parse.records.into_iter().for_each(|r| sink.record(r));
                return;
            }
            None => {
                sink.problem(Problem {
                    reason: "not UTF-8 after its first MB, so not read past it: convert the \
                             file to UTF-8"
                        .into(),
                    severity: Severity::Warning,
                    ..Default::default()
                });
                break;
            }
        }
        first &= !lines;
    }
    parser.finish().into_iter().for_each(|p| sink.problem(p));
}

/// An article without a date is indexed, but no date filter will ever find it: say so,
/// unless a warning about its date (an unreadable one) was given already.
fn warn_undated(parse: &mut FileParse) {
    let missing = undated(parse);
    parse.problems.extend(missing);
}

fn undated(parse: &FileParse) -> Vec<Problem> {
    let mut missing = Vec::new();
    for record in &parse.records {
        if record.article.date.is_some() {
            continue;
        }
        let told = parse.problems.iter().any(|p| {
            p.severity == Severity::Warning
                && p.reason.contains("date")
                && (record.line.is_none() || p.line == record.line)
                && (record.record.is_none() || p.record == record.record)
                && p.member == record.member
        });
        if !told {
            missing.push(Problem {
                line: record.line,
                record: record.record,
                member: record.member.clone(),
                severity: Severity::Warning,
                reason: "no date: indexed, but date filters will not find it".into(),
            });
        }
    }
    missing
}

/// JSON Lines files larger than this are read in pieces of about this size (whole lines),
/// so that memory holds a piece, not the whole file.
pub const PIECE_BYTES: usize = 1 << 20;

/// How many bytes at the start of a file [`sniff`] needs to refuse a binary one.
pub const SNIFF_BYTES: usize = 8 << 10;

/// Judges a file from its first [`SNIFF_BYTES`]: `Some(reason)` when they show it is not
/// text (a known binary format, NUL bytes, control characters), so that the rest of it
/// need never be read. A sparse file is all NUL bytes, so it is refused from its first
/// block however large it says it is.
pub fn sniff(head: &[u8]) -> Option<String> {
    decode::sniff(head)
}

/// The skip reason for an article (a file, or a JSON Lines record) of `size` bytes over
/// the cap of `max_mb` MB.
pub fn too_large(size: u64, max_mb: u64) -> String {
    larger(max_mb, &format!("{} MB", size.div_ceil(1 << 20)))
}

/// As [`too_large`], for an article read only as far as the cap, whose size is not known.
pub fn over_cap(max_mb: u64) -> String {
    larger(max_mb, &format!("over {max_mb} MB"))
}

fn larger(max_mb: u64, size: &str) -> String {
    format!("larger than --max-article-mb {max_mb} ({size}): raise the cap to index it")
}

/// What [`Pieces`] hands out next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// Whole lines (the last piece of a file may lack its final newline).
    Lines(&'a [u8]),
    /// Part of a line longer than the longest line allowed, which is never held whole;
    /// `end` is true on the part where the line ends.
    Overlong { bytes: &'a [u8], end: bool },
}

impl<'a> Chunk<'a> {
    /// The file's bytes in this chunk, whatever kind it is (for hashing).
    pub fn bytes(&self) -> &'a [u8] {
        match *self {
            Chunk::Lines(bytes) | Chunk::Overlong { bytes, .. } => bytes,
        }
    }
}

/// Reads a file a piece of whole lines at a time, into one reused buffer; a line longer
/// than the buffer grows it, up to room for a line of `max_line` bytes: a longer line is
/// handed out in parts, as [`Chunk::Overlong`], so memory stays bounded whatever the file
/// holds. The last piece may lack its final newline.
pub struct Pieces<R> {
    reader: R,
    buf: Vec<u8>,
    /// The buffer never grows past this.
    max_buf: usize,
    /// The bytes after the last piece handed out, still to be handed out.
    start: usize,
    end: usize,
    eof: bool,
    /// Inside an overlong line: what comes up to its newline is part of it.
    in_overlong: bool,
}

impl<R: std::io::Read> Pieces<R> {
    pub fn new(reader: R, piece_bytes: usize, max_line: usize) -> Pieces<R> {
        let piece_bytes = piece_bytes.max(1);
        Pieces {
            reader,
            buf: vec![0; piece_bytes],
            // Room for the longest line and its newline.
            max_buf: piece_bytes.max(max_line.saturating_add(1)),
            start: 0,
            end: 0,
            eof: false,
            in_overlong: false,
        }
    }

    /// The bytes read but not handed out yet, and the reader for the rest.
    pub fn into_parts(self) -> (Vec<u8>, R) {
        (self.buf[self.start..self.end].to_vec(), self.reader)
    }

    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> std::io::Result<Option<Chunk<'_>>> {
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        loop {
            while !self.eof && self.end < self.buf.len() {
                match self.reader.read(&mut self.buf[self.end..]) {
                    Ok(0) => self.eof = true,
                    Ok(n) => self.end += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            if self.in_overlong {
                let newline = self.buf[..self.end].iter().position(|&b| b == b'\n');
                let cut = newline.map_or(self.end, |i| i + 1);
                let end = newline.is_some() || self.eof;
                self.in_overlong = !end;
                self.start = cut;
                return Ok(Some(Chunk::Overlong {
                    bytes: &self.buf[..cut],
                    end,
                }));
            }
            if self.eof {
                if self.end == 0 {
                    return Ok(None);
                }
                self.start = self.end;
                return Ok(Some(Chunk::Lines(&self.buf[..self.end])));
            }
            if let Some(i) = self.buf[..self.end].iter().rposition(|&b| b == b'\n') {
                self.start = i + 1;
                return Ok(Some(Chunk::Lines(&self.buf[..=i])));
            }
            if self.buf.len() >= self.max_buf {
                // The buffer is full and holds no line end: the line is too long to hold.
                self.in_overlong = true;
                self.start = self.end;
                return Ok(Some(Chunk::Overlong {
                    bytes: &self.buf[..self.end],
                    end: false,
                }));
            }
            let grown = self.buf.len().saturating_mul(2).min(self.max_buf);
            self.buf.resize(grown, 0);
        }
    }
}

/// Whether a piece of a file can be parsed on its own: UTF-8 without NUL bytes. A file whose
/// every piece is can be read with [`JsonlPieces`]; others need [`parse_file`], which decodes
/// the whole file to choose its encoding.
pub fn plain_utf8(piece: &[u8]) -> bool {
    !piece.contains(&0) && std::str::from_utf8(piece).is_ok()
}

/// Parses a JSON Lines file piece by piece (see [`Pieces`]), with the same records and
/// problems as [`parse_file`] on the whole file, for a file whose pieces are all
/// [`plain_utf8`].
#[derive(Debug, Default)]
pub struct JsonlPieces {
    lines: jsonl::Lines,
    started: bool,
    problems: Vec<Problem>,
    undated: Vec<Problem>,
    /// The cap on one record, in MB, for the reason given when a line is over it.
    max_mb: u64,
    /// Bytes of the overlong line being passed over.
    overlong: u64,
}

impl JsonlPieces {
    /// A parser for a file read by [`Pieces`] with lines of at most `max_mb` MB.
    pub fn new(max_mb: u64) -> JsonlPieces {
        JsonlPieces {
            max_mb,
            ..JsonlPieces::default()
        }
    }

    /// The records of the next chunk (see [`JsonlPieces::piece`]); an overlong line is
    /// skipped, and reported when its end comes.
    pub fn chunk(&mut self, chunk: Chunk<'_>) -> Option<Vec<Record>> {
        match chunk {
            Chunk::Lines(bytes) => self.piece(bytes),
            Chunk::Overlong { bytes, end } => {
                self.overlong += bytes.len() as u64;
                if end {
                    let reason = too_large(self.overlong, self.max_mb);
                    self.lines.skip_line(reason, &mut self.problems);
                    self.overlong = 0;
                }
                Some(Vec::new())
            }
        }
    }

    /// The records of the next piece. `None` when the file cannot be read in pieces after
    /// all (its first piece is not plain text, or is blank): read it with [`parse_file`].
    pub fn piece(&mut self, bytes: &[u8]) -> Option<Vec<Record>> {
        let text = if self.started {
            std::str::from_utf8(bytes).ok()?
        } else {
            // The first piece decides as the whole file would: a BOM, binary content (the
            // test looks at the first 64K characters only), an empty start.
            match decode::decode(bytes) {
                Ok(decode::Decoded {
                    text: std::borrow::Cow::Borrowed(text),
                    warning: None,
                }) => text,
                _ => return None,
            }
        };
        self.started = true;
        let mut part = FileParse::default();
        self.lines.parse(text, &mut part);
        self.undated.extend(undated(&part));
        self.problems.append(&mut part.problems);
        Some(part.records)
    }

    /// The file's problems, once every piece has been read.
    pub fn finish(self) -> Vec<Problem> {
        let mut out = FileParse {
            records: Vec::new(),
            problems: self.problems,
            ..Default::default()
        };
        self.lines.finish(&mut out);
        out.problems.extend(self.undated);
        out.problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    const SEED: &[u8] = include_bytes!("../../corpus/000_5ce300c1a8ebbb27.txt");

    fn only_article(parse: &FileParse) -> &Article {
        assert_eq!(parse.records.len(), 1, "{:?}", parse.problems);
        &parse.records[0].article
    }

    fn skipped(parse: &FileParse) -> &str {
        assert!(parse.records.is_empty());
        match parse.problems.as_slice() {
            [Problem {
                line: None,
                severity: Severity::Skipped,
                reason,
                ..
            }] => reason,
            other => panic!("expected one file-level skip, got {other:?}"),
        }
    }

    fn utf16le(s: &str) -> Vec<u8> {
        [0xFF, 0xFE]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    }

    fn utf16be(s: &str) -> Vec<u8> {
        [0xFE, 0xFF]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
            .collect()
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(kind_of(Path::new("a/b.txt")), Some(FileKind::Text));
        assert_eq!(kind_of(Path::new("B.TXT")), Some(FileKind::Text));
        assert_eq!(kind_of(Path::new("x.jsonl")), Some(FileKind::JsonLines));
        assert_eq!(kind_of(Path::new("x.ndjson")), Some(FileKind::JsonLines));
        assert_eq!(kind_of(Path::new("x.json")), None);
        assert_eq!(kind_of(Path::new("txt")), None);
    }

    #[test]
    fn seed_article() {
        let parse = parse_file(FileKind::Text, SEED);
        assert!(parse.problems.is_empty(), "{:?}", parse.problems);
        let a = only_article(&parse);
        assert_eq!(
            a.title,
            "Japan, U.S. agree to closely coordinate on N. Korea policy"
        );
        assert_eq!(a.authors, ["Toshimitsu Miyai", "Seima Oki"]);
        assert_eq!(
            a.date,
            Some(ArticleDate {
                datetime: NaiveDate::from_ymd_opt(2017, 3, 17).unwrap().into(),
                has_time: false,
            })
        );
        assert!(a.body.starts_with("TOKYO"));
        assert!(!a.body.contains("More Stories"));
        assert!(a.body.contains("“failed.”"));
    }

    #[test]
    fn seed_article_in_every_encoding_and_line_ending() {
        let want = only_article(&parse_file(FileKind::Text, SEED)).clone();
        let text = std::str::from_utf8(SEED).unwrap();
        let crlf = text.replace('\n', "\r\n");
        let cr = text.replace('\n', "\r");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(crlf.as_bytes());
        for bytes in [
            crlf.as_bytes().to_vec(),
            cr.as_bytes().to_vec(),
            bom,
            utf16le(text),
            utf16be(&crlf),
        ] {
            let parse = parse_file(FileKind::Text, &bytes);
            assert!(parse.problems.is_empty(), "{:?}", parse.problems);
            assert_eq!(only_article(&parse), &want);
        }
    }

    #[test]
    fn latin1_and_windows_1252_text() {
        let parse = parse_file(
            FileKind::Text,
            b"Caf\xE9 prices\n17 March 2017\n\nA coffee costs \xA33 \x96 \x93too much\x94.\n",
        );
        let a = only_article(&parse);
        assert_eq!(a.title, "Café prices");
        assert_eq!(a.body, "A coffee costs £3 – “too much”.");
        assert!(parse.problems.is_empty());
    }

    #[test]
    fn files_that_are_not_articles() {
        for kind in [FileKind::Text, FileKind::JsonLines] {
            assert_eq!(skipped(&parse_file(kind, b"")), "empty file");
            assert_eq!(skipped(&parse_file(kind, b" \r\n\n\t\n")), "empty file");
            assert_eq!(
                skipped(&parse_file(kind, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")),
                "binary file, not text (looks like a PNG image)"
            );
            assert_eq!(
                skipped(&parse_file(kind, b"Title\n\nBody \0\x01\x02")),
                "binary file, not text (NUL bytes)"
            );
        }
    }

    #[test]
    fn jsonl_files_are_decoded_like_text() {
        let jsonl = "{\"title\":\"Caf\u{e9}\",\"body\":\"\u{a3}3\"}\r\n\r\n{\"title\":\"Two\"}\r\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(jsonl.as_bytes());
        let latin1: Vec<u8> = jsonl.chars().map(|c| c as u8).collect();
        for bytes in [bom, utf16le(jsonl), latin1] {
            let parse = parse_file(FileKind::JsonLines, &bytes);
            let undated: Vec<_> = parse
                .problems
                .iter()
                .map(|p| (p.line, p.severity))
                .collect();
            assert_eq!(
                undated,
                [(Some(1), Severity::Warning), (Some(3), Severity::Warning)]
            );
            let got: Vec<_> = parse
                .records
                .iter()
                .map(|r| (r.line, r.article.title.as_str(), r.article.body.as_str()))
                .collect();
            assert_eq!(got, [(Some(1), "Café", "£3"), (Some(3), "Two", "")]);
        }
    }

    #[test]
    fn undated_articles_are_indexed_with_a_warning() {
        let parse = parse_file(FileKind::Text, b"Title\n\nBody text.\n");
        assert_eq!(only_article(&parse).date, None);
        assert_eq!(parse.problems.len(), 1);
        assert_eq!(parse.problems[0].severity, Severity::Warning);
        assert!(parse.problems[0].reason.starts_with("no date"));
        // An unreadable date is warned about once, with the text.
        let parse = parse_file(FileKind::Text, b"Title\nMarch 45, 2017\n\nBody.\n");
        assert_eq!(parse.problems.len(), 1, "{:?}", parse.problems);
        assert!(parse.problems[0].reason.contains("March 45, 2017"));
    }

    #[test]
    fn mixed_encoding_is_a_warning_not_mojibake() {
        let mut bytes = "Title “quoted”\n\nCosts ".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xA35.\n");
        let parse = parse_file(FileKind::Text, &bytes);
        let a = only_article(&parse);
        assert_eq!(a.title, "Title “quoted”");
        assert_eq!(a.body, "Costs £5.");
        assert_eq!(parse.problems.len(), 2, "{:?}", parse.problems);
        assert!(
            parse.problems[0].reason.contains("Windows-1252"),
            "{:?}",
            parse.problems
        );
        assert!(parse.problems[1].reason.starts_with("no date"));
    }

    /// Checks every file of the real corpora in `../shared/corpora`:
    /// `cargo test --lib real_corpora -- --ignored` in a checkout beside them.
    #[test]
    #[ignore = "needs the Reuters-21578 and BBC corpora in ../shared/corpora"]
    fn real_corpora_parse_cleanly() {
        use rayon::prelude::*;
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora"));
        assert!(
            root.is_dir(),
            "no corpora at {}: this test needs ../shared/corpora beside the checkout",
            root.display()
        );
        let files = |dir: &str| -> Vec<std::path::PathBuf> {
            walkdir::WalkDir::new(root.join(dir))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file() && e.file_name() != "README.TXT")
                .map(walkdir::DirEntry::into_path)
                .filter(|p| kind_of(p) == Some(FileKind::Text))
                .collect()
        };
        let (reuters, bbc) = (files("reuters21578"), files("bbc"));
        let bylines = AtomicUsize::new(0);
        let check = |path: &std::path::PathBuf, is_reuters: bool| -> Vec<String> {
            let bytes = std::fs::read(path).unwrap();
            let parse = parse_file(FileKind::Text, &bytes);
            let mut bad: Vec<String> = parse
                .problems
                .iter()
                // BBC articles have no date; saying so is expected.
                .filter(|p| is_reuters || !p.reason.starts_with("no date"))
                .map(|p| format!("{}: {:?} {}", path.display(), p.severity, p.reason))
                .collect();
            let Some(Record { article: a, .. }) = parse.records.first() else {
                return bad;
            };
            if !a.authors.is_empty() {
                bylines.fetch_add(1, Relaxed);
            }
            let mut fail = |what: &str| bad.push(format!("{}: {what}", path.display()));
            if a.title.is_empty() {
                fail("no title");
            }
            if is_reuters && a.date.is_none() {
                fail("no date");
            }
            if !is_reuters && (a.body.is_empty() || a.date.is_some() || !a.authors.is_empty()) {
                fail("BBC article without body, or with a date or byline");
            }
            let all = [&a.title, &a.body].into_iter().chain(&a.authors);
            if all.into_iter().any(|s| s.contains('\u{FFFD}')) {
                fail("replacement character in output");
            }
            bad
        };
        let started = std::time::Instant::now();
        let mut problems: Vec<String> = reuters
            .par_iter()
            .flat_map(|p| check(p, true))
            .chain(bbc.par_iter().flat_map(|p| check(p, false)))
            .collect();
        problems.sort();
        eprintln!(
            "corpora: {} Reuters files ({} with bylines), {} BBC files, {} problems, {:?}",
            reuters.len(),
            bylines.load(Relaxed),
            bbc.len(),
            problems.len(),
            started.elapsed()
        );
        assert_eq!(reuters.len(), 21_578);
        assert_eq!(bbc.len(), 2_225);
        assert!(
            problems.is_empty(),
            "{:#?}",
            &problems[..problems.len().min(30)]
        );
    }

    fn header_like_line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("More Stories".to_owned()),
            "(By|BY|by|By:) [A-Za-z .,&'-]{0,40}",
            "(By|by) [A-Z][a-z]{0,8} (and|And|,) [A-Z][a-z]{0,8}(, Reuters)?",
            "[0-9]{1,4}[-/ .][0-9A-Za-z]{1,9}[-/ .,]{1,2}[0-9]{1,4}",
            "(Mon|Friday,|Sept\\.|MAR) ?[0-9]{0,3},? [0-9]{0,5}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?( ?[AaPp]\\.?[Mm]\\.?)?)?( ?[A-Z+0-9:-]{0,6})?",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{0,12})?)?(Z|[+-][0-9:]{0,6})?",
            "(Published|Updated|Date|on):? .{0,20}",
            "[-*•1-9][.)]? .{0,60}",
            "\\{\"(title|body|authors|date)\": ?(\"[^\"]{0,20}\"|[0-9]+|null|\\[\\]|\\{\\}).{0,10}",
            any::<String>(),
        ]
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(
            prefix in prop_oneof![
                Just(&b""[..]),
                Just(&b"\xEF\xBB\xBF"[..]),
                Just(&b"\xFF\xFE"[..]),
                Just(&b"\xFE\xFF"[..]),
            ],
            bytes in proptest::collection::vec(any::<u8>(), 0..1024),
        ) {
            let bytes = [prefix, &bytes].concat();
            for kind in [FileKind::Text, FileKind::JsonLines] {
                let parse = parse_file(kind, &bytes);
                // Nothing read means the file-level reason is given.
                if parse.records.is_empty() {
                    prop_assert!(parse.problems.iter().any(|p| p.line.is_none() && p.severity == Severity::Skipped));
                }
            }
        }

        #[test]
        fn never_panics_on_header_like_lines(
            lines in proptest::collection::vec(header_like_line(), 0..12),
            newline in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        ) {
            let text = lines.join(newline);
            for kind in [FileKind::Text, FileKind::JsonLines] {
                let parse = parse_file(kind, text.as_bytes());
                if kind == FileKind::Text {
                    // One article with a title, or none and a reason (empty, control bytes).
                    prop_assert!(parse.records.len() <= 1);
                    prop_assert!(parse.records.iter().all(|r| !r.article.title.is_empty()));
                }
                if parse.records.is_empty() {
                    prop_assert!(parse.problems.iter().any(|p| p.line.is_none() && p.severity == Severity::Skipped));
                }
            }
            for line in &lines {
                let _ = date::parse_date(line);
                let _ = byline::parse_byline(line);
            }
        }
    }

    /// `parse_file` on the whole file, and the pieces way, with pieces of `piece` bytes.
    fn both_ways(bytes: &[u8], piece: usize) -> (FileParse, Option<FileParse>) {
        let whole = parse_file(FileKind::JsonLines, bytes);
        let mut pieces = Pieces::new(bytes, piece, usize::MAX);
        let mut parser = JsonlPieces::new(64);
        let mut records = Vec::new();
        let mut first = true;
        while let Some(p) = pieces.next().unwrap() {
            if !plain_utf8(p.bytes()) {
                return (whole, None);
            }
            match parser.chunk(p) {
                Some(r) => records.extend(r),
                None if first => return (whole, None),
                None => panic!("a later piece refused"),
            }
            first = false;
        }
        if first {
            return (whole, None);
        }
        let problems = parser.finish();
        (
            whole,
            Some(FileParse {
                records,
                problems,
                ..Default::default()
            }),
        )
    }

    #[test]
    fn pieces_are_whole_lines_and_cover_the_file() {
        let text = b"one\ntwo\r\nthree\rfour\n\nfive";
        for size in 1..12 {
            let mut pieces = Pieces::new(&text[..], size, usize::MAX);
            let mut all = Vec::new();
            while let Some(p) = pieces.next().unwrap() {
                let Chunk::Lines(p) = p else {
                    panic!("no line is over the limit");
                };
                assert!(p.ends_with(b"\n") || all.len() + p.len() == text.len());
                all.extend_from_slice(p);
            }
            assert_eq!(all, text);
        }
    }

    #[test]
    fn overlong_lines_are_handed_out_in_parts_and_never_held_whole() {
        let text = b"short\nthis line is far too long\nok\n0123456789abc";
        for size in 1..8 {
            let mut pieces = Pieces::new(&text[..], size, 8);
            let (mut all, mut lines, mut overlong) = (Vec::new(), Vec::new(), 0);
            while let Some(p) = pieces.next().unwrap() {
                assert!(p.bytes().len() <= 9, "buffer grew past the limit");
                all.extend_from_slice(p.bytes());
                match p {
                    Chunk::Lines(l) => lines.extend_from_slice(l),
                    Chunk::Overlong { end, .. } => overlong += usize::from(end),
                }
            }
            assert_eq!(all, text, "piece {size}");
            assert_eq!(lines, b"short\nok\n", "piece {size}");
            assert_eq!(overlong, 2, "piece {size}");
        }
    }

    #[test]
    fn an_overlong_jsonl_line_is_skipped_with_its_number() {
        let long = format!(r#"{{"title": "Long", "body": "{}"}}"#, "x".repeat(3000));
        let file = format!(
            "{}\n{long}\n{}\n",
            r#"{"title": "One", "date": "2017-03-18"}"#,
            r#"{"title": "Three", "date": "2017-03-18"}"#
        );
        let mut pieces = Pieces::new(file.as_bytes(), 64, 1000);
        let mut parser = JsonlPieces::new(1);
        let mut records = Vec::new();
        while let Some(p) = pieces.next().unwrap() {
            records.extend(parser.chunk(p).unwrap());
        }
        let got: Vec<_> = records
            .iter()
            .map(|r| (r.line, r.article.title.as_str()))
            .collect();
        assert_eq!(got, [(Some(1), "One"), (Some(3), "Three")]);
        let problems = parser.finish();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(2));
        assert_eq!(problems[0].severity, Severity::Skipped);
        assert!(problems[0]
            .reason
            .starts_with("larger than --max-article-mb 1 (1 MB)"));
    }

    #[test]
    fn jsonl_in_pieces_reads_as_the_whole_file() {
        let rec = |i: usize| {
            format!(
                r#"{{"title": "Story {i}", "authors": ["Jo Park"], "date": "2017-03-18", "body": "Words {i} here."}}"#
            )
        };
        let mut lines: Vec<String> = (0..40).map(rec).collect();
        lines[3] = "not json".into();
        lines[7] = "{\"title\": 5}".into();
        lines[9] = String::new();
        lines[12] = r#"{"title": "No date", "body": "text"}"#.into();
        lines[15] = r#"{"title": "Bad date", "date": "someday", "body": "text"}"#.into();
        let files = [
            lines.join("\n"),
            lines.join("\r\n") + "\r\n",
            format!("\u{feff}{}", lines.join("\n")),
            "a,b,c\n1,2,3\n".repeat(20),
            "{bad\n{worse\n".repeat(10),
            "\n\n   \n".repeat(5) + &rec(1),
        ];
        for file in &files {
            for piece in [1, 7, 64, 300, 1 << 20] {
                let (whole, pieces) = both_ways(file.as_bytes(), piece);
                let Some(pieces) = pieces else {
                    continue;
                };
                assert_eq!(pieces, whole, "piece {piece}: {file:.60}");
            }
        }
        // Not plain UTF-8: left to the whole-file reader.
        let latin1 = b"{\"title\": \"Caf\xe9\", \"body\": \"x\"}\n";
        assert!(both_ways(latin1, 8).1.is_none());
    }

    proptest! {
        #[test]
        fn readers_never_panic_on_arbitrary_bytes_in_pieces(
            bytes in proptest::collection::vec(
                prop_oneof![any::<u8>(), Just(b'\n'), Just(b'{'), Just(b'"'), Just(b'\\')],
                0..2048,
            ),
            piece in 1usize..300,
            max_line in 0usize..400,
        ) {
            let _ = sniff(&bytes[..bytes.len().min(SNIFF_BYTES)]);
            let mut pieces = Pieces::new(&bytes[..], piece, max_line);
            let mut parser = JsonlPieces::new(1);
            let mut seen = Vec::new();
            while let Some(chunk) = pieces.next().unwrap() {
                prop_assert!(chunk.bytes().len() <= piece.max(max_line + 1));
                seen.extend_from_slice(chunk.bytes());
                let _ = parser.chunk(chunk);
            }
            prop_assert_eq!(seen, bytes);
            let _ = parser.finish();
        }

        #[test]
        fn jsonl_in_pieces_reads_as_the_whole_file_on_any_input(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just(String::new()),
                    Just(r#"{"title": "T", "body": "B", "date": "2017-03-18"}"#.to_string()),
                    Just(r#"{"title": "T", "body": "B"}"#.to_string()),
                    Just(r#"{"body": "only a body here"}"#.to_string()),
                    "[ -~é]{0,30}",
                ],
                0..30,
            ),
            sep in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
            piece in 1usize..200,
        ) {
            let file = lines.join(sep);
            let (whole, pieces) = both_ways(file.as_bytes(), piece);
            if let Some(pieces) = pieces {
                prop_assert_eq!(pieces, whole);
            }
        }
    }
}
