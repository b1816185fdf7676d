//! British and American spellings as one word: a token filter that rewrites British forms to
//! American ones at index and query time, so `denuclearisation` and `denuclearization`,
//! `colour` and `color`, `centre` and `center` find each other in both directions.
//!
//! Regular patterns are rules (-isation/-ise, -yse, -our, -tre/-bre, -lled/-lling/-ller,
//! -ogue); irregular words and words that only look like a pattern (`rise`, `four`, `acre`)
//! are listed. Tokens arrive lower-cased and ASCII-folded, before stemming.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Irregular British words and their American forms.
const IRREGULAR: &[(&str, &str)] = &[
    ("programme", "program"),
    ("programmes", "programs"),
    ("defence", "defense"),
    ("defences", "defenses"),
    ("offence", "offense"),
    ("offences", "offenses"),
    ("licence", "license"),
    ("licences", "licenses"),
    ("pretence", "pretense"),
    ("practise", "practice"),
    ("practised", "practiced"),
    ("practises", "practices"),
    ("practising", "practicing"),
    ("grey", "gray"),
    ("greys", "grays"),
    ("aluminium", "aluminum"),
    ("cheque", "check"),
    ("cheques", "checks"),
    ("plough", "plow"),
    ("ploughs", "plows"),
    ("mould", "mold"),
    ("moulds", "molds"),
    ("smoulder", "smolder"),
    ("manoeuvre", "maneuver"),
    ("manoeuvres", "maneuvers"),
    ("aeroplane", "airplane"),
    ("aeroplanes", "airplanes"),
    ("jewellery", "jewelry"),
    ("woollen", "woolen"),
    ("ageing", "aging"),
    ("judgement", "judgment"),
    ("judgements", "judgments"),
    ("acknowledgement", "acknowledgment"),
    ("enrol", "enroll"),
    ("enrols", "enrolls"),
    ("enrolment", "enrollment"),
    ("fulfil", "fulfill"),
    ("fulfils", "fulfills"),
    ("fulfilment", "fulfillment"),
    ("instalment", "installment"),
    ("instalments", "installments"),
    ("skilful", "skillful"),
    ("wilful", "willful"),
    ("sceptic", "skeptic"),
    ("sceptical", "skeptical"),
    ("scepticism", "skepticism"),
    ("draught", "draft"),
    ("pyjamas", "pajamas"),
    ("artefact", "artifact"),
    ("artefacts", "artifacts"),
    ("tyre", "tire"),
    ("tyres", "tires"),
    ("kerb", "curb"),
    ("storey", "story"),
    ("storeys", "stories"),
    ("paediatric", "pediatric"),
    ("anaemia", "anemia"),
    ("haemorrhage", "hemorrhage"),
    ("oestrogen", "estrogen"),
    ("encyclopaedia", "encyclopedia"),
    ("orthopaedic", "orthopedic"),
];

/// Words ending in -ise that are spelt so in American English too.
const ISE_KEPT: &[&str] = &[
    "advertise",
    "advise",
    "apprise",
    "arise",
    "braise",
    "bruise",
    "chastise",
    "circumcise",
    "comprise",
    "compromise",
    "concise",
    "cruise",
    "demise",
    "despise",
    "devise",
    "disguise",
    "enterprise",
    "excise",
    "exercise",
    "expertise",
    "franchise",
    "guise",
    "improvise",
    "incise",
    "merchandise",
    "mortise",
    "noise",
    "paradise",
    "poise",
    "praise",
    "appraise",
    "precise",
    "premise",
    "promise",
    "raise",
    "reprise",
    "revise",
    "rise",
    "sunrise",
    "supervise",
    "surmise",
    "surprise",
    "televise",
    "treatise",
    "uprise",
    "valise",
    "anise",
    "porpoise",
    "tortoise",
    "prise",
    "cerise",
    "denise",
    "louise",
    "elise",
    "eloise",
    "wise",
    "otherwise",
    "likewise",
    "clockwise",
];

/// Words ending in -our (with the base before -our of two letters or more) that American
/// English spells the same.
const OUR_KEPT: &[&str] = &[
    "flour",
    "scour",
    "contour",
    "devour",
    "detour",
    "amour",
    "paramour",
    "velour",
    "troubadour",
    "tambour",
    "glamour",
];

/// -tre/-bre/-gre words spelt so in American English too.
const RE_KEPT: &[&str] = &[
    "notre",
    "maitre",
    "timbre",
    "macabre",
    "ogre",
    "cadre",
    "genre",
    "acre",
    "massacre",
    "mediocre",
    "lucre",
    "euchre",
    "sabre-toothed",
];

