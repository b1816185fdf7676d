//! End-to-end tests of `dateline search --format ris|csljson`: every match the export writes,
//! as citations that real readers load (rispy for RIS, pandoc's citeproc for CSL-JSON: the
//! `#[ignore]`d tests, run by `.ci/run`, which installs both).

mod common;

use std::process::Command;

use common::Archive;
use serde_json::{json, Value};

/// Three articles about cocoa (one dated and complete, one with hostile values, one
/// undated) and one about the weather.
fn cocoa() -> Archive {
    let a = Archive::new();
    let lines = [
        json!({"title": "Cocoa talks end in London",
               "authors": ["Ludwig van Beethoven", "John Roe, Jr."],
               "date": "1987-03-02", "body": "Cocoa delegates left the talks. Cocoa prices fell.",
               "url": "https://example.com/cocoa?a=1&b=2", "place": "London",
               "source": "The Cocoa Times"}),
        json!({"title": "Cocoa line one\nER  - \nTY  - JOUR\r\nAU  - Mallory, Eve",
               "authors": ["Madonna", "Jane\nDoe", "X\r\nER  - \r\nTY  - JOUR"],
               "date": "1987-03-03",
               "body": "Cocoa stocks rose.", "place": "Accra\nER  - ", "source": "Wire*Service"}),
        json!({"title": "Cocoa undated", "authors": "Ann Lee", "body": "Cocoa, undated."}),
        json!({"title": "Weather", "date": "1987-03-04", "body": "Rain again."}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    a.write("wire.jsonl", text);
    a.index_json(&[]);
    a
}

fn export(a: &Archive, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["search", "cocoa", "--sort", "oldest", "--format", format];
    args.extend_from_slice(extra);
    a.stdout(&args)
}

/// The ids the JSON Lines export writes, in its order.
fn exported_ids(a: &Archive) -> Vec<String> {
    export(a, "jsonl", &[])
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// The values of `tag` in a RIS record, in order.
fn tags<'a>(record: &'a str, tag: &str) -> Vec<&'a str> {
    let start = format!("{tag}  - ");
    record
        .split("\r\n")
        .filter_map(|l| l.strip_prefix(start.as_str()))
        .collect()
}

#[test]
fn ris_writes_a_record_per_match_in_the_exports_order() {
    let a = cocoa();
    let text = export(&a, "ris", &[]);
    assert!(text.ends_with("ER  - \r\n"), "{text:?}");
    // CR LF line ends only, as the spec asks: no bare CR or LF from a value.
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert_eq!(text.matches('\r').count(), text.matches("\r\n").count());
    let records: Vec<&str> = text.split_inclusive("ER  - \r\n").collect();
    let ids: Vec<String> = records
        .iter()
        .map(|r| tags(r, "ID").concat())
        .collect::<Vec<_>>();
    assert_eq!(ids, exported_ids(&a));
    let first = records[0];
    assert!(first.starts_with("TY  - NEWS\r\n"), "{first}");
    assert_eq!(tags(first, "TI"), ["Cocoa talks end in London"]);
    assert_eq!(
        tags(first, "AU"),
        ["van Beethoven, Ludwig", "Roe, John, Jr."]
    );
    assert_eq!(tags(first, "PY"), ["1987"]);
    assert_eq!(tags(first, "DA"), ["1987/03/02/"]);
    assert_eq!(tags(first, "T2"), ["The Cocoa Times"]);
    assert_eq!(tags(first, "CY"), ["London"]);
    assert_eq!(tags(first, "UR"), ["https://example.com/cocoa?a=1&b=2"]);
    // Every line of every record is a tag: no value started a line of its own.
    for line in text.split_terminator("\r\n") {
        assert!(
            line.len() >= 6 && &line[2..6] == "  - ",
            "{line:?} in {text}"
        );
    }
    let undated = records[2];
    assert!(tags(undated, "PY").is_empty() && tags(undated, "DA").is_empty());
}

#[test]
fn csljson_writes_one_array_in_the_exports_order() {
    let a = cocoa();
    let items: Value = serde_json::from_str(&export(&a, "csljson", &[])).unwrap();
    let items = items.as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, exported_ids(&a));
    assert_eq!(items[0]["type"], "article-newspaper");
    assert_eq!(items[0]["title"], "Cocoa talks end in London");
    assert_eq!(
        items[0]["author"],
        json!([{"family": "van Beethoven", "given": "Ludwig"},
               {"family": "Roe", "given": "John", "suffix": "Jr."}])
    );
    assert_eq!(items[0]["issued"], json!({"date-parts": [[1987, 3, 2]]}));
    assert_eq!(items[0]["container-title"], "The Cocoa Times");
    assert_eq!(items[0]["publisher-place"], "London");
    assert_eq!(items[0]["URL"], "https://example.com/cocoa?a=1&b=2");
    assert_eq!(items[1]["author"][0], json!({"literal": "Madonna"}));
    assert!(items[2].get("issued").is_none(), "{}", items[2]);
}

