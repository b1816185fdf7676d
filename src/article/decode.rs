//! Bytes → text: picks the encoding, and refuses files that are not text at all.

use std::borrow::Cow;
use std::io::Read;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// A file's text, plus a note when decoding had to guess or repair something.
pub(super) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub warning: Option<String>,
}

/// File signatures of formats that get renamed to `.txt` by mistake, so the skip reason
/// can say what the file is.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1F\x8B", "a gzip archive"),
    (b"\x7FELF", "an executable"),
    (b"Rar!\x1A\x07", "a RAR archive"),
    (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    (b"SQLite format 3\0", "an SQLite database"),
];

/// A file with valid UTF-8 characters is read as UTF-8 (its stray bytes as Windows-1252)
/// unless it has more than this many stray bytes per UTF-8 character.
const STRAY_PER_UTF8_CHAR: usize = 4;

/// How much of the text the control-character test looks at: enough to judge, and it
/// keeps the cost of a file small however large the file is.
const SAMPLE_CHARS: usize = 64 * 1024;

/// Decodes a whole file. `Err` carries the reason, in plain words, that the file is not an
/// article file at all (empty, binary).
///
/// Encoding rules: a BOM decides (UTF-8, UTF-16 or UTF-32, LE/BE); otherwise valid UTF-8 is UTF-8
/// and anything else is Windows-1252 (a superset of Latin-1 for printable text), except
/// that a file that is mostly UTF-8 with a few stray bytes keeps its UTF-8 and reads only
/// the stray bytes as Windows-1252, so one bad byte does not garble every accent.
pub(super) fn decode(bytes: &[u8]) -> Result<Decoded<'_>, String> {
    let mut decoded = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        eight_bit(rest, true)
    } else if let Some((text, warning)) = utf32_with_bom(bytes) {
        Decoded {
            text: Cow::Owned(text),
            warning,
        }
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, UTF_16LE)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, UTF_16BE)
    } else {
        if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
            return Err(format!("binary file, not text (looks like {what})"));
        }
        if bytes.contains(&0) {
            match bomless_utf16(bytes) {
                Some(encoding) => utf16(bytes, encoding),
                None => return Err("binary file, not text (NUL bytes)".into()),
            }
        } else {
            eight_bit(bytes, false)
        }
    };
    decoded.text = super::composed(undoubled(decoded.text));
    if decoded.text.trim().is_empty() {
        return Err("empty file".into());
    }
    if let Some(reason) = binary_text(&decoded.text) {
        return Err(reason.into());
    }
    Ok(decoded)
}

/// `text` with what was UTF-8 read as Latin-1 and written out as UTF-8 again read back as
/// the UTF-8 it was ("don\u{e2}\u{80}\u{99}t" for "don\u{2019}t", "\u{c3}\u{a9}" for
/// "\u{e9}"), as crawlers and exports that decode twice leave whole pages; `text` itself
/// when it holds none.
///
/// The mark of it is a C1 control character (U+0080 to U+009F), which no text holds: they
/// are what the second byte of a UTF-8 punctuation mark or letter becomes. Only a text
/// with one is repaired, and in it each run of characters in U+0080 to U+00FF is read as
/// the bytes they name: what is valid UTF-8 there is taken as such, and what is not (a
/// lone "\u{e9}" the text also holds) stays as it was. Text read as Windows-1252 the
/// first time ("\u{e2}\u{20ac}\u{2122}") has no such mark and is left alone: its
/// characters are as often meant.
pub(super) fn undoubled(text: Cow<'_, str>) -> Cow<'_, str> {
    // A C1 control character is U+00C2 then 0x80 to 0x9F in UTF-8.
    let bytes = text.as_bytes();
    let marked = memchr::memchr_iter(0xC2, bytes)
        .any(|at| bytes.get(at + 1).is_some_and(|b| (0x80..=0x9F).contains(b)));
    if !marked {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut run: Vec<u8> = Vec::new();
    let flush = |run: &mut Vec<u8>, out: &mut String| {
        for chunk in run.utf8_chunks() {
            out.push_str(chunk.valid());
            out.extend(chunk.invalid().iter().map(|&b| char::from(b)));
        }
        run.clear();
    };
    for c in text.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(byte) if byte >= 0x80 => run.push(byte),
            _ => {
                flush(&mut run, &mut out);
                out.push(c);
            }
        }
    }
    flush(&mut run, &mut out);
    Cow::Owned(out)
}

