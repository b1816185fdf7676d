//! The index's fields and the text analysis behind them.

use std::ops::Bound;

use tantivy::query::RangeQuery;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
    TokenizerManager,
};
use tantivy::{DocAddress, Index, Searcher, Term};

use crate::spelling::SpellingNormalizer;
use crate::token_cache::Memoize;

/// Bumped whenever the schema or an analyzer changes meaning, so an old index is refused with
/// a request to rebuild rather than answering queries wrongly.
pub const SCHEMA_VERSION: u32 = 12;

/// Analyzer for running text: English stemming on lower-cased, ASCII-folded words, so that
/// `Thaad` finds `THAAD` and `café` finds `cafe`.
pub const TEXT_ANALYZER: &str = "dateline_text";
/// Analyzer for names: folded and lower-cased but not stemmed (`Sims` must not become `sim`).
pub const NAME_ANALYZER: &str = "dateline_name";
/// Whole author name as one lower-cased, folded token, for exact `--author` filters.
pub const KEY_ANALYZER: &str = "dateline_key";
/// The stems of the words of running text that are not their own stem (`corning` -> `corn`,
/// `leading` -> `lead`; `corn` itself is left out): with the stemmed field, it tells how many
/// of an article's `corn` are the word itself.
pub const INFLECTED_ANALYZER: &str = "dateline_inflected";
pub const NAMED_ANALYZER: &str = "dateline_named";

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
    let line = b.add_u64_field(LINE, stored_fast());
    let size = b.add_u64_field(SIZE, stored_fast());
    let mtime = b.add_i64_field(MTIME, stored_fast());
    let hash = b.add_u64_field(HASH, stored_fast());
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
    let simhash = b.add_u64_field(SIMHASH, stored_fast());
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
    }
}

/// How many characters an article id has: 64 bits in base62 need 11.
pub const ID_LEN: usize = 11;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The article's id: a 64-bit hash that names it in this index and stays the same across
/// runs, updates and rebuilds as long as it is read from the same place: where the article
/// is (the file's path id, the archive member, the JSON Lines line and the record's
/// position). It is kept as this number and shown as [`format_id`] writes it.
pub fn article_hash(
    path_id: u64,
    member: Option<&str>,
    line: Option<u64>,
    record: Option<u64>,
) -> u64 {
    // Every part with its presence and length, so no two locations share an input.
    let mut key = Vec::with_capacity(48 + member.map_or(0, str::len));
    key.extend_from_slice(&path_id.to_le_bytes());
    for n in [line, record] {
        key.push(u8::from(n.is_some()));
        key.extend_from_slice(&n.unwrap_or(0).to_le_bytes());
    }
    if let Some(member) = member {
        key.push(1);
        key.extend_from_slice(&(member.len() as u64).to_le_bytes());
        key.extend_from_slice(member.as_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&key)
}

/// The article's id as it is shown: [`article_hash`] in [`ID_LEN`] base62 characters, so a
/// person can copy it.
pub fn article_id(
    path_id: u64,
    member: Option<&str>,
    line: Option<u64>,
    record: Option<u64>,
) -> String {
    format_id(article_hash(path_id, member, line, record))
}

/// An id as it is shown: `n` in [`ID_LEN`] base62 characters, zero-padded.
pub fn format_id(mut n: u64) -> String {
    let mut out = [b'0'; ID_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// The number an id as shown stands for; `None` if `text` is not one ([`format_id`]'s
/// inverse: the wrong length, a character outside base62, or a value past 64 bits).
pub fn parse_id(text: &str) -> Option<u64> {
    if text.len() != ID_LEN {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return None,
        };
        n.checked_mul(62)?.checked_add(u64::from(digit))
    })
}

/// Whether `text` could be an article id (the right length, base62 only).
pub fn looks_like_id(text: &str) -> bool {
    text.len() == ID_LEN && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The documents whose id is `id`: a range `[id, id]` over the fast column.
pub fn id_query(fields: &Fields, id: u64) -> RangeQuery {
    let term = Term::from_field_u64(fields.id, id);
    RangeQuery::new(Bound::Included(term.clone()), Bound::Included(term))
}

/// The id of the document at `address`, as shown; empty if it has none.
pub fn id_at(searcher: &Searcher, address: DocAddress) -> tantivy::Result<String> {
    let column = searcher
        .segment_reader(address.segment_ord)
        .fast_fields()
        .u64(ID)?;
    Ok(column
        .first(address.doc_id)
        .map(format_id)
        .unwrap_or_default())
}

/// Words longer than this are junk (URLs, base64) and would only bloat the term dictionary.
const MAX_TOKEN_LEN: usize = 40;

/// What the text analyzers make of one word: lower-cased, folded, given its US spelling
/// and stemmed.
fn word_filters() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(SpellingNormalizer)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Each word through [`word_filters`], behind a memo ([`Memoize`]) because those filters
/// were a quarter of indexing CPU.
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(Memoize::new(word_filters()))
        .build()
}

/// [`inflected_analyzer`]'s word filter: a word's stem when that differs from the word,
/// else an empty token, which the analyzer then drops.
#[derive(Clone)]
struct StemIfInflected {
    stemmer: TextAnalyzer,
}

impl TokenFilter for StemIfInflected {
    type Tokenizer<T: Tokenizer> = StemIfInflectedTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemIfInflectedTokenizer<T> {
        StemIfInflectedTokenizer {
            inner: tokenizer,
            stemmer: self.stemmer,
        }
    }
}

#[derive(Clone)]
struct StemIfInflectedTokenizer<T> {
    inner: T,
    stemmer: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for StemIfInflectedTokenizer<T> {
    type TokenStream<'a> = StemIfInflectedStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemIfInflectedStream {
            tail: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
        }
    }
}

