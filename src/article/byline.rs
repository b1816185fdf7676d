//! Bylines: `By Toshimitsu Miyai, Seima Oki`, `BY JANE DOE AND JOHN ROE, Reuters`.

/// Agencies, outlets and staff labels that share a byline with the writers but are not
/// authors. Compared case-insensitively, after a trailing period is dropped.
const NOT_AUTHORS: &[&str] = &[
    "ap",
    "afp",
    "dpa",
    "upi",
    "efe",
    "ansa",
    "pti",
    "ians",
    "cnn",
    "bbc",
    "bbc news",
    "bloomberg",
    "bloomberg news",
    "associated press",
    "the associated press",
    "agence france-presse",
    "agence france presse",
    "united press international",
    "press association",
    "the canadian press",
    "canadian press",
    "kyodo",
    "kyodo news",
    "jiji press",
    "xinhua",
    "yonhap",
    "tass",
    "itar-tass",
    "interfax",
    "anadolu",
    "the japan news",
    "the new york times",
    "the washington post",
    "the guardian",
    "staff",
    "wire reports",
    "wire services",
    "news services",
    "news agencies",
    "agencies",
];

/// A trailing word that makes a byline part a job title ("Staff Writer", "AP Business
/// Writer", "Political Correspondent") rather than a name.
const ROLE_WORDS: &[&str] = &[
    "writer",
    "writers",
    "correspondent",
    "correspondents",
    "reporter",
    "reporters",
    "editor",
    "columnist",
    "contributor",
    "staff",
];

/// Name particles that are written in lower case (`Ludwig van Beethoven`).
const PARTICLES: &[&str] = &[
    "de", "da", "di", "do", "dos", "das", "du", "del", "della", "der", "den", "van", "von", "la",
    "le", "al", "el", "bin", "binti", "ibn", "y", "e", "ter", "ten", "af", "av", "zu", "st.",
];

/// Generational suffixes a comma separates from the name they belong to (`John Roe, Jr.`).
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// What a byline says: the people who wrote the story, and the source it credits when a
/// part of it names one (`Special to the New York Times`, `Associated Press Writer`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Byline {
    pub authors: Vec<String>,
    pub source: Option<String>,
}

/// Returns the authors named by a byline, or `None` when `line` is not a byline.
///
/// A byline starts with the word `By` (any case, optionally followed by a colon); the
/// rest must read as names (see `looks_like_name`), so a sentence like "By the end of the
/// year ..." is not taken for one. Authors are split on
/// commas, semicolons, `and` and `&`; agencies, roles and affiliations are dropped, which
/// can leave the list empty (`By Reuters`).
pub fn parse_byline(line: &str) -> Option<Vec<String>> {
    read_byline(line).map(|b| b.authors)
}

/// As [`parse_byline`], with the source the byline credits.
pub fn read_byline(line: &str) -> Option<Byline> {
    let line = line.trim();
    let head = line.get(..2)?;
    let rest = &line[2..];
    if !head.eq_ignore_ascii_case("by")
        || !rest.starts_with(|c: char| c.is_whitespace() || c == ':')
    {
        return None;
    }
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ':');
    // Longer than any realistic list of names: this is a sentence.
    if rest.is_empty() || rest.len() > 200 {
        return None;
    }
    let mut byline = Byline::default();
    for part in parts(rest) {
        match part {
            Part::Name(name) if looks_like_name(name) => push_name(&mut byline.authors, name),
            Part::Name(_) => return None,
            Part::Credit(source) => {
                byline.source = byline.source.or(source);
            }
        }
    }
    Some(byline)
}