/// Judges a file from its first bytes alone (see [`super::SNIFF_BYTES`]): `Some(reason)`
/// when they are not text, so that a binary or sparse file is refused without the rest of
/// it ever being read. Applies the same tests as [`decode`], to the start only.
pub(super) fn sniff(head: &[u8]) -> Option<String> {
    let utf16 = match head.strip_prefix(b"\xFF\xFE") {
        Some(rest) => Some((rest, UTF_16LE)),
        None => head.strip_prefix(b"\xFE\xFF").map(|rest| (rest, UTF_16BE)),
    };
    let text = match (utf32_bom(head), utf16) {
        // A head cut mid-character is fine, as below.
        (Some((little_endian, rest)), _) => Cow::Owned(utf32(rest, little_endian, false).0),
        (None, Some((rest, encoding))) => encoding.decode_without_bom_handling(rest).0,
        (None, None) => {
            let rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
            if rest.len() == head.len() {
                if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| head.starts_with(magic)) {
                    return Some(format!("binary file, not text (looks like {what})"));
                }
            }
            if rest.contains(&0) {
                match bomless_utf16(rest) {
                    Some(encoding) => encoding.decode_without_bom_handling(rest).0,
                    None => return Some("binary file, not text (NUL bytes)".into()),
                }
            } else {
                // Cut mid-character at the end of the sample is fine: the test counts
                // control characters, and a stray byte is not one. Valid UTF-8 (most
                // heads) is checked as it is: `from_utf8` takes ASCII a word at a time,
                // `from_utf8_lossy` a character at a time.
                match std::str::from_utf8(rest) {
                    Ok(text) => Cow::Borrowed(text),
                    Err(_) => String::from_utf8_lossy(rest),
                }
            }
        }
    };
    binary_text(&text).map(str::to_string)
}

fn eight_bit(bytes: &[u8], has_bom: bool) -> Decoded<'_> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            warning: None,
        };
    }
    let mut utf8_chars = 0usize;
    let mut bad_bytes = 0usize;
    for chunk in bytes.utf8_chunks() {
        // Lead bytes of multi-byte characters: one per non-ASCII character.
        utf8_chars += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        bad_bytes += chunk.invalid().len();
    }
    // Either way the stray bytes are read as Windows-1252; what is decided here is only
    // how the valid multi-byte sequences are read. In a real Latin-1 file such a sequence
    // is a coincidence (a capital letter with an accent right before a symbol, `Ã©`), rare
    // beside the file's many stray accented letters; in a UTF-8 file with a damaged byte or
    // two, they are its real characters. So a BOM, or any real UTF-8 character unless
    // stray bytes far outnumber them, says UTF-8 with damage; otherwise it is a legacy
    // 8-bit file, and Windows-1252 reads all of it.
    if !(has_bom || (utf8_chars > 0 && utf8_chars * STRAY_PER_UTF8_CHAR >= bad_bytes)) {
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
        return Decoded {
            text,
            warning: None,
        };
    }
    let mut text = String::with_capacity(bytes.len() + bad_bytes);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.push_str(&WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0);
    }
    Decoded {
        text: Cow::Owned(text),
        warning: Some(stray_bytes(bad_bytes as u64)),
    }
}

/// The warning for UTF-8 text with `bad_bytes` stray bytes, read as Windows-1252.
fn stray_bytes(bad_bytes: u64) -> String {
    format!(
        "text is UTF-8 except for {bad_bytes} byte{}; read {} as Windows-1252",
        if bad_bytes == 1 { "" } else { "s" },
        if bad_bytes == 1 { "it" } else { "them" },
    )
}

/// The warning for text in `encoding` with bytes that are not valid in it.
fn replaced(encoding: &str) -> String {
    format!("some bytes are not valid {encoding}; they were replaced with \u{FFFD}")
}

fn utf16<'a>(bytes: &'a [u8], encoding: &'static Encoding) -> Decoded<'a> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text,
        warning: had_errors.then(|| replaced(encoding.name())),
    }
}

