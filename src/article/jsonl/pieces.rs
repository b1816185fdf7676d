//! Reading a JSON Lines file or stream a piece of whole lines at a time, so that memory
//! holds a piece rather than the whole file, with the same records and problems as the
//! whole-file reader.

use std::io::Read;

use super::super::{decode, over_cap, parse_text, too_large, undated};
use super::super::{FileKind, FileParse, Problem, Record, Severity, Sink};

/// JSON Lines files larger than this are read in pieces of about this size (whole lines),
/// so that memory holds a piece, not the whole file.
pub const PIECE_BYTES: usize = 1 << 20;

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
/// every piece is can be read with [`JsonlPieces`]; others need
/// [`parse_file`](super::super::parse_file), which decodes the whole file to choose its
/// encoding.
pub fn plain_utf8(piece: &[u8]) -> bool {
    !piece.contains(&0) && std::str::from_utf8(piece).is_ok()
}

/// Parses a JSON Lines file piece by piece (see [`Pieces`]), with the same records and
/// problems as [`parse_file`](super::super::parse_file) on the whole file, for a file
/// whose pieces are all [`plain_utf8`].
#[derive(Debug, Default)]
pub struct JsonlPieces {
    lines: super::Lines,
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
    /// all (its first piece is not plain text, or is blank): read it with
    /// [`parse_file`](super::super::parse_file).
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
    use crate::article::{parse_file, sniff, SNIFF_BYTES};
    use proptest::prelude::*;

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
