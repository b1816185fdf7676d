//! The two lists `terms` prints: the frequent terms and the distinctive ones, phrases
//! standing for the words they absorb.

use super::*;

/// A word (its stem) or a phrase (its two stems).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Key {
    Word(u32),
    Phrase(u64),
}

/// Candidate words and phrases with their value (a count or a score) and their count.
#[derive(Default)]
pub(super) struct Lists {
    pub(super) words: Vec<(u32, f64, u32)>,
    pub(super) phrases: Vec<(u64, f64, u32)>,
}

impl Lists {
    /// The `limit` best terms, best first. A phrase found in at least [`ABSORB_SHARE`] of
    /// the articles that have one of its words stands for that word, which is then left out
    /// (of the phrases that could stand for a word, the one in most articles does). A
    /// phrase is left out when it holds a word another phrase stands for (`Coast sold`
    /// beside `Ivory Coast`), or when it stands for neither of its words and one of them
    /// ranks above it: it only restates that word.
    pub(super) fn ranked(self, fg: &Side, limit: usize) -> Vec<(Key, f64, u32)> {
        let words_of = |pair: u64| -> Vec<u32> {
            let (a, b) = pair_of(pair);
            if a == b {
                vec![a]
            } else {
                vec![a, b]
            }
        };
        let stands_for = |w: u32, df: u32| -> bool {
            let word_df = fg.stem_df.get(w as usize).copied().unwrap_or(0);
            f64::from(df) >= ABSORB_SHARE * f64::from(word_df)
        };
        // Each word's phrase: the one in most articles of those that could stand for it.
        let mut owner: HashMap<u32, (u32, u64), RandomState> = HashMap::default();
        for &(pair, _, df) in &self.phrases {
            for w in words_of(pair) {
                if stands_for(w, df) {
                    let best = owner.entry(w).or_insert((df, pair));
                    if (df, std::cmp::Reverse(pair)) > (best.0, std::cmp::Reverse(best.1)) {
                        *best = (df, pair);
                    }
                }
            }
        }
        let mut all: Vec<(Key, f64, u32)> = self
            .words
            .iter()
            .filter(|w| !owner.contains_key(&w.0))
            .map(|&(stem, value, df)| (Key::Word(stem), value, df))
            .chain(
                self.phrases
                    .iter()
                    .filter(|p| {
                        words_of(p.0)
                            .iter()
                            .all(|w| owner.get(w).is_none_or(|o| o.1 == p.0))
                    })
                    .map(|&(pair, value, df)| (Key::Phrase(pair), value, df)),
            )
            .collect();
        all.sort_by(|x, y| y.1.total_cmp(&x.1).then(order(x.0).cmp(&order(y.0))));
        let mut shown_words: HashSet<u32, RandomState> = HashSet::default();
        let mut out = Vec::new();
        for (key, value, df) in all {
            if out.len() >= limit {
                break;
            }
            match key {
                Key::Word(stem) => {
                    shown_words.insert(stem);
                }
                Key::Phrase(pair) => {
                    let words = words_of(pair);
                    let stands = words.iter().any(|&w| stands_for(w, df));
                    if !stands && words.iter().any(|w| shown_words.contains(w)) {
                        continue;
                    }
                }
            }
            out.push((key, value, df));
        }
        out
    }
}

/// A fixed order among equal values.
pub(super) fn order(key: Key) -> (u8, u64) {
    match key {
        Key::Word(s) => (0, u64::from(s)),
        Key::Phrase(p) => (1, p),
    }
}