struct StemIfInflectedStream<'a, T> {
    tail: T,
    stemmer: &'a mut TextAnalyzer,
}

impl<T: TokenStream> TokenStream for StemIfInflectedStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let mut stem = String::new();
        self.stemmer
            .token_stream(&self.tail.token().text)
            .process(&mut |t| stem.clone_from(&t.text));
        let token = self.tail.token_mut();
        token.text = if stem == token.text {
            String::new()
        } else {
            stem
        };
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The stems of the inflected words only ([`INFLECTED_ANALYZER`]): what [`text_analyzer`]
/// makes of a word, for the words it changes by stemming.
pub fn inflected_analyzer() -> TextAnalyzer {
    let word_filters = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(SpellingNormalizer)
        .filter(StemIfInflected {
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        })
        .build();
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(Memoize::new(word_filters))
        .filter(StopWordFilter::remove([String::new()]))
        .build()
}

/// The words of a text written as part of a name, as [`text_analyzer`] makes them
/// ([`NAMED_ANALYZER`]).
pub fn named_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(NameWords)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(Memoize::new(word_filters()))
        .build()
}

/// The words (as [`SimpleTokenizer`] cuts them: runs of letters and digits) written as part
/// of a name: capitalised with a lower-case letter after the first (`Steel`, not `STEEL`: a
/// body in capitals says nothing), and inside a sentence, so not after the start of the
/// text or a line, nor after `.`, `!`, `?`, `:`, `;` or a dash (quotes and brackets between
/// are passed over). It runs over every body at index time, so other words are passed over
/// without being copied into a token.
#[derive(Clone, Default)]
pub struct NameWords;

impl Tokenizer for NameWords {
    type TokenStream<'a> = NameWordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NameWordsStream<'a> {
        NameWordsStream {
            text,
            chars: text.char_indices(),
            token: Token::default(),
            position: 0,
        }
    }
}

pub struct NameWordsStream<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    token: Token,
    position: usize,
}

