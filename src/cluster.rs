//! `dateline export --to quickwit|opensearch|manticore`: every article as a document a cluster
//! search engine loads as it is (NDJSON, or Sphinx/Manticore `xmlpipe2`), read from the archive
//! folders (through the readers `dateline index` uses) or from an index's stored documents.
//!
//! Both sources give each article the same document, id included: the id is the one
//! `dateline search --json` shows ([`schema::article_hash`] of where the article lies), so
//! loading an export again updates the engine's documents rather than adding copies.
//! The engines' own configs for these documents are in `deploy/`; the tests check every
//! exported field against them.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;
use tantivy::TantivyDocument;

use crate::article::{dateline, Record};
use crate::choice::UnknownChoice;
use crate::index_dir::OpenIndex;
use crate::problems::Problem;
use crate::read::{self, FoundFile, ReadCounts};
use crate::schema;
use crate::stored::{self, Stored};

/// The index (Quickwit) or index name (OpenSearch) the export is meant for, unless
/// `--index-name` says otherwise: the name the configs in `deploy/` use.
pub const DEFAULT_INDEX_NAME: &str = "dateline-news";

/// The engine an export is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// One document per line, for `quickwit index ingest`.
    Quickwit,
    /// `_bulk` pairs: an `index` action naming the document's `_id`, then the document.
    OpenSearch,
    /// `xmlpipe2` shards for Sphinx 2.2's or Manticore's `indexer` ([`write_xmlpipe_doc`]).
    Manticore,
}

impl Engine {
    /// The words `export --to` takes.
    pub const NAMES: [&'static str; 3] = ["quickwit", "opensearch", "manticore"];
}

impl std::str::FromStr for Engine {
    type Err = UnknownChoice;

    fn from_str(text: &str) -> Result<Engine, UnknownChoice> {
        match text {
            "quickwit" => Ok(Engine::Quickwit),
            "opensearch" => Ok(Engine::OpenSearch),
            "manticore" => Ok(Engine::Manticore),
            _ => Err(UnknownChoice::new(
                text,
                "quickwit, opensearch or manticore",
            )),
        }
    }
}

/// One article as the engines get it. Every field is always present; a value the article
/// lacks is `null` (or `[]` for authors), never a missing key or an empty string.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterDoc {
    /// [`schema::ID_LEN`] characters, as `dateline search --json` and `show` name it.
    pub id: String,
    pub title: String,
    pub authors: Vec<String>,
    /// RFC 3339, in UTC (`2017-03-17T00:00:00Z`): the time the article states, or midnight.
    pub date: Option<String>,
    pub place: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// The article's file, as an absolute path.
    pub path: String,
    /// The path inside an archive, for an article read from one.
    pub member: Option<String>,
    /// 1-based position in a feed, crawl or NewsML message.
    pub record: Option<u64>,
    /// 1-based line of a JSON Lines file.
    pub line: Option<u64>,
    pub body: Option<String>,
    /// The collection: the index's (`dateline index --collection`), or, read from folders,
    /// the folder's own name.
    pub collection: Option<String>,
}

fn rfc3339(secs: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn some_text(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

impl ClusterDoc {
    /// An article read from `file`, as the index would hold it: the same place and source
    /// (from the format, else the body's dateline), date to the second, and id; its
    /// collection is `collection`.
    pub fn from_record(file: &FoundFile, record: Record, collection: String) -> ClusterDoc {
        let a = &record.article;
        let from_body = dateline::parse(&a.body);
        let (place, source) = dateline::place_and_source(a, from_body.as_ref());
        let id = schema::article_id(
            file.id,
            record.member.as_deref(),
            record.line,
            record.record,
        );
        ClusterDoc {
            id,
            place: some_text(place),
            source: some_text(source),
            date: a
                .date
                .and_then(|d| rfc3339(d.datetime.and_utc().timestamp())),
            url: some_text(a.url.as_deref()),
            path: file.key(),
            member: some_text(record.member.as_deref()),
            record: record.record,
            line: record.line,
            authors: record.article.authors,
            body: Some(record.article.body).filter(|b| !b.is_empty()),
            title: record.article.title,
            collection: Some(collection),
        }
    }

    /// A stored article of the index, with its body.
    pub fn from_stored(article: Stored, body: &str) -> ClusterDoc {
        ClusterDoc {
            id: article.id,
            title: article.title,
            authors: article.authors,
            date: article.date.and_then(|d| rfc3339(d.and_utc().timestamp())),
            place: article.place,
            source: article.source,
            url: article.url,
            path: article.path,
            member: article.member,
            record: article.record,
            line: article.line,
            body: some_text(Some(body)),
            collection: article.collection,
        }
    }
}

/// A `_bulk` action line: `{"index":{"_index":NAME,"_id":ID}}`, which creates the document
/// or replaces the one with that id.
#[derive(Serialize)]
struct Action<'a> {
    index: Target<'a>,
}

#[derive(Serialize)]
struct Target<'a> {
    #[serde(rename = "_index")]
    index: &'a str,
    #[serde(rename = "_id")]
    id: &'a str,
}