/// Multi-syllable -el verbs that double the l in American English too.
const LL_KEPT: &[&str] = &[
    "compel", "propel", "expel", "repel", "dispel", "excel", "impel", "rebel", "befell",
];

/// -al words that double the l in British English only.
const AL_DOUBLED: &[&str] = &[
    "signal", "total", "dial", "equal", "initial", "pedal", "marshal", "rival", "metal", "spiral",
    "medal", "vial", "pencil", "stencil", "fuel",
];

fn vowel_groups(s: &str) -> usize {
    let mut groups = 0;
    let mut prev_vowel = false;
    for b in s.bytes() {
        let v = matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
        if v && !prev_vowel {
            groups += 1;
        }
        prev_vowel = v;
    }
    groups
}

/// Splits `word` into (base, suffix) where suffix is one of `suffixes` and base ends with
/// `ending`; tries longer suffixes first.
fn split<'a>(word: &'a str, ending: &str, suffixes: &[&'a str]) -> Option<(&'a str, &'a str)> {
    suffixes.iter().find_map(|suf| {
        let base = word.strip_suffix(suf)?;
        base.ends_with(ending).then_some((base, *suf))
    })
}

/// The American spelling of a lower-cased word, when it differs.
pub fn americanize(word: &str) -> Option<Cow<'static, str>> {
    let len = word.len();
    if len < 4 || !word.is_ascii() {
        return None;
    }
    // Every token of every article passes here: a hash lookup, not a scan of the list.
    static IRREGULAR_MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    let irregular = IRREGULAR_MAP.get_or_init(|| IRREGULAR.iter().copied().collect());
    if let Some(us) = irregular.get(word) {
        return Some(Cow::Borrowed(us));
    }
    // -isation, -ise, -ised, -ises, -ising, -iser(s) -> z; -yse likewise.
    if word.contains("is") || word.contains("ys") {
        if let Some((base, suf)) = split(
            word,
            "is",
            &[
                "ations", "ation", "ational", "ers", "er", "ing", "es", "ed", "e",
            ],
        ) {
            let (stem, ise_form) = (&base[..base.len() - 2], format!("{base}e"));
            let kept = ISE_KEPT.contains(&ise_form.as_str())
                || ise_form.ends_with("wise")
                || ISE_KEPT
                    .iter()
                    .any(|k| ise_form.ends_with(k) && k.len() >= 6);
            if !kept && stem.len() >= 3 {
                return Some(Cow::Owned(format!("{stem}iz{suf}")));
            }
        }
        if let Some((base, suf)) = split(word, "ys", &["ers", "er", "ing", "es", "ed", "e"]) {
            let stem = &base[..base.len() - 2];
            // analyse, paralyse, catalyse, dialyse: all -lyse.
            if stem.ends_with('l') && stem.len() >= 3 {
                return Some(Cow::Owned(format!("{stem}yz{suf}")));
            }
        }
    }
    // -our -> -or (colour, favourite, honourable, neighbourhood).
    if word.contains("our") {
        if let Some((base, suf)) = split(
            word,
            "our",
            &[
                "ites", "ite", "ably", "able", "hoods", "hood", "less", "ful", "ers", "er", "ing",
                "ed", "s", "",
            ],
        ) {
            let head = &base[..base.len() - 3];
            if head.len() >= 2 && !OUR_KEPT.iter().any(|k| base.ends_with(k)) {
                return Some(Cow::Owned(format!("{head}or{suf}")));
            }
        }
    }
    // -tre/-bre/-gre -> -ter/-ber/-ger (centre, metre, theatre, fibre, meagre).
    for (ending, swapped) in [("tre", "ter"), ("bre", "ber"), ("gre", "ger")] {
        if let Some((base, suf)) = split(word, ending, &["s", "d", ""]) {
            let head = &base[..base.len() - 3];
            if head.len() >= 2 && !RE_KEPT.iter().any(|k| base.ends_with(k)) {
                let suf = if suf == "d" { "ed" } else { suf };
                return Some(Cow::Owned(format!("{head}{swapped}{suf}")));
            }
        }
    }
    // -lled, -lling, -ller(s), -llor -> single l for unstressed -el/-al verbs.
    if word.contains("ll") {
        if let Some((base, suf)) = split(word, "ll", &["ed", "ing", "ers", "er", "ors", "or"]) {
            let single = &base[..base.len() - 1];
            let doubled_by_rule = single.ends_with("el")
                && vowel_groups(single) >= 2
                && !LL_KEPT.iter().any(|k| single.ends_with(k));
            let listed = AL_DOUBLED
                .iter()
                .any(|k| single.ends_with(k) && single.len() - k.len() < 3);
            if doubled_by_rule || listed {
                return Some(Cow::Owned(format!("{single}{suf}")));
            }
        }
    }
    // -ogue -> -og (catalogue, dialogue, analogue, catalogued).
    if let Some((base, suf)) = split(word, "ogue", &["s", "d", ""]).or_else(|| {
        word.strip_suffix("oguing")
            .map(|b| (&word[..b.len() + 4], "ing"))
    }) {
        let head = &base[..base.len() - 4];
        if head.len() >= 3 && !base.ends_with("synagogue") {
            let suf = if suf == "d" { "ed" } else { suf };
            return Some(Cow::Owned(format!("{head}og{suf}")));
        }
    }
    None
}

