//! A memo in front of the per-word filters of an analyzer.
//!
//! Lower-casing, ASCII folding, UK→US spelling and Snowball stemming look at one word at a
//! time, yet news text repeats the same few thousand words: in a profile of a build, those
//! filters were a large share of all indexing CPU, most of it re-stemming words already
//! seen. [`Memoize`] runs the word filters once per distinct word and replays the
//! result afterwards, so the terms written are exactly those of the uncached chain.
//!
//! Every copy of one analyzer (tantivy clones it for each segment writer and each search)
//! shares one memo, so a search starts from the words earlier ones met (the ten bodies its
//! snippets are cut from are mostly words its feedback pass just read) instead of
//! stemming them all again. A copy that finds the shared memo in use by another thread
//! works with its own rather than wait.

use std::hash::BuildHasher;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard};

use foldhash::fast::RandomState;
use hashbrown::HashTable;
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
            shared: Arc::default(),
            memo: Memo::default(),
        }
    }
}

/// Words and what the filters made of them, packed one after the other in one buffer:
/// `[word length][word][DROPPED, or result length][result]`, found through a table of
/// offsets. A map of `String` to `Option<String>` took several times the memory per
/// analyzer and up to three cache misses a lookup (slot, word, result), on a path every
/// indexed word takes; here a lookup touches a 4-byte slot and one entry.
#[derive(Default)]
struct Memo {
    slots: HashTable<u32>,
    entries: Vec<u8>,
    hasher: RandomState,
}

/// In place of a result length: the word filters dropped the word.
const DROPPED: u8 = u8::MAX;

/// What the memo knows of a word.
enum Known<'m> {
    Kept(&'m str),
    Dropped,
}

impl Memo {
    fn len(&self) -> usize {
        self.slots.len()
    }

    /// The word stored at `at`.
    fn word(entries: &[u8], at: u32) -> &[u8] {
        let at = at as usize;
        let len = entries[at] as usize;
        &entries[at + 1..at + 1 + len]
    }

    fn get(&self, word: &str) -> Option<Known<'_>> {
        let hash = self.hasher.hash_one(word.as_bytes());
        let at = *self
            .slots
            .find(hash, |&at| Memo::word(&self.entries, at) == word.as_bytes())?
            as usize;
        let result = at + 1 + self.entries[at] as usize;
        let len = self.entries[result];
        if len == DROPPED {
            return Some(Known::Dropped);
        }
        let bytes = &self.entries[result + 1..result + 1 + len as usize];
        // Only whole `&str`s are ever stored.
        Some(Known::Kept(std::str::from_utf8(bytes).unwrap_or_default()))
    }

    /// Remembers `word` and its `result`; words or results too long for a length byte are
    /// left out (filtered again when met).
    fn insert(&mut self, word: &str, result: Option<&str>) {
        let result_len = result.map_or(0, str::len);
        if word.len() >= DROPPED as usize || result_len >= DROPPED as usize {
            return;
        }
        let Ok(at) = u32::try_from(self.entries.len()) else {
            return;
        };
        self.entries.push(word.len() as u8);
        self.entries.extend_from_slice(word.as_bytes());
        match result {
            Some(r) => {
                self.entries.push(r.len() as u8);
                self.entries.extend_from_slice(r.as_bytes());
            }
            None => self.entries.push(DROPPED),
        }
        let (hasher, entries) = (&self.hasher, &self.entries);
        let hash = hasher.hash_one(word.as_bytes());
        self.slots
            .insert_unique(hash, at, |&at| hasher.hash_one(Memo::word(entries, at)));
    }
}

pub struct MemoizeTokenizer<T> {
    tokenizer: T,
    word_filters: TextAnalyzer,
    /// The memo every copy of this tokenizer shares.
    shared: Arc<Mutex<Memo>>,
    /// This copy's own, for when another thread holds the shared one.
    memo: Memo,
}

