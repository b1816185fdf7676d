//! News XML: NITF, NewsML 1 (the RCV1 `newsitem` and the `NewsML` envelope), NewsML-G2
//! (`newsItem`, `newsMessage`), RSS 2.0 / RSS 1.0 and Atom feeds, told apart by their root
//! element. XML that is not news (a Maven `pom.xml`, an SVG, a sitemap) is skipped with a
//! reason.
//!
//! The bytes are decoded to UTF-8 as they stream in (a BOM wins, then the encoding the XML
//! declaration names, then UTF-8), so quick-xml only ever sees UTF-8. Each format has its
//! own file: `xml/nitf.rs`, `xml/newsml.rs` (RCV1 and the NewsML 1 envelope),
//! `xml/newsml_g2.rs`, `xml/feed.rs` (RSS and Atom); `xml/tree.rs` streams the file one
//! unit (article, item) at a time, so a file of any size costs one item of memory.

mod feed;
mod newsml;
mod newsml_g2;
mod nitf;
mod source;
mod tree;

use chrono::{NaiveDate, NaiveTime};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use super::{decode, text, Article, ArticleDate, FileParse, Problem, Record, Severity, Sink};

/// Reads one XML file, honouring the encoding its declaration names. A feed or a NewsML
/// message gives one record per item, numbered from 1 in `Record::record`.
pub fn parse(bytes: &[u8]) -> FileParse {
    let mut parse = FileParse::default();
    read(
        &mut std::io::Cursor::new(bytes),
        &mut parse,
        super::DEFAULT_MAX_MB,
    );
    parse
}

/// As [`parse`], reading `input` as a stream and handing each article and problem to
/// `sink` as soon as it is read: memory holds one item at a time, whatever the size of
/// the file. An item (for NITF and RCV1, the file's one article) over `max_mb` MB is
/// skipped and reported, and the others are read.
pub fn read(input: &mut dyn std::io::Read, sink: &mut dyn Sink, max_mb: u64) {
    let mut out = Out { sink, articles: 0 };
    let mut unknown_label = None;
    let stream = decode::Utf8Stream::new(input, |head| {
        let label = declared_encoding(head)?;
        match Encoding::for_label(label.as_bytes()) {
            // The declaration is ASCII, so the bytes are not UTF-16 whatever it says.
            Some(e) if e == UTF_16LE || e == UTF_16BE => None,
            Some(e) => Some(e),
            None => {
                unknown_label = Some(label);
                None
            }
        }
    });
    let stream = match stream {
        Ok(stream) => stream,
        Err(reason) => return out.problem(None, Severity::Skipped, reason),
    };
    if let Some(label) = unknown_label {
        let shown: String = label.chars().take(40).collect();
        out.problem(
            None,
            Severity::Warning,
            format!("unknown encoding \"{shown}\" in the XML declaration: read as UTF-8"),
        );
    }
    let mut walker = tree::Walker::new(stream, max_mb);
    match walker.root() {
        Ok(root) => read_root(&root, &mut walker, &mut out),
        Err(reason) => return out.problem(None, Severity::Skipped, reason),
    }
    for warning in [walker.decode_warning(), walker.entity_warning()]
        .into_iter()
        .flatten()
    {
        out.problem(None, Severity::Warning, warning);
    }
}

/// Reads the file as the format its root element names.
fn read_root(root: &tree::Element, walker: &mut tree::Walker<'_>, out: &mut Out<'_>) {
    match root.name.as_str() {
        "nitf" => nitf::read(walker, out),
        "newsitem" => newsml::read_rcv1(walker, out),
        "NewsML" => newsml::read_envelope(walker, out),
        "newsItem" | "newsMessage" => newsml_g2::read(walker, out),
        "rss" | "RDF" => feed::read_rss(walker, out),
        "feed" => feed::read_atom(walker, out),
        name => {
            let what = match name {
                "project" => " (a Maven POM)",
                "svg" => " (an SVG image)",
                "urlset" | "sitemapindex" => " (a sitemap)",
                "html" => " (an XHTML page: give it an .html or .xhtml name)",
                "packageItem" | "conceptItem" | "knowledgeItem" | "planningItem" | "catalog" => {
                    " (a NewsML-G2 item that is not an article)"
                }
                "opml" => " (a list of feeds)",
                "plist" => " (an Apple property list)",
                "Workbook" | "worksheet" | "document" => " (an office document)",
                _ => "",
            };
            let shown: String = name.chars().take(60).collect();
            out.problem(
                None,
                Severity::Skipped,
                format!("not a news format: root element <{shown}>{what}"),
            );
        }
    }
}

