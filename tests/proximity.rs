//! The proximity and frequency operators (`w/N`, `NEAR/N`, `pre/N`, `w/s`, `w/p`,
//! `atleastN`) end to end, on a generated archive whose word distances are known.

mod common;

use std::collections::BTreeSet;

use common::Archive;

/// The greatest distance the generated archive places between its two words.
const FAR: usize = 8;

/// Words that fill the bodies: none of them is searched for.
const FILLER: [&str; 4] = ["lorem", "ipsum", "dolor", "amet"];

/// `n` filler words.
fn filler(n: usize) -> String {
    (0..n)
        .map(|i| FILLER[i % FILLER.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `body` with a last paragraph of words of its own, so that no two articles are copies
/// of each other (which search lists as one).
fn unique(body: &str, label: &str) -> String {
    let own: Vec<String> = (0..12).map(|i| format!("{label}x{i}")).collect();
    format!("{body}\n\n{}.", own.join(" "))
}

/// An archive where article `fwdD` has `alpha` D words before `omega` (D = 1 is adjacent)
/// and `revD` has `omega` D words before `alpha`, all in one sentence; `sentD` has them D
/// words apart across a sentence break, `paraD` across a paragraph break.
fn distances() -> Archive {
    let a = Archive::new();
    for d in 1..=FAR {
        let gap = filler(d - 1);
        let join = |x: &str, y: &str, between: &str| {
            format!("{} {x} {between} {y} {}.", filler(3), filler(3)).replace("  ", " ")
        };
        a.article(
            &format!("fwd{d}.txt"),
            &format!("Report fwd{d}"),
            "",
            "2 March 1987",
            &unique(&join("alpha", "omega", &gap), &format!("fwd{d}")),
        );
        a.article(
            &format!("rev{d}.txt"),
            &format!("Report rev{d}"),
            "",
            "2 March 1987",
            &unique(&join("omega", "alpha", &gap), &format!("rev{d}")),
        );
        if d >= 2 {
            // The break falls after the first word between them.
            let between: Vec<String> = filler(d - 1).split(' ').map(String::from).collect();
            let after: Vec<String> = between[1..]
                .iter()
                .cloned()
                .chain(["omega".to_string()])
                .collect();
            let second = capitalised(&after.join(" "));
            let sentence = format!(
                "{} alpha {}. {second} {}.",
                filler(2),
                between[0],
                filler(2)
            );
            let paragraph = sentence.replacen(". ", ".\n\n", 1);
            a.article(
                &format!("sent{d}.txt"),
                &format!("Report sent{d}"),
                "",
                "3 April 1987",
                &unique(&sentence, &format!("sent{d}")),
            );
            a.article(
                &format!("para{d}.txt"),
                &format!("Report para{d}"),
                "",
                "3 April 1987",
                &unique(&paragraph, &format!("para{d}")),
            );
        }
    }
    // The title is a field, and a sentence, of its own.
    a.article(
        "title.txt",
        "Alpha omega summit",
        "",
        "4 May 1987",
        &filler(6),
    );
    a.article(
        "split.txt",
        "Alpha talks",
        "",
        "4 May 1987",
        &format!("omega {}.", filler(6)),
    );
    a.article(
        "twice.txt",
        "Alpha twice",
        "",
        "4 May 1987",
        &format!("{} alpha.", filler(4)),
    );
    a.index_json(&[]);
    a
}

/// The titles' labels (`fwd3`) of every hit (all of them: the archive has fewer than 100) of `query`, partial matches included.
fn matched(a: &Archive, query: &str, extra: &[&str]) -> BTreeSet<String> {
    let all = [extra, &["--limit", "100"]].concat();
    a.titles(query, &all)
        .into_iter()
        .map(|t| t.trim_start_matches("Report ").to_string())
        .collect()
}

/// The labels `prefix1..=prefixN`.
fn labels(prefix: &str, from: usize, n: usize) -> BTreeSet<String> {
    (from..=n).map(|d| format!("{prefix}{d}")).collect()
}

fn union(sets: &[BTreeSet<String>]) -> BTreeSet<String> {
    sets.iter().flatten().cloned().collect()
}

fn with(mut set: BTreeSet<String>, also: &[&str]) -> BTreeSet<String> {
    set.extend(also.iter().map(|s| s.to_string()));
    set
}

/// What `alpha w/N omega` finds in [`distances`].
fn within_set(n: usize) -> BTreeSet<String> {
    with(
        union(&[
            labels("fwd", 1, n),
            labels("rev", 1, n),
            labels("sent", 2, n),
            labels("para", 2, n),
        ]),
        &["Alpha omega summit"],
    )
}

#[test]
fn w_n_finds_the_words_at_most_n_apart_in_either_order() {
    let a = distances();
    for n in [1, 3] {
        let want = within_set(n);
        assert_eq!(
            matched(&a, &format!("alpha w/{n} omega"), &[]),
            want,
            "w/{n}"
        );
        assert_eq!(
            matched(&a, &format!("omega w/{n} alpha"), &[]),
            want,
            "w/{n} reversed"
        );
    }
}

#[test]
fn near_n_is_w_n_in_any_case() {
    let a = distances();
    for query in [
        "alpha NEAR/4 omega",
        "omega near/4 alpha",
        "alpha W/4 omega",
    ] {
        assert_eq!(matched(&a, query, &[]), within_set(4), "{query}");
    }
}

#[test]
fn pre_n_finds_the_first_word_before_the_second() {
    let a = distances();
    let forward = with(
        union(&[
            labels("fwd", 1, 4),
            labels("sent", 2, 4),
            labels("para", 2, 4),
        ]),
        &["Alpha omega summit"],
    );
    assert_eq!(matched(&a, "alpha pre/4 omega", &[]), forward);
    assert_eq!(matched(&a, "omega PRE/4 alpha", &[]), labels("rev", 1, 4));
}

#[test]
fn w_s_finds_the_words_in_one_sentence_whatever_their_distance() {
    let a = distances();
    let want = with(
        union(&[labels("fwd", 1, FAR), labels("rev", 1, FAR)]),
        &["Alpha omega summit"],
    );
    assert_eq!(matched(&a, "alpha w/s omega", &[]), want);
    assert_eq!(matched(&a, "omega W/S alpha", &[]), want);
}

#[test]
fn w_p_finds_the_words_in_one_paragraph_across_sentences() {
    let a = distances();
    let want = with(
        union(&[
            labels("fwd", 1, FAR),
            labels("rev", 1, FAR),
            labels("sent", 2, FAR),
        ]),
        &["Alpha omega summit"],
    );
    assert_eq!(matched(&a, "alpha w/p omega", &[]), want);
    assert_eq!(matched(&a, "omega w/P alpha", &[]), want);
}

#[test]
fn atleast_n_counts_the_title_and_body_together() {
    let a = distances();
    assert_eq!(
        matched(&a, "atleast2 alpha", &[]),
        ["Alpha twice"].map(String::from).into()
    );
    assert_eq!(matched(&a, "ATLEAST3 alpha", &[]), BTreeSet::new());
}

#[test]
fn a_title_word_is_never_near_a_body_word() {
    let a = distances();
    let hits = matched(&a, "alpha w/2 omega", &[]);
    assert!(!hits.contains("Alpha talks"), "{hits:?}");
    assert_eq!(
        matched(&a, "title:(alpha w/1 omega)", &[]),
        ["Alpha omega summit"].map(String::from).into()
    );
}

#[test]
fn operators_combine_with_and_not_dates_and_or_groups() {
    let a = distances();
    assert_eq!(
        matched(&a, "alpha w/2 omega AND date:1987-04", &[]),
        labels("sent", 2, 2)
            .into_iter()
            .chain(labels("para", 2, 2))
            .collect()
    );
    assert_eq!(
        matched(&a, "alpha w/2 omega -summit -sent2 -para2", &[]),
        union(&[labels("fwd", 1, 2), labels("rev", 1, 2)])
    );
    assert_eq!(
        matched(&a, "alpha pre/2 omega AND fwd2", &[]),
        labels("fwd", 2, 2)
    );
    assert_eq!(
        matched(&a, "(summit OR alpha) pre/1 (omega OR nothing)", &[]),
        with(labels("fwd", 1, 1), &["Alpha omega summit"])
    );
}

#[test]
fn the_matched_words_are_highlighted_and_the_operator_is_not() {
    let a = Archive::new();
    a.article(
        "cocoa.txt",
        "Cocoa talks",
        "",
        "2 March 1987",
        "The cocoa buffer stock talks near Accra went on.",
    );
    a.index_json(&[]);
    let r = a.search("cocoa NEAR/1 buffer", &[]);
    assert_eq!(r["total_hits"], 1, "{r}");
    assert_eq!(r["partial_hits"], 0, "{r}");
    let snippet = r["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<b>cocoa</b> <b>buffer</b>"), "{snippet}");
    assert!(!snippet.contains("<b>near</b>"), "{snippet}");
}

#[test]
fn malformed_operators_are_refused_in_one_line_naming_them() {
    let a = distances();
    for (query, name) in [
        ("alpha w/0 omega", "w/0"),
        ("w/5 omega", "w/5"),
        ("alpha NEAR/5", "NEAR/5"),
        ("alpha w/x omega", "w/x"),
        ("alpha near/ omega", "near/"),
        ("atleast0 alpha", "atleast0"),
        ("alpha pre/99999 omega", "pre/99999"),
    ] {
        let out = a.run(&["search", query]).code(2).get_output().clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{query}: {err}");
        assert!(err.contains(name), "{query}: {err}");
    }
}

#[test]
fn a_partial_match_names_the_expression_it_lacks_as_typed() {
    let a = distances();
    let r = a.search("alpha W/1 omega fwd2", &["--limit", "100"]);
    let missing = |label: &str| {
        r["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["title"] == format!("Report {label}"))
            .map(|h| h["missing"].clone())
            .unwrap()
    };
    assert_eq!(
        missing("fwd2"),
        serde_json::json!(["alpha W/1 omega"]),
        "{r}"
    );
    assert_eq!(missing("fwd1"), serde_json::json!(["fwd2"]), "{r}");
}

/// The Reuters-21578 corpus: `$DATELINE_REUTERS`, else `../shared/corpora/reuters21578`.
fn reuters() -> std::path::PathBuf {
    std::env::var_os("DATELINE_REUTERS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/reuters21578")
        })
}

/// Every `.txt` file under `dir`.
fn text_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            text_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
}

