//! Finding the proximity and frequency operators in what the user typed (`A w/N B`,
//! `A NEAR/N B`, `A pre/N B`, `A w/s B`, `A w/p B`, `atleastN A`), which tantivy's grammar
//! would read as words: each expression is taken out and a placeholder word left where it
//! stood, which the syntax walker then builds as a [`super::near::NearQuery`], so `AND`,
//! `OR`, `-`, fields and the counted runs treat it as one part.

use super::near::Op;
use super::runs::units;
use super::Result;

/// The largest N `w/N`, `pre/N` and `atleastN` take: a distance beyond it is the whole
/// article, and a count beyond it no article reaches.
pub const MAX_N: u32 = 1000;

/// One operand: its alternatives (one for a word or phrase, several for `(a OR b)`), each
/// as typed, for the field's analyzer to read.
pub(super) type Operand = Vec<String>;

/// One operator and its operands; `right` is None for `atleastN`.
#[derive(Debug)]
pub(super) struct Link {
    pub op: Op,
    pub left: Operand,
    pub right: Option<Operand>,
}

/// One expression taken out of the text.
#[derive(Debug)]
pub(super) struct Proximity {
    /// The word left in its place.
    pub placeholder: String,
    /// As typed, for the labels of counted parts.
    pub typed: String,
    /// Every operator of a chain (`a w/5 b pre/3 c`), each with its two neighbours: all hold.
    pub links: Vec<Link>,
}

/// `text` with each proximity expression replaced by a placeholder, and the expressions;
/// `text` as it is when it has none (or its quotes and brackets do not pair, which the
/// grammar then refuses).
pub(super) fn extract(text: &str) -> Result<(String, Vec<Proximity>)> {
    let mut found = Vec::new();
    let rewritten = rewrite(text, &mut found)?;
    Ok(if found.is_empty() {
        (text.to_string(), found)
    } else {
        (rewritten, found)
    })
}

/// The text with each placeholder replaced by what it stands for.
pub(super) fn restore(text: &str, found: &[Proximity]) -> String {
    let mut out = text.to_string();
    for p in found {
        out = out.replace(&p.placeholder, &p.typed);
    }
    out
}

/// What an operator unit is, if it is one.
enum Unit {
    Near(Op),
    AtLeast(u32),
    Other,
}

const EXPECTED: &str = "write w/N, near/N or pre/N (N words, 1 to 1000; w/1 is adjacent), w/s (same sentence) or w/p (same paragraph) between two words, \"phrases\" or (a OR b) groups";

fn classify(unit: &str) -> Result<Unit> {
    let lower = unit.to_lowercase();
    for (name, ordered) in [("w/", false), ("near/", false), ("pre/", true)] {
        let Some(rest) = lower.strip_prefix(name) else {
            continue;
        };
        let op = match rest {
            "s" if name == "w/" => Op::Sentence,
            "p" if name == "w/" => Op::Paragraph,
            _ => {
                let n = number(unit, rest)?;
                if ordered {
                    Op::Before(n)
                } else {
                    Op::Within(n)
                }
            }
        };
        return Ok(Unit::Near(op));
    }
    // `-atleast3 cocoa`, `+atleast3 cocoa`: the sign applies to the whole expression.
    if let Some(rest) = lower.trim_start_matches(['+', '-']).strip_prefix("atleast") {
        if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
            refuse!(
                Syntax,
                "'{unit}': write atleastN before a word, \"phrase\" or (a OR b) group, N from 1 to {MAX_N} (atleast3 cocoa)"
            );
        }
        return Ok(Unit::AtLeast(number(unit, rest)?));
    }
    Ok(Unit::Other)
}

/// N of an operator, from 1 to [`MAX_N`].
fn number(unit: &str, digits: &str) -> Result<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        refuse!(Syntax, "'{unit}' is not an operator: {EXPECTED}");
    }
    match digits.parse::<u32>() {
        Ok(0) => refuse!(
            Syntax,
            "'{unit}': N counts words from 1 (w/1 is adjacent words, atleast1 any occurrence); use 1 to {MAX_N}"
        ),
        Ok(n) if n <= MAX_N => Ok(n),
        _ => refuse!(Syntax, "'{unit}': N is at most {MAX_N}; for anywhere in the article join the words with AND"),
    }
}

