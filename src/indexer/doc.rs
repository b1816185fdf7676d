//! An article as the document the index stores: its text, names, date, fingerprint, and
//! where it came from (the file's path, id, size, time and hash, its place in the file, the
//! collection of the folder it was found under).

use tantivy::{DateTime, TantivyDocument};

use crate::article::{dateline, indexable, Record};
use crate::read::walk::FoundFile;
use crate::schema::{self, author_key, Fields};
use crate::simhash;
use crate::tabular;

pub(super) fn make_doc(
    f: &Fields,
    file: &FoundFile,
    (key, root, collection): (&str, u64, &str),
    hash: u64,
    record: &Record,
) -> TantivyDocument {
    let a = &record.article;
    let title = indexable(&a.title);
    let body = indexable(&a.body);
    let mut doc = TantivyDocument::default();
    doc.add_text(f.title, &title);
    for name in &a.authors {
        let name = &*indexable(name);
        doc.add_text(f.author, name);
        doc.add_text(f.author_key, author_key(name));
        doc.add_text(f.author_facet, name);
    }
    // Read once: the fingerprint below leaves the dateline out of the story too.
    let from_body = dateline::parse(&body);
    let (place, source) = dateline::place_and_source(a, from_body.as_ref());
    if let Some(place) = place {
        doc.add_text(f.place, place);
        doc.add_text(f.place_facet, place);
    }
    if let Some(source) = source {
        doc.add_text(f.source, source);
        doc.add_text(f.source_facet, source);
    }
    let print = simhash::fingerprint_with(&body, from_body.is_some());
    doc.add_u64(f.simhash, print);
    if let Some(date) = a.date {
        let secs = date.datetime.and_utc().timestamp();
        doc.add_date(f.date, DateTime::from_timestamp_secs(secs));
    }
    doc.add_text(f.body, &body);
    doc.add_text(f.inflected, &title);
    doc.add_text(f.named, &body);
    doc.add_text(f.breaks, &body);
    doc.add_u64(f.tabular, u64::from(tabular::tabularity(&body)));
    doc.add_text(f.path, key);
    doc.add_u64(f.path_id, file.id);
    doc.add_u64(f.root_id, root);
    doc.add_text(f.collection, collection);
    doc.add_text(f.collection_facet, collection);
    if let Some(line) = record.line {
        doc.add_u64(f.line, line);
    }
    if let Some(n) = record.record {
        doc.add_u64(f.record, n);
    }
    if let Some(member) = &record.member {
        doc.add_text(f.member, member);
    }
    if let Some(url) = &a.url {
        doc.add_text(f.url, url);
    }
    let id = schema::article_hash(
        file.id,
        record.member.as_deref(),
        record.line,
        record.record,
    );
    doc.add_u64(f.id, id);
    doc.add_u64(f.size, file.size);
    doc.add_i64(f.mtime, file.mtime_ns);
    doc.add_u64(f.hash, hash);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    use crate::article::{self, FileKind};
    use tantivy::schema::Value;

    #[test]
    fn documents_say_where_their_article_came_from() {
        let (_, f) = schema::build_schema();
        let file = FoundFile {
            path: PathBuf::from("/archive/bundle.zip"),
            id: 7,
            kind: FileKind::Text,
            size: 10,
            mtime_ns: 0,
        };
        let record = Record {
            line: None,
            record: Some(3),
            member: Some("feeds/rss2.xml".into()),
            article: article::Article {
                title: "T".into(),
                body: "B".into(),
                url: Some("https://example.com/a".into()),
                ..Default::default()
            },
        };
        let doc = make_doc(&f, &file, ("/archive/bundle.zip", 1, "archive"), 2, &record);
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        assert_eq!(text(f.member).as_deref(), Some("feeds/rss2.xml"));
        assert_eq!(text(f.url).as_deref(), Some("https://example.com/a"));
        assert_eq!(doc.get_first(f.record).and_then(|v| v.as_u64()), Some(3));
        assert_eq!(doc.get_first(f.line).and_then(|v| v.as_u64()), None);
        let id = |doc: &TantivyDocument| doc.get_first(f.id).and_then(|v| v.as_u64());
        assert_eq!(
            id(&doc),
            Some(schema::article_hash(
                7,
                Some("feeds/rss2.xml"),
                None,
                Some(3)
            ))
        );
        // A plain file: no member, record or url; an id all the same.
        let plain = Record {
            article: record.article.clone(),
            ..Default::default()
        };
        let doc = make_doc(&f, &file, ("/archive/bundle.zip", 1, "archive"), 2, &plain);
        assert!(doc.get_first(f.member).is_none() && doc.get_first(f.record).is_none());
        assert_eq!(id(&doc), Some(schema::article_hash(7, None, None, None)));
    }
}