/// The positions of `word`'s stem in `text`, tokenised as the index tokenises the title
/// and body.
fn positions(text: &str, stem: &str) -> Vec<usize> {
    use tantivy::tokenizer::TokenStream;
    let mut analyzer = dateline::schema::text_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        if stream.token().text == stem {
            out.push(stream.token().position);
        }
    }
    out
}

fn stem(word: &str) -> String {
    use tantivy::tokenizer::TokenStream;
    let mut analyzer = dateline::schema::text_analyzer();
    let mut stream = analyzer.token_stream(word);
    assert!(stream.advance());
    stream.token().text.clone()
}

#[test]
#[ignore = "needs the Reuters-21578 corpus in ../shared/corpora (or $DATELINE_REUTERS)"]
fn reuters_proximity_matches_agree_with_a_count_over_the_raw_text() {
    use dateline::article::{parse_file, FileKind};
    let corpus = reuters();
    let a = Archive::new();
    a.cmd()
        .args(["index", "--index"])
        .arg(a.index())
        .arg(&corpus)
        .assert()
        .success();
    let mut files = Vec::new();
    text_files(&corpus, &mut files);
    // Each article's title and body as the index reads them, with its file name.
    let articles: Vec<(String, String, String)> = files
        .iter()
        .flat_map(|path| {
            let parsed = parse_file(FileKind::Text, &std::fs::read(path).unwrap());
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            parsed
                .records
                .into_iter()
                .map(move |r| (name.clone(), r.article.title, r.article.body))
        })
        .collect();
    // (left, operator, right, N, ordered)
    for (left, right, n, ordered) in [
        ("oil", "prices", 3, false),
        ("interest", "rates", 2, true),
        ("cocoa", "buffer", 10, false),
        ("wheat", "export", 5, true),
        ("bank", "england", 2, true),
        ("dollar", "yen", 1, false),
    ] {
        let op = if ordered { "pre" } else { "w" };
        let query = format!("{left} {op}/{n} {right}");
        let (l, r) = (stem(left), stem(right));
        let near = |text: &str| {
            let (ls, rs) = (positions(text, &l), positions(text, &r));
            ls.iter().any(|&x| {
                rs.iter()
                    .any(|&y| (y > x && y - x <= n) || (!ordered && x > y && x - y <= n))
            })
        };
        let want: BTreeSet<String> = articles
            .iter()
            .filter(|(_, title, body)| near(title) || near(body))
            .map(|(name, _, _)| name.clone())
            .collect();
        let out = a
            .cmd()
            .args(["search", &query, "--format", "jsonl", "--index"])
            .arg(a.index())
            .output()
            .unwrap();
        let got: BTreeSet<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|line| {
                let row: serde_json::Value = serde_json::from_str(line).unwrap();
                let path = row["path"].as_str().unwrap();
                path.rsplit('/').next().unwrap().to_string()
            })
            .collect();
        assert!(!want.is_empty(), "{query}: no article to compare");
        assert_eq!(got, want, "{query}");
    }
}
