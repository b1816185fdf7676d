//! The proximity and frequency operators as a tantivy query: `A w/N B`, `A pre/N B`,
//! `A w/s B`, `A w/p B` and `atleastN A`, judged on the words' positions within one field.
//!
//! The articles that hold the operands at all are found first by an ordinary tantivy query
//! (the operands' terms and phrases, ranked by BM25 as any search, the title boosted), and
//! only those candidates' positions are read to check the operator, as tantivy's own phrase
//! scorer does.

use std::fmt;

use tantivy::postings::Postings;
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Explanation, Occur, PhraseQuery, Query, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

use crate::schema::breaks;

/// What an operator requires of its operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `w/N`, `NEAR/N`: at most N words apart, either order.
    Within(u32),
    /// `pre/N`: the left operand first, the right at most N words after it.
    Before(u32),
    /// `w/s`: in the same sentence.
    Sentence,
    /// `w/p`: in the same paragraph.
    Paragraph,
    /// `atleastN`: N occurrences or more, the fields' counted together.
    AtLeast(u32),
}

/// One way an operand can occur in a field: its terms, each with its offset in words from
/// the first (one term for a word, several for a phrase).
#[derive(Clone, Debug)]
pub struct Form {
    pub terms: Vec<(usize, Term)>,
}

impl Form {
    /// The query that finds the articles with this form anywhere in its field.
    fn candidates(&self) -> Box<dyn Query> {
        match self.terms.as_slice() {
            [(_, term)] => Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
            _ => Box::new(PhraseQuery::new_with_offset(self.terms.clone())),
        }
    }
}

/// The operands as one field reads them; `right` is empty for `atleastN`.
#[derive(Clone, Debug)]
pub struct Side {
    pub field: Field,
    /// The field's ranking weight (the title's boost).
    pub boost: f32,
    /// The `breaks` field when this is the body, whose sentences and paragraphs it marks;
    /// None for a field that is one sentence (the title).
    pub breaks: Option<Field>,
    pub left: Vec<Form>,
    pub right: Vec<Form>,
}

impl Side {
    /// True when the field can hold a match at all: every operand has a form in it.
    pub fn usable(&self, op: Op) -> bool {
        !self.left.is_empty() && (matches!(op, Op::AtLeast(_)) || !self.right.is_empty())
    }

    fn candidates(&self, op: Op) -> Box<dyn Query> {
        let any = |forms: &[Form]| -> Box<dyn Query> {
            match forms {
                [one] => one.candidates(),
                _ => Box::new(BooleanQuery::new(
                    forms
                        .iter()
                        .map(|f| (Occur::Should, f.candidates()))
                        .collect(),
                )),
            }
        };
        let q: Box<dyn Query> = if matches!(op, Op::AtLeast(_)) {
            any(&self.left)
        } else {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, any(&self.left)),
                (Occur::Must, any(&self.right)),
            ]))
        };
        if self.boost == 1.0 {
            q
        } else {
            Box::new(BoostQuery::new(q, self.boost))
        }
    }
}

/// Matches the articles where `op` holds of the operands in any one of the `sides` (for
/// `atleastN`, in all of them counted together).
#[derive(Clone)]
pub struct NearQuery {
    pub op: Op,
    pub sides: Vec<Side>,
}

impl fmt::Debug for NearQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Near({:?}, {:?})", self.op, self.sides)
    }
}

impl Query for NearQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let candidates = BooleanQuery::new(
            self.sides
                .iter()
                .map(|s| (Occur::Should, s.candidates(self.op)))
                .collect(),
        );
        Ok(Box::new(NearWeight {
            op: self.op,
            sides: self.sides.clone(),
            candidates: candidates.weight(enable_scoring)?,
        }))
    }

    /// Each term of a phrase as needing positions, as a phrase's are; each word both as a
    /// loose term (what snippets highlight wherever it stands) and as needing positions
    /// (which this query reads, so that a search counts and ranks it in one pass rather
    /// than reading the positions twice).
    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for side in &self.sides {
            for form in side.left.iter().chain(&side.right) {
                let phrase = form.terms.len() > 1;
                for (_, term) in &form.terms {
                    if !phrase {
                        visitor(term, false);
                    }
                    visitor(term, true);
                }
            }
        }
    }
}