/// Whether the capitalised word at `start..end` of `text` is written as part of a name.
fn is_name_word(text: &str, start: usize, end: usize) -> bool {
    if !text[start..end].chars().skip(1).any(char::is_lowercase) {
        return false;
    }
    let mut before = text[..start].chars().rev();
    let mid_sentence = loop {
        match before.next() {
            Some(' ' | '\t' | '"' | '\'' | '(' | '[' | '\u{201c}' | '\u{2018}') => continue,
            None
            | Some('\n' | '\r' | '.' | '!' | '?' | ':' | ';' | '-' | '\u{2013}' | '\u{2014}') => {
                break false
            }
            Some(_) => break true,
        }
    };
    if !mid_sentence {
        return false;
    }
    // One word of a name of several: the word before or after it is capitalised too.
    let word_before_capital = {
        let head = text[..start].trim_end_matches(' ');
        let word_start = head
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric())
            .last()
            .map(|(i, _)| i);
        head.len() < start && word_start.is_some_and(|i| head[i..].starts_with(char::is_uppercase))
    };
    let word_after_capital = text[end..]
        .strip_prefix(' ')
        .is_some_and(|rest| rest.starts_with(char::is_uppercase));
    word_before_capital || word_after_capital
}

impl TokenStream for NameWordsStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let (start, first) = loop {
                match self.chars.next() {
                    None => return false,
                    Some((i, c)) if c.is_alphanumeric() => break (i, c),
                    Some(_) => {}
                }
            };
            let mut end = self.text.len();
            for (i, c) in self.chars.by_ref() {
                if !c.is_alphanumeric() {
                    end = i;
                    break;
                }
            }
            if first.is_uppercase() && is_name_word(self.text, start, end) {
                self.token.text.clear();
                self.token.text.push_str(&self.text[start..end]);
                self.token.offset_from = start;
                self.token.offset_to = end;
                self.token.position = self.position;
                self.token.position_length = 1;
                self.position += 1;
                return true;
            }
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// [`text_analyzer`] without the stemmer: a query word as typed, to compare with its stem
/// (no memo: it sees a query's few words).
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(SpellingNormalizer)
        .build()
}

pub fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn key_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The normalised form of an author name used by the `author_key` field.
pub fn author_key(name: &str) -> String {
    let normalised: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut analyzer = key_analyzer();
    let mut stream = analyzer.token_stream(&normalised);
    let mut out = String::new();
    stream.process(&mut |t| out.push_str(&t.text));
    out
}

pub fn register_analyzers(tokenizers: &TokenizerManager) {
    tokenizers.register(TEXT_ANALYZER, text_analyzer());
    tokenizers.register(NAME_ANALYZER, name_analyzer());
    tokenizers.register(KEY_ANALYZER, key_analyzer());
    tokenizers.register(INFLECTED_ANALYZER, inflected_analyzer());
    tokenizers.register(NAMED_ANALYZER, named_analyzer());
}

