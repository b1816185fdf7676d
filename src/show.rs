//! One indexed article, found by its id or by where it was read from (`PATH`, `PATH:LINE`,
//! `PATH!MEMBER`), as `dateline show` prints it and `similar` starts from.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use chrono::NaiveDateTime;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::index_dir::{self, OpenIndex};
use crate::query::{self, Filters};
use crate::schema;
use crate::schema::ids::path_id;
use crate::search::{build_hits, Hit, Snippets};
use crate::simhash;
use crate::snippet::{self, Highlighted, SnippetMaker};
use crate::stored::{self, non_empty, Stored};

/// Nothing in the index answers to what was asked for; the message gives the fix. `show`
/// exits 1 on it (nothing found), as grep does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound(pub String);

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotFound {}

/// What a `PATH[!MEMBER][:N]` names: a file, maybe a member of it, maybe the article on line
/// (or at record) `number`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: String,
    pub member: Option<String>,
    pub number: Option<u64>,
}

/// Splits `PATH:N` when PATH is not itself a file and N is a number, then `FILE!MEMBER` when
/// what comes before a `!` is a file; otherwise it is all path.
pub fn parse_target(target: &str) -> Target {
    let mut path = target.to_string();
    let mut number = None;
    if !Path::new(target).exists() {
        if let Some((head, n)) = target.rsplit_once(':') {
            if let Ok(n) = n.parse::<u64>() {
                path = head.to_string();
                number = Some(n);
            }
        }
    }
    let mut member = None;
    if !Path::new(&path).exists() {
        // The first `!` after which the rest is a member: archives nest as `a.zip!b.tgz!c.xml`.
        let split = path
            .match_indices('!')
            .map(|(i, _)| i)
            .find(|&i| Path::new(&path[..i]).is_file());
        if let Some(i) = split {
            member = Some(path[i + 1..].to_string());
            path.truncate(i);
        }
    }
    Target {
        path,
        member,
        number,
    }
}

/// Finds the indexed article named by `target`: an id first, then a path as
/// [`parse_target`] reads it. Not finding it is a [`NotFound`] error.
pub fn find(searcher: &Searcher, open: &OpenIndex, target: &str) -> Result<DocAddress> {
    let f = &open.fields;
    if let Some(address) = find_id(searcher, open, target)? {
        return Ok(address);
    }
    let Target {
        path,
        member,
        number,
    } = parse_target(target);
    // A file deleted since it was indexed is still looked up by the path it had.
    let absolute = match Path::new(&path).canonicalize() {
        Ok(p) => p,
        Err(_) if schema::looks_like_id(target) => {
            return Err(NotFound(format!(
                "no article has the id {target} in this index: copy an id from `dateline \
                 search` (ids stay the same while the article's file stays where it is)"
            ))
            .into())
        }
        Err(_) => std::path::absolute(&path).unwrap_or_else(|_| PathBuf::from(&path)),
    };
    let q = TermQuery::new(
        Term::from_field_u64(f.path_id, path_id(&absolute)),
        IndexRecordOption::Basic,
    );
    let docs = searcher.search(&q, &TopDocs::with_limit(100_000).order_by_score())?;
    if docs.is_empty() {
        let fix = if absolute.exists() {
            "run `dateline index` to add it"
        } else {
            "give an article's id (as `dateline search` shows it) or the path of an indexed file"
        };
        return Err(NotFound(format!("{path} is not in the index: {fix}")).into());
    }
    // (line, record, member, id, address) of each article of the file that fits.
    let mut found = Vec::new();
    for (_, address) in docs {
        let doc: TantivyDocument = searcher.doc(address)?;
        let line = doc.get_first(f.line).and_then(|v| v.as_u64());
        let record = doc.get_first(f.record).and_then(|v| v.as_u64());
        let doc_member = non_empty(&doc, f.member);
        let member_fits = member.is_none() || doc_member == member;
        // `:N` is the line of a JSON Lines record, else the position in a feed or WARC file.
        let number_fits = number.is_none() || line.or(record) == number;
        if member_fits && number_fits {
            let id = schema::id_at(searcher, address)?;
            found.push((line.or(record), doc_member, id, address));
        }
    }
    let named = match (&member, number) {
        (Some(m), Some(n)) => format!("{path}!{m}:{n}"),
        (Some(m), None) => format!("{path}!{m}"),
        (None, Some(n)) => format!("{path}:{n}"),
        (None, None) => path.clone(),
    };
    found.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    match found.as_slice() {
        [(_, _, _, address)] => Ok(*address),
        [] => Err(NotFound(format!(
            "{named} is not an indexed article: give one of its articles' ids (`dateline \
             search` shows them) or a line or record it has"
        ))
        .into()),
        many => {
            let more = if many.len() > 5 { ", ..." } else { "" };
            let ids: Vec<&str> = many.iter().take(5).map(|a| a.2.as_str()).collect();
            let by_line = many.iter().all(|a| a.1.is_none() && a.0.is_some());
            let how = if by_line {
                let lines: Vec<String> = many
                    .iter()
                    .take(5)
                    .filter_map(|a| a.0.map(|l| l.to_string()))
                    .collect();
                format!("as {path}:LINE (lines {}{more}) or ", lines.join(", "))
            } else {
                String::new()
            };
            Err(anyhow!(
                "{named} holds {} articles: name one {how}by its id ({}{more})",
                many.len(),
                ids.join(", ")
            ))
        }
    }
}

