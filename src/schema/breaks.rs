//! Where a body's sentences and paragraphs start, as positions of its words: what the
//! `breaks` field holds, so that `w/s` and `w/p` can tell whether two words share a
//! sentence or a paragraph without reading the article again.
//!
//! The field is indexed with [`BreaksTokenizer`], which reads the body as the text analyzer
//! does (a word is a run of letters and digits, numbered from 0) and emits a term only at
//! the words that start a sentence or a paragraph, at that word's position.
//!
//! A paragraph ends at a blank line (the readers separate paragraphs with `"\n\n"`). A
//! sentence ends at a paragraph's end, at any other line break (a list item, a heading), and
//! at `.`, `!` or `?` followed by a space before a word that does not start lower-case —
//! unless a `.` follows a single letter (`U.S.`, `N. Korea`) or a title written before
//! names (`Mr.`, `Dr.`, `Gen.`), or a month before a number (`Jan. 5`). Ideographic full
//! stops (`。！？`) end a sentence with no space after them.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The term at the position of each word that starts a sentence inside a paragraph.
pub const SENTENCE: &str = "s";
/// The term at the position of each word that starts a paragraph (which starts a sentence
/// too). The body's first word is at neither: it starts the first of both.
pub const PARAGRAPH: &str = "p";

/// Titles written before a name, after whose `.` a capitalised name follows mid-sentence.
const TITLES: [&str; 22] = [
    "mr", "mrs", "ms", "messrs", "dr", "prof", "st", "mt", "ft", "gen", "gov", "sen", "rep", "lt",
    "col", "capt", "sgt", "cmdr", "adm", "rev", "hon", "no",
];
/// Months, after whose `.` a day follows mid-sentence (`Jan. 5`).
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// What starts at a word: a sentence, a paragraph, or neither.
fn starts(prev_word: &str, gap: &str, word: &str) -> Option<&'static str> {
    // Line breaks since the last character that is not white space: two make a blank line.
    let mut newlines = 0usize;
    let mut line_break = false;
    let mut ended = false;
    let mut spaced_after_end = false;
    let mut stop_char = None;
    for c in gap.chars() {
        match c {
            '\n' => {
                line_break = true;
                newlines += 1;
                if newlines >= 2 {
                    return Some(PARAGRAPH);
                }
            }
            c if c.is_whitespace() => spaced_after_end |= ended,
            '。' | '！' | '？' => return Some(SENTENCE),
            '.' | '!' | '?' | '…' => {
                newlines = 0;
                ended = true;
                stop_char = Some(c);
            }
            _ => newlines = 0,
        }
    }
    if line_break {
        return Some(SENTENCE);
    }
    if !spaced_after_end || word.chars().next().is_some_and(char::is_lowercase) {
        return None;
    }
    if stop_char == Some('.') && !gap.contains(['!', '?']) {
        let prev = prev_word.to_lowercase();
        let single_letter = prev.chars().count() == 1 && prev.chars().all(char::is_alphabetic);
        let day_follows = word.chars().next().is_some_and(|c| c.is_ascii_digit());
        if single_letter
            || TITLES.contains(&prev.as_str())
            || (day_follows && MONTHS.contains(&prev.as_str()))
        {
            return None;
        }
    }
    Some(SENTENCE)
}

/// The `breaks` field's tokenizer: a token [`SENTENCE`] or [`PARAGRAPH`] at the position of
/// each word that starts one, words numbered as the text analyzer numbers them.
#[derive(Clone, Default)]
pub struct BreaksTokenizer {
    token: Token,
}

/// The stream of one body's breaks.
pub struct BreaksStream<'a> {
    text: &'a str,
    /// Where the scan goes on from.
    at: usize,
    /// The word before the next one, as a byte span; None before the first word.
    prev: Option<(usize, usize)>,
    /// The next word's position.
    position: usize,
    token: &'a mut Token,
}

impl Tokenizer for BreaksTokenizer {
    type TokenStream<'a> = BreaksStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BreaksStream<'a> {
        self.token.reset();
        BreaksStream {
            text,
            at: 0,
            prev: None,
            position: 0,
            token: &mut self.token,
        }
    }
}

impl BreaksStream<'_> {
    /// The next word's byte span, a run of letters and digits as `SimpleTokenizer` reads one.
    fn next_word(&mut self) -> Option<(usize, usize)> {
        let rest = &self.text[self.at..];
        let start = self.at + rest.find(char::is_alphanumeric)?;
        let end = self.text[start..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(self.text.len(), |n| start + n);
        self.at = end;
        Some((start, end))
    }
}