struct NearWeight {
    op: Op,
    sides: Vec<Side>,
    candidates: Box<dyn Weight>,
}

impl NearWeight {
    fn near_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<NearScorer> {
        let mut sides = Vec::with_capacity(self.sides.len());
        for side in &self.sides {
            let inverted = reader.inverted_index(side.field)?;
            let forms = |forms: &[Form]| -> tantivy::Result<Vec<FormPostings>> {
                let mut out = Vec::new();
                for form in forms {
                    let mut terms = Vec::new();
                    for (offset, term) in &form.terms {
                        let postings = inverted
                            .read_postings(term, IndexRecordOption::WithFreqsAndPositions)?;
                        terms.push((*offset as u32, postings));
                    }
                    // A form with a term the segment lacks cannot occur in it.
                    if terms.iter().all(|(_, p)| p.is_some()) {
                        out.push(FormPostings {
                            terms: terms
                                .into_iter()
                                .filter_map(|(o, p)| p.map(|p| (o, p)))
                                .collect(),
                        });
                    }
                }
                Ok(out)
            };
            let left = forms(&side.left)?;
            let right = forms(&side.right)?;
            let breaks = match side.breaks {
                Some(field) => {
                    let inverted = reader.inverted_index(field)?;
                    let read = |text: &str| {
                        inverted.read_postings(
                            &Term::from_field_text(field, text),
                            IndexRecordOption::WithFreqsAndPositions,
                        )
                    };
                    Some((read(breaks::SENTENCE)?, read(breaks::PARAGRAPH)?))
                }
                None => None,
            };
            sides.push(SidePostings {
                left,
                right,
                breaks,
            });
        }
        let mut scorer = NearScorer {
            op: self.op,
            candidates: self.candidates.scorer(reader, boost)?,
            sides,
            buffers: Buffers::default(),
        };
        scorer.settle();
        Ok(scorer)
    }
}

impl Weight for NearWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.near_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.near_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let mut explanation = Explanation::new("proximity match", scorer.score());
        explanation.add_detail(self.candidates.explain(reader, doc)?);
        Ok(explanation)
    }
}

/// A form's terms in one segment, with their offsets.
struct FormPostings {
    terms: Vec<(u32, tantivy::postings::SegmentPostings)>,
}

struct SidePostings {
    left: Vec<FormPostings>,
    right: Vec<FormPostings>,
    /// The sentence and paragraph starts (`breaks` terms "s" and "p"), for the body.
    breaks: Option<(
        Option<tantivy::postings::SegmentPostings>,
        Option<tantivy::postings::SegmentPostings>,
    )>,
}

/// Reused space for one candidate's positions.
#[derive(Default)]
struct Buffers {
    positions: Vec<Vec<u32>>,
    left: Vec<Span>,
    right: Vec<Span>,
    breaks: Vec<u32>,
    scratch: Vec<u32>,
}

/// The first and last word position of one occurrence of an operand.
type Span = (u32, u32);

struct NearScorer {
    op: Op,
    candidates: Box<dyn Scorer>,
    sides: Vec<SidePostings>,
    buffers: Buffers,
}

impl NearScorer {
    /// Moves on from the current candidate to the first that matches (or the end).
    fn settle(&mut self) -> DocId {
        loop {
            let doc = self.candidates.doc();
            if doc == TERMINATED || self.matches(doc) {
                return doc;
            }
            self.candidates.advance();
        }
    }

