//! Counting the words and phrases of the articles read: stems, their written forms, and in
//! how many articles each appears, per side (the matches, the background).

use super::*;

/// Two stems as one key.
pub(super) fn pair_key(first: u32, second: u32) -> u64 {
    (u64::from(first) << 32) | u64::from(second)
}

pub(super) fn pair_of(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

/// A form that is no term (a stop word, a number, ...).
pub(super) const NOT_A_TERM: u32 = u32::MAX;

/// What makes a written form a term: its stem by the body's analyzer, unless it is a stop
/// word, a number, one letter or one of the query's own words.
#[derive(Clone)]
pub(super) struct Stemmer {
    pub(super) analyzer: TextAnalyzer,
    /// The query's own stems.
    pub(super) query_stems: Arc<HashSet<String, RandomState>>,
    pub(super) stop: Arc<HashSet<&'static str, RandomState>>,
}

impl Stemmer {
    /// The stem of `written`, or None when it is no term.
    pub(super) fn stem(&mut self, written: &str) -> Option<String> {
        let lower = written.to_lowercase();
        if written.chars().nth(1).is_none()
            || written.bytes().all(|b| b.is_ascii_digit())
            || self.stop.contains(lower.as_str())
        {
            return None;
        }
        let mut stem = None;
        self.analyzer
            .token_stream(written)
            .process(&mut |t| stem = Some(t.text.clone()));
        stem.filter(|s| !self.query_stems.contains(s))
    }
}

/// The written forms met in the matches and the stems they have.
#[derive(Clone)]
pub(super) struct Vocab {
    pub(super) stemmer: Stemmer,
    pub(super) forms: HashMap<Box<str>, u32, RandomState>,
    /// Per form: its stem, or [`NOT_A_TERM`].
    pub(super) form_stem: Vec<u32>,
    /// Per form: how often it is written in the matches.
    pub(super) form_uses: Vec<u32>,
    pub(super) stems: HashMap<Box<str>, u32, RandomState>,
    pub(super) stem_text: Vec<Box<str>>,
    /// How often each pair of forms is written next to each other in the matches (and
    /// whether joined by a hyphen).
    pub(super) pair_forms: HashMap<(u64, bool), u32, RandomState>,
}

/// Where [`Counter`] finds the terms of the words it reads.
pub(super) trait Lexicon {
    /// The form's number and its stem ([`NOT_A_TERM`] when it is no term).
    fn look_up(&mut self, written: &str) -> (u32, u32);
    /// A term written as `form`; `after`: the form before it and whether a hyphen joins
    /// them, when the two make a phrase that is counted.
    fn written(&mut self, form: u32, after: Option<(u32, bool)>);
}

/// Counts the terms of articles on a side of its own, one thread's share.
pub(super) struct Counter<L> {
    pub(super) lexicon: L,
    pub(super) tokenizer: SimpleTokenizer,
    pub(super) side: Side,
}

impl<L: Lexicon> Counter<L> {
    pub(super) fn new(lexicon: L) -> Counter<L> {
        Counter {
            lexicon,
            tokenizer: SimpleTokenizer::default(),
            side: Side::default(),
        }
    }

    /// Counts the terms of one article's `text`; `only`: the phrases worth counting.
    pub(super) fn count(&mut self, text: &str, only: Option<&HashSet<u64, RandomState>>) {
        let side = &mut self.side;
        let doc = side.articles;
        side.articles += 1;
        let mut stream = self.tokenizer.token_stream(text);
        let mut previous: Option<(u32, u32, usize)> = None;
        while stream.advance() {
            let token = stream.token();
            let (form, stem) = self
                .lexicon
                .look_up(&text[token.offset_from..token.offset_to]);
            if stem == NOT_A_TERM {
                previous = None;
                continue;
            }
            side.see_stem(stem, doc);
            let mut after = None;
            if let Some((first, first_form, end)) = previous {
                let between = &text[end..token.offset_from];
                if joins(between) {
                    let key = pair_key(first, stem);
                    if only.is_none_or(|o| o.contains(&key)) {
                        side.see_pair(key, doc);
                        after = Some((first_form, between.contains('-')));
                    }
                }
            }
            self.lexicon.written(form, after);
            previous = Some((stem, form, token.offset_to));
        }
    }
}

impl Lexicon for Vocab {
    fn look_up(&mut self, written: &str) -> (u32, u32) {
        let form = self.form(written);
        (form, self.form_stem[form as usize])
    }

    fn written(&mut self, form: u32, after: Option<(u32, bool)>) {
        self.form_uses[form as usize] += 1;
        if let Some((first, hyphen)) = after {
            *self
                .pair_forms
                .entry((pair_key(first, form), hyphen))
                .or_default() += 1;
        }
    }
}

/// The matches' vocabulary, read by every thread that counts the background: only the
/// matches' terms are counted there, so a word the matches never had is no term, and a
/// form they never wrote is stemmed once per thread.
pub(super) struct Known<'a> {
    pub(super) vocab: &'a Vocab,
    pub(super) stemmer: Stemmer,
    /// Forms the matches never wrote, with their stems.
    pub(super) unseen: HashMap<Box<str>, u32, RandomState>,
}