fn is_operator(unit: &str) -> bool {
    !matches!(classify(unit), Ok(Unit::Other))
}

/// Rewrites one level of brackets, recursing into the groups that are not operands.
fn rewrite(text: &str, found: &mut Vec<Proximity>) -> Result<String> {
    let Some(spans) = units(text) else {
        return Ok(text.to_string());
    };
    let words: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
    let kinds = words
        .iter()
        .map(|w| classify(w))
        .collect::<Result<Vec<_>>>()?;
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match kinds[i] {
            Unit::Near(_) => refuse!(
                Syntax,
                "'{}' has nothing before it: {EXPECTED}, e.g. cocoa {} prices",
                words[i],
                words[i]
            ),
            Unit::AtLeast(n) => {
                let Some(next) = words.get(i + 1) else {
                    refuse!(Syntax, "'{}' has nothing after it: write atleastN before a word, \"phrase\" or (a OR b) group (atleast3 cocoa)", words[i]);
                };
                let operand = operand(words[i], next)?;
                if let Some(Unit::Near(_)) = kinds.get(i + 2) {
                    refuse!(Syntax,
                        "'{} {next}' cannot be an operand of '{}': join them with AND ({} {next} AND ...)",
                        words[i], words[i + 2], words[i]
                    );
                }
                let bare = words[i].trim_start_matches(['+', '-']);
                let sign = &words[i][..words[i].len() - bare.len()];
                let typed = text[spans[i].0 + sign.len()..spans[i + 1].1].to_string();
                let link = Link {
                    op: Op::AtLeast(n),
                    left: operand,
                    right: None,
                };
                let word = placeholder(found, typed, vec![link]);
                out.push(format!("{sign}{word}"));
                i += 2;
            }
            Unit::Other if matches!(kinds.get(i + 1), Some(Unit::Near(_))) => {
                // A chain: each operator with its neighbours.
                let (sign, first) = match words[i].strip_prefix(['+', '-']) {
                    Some(rest) => (&words[i][..1], rest),
                    None => ("", words[i]),
                };
                let mut links = Vec::new();
                let mut left_text = first;
                let mut j = i + 1;
                while let Some(&Unit::Near(op)) = kinds.get(j) {
                    let name = words[j];
                    let Some(right_text) = words.get(j + 1) else {
                        refuse!(Syntax, "'{left_text} {name}' has nothing after '{name}': {EXPECTED}, e.g. cocoa {name} prices");
                    };
                    let left = operand(name, left_text)?;
                    let right = operand(name, right_text)?;
                    links.push(Link {
                        op,
                        left,
                        right: Some(right),
                    });
                    left_text = right_text;
                    j += 2;
                }
                let start = spans[i].0 + sign.len();
                let typed = text[start..spans[j - 1].1].to_string();
                let word = placeholder(found, typed, links);
                out.push(format!("{sign}{word}"));
                i = j;
            }
            Unit::Other => {
                out.push(in_group(words[i], found)?);
                i += 1;
            }
        }
    }
    Ok(out.join(" "))
}

/// A unit that is a bracketed group (`(…)`, `title:(…)`, `-(…)`) with its inside
/// rewritten; any other unit as it is.
fn in_group(unit: &str, found: &mut Vec<Proximity>) -> Result<String> {
    let Some(open) = unit.find('(') else {
        return Ok(unit.to_string());
    };
    let head = &unit[..open];
    let simple_head = head
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ':' | '+' | '-' | '_'));
    if !simple_head || !unit.ends_with(')') || unit.len() < open + 2 {
        return Ok(unit.to_string());
    }
    let inside = &unit[open + 1..unit.len() - 1];
    Ok(format!("{head}({})", rewrite(inside, found)?))
}

fn placeholder(found: &mut Vec<Proximity>, typed: String, links: Vec<Link>) -> String {
    let word = format!("zzproximity{}zz", found.len());
    found.push(Proximity {
        placeholder: word.clone(),
        typed,
        links,
    });
    word
}