/// Where the format readers put what they read: the sink, plus the small rules every
/// format shares (a title from the body when there is none, a warning when an article
/// has no date).
pub(super) struct Out<'a> {
    sink: &'a mut dyn Sink,
    articles: u64,
}

impl Out<'_> {
    fn article(&mut self, record: Option<u64>, mut article: Article) {
        if article.title.is_empty() {
            article.title = text::title_from_body(&article.body);
        }
        if article.date.is_none() {
            self.problem(
                record,
                Severity::Warning,
                "no date: indexed, but date filters will not find it".into(),
            );
        }
        self.articles += 1;
        self.sink.record(Record {
            record,
            article,
            ..Default::default()
        });
    }

    fn problem(&mut self, record: Option<u64>, severity: Severity, reason: String) {
        self.sink.problem(Problem {
            record,
            severity,
            reason,
            ..Default::default()
        });
    }

    fn passed_over(&mut self) {
        self.sink.passed_over();
    }

    /// Reads a file that is one article, its root element made into one by `article`;
    /// `what` names the format in the problem for one with no text.
    fn single(
        &mut self,
        walker: &mut tree::Walker<'_>,
        what: &str,
        article: impl Fn(&tree::Element) -> Article,
    ) {
        let mut unit = None;
        let end = walker.walk(|outer, _| outer.is_empty(), |_, u| unit = Some(u));
        match unit {
            Some(Ok(root)) => {
                let article = article(&root);
                if article.body.is_empty() && article.title.is_empty() {
                    self.problem(None, Severity::Skipped, format!("{what} with no text"));
                } else {
                    self.article(None, article);
                }
            }
            Some(Err(reason)) => self.problem(None, Severity::Skipped, reason),
            None => {}
        }
        if let Err(broken) = end {
            self.broken(broken, None);
        }
    }

    /// Reports where a file broke off. Whole articles read before the break are kept;
    /// `record` is the unit the break came in, when it came inside one.
    fn broken(&mut self, broken: tree::Broken, record: Option<u64>) {
        let kept = match self.articles {
            0 => String::new(),
            1 => "; the article before it was kept".into(),
            n => format!("; the {n} articles before it were kept"),
        };
        let record = if broken.in_unit { record } else { None };
        self.problem(
            record,
            Severity::Skipped,
            format!("{}{kept}", broken.reason),
        );
    }
}

/// The `encoding` named by an `<?xml ... ?>` declaration at the start of the file.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(1024)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = head[start..].strip_prefix(b"<?xml")?;
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let close = value.find(quote)?;
    Some(value[..close].trim().to_owned())
}

/// A date as news XML writes it: ISO 8601 / RFC 3339 (`2018-10-21T13:05:00+02:00`), RFC 822
/// (`Tue, 11 Jun 2024 21:15:00 EDT`), or the compact ISO form of NITF and NewsML 1
/// (`19870102T000000`, `20010101T120000+0000`, `19960820`). The stated wall-clock time is
/// kept and any offset dropped, as [`ArticleDate`] says.
fn xml_date(s: &str) -> Option<ArticleDate> {
    let s = s.trim();
    compact_date(s).or_else(|| super::date::parse_date(s))
}

fn compact_date(s: &str) -> Option<ArticleDate> {
    let (day, time) = match s.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    if day.len() != 8 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |s: &str| s.parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(num(&day[..4])?).ok()?,
        num(&day[4..6])?,
        num(&day[6..])?,
    )?;
    let clock = match time {
        None => None,
        Some(t) => {
            // The offset (`+0000`, `Z`) is dropped: the wall-clock time is what was stated.
            let t = t.split(['+', '-', 'Z', 'z']).next().unwrap_or("");
            let t = t.split('.').next().unwrap_or("");
            if t.len() < 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let sec = if t.len() >= 6 { num(&t[4..6])? } else { 0 };
            Some(NaiveTime::from_hms_opt(num(&t[..2])?, num(&t[2..4])?, sec)?)
        }
    };
    // NITF writes `T000000` for "no time given".
    let has_time = clock.is_some_and(|c| c != NaiveTime::MIN);
    Some(ArticleDate {
        datetime: date.and_time(clock.unwrap_or(NaiveTime::MIN)),
        has_time,
    })
}