/// Token filter applying [`americanize`].
#[derive(Clone, Default)]
pub struct SpellingNormalizer;

impl TokenFilter for SpellingNormalizer {
    type Tokenizer<T: Tokenizer> = SpellingFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> SpellingFilter<T> {
        SpellingFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct SpellingFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for SpellingFilter<T> {
    type TokenStream<'a> = SpellingStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SpellingStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct SpellingStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for SpellingStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        if let Some(us) = americanize(&self.tail.token().text) {
            self.tail.token_mut().text = us.into_owned();
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::americanize;

    fn us(w: &str) -> String {
        americanize(w)
            .map(|c| c.into_owned())
            .unwrap_or_else(|| w.to_string())
    }

    #[test]
    fn british_forms_become_american() {
        for (uk, am) in [
            ("denuclearisation", "denuclearization"),
            ("organise", "organize"),
            ("organised", "organized"),
            ("organising", "organizing"),
            ("organisations", "organizations"),
            ("privatisation", "privatization"),
            ("recognise", "recognize"),
            ("analyse", "analyze"),
            ("analysed", "analyzed"),
            ("paralysing", "paralyzing"),
            ("defence", "defense"),
            ("colour", "color"),
            ("coloured", "colored"),
            ("favourite", "favorite"),
            ("honourable", "honorable"),
            ("neighbourhood", "neighborhood"),
            ("labour", "labor"),
            ("behaviour", "behavior"),
            ("centre", "center"),
            ("centres", "centers"),
            ("centred", "centered"),
            ("theatre", "theater"),
            ("kilometres", "kilometers"),
            ("fibre", "fiber"),
            ("meagre", "meager"),
            ("travelled", "traveled"),
            ("travelling", "traveling"),
            ("traveller", "traveler"),
            ("cancelled", "canceled"),
            ("modelling", "modeling"),
            ("labelled", "labeled"),
            ("signalled", "signaled"),
            ("totalled", "totaled"),
            ("fuelled", "fueled"),
            ("counsellor", "counselor"),
            ("catalogue", "catalog"),
            ("catalogued", "cataloged"),
            ("cataloguing", "cataloging"),
            ("dialogues", "dialogs"),
            ("programme", "program"),
            ("programmes", "programs"),
            ("jewellery", "jewelry"),
        ] {
            assert_eq!(us(uk), am, "{uk}");
        }
    }

    #[test]
    fn look_alikes_are_not_bent() {
        for w in [
            "rise",
            "rising",
            "wise",
            "otherwise",
            "four",
            "hour",
            "hours",
            "your",
            "pour",
            "tour",
            "tours",
            "flour",
            "contour",
            "devoured",
            "acre",
            "acres",
            "genre",
            "ogre",
            "massacre",
            "mediocre",
            "macabre",
            "advise",
            "advised",
            "exercise",
            "surprising",
            "promise",
            "revised",
            "compromise",
            "enterprise",
            "raise",
            "praised",
            "noise",
            "compelled",
            "excelled",
            "propelling",
            "controlled",
            "killed",
            "spelled",
            "called",
            "installed",
            "yelled",
            "rolled",
            "vogue",
            "rogue",
            "synagogue",
            "league",
            "is",
            "this",
            "crisis",
            "basis",
            "analysis",
            "courage",
            "journal",
            "source",
            "ours",
            "promised",
            "premises",
            "devise",
            "paradise",
            "snowballed",
            "footballer",
        ] {
            assert_eq!(us(w), w, "{w} must not change");
        }
    }

    #[test]
    fn american_forms_are_left_alone() {
        for w in [
            "organize", "color", "center", "traveled", "catalog", "defense", "program",
        ] {
            assert_eq!(us(w), w);
        }
    }
}