/// Appends `doc` to `out` as the engine takes it: one line (Quickwit), or an action line and
/// the document's line (OpenSearch `_bulk`, into `index_name`). serde_json escapes every
/// quote and control character, so article text stays data and a line ends only at the
/// end of a document; U+2028 and U+2029, which some line readers take as line ends, are
/// escaped as well.
pub fn write_doc(
    engine: Engine,
    index_name: &str,
    doc: &ClusterDoc,
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    if engine == Engine::OpenSearch {
        let action = Action {
            index: Target {
                index: index_name,
                id: &doc.id,
            },
        };
        serde_json::to_writer(&mut *out, &action)?;
        out.push(b'\n');
    }
    let start = out.len();
    serde_json::to_writer(&mut *out, doc)?;
    escape_line_separators(out, start);
    out.push(b'\n');
    Ok(())
}

/// Replaces U+2028 and U+2029 from `start` on with their `\u` escapes. In serde_json's
/// output they can only stand inside strings, where the escape means the same character.
fn escape_line_separators(out: &mut Vec<u8>, start: usize) {
    let tail = &out[start..];
    if !tail.windows(3).any(is_separator) {
        return;
    }
    let mut escaped = Vec::with_capacity(tail.len() + 16);
    let mut i = 0;
    while i < tail.len() {
        if tail.len() - i >= 3 && is_separator(&tail[i..i + 3]) {
            let code = if tail[i + 2] == 0xA8 { "2028" } else { "2029" };
            escaped.extend_from_slice(b"\\u");
            escaped.extend_from_slice(code.as_bytes());
            i += 3;
        } else {
            escaped.push(tail[i]);
            i += 1;
        }
    }
    out.truncate(start);
    out.extend_from_slice(&escaped);
}

fn is_separator(b: &[u8]) -> bool {
    b[0] == 0xE2 && b[1] == 0x80 && (b[2] == 0xA8 || b[2] == 0xA9)
}

/// The Sphinx/Manticore tables' name: shard `k` of an export is the plain table `news_k`,
/// read from the file `news_k.xml`, and the distributed table over them all is `news`.
pub const MANTICORE_TABLE: &str = "news";

/// The `published` attribute of an article without a date (its home is with the queries
/// that filter on it).
pub use crate::query::sphinxql::NO_DATE;

/// The shard (of `shards`) an article with this document id goes to.
pub fn shard_of(doc_id: u64, shards: u32) -> u32 {
    (doc_id % u64::from(shards.max(1))) as u32
}

/// The `xmlpipe2` document id of an article: its dateline id's number. `None` for an id that
/// is not one, or is 0, which Sphinx and Manticore cannot take as a document id (one article
/// in 2^64 has it; it is skipped and reported).
pub fn manticore_id(doc: &ClusterDoc) -> Option<u64> {
    schema::parse_id(&doc.id).filter(|&n| n != 0)
}

/// What an `xmlpipe2` file starts with, before its documents. The schema is not in the file
/// but in the tables' config (`deploy/manticore/`), which declares every element below.
pub const XMLPIPE_HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sphinx:docset>\n";
/// What an `xmlpipe2` file ends with, after its documents.
pub const XMLPIPE_TAIL: &str = "</sphinx:docset>\n";

/// Appends `doc` to `out` as one `<sphinx:document>` with document id `id`: the full-text
/// fields (each also a string attribute), `title`, `authors` (joined with "; "), `place`,
/// `source`, `collection`, `body`, then the attributes `published` (Unix seconds, UTC, or
/// [`NO_DATE`]), `url`, `path` and `did` (the id as `dateline search --json` shows it).
/// A missing value is an empty element. Text is escaped, and the characters XML 1.0 cannot
/// hold at all (control characters but tab and line ends, U+FFFE, U+FFFF) become spaces, so
/// no article can end the document early or make `indexer` refuse the file.
pub fn write_xmlpipe_doc(id: u64, doc: &ClusterDoc, out: &mut Vec<u8>) {
    let published = doc
        .date
        .as_deref()
        .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
        .map_or(NO_DATE, |d| d.timestamp());
    let authors = doc.authors.join("; ");
    out.extend_from_slice(format!("<sphinx:document id=\"{id}\">\n").as_bytes());
    let fields: [(&str, &str); 10] = [
        ("title", &doc.title),
        ("authors", &authors),
        ("place", doc.place.as_deref().unwrap_or("")),
        ("source", doc.source.as_deref().unwrap_or("")),
        ("collection", doc.collection.as_deref().unwrap_or("")),
        ("body", doc.body.as_deref().unwrap_or("")),
        ("published", &published.to_string()),
        ("url", doc.url.as_deref().unwrap_or("")),
        ("path", &doc.path),
        ("did", &doc.id),
    ];
    for (name, value) in fields {
        let clean: std::borrow::Cow<str> = if value.chars().any(not_in_xml) {
            value
                .chars()
                .map(|c| if not_in_xml(c) { ' ' } else { c })
                .collect::<String>()
                .into()
        } else {
            value.into()
        };
        out.extend_from_slice(format!("<{name}>").as_bytes());
        out.extend_from_slice(quick_xml::escape::partial_escape(clean.as_ref()).as_bytes());
        out.extend_from_slice(format!("</{name}>\n").as_bytes());
    }
    out.extend_from_slice(b"</sphinx:document>\n");
}