    fn matches(&mut self, doc: DocId) -> bool {
        let b = &mut self.buffers;
        let mut count = 0u32;
        for side in &mut self.sides {
            spans(&mut side.left, doc, &mut b.positions, &mut b.left);
            if let Op::AtLeast(n) = self.op {
                count += b.left.len() as u32;
                if count >= n {
                    return true;
                }
                continue;
            }
            if b.left.is_empty() {
                continue;
            }
            spans(&mut side.right, doc, &mut b.positions, &mut b.right);
            if b.right.is_empty() {
                continue;
            }
            let found = match self.op {
                Op::Within(n) => within(&b.left, &b.right, n, false, &mut b.scratch),
                Op::Before(n) => within(&b.left, &b.right, n, true, &mut b.scratch),
                Op::Sentence | Op::Paragraph => {
                    b.breaks.clear();
                    if let Some((sentences, paragraphs)) = &mut side.breaks {
                        if self.op == Op::Sentence {
                            positions_of(sentences.as_mut(), doc, &mut b.scratch);
                            b.breaks.extend_from_slice(&b.scratch);
                        }
                        positions_of(paragraphs.as_mut(), doc, &mut b.scratch);
                        b.breaks.extend_from_slice(&b.scratch);
                        b.breaks.sort_unstable();
                    }
                    same_unit(&b.left, &b.right, &b.breaks)
                }
                Op::AtLeast(_) => false,
            };
            if found {
                return true;
            }
        }
        false
    }
}

/// The positions in `doc` of the term `postings` read (none when it lacks the term).
fn positions_of(
    postings: Option<&mut tantivy::postings::SegmentPostings>,
    doc: DocId,
    out: &mut Vec<u32>,
) {
    out.clear();
    if let Some(p) = postings {
        if p.doc() <= doc && p.seek(doc) == doc {
            p.positions(out);
        }
    }
}