/// The alternatives of an operand of `op`: a word, a quoted phrase, or a bracketed group of
/// words and phrases joined by OR.
fn operand(op: &str, unit: &str) -> Result<Operand> {
    let expected = || {
        format!("'{op}' takes a word, \"phrase\" or (a OR b) group on each side, e.g. (tanker OR ship) {op} attack")
    };
    if matches!(unit, "AND" | "OR" | "NOT") || is_operator(unit) {
        refuse!(
            Syntax,
            "'{op}' is missing an operand next to '{unit}': {}",
            expected()
        );
    }
    if let Some(inside) = unit.strip_prefix('(').and_then(|u| u.strip_suffix(')')) {
        let Some(spans) = units(inside) else {
            refuse!(Syntax, "'{unit}': {}", expected());
        };
        let mut alternatives = Vec::new();
        for (k, &(s, e)) in spans.iter().enumerate() {
            let word = &inside[s..e];
            if k % 2 == 1 {
                if word != "OR" {
                    refuse!(Syntax, "'{unit}': a group beside '{op}' joins words or \"phrases\" with OR only, e.g. (tanker OR ship) {op} attack");
                }
                continue;
            }
            alternatives.extend(single(op, word, &expected)?);
        }
        if spans.len() % 2 == 0 {
            refuse!(Syntax, "'{unit}': {}", expected());
        }
        return Ok(alternatives);
    }
    single(op, unit, &expected)
}

/// A word or quoted phrase.
fn single(op: &str, unit: &str, expected: &dyn Fn() -> String) -> Result<Operand> {
    for quote in ['"', '\''] {
        if let Some(inside) = unit.strip_prefix(quote).and_then(|u| u.strip_suffix(quote)) {
            return Ok(vec![inside.to_string()]);
        }
    }
    if unit.contains(':') {
        refuse!(Syntax, "'{unit}' beside '{op}': put the field before brackets around the whole expression, e.g. title:(cocoa {op} prices)");
    }
    if unit.starts_with(['+', '-', '(', '"', '\''])
        || unit.contains(['*', '~', '^', '(', ')', '[', ']', '{', '}'])
    {
        refuse!(Syntax, "'{unit}' beside '{op}': {}", expected());
    }
    Ok(vec![unit.to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(text: &str) -> String {
        extract(text).unwrap().0
    }

    #[test]
    fn expressions_become_one_word_where_they_stood() {
        assert_eq!(rewritten("cocoa prices"), "cocoa prices");
        assert_eq!(rewritten("a w/5 b c"), "zzproximity0zz c");
        assert_eq!(rewritten("-a NEAR/5 b OR c"), "-zzproximity0zz OR c");
        assert_eq!(rewritten("a -atleast2 b"), "a -zzproximity0zz");
        assert_eq!(
            rewritten("title:(a pre/2 b) atleast3 c"),
            "title:(zzproximity0zz) zzproximity1zz"
        );
        let (_, found) = extract("(tanker OR \"oil ship\") w/5 attack W/s x").unwrap();
        assert_eq!(found[0].typed, "(tanker OR \"oil ship\") w/5 attack W/s x");
        assert_eq!(found[0].links.len(), 2);
        assert_eq!(found[0].links[0].left, vec!["tanker", "oil ship"]);
        assert_eq!(found[0].links[1].op, Op::Sentence);
    }

    #[test]
    fn malformed_operators_are_refused_naming_them() {
        for (text, names) in [
            ("w/5 cocoa", "w/5"),
            ("cocoa NEAR/5", "NEAR/5"),
            ("a w/x b", "w/x"),
            ("a near/ b", "near/"),
            ("a w/0 b", "w/0"),
            ("a pre/5000 b", "pre/5000"),
            ("atleast0 a", "atleast0"),
            ("atleast a", "atleast"),
            ("a w/5 AND b", "w/5"),
            ("a pre/s b", "pre/s"),
            ("title:a w/5 b", "w/5"),
        ] {
            let e = extract(text).unwrap_err().to_string();
            assert!(e.contains(names), "{text}: {e}");
            assert!(!e.contains('\n'), "{text}: {e}");
        }
    }
}
