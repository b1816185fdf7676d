//! The bytes an XML file's [`Walker`](super::tree::Walker) reads: UTF-8 handed to quick-xml
//! as a `BufRead` that keeps its place (bytes, line, column) and bounds what one event may
//! hold, whatever the file holds.

use std::io::{BufRead, Read};

use super::super::decode::Utf8Stream;

/// What the rest of an event that outgrew the cap is passed over to: where the event
/// ends, left for quick-xml to read.
enum Rest {
    /// The first of these bytes (text ends at markup or a reference; a reference at its
    /// `;`).
    AnyOf(&'static [u8]),
    /// This sequence (a CDATA section's `]]>`, a comment's `-->`).
    Seq(&'static [u8]),
}

/// The UTF-8 text a [`Walker`](super::tree::Walker) reads, handed to quick-xml as a `BufRead` that keeps where
/// it is (bytes, line, column) and never lets one event hold more than `limit` bytes: the
/// rest of a longer text, CDATA section, comment or processing instruction is passed over
/// unread (its unit is over the cap anyway), and a longer tag ends the reading.
pub(super) struct Source<'a> {
    pub(super) input: Utf8Stream<&'a mut dyn Read>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Bytes read past, by quick-xml or passed over.
    pub(super) consumed: u64,
    /// 1-based line, and characters into it, at `consumed`.
    line: u64,
    column: u64,
    /// Where the event being read began, in bytes and as line and column.
    pub(super) event_start: u64,
    event_at: (u64, u64),
    /// Its first bytes, which say what kind of event it is.
    head: Vec<u8>,
    /// Its rest was passed over.
    passed: bool,
    limit: u64,
    /// The reading ended on a tag over the limit.
    pub(super) refused: bool,
}

/// Bytes of an event that say what kind it is (`<![CDATA[`).
const HEAD: usize = 9;

impl<'a> Source<'a> {
    pub(super) fn new(input: Utf8Stream<&'a mut dyn Read>, limit: u64) -> Source<'a> {
        Source {
            input,
            buf: vec![0; 64 << 10],
            start: 0,
            end: 0,
            eof: false,
            consumed: 0,
            line: 1,
            column: 0,
            event_start: 0,
            event_at: (1, 0),
            head: Vec::with_capacity(HEAD),
            passed: false,
            limit,
            refused: false,
        }
    }

    /// Marks the start of the next event.
    pub(super) fn begin_event(&mut self) {
        self.event_start = self.consumed;
        self.event_at = (self.line, self.column);
        self.head.clear();
        self.passed = false;
    }

    /// `line L, column C` of the event being read.
    pub(super) fn event_position(&self) -> String {
        let (line, column) = self.event_at;
        format!("line {line}, column {}", column + 1)
    }

    /// Reads more after what the buffer holds (kept, moved to its start); at the end of the
    /// input, sets `eof`.
    fn refill(&mut self) -> std::io::Result<()> {
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            return Ok(());
        }
    }

    /// Counts `n` bytes as read past: position, line and column.
    fn advance(&mut self, n: usize) {
        let bytes = &self.buf[self.start..self.start + n];
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(n);
            self.head.extend_from_slice(&bytes[..take]);
        }
        let chars = |b: &[u8]| b.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64;
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
                self.column = chars(&bytes[last + 1..]);
            }
            None => self.column += chars(bytes),
        }
        self.consumed += n as u64;
        self.start += n;
    }

    /// Passes over the rest of an event that outgrew the limit, up to where it ends.
    fn pass_over(&mut self) -> std::io::Result<()> {
        self.passed = true;
        let head = &self.head[..];
        let rest = if head.starts_with(b"<![CDATA[") {
            Rest::Seq(b"]]>")
        } else if head.starts_with(b"<!--") {
            Rest::Seq(b"-->")
        } else if head.starts_with(b"<?") {
            Rest::Seq(b"?>")
        } else if head.starts_with(b"&") {
            Rest::AnyOf(b";&<")
        } else if !head.starts_with(b"<") {
            Rest::AnyOf(b"<&")
        } else {
            self.refused = true;
            return Err(std::io::Error::other(format!(
                "one tag or declaration is larger than --max-article-mb {}: the rest of the \
                 file is not read",
                self.limit >> 20
            )));
        };
        loop {
            if self.start == self.end
                || matches!(rest, Rest::Seq(seq) if self.end - self.start < seq.len())
            {
                let had = self.end - self.start;
                if self.eof {
                    return Ok(());
                }
                self.refill()?;
                if self.end - self.start == had && self.eof {
                    return Ok(());
                }
                continue;
            }
            let hay = &self.buf[self.start..self.end];
            let found = match rest {
                Rest::AnyOf(set) => hay.iter().position(|b| set.contains(b)).ok_or(hay.len()),
                // The end of the buffer may be the start of the sequence: kept.
                Rest::Seq(seq) => hay
                    .windows(seq.len())
                    .position(|w| w == seq)
                    .ok_or(hay.len() + 1 - seq.len()),
            };
            match found {
                Ok(end) => {
                    self.advance(end);
                    return Ok(());
                }
                Err(passed) => self.advance(passed),
            }
        }
    }

    /// Whether nothing but whitespace is left to read.
    pub(super) fn rest_is_blank(&mut self) -> bool {
        loop {
            if self.start == self.end {
                if self.eof || self.refill().is_err() {
                    return true;
                }
                if self.start == self.end {
                    return self.eof;
                }
            }
            if !self.buf[self.start..self.end].trim_ascii().is_empty() {
                return false;
            }
            self.advance(self.end - self.start);
        }
    }
}

impl Read for Source<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            out[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Source<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.start == self.end && !self.eof {
            self.refill()?;
        }
        let used = self.consumed - self.event_start;
        let mut available = self.end - self.start;
        if !self.passed && available > 0 {
            let room = usize::try_from(self.limit.saturating_sub(used)).unwrap_or(usize::MAX);
            if room < available {
                // Up to the limit, cut where a character begins.
                let mut cut = self.start + room;
                while cut > self.start && self.buf[cut] & 0xC0 == 0x80 {
                    cut -= 1;
                }
                available = cut - self.start;
                if available == 0 {
                    self.pass_over()?;
                    available = self.end - self.start;
                }
            }
        }
        Ok(&self.buf[self.start..self.start + available])
    }

    fn consume(&mut self, n: usize) {
        self.advance(n.min(self.end - self.start));
    }
}
