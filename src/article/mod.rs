//! Reading article files: turning the bytes of any format dateline reads (plain text, JSON
//! Lines, HTML pages, news XML, WARC crawls, and these inside compressed files and archives)
//! into [`Article`]s, with every problem found on the way reported rather than panicked on.

pub mod byline;
pub mod container;
pub mod date;
pub mod dateline;
pub mod dates;
mod decode;
pub mod html;
mod jsonl;
mod kind;
mod labels;
mod text;
pub mod warc;
pub mod xml;

pub(crate) use jsonl::jsonl_stream;
pub use jsonl::{plain_utf8, Chunk, JsonlPieces, Pieces, PIECE_BYTES};
pub use kind::{
    confirm_kind, is_notes_file, kind_of, markup_kind, sniff_kind, Codec, FileKind, EXTENSIONS,
};

use chrono::NaiveDateTime;
use std::borrow::Cow;

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
    /// The publication the file names as its own (NITF `pubdata/@name`, a NewsML provider,
    /// a page's `og:site_name` or JSON-LD publisher, a feed's title): the source of an
    /// article that names none, nor an agency in its dateline.
    pub publication: Option<String>,
}

/// The article's date as written in it: wall-clock time in the article's own zone (an
/// explicit offset is dropped, not converted, so the day users see printed is the day they
/// filter on). `has_time` is false when only a day was given (time is then midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleDate {
    pub datetime: NaiveDateTime,
    pub has_time: bool,
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

/// Whitespace runs made one space, ends trimmed: text compared or shown as one line.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Characters that only tell a renderer how to break or join a line: a soft hyphen (where a
/// word may be hyphenated), a word joiner, a zero-width no-break space. They are invisible,
/// but the tokenizer cuts a word at one (`Wäh\u{ad}rend` would be indexed as `wäh` and
/// `rend`, and `Während` not found), so the index stores text without them.
const INVISIBLE: [char; 3] = ['\u{ad}', '\u{2060}', '\u{feff}'];

/// `s` as the index stores and searches it: without [`INVISIBLE`] characters, and
/// [`composed`]. Queries go through here too, so a query pasted from decomposed text or
/// with soft hyphens finds the article. Borrowed when there is nothing to change, as in
/// nearly all text.
pub fn indexable(s: &str) -> Cow<'_, str> {
    let s = composed(Cow::Borrowed(s));
    if s.contains(INVISIBLE) {
        Cow::Owned(s.replace(INVISIBLE, ""))
    } else {
        s
    }
}

/// `text` composed (Unicode NFC). Text written decomposed (`u` and a combining diaeresis
/// for `ü`, as text from macOS often is) looks the same, but the tokenizer cuts a word at
/// each combining mark (`geprüft` would be indexed as `gepru` and `ft`) and a byline's
/// name is not read as one, so neither a query as typed nor a reader's copy of a sentence
/// would find it. The plain-text and HTML readers compose what they read, before its
/// byline is looked for; the index composes every article once more (an XML or JSON
/// escape can spell a combining mark out). Untouched, and not copied, when composed.
pub(crate) fn composed(text: Cow<'_, str>) -> Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use std::path::Path;

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
    fn indexable_text_is_composed_and_without_invisible_characters() {
        assert!(matches!(indexable("plain text, café"), Cow::Borrowed(_)));
        assert_eq!(indexable("gepru\u{308}ft"), "geprüft");
        assert_eq!(indexable("Wäh\u{ad}rend"), "Während");
        assert_eq!(indexable("Wa\u{308}h\u{ad}rend\u{feff}"), "Während");
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
}