/// The article with the id `id`, if there is one. Only the index is looked in, never the
/// file system: what `dateline serve` uses for ids from strangers.
pub fn find_id(searcher: &Searcher, open: &OpenIndex, id: &str) -> Result<Option<DocAddress>> {
    let Some(id) = schema::parse_id(id) else {
        return Ok(None);
    };
    let q = schema::id_query(&open.fields, id);
    Ok(searcher
        .search(&q, &TopDocs::with_limit(1).order_by_score())?
        .first()
        .map(|(_, address)| *address))
}

/// One article as indexed, for `dateline show`.
#[derive(Debug, Clone)]
pub struct Shown {
    pub id: String,
    /// The title, with the `--highlight` query's words marked.
    pub title: Highlighted,
    pub authors: Vec<String>,
    pub date: Option<NaiveDateTime>,
    pub place: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Where it was read from (as in a search hit).
    pub path: String,
    pub member: Option<String>,
    pub line: Option<u64>,
    pub record: Option<u64>,
    pub collection: Option<String>,
    /// The whole body as [`paragraphs`], with the `--highlight` query's words marked.
    pub body: Highlighted,
    /// A query's words were looked for (`--highlight`).
    pub highlighted: bool,
}

/// The body as paragraphs, one per line with a blank line between: blocks separated by blank
/// lines when the body has them (each block's lines joined, as hard-wrapped text is), else
/// each line. White space inside a paragraph (tabs, runs of spaces) is one space.
pub fn paragraphs(body: &str) -> String {
    let has_blank = body.lines().any(|l| l.trim().is_empty());
    let mut out: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body.lines() {
        let words = line.split_whitespace();
        if has_blank {
            if line.trim().is_empty() {
                if !current.is_empty() {
                    out.push(current.join(" "));
                    current.clear();
                }
            } else {
                current.extend(words);
            }
        } else {
            let words: Vec<&str> = words.collect();
            if !words.is_empty() {
                out.push(words.join(" "));
            }
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out.join("\n\n")
}

/// Reads the article `target` names from the index at `open`, its words of `highlight`
/// (a query, as `search` takes) marked in its title and body.
pub fn show(open: &OpenIndex, target: &str, highlight: Option<&str>) -> Result<Shown> {
    let reader = index_dir::reader(&open.index)?;
    let searcher = reader.searcher();
    let address = find(&searcher, open, target)?;
    show_at(&searcher, open, address, highlight)
}

/// The article at `address`, as [`show`] reads it.
pub fn show_at(
    searcher: &Searcher,
    open: &OpenIndex,
    address: DocAddress,
    highlight: Option<&str>,
) -> Result<Shown> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let f = &open.fields;
    let article = Stored::read(&doc, f, schema::id_at(searcher, address)?);
    let body = paragraphs(stored::body(&doc, f));
    let title = article.title.clone();
    let (title, body) = match highlight {
        None => (plain(title), plain(body)),
        Some(q) => {
            let built = query::build(&open.index, f, q, &Filters::default(), &Default::default())?;
            match built.text_query {
                // A query of filters only (`date:2017`) has no words to mark.
                None => (plain(title), plain(body)),
                Some(tq) => {
                    let phrases = snippet::quoted_phrases(q);
                    let maker = |field| SnippetMaker::create(searcher, &*tq, field, 0, &phrases);
                    (
                        maker(f.title)?.highlight_whole(&title),
                        maker(f.body)?.highlight_whole(&body),
                    )
                }
            }
        }
    };
    Ok(Shown {
        id: article.id,
        title,
        authors: article.authors,
        date: article.date,
        place: article.place,
        source: article.source,
        url: article.url,
        path: article.path,
        member: article.member,
        line: article.line,
        record: article.record,
        collection: article.collection,
        body,
        highlighted: highlight.is_some(),
    })
}

/// The other articles of the index that are copies of the one at `address` (the same wire
/// story filed again, a reprint), earliest first, at most `max`: a pass over the
/// fingerprints' fast field, no stored document read but the copies'.
pub fn copies(
    searcher: &Searcher,
    open: &OpenIndex,
    address: DocAddress,
    max: usize,
) -> Result<Vec<Hit>> {
    let print = searcher
        .segment_reader(address.segment_ord)
        .fast_fields()
        .u64(schema::SIMHASH)?
        .first(address.doc_id)
        .unwrap_or(0);
    let mut found: Vec<(i64, DocAddress)> = Vec::new();
    if print != 0 {
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let ord = ord as u32;
            let prints = segment.fast_fields().u64(schema::SIMHASH)?;
            let dates = segment.fast_fields().date(schema::DATE)?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                let here = DocAddress::new(ord, doc);
                if here == address || alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                if simhash::are_copies(print, prints.first(doc).unwrap_or(0)) {
                    let date = dates
                        .first(doc)
                        .map_or(i64::MAX, |d| d.into_timestamp_secs());
                    found.push((date, here));
                }
            }
        }
    }
    found.sort();
    found.truncate(max);
    let groups = found
        .into_iter()
        .map(|(_, a)| vec![(Some(0.0), a)])
        .collect();
    build_hits(
        searcher,
        open,
        &tantivy::query::AllQuery,
        &Snippets::none(snippet::DEFAULT_CHARS),
        groups,
        0,
    )
}

