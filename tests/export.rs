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
