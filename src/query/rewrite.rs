//! Rewrites of the query text before it is parsed: the field names users type, and
//! apostrophes as they type them.

/// `authors:` is what users call the field too; tantivy knows it as `author`.
pub(super) fn normalise_field_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_quotes = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = bytes[i];
        if c == b'"' {
            in_quotes = !in_quotes;
        }
        let at_start = i == 0 || matches!(bytes[i - 1], b' ' | b'(' | b'+' | b'-' | b'\t');
        if !in_quotes && at_start && text[i..].starts_with("authors:") {
            out.push_str("author:");
            i += "authors:".len();
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Apostrophes as users type them: tantivy's parser takes `'` for the start of a quoted
/// phrase, so `Pyongyang's` or `don't` failed to parse. Outside quotes, a possessive `'s`
/// (or a trailing `'`, as in `Jones'`) is dropped, so `Pyongyang's` finds the bare word as
/// the index does; an apostrophe inside a word (`don't`, `O'Neill`) is escaped and becomes
/// part of the word. A `'` opening a word with a closing one later still quotes a phrase
/// (`'interest rates'`), and quoted text is left as typed: there `'s` is part of the phrase.
pub(super) fn apostrophes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
    let mut out = String::with_capacity(text.len() + 4);
    let (mut in_double, mut in_single) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).and_then(|p| chars.get(p));
        let next = chars.get(i + 1);
        if c == '\\' {
            // An escape the user typed: kept with what it escapes.
            out.push(c);
            out.extend(next);
            i += 2;
            continue;
        }
        if c == '"' && !in_single {
            in_double = !in_double;
        }
        if in_double || (c != '\'' && c != '\u{2019}') {
            out.push(c);
            i += 1;
            continue;
        }
        let straight = c == '\'';
        if is_word(prev) && is_word(next) {
            if !in_single && matches!(next, Some('s' | 'S')) && !is_word(chars.get(i + 2)) {
                i += 2;
                continue;
            }
            if straight {
                out.push('\\');
            }
            out.push(c);
        } else if straight && in_single && is_word(prev) {
            // Closes the quoted phrase.
            in_single = false;
            out.push(c);
        } else if straight
            && !is_word(prev)
            && next.is_some_and(|n| !n.is_whitespace())
            && chars[i + 1..].contains(&'\'')
        {
            in_single = true;
            out.push(c);
        }
        // Otherwise a stray or trailing apostrophe: nothing to search for.
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_as_users_type_them() {
        for (typed, parsed) in [
            ("Pyongyang's missile", "Pyongyang missile"),
            ("Pyongyang\u{2019}s", "Pyongyang"),
            ("REAGAN'S budget", "REAGAN budget"),
            ("don't panic", "don\\'t panic"),
            ("O'Neill", "O\\'Neill"),
            ("Jones' house", "Jones house"),
            ("'interest rates'", "'interest rates'"),
            ("'Pyongyang's test'", "'Pyongyang\\'s test'"),
            (
                "\"Pyongyang's test\" nuclear",
                "\"Pyongyang's test\" nuclear",
            ),
            ("it's 'quoted' and Iran's", "it 'quoted' and Iran"),
            ("a ' stray", "a  stray"),
            ("title:Reuters's", "title:Reuters"),
            ("oil\\'s", "oil\\'s"),
        ] {
            assert_eq!(apostrophes(typed), parsed, "{typed}");
        }
    }

    #[test]
    fn authors_field_name_is_accepted() {
        assert_eq!(
            normalise_field_names("authors:oki \"authors:x\""),
            "author:oki \"authors:x\""
        );
    }
}
