//! A memo in front of the per-word filters of an analyzer.
//!
//! Lower-casing, ASCII folding, UK→US spelling and Snowball stemming look at one word at a
//! time, yet news text repeats the same few thousand words: profiling a Reuters build showed
//! those filters taking about a quarter of all indexing CPU, most of it re-stemming words
//! already seen. [`Memoize`] runs the word filters once per distinct word and replays the
//! result afterwards, so the terms written are exactly those of the uncached chain.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

/// Distinct words remembered per analyzer instance. Words are Zipf-distributed, so the
/// first tens of thousands seen cover nearly every later token, and the bound keeps each
/// indexing thread's memo to a few megabytes whatever the archive's size.
const CAPACITY: usize = 1 << 16;

/// Token filter that replaces each token's text with what `word_filters` makes of it.
///
/// `word_filters` must be a [`TextAnalyzer`] over tantivy's `RawTokenizer` whose filters work
/// on one token at a time (no filter may look at its neighbours); it sees each word alone.
#[derive(Clone)]
pub struct Memoize {
    word_filters: TextAnalyzer,
}

impl Memoize {
    pub fn new(word_filters: TextAnalyzer) -> Memoize {
        Memoize { word_filters }
    }
}

impl TokenFilter for Memoize {
    type Tokenizer<T: Tokenizer> = MemoizeTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoizeTokenizer<T> {
        MemoizeTokenizer {
            tokenizer,
            word_filters: self.word_filters,
            memo: HashMap::default(),
        }
    }
}

/// `None` in the memo means the word filters dropped the word.
type Memo = HashMap<String, Option<String>, RandomState>;

#[derive(Clone)]
pub struct MemoizeTokenizer<T> {
    tokenizer: T,
    word_filters: TextAnalyzer,
    memo: Memo,
}

impl<T: Tokenizer> Tokenizer for MemoizeTokenizer<T> {
    type TokenStream<'a> = MemoizeStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoizeStream {
            tail: self.tokenizer.token_stream(text),
            word_filters: &mut self.word_filters,
            memo: &mut self.memo,
        }
    }
}

pub struct MemoizeStream<'a, T> {
    tail: T,
    word_filters: &'a mut TextAnalyzer,
    memo: &'a mut Memo,
}

fn filter_word(word_filters: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = word_filters.token_stream(word);
    stream
        .advance()
        .then(|| std::mem::take(&mut stream.token_mut().text))
}

impl<T: TokenStream> TokenStream for MemoizeStream<'_, T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = self.tail.token_mut();
            let filtered = match self.memo.get(token.text.as_str()) {
                Some(Some(known)) => {
                    token.text.clear();
                    token.text.push_str(known);
                    return true;
                }
                Some(None) => continue,
                None => filter_word(self.word_filters, &token.text),
            };
            if self.memo.len() < CAPACITY {
                self.memo.insert(token.text.clone(), filtered.clone());
            }
            if let Some(text) = filtered {
                token.text = text;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
        Stemmer,
    };

    fn word_filters() -> TextAnalyzer {
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build()
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push((t.text.clone(), t.position, t.offset_from, t.offset_to)));
        out
    }

    #[test]
    fn memoised_chain_writes_the_same_tokens_as_the_plain_one() {
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut memo = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(Memoize::new(word_filters()))
            .build();
        let seed = include_str!("../corpus/000_5ce300c1a8ebbb27.txt");
        for text in [
            seed,
            "Running runs RUNNING ran; Café CAFÉ café — Straße ÉCOLE naïve",
            "x",
            "",
            "1987 1,234.5 U.S. Pyongyang's",
        ] {
            // Twice: the second pass is answered from the memo.
            assert_eq!(tokens(&mut memo, text), tokens(&mut plain, text), "{text}");
            assert_eq!(tokens(&mut memo, text), tokens(&mut plain, text), "{text}");
        }
    }

    #[test]
    fn words_dropped_by_the_word_filters_stay_dropped() {
        let drop_long = TextAnalyzer::builder(RawTokenizer::default())
            .filter(RemoveLongFilter::limit(5))
            .build();
        let mut memo = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(Memoize::new(drop_long))
            .build();
        for _ in 0..2 {
            let words: Vec<_> = tokens(&mut memo, "a verylongword b")
                .into_iter()
                .map(|t| (t.0, t.1))
                .collect();
            assert_eq!(words, [("a".to_string(), 0), ("b".to_string(), 2)]);
        }
    }
}
