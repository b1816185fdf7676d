//! The index's fields: their names, how each is stored and indexed, and the schema version
//! an index is checked against. Article ids are in `ids`, the text analyzers the fields
//! name in `analyzers`; both are re-exported here.

mod analyzers;
pub mod breaks;
pub mod ids;

use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions,
};

pub use analyzers::{
    author_key, exact_analyzer, inflected_analyzer, key_analyzer, name_analyzer, named_analyzer,
    prepare, register_analyzers, text_analyzer, NameWords, NameWordsStream, BREAKS_ANALYZER,
    INFLECTED_ANALYZER, KEY_ANALYZER, NAMED_ANALYZER, NAME_ANALYZER, TEXT_ANALYZER,
};
pub use ids::{
    article_hash, article_id, format_id, id_at, id_query, looks_like_id, parse_id, ID_LEN,
};

/// Bumped whenever the schema or an analyzer changes meaning, so an old index is refused with
/// a request to rebuild rather than answering queries wrongly.
pub const SCHEMA_VERSION: u32 = 15;

/// The fields' names: the one place they are spelled. `build_schema` creates the fields under
/// them, `fields_of` resolves them, and fast-field columns and aggregations are looked up by
/// them, so a renamed field cannot leave a lookup behind.
pub const TITLE: &str = "title";
pub const AUTHOR: &str = "author";
pub const AUTHOR_KEY: &str = "author_key";
pub const DATE: &str = "date";
pub const BODY: &str = "body";
pub const PATH: &str = "path";
pub const PATH_ID: &str = "path_id";
pub const ROOT_ID: &str = "root_id";
pub const LINE: &str = "line";
pub const SIZE: &str = "size";
pub const MTIME: &str = "mtime";
pub const HASH: &str = "hash";
pub const PLACE: &str = "place";
pub const SOURCE: &str = "source";
pub const AUTHOR_FACET: &str = "author_facet";
pub const PLACE_FACET: &str = "place_facet";
pub const SOURCE_FACET: &str = "source_facet";
pub const SIMHASH: &str = "simhash";
pub const URL: &str = "url";
pub const MEMBER: &str = "member";
pub const RECORD: &str = "record";
pub const ID: &str = "id";
pub const INFLECTED: &str = "inflected";
pub const NAMED: &str = "named";
pub const TABULAR: &str = "tabular";
pub const COLLECTION: &str = "collection";
pub const COLLECTION_FACET: &str = "collection_facet";
pub const BREAKS: &str = "breaks";

/// Handles to every field, resolved once per open index.
#[derive(Clone, Debug)]
pub struct Fields {
    pub title: Field,
    /// Searchable author names (one value per author).
    pub author: Field,
    /// One token per whole author name, for exact filtering.
    pub author_key: Field,
    pub date: Field,
    pub body: Field,
    /// Absolute path of the source file, as shown.
    pub path: Field,
    /// Hash of that path: the identity of the file's documents (deleted by it), and of the
    /// folder it was found under (so a pass knows which files it should have seen).
    pub path_id: Field,
    pub root_id: Field,
    /// 1-based line number within a JSON Lines file; absent for text files.
    pub line: Field,
    /// Source file size, modification time (ns since the epoch) and content hash, kept with
    /// each document so the index itself records what it was built from.
    pub size: Field,
    pub mtime: Field,
    pub hash: Field,
    /// Place and source from the story's dateline, searchable and filterable as whole
    /// names (`place:"new york"`), like `author_key`.
    pub place: Field,
    pub source: Field,
    /// The same names as written, as fast fields for facet counts.
    pub author_facet: Field,
    pub place_facet: Field,
    pub source_facet: Field,
    /// SimHash of the body, for recognising copies of one story.
    pub simhash: Field,
    /// Where the article is published on the web, when its source says (stored only).
    pub url: Field,
    /// The path inside a zip or tar archive the article was read from (stored only).
    pub member: Field,
    /// 1-based position of the article in a feed, WARC file or NewsML message.
    pub record: Field,
    /// The article's short stable name in this index: the 64-bit [`article_hash`], kept as a
    /// fast field only (`dateline show ID` scans the column for it, see [`id_query`]) and
    /// shown as [`format_id`] writes it.
    pub id: Field,
    /// The title's inflected words as their stems ([`INFLECTED_ANALYZER`]), with
    /// frequencies but no positions: ranking counts a word as typed above a match on its
    /// stem only, and never matches on this field.
    pub inflected: Field,
    /// The body's words written as part of a name (capitalised inside a sentence: `Quaker
    /// Oats`, `Nippon Steel`) as their stems ([`NAMED_ANALYZER`]), with frequencies but no
    /// positions: ranking counts a subject word used in a name below the word itself.
    pub named: Field,
    /// How much the body reads as a table or list, 0-255 ([`crate::tabular`]), for ranking.
    pub tabular: Field,
    /// The collection the article's folder was indexed as (`dateline index --collection`,
    /// else the folder's own name): searchable and filterable as a whole name, like `source`.
    pub collection: Field,
    /// The same name as written, as a fast field for facet counts.
    pub collection_facet: Field,
    /// Where the body's sentences and paragraphs start, as positions of its words
    /// ([`breaks`]): what `w/s` and `w/p` look up. Indexed only, never matched by words.
    pub breaks: Field,
}

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: &str| {
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored()
    };
    let title = b.add_text_field(TITLE, text(TEXT_ANALYZER));
    let author = b.add_text_field(AUTHOR, text(NAME_ANALYZER));
    // Indexed only (not stored), by `analyzer`, with what `record` says of each match.
    let indexed = |analyzer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(record),
        )
    };
    let author_key = b.add_text_field(AUTHOR_KEY, indexed(KEY_ANALYZER, IndexRecordOption::Basic));
    let date = b.add_date_field(
        DATE,
        DateOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    let body = b.add_text_field(BODY, text(TEXT_ANALYZER));
    // Fast as well as stored: the paths of a hit's copies are read from the column, not by
    // decompressing a stored block per copy.
    let path = b.add_text_field(PATH, TextOptions::default().set_stored().set_fast("raw"));
    let path_id = b.add_u64_field(PATH_ID, NumericOptions::default().set_indexed().set_fast());
    let root_id = b.add_u64_field(ROOT_ID, NumericOptions::default().set_fast());
    let stored_fast = || NumericOptions::default().set_stored().set_fast();
    // Read only from their columns (the walk's comparison with the files, copies' prints):
    // stored as well, these random 64-bit values were a tenth of the store, incompressible.
    let fast = || NumericOptions::default().set_fast();
    let line = b.add_u64_field(LINE, stored_fast());
    let size = b.add_u64_field(SIZE, fast());
    let mtime = b.add_i64_field(MTIME, fast());
    let hash = b.add_u64_field(HASH, fast());
    let key = || {
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(KEY_ANALYZER)
                    .set_index_option(IndexRecordOption::Basic),
            )
            .set_stored()
    };
    let place = b.add_text_field(PLACE, key());
    let source = b.add_text_field(SOURCE, key());
    let facet = || TextOptions::default().set_fast("raw");
    let author_facet = b.add_text_field(AUTHOR_FACET, facet());
    let place_facet = b.add_text_field(PLACE_FACET, facet());
    let source_facet = b.add_text_field(SOURCE_FACET, facet());
    let simhash = b.add_u64_field(SIMHASH, fast());
    let url = b.add_text_field(URL, TextOptions::default().set_stored());
    let member = b.add_text_field(MEMBER, TextOptions::default().set_stored());
    let record = b.add_u64_field(RECORD, stored_fast());
    // A number, fast only: 8 bytes an article in the column, where the base62 text stored
    // and indexed as a term cost four times that. Looking one up scans the column, which
    // is cheap next to everything else `dateline show` does.
    let id = b.add_u64_field(ID, NumericOptions::default().set_fast());
    let inflected = b.add_text_field(
        INFLECTED,
        indexed(INFLECTED_ANALYZER, IndexRecordOption::WithFreqs),
    );
    let named = b.add_text_field(NAMED, indexed(NAMED_ANALYZER, IndexRecordOption::WithFreqs));
    let tabular = b.add_u64_field(TABULAR, NumericOptions::default().set_fast());
    let collection = b.add_text_field(COLLECTION, key());
    let collection_facet = b.add_text_field(COLLECTION_FACET, facet());
    let breaks = b.add_text_field(
        BREAKS,
        indexed(BREAKS_ANALYZER, IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        title,
        author,
        author_key,
        date,
        body,
        path,
        path_id,
        root_id,
        line,
        size,
        mtime,
        hash,
        place,
        source,
        author_facet,
        place_facet,
        source_facet,
        simhash,
        url,
        member,
        record,
        id,
        inflected,
        named,
        tabular,
        collection,
        collection_facet,
        breaks,
    };
    (b.build(), fields)
}