/// Every occurrence in `doc` of any of `forms`, sorted by start, each once.
fn spans(
    forms: &mut [FormPostings],
    doc: DocId,
    positions: &mut Vec<Vec<u32>>,
    out: &mut Vec<Span>,
) {
    out.clear();
    for form in forms {
        if positions.len() < form.terms.len() {
            positions.resize_with(form.terms.len(), Vec::new);
        }
        let mut present = true;
        for ((_, postings), buf) in form.terms.iter_mut().zip(positions.iter_mut()) {
            positions_of(Some(postings), doc, buf);
            if buf.is_empty() {
                present = false;
                break;
            }
        }
        if !present {
            continue;
        }
        let first = form.terms[0].0;
        let last = form.terms.iter().map(|(o, _)| *o).max().unwrap_or(first);
        for &p in &positions[0] {
            let Some(start) = p.checked_sub(first) else {
                continue;
            };
            let all = form
                .terms
                .iter()
                .zip(positions.iter())
                .skip(1)
                .all(|((o, _), buf)| buf.binary_search(&(start + o)).is_ok());
            if all {
                out.push((start, start + last));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
}

/// True when some occurrence in `left` and another in `right` are at most `n` words apart
/// (`left` first when `ordered`): a gap of 1 is adjacent. Only the nearest occurrence of
/// `right` on each side of each of `left`'s is looked at, so a long article with many of
/// both costs a binary search per occurrence, not a product.
fn within(left: &[Span], right: &[Span], n: u32, ordered: bool, ends: &mut Vec<u32>) -> bool {
    // `right` is sorted by start; its ends, sorted, for the nearest before.
    ends.clear();
    ends.extend(right.iter().map(|&(_, b1)| b1));
    ends.sort_unstable();
    left.iter().any(|&(a0, a1)| {
        let after = right.partition_point(|&(b0, _)| b0 <= a1);
        if right.get(after).is_some_and(|&(b0, _)| b0 - a1 <= n) {
            return true;
        }
        if ordered {
            return false;
        }
        let before = ends.partition_point(|&b1| b1 < a0);
        before > 0 && a0 - ends[before - 1] <= n
    })
}

/// True when some occurrence in `left` and a different one in `right` lie in the same unit
/// (sentence or paragraph), `breaks` being the sorted positions where units start: no break
/// lies after the earlier's start and at or before the later's end.
fn same_unit(left: &[Span], right: &[Span], breaks: &[u32]) -> bool {
    let unit = |p: u32| breaks.partition_point(|&x| x <= p);
    // For each unit holding an occurrence of `right` whole: the earliest end and the latest
    // start among them, which tell whether one lies clear of a given occurrence of `left`.
    let mut units: Vec<(usize, u32, u32)> = Vec::new();
    for &(b0, b1) in right {
        let u = unit(b0);
        if unit(b1) != u {
            continue;
        }
        match units.last_mut() {
            Some((last, first_end, last_start)) if *last == u => {
                *first_end = (*first_end).min(b1);
                *last_start = (*last_start).max(b0);
            }
            _ => units.push((u, b1, b0)),
        }
    }
    left.iter().any(|&(a0, a1)| {
        let u = unit(a0);
        if unit(a1) != u {
            return false;
        }
        units
            .binary_search_by_key(&u, |&(unit, _, _)| unit)
            .is_ok_and(|i| units[i].1 < a0 || units[i].2 > a1)
    })
}

impl DocSet for NearScorer {
    fn advance(&mut self) -> DocId {
        if self.candidates.doc() == TERMINATED {
            return TERMINATED;
        }
        self.candidates.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.candidates.doc() >= target {
            return self.candidates.doc();
        }
        self.candidates.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.candidates.doc()
    }

    fn size_hint(&self) -> u32 {
        self.candidates.size_hint()
    }
}

impl Scorer for NearScorer {
    fn score(&mut self) -> Score {
        self.candidates.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(left: &[Span], right: &[Span], n: u32, ordered: bool) -> bool {
        super::within(left, right, n, ordered, &mut Vec::new())
    }

    #[test]
    fn distances_count_words_between_occurrences() {
        // Adjacent words are 1 apart.
        assert!(within(&[(3, 3)], &[(4, 4)], 1, true));
        assert!(within(&[(4, 4)], &[(3, 3)], 1, false));
        assert!(!within(&[(4, 4)], &[(3, 3)], 1, true));
        assert!(!within(&[(3, 3)], &[(6, 6)], 2, false));
        // A phrase counts from its last word.
        assert!(within(&[(1, 2)], &[(5, 5)], 3, true));
        assert!(!within(&[(1, 2)], &[(6, 6)], 3, true));
        // One occurrence is not near itself.
        assert!(!within(&[(3, 3)], &[(3, 3)], 5, false));
        // The nearest on either side decides, whatever lies farther.
        assert!(within(&[(10, 10)], &[(1, 1), (8, 8), (30, 30)], 2, false));
        assert!(within(&[(10, 10)], &[(1, 1), (3, 8), (30, 30)], 2, false));
        assert!(!within(&[(10, 10)], &[(1, 1), (3, 7), (30, 30)], 2, false));
        assert!(within(&[(10, 10)], &[(1, 1), (12, 14)], 2, true));
    }

    #[test]
    fn units_end_at_breaks() {
        // Sentences start at 5 and 9.
        let breaks = [5, 9];
        assert!(same_unit(&[(0, 0)], &[(4, 4)], &breaks));
        assert!(!same_unit(&[(4, 4)], &[(5, 5)], &breaks));
        assert!(same_unit(&[(8, 8)], &[(5, 6)], &breaks));
        assert!(!same_unit(&[(4, 5)], &[(6, 6)], &breaks));
        assert!(same_unit(&[(1, 1)], &[(12, 12)], &[]));
        assert!(same_unit(&[(6, 6)], &[(0, 0), (6, 6), (8, 8)], &breaks));
        assert!(!same_unit(&[(6, 6)], &[(0, 0), (6, 6), (9, 9)], &breaks));
    }
}