impl TokenStream for BreaksStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((start, end)) = self.next_word() {
            let position = self.position;
            self.position += 1;
            let prev = self.prev.replace((start, end));
            let Some((prev_start, prev_end)) = prev else {
                continue;
            };
            let kind = starts(
                &self.text[prev_start..prev_end],
                &self.text[prev_end..start],
                &self.text[start..end],
            );
            if let Some(kind) = kind {
                self.token.text.clear();
                self.token.text.push_str(kind);
                self.token.position = position;
                self.token.offset_from = start;
                self.token.offset_to = end;
                self.token.position_length = 1;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer};

    use super::*;

    /// The breaks of `text`, each as its kind and the word it starts.
    fn breaks(text: &str) -> Vec<(String, String)> {
        let mut words = Vec::new();
        let mut simple = TextAnalyzer::from(SimpleTokenizer::default());
        simple
            .token_stream(text)
            .process(&mut |t| words.push(t.text.clone()));
        let mut out = Vec::new();
        let mut breaks = BreaksTokenizer::default();
        breaks.token_stream(text).process(&mut |t| {
            out.push((t.text.clone(), words[t.position].clone()));
        });
        out
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(k, w)| (k.to_string(), w.to_string()))
            .collect()
    }

    #[test]
    fn full_stops_question_and_exclamation_marks_end_sentences() {
        assert_eq!(
            breaks("Cocoa rose. Prices fell! Why? \"Nobody\" knows... Then rain."),
            pairs(&[
                ("s", "Prices"),
                ("s", "Why"),
                ("s", "Nobody"),
                ("s", "Then")
            ])
        );
    }

    #[test]
    fn blank_lines_end_paragraphs_and_line_breaks_sentences() {
        assert_eq!(
            breaks("One two\n\nthree four\n- five\r\n\r\nsix\n \t\nseven"),
            pairs(&[("p", "three"), ("s", "five"), ("p", "six"), ("p", "seven")])
        );
    }

    #[test]
    fn abbreviations_decimals_and_lower_case_do_not_end_sentences() {
        assert_eq!(
            breaks(
                "The U.S. Treasury and Mr. Smith met N. Korea's envoy on Jan. 5 at 3.5 p.m. \
                 and then e.g. talked. Done"
            ),
            pairs(&[("s", "Done")])
        );
    }

    #[test]
    fn positions_are_the_text_analyzers_word_positions() {
        let text = "Alpha beta. Gamma, delta-epsilon.\n\nZeta";
        let mut words = Vec::new();
        crate::schema::text_analyzer()
            .token_stream(text)
            .process(&mut |t| words.push((t.position, t.text.clone())));
        let mut got = Vec::new();
        BreaksTokenizer::default()
            .token_stream(text)
            .process(&mut |t| got.push((t.position, t.text.clone())));
        assert_eq!(got, [(2, "s".to_string()), (5, "p".to_string())]);
        assert_eq!(words[2], (2, "gamma".to_string()));
        assert_eq!(words[5], (5, "zeta".to_string()));
    }

    #[test]
    fn text_without_words_has_no_breaks() {
        assert!(breaks("").is_empty());
        assert!(breaks(". . !\n\n?").is_empty());
        assert!(breaks("one").is_empty());
    }

    #[test]
    fn the_index_keeps_each_break_at_its_words_position() {
        use tantivy::postings::Postings;
        use tantivy::schema::{IndexRecordOption, Term};
        use tantivy::DocSet;

        let (schema, fields) = crate::schema::build_schema();
        let index = tantivy::Index::create_in_ram(schema);
        crate::schema::prepare(&index);
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        let mut doc = tantivy::TantivyDocument::default();
        doc.add_text(fields.body, "One two. Three\n\nFour five. Six");
        doc.add_text(fields.breaks, "One two. Three\n\nFour five. Six");
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let inverted = searcher
            .segment_reader(0)
            .inverted_index(fields.breaks)
            .unwrap();
        let positions = |kind: &str| {
            let term = Term::from_field_text(fields.breaks, kind);
            let mut postings = inverted
                .read_postings(&term, IndexRecordOption::WithFreqsAndPositions)
                .unwrap()
                .unwrap();
            assert_eq!(postings.doc(), 0);
            let mut out = Vec::new();
            postings.positions(&mut out);
            out
        };
        assert_eq!(positions(SENTENCE), [2, 5]);
        assert_eq!(positions(PARAGRAPH), [3]);
    }
}