/// A header line naming only agencies or outlets (`Reuters`, `AFP / Kyodo`): a credit
/// line, not a sentence and not authors.
pub(super) fn is_credit_line(line: &str) -> bool {
    let mut parts = line
        .split([',', ';', '&', '|', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .peekable();
    line.len() <= 80 && parts.peek().is_some() && parts.all(is_organisation)
}

/// Splits an author list given without the `By` (a JSON `authors` string) the way a byline
/// is split, without requiring the parts to look like names: the field says they are.
pub(super) fn split_authors(s: &str) -> Vec<String> {
    split_byline(s).authors
}

/// As [`split_authors`], with the source the list credits.
pub(super) fn split_byline(s: &str) -> Byline {
    let s = s.trim();
    let s = match s.get(..3) {
        Some(head) if head.eq_ignore_ascii_case("by ") => &s[3..],
        _ => s,
    };
    let mut byline = Byline::default();
    for part in parts(s) {
        match part {
            Part::Name(name) => push_name(&mut byline.authors, name),
            Part::Credit(source) => byline.source = byline.source.or(source),
        }
    }
    byline
}

fn push_name(authors: &mut Vec<String>, name: &str) {
    let bare = name.trim_end_matches('.');
    if SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(bare)) {
        if let Some(last) = authors.last_mut() {
            last.push_str(", ");
            last.push_str(name);
            return;
        }
    }
    authors.push(name.to_owned());
}

/// One part of an author list: a person's name, or a credit (an agency, a role, an
/// affiliation) with the source it names, if any.
enum Part<'a> {
    Name(&'a str),
    Credit(Option<String>),
}

/// The parts of an author list: split on `,` `;` `&` `|` `/` and the word `and`; a part
/// that is an organisation, a job title or an affiliation is a credit, and ` for <outlet>`
/// / ` in <place>` tails and role tails (`Jane Doe Staff Writer`) are cut from names.
fn parts(list: &str) -> impl Iterator<Item = Part<'_>> {
    list.split([',', ';', '&', '|', '/'])
        .enumerate()
        .flat_map(|(i, segment)| split_on_and(segment).map(move |part| (i, part)))
        .flat_map(|(i, part)| {
            let part = part.trim();
            if let Some(credit) = affiliation(part) {
                return [Some(Part::Credit(credit)), None];
            }
            let (part, outlet) = cut_at_word(part, "for");
            let outlet = outlet.map(|o| Part::Credit(Some(source_name(o))));
            let part = strip_agency_word(cut_at_word(part, "in").0.trim());
            let part = if ends_with_initial(part) {
                part
            } else {
                part.strip_suffix('.').unwrap_or(part).trim_end()
            };
            if part.is_empty() {
                return [outlet, None];
            }
            // Only the byline's first names can carry a title without a comma: after one, a
            // part ending in a role word is all title (`, New York Times Staff Writer`).
            let (name, role) = if i == 0 {
                strip_role_tail(part)
            } else {
                (part, None)
            };
            if is_organisation(name) {
                return [Some(Part::Credit(organisation_source(name))), outlet];
            }
            [
                Some(Part::Name(name)),
                outlet.or(role.map(|r| Part::Credit(Some(r)))),
            ]
        })
        .flatten()
}

/// Words that qualify a job title (`Senior Political Correspondent`, `AP Auto Writer`):
/// with a role word after them, never part of a name.
const ROLE_QUALIFIERS: &[&str] = &[
    "staff",
    "senior",
    "chief",
    "special",
    "associate",
    "assistant",
    "deputy",
    "contributing",
    "political",
    "business",
    "economics",
    "financial",
    "auto",
    "sports",
    "science",
    "medical",
    "health",
    "foreign",
    "diplomatic",
    "legal",
    "religion",
    "entertainment",
    "technology",
    "energy",
    "farm",
    "labor",
    "military",
    "national",
    "education",
    "environment",
    "aviation",
    "travel",
    "food",
    "art",
    "arts",
    "music",
    "film",
    "fashion",
    "investigative",
    "news",
    "managing",
    "executive",
    "city",
    "metro",
    "washington",
    "white",
    "house",
    "times",
    "associated",
    "press",
    "the",
    "ap",
    "upi",
    "afp",
    "reuters",
    "bloomberg",
    "cnn",
    "bbc",
];

/// The job title (or agency and title) a part is, when it is one, with the source it
/// names: `Associated Press Writer` (AP), `Special to the New York Times`, `Staff Writer`,
/// `Times Staff Writer`, `Correspondent`.
fn affiliation(part: &str) -> Option<Option<String>> {
    let lower = part.to_lowercase();
    for lead in ["special to ", "special for "] {
        if let Some(rest) = lower.strip_prefix(lead) {
            let outlet = part[lead.len()..].trim().trim_end_matches('.');
            return Some((!rest.trim().is_empty()).then(|| source_name(outlet)));
        }
    }
    let words: Vec<&str> = part.split_whitespace().collect();
    let last = words.last()?.trim_end_matches('.');
    if !ROLE_WORDS.iter().any(|r| r.eq_ignore_ascii_case(last)) {
        return None;
    }
    let titled = words[..words.len() - 1]
        .iter()
        .all(|w| ROLE_QUALIFIERS.iter().any(|q| q.eq_ignore_ascii_case(w)));
    titled.then(|| agency_in(&lower))
}