impl<T: Clone> Clone for MemoizeTokenizer<T> {
    /// A copy shares the memo and starts its own fallback empty (copying it would copy up
    /// to megabytes per search for words the shared memo mostly has).
    fn clone(&self) -> Self {
        MemoizeTokenizer {
            tokenizer: self.tokenizer.clone(),
            word_filters: self.word_filters.clone(),
            shared: Arc::clone(&self.shared),
            memo: Memo::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for MemoizeTokenizer<T> {
    type TokenStream<'a> = MemoizeStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        // Never waits: a lock held elsewhere (or poisoned by a panic there) leaves this
        // stream to its own memo, which gives the same tokens.
        let memo = match self.shared.try_lock() {
            Ok(guard) => MemoRef::Shared(guard),
            Err(_) => MemoRef::Own(&mut self.memo),
        };
        MemoizeStream {
            tail: self.tokenizer.token_stream(text),
            word_filters: &mut self.word_filters,
            memo,
        }
    }
}

/// The memo a stream works with: the shared one, held for the stream's life, or its own.
enum MemoRef<'a> {
    Shared(MutexGuard<'a, Memo>),
    Own(&'a mut Memo),
}

impl Deref for MemoRef<'_> {
    type Target = Memo;

    fn deref(&self) -> &Memo {
        match self {
            MemoRef::Shared(m) => m,
            MemoRef::Own(m) => m,
        }
    }
}

impl DerefMut for MemoRef<'_> {
    fn deref_mut(&mut self) -> &mut Memo {
        match self {
            MemoRef::Shared(m) => m,
            MemoRef::Own(m) => m,
        }
    }
}

pub struct MemoizeStream<'a, T> {
    tail: T,
    word_filters: &'a mut TextAnalyzer,
    memo: MemoRef<'a>,
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
            match self.memo.get(token.text.as_str()) {
                Some(Known::Kept(known)) => {
                    token.text.clear();
                    token.text.push_str(known);
                    return true;
                }
                Some(Known::Dropped) => continue,
                None => {}
            }
            let filtered = filter_word(self.word_filters, &token.text);
            if self.memo.len() < CAPACITY {
                self.memo.insert(&token.text, filtered.as_deref());
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
    fn words_too_long_for_the_memo_are_still_filtered() {
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut memo = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(Memoize::new(word_filters()))
            .build();
        // 300 letters (past a length byte), and one whose folding makes it longer.
        let long = format!("Running {} runs {} ran", "Ab".repeat(150), "ß".repeat(100));
        for _ in 0..2 {
            assert_eq!(tokens(&mut memo, &long), tokens(&mut plain, &long));
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

    fn stream_words<T: Tokenizer>(tokenizer: &mut T, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenizer
            .token_stream(text)
            .process(&mut |t| out.push(t.text.clone()));
        out
    }

    #[test]
    fn copies_of_an_analyzer_share_one_memo() {
        let mut first = Memoize::new(word_filters()).transform(SimpleTokenizer::default());
        let mut copy = first.clone();
        assert_eq!(stream_words(&mut first, "Running ran"), ["run", "ran"]);
        // The copy finds what the first met (words as written), and adds to the same memo.
        assert_eq!(copy.shared.lock().map(|m| m.len()).unwrap_or(0), 2);
        assert_eq!(stream_words(&mut copy, "Running cafés"), ["run", "cafe"]);
        assert_eq!(first.shared.lock().map(|m| m.len()).unwrap_or(0), 3);
    }

    #[test]
    fn a_copy_works_alone_while_another_holds_the_memo() {
        let first = Memoize::new(word_filters()).transform(SimpleTokenizer::default());
        let mut copy = first.clone();
        let held = first.shared.lock();
        assert!(held.is_ok());
        assert_eq!(stream_words(&mut copy, "runs runs"), ["run", "run"]);
        assert_eq!(copy.memo.len(), 1);
        drop(held);
    }
}
