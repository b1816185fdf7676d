//! End-to-end tests of `dateline search --format csv|jsonl`: every match, quoted properly,
//! and a quiet end when the reader closes the pipe.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use common::Archive;
use serde_json::Value;

/// 25 articles about quotas, one with a comma and quotes in its title and a dateline, and one
/// that does not match.
fn quotas() -> Archive {
    let a = Archive::new();
    for i in 1..=24 {
        a.article(
            &format!("q{i:02}.txt"),
            &format!("Quota report {i}"),
            "Ann Lee, Bob Stone",
            &format!("2017-03-{i:02}"),
            &"Export quotas were discussed. ".repeat(i),
        );
    }
    a.article(
        "tricky.txt",
        "Quotas, \"final\" round",
        "Jo Park",
        "",
        "LONDON (Reuters) - Quota talks ended.",
    );
    a.article("other.txt", "Weather", "", "2017-03-01", "Rain again.");
    a.index_json(&[]);
    a
}

fn export(a: &Archive, format: &str, extra: &[&str]) -> String {
    let out = a
        .cmd()
        .args(["search", "quota", "--format", format, "--index"])
        .arg(a.index())
        .args(extra)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn csv_has_every_match_quoted() {
    let a = quotas();
    let text = export(&a, "csv", &[]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "title",
            "authors",
            "date",
            "place",
            "source",
            "path",
            "line",
            "score",
            "member",
            "record",
            "url",
            "id",
            "collection",
            "partial",
            "missing"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    // Every match, though search shows 10 by default.
    assert_eq!(rows.len(), 25);
    let tricky = rows
        .iter()
        .find(|r| r[0].starts_with("Quotas,"))
        .expect("tricky title");
    assert_eq!(&tricky[0], "Quotas, \"final\" round");
    assert_eq!(&tricky[1], "Jo Park");
    assert_eq!(&tricky[2], "");
    assert_eq!(&tricky[3], "LONDON");
    assert_eq!(&tricky[4], "Reuters");
    assert_eq!(&tricky[5], "articles/tricky.txt");
    // The collection: the folder's name, as none was given.
    assert_eq!(&tricky[12], "articles");
    assert!(text.contains("\"Quotas, \"\"final\"\" round\""), "{text}");
    let report = rows.iter().find(|r| &r[0] == "Quota report 3").unwrap();
    assert_eq!(&report[1], "Ann Lee; Bob Stone");
    assert_eq!(&report[2], "2017-03-03");
    // Relevance order: scores never rise.
    let scores: Vec<f32> = rows.iter().map(|r| r[7].parse().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn bom_starts_the_csv_with_a_byte_order_mark_for_excel() {
    let a = quotas();
    a.article(
        "pound.txt",
        "Quota paid £5.05",
        "",
        "2017-03-02",
        "A quota.",
    );
    a.index_json(&[]);
    let plain = export(&a, "csv", &[]);
    let text = export(&a, "csv", &["--bom"]);
    // Excel reads UTF-8 only when the file starts with EF BB BF; the rest is unchanged.
    assert_eq!(text, format!("\u{feff}{plain}"));
    assert!(text.contains("£5.05"));
    let refused = a
        .cmd()
        .args(["search", "quota", "--format", "jsonl", "--bom", "--index"])
        .arg(a.index())
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    let refused = String::from_utf8(refused).unwrap();
    assert!(refused.contains("export as csv"), "{refused}");
}

#[test]
fn jsonl_has_every_match_with_author_arrays_in_sort_order() {
    let a = quotas();
    let text = export(&a, "jsonl", &["--sort", "oldest", "--limit", "3"]);
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 25);
    assert_eq!(rows[0]["title"], "Quota report 1");
    assert_eq!(rows[0]["date"], "2017-03-01");
    assert_eq!(
        rows[0]["authors"],
        serde_json::json!(["Ann Lee", "Bob Stone"])
    );
    assert_eq!(rows[23]["date"], "2017-03-24");
    // The undated article comes last.
    assert_eq!(rows[24]["title"], "Quotas, \"final\" round");
    assert_eq!(rows[24]["date"], Value::Null);
    assert_eq!(rows[24]["place"], "LONDON");
    for row in &rows {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        // The first eight, then member, record, url, id and collection, then partial and
        // missing.
        assert_eq!(keys.len(), 15, "{row}");
        assert_eq!(row["collection"], "articles", "{row}");
        assert!(row["score"].as_f64().unwrap() > 0.0, "{row}");
        assert_eq!(row["line"], Value::Null);
    }
}

#[test]
fn format_conflicts_with_json() {
    let a = quotas();
    a.run(&["search", "quota", "--format", "csv", "--json"])
        .failure();
    a.run(&["search", "quota", "--format", "xml"]).failure();
}

#[test]
fn a_closed_pipe_ends_the_export_cleanly() {
    let a = Archive::new();
    // Enough rows (about 1 MB) to overfill any pipe buffer.
    let mut lines = String::new();
    for i in 0..3000 {
        let title = format!("Quota story {i} {}", "long title words ".repeat(15));
        lines.push_str(
            &serde_json::json!({"title": title, "date": "2017-03-01", "body": "quota"}).to_string(),
        );
        lines.push('\n');
    }
    a.write("feed.jsonl", lines);
    a.index_json(&[]);
    for format in ["csv", "jsonl"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dateline"))
            .current_dir(a.root())
            .args(["search", "quota", "--format", format, "--index"])
            .arg(a.index())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        for _ in 0..2 {
            line.clear();
            out.read_line(&mut line).unwrap();
            assert!(
                line.contains("Quota story") || line.starts_with("title"),
                "{line}"
            );
        }
        drop(out);
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{format}: {status:?} {err}");
        assert_eq!(err, "", "{format}");
    }
}

/// Two articles with "cocoa quotas", two with "quotas" only.
fn cocoa_quotas() -> Archive {
    let a = Archive::new();
    a.article(
        "c1.txt",
        "Cocoa one",
        "",
        "2017-03-01",
        "Cocoa quotas agreed.",
    );
    a.article(
        "c2.txt",
        "Cocoa two",
        "",
        "2017-03-02",
        "Cocoa quotas agreed again.",
    );
    a.article(
        "q1.txt",
        "Quotas one",
        "",
        "2017-03-03",
        "Quotas quotas quotas.",
    );
    a.article(
        "q2.txt",
        "Quotas two",
        "",
        "2017-03-04",
        "Quotas discussed.",
    );
    a.index_json(&[]);
    a
}

fn export_query(a: &Archive, query: &str, extra: &[&str]) -> Vec<Value> {
    let out = a
        .cmd()
        .args(["search", query, "--format", "jsonl", "--index"])
        .arg(a.index())
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn exports_write_the_articles_with_every_word() {
    let a = cocoa_quotas();
    let rows = export_query(&a, "cocoa quotas", &[]);
    let titles: Vec<&str> = rows.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.iter().all(|t| t.starts_with("Cocoa")), "{titles:?}");
    assert!(rows.iter().all(|r| r["partial"] == false));
}

#[test]
fn partial_adds_the_partial_matches_after_them_marked() {
    let a = cocoa_quotas();
    for sort in ["relevance", "newest"] {
        let rows = export_query(&a, "cocoa quotas", &["--partial", "--sort", sort]);
        let marks: Vec<(bool, &str)> = rows
            .iter()
            .map(|r| {
                (
                    r["partial"].as_bool().unwrap(),
                    r["title"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(marks.len(), 4, "{sort}: {marks:?}");
        assert!(
            marks[..2].iter().all(|(p, t)| !p && t.starts_with("Cocoa")),
            "{marks:?}"
        );
        assert!(marks[2..].iter().all(|(p, _)| *p), "{marks:?}");
        assert_eq!(rows[3]["missing"], serde_json::json!(["cocoa"]));
    }
    let csv = export(&a, "csv", &[]);
    assert!(
        csv.lines().next().unwrap().ends_with(",partial,missing"),
        "{csv}"
    );
}

/// Runs `dateline search QUERY --format FORMAT --index IDX EXTRA...` and returns what it
/// printed on standard error and its exit code, for refusals.
fn refused(a: &Archive, query: &str, extra: &[&str]) -> String {
    let out = a
        .cmd()
        .args(["search", query, "--format", "csv", "--index"])
        .arg(a.index())
        .args(extra)
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}

/// The CSV's rows as maps from column to cell.
fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn kwic_is_the_passage_on_one_line_with_the_matched_words_marked() {
    let a = Archive::new();
    a.article(
        "k.txt",
        "Harvest news",
        "",
        "2017-03-01",
        "Ghana's cocoa\tcrop grew;\n\nCOCOA prices rose.\r\nRain fell.",
    );
    a.index_json(&[]);
    let rows = export_query(&a, "cocoa", &["--kwic"]);
    assert_eq!(
        rows[0]["kwic"],
        "Ghana's [cocoa] crop grew; [COCOA] prices rose. Rain fell."
    );
    // Added after every other field.
    let line = a.stdout(&["search", "cocoa", "--format", "jsonl", "--kwic"]);
    assert!(line.contains(r#""missing":[],"kwic":"Ghana"#), "{line}");
}

#[test]
fn kwic_escapes_the_texts_own_brackets() {
    let a = Archive::new();
    a.article("k.txt", "Note", "", "2017-03-01", "Cocoa [sic] up, a\\b.");
    a.index_json(&[]);
    let rows = export_query(&a, "cocoa", &["--kwic"]);
    assert_eq!(rows[0]["kwic"], "[Cocoa] \\[sic\\] up, a\\\\b.");
}

#[test]
fn kwic_marks_the_title_when_only_the_title_matches() {
    let a = Archive::new();
    a.article(
        "k.txt",
        "Cocoa talks",
        "",
        "2017-03-01",
        "Nothing more here.",
    );
    a.index_json(&[]);
    let rows = export_query(&a, "cocoa", &["--kwic"]);
    assert_eq!(rows[0]["kwic"], "[Cocoa] talks");
}

#[test]
fn kwic_is_the_last_csv_column_and_guarded_against_formulas() {
    let a = Archive::new();
    a.article(
        "k.txt",
        "Formula",
        "",
        "2017-03-01",
        "=SUM(quota) was typed.",
    );
    a.index_json(&[]);
    let text = export(&a, "csv", &["--kwic"]);
    assert!(
        text.lines().next().unwrap().ends_with(",missing,kwic"),
        "{text}"
    );
    let rows = csv_rows(&text);
    assert_eq!(rows[0]["kwic"], "'=SUM([quota]) was typed.");
    let raw = csv_rows(&export(&a, "csv", &["--kwic", "--csv-raw"]));
    assert_eq!(raw[0]["kwic"], "=SUM([quota]) was typed.");
}

/// A small deterministic generator, so the generated archive is the same on every run.
fn next(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *state >> 33
}

/// Each count of `(word forms, counted)`: how often any of the forms stands in `text`,
/// as a plain split on what is not a letter finds them, any case.
fn words_in(text: &str, forms: &[&str]) -> u64 {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| forms.iter().any(|f| w.eq_ignore_ascii_case(f)))
        .count() as u64
}

/// How often `first` is followed at once by `second` (any case), words split as above.
fn pairs_in(text: &str, first: &[&str], second: &[&str]) -> u64 {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let is = |w: &str, forms: &[&str]| forms.iter().any(|f| w.eq_ignore_ascii_case(f));
    words
        .windows(2)
        .filter(|p| is(p[0], first) && is(p[1], second))
        .count() as u64
}

#[test]
fn counts_agree_with_each_articles_text() {
    // Words in several forms and cases, in the title and the body, across sentences and
    // paragraphs.
    let vocabulary = [
        "cocoa",
        "Cocoa",
        "COCOAS",
        "butter",
        "Butter",
        "sugar",
        "sugars",
        "rain",
        "the",
        "markets.",
        "fell,",
        "\n\nPrices",
        "(cocoa",
        "butter)",
    ];
    let a = Archive::new();
    let mut state = 7;
    let mut texts = std::collections::HashMap::new();
    for i in 0..30 {
        let mut pick = |n: u64| -> String {
            (0..n)
                .map(|_| vocabulary[next(&mut state) as usize % vocabulary.len()])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let title = format!("Report {i} {}", pick(3));
        let body = format!("Cocoa report. {}", pick(40 + i));
        a.article(&format!("r{i:02}.txt"), &title, "", "2017-03-01", &body);
        texts.insert(format!("articles/r{i:02}.txt"), format!("{title}\n{body}"));
    }
    a.index_json(&[]);
    let rows = export_query(
        &a,
        "report",
        &[
            "--count",
            "cocoa=cocoa",
            "--count",
            "cb=\"cocoa butter\"",
            "--count",
            "either=sugar OR rain",
        ],
    );
    assert_eq!(rows.len(), 30);
    let cocoa = ["cocoa", "cocoas"];
    for row in &rows {
        let text = &texts[row["path"].as_str().unwrap()];
        assert_eq!(row["count:cocoa"], words_in(text, &cocoa), "{text}");
        assert_eq!(
            row["count:cb"],
            pairs_in(text, &cocoa, &["butter"]),
            "{text}"
        );
        assert_eq!(
            row["count:either"],
            words_in(text, &["sugar", "sugars", "rain"]),
            "{text}"
        );
    }
}

#[test]
fn a_count_leaves_out_the_words_its_query_excludes() {
    let a = cocoa_quotas();
    let rows = export_query(&a, "cocoa", &["--count", "q=quotas -cocoa"]);
    // "Cocoa quotas agreed.": one quota, the excluded cocoa not counted.
    assert!(rows.iter().all(|r| r["count:q"] == 1), "{rows:?}");
}

#[test]
fn a_count_with_a_field_counts_in_that_field_only() {
    let a = cocoa_quotas();
    let rows = export_query(
        &a,
        "quotas",
        &["--count", "t=title:quotas", "--count", "b=body:quotas"],
    );
    // "Quotas one": once in the title, three times in the body.
    let q1 = rows.iter().find(|r| r["title"] == "Quotas one").unwrap();
    assert_eq!((&q1["count:t"], &q1["count:b"]), (&1.into(), &3.into()));
}

#[test]
fn count_columns_come_last_in_the_order_given() {
    let a = cocoa_quotas();
    let text = export(
        &a,
        "csv",
        &["--kwic", "--count", "b=cocoa", "--count", "a=quota"],
    );
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",missing,kwic,count:b,count:a"),
        "{text}"
    );
    let rows = csv_rows(&text);
    // "Quotas one": "Quotas quotas quotas." and the title's.
    let q1 = rows.iter().find(|r| r["title"] == "Quotas one").unwrap();
    assert_eq!(q1["count:a"], "4");
    assert_eq!(q1["count:b"], "0");
}

#[test]
fn bad_counts_are_refused_in_one_line() {
    let a = cocoa_quotas();
    for (args, says) in [
        (&["--count", "cocoa"][..], "give LABEL=QUERY"),
        (
            &["--count", "c=cocoa", "--count", "c=quota"][..],
            "given twice",
        ),
        (&["--count", "c= "][..], "give a query after the ="),
        (&["--count", "=cocoa"][..], "give a label before the ="),
        (&["--count", "c=*"][..], "no words to count"),
        (&["--count", "c=\"cocoa"][..], "count 'c'"),
    ] {
        let err = refused(&a, "quota", args);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

/// 100 articles that match `quota`, each a different number of times, so that the
/// ranking orders them all.
fn hundred() -> Archive {
    let a = Archive::new();
    for i in 0..100 {
        a.article(
            &format!("h{i:03}.txt"),
            &format!("Story {i}"),
            "",
            "2017-03-01",
            &format!(
                "{} {}",
                "quota ".repeat(i % 7 + 1),
                "filler words ".repeat(i)
            ),
        );
    }
    a.index_json(&[]);
    a
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn sample(a: &Archive, n: u32, seed: u64) -> Vec<String> {
    let (n, seed) = (n.to_string(), seed.to_string());
    ids(&export_query(
        a,
        "quota",
        &["--sample", &n, "--seed", &seed],
    ))
}

#[test]
fn a_sample_is_the_same_for_the_same_seed() {
    let a = hundred();
    let first = sample(&a, 10, 42);
    assert_eq!(first.len(), 10);
    assert_eq!(sample(&a, 10, 42), first);
}

#[test]
fn another_seed_draws_another_sample() {
    let a = hundred();
    assert_ne!(sample(&a, 10, 1), sample(&a, 10, 2));
}

#[test]
fn a_sample_has_exactly_n_matches_in_rank_order() {
    let a = hundred();
    let all = ids(&export_query(&a, "quota", &[]));
    let drawn = sample(&a, 17, 5);
    assert_eq!(drawn.len(), 17);
    let ranks: Vec<usize> = drawn
        .iter()
        .map(|id| all.iter().position(|x| x == id).expect("a match"))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{ranks:?}");
}

#[test]
fn a_sample_larger_than_the_matches_writes_them_all() {
    let a = cocoa_quotas();
    let all = ids(&export_query(&a, "quota", &[]));
    let (n, seed) = ("50", "9");
    let drawn = ids(&export_query(&a, "quota", &["--sample", n, "--seed", seed]));
    assert_eq!(drawn, all);
}

#[test]
fn samples_are_uniform_over_the_ranking() {
    // Fixed seeds, so the outcome never changes from run to run: over 60 samples of 20 of
    // 100 ranked matches, the mean rank lies near the middle (49.5; its standard error is
    // under 0.8), and each quarter of the ranking is drawn about as often as the others.
    let a = hundred();
    let all = ids(&export_query(&a, "quota", &[]));
    let mut ranks = Vec::new();
    for seed in 0..60 {
        for id in sample(&a, 20, seed) {
            ranks.push(all.iter().position(|x| *x == id).unwrap());
        }
    }
    assert_eq!(ranks.len(), 1200);
    let mean = ranks.iter().sum::<usize>() as f64 / ranks.len() as f64;
    assert!((mean - 49.5).abs() < 3.0, "mean rank {mean}");
    for quarter in 0..4 {
        let n = ranks.iter().filter(|r| **r / 25 == quarter).count();
        assert!((240..=360).contains(&n), "quarter {quarter}: {n} of 1200");
    }
}

#[test]
fn a_seed_without_a_sample_and_a_sample_without_a_seed_are_refused() {
    let a = cocoa_quotas();
    assert!(refused(&a, "quota", &["--seed", "3"]).contains("--sample"));
    assert!(refused(&a, "quota", &["--sample", "3"]).contains("--seed"));
    assert!(refused(&a, "quota", &["--sample", "0", "--seed", "3"]).contains("--sample"));
}