/// Cuts a job title off the end of a name written without a comma before it (`JANE DOE
/// Associated Press Writer`, `Jane Doe Staff Writer`), with the source it names.
fn strip_role_tail(part: &str) -> (&str, Option<String>) {
    let words: Vec<(usize, &str)> = part
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - part.as_ptr() as usize, w))
        .collect();
    let Some(&(_, last)) = words.last() else {
        return (part, None);
    };
    if words.len() < 3 || !ROLE_WORDS.iter().any(|r| r.eq_ignore_ascii_case(last)) {
        return (part, None);
    }
    let mut start = words.len() - 1;
    while start > 0
        && ROLE_QUALIFIERS
            .iter()
            .any(|q| q.eq_ignore_ascii_case(words[start - 1].1))
    {
        start -= 1;
    }
    // A name of at least two words must be left (`Jane Writer` stays for
    // `is_organisation`), and a qualifier must show the tail is a title (`Global Markets
    // Correspondent` is one whole).
    if start < 2 || start == words.len() - 1 {
        return (part, None);
    }
    let at = words[start].0;
    (part[..at].trim_end(), agency_in(&part[at..].to_lowercase()))
}

/// The agency a title names (`associated press writer`, `ap auto writer`), as datelines
/// credit it.
fn agency_in(lower: &str) -> Option<String> {
    let words: Vec<&str> = lower.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    let source = if lower.contains("associated press") || has("ap") {
        "AP"
    } else if has("reuters") {
        "Reuters"
    } else if lower.contains("united press") || has("upi") {
        "UPI"
    } else if has("afp") {
        "AFP"
    } else if has("bloomberg") {
        "Bloomberg"
    } else {
        return None;
    };
    Some(source.to_owned())
}

/// The source an organisation part names (`Reuters`, `Associated Press` as AP, `BBC
/// News`); none for generic credits (`Staff`, `Agencies`) and job titles.
fn organisation_source(part: &str) -> Option<String> {
    let bare = part.trim_end_matches('.');
    let lower = bare.to_lowercase();
    if lower.starts_with("reuter") && !lower.contains(' ') {
        return Some("Reuters".to_owned());
    }
    let last = lower.rsplit(' ').next().unwrap_or(&lower);
    let generic = ROLE_WORDS.contains(&last)
        || matches!(
            lower.as_str(),
            "wire reports" | "wire services" | "news services" | "news agencies" | "agencies"
        );
    (!generic).then(|| source_name(bare))
}

/// An outlet as a byline names it (`the New York Times`), as a source: agencies as
/// datelines credit them, other names with their first letter capitalised.
fn source_name(outlet: &str) -> String {
    let outlet = outlet.trim().trim_end_matches('.');
    if let Some(agency) = agency_in(&outlet.to_lowercase()).filter(|_| is_organisation(outlet)) {
        return agency;
    }
    let mut chars = outlet.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Agencies written without a comma after the name (`By Brad Schade Reuters`): only the
/// spellings no surname shares, so `Michael Bloomberg` stays whole.
const AGENCY_WORDS: &[&str] = &["AP", "AFP", "UPI", "DPA", "EFE", "ANSA", "PTI", "IANS"];

fn strip_agency_word(part: &str) -> &str {
    let Some((name, last)) = part.rsplit_once(char::is_whitespace) else {
        return part;
    };
    let last = last.trim_end_matches('.');
    let reuters = last
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("reuters"));
    if reuters || AGENCY_WORDS.contains(&last) {
        name.trim_end()
    } else {
        part
    }
}

/// `J.` in `John Q.` keeps its period; `Reuters.` at the end of a line does not.
fn ends_with_initial(part: &str) -> bool {
    let last = part.rsplit(char::is_whitespace).next().unwrap_or(part);
    let letters = last.trim_end_matches('.').chars().count();
    letters <= 2
}