impl<'a> Known<'a> {
    pub(super) fn new(vocab: &'a Vocab) -> Known<'a> {
        Known {
            vocab,
            stemmer: vocab.stemmer.clone(),
            unseen: HashMap::default(),
        }
    }
}

impl Lexicon for Known<'_> {
    fn look_up(&mut self, written: &str) -> (u32, u32) {
        if let Some(&f) = self.vocab.forms.get(written) {
            return (f, self.vocab.form_stem[f as usize]);
        }
        if let Some(&stem) = self.unseen.get(written) {
            return (NOT_A_TERM, stem);
        }
        let stem = self
            .stemmer
            .stem(written)
            .and_then(|s| self.vocab.stems.get(s.as_str()).copied())
            .unwrap_or(NOT_A_TERM);
        self.unseen.insert(written.into(), stem);
        (NOT_A_TERM, stem)
    }

    fn written(&mut self, _form: u32, _after: Option<(u32, bool)>) {}
}

impl Vocab {
    pub(super) fn new(open: &OpenIndex, query: &dyn Query) -> Result<Vocab> {
        let mut query_stems = HashSet::default();
        let text_fields = [open.fields.body, open.fields.title];
        query.query_terms(&mut |term, _| {
            if text_fields.contains(&term.field()) {
                if let Some(text) = term.value().as_str() {
                    query_stems.insert(text.to_string());
                }
            }
        });
        // The body's own analyzer, so that stems are the index's terms.
        let analyzer = open.index.tokenizer_for_field(open.fields.body)?;
        Ok(Vocab::empty(analyzer, query_stems))
    }

    /// A vocabulary with nothing counted yet, stemming with `analyzer` and leaving out the
    /// query's own stems and the stop words.
    pub(super) fn empty(
        analyzer: tantivy::tokenizer::TextAnalyzer,
        query_stems: HashSet<String, RandomState>,
    ) -> Vocab {
        Vocab {
            stemmer: Stemmer {
                analyzer,
                query_stems: Arc::new(query_stems),
                stop: Arc::new(STOP_WORDS.iter().copied().collect()),
            },
            forms: HashMap::default(),
            form_stem: Vec::new(),
            form_uses: Vec::new(),
            stems: HashMap::default(),
            stem_text: Vec::new(),
            pair_forms: HashMap::default(),
        }
    }

    /// The form's number, added with its stem when new.
    pub(super) fn form(&mut self, written: &str) -> u32 {
        if let Some(&f) = self.forms.get(written) {
            return f;
        }
        let stem = match self.stemmer.stem(written) {
            Some(stem) => self.stem_number(stem.into()),
            None => NOT_A_TERM,
        };
        self.add_form(written.into(), stem)
    }

    pub(super) fn add_form(&mut self, written: Box<str>, stem: u32) -> u32 {
        let f = self.form_stem.len() as u32;
        self.forms.insert(written, f);
        self.form_stem.push(stem);
        self.form_uses.push(0);
        f
    }

    /// The stem's number, added when new.
    pub(super) fn stem_number(&mut self, stem: Box<str>) -> u32 {
        if let Some(&s) = self.stems.get(&stem) {
            return s;
        }
        let s = self.stem_text.len() as u32;
        self.stems.insert(stem.clone(), s);
        self.stem_text.push(stem);
        s
    }