/// The place a dateline names: `WASHINGTON, Jan. 1` and `SAO PAULO 1996-08-21` give
/// `WASHINGTON` and `SAO PAULO`; the date that often follows is the day of the event.
fn place_from_dateline(s: &str) -> Option<String> {
    let head = s.split([',', '\u{2014}', '\u{2013}']).next().unwrap_or("");
    let head = head.trim_end_matches([' ', '-', ':']);
    let mut words: Vec<&str> = head.split_whitespace().collect();
    while let Some(last) = words.last() {
        let dateish = last.bytes().any(|b| b.is_ascii_digit())
            || super::date::month(last).is_some_and(|_| words.len() > 1 && last.len() <= 5);
        if dateish {
            words.pop();
        } else {
            break;
        }
    }
    let place = words.join(" ");
    (!place.is_empty() && place.chars().count() <= 60).then_some(place)
}

/// The people a byline names: `By JOHN DOE and JANE ROE` gives `John Doe`, `Jane Roe`;
/// without a leading `By` the text is taken as a list of names.
fn byline_authors(s: &str) -> Vec<String> {
    read_byline(s).authors
}

/// The people a byline names (as [`byline_authors`]) and the source it credits
/// (`Special to the New York Times`, `Associated Press Writer`).
fn read_byline(s: &str) -> super::byline::Byline {
    let s = tree::collapse(s);
    let mut byline = super::byline::read_byline(&s).unwrap_or_else(|| {
        if s.chars().count() > 200 {
            super::byline::Byline::default()
        } else {
            super::byline::split_byline(&s)
        }
    });
    for name in &mut byline.authors {
        *name = super::byline::name_case(name);
    }
    byline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(parse: &FileParse) -> Vec<&str> {
        parse.problems.iter().map(|p| p.reason.as_str()).collect()
    }

    #[test]
    fn the_declared_encoding_is_honoured_and_a_bom_wins() {
        let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><rss><channel><item><title>S\xE3o Paulo</title><pubDate>1 May 2020</pubDate></item></channel></rss>";
        let parse = parse(latin1);
        assert_eq!(parse.records[0].article.title, "São Paulo");
        assert!(parse.problems.is_empty(), "{:?}", parse.problems);
        // A UTF-8 BOM overrides a declaration that says Latin-1.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(
            "<?xml version='1.0' encoding='iso-8859-1'?><rss><item><title>São</title><pubDate>1 May 2020</pubDate></item></rss>"
                .as_bytes(),
        );
        assert_eq!(super::parse(&bom).records[0].article.title, "São");
        // UTF-16 with its BOM.
        let xml = "<rss><item><title>Ça</title><pubDate>1 May 2020</pubDate></item></rss>";
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(super::parse(&utf16).records[0].article.title, "Ça");
    }

    #[test]
    fn an_unknown_encoding_is_read_as_utf8_with_a_warning() {
        let parse = parse(
            "<?xml version='1.0' encoding='klingon'?><rss><item><title>Ça</title><pubDate>1 May 2020</pubDate></item></rss>"
                .as_bytes(),
        );
        assert_eq!(parse.records[0].article.title, "Ça");
        assert!(reasons(&parse)[0].contains("unknown encoding \"klingon\""));
    }

    #[test]
    fn xml_that_is_not_news_is_skipped_with_what_it_is() {
        for (xml, said) in [
            (
                "<?xml version='1.0'?><project xmlns='http://maven.apache.org/POM/4.0.0'><modelVersion>4.0.0</modelVersion></project>",
                "not a news format: root element <project> (a Maven POM)",
            ),
            (
                "<svg xmlns='http://www.w3.org/2000/svg'><text>Hi</text></svg>",
                "not a news format: root element <svg> (an SVG image)",
            ),
            (
                "<urlset><url><loc>https://x.example/</loc></url></urlset>",
                "not a news format: root element <urlset> (a sitemap)",
            ),
            ("<catalog-of-things/>", "not a news format: root element <catalog-of-things>"),
        ] {
            let parse = parse(xml.as_bytes());
            assert!(parse.records.is_empty());
            assert_eq!(reasons(&parse), [said]);
            assert_eq!(parse.problems[0].severity, Severity::Skipped);
        }
    }

    #[test]
    fn files_that_are_not_xml_say_so() {
        for (bytes, said) in [
            (&b""[..], "empty file"),
            (b"just some words", "not XML"),
            (b"<?xml version='1.0'?>", "no XML element"),
            (b"\x1F\x8B\x08\x00", "binary file"),
            (b"<a b='1' b='2'", "malformed XML at line 1"),
        ] {
            let parse = parse(bytes);
            assert!(parse.records.is_empty());
            assert_eq!(parse.problems.len(), 1);
            assert!(
                parse.problems[0].reason.contains(said),
                "{:?}",
                parse.problems
            );
        }
    }
}