fn plain(text: String) -> Highlighted {
    Highlighted {
        text,
        ..Highlighted::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_blocks_or_lines() {
        assert_eq!(
            paragraphs("One line\nwrapped.\n\n\n  Two\tparas. \n"),
            "One line wrapped.\n\nTwo paras."
        );
        assert_eq!(paragraphs("a\nb\r\nc"), "a\n\nb\n\nc");
        assert_eq!(paragraphs(""), "");
        assert_eq!(paragraphs(" \n\n "), "");
    }

    proptest::proptest! {
        #[test]
        fn paragraphs_and_targets_never_panic(text in "(\\PC|[\n\r\t !:]){0,200}") {
            let p = paragraphs(&text);
            proptest::prop_assert!(!p.contains("\n\n\n"));
            for para in p.split("\n\n") {
                proptest::prop_assert!(!para.contains('\n'));
                proptest::prop_assert_eq!(para.trim(), para);
            }
            let t = parse_target(&text);
            proptest::prop_assert!(text.starts_with(&t.path));
        }
    }

    #[test]
    fn targets_split_into_path_member_and_number() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("a.zip");
        std::fs::write(&zip, b"x").unwrap();
        let zip = zip.to_string_lossy().into_owned();
        let t = |s: &str| parse_target(s);
        assert_eq!(
            t(&format!("{zip}!in/b.xml:3")),
            Target {
                path: zip.clone(),
                member: Some("in/b.xml".into()),
                number: Some(3)
            }
        );
        assert_eq!(
            t(&format!("{zip}!x.tgz!c.xml")).member.as_deref(),
            Some("x.tgz!c.xml")
        );
        assert_eq!(t(&format!("{zip}:12")).number, Some(12));
        assert_eq!(t(&zip).path, zip);
        assert_eq!(
            t("missing.jsonl:x"),
            Target {
                path: "missing.jsonl:x".into(),
                member: None,
                number: None
            }
        );
    }
}
