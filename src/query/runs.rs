//! Which parts of a query with syntax the counted set requires: every part standing on its
//! own (a word, phrase, field or bracketed group), with `OR` (and `AND`) joining the parts
//! on either side of it into one part, as a Google user reads `cocoa prices OR tariffs`:
//! cocoa, and prices or tariffs.
//!
//! tantivy's grammar folds `a OR b c` into one flat clause `(?a ?b *c)`, in which the parts
//! an `OR` joined can no longer be told from the parts side by side; read with conjunction
//! by default, it would require `c` alone. So the text is cut into its runs here (parts
//! joined by operators), and each run of several parts is bracketed before the grammar reads
//! it: `a OR b c` becomes `(a OR b) c`. Inside a run the grammar's own precedence holds
//! (`AND` binds before `OR`).

/// A byte span of the text.
type Span = (usize, usize);

/// The whitespace-separated units of `text` at its outer level (quotes, brackets and ranges
/// keep their spaces); None when a quote or bracket is left open or closed too often.
pub(super) fn units(text: &str) -> Option<Vec<Span>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if quote.is_none() && depth == 0 && c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
            continue;
        }
        start.get_or_insert(i);
        match c {
            '\\' => {
                chars.next();
            }
            _ if quote == Some(c) => quote = None,
            _ if quote.is_some() => {}
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.checked_sub(1)?,
            _ => {}
        }
    }
    if quote.is_some() || depth > 0 {
        return None;
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    Some(out)
}

/// One run of `text`'s outer level: its span, and whether an operator joins parts in it.
struct Run {
    span: Span,
    joined: bool,
}

/// The runs of `text`'s outer level: parts joined by `AND` or `OR` (and `NOT` with what it
/// negates) make one run; parts side by side are runs of their own.
fn runs(text: &str) -> Option<Vec<Run>> {
    let mut runs: Vec<Run> = Vec::new();
    // The next part belongs to the last run (it follows an operator or a `NOT`).
    let mut joins = false;
    for (s, e) in units(text)? {
        let word = &text[s..e];
        let operator = matches!(word, "AND" | "OR");
        match runs.last_mut() {
            Some(last) if joins || operator => {
                last.span.1 = e;
                last.joined |= operator;
            }
            _ => runs.push(Run {
                span: (s, e),
                joined: false,
            }),
        }
        joins = operator || word == "NOT";
    }
    Some(runs)
}

/// `text` with every run of several parts joined by operators bracketed, at every level of
/// brackets, so that the grammar gives each run a clause of its own. Text whose quotes or
/// brackets do not pair is returned as it is: the grammar refuses or reads it leniently,
/// as before.
pub(super) fn bracket_runs(text: &str) -> String {
    let Some(runs) = runs(text) else {
        return text.to_string();
    };
    let several = runs.len() > 1;
    let mut out = String::with_capacity(text.len() + 8);
    for (i, run) in runs.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let inner = in_groups(&text[run.span.0..run.span.1]);
        if several && run.joined {
            out.push('(');
            out.push_str(&inner);
            out.push(')');
        } else {
            out.push_str(&inner);
        }
    }
    out
}

/// `text` with the inside of each of its outer `( )` groups bracketed by [`bracket_runs`].
fn in_groups(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    // Where the current outer `(` group's inside starts.
    let mut group: Option<usize> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        let inside = group.is_some();
        match c {
            '\\' => {
                let escaped = chars.next();
                if !inside {
                    out.push(c);
                    out.extend(escaped.map(|(_, e)| e));
                }
                continue;
            }
            _ if quote == Some(c) => quote = None,
            _ if quote.is_some() => {}
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                if depth == 1 && c == '(' {
                    out.push(c);
                    group = Some(i + 1);
                    continue;
                }
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some(start) = group.take() {
                        out.push_str(&bracket_runs(&text[start..i]));
                    }
                }
            }
            _ => {}
        }
        if group.is_none() {
            out.push(c);
        }
    }
    if let Some(start) = group {
        // Left open: as typed.
        out.push_str(&text[start..]);
    }
    out
}

/// The parts of `text`'s outer level the counted set requires, as typed: each run, except
/// one that only excludes (`-word`, `NOT word`). Empty when the quotes or brackets do not
/// pair.
pub(super) fn required_parts(text: &str) -> Vec<&str> {
    let Some(runs) = runs(text) else {
        return Vec::new();
    };
    runs.iter()
        .map(|r| (&text[r.span.0..r.span.1], r.joined))
        .filter(|(part, joined)| *joined || !(part.starts_with('-') || part.starts_with("NOT ")))
        .map(|(part, _)| part)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_side_by_side_stay_apart_and_operators_join() {
        // tantivy's grammar reads `a b OR c` as `(*a ?b ?c)`, `a OR b c` as `(?a ?b *c)`
        // and `(a OR b) c` as `(*(?a ?b) *c)`: bracketed runs give every part its clause.
        assert_eq!(bracket_runs("a b OR c"), "a (b OR c)");
        assert_eq!(bracket_runs("a OR b c"), "(a OR b) c");
        assert_eq!(bracket_runs("(a OR b) c"), "(a OR b) c");
        assert_eq!(bracket_runs("a OR b c OR d"), "(a OR b) (c OR d)");
        assert_eq!(bracket_runs("a AND b c"), "(a AND b) c");
        assert_eq!(bracket_runs("a OR b"), "a OR b");
        assert_eq!(bracket_runs("x (a b OR c)"), "x (a (b OR c))");
        assert_eq!(bracket_runs("title:(a OR b c) d"), "title:((a OR b) c) d");
    }

    #[test]
    fn quotes_ranges_and_negations_are_one_part() {
        assert_eq!(bracket_runs("\"a b\" OR c d"), "(\"a b\" OR c) d");
        assert_eq!(
            bracket_runs("date:[1987-01-01 TO 1987-02-01] a OR b"),
            "date:[1987-01-01 TO 1987-02-01] (a OR b)"
        );
        assert_eq!(bracket_runs("a NOT b c"), "a NOT b c");
        assert_eq!(bracket_runs("a \"(b\" OR c"), "a (\"(b\" OR c)");
        assert_eq!(bracket_runs("a (b OR c"), "a (b OR c");
        assert_eq!(
            required_parts("cocoa -sugar prices OR tariffs NOT coffee +ghana"),
            vec!["cocoa", "prices OR tariffs", "+ghana"]
        );
    }
}