/// UTF-32's byte order mark, little-endian or not, and the bytes after it. Checked before
/// UTF-16's: UTF-32LE's mark starts with UTF-16LE's.
fn utf32_bom(bytes: &[u8]) -> Option<(bool, &[u8])> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE\0\0") {
        return Some((true, rest));
    }
    bytes
        .strip_prefix(b"\0\0\xFE\xFF")
        .map(|rest| (false, rest))
}

/// Text that starts with a UTF-32 BOM, decoded, with a warning when some of it was not
/// valid; `None` for text without one.
pub(super) fn utf32_with_bom(bytes: &[u8]) -> Option<(String, Option<String>)> {
    let (little_endian, rest) = utf32_bom(bytes)?;
    let (text, errors) = utf32(rest, little_endian, true);
    Some((text, errors.then(|| replaced(utf32_name(little_endian)))))
}

fn utf32_name(little_endian: bool) -> &'static str {
    if little_endian {
        "UTF-32LE"
    } else {
        "UTF-32BE"
    }
}

/// UTF-32 (which `encoding_rs` does not read) as text, and whether some of it was not valid
/// (replaced with U+FFFD). A last character cut short is invalid when `whole`, else left out.
fn utf32(bytes: &[u8], little_endian: bool, whole: bool) -> (String, bool) {
    let mut text = String::with_capacity(bytes.len() / 4);
    let mut errors = false;
    let units = bytes.chunks_exact(4);
    let cut = !units.remainder().is_empty();
    for unit in units {
        let unit = [unit[0], unit[1], unit[2], unit[3]];
        let code = if little_endian {
            u32::from_le_bytes(unit)
        } else {
            u32::from_be_bytes(unit)
        };
        match char::from_u32(code) {
            Some(c) => text.push(c),
            None => {
                errors = true;
                text.push('\u{FFFD}');
            }
        }
    }
    if cut && whole {
        errors = true;
        text.push('\u{FFFD}');
    }
    (text, errors)
}

/// How a [`Utf8Stream`] turns its bytes into UTF-8.
enum Reading {
    /// UTF-8, its stray bytes read as Windows-1252 (and counted).
    Utf8,
    /// An encoding `encoding_rs` reads (UTF-16, a legacy 8-bit or CJK one).
    Codec(encoding_rs::Decoder),
    Utf32 {
        little_endian: bool,
    },
}

/// A stream of bytes read as UTF-8 text a piece at a time, for a reader that never holds the
/// whole file (news XML): as [`decode`] reads a whole file, except that what a BOM or the
/// format's own declaration does not decide is UTF-8, its stray bytes read as
/// Windows-1252 with a warning ([`Utf8Stream::warning`]).
pub(super) struct Utf8Stream<R> {
    input: R,
    reading: Reading,
    /// The encoding's name, for the warning.
    name: &'static str,
    /// Bytes read and not decoded yet (a character cut at the end of a read).
    raw: Vec<u8>,
    /// Where each read goes first.
    scratch: Vec<u8>,
    /// Text decoded and not handed out yet, from `handed` on.
    text: String,
    handed: usize,
    eof: bool,
    stray: u64,
    errors: bool,
}

/// How many bytes a [`Utf8Stream`] reads at a time.
const STREAM_READ: usize = 64 << 10;

