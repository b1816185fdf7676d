//! Where a body's sentences and paragraphs start, as positions of its words: what the
//! `breaks` field holds, so that `w/s` and `w/p` can tell whether two words share a
//! sentence or a paragraph without reading the article again.

/// The term at the position of each word that starts a sentence inside a paragraph.
pub const SENTENCE: &str = "s";
/// The term at the position of each word that starts a paragraph (which starts a sentence
/// too). The body's first word is at neither: it starts the first of both.
pub const PARAGRAPH: &str = "p";