/// Resolves field handles on an opened index whose schema has already been checked.
pub fn fields_of(schema: &Schema) -> Fields {
    let f = |name: &str| {
        schema
            .get_field(name)
            .unwrap_or_else(|_| unreachable!("schema checked before use: {name}"))
    };
    Fields {
        title: f(TITLE),
        author: f(AUTHOR),
        author_key: f(AUTHOR_KEY),
        date: f(DATE),
        body: f(BODY),
        path: f(PATH),
        path_id: f(PATH_ID),
        root_id: f(ROOT_ID),
        line: f(LINE),
        size: f(SIZE),
        mtime: f(MTIME),
        hash: f(HASH),
        place: f(PLACE),
        source: f(SOURCE),
        author_facet: f(AUTHOR_FACET),
        place_facet: f(PLACE_FACET),
        source_facet: f(SOURCE_FACET),
        simhash: f(SIMHASH),
        url: f(URL),
        member: f(MEMBER),
        record: f(RECORD),
        id: f(ID),
        inflected: f(INFLECTED),
        named: f(NAMED),
        tabular: f(TABULAR),
        collection: f(COLLECTION),
        collection_facet: f(COLLECTION_FACET),
        breaks: f(BREAKS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_field_resolves_to_the_field_built_under_it() {
        let (schema, built) = build_schema();
        assert_eq!(format!("{:?}", fields_of(&schema)), format!("{built:?}"));
        let names: Vec<&str> = schema.fields().map(|(_, e)| e.name()).collect();
        assert_eq!(
            names,
            [
                TITLE,
                AUTHOR,
                AUTHOR_KEY,
                DATE,
                BODY,
                PATH,
                PATH_ID,
                ROOT_ID,
                LINE,
                SIZE,
                MTIME,
                HASH,
                PLACE,
                SOURCE,
                AUTHOR_FACET,
                PLACE_FACET,
                SOURCE_FACET,
                SIMHASH,
                URL,
                MEMBER,
                RECORD,
                ID,
                INFLECTED,
                NAMED,
                TABULAR,
                COLLECTION,
                COLLECTION_FACET,
                BREAKS
            ]
        );
    }

    #[test]
    fn what_is_read_from_columns_is_not_stored_again() {
        let (schema, f) = build_schema();
        for field in [f.size, f.mtime, f.hash, f.simhash] {
            let entry = schema.get_field_entry(field);
            assert!(entry.is_fast() && !entry.is_stored(), "{}", entry.name());
        }
    }

    #[test]
    fn schema_is_stable() {
        assert_eq!(build_schema().0, build_schema().0);
    }
}