pub fn prepare(index: &Index) {
    register_analyzers(index.tokenizers());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(mut a: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        a.token_stream(text)
            .process(&mut |t| out.push(t.text.clone()));
        out
    }

    #[test]
    fn text_is_folded_lowercased_and_stemmed() {
        assert_eq!(
            tokens(text_analyzer(), "THAAD Café deploying"),
            ["thaad", "cafe", "deploy"]
        );
    }

    #[test]
    fn british_and_american_spellings_meet() {
        for (uk, us) in [
            ("denuclearisation", "denuclearization"),
            ("organise", "organize"),
            ("defence", "defense"),
            ("colour", "color"),
            ("centre", "center"),
            ("travelled", "traveled"),
            ("catalogue", "catalog"),
            ("programme", "program"),
        ] {
            assert_eq!(
                tokens(text_analyzer(), uk),
                tokens(text_analyzer(), us),
                "{uk}"
            );
        }
        let unbent = || {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(Stemmer::new(Language::English))
                .build()
        };
        for w in ["rise", "wise", "four", "hour", "acre", "genre"] {
            assert_eq!(tokens(text_analyzer(), w), tokens(unbent(), w), "{w}");
        }
    }

    #[test]
    fn exact_words_are_folded_but_not_stemmed() {
        assert_eq!(
            tokens(exact_analyzer(), "Corning arrives Colour"),
            ["corning", "arrives", "color"]
        );
    }

    #[test]
    fn only_inflected_words_are_kept_as_their_stems() {
        assert_eq!(
            tokens(
                inflected_analyzer(),
                "Corning corn arrives lead Leading colours"
            ),
            ["corn", "arriv", "lead", "color"]
        );
    }

    #[test]
    fn only_words_of_names_inside_a_sentence_are_named() {
        assert_eq!(
            tokens(
                named_analyzer(),
                "TOKYO, March 3 - Nippon Steel Corp said the steel market held. Lead prices \
                 rose for Quaker Oats Co and oats, the Thatcher government said.\n\n\
                 \"Bethlehem Steel\" denied it; (Inland Steel) did not. NIPPON STEEL said"
            ),
            ["steel", "corp", "quaker", "oat", "co", "steel", "steel"]
        );
    }

    #[test]
    fn names_are_not_stemmed() {
        assert_eq!(tokens(name_analyzer(), "Seima Oki"), ["seima", "oki"]);
        assert_eq!(tokens(name_analyzer(), "Sims"), ["sims"]);
    }

    #[test]
    fn author_key_ignores_case_accents_and_spacing() {
        assert_eq!(author_key("  José   García "), "jose garcia");
        assert_eq!(author_key("Seima Oki"), author_key("SEIMA OKI"));
    }

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
                TABULAR
            ]
        );
    }

    #[test]
    fn article_ids_are_short_stable_and_tell_locations_apart() {
        let id = article_id(42, None, None, None);
        assert_eq!(id.len(), ID_LEN);
        assert!(looks_like_id(&id), "{id}");
        assert_eq!(id, article_id(42, None, None, None));
        let others = [
            article_id(43, None, None, None),
            article_id(42, Some(""), None, None),
            article_id(42, Some("a.xml"), None, None),
            article_id(42, None, Some(0), None),
            article_id(42, None, Some(1), None),
            article_id(42, None, None, Some(1)),
            article_id(42, Some("a.xml"), None, Some(1)),
        ];
        for (i, other) in others.iter().enumerate() {
            assert!(looks_like_id(other), "{other}");
            assert_ne!(&id, other);
            for later in &others[i + 1..] {
                assert_ne!(other, later);
            }
        }
        // Fixed width even for small hashes; base62 only.
        assert!(!looks_like_id("short"));
        assert!(!looks_like_id("abc-def_ghi"));
        assert!(!looks_like_id("café123456"));
    }

    #[test]
    fn ids_are_base62_of_the_hash_and_read_back() {
        // The shown form is the contract: fixed width, zero-padded, digits then A-Z then a-z.
        assert_eq!(format_id(0), "00000000000");
        assert_eq!(format_id(61), "0000000000z");
        assert_eq!(format_id(62), "00000000010");
        assert_eq!(format_id(u64::MAX), "LygHa16AHYF");
        assert_eq!(
            article_id(42, Some("a.xml"), Some(3), None),
            format_id(article_hash(42, Some("a.xml"), Some(3), None))
        );
        for n in [
            0,
            1,
            61,
            62,
            3_843,
            1 << 32,
            article_hash(7, None, None, None),
            u64::MAX,
        ] {
            assert_eq!(parse_id(&format_id(n)), Some(n), "{n}");
        }
        // One past u64::MAX, and text that is not an id, stand for no number.
        assert_eq!(parse_id("LygHa16AHYG"), None);
        assert_eq!(parse_id("zzzzzzzzzzz"), None);
        assert_eq!(parse_id("0000000000"), None);
        assert_eq!(parse_id("0000000000-"), None);
        assert_eq!(parse_id("000000000é"), None);
    }

    #[test]
    fn schema_is_stable() {
        assert_eq!(build_schema().0, build_schema().0);
    }
}
