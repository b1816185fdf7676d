//! The text analyzers the fields are indexed with: tokenizers and token filters, by name.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
    TokenizerManager,
};
use tantivy::Index;

use crate::spelling::SpellingNormalizer;
use crate::token_cache::Memoize;

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
/// Where the body's sentences and paragraphs start ([`crate::schema::breaks`]).
pub const BREAKS_ANALYZER: &str = "dateline_breaks";

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

/// The normalised form of an author name used by the `author_key` field (composed first, as
/// the index stores names, so a name given decomposed to `--author` is the same key).
pub fn author_key(name: &str) -> String {
    let name = crate::article::indexable(name);
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
    tokenizers.register(
        BREAKS_ANALYZER,
        TextAnalyzer::from(super::breaks::BreaksTokenizer::default()),
    );
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
}