    /// Adds what `other` counted on `its` side to this vocabulary and `side`, as if its
    /// articles had been counted here after those already counted: the forms and stems new
    /// here are numbered in the order `other` met them, so runs absorbed in store order give
    /// the numbers (and so the ties, and the answer) of one pass over every article.
    pub(super) fn absorb(&mut self, side: &mut Side, other: Vocab, its: Side) {
        let stem_map: Vec<u32> = other
            .stem_text
            .into_iter()
            .map(|s| self.stem_number(s))
            .collect();
        let stem_of = |s: u32| {
            if s == NOT_A_TERM {
                NOT_A_TERM
            } else {
                stem_map[s as usize]
            }
        };
        let mut written: Vec<Box<str>> = vec![Box::default(); other.form_stem.len()];
        for (text, f) in other.forms {
            written[f as usize] = text;
        }
        let mut form_map = Vec::with_capacity(written.len());
        for (f, text) in written.into_iter().enumerate() {
            let here = match self.forms.get(&text) {
                Some(&here) => here,
                None => self.add_form(text, stem_of(other.form_stem[f])),
            };
            self.form_uses[here as usize] += other.form_uses[f];
            form_map.push(here);
        }
        for ((pair, hyphen), uses) in other.pair_forms {
            let (a, b) = pair_of(pair);
            let key = pair_key(form_map[a as usize], form_map[b as usize]);
            *self.pair_forms.entry((key, hyphen)).or_default() += uses;
        }
        side.add(its.renumbered(&stem_map));
    }

    /// Each stem's and each phrase's most common written form in the matches.
    pub(super) fn best_forms(&self, wanted: &[Key]) -> Forms {
        let wanted_stems: HashSet<u32, RandomState> = wanted
            .iter()
            .filter_map(|k| match k {
                Key::Word(s) => Some(*s),
                Key::Phrase(_) => None,
            })
            .collect();
        let wanted_pairs: HashSet<u64, RandomState> = wanted
            .iter()
            .filter_map(|k| match k {
                Key::Phrase(p) => Some(*p),
                Key::Word(_) => None,
            })
            .collect();
        let mut by_form: Vec<&str> = vec![""; self.form_stem.len()];
        for (written, &f) in &self.forms {
            by_form[f as usize] = written;
        }
        // Ties go to the form with fewer capitals (a sentence's first word is capitalised
        // whatever it is), then to the one that sorts first: the answer does not depend on
        // hashing.
        fn rank(w: &str) -> (usize, &str) {
            (w.chars().filter(|c| c.is_uppercase()).count(), w)
        }
        let mut words: HashMap<u32, (u32, u32), RandomState> = HashMap::default();
        for (f, &written) in by_form.iter().enumerate() {
            let stem = self.form_stem[f];
            if !wanted_stems.contains(&stem) {
                continue;
            }
            let uses = self.form_uses[f] * if shouted(written) { 1 } else { 2 };
            let f = f as u32;
            let best = words.entry(stem).or_insert((uses, f));
            if uses > best.0 || (uses == best.0 && rank(written) < rank(by_form[best.1 as usize])) {
                *best = (uses, f);
            }
        }
        let mut phrases: HashMap<u64, (u32, (u64, bool)), RandomState> = HashMap::default();
        let text = |(k, hyphen): (u64, bool)| {
            let (a, b) = pair_of(k);
            (by_form[a as usize], by_form[b as usize], hyphen)
        };
        for (&forms, &uses) in &self.pair_forms {
            let (a, b) = pair_of(forms.0);
            let key = pair_key(self.form_stem[a as usize], self.form_stem[b as usize]);
            if !wanted_pairs.contains(&key) {
                continue;
            }
            let both_shouted = shouted(by_form[a as usize]) && shouted(by_form[b as usize]);
            let uses = uses * if both_shouted { 1 } else { 2 };
            let entry = phrases.entry(key).or_insert((uses, forms));
            if uses > entry.0 || (uses == entry.0 && text(forms) < text(entry.1)) {
                *entry = (uses, forms);
            }
        }
        let word_text = |f: u32| by_form.get(f as usize).copied().unwrap_or_default();
        Forms {
            words: words
                .into_iter()
                .map(|(stem, (_, f))| (stem, word_text(f).to_string()))
                .collect(),
            phrases: phrases
                .into_iter()
                .map(|(key, (_, (forms, hyphen)))| {
                    let (a, b) = pair_of(forms);
                    let joint = if hyphen { "-" } else { " " };
                    (key, format!("{}{joint}{}", word_text(a), word_text(b)))
                })
                .collect(),
        }
    }
}