#[test]
fn no_match_is_an_empty_array_and_exit_1() {
    let a = cocoa();
    let out = a
        .run(&["search", "zebra", "--format", "csljson"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(out).unwrap(), "[]\n");
    a.run(&["search", "zebra", "--format", "ris"])
        .code(1)
        .stdout("");
}

#[test]
fn citations_refuse_partial_matches_they_cannot_mark() {
    let a = cocoa();
    for format in ["ris", "csljson"] {
        a.run(&["search", "cocoa", "--format", format, "--partial"])
            .code(2)
            .stdout("")
            .stderr(predicates::str::contains("use csv or jsonl"));
    }
}

#[test]
fn citations_refuse_kwic_and_counts_they_have_no_column_for() {
    let a = cocoa();
    for format in ["ris", "csljson"] {
        for extra in [&["--kwic"][..], &["--count", "c=cocoa"][..]] {
            let mut args = vec!["search", "cocoa", "--format", format];
            args.extend(extra);
            a.run(&args)
                .code(2)
                .stdout("")
                .stderr(predicates::str::contains(format!(
                    "{format} has no column for kwic or count: use csv or jsonl"
                )));
        }
    }
}

/// Runs `program args…` on `input` (given as a file path in `args` as `{}`), expecting
/// success; its standard output.
fn reader(program: &str, args: &[&str], input: &str, name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, input).unwrap();
    let path = path.to_str().unwrap();
    let args: Vec<String> = args.iter().map(|a| a.replace("{}", path)).collect();
    let out = Command::new(program)
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs ({e}): .ci/run installs it"));
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// rispy reads the file as RIS (universal newlines: a stray CR or LF in a value would
/// show) and prints its records as JSON.
const RISPY: &str = "import json, pathlib, sys, rispy
records = rispy.load(pathlib.Path(sys.argv[1]), encoding='utf-8')
print(json.dumps(records))";

#[test]
#[ignore = "needs rispy / pandoc, installed by .ci/run"]
fn rispy_reads_every_record() {
    let a = cocoa();
    let read = reader(
        "python3",
        &["-c", RISPY, "{}"],
        &export(&a, "ris", &[]),
        "x.ris",
    );
    let records: Value = serde_json::from_str(&read).unwrap();
    let records = records.as_array().unwrap();
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, exported_ids(&a));
    let first = &records[0];
    assert_eq!(first["type_of_reference"], "NEWS");
    assert_eq!(first["title"], "Cocoa talks end in London");
    assert_eq!(
        first["authors"],
        json!(["van Beethoven, Ludwig", "Roe, John, Jr."])
    );
    assert_eq!(first["year"], "1987");
    assert_eq!(first["date"], "1987/03/02/");
    assert_eq!(first["secondary_title"], "The Cocoa Times");
    assert_eq!(first["place_published"], "London");
    assert_eq!(first["urls"], json!(["https://example.com/cocoa?a=1&b=2"]));
    // The hostile record is one record, its values on their own tags.
    let hostile = &records[1];
    assert_eq!(
        hostile["title"],
        "Cocoa line one ER - TY - JOUR AU - Mallory, Eve"
    );
    assert_eq!(
        hostile["authors"],
        json!(["Madonna", "Doe, Jane", "X ER - TY - JOUR"])
    );
    assert_eq!(hostile["place_published"], "Accra ER -");
    assert_eq!(hostile["secondary_title"], "WireService");
    assert!(records[2].get("year").is_none(), "{}", records[2]);
    assert_eq!(records.len(), 3);
}

#[test]
#[ignore = "needs rispy / pandoc, installed by .ci/run"]
fn pandoc_citeproc_formats_every_item() {
    let a = cocoa();
    let csl = export(&a, "csljson", &[]);
    // pandoc reads the items as they are ...
    let read = reader(
        "pandoc",
        &["-f", "csljson", "-t", "csljson", "{}"],
        &csl,
        "x.json",
    );
    let items: Value = serde_json::from_str(&read).unwrap();
    let ids: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, exported_ids(&a));
    // ... and citeproc writes a bibliography of them (Chicago author-date, pandoc's default).
    let dir = tempfile::tempdir().unwrap();
    let bib = dir.path().join("refs.json");
    std::fs::write(&bib, &csl).unwrap();
    let doc = "---\nnocite: '@*'\n---\n";
    let bibliography = reader(
        "pandoc",
        &[
            "--citeproc",
            &format!("--bibliography={}", bib.display()),
            "-t",
            "plain",
            "--wrap=none",
            "{}",
        ],
        doc,
        "doc.md",
    );
    // Chicago puts a "van" after the given name, as citeproc knows it.
    for expected in [
        "Beethoven, Ludwig van",
        "John Roe Jr.",
        "1987",
        "Cocoa Talks End in London",
        "The Cocoa Times, March 2, 1987",
        "https://example.com/cocoa?a=1&b=2",
        "Madonna",
        "Lee, Ann",
        "n.d.",
    ] {
        assert!(
            bibliography.contains(expected),
            "{expected:?} in {bibliography}"
        );
    }
}