/// Characters an XML 1.0 document cannot contain, even escaped.
fn not_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Hands every live document of the index to `each`, segment by segment in the order they
/// are stored, reading one compressed block of the store at a time; returns how many.
/// An error from `each` (a closed pipe) ends the reading and comes back as it is.
pub fn from_index(open: &OpenIndex, each: &mut dyn FnMut(ClusterDoc) -> Result<()>) -> Result<u64> {
    let searcher = crate::index_dir::reader(&open.index)?.searcher();
    let mut written = 0;
    for segment in searcher.segment_readers() {
        let ids = segment.fast_fields().u64(schema::ID)?;
        // One block cached: documents are read in store order, a block after another.
        let store = segment.get_store_reader(1)?;
        let alive = segment.alive_bitset();
        for doc_id in 0..segment.max_doc() {
            if alive.is_some_and(|a| a.is_deleted(doc_id)) {
                continue;
            }
            let doc: TantivyDocument = store.get(doc_id)?;
            let id = ids.first(doc_id).map(schema::format_id).unwrap_or_default();
            let article = Stored::read(&doc, &open.fields, id);
            each(ClusterDoc::from_stored(
                article,
                stored::body(&doc, &open.fields),
            ))?;
            written += 1;
        }
    }
    Ok(written)
}

/// Hands every article of the folders to `each`, read as `dateline index` reads them (see
/// [`read::read_folders`]), and every problem to `problem` as it is met. `skip` is a
/// folder not read (an index kept inside the archive).
pub fn from_folders(
    dirs: &[PathBuf],
    max_article_mb: u64,
    skip: Option<&Path>,
    each: &mut dyn FnMut(ClusterDoc) -> Result<()>,
    problem: &mut dyn FnMut(Problem),
) -> Result<ReadCounts> {
    read::read_folders(
        dirs,
        max_article_mb,
        skip,
        &mut |root, file, record| {
            let collection = crate::index_dir::default_collection(root);
            each(ClusterDoc::from_record(file, record, collection))
        },
        problem,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str) -> ClusterDoc {
        ClusterDoc {
            id: "00000000001".into(),
            title: title.into(),
            authors: vec![],
            date: rfc3339(0),
            place: None,
            source: None,
            url: None,
            path: "/a.txt".into(),
            member: None,
            record: None,
            line: None,
            body: None,
            collection: None,
        }
    }

    #[test]
    fn hostile_text_stays_on_its_line_and_reads_back() {
        let title = "a\"b\nc\r\u{1b}[31m\u{2028}d\u{2029}\u{0}";
        let mut out = Vec::new();
        write_doc(Engine::Quickwit, "x", &doc(title), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1);
        assert!(text.is_ascii(), "{text}");
        assert!(text.contains("\\u2028d\\u2029"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["title"], title);
        assert_eq!(back["date"], "1970-01-01T00:00:00Z");
    }

    #[test]
    fn xmlpipe_documents_escape_text_and_mark_a_missing_date() {
        let mut d = doc("a < b & c\u{1}");
        d.date = None;
        d.authors = vec!["Ann".into(), "Bo".into()];
        let mut out = Vec::new();
        write_xmlpipe_doc(7, &d, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("<sphinx:document id=\"7\">\n"), "{text}");
        assert!(text.contains("<title>a &lt; b &amp; c </title>"), "{text}");
        assert!(text.contains("<authors>Ann; Bo</authors>"), "{text}");
        assert!(text.contains("<published>-9223372036854775808</published>"));
        assert!(text.contains("<url></url>") && text.contains("<did>00000000001</did>"));
        d.date = rfc3339(86_400);
        let mut out = Vec::new();
        write_xmlpipe_doc(7, &d, &mut out);
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("<published>86400</published>"));
        assert_eq!(manticore_id(&d), Some(1));
        d.id = schema::format_id(0);
        assert_eq!(manticore_id(&d), None);
        assert_eq!(shard_of(7, 3), 1);
    }

    #[test]
    fn bulk_pairs_name_the_index_and_id() {
        let mut out = Vec::new();
        write_doc(Engine::OpenSearch, "news", &doc("t"), &mut out).unwrap();
        let lines: Vec<&str> = std::str::from_utf8(&out).unwrap().lines().collect();
        assert_eq!(
            lines[0],
            r#"{"index":{"_index":"news","_id":"00000000001"}}"#
        );
        assert_eq!(lines.len(), 2);
    }
}