impl<R: Read> Utf8Stream<R> {
    /// Reads the start of `input` and chooses its encoding: a BOM, then the encoding
    /// `declared` finds named in the start (an XML declaration), else UTF-8. `Err` says
    /// why it is not text at all (empty, binary), judged from the start as [`sniff`] does.
    pub fn new(
        mut input: R,
        declared: impl FnOnce(&[u8]) -> Option<&'static Encoding>,
    ) -> Result<Utf8Stream<R>, String> {
        let mut head = Vec::new();
        (&mut input)
            .take(super::SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| format!("cannot read: {e}"))?;
        if head.len() < super::SNIFF_BYTES && head.iter().all(u8::is_ascii_whitespace) {
            return Err("empty file".into());
        }
        if let Some(reason) = sniff(&head) {
            return Err(reason);
        }
        let codec = |encoding: &'static Encoding| {
            (
                Reading::Codec(encoding.new_decoder_without_bom_handling()),
                encoding.name(),
            )
        };
        let ((reading, name), bom) = if let Some((little_endian, _)) = utf32_bom(&head) {
            (
                (Reading::Utf32 { little_endian }, utf32_name(little_endian)),
                4,
            )
        } else if let Some((encoding, bom)) = Encoding::for_bom(&head) {
            let reading = if encoding == UTF_8 {
                (Reading::Utf8, "UTF-8")
            } else {
                codec(encoding)
            };
            (reading, bom)
        } else if let Some(encoding) = head.contains(&0).then(|| bomless_utf16(&head)).flatten() {
            (codec(encoding), 0)
        } else {
            match declared(&head) {
                Some(encoding) if encoding != UTF_8 => (codec(encoding), 0),
                _ => ((Reading::Utf8, "UTF-8"), 0),
            }
        };
        head.drain(..bom);
        Ok(Utf8Stream {
            input,
            reading,
            name,
            raw: head,
            scratch: Vec::new(),
            text: String::new(),
            handed: 0,
            eof: false,
            stray: 0,
            errors: false,
        })
    }

    /// Once the stream is read to its end: a warning when some bytes were not valid in
    /// its encoding.
    pub fn warning(&self) -> Option<String> {
        if self.stray > 0 {
            Some(stray_bytes(self.stray))
        } else {
            self.errors.then(|| replaced(self.name))
        }
    }

    /// Decodes what `raw` holds; at the end of the input, all of it.
    fn decode_raw(&mut self) {
        let last = self.eof;
        match &mut self.reading {
            Reading::Utf8 => {
                let mut rest = &self.raw[..];
                loop {
                    match std::str::from_utf8(rest) {
                        Ok(valid) => {
                            self.text.push_str(valid);
                            rest = &[];
                            break;
                        }
                        Err(e) => {
                            let (valid, after) = rest.split_at(e.valid_up_to());
                            self.text
                                .push_str(std::str::from_utf8(valid).unwrap_or_default());
                            let bad = match e.error_len() {
                                Some(n) => n,
                                // A character cut at the end of this read: kept for the next.
                                None if !last => {
                                    rest = after;
                                    break;
                                }
                                None => after.len(),
                            };
                            let stray = &after[..bad];
                            self.text
                                .push_str(&WINDOWS_1252.decode_without_bom_handling(stray).0);
                            self.stray += bad as u64;
                            rest = &after[bad..];
                        }
                    }
                }
                let kept = rest.len();
                self.raw.drain(..self.raw.len() - kept);
            }
            Reading::Codec(decoder) => {
                let mut from = 0;
                loop {
                    let room = decoder
                        .max_utf8_buffer_length(self.raw.len() - from)
                        .unwrap_or(self.raw.len() * 3 + 16);
                    self.text.reserve(room);
                    let (result, read, errors) =
                        decoder.decode_to_string(&self.raw[from..], &mut self.text, last);
                    from += read;
                    self.errors |= errors;
                    if result == encoding_rs::CoderResult::InputEmpty {
                        break;
                    }
                }
                self.raw.clear();
            }
            Reading::Utf32 { little_endian } => {
                let whole = self.raw.len() / 4 * 4;
                let upto = if last { self.raw.len() } else { whole };
                let (text, errors) = utf32(&self.raw[..upto], *little_endian, last);
                self.text.push_str(&text);
                self.errors |= errors;
                self.raw.drain(..upto);
            }
        }
    }
}

impl<R: Read> Read for Utf8Stream<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.handed == self.text.len() {
            if self.eof && self.raw.is_empty() {
                return Ok(0);
            }
            self.text.clear();
            self.handed = 0;
            if !self.eof {
                if self.scratch.is_empty() {
                    self.scratch = vec![0; STREAM_READ];
                }
                let n = loop {
                    match self.input.read(&mut self.scratch) {
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        other => break other?,
                    }
                };
                self.raw.extend_from_slice(&self.scratch[..n]);
                self.eof = n == 0;
            }
            self.decode_raw();
        }
        let n = buf.len().min(self.text.len() - self.handed);
        buf[..n].copy_from_slice(&self.text.as_bytes()[self.handed..self.handed + n]);
        self.handed += n;
        Ok(n)
    }
}