fn split_on_and(part: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(part);
    std::iter::from_fn(move || {
        let s = rest?;
        match find_word(s, "and") {
            Some((start, end)) => {
                rest = Some(&s[end..]);
                Some(&s[..start])
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// Cuts `s` before the first whole-word, case-sensitive lower-case `word` ("for", "in"):
/// inside a name these words are never lower case, so what follows is an outlet or place,
/// returned second.
fn cut_at_word<'a>(s: &'a str, word: &str) -> (&'a str, Option<&'a str>) {
    let mut from = 0;
    while let Some(i) = s[from..].find(word) {
        let start = from + i;
        let end = start + word.len();
        let before = s[..start].chars().next_back();
        let after = s[end..].chars().next();
        if before.is_some_and(char::is_whitespace) && after.is_some_and(char::is_whitespace) {
            let tail = s[end..].trim();
            return (&s[..start], (!tail.is_empty()).then_some(tail));
        }
        from = end;
    }
    (s, None)
}

/// Finds `word` (ASCII, any case) standing alone: at the start or after whitespace, and
/// followed by whitespace or the end. Returns its byte range.
fn find_word(s: &str, word: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let n = word.len();
    let mut i = 0;
    while i + n <= b.len() {
        let starts = i == 0 || b[i - 1].is_ascii_whitespace();
        let ends = i + n == b.len() || b[i + n].is_ascii_whitespace();
        if starts && ends && b[i..i + n].eq_ignore_ascii_case(word.as_bytes()) {
            return Some((i, i + n));
        }
        i += 1;
    }
    None
}

fn is_organisation(part: &str) -> bool {
    let bare = part.trim_end_matches('.');
    // Any one word starting "Reuter" (Reuter, Reuters, and typos like "Reutersd").
    let one_word = !bare.contains(char::is_whitespace);
    if one_word
        && bare
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case("reuter"))
    {
        return true;
    }
    if NOT_AUTHORS.iter().any(|o| o.eq_ignore_ascii_case(bare)) {
        return true;
    }
    let last = bare.rsplit(char::is_whitespace).next().unwrap_or(bare);
    ROLE_WORDS.iter().any(|r| r.eq_ignore_ascii_case(last))
}

/// Words that show a lower-case "By ..." line is a sentence ("By the end of ...", "by far
/// the best") rather than names typed without capitals ("By keith grant").
const NOT_NAME_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "all",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "but",
    "by",
    "contrast",
    "day",
    "default",
    "definition",
    "end",
    "far",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "his",
    "i",
    "if",
    "in",
    "is",
    "it",
    "its",
    "last",
    "law",
    "means",
    "more",
    "most",
    "my",
    "next",
    "no",
    "not",
    "now",
    "of",
    "on",
    "one",
    "or",
    "our",
    "over",
    "she",
    "so",
    "some",
    "than",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "time",
    "to",
    "today",
    "up",
    "us",
    "was",
    "way",
    "we",
    "week",
    "were",
    "what",
    "when",
    "which",
    "who",
    "will",
    "with",
    "year",
    "years",
    "you",
    "your",
];

/// One to six words, each capitalised (any script without case counts), a known
/// lower-case particle, or particle-prefixed (`d'Ancona`, `al-Assad`); letters, periods,
/// hyphens and apostrophes only. A name typed all in lower case (a real Reuters byline
/// reads "By keith grant") passes when it has two to four words none of which reads as
/// ordinary English (a function word, an -ing or -ly word).
fn looks_like_name(name: &str) -> bool {
    let mut words = 0;
    let mut lower_case = 0;
    for word in name.split_whitespace() {
        words += 1;
        if words > 6
            || !word
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
        {
            return false;
        }
        let Some(first) = word.chars().next() else {
            return false;
        };
        let capitalised = first.is_alphabetic() && !first.is_lowercase();
        let particle = PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(word));
        let prefixed = word
            .find(['\'', '’', '-'])
            .is_some_and(|i| i <= 3 && word[i..].chars().nth(1).is_some_and(char::is_uppercase));
        if !(capitalised || particle || prefixed) {
            let english =
                NOT_NAME_WORDS.contains(&word) || word.ends_with("ing") || word.ends_with("ly");
            if english {
                return false;
            }
            lower_case += 1;
        }
    }
    lower_case == 0 || (lower_case == words && (2..=4).contains(&words))
}

/// A name written all in capitals (`JOHN O'NEILL-SMITH`) in name case (`John O'Neill-Smith`);
/// any other name as it is.
pub(crate) fn name_case(name: &str) -> String {
    if name.chars().any(char::is_lowercase) || !name.chars().any(char::is_uppercase) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if start {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    // Particles stay lower case inside a name (`Ludwig van Beethoven`).
    let words: Vec<&str> = out.split(' ').collect();
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0
                && i < last
                && matches!(
                    lower.as_str(),
                    "van" | "von" | "de" | "der" | "den" | "da" | "di" | "du" | "del" | "la" | "le"
                )
            {
                lower
            } else {
                (*w).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A person's name as reference managers file it: `family` (with its particles, `van
/// Beethoven`), `given`, and a generational `suffix` (`Jr.`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameParts {
    pub family: String,
    pub given: String,
    pub suffix: Option<String>,
}

/// Splits an author's name into family and given names: the last word is the family name,
/// with the lower-case particles before it (`Ludwig van Beethoven`, `Maria de la Cruz`), a
/// suffix after a comma or as the last word is kept apart (`John Roe, Jr.`), and a name
/// already written `Family, Given` is read that way. `None` when it cannot be split with
/// confidence: one word (`Madonna`, `山田太郎`), more than six, or characters no name has
/// (digits, `@`, brackets); such a name is best given whole.
pub fn split_name(name: &str) -> Option<NameParts> {
    let name = crate::article::collapse(name);
    let is_suffix = |word: &str| {
        let bare = word.trim_end_matches('.');
        SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(bare))
    };
    let (mut rest, mut suffix) = (name.as_str(), None);
    if let Some((before, last)) = rest.rsplit_once(',') {
        if is_suffix(last.trim()) {
            (rest, suffix) = (before.trim_end(), Some(last.trim().to_owned()));
        }
    }
    if suffix.is_none() {
        if let Some((before, last)) = rest.rsplit_once(' ') {
            // Two words are a name (`Ray Ii`); a third makes the last one a suffix.
            if is_suffix(last) && before.contains(' ') {
                (rest, suffix) = (before, Some(last.to_owned()));
            }
        }
    }
    let name_like = |part: &str| {
        let words = part.split(' ').count();
        (1..=6).contains(&words)
            && part
                .split(' ')
                .all(|word| word.chars().any(char::is_alphabetic))
            && part
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\'' | '’'))
    };
    let parts = |family: &str, given: &str| NameParts {
        family: family.trim().to_owned(),
        given: given.trim().to_owned(),
        suffix: suffix.clone(),
    };
    if let Some((family, given)) = rest.split_once(',') {
        let (family, given) = (family.trim(), given.trim());
        return (name_like(family) && name_like(given) && family.split(' ').count() <= 3)
            .then(|| parts(family, given));
    }
    if !name_like(rest) {
        return None;
    }
    let words: Vec<&str> = rest.split(' ').collect();
    if words.len() < 2 {
        return None;
    }
    let mut first_family = words.len() - 1;
    let particle = |w: &str| {
        PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(w)) && !matches!(w, "y" | "e" | "Y" | "E")
    };
    while first_family > 1 && particle(words[first_family - 1]) {
        first_family -= 1;
    }
    Some(parts(
        &words[first_family..].join(" "),
        &words[..first_family].join(" "),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(line: &str) -> Option<Vec<String>> {
        parse_byline(line)
    }

    fn names(list: &[&str]) -> Option<Vec<String>> {
        Some(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn single_and_listed_authors() {
        assert_eq!(by("By A"), names(&["A"]));
        assert_eq!(by("BY A"), names(&["A"]));
        assert_eq!(by("by A"), names(&["A"]));
        assert_eq!(by("By: Jane Doe"), names(&["Jane Doe"]));
        assert_eq!(
            by("By Toshimitsu Miyai, Seima Oki"),
            names(&["Toshimitsu Miyai", "Seima Oki"])
        );
        assert_eq!(by("By A and B"), names(&["A", "B"]));
        assert_eq!(by("By A, B and C"), names(&["A", "B", "C"]));
        assert_eq!(by("By A, B, and C"), names(&["A", "B", "C"]));
        assert_eq!(by("By A & B"), names(&["A", "B"]));
        assert_eq!(
            by("By Stephen Jukes And Philip Shehadi, Reuters"),
            names(&["Stephen Jukes", "Philip Shehadi"])
        );
        assert_eq!(
            by("BY JANE DOE AND JOHN ROE"),
            names(&["JANE DOE", "JOHN ROE"])
        );
    }

    #[test]
    fn agencies_and_titles_are_not_authors() {
        assert_eq!(by("By John Smith, Reuters"), names(&["John Smith"]));
        assert_eq!(
            by("By Colin Brinsden, Reuters."),
            names(&["Colin Brinsden"])
        );
        assert_eq!(by("By Cal Mankowski, Reutersd"), names(&["Cal Mankowski"]));
        assert_eq!(by("By Jane Doe, Associated Press"), names(&["Jane Doe"]));
        assert_eq!(by("By Jane Doe, AP"), names(&["Jane Doe"]));
        assert_eq!(by("By Jane Doe, AFP"), names(&["Jane Doe"]));
        assert_eq!(by("By Jane Doe, Bloomberg"), names(&["Jane Doe"]));
        assert_eq!(by("By Jane Doe, BBC News"), names(&["Jane Doe"]));
        assert_eq!(by("By JANE DOE, AP Business Writer"), names(&["JANE DOE"]));
        assert_eq!(by("By Jane Doe, Staff Writer"), names(&["Jane Doe"]));
        assert_eq!(by("By Jane Doe for The Japan News"), names(&["Jane Doe"]));
        assert_eq!(by("By Jane Doe in Tokyo"), names(&["Jane Doe"]));
        assert_eq!(by("By Brad Schade Reuters"), names(&["Brad Schade"]));
        assert_eq!(by("By Jane Doe AP"), names(&["Jane Doe"]));
        assert_eq!(by("By Michael Bloomberg"), names(&["Michael Bloomberg"]));
        assert_eq!(by("By Paul Reuter"), names(&["Paul Reuter"]));
        assert_eq!(by("By Reuters"), Some(vec![]));
        assert_eq!(by("By Reuters Staff"), Some(vec![]));
    }

    #[test]
    fn roles_and_affiliations_are_not_authors_but_name_the_source() {
        let read = |line: &str| {
            let b = read_byline(line).unwrap();
            (b.authors, b.source)
        };
        let one =
            |name: &str, source: Option<&str>| (vec![name.to_owned()], source.map(str::to_owned));
        assert_eq!(
            read("By JO WINTERBOTTOM, Special to the New York Times"),
            one("JO WINTERBOTTOM", Some("The New York Times"))
        );
        assert_eq!(
            read("By JANE DOE, Associated Press Writer"),
            one("JANE DOE", Some("AP"))
        );
        assert_eq!(
            read("By JANE DOE Associated Press Writer"),
            one("JANE DOE", Some("AP"))
        );
        assert_eq!(
            read("By JANE DOE, Ap Auto Writer"),
            one("JANE DOE", Some("AP"))
        );
        assert_eq!(read("By Jane Doe, Staff Writer"), one("Jane Doe", None));
        assert_eq!(
            read("By JANE DOE, New York Times Staff Writer"),
            one("JANE DOE", None)
        );
        assert_eq!(
            read("By Jane Doe Times Staff Writer"),
            one("Jane Doe", None)
        );
        assert_eq!(read("By Jane Doe, Correspondent"), one("Jane Doe", None));
        assert_eq!(
            read("By Jane Doe, Senior Political Correspondent"),
            one("Jane Doe", None)
        );
        assert_eq!(
            read("By Jane Doe, Reuters"),
            one("Jane Doe", Some("Reuters"))
        );
        assert_eq!(
            read("By Jane Doe for The Japan News"),
            one("Jane Doe", Some("The Japan News"))
        );
        assert_eq!(
            read("By JOHN ROE and JANE DOE, Special to The Washington Post"),
            (
                vec!["JOHN ROE".to_owned(), "JANE DOE".to_owned()],
                Some("The Washington Post".to_owned())
            )
        );
        assert_eq!(
            split_byline("Jane Doe, Special to the New York Times"),
            Byline {
                authors: vec!["Jane Doe".to_owned()],
                source: Some("The New York Times".to_owned())
            }
        );
        assert_eq!(by("By Jane Writer"), Some(vec![]));
    }

    #[test]
    fn names_keep_their_particles_and_suffixes() {
        assert_eq!(by("By Mark O'Neill"), names(&["Mark O'Neill"]));
        assert_eq!(by("By Solange De Santis"), names(&["Solange De Santis"]));
        assert_eq!(
            by("By Ludwig van Beethoven"),
            names(&["Ludwig van Beethoven"])
        );
        assert_eq!(by("By Chen Chien-kuo"), names(&["Chen Chien-kuo"]));
        assert_eq!(by("By Bashar al-Assad"), names(&["Bashar al-Assad"]));
        assert_eq!(by("By John Q. Public"), names(&["John Q. Public"]));
        assert_eq!(by("By John Roe, Jr., Reuters"), names(&["John Roe, Jr."]));
        assert_eq!(by("By Anna Müller"), names(&["Anna Müller"]));
        assert_eq!(by("By Ana Ñúñez"), names(&["Ana Ñúñez"]));
        assert_eq!(by("By 山田太郎"), names(&["山田太郎"]));
        assert_eq!(by("By keith grant"), names(&["keith grant"]));
        assert_eq!(
            by("by jane doe and john roe, reuters"),
            names(&["jane doe", "john roe"])
        );
    }

    #[test]
    fn sentences_are_not_bylines() {
        for line in [
            "By the end of the year, prices had doubled.",
            "By 2007, Japan's population is expected to peak",
            "By contrast Netcraft's four monitoring stations",
            "By far the most satisfying element",
            "By playing games, like pass-the-parcel",
            "by early 2005 the net could have two new domain names",
            "by contrast",
            "By the way",
            "by john Smith",
            "Byline Jane Doe",
            "By",
            "By ",
            "Bypass road closed",
            "The story by Jane Doe",
            "By John Smith said the company would grow 5% in 2017",
            "",
            "B",
            "Bé",
        ] {
            assert_eq!(by(line), None, "{line:?}");
        }
    }

    #[test]
    fn credit_lines() {
        assert!(is_credit_line("Reuters"));
        assert!(is_credit_line("AFP / Kyodo"));
        assert!(is_credit_line("The Associated Press"));
        assert!(!is_credit_line(
            "Reuters reported on Friday that prices rose"
        ));
        assert!(!is_credit_line("Jane Doe"));
        assert!(!is_credit_line(" , "));
    }

    #[test]
    fn author_strings_split_like_bylines() {
        assert_eq!(
            split_authors("Jane Doe and John Roe, Reuters"),
            vec!["Jane Doe", "John Roe"]
        );
        assert_eq!(split_authors("by jane doe"), vec!["jane doe"]);
        assert_eq!(split_authors("  "), Vec::<String>::new());
    }

    #[test]
    fn names_split_into_family_and_given() {
        let split = |name: &str| {
            split_name(name).map(|p| (p.family, p.given, p.suffix.unwrap_or_default()))
        };
        let parts = |f: &str, g: &str, s: &str| Some((f.into(), g.into(), s.into()));
        assert_eq!(split("Jane Doe"), parts("Doe", "Jane", ""));
        assert_eq!(split("  John   Q. Public "), parts("Public", "John Q.", ""));
        assert_eq!(split("J. K. Rowling"), parts("Rowling", "J. K.", ""));
        assert_eq!(
            split("Ludwig van Beethoven"),
            parts("van Beethoven", "Ludwig", "")
        );
        assert_eq!(split("Maria de la Cruz"), parts("de la Cruz", "Maria", ""));
        assert_eq!(
            split("Solange De Santis"),
            parts("De Santis", "Solange", "")
        );
        assert_eq!(split("Jan van der Berg"), parts("van der Berg", "Jan", ""));
        assert_eq!(split("Bashar al-Assad"), parts("al-Assad", "Bashar", ""));
        assert_eq!(split("Mark O'Neill"), parts("O'Neill", "Mark", ""));
        assert_eq!(split("John Roe, Jr."), parts("Roe", "John", "Jr."));
        assert_eq!(split("John Roe Jr"), parts("Roe", "John", "Jr"));
        assert_eq!(
            split("Martin Luther King III"),
            parts("King", "Martin Luther", "III")
        );
        assert_eq!(split("Doe, Jane"), parts("Doe", "Jane", ""));
        assert_eq!(split("van Gogh, Vincent"), parts("van Gogh", "Vincent", ""));
        assert_eq!(split("JANE DOE"), parts("DOE", "JANE", ""));
        assert_eq!(split("Anna Müller"), parts("Müller", "Anna", ""));
        // A particle never takes the whole given name.
        assert_eq!(split("Van Morrison"), parts("Morrison", "Van", ""));
        for whole in [
            "Madonna",
            "山田太郎",
            "",
            "   ",
            "R2 D2",
            "jane@example.com",
            "Staff (Reuters)",
            "One Two Three Four Five Six Seven",
            "Doe, Jane, Q, Public",
            "X ER - TY - JOUR",
            ",",
            "Jr.",
        ] {
            assert_eq!(split(whole), None, "{whole:?}");
        }
    }
}
