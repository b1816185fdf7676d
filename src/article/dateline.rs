//! The dateline that opens a wire story: `TOKYO (The Japan News/ANN) - ...` names the place
//! and the source; `SALVADOR, Feb 26 - ...` names the place and the day.

/// Place and optional source (agency) of an article, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    pub place: String,
    pub source: Option<String>,
}

/// Separators between a dateline and the story.
const DASHES: &[&str] = &[" -- ", " - ", " — ", " – "];
/// A dateline is short; anything longer before the dash is a sentence.
const MAX_DATELINE: usize = 80;

fn is_place_word(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 1
        && w.chars()
            .all(|c| c.is_uppercase() || matches!(c, '.' | '\'' | '-' | '&' | '’'))
}

/// How far into the body a dateline's dash is looked for: room for the longest dateline
/// and its dash in any script, so a body that is one enormous line costs no more.
const LOOK_BYTES: usize = MAX_DATELINE * 4 + 16;

/// The start of the body's first line with every Unicode space (a no-break space after
/// `TOKYO`, a thin space before the dash) made a plain space, as the reader sees them.
fn first_line(body: &str) -> String {
    let body = body.trim_start();
    let mut end = body.len().min(LOOK_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let start = &body[..end];
    let line = start.lines().next().unwrap_or_default();
    line.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

/// Reads the dateline at the start of `body`, if it has one.
pub fn parse(body: &str) -> Option<Dateline> {
    let first = first_line(body);
    let first = first.as_str();
    let (head, story) = DASHES
        .iter()
        .filter_map(|d| first.find(d).map(|i| (i, d)))
        .min_by_key(|(i, _)| *i)
        .map(|(i, d)| (&first[..i], &first[i + d.len()..]))?;
    // `LONDON GOLD CLOSING - APRIL 7 420.00 DLRS`: a table's heading and its day, not a
    // dateline and its story.
    if starts_with_day(story) {
        return None;
    }
    if head.len() > MAX_DATELINE {
        return None;
    }
    let (head, source) = match head.rfind(" (") {
        Some(open) if head.ends_with(')') => {
            let inner = head[open + 2..head.len() - 1].trim();
            (
                &head[..open],
                (!inner.is_empty()).then(|| inner.to_string()),
            )
        }
        _ => (head, None),
    };
    // The place is the upper-case run before any comma; what follows the comma must be a
    // day (`Feb 26`) or a region (`Calif.`), not more sentence.
    let mut parts = head.split(',').map(str::trim);
    let place = parts.next()?.trim();
    let words: Vec<&str> = place.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || !words.iter().all(|w| is_place_word(w)) {
        return None;
    }
    if place.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return None;
    }
    let mut dated_or_placed = source.is_some();
    for rest in parts {
        let ws: Vec<&str> = rest.split_whitespace().collect();
        let is_day = ws.len() == 2
            && super::date::month(ws[0]).is_some()
            && ws[1].chars().all(|c| c.is_ascii_digit());
        let is_region = ws.len() <= 2
            && ws
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if !(is_day || is_region) {
            return None;
        }
        dated_or_placed = true;
    }
    // A bare `PLACE - ` (no day, region or agency) is a place only when it is short and a
    // sentence follows: `CORRECTION - THREE CONVICTED` and `MONEY RATES - INTERNATIONAL
    // SUMMARY` are headings.
    if !dated_or_placed && (words.len() > 3 || !starts_a_sentence(story)) {
        return None;
    }
    Some(Dateline {
        place: words.join(" "),
        source,
    })
}

/// Whether `text` opens with a day: a month's name and a number (`APRIL 7`, `Apr 08`).
fn starts_with_day(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let (Some(month), Some(day)) = (words.next(), words.next()) else {
        return false;
    };
    super::date::month(month).is_some() && day.chars().all(|c| c.is_ascii_digit())
}

/// Whether `text` opens as running prose does: a word with a lower-case letter in its first
/// two (`The New York Stock Exchange said`, `Coffee producers`), not a capitalised heading.
fn starts_a_sentence(text: &str) -> bool {
    text.split_whitespace()
        .take(2)
        .any(|w| w.chars().any(char::is_lowercase))
}

/// The place and source an article is indexed under: what the format names comes first;
/// the body's own dateline (`from_body`, [`parse`] of the body) fills what it
/// does not, and the publication the file names fills the source last (a wire story in a
/// newspaper's file is the agency's).
pub fn place_and_source<'a>(
    a: &'a super::Article,
    from_body: Option<&'a Dateline>,
) -> (Option<&'a str>, Option<&'a str>) {
    let place = a.place.as_deref().or(from_body.map(|d| d.place.as_str()));
    let source = a
        .source
        .as_deref()
        .or(from_body.and_then(|d| d.source.as_deref()))
        .or(a.publication.as_deref());
    (place, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dl(place: &str, source: Option<&str>) -> Option<Dateline> {
        Some(Dateline {
            place: place.into(),
            source: source.map(Into::into),
        })
    }

    #[test]
    fn wire_datelines() {
        assert_eq!(
            parse("TOKYO (The Japan News/ANN) - Japan and U.S conset to coordinate"),
            dl("TOKYO", Some("The Japan News/ANN"))
        );
        assert_eq!(
            parse("SALVADOR, Feb 26 - Showers continued"),
            dl("SALVADOR", None)
        );
        assert_eq!(
            parse("NEW YORK, March 9 - Petro-Canada said"),
            dl("NEW YORK", None)
        );
        assert_eq!(
            parse("LONDON - Coffee producers failed"),
            dl("LONDON", None)
        );
        assert_eq!(
            parse("SAN JOSE, Calif., March 3 - Apple said"),
            dl("SAN JOSE", None)
        );
        assert_eq!(
            parse("ST. LOUIS (Reuters) -- Shares rose"),
            dl("ST. LOUIS", Some("Reuters"))
        );
    }

    #[test]
    fn any_unicode_space_counts() {
        // No-break space, narrow no-break space, thin space, ideographic space.
        for space in ['\u{a0}', '\u{202f}', '\u{2009}', '\u{3000}'] {
            assert_eq!(
                parse(&format!(
                    "TOKYO{space}(The Japan News/ANN){space}-{space}Japan and"
                )),
                dl("TOKYO", Some("The Japan News/ANN")),
                "{space:?}"
            );
            assert_eq!(
                parse(&format!("NEW{space}YORK, March 9 - Petro-Canada")),
                dl("NEW YORK", None)
            );
        }
    }

    #[test]
    fn a_body_that_is_one_huge_line_is_read_from_its_start_only() {
        let body = format!("LONDON - {}", "word ".repeat(1 << 20));
        assert_eq!(parse(&body), dl("LONDON", None));
        let body = format!("{} - tail", "word ".repeat(1 << 20));
        assert_eq!(parse(&body), None);
    }

    #[test]
    fn sentences_are_not_datelines() {
        assert_eq!(parse("The company said - in a statement - that"), None);
        assert_eq!(
            parse("Shares of IBM rose today, traders said - again"),
            None
        );
        assert_eq!(parse("no dash here at all"), None);
        assert_eq!(parse("*** Blah blah blah."), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("A - b"), None);
    }

    #[test]
    fn headings_of_tables_and_corrections_are_not_datelines() {
        for heading in [
            "U.S. COCOA MERCHANT SPOT PRICES - APRIL 7",
            "LONDON GOLD - APRIL 7 418.70 DLRS, FIX CONTINUES",
            "N.Y. COMMODITY FUTURES ESTIMATED VOLUMES - APRIL 7 Time 11.00",
            "TOKYO CALL MARKET - APRIL 07 DLR CALL RATES",
            "CORRECTION - THREE CONVICTED IN HOME STATE TRIAL",
            "MONEY RATES - INTERNATIONAL SUMMARY - APR 3",
            "FOB RIVER - CLOSE      APRIL 6",
            "DUTCH INTERBANK DEPOSIT RATES - APRIL 7",
        ] {
            assert_eq!(parse(heading), None, "{heading}");
        }
        // A bare place followed by a story stays a dateline.
        assert_eq!(
            parse("NEW YORK - The New York Stock Exchange said"),
            dl("NEW YORK", None)
        );
        assert_eq!(
            parse("RIO DE JANEIRO - Brazil's coffee"),
            dl("RIO DE JANEIRO", None)
        );
    }
}