/// UTF-16 saved without a BOM: in text that is mostly ASCII every other byte is NUL.
/// Requires the pattern in nearly all of the first 4 KiB so that binary files with
/// scattered NULs are still refused.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut le, mut be) = (0, 0);
    for pair in sample.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (0, 0) => {}
            (_, 0) => le += 1,
            (0, _) => be += 1,
            _ => {}
        }
    }
    let most = pairs * 9 / 10;
    if le >= most && be == 0 {
        Some(UTF_16LE)
    } else if be >= most && le == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Text that decoded but is mostly control characters is a binary file.
fn binary_text(text: &str) -> Option<&'static str> {
    // Most articles are ASCII: one character a byte, judged a byte at a time (the control
    // characters of ASCII are 0x00-0x1F and 0x7F).
    let head = &text.as_bytes()[..text.len().min(SAMPLE_CHARS)];
    if head.is_ascii() {
        if head.contains(&0) {
            return Some("binary file, not text (NUL characters)");
        }
        let controls = ascii_controls(head);
        return (controls * 20 > head.len())
            .then_some("binary file, not text (control characters)");
    }
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in text.chars().take(SAMPLE_CHARS) {
        total += 1;
        if c == '\0' {
            return Some("binary file, not text (NUL characters)");
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C') {
            controls += 1;
        }
    }
    // Real text has next to none; a handful (a stray form feed, a DOS end-of-file mark)
    // must not cost the article.
    (controls * 20 > total).then_some("binary file, not text (control characters)")
}