/// Whether `written` is in capitals throughout (`LONDON`, `ICCO`). Such a form counts half
/// when choosing how a term is shown: datelines, headlines and tables shout words that
/// running text writes in lower case (`SILVER`), while an acronym is never written
/// otherwise and still wins.
pub(super) fn shouted(written: &str) -> bool {
    written.chars().nth(1).is_some()
        && written.chars().all(|c| !c.is_lowercase())
        && written.chars().any(char::is_uppercase)
}

/// Whether two words with `between` them make a phrase: only spaces, at most one line
/// break (text wrapped in lines), or a hyphen.
pub(super) fn joins(between: &str) -> bool {
    between.chars().all(|c| c == '-' || c.is_whitespace())
        && between.chars().filter(|&c| c == '\n').count() <= 1
        && between.chars().filter(|&c| c == '-').count() <= 1
}

/// The written forms terms are shown in.
pub(super) struct Forms {
    pub(super) words: HashMap<u32, String, RandomState>,
    pub(super) phrases: HashMap<u64, String, RandomState>,
}

impl Forms {
    pub(super) fn show(&self, key: Key) -> String {
        match key {
            Key::Word(stem) => self.words.get(&stem).cloned().unwrap_or_default(),
            Key::Phrase(pair) => self.phrases.get(&pair).cloned().unwrap_or_default(),
        }
    }
}

/// Document frequencies of stems and phrases in one set of articles.
#[derive(Default)]
pub(super) struct Side {
    pub(super) articles: u32,
    pub(super) stem_df: Vec<u32>,
    /// The last article each stem was seen in, so each counts once per article.
    pub(super) stem_last: Vec<u32>,
    /// Phrase -> (articles, the last article it was seen in).
    pub(super) pairs: HashMap<u64, (u32, u32), RandomState>,
}

impl Side {
    pub(super) fn see_stem(&mut self, stem: u32, doc: u32) {
        let i = stem as usize;
        if i >= self.stem_df.len() {
            self.stem_df.resize(i + 1, 0);
            self.stem_last.resize(i + 1, u32::MAX);
        }
        if self.stem_last[i] != doc {
            self.stem_last[i] = doc;
            self.stem_df[i] += 1;
        }
    }

    pub(super) fn see_pair(&mut self, key: u64, doc: u32) {
        let entry = self.pairs.entry(key).or_insert((0, u32::MAX));
        if entry.1 != doc {
            *entry = (entry.0 + 1, doc);
        }
    }

    /// Adds the counts of `other`, whose articles are others than this side's, numbered
    /// after them.
    pub(super) fn add(&mut self, other: Side) {
        let after = self.articles;
        self.articles += other.articles;
        if other.stem_df.len() > self.stem_df.len() {
            self.stem_df.resize(other.stem_df.len(), 0);
            self.stem_last.resize(other.stem_df.len(), u32::MAX);
        }
        for (i, df) in other.stem_df.into_iter().enumerate() {
            self.stem_df[i] += df;
        }
        for (i, last) in other.stem_last.into_iter().enumerate() {
            if last != u32::MAX {
                self.stem_last[i] = after + last;
            }
        }
        for (key, (df, last)) in other.pairs {
            let entry = self.pairs.entry(key).or_insert((0, u32::MAX));
            entry.0 += df;
            if last != u32::MAX {
                entry.1 = after + last;
            }
        }
    }

    /// This side with its stems numbered as `number` says.
    pub(super) fn renumbered(self, number: &[u32]) -> Side {
        let mut out = Side {
            articles: self.articles,
            ..Side::default()
        };
        for (s, (df, last)) in self.stem_df.into_iter().zip(self.stem_last).enumerate() {
            if df == 0 {
                continue;
            }
            let i = number[s] as usize;
            if i >= out.stem_df.len() {
                out.stem_df.resize(i + 1, 0);
                out.stem_last.resize(i + 1, u32::MAX);
            }
            out.stem_df[i] = df;
            out.stem_last[i] = last;
        }
        out.pairs = self
            .pairs
            .into_iter()
            .map(|(key, counts)| {
                let (a, b) = pair_of(key);
                (pair_key(number[a as usize], number[b as usize]), counts)
            })
            .collect();
        out
    }
}
