//! How much an article's body reads as a table or a list rather than as prose.
//!
//! A wire archive is full of market tables, price lists and results ("CHICAGO DELIVERABLE
//! CORN STOCKS", "Shr 12 cts vs 10 cts"): a subject word is a large share of such a short
//! text, so BM25 lifts them over the stories about the subject. The indexer stores this
//! measure in a fast field, and ranking turns it into a mild multiplier (never a filter: a
//! query that wants a table still finds it).

/// Share of numeric words below which a body counts as prose: market stories quote figures
/// too (a quarter of the words of one in ten stories a topic label marks are numbers).
const NUMERIC_PROSE: f32 = 0.2;
/// Share of numeric words from which a body counts as wholly a table.
const NUMERIC_TABLE: f32 = 0.6;
/// A line (a paragraph, as bodies are stored) shorter than this is a table row or list item.
const SHORT_LINE_CHARS: usize = 40;
/// Bodies of fewer lines say nothing by their shape: a one-line brief is not a list.
const MIN_LINES: usize = 4;

/// How tabular `body` is, from 0 (prose) to 255 (a table): the larger of the share of its
/// words that are numbers (scaled from [`NUMERIC_PROSE`] to [`NUMERIC_TABLE`]) and the
/// share of its lines that are short.
pub fn tabularity(body: &str) -> u8 {
    let (mut words, mut numeric) = (0usize, 0usize);
    for word in body
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        numeric += usize::from(word.bytes().any(|b| b.is_ascii_digit()));
    }
    let numbers = if words == 0 {
        0.0
    } else {
        let share = numeric as f32 / words as f32;
        ((share - NUMERIC_PROSE) / (NUMERIC_TABLE - NUMERIC_PROSE)).clamp(0.0, 1.0)
    };
    let (mut lines, mut short) = (0usize, 0usize);
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        lines += 1;
        short += usize::from(line.chars().nth(SHORT_LINE_CHARS).is_none());
    }
    let rows = if lines < MIN_LINES {
        0.0
    } else {
        short as f32 / lines as f32
    };
    (numbers.max(rows) * 255.0).round() as u8
}

/// The ranking multiplier for an article of `tabularity`: 1 for prose, down to
/// `1 - strength` for a table.
pub fn prior(tabularity: u8, strength: f32) -> f32 {
    1.0 - strength * f32::from(tabularity) / 255.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_zero_and_tables_are_high() {
        let story = "Cocoa prices rose sharply on Tuesday as dealers worried about the \
                     main crop in Ivory Coast, where rains were 20 pct below normal.\n\n\
                     The International Cocoa Organization said its buffer stock manager \
                     would start buying next week.";
        assert_eq!(tabularity(story), 0);
        let table = "CURRENT WEEK YEAR WEEK AGO AGO DEL GRADES 11502 12358 7038 NON-DEL \
                     GRADES 284 347 234 CCC STOCKS 11898 11898 8631 TOTAL CORN STOCKS 23684 \
                     24603 15903";
        assert!(tabularity(table) > 100, "{}", tabularity(table));
        let results = "Shr one ct vs five cts\n\nNet 19,174 vs 118,671\n\n\
                       Revs 3,127,162 vs 2,936,330\n\nYear\n\nShr eight cts vs 30 cts";
        assert!(tabularity(results) > 200, "{}", tabularity(results));
        assert_eq!(tabularity(""), 0);
    }

    #[test]
    fn the_prior_is_mild() {
        assert_eq!(prior(0, 0.3), 1.0);
        assert!((prior(255, 0.3) - 0.7).abs() < 1e-6);
    }
}