/// How many control characters other than tab, line feed, form feed and carriage return
/// ASCII `bytes` hold. Written so the compiler can test 16 bytes at a time: every byte is
/// judged with `&`/`|` of comparisons and counted in a `u8`, 255 bytes at most per count.
fn ascii_controls(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            let mut n = 0u8;
            for &b in chunk {
                let allowed = (b == b'\t') | (b == b'\n') | (b == b'\r') | (b == 0x0C);
                n += u8::from(((b < 0x20) & !allowed) | (b == 0x7F));
            }
            usize::from(n)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        match decode(bytes) {
            Ok(decoded) => decoded.text.into_owned(),
            Err(reason) => panic!("refused: {reason}"),
        }
    }

    fn reason(bytes: &[u8]) -> String {
        decode(bytes).err().expect("refused")
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(text("£5 “quoted” – dash".as_bytes()), "£5 “quoted” – dash");
        assert_eq!(text(b"\xEF\xBB\xBFTitle \xC2\xA3"), "Title £");
        assert!(matches!(
            decode(b"plain ascii").unwrap().text,
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn utf8_written_out_again_as_latin1_is_read_back() {
        // "Don’t pay £5 for café" decoded once as Latin-1 and saved as UTF-8.
        let right = "Don\u{2019}t pay \u{a3}5 for caf\u{e9}";
        let twice: String = right.bytes().map(char::from).collect();
        assert_eq!(text(twice.as_bytes()), right);
        // A text that also holds a real "é" keeps it.
        let mixed = format!("{twice} \u{e9}t\u{e9}");
        assert_eq!(text(mixed.as_bytes()), format!("{right} \u{e9}t\u{e9}"));
        // Without a C1 control character nothing is touched: "Ã©" may be meant.
        assert_eq!(text("Ã© and â€™".as_bytes()), "Ã© and â€™");
    }

    #[test]
    fn text_written_decomposed_is_read_composed() {
        // "geprüft" with "u" and a combining diaeresis, as text from macOS is written.
        assert_eq!(text("gepru\u{308}ft".as_bytes()), "gepr\u{fc}ft");
    }

    #[test]
    fn utf16_with_bom() {
        let s = "Title £ “q”\r\nbody";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(text(&le), s);
        assert_eq!(text(&be), s);
        let d = decode(&le).unwrap();
        assert!(d.warning.is_none());
    }

    #[test]
    fn utf32_with_bom() {
        let s = "Title £ “q” 🦆\nbody";
        let le: Vec<u8> = [0xFF, 0xFE, 0, 0]
            .into_iter()
            .chain(s.chars().flat_map(|c| u32::from(c).to_le_bytes()))
            .collect();
        let be: Vec<u8> = [0, 0, 0xFE, 0xFF]
            .into_iter()
            .chain(s.chars().flat_map(|c| u32::from(c).to_be_bytes()))
            .collect();
        assert_eq!(text(&le), s);
        assert_eq!(text(&be), s);
        assert_eq!(sniff(&le), None);
        let mut cut = le.clone();
        cut.pop();
        assert_eq!(
            decode(&cut).unwrap().warning.as_deref(),
            Some("some bytes are not valid UTF-32LE; they were replaced with \u{FFFD}")
        );
    }

    /// A reader that hands out `n` bytes at a time.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_stream_decodes_as_a_whole_file_does_whatever_its_reads_cut() {
        let s = "Caf\u{e9} “q” 🦆 ".repeat(5_000);
        let utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
            .into_iter()
            .chain(s.chars().flat_map(|c| u32::from(c).to_le_bytes()))
            .collect();
        let utf16: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let mut stray = s.clone().into_bytes();
        stray.extend_from_slice(b"Caf\xE9");
        for (bytes, want, warning) in [
            (&utf32, s.clone(), None),
            (&utf16, s.clone(), None),
            (
                &stray,
                format!("{s}Café"),
                Some("text is UTF-8 except for 1 byte; read it as Windows-1252"),
            ),
        ] {
            for step in [1, 3, 7, 65_536] {
                let mut stream = Utf8Stream::new(Trickle(bytes, step), |_| None).unwrap();
                let mut got = String::new();
                stream.read_to_string(&mut got).unwrap();
                assert_eq!(got, want, "step {step}");
                assert_eq!(stream.warning().as_deref(), warning);
            }
        }
    }

    #[test]
    fn utf16_without_bom_is_read_when_unmistakable() {
        let s = "A plain title\nand a body line";
        let le: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(text(&le), s);
        assert_eq!(text(&be), s);
    }

    #[test]
    fn broken_utf16_is_repaired_with_a_warning() {
        let d = decode(b"\xFF\xFEA\x00\x00\xD8B\x00").unwrap();
        assert!(d.warning.unwrap().contains("UTF-16"));
    }

    #[test]
    fn windows_1252_and_latin1() {
        // £ 5, curly quotes, en dash, e-acute, euro sign in Windows-1252.
        assert_eq!(
            text(b"\xA35 \x93quoted\x94 \x96 caf\xE9 \x80"),
            "£5 “quoted” – café €"
        );
        assert!(decode(b"caf\xE9").unwrap().warning.is_none());
    }

    #[test]
    fn mostly_utf8_keeps_its_utf8_and_reads_stray_bytes_as_1252() {
        let bytes: Vec<u8> = "“Café” costs ".bytes().chain([0xA3, b'5']).collect();
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "“Café” costs £5");
        assert!(d.warning.unwrap().contains("1 byte;"));
        let d = decode(b"\xEF\xBB\xBFcaf\xE9").unwrap();
        assert_eq!(d.text, "café");
        assert!(d.warning.is_some());
    }

    #[test]
    fn one_bad_byte_does_not_turn_utf8_into_latin1() {
        // One accent and one stray byte: the accent stays, only the stray byte is read
        // as Windows-1252.
        let d = decode(b"Mixed \xC3\xA9 title\nbody \xFF end").unwrap();
        assert_eq!(d.text, "Mixed \u{e9} title\nbody \u{ff} end");
        assert!(d.warning.unwrap().contains("1 byte;"));
        // A few stray cp1252 quotes around one accented word.
        let d = decode(b"\x93Caf\xC3\xA9\x94 \x96 a word").unwrap();
        assert_eq!(d.text, "\u{201c}Caf\u{e9}\u{201d} \u{2013} a word");
    }

    #[test]
    fn latin1_with_a_coincidental_utf8_pair_stays_latin1() {
        // `\xC9\xBB` (É») is valid UTF-8 by chance; the many stray accents say Latin-1.
        let d = decode(b"CAF\xC9\xBB d\xE9j\xE0 \xE9t\xE9 \xE0 l\xE0").unwrap();
        assert_eq!(
            d.text,
            "CAF\u{c9}\u{bb} d\u{e9}j\u{e0} \u{e9}t\u{e9} \u{e0} l\u{e0}"
        );
        assert!(d.warning.is_none());
        // A lone pound sign in ASCII text (as in the BBC corpus) is Latin-1 without a fuss.
        let d = decode(b"a \xA315.8m signing").unwrap();
        assert_eq!(d.text, "a \u{a3}15.8m signing");
        assert!(d.warning.is_none());
    }

    #[test]
    fn sniff_refuses_binary_from_the_first_bytes() {
        assert_eq!(
            sniff(&[0u8; 8192]).as_deref(),
            Some("binary file, not text (NUL bytes)")
        );
        assert!(sniff(b"\x89PNG\r\n\x1a\n\0\0").unwrap().contains("PNG"));
        assert!(sniff(b"\xFF\xFE\0\0\0\0\0\0").unwrap().contains("NUL"));
        assert!(sniff(b"\x01\x02\x03\x04text\x05\x06\x07\x08").is_some());
        for text in [
            &b"Title\n\nA body with caf\xC3"[..],
            b"Caf\xE9 prices",
            b"\xEF\xBB\xBFTitle",
            b"\xFF\xFEA\x00B\x00",
            b"A\x00 \x00p\x00l\x00a\x00i\x00n\x00",
            b"",
        ] {
            assert_eq!(sniff(text), None, "{text:?}");
        }
    }

    /// The ASCII fast path of `binary_text` judges as the character loop does.
    #[test]
    fn binary_text_ascii_path_agrees_with_the_char_loop() {
        fn by_chars(text: &str) -> Option<&'static str> {
            let mut total = 0usize;
            let mut controls = 0usize;
            for c in text.chars().take(SAMPLE_CHARS) {
                total += 1;
                if c == '\0' {
                    return Some("binary file, not text (NUL characters)");
                }
                if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C') {
                    controls += 1;
                }
            }
            (controls * 20 > total).then_some("binary file, not text (control characters)")
        }
        let mut cases: Vec<String> = vec![
            String::new(),
            "plain text\n".into(),
            "a\x7Fb".into(),
            "\x01\x02 text".into(),
            "tab\tff\x0Ccr\r\n".into(),
            "x\0y".into(),
            format!("{}\x01", "a".repeat(19)),
            format!("{}\x01", "a".repeat(20)),
            format!("{}\x01\x01", "a".repeat(SAMPLE_CHARS)),
            // Counts that cross the 255-byte blocks.
            "\x01".repeat(600),
            "\x1Fa\x7F\n".repeat(300),
            format!("{}{}", "b".repeat(254), "\x02".repeat(40)),
        ];
        for b in 0u8..0x80 {
            cases.push(format!("{}{}", char::from(b), "abc".repeat(b as usize % 7)));
        }
        for case in &cases {
            assert!(case.is_ascii());
            assert_eq!(binary_text(case), by_chars(case), "{case:?}");
        }
    }

    #[test]
    fn empty_files() {
        for bytes in [
            &b""[..],
            b"   \n\r\n\t ",
            b"\xEF\xBB\xBF",
            b"\xEF\xBB\xBF \n",
            b"\xFF\xFE",
            b"\xFF\xFE \x00\n\x00",
        ] {
            assert_eq!(reason(bytes), "empty file", "{bytes:?}");
        }
    }

    #[test]
    fn binary_files_are_named_when_recognised() {
        let cases: &[(&[u8], &str)] = &[
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "PNG"),
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF", "JPEG"),
            (b"GIF89a\x01\0\x01\0", "GIF"),
            (b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", "PDF"),
            (b"PK\x03\x04\x14\0\0\0", "ZIP"),
            (b"\x1F\x8B\x08\0\0\0\0\0", "gzip"),
        ];
        for (bytes, what) in cases {
            let r = reason(bytes);
            assert!(
                r.starts_with("binary file, not text") && r.contains(what),
                "{r}"
            );
        }
        assert_eq!(
            reason(b"Title\nbody\0with a NUL and more"),
            "binary file, not text (NUL bytes)"
        );
        assert_eq!(
            reason(b"\x01\x02\x03\x04text\x05\x06\x07\x08"),
            "binary file, not text (control characters)"
        );
        assert!(decode(b"Title\n\nbody with a form feed\x0c and a DOS end mark\x1a").is_ok());
    }
}
