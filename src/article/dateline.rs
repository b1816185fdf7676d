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
    let (head, _) = DASHES
        .iter()
        .filter_map(|d| first.find(d).map(|i| (i, d)))
        .min_by_key(|(i, _)| *i)
        .map(|(i, d)| (&first[..i], &first[i + d.len()..]))?;
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
    }
    Some(Dateline {
        place: words.join(" "),
        source,
    })
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
}
