//! End-to-end tests of where each article came from: `dateline show ID|PATH`, article ids
//! in every hit and exported row, `similar ID`, and JSON Lines `url`/`place`/`source`.

mod common;

use common::Archive;
use predicates::prelude::*;
use serde_json::Value;

const GOLD: &str = r#"{"title": "Gold mine strike ends", "authors": ["Jo Park"], "date": "2017-03-18", "body": "Miners\treturned to work on Monday.\n\nThe strike at the gold mine had lasted six weeks.", "url": "https://example.com/gold", "place": "Johannesburg", "source": "Mining Weekly"}"#;
const COPPER: &str = r#"{"title": "Copper price rises", "date": "2017-03-19", "body": "Copper rose on strike fears at the mine."}"#;

/// A text article, and a JSON Lines file with a gold story on line 1 and copper on line 3.
fn archive() -> Archive {
    let a = Archive::new();
    a.article(
        "thaad.txt",
        "THAAD deployment begins in South Korea",
        "Toshimitsu Miyai, Seima Oki",
        "17 March 2017",
        "SEOUL (Reuters) - The first parts of the THAAD system arrived.\n\nChina protested \
         against the deployment of THAAD in South Korea.",
    );
    a.write("wire.jsonl", format!("{GOLD}\n\n{COPPER}\n"));
    a.index_json(&[]);
    a
}

/// The id `search --json` gives the first hit of `query`.
fn id_of(a: &Archive, query: &str) -> String {
    let r = a.search(query, &[]);
    let id = r["hits"][0]["id"].as_str().expect("hits carry an id");
    id.to_string()
}

fn show_json(a: &Archive, target: &str, extra: &[&str]) -> Value {
    let mut args = vec!["show", target, "--json"];
    args.extend_from_slice(extra);
    let out = a.run(&args).success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("show --json prints JSON")
}

#[test]
fn show_by_id_prints_the_whole_article() {
    let a = archive();
    let id = id_of(&a, "thaad");
    assert_eq!(id.len(), 11, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    let text = a.stdout(&["show", &id]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "THAAD deployment begins in South Korea", "{text}");
    assert_eq!(
        lines[1], "2017-03-17 · Toshimitsu Miyai, Seima Oki",
        "{text}"
    );
    assert_eq!(
        lines[2], "place: SEOUL · source: Reuters · collection: articles",
        "{text}"
    );
    assert_eq!(
        lines[3],
        format!("from: articles/thaad.txt · id {id}"),
        "{text}"
    );
    assert_eq!(lines[4], "", "{text}");
    // The whole body, a paragraph per line with a blank line between.
    assert_eq!(
        &lines[5..],
        [
            "SEOUL (Reuters) - The first parts of the THAAD system arrived.",
            "",
            "China protested against the deployment of THAAD in South Korea.",
        ],
        "{text}"
    );
}

#[test]
fn show_by_path_and_by_path_line() {
    let a = archive();
    let by_path = show_json(&a, "articles/thaad.txt", &[]);
    assert_eq!(by_path["title"], "THAAD deployment begins in South Korea");
    assert_eq!(by_path["id"], id_of(&a, "thaad"));
    // An absolute path names the same article.
    let absolute = a.articles().join("thaad.txt");
    let same = show_json(&a, absolute.to_str().unwrap(), &[]);
    assert_eq!(same["id"], by_path["id"]);
    // Line 3 of the JSON Lines file (line 2 is blank).
    let copper = show_json(&a, "articles/wire.jsonl:3", &[]);
    assert_eq!(copper["title"], "Copper price rises");
    assert_eq!(copper["line"], 3);
    assert_eq!(copper["body"], "Copper rose on strike fears at the mine.");
}

#[test]
fn show_json_has_every_field() {
    let a = archive();
    let gold = show_json(&a, "articles/wire.jsonl:1", &[]);
    let keys: Vec<&str> = gold
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "id", "title", "authors", "date", "place", "source", "url", "path", "member", "line",
        "record", "body",
    ] {
        assert!(keys.contains(&key), "{key} missing: {gold}");
    }
    assert_eq!(gold["title"], "Gold mine strike ends");
    assert_eq!(gold["authors"], serde_json::json!(["Jo Park"]));
    assert_eq!(gold["date"], "2017-03-18");
    assert_eq!(gold["place"], "Johannesburg");
    assert_eq!(gold["source"], "Mining Weekly");
    assert_eq!(gold["url"], "https://example.com/gold");
    assert_eq!(gold["path"], "articles/wire.jsonl");
    assert_eq!(gold["member"], Value::Null);
    assert_eq!(gold["record"], Value::Null);
    assert_eq!(gold["line"], 1);
    // Paragraphs separated by a blank line; a tab inside one is a space.
    assert_eq!(
        gold["body"],
        "Miners returned to work on Monday.\n\nThe strike at the gold mine had lasted six weeks."
    );
    // Highlighting is only there when asked for.
    assert!(gold.get("body_html").is_none(), "{gold}");
    // A plain text file: no url, member, record or line.
    let txt = show_json(&a, "articles/thaad.txt", &[]);
    for key in ["url", "member", "record", "line"] {
        assert_eq!(txt[key], Value::Null, "{key}: {txt}");
    }
}

#[test]
fn show_highlight_marks_the_query_words() {
    let a = archive();
    let gold = show_json(
        &a,
        "articles/wire.jsonl:1",
        &["--highlight", "strike \"gold mine\""],
    );
    assert_eq!(
        gold["body_html"],
        "Miners returned to work on Monday.\n\nThe <b>strike</b> at the <b>gold mine</b> had \
         lasted six weeks."
    );
    assert_eq!(gold["title_html"], "<b>Gold mine</b> <b>strike</b> ends");
    // The text itself is unchanged.
    assert!(gold["body"].as_str().unwrap().contains("The strike at"));
    // On a terminal: in colour, each paragraph on its own line.
    let text = a.coloured_stdout(&["show", "articles/wire.jsonl:1", "--highlight", "strike"]);
    assert!(
        text.contains("The \x1b[1;31mstrike\x1b[0m at the gold mine"),
        "{text:?}"
    );
    // Without colour, the words are shown plain.
    let plain = a.stdout(&["show", "articles/wire.jsonl:1", "--highlight", "strike"]);
    assert!(plain.contains("The strike at the gold mine"), "{plain}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
}

#[test]
fn not_found_is_one_line_with_the_fix_and_exit_1() {
    let a = archive();
    for target in [
        "Zz0000000Zz",
        "articles/missing.txt",
        "articles/wire.jsonl:2",
        "articles/wire.jsonl:99",
    ] {
        let out = a
            .run(&["show", target])
            .code(1)
            .stdout("")
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8(out).unwrap();
        assert_eq!(err.lines().count(), 1, "{target}: {err}");
        assert!(err.starts_with("dateline: "), "{target}: {err}");
        assert!(
            err.contains("dateline search") || err.contains("dateline index"),
            "{target}: no fix in {err}"
        );
    }
    // A file on disk that was never indexed: index it.
    a.write("late.txt", "Late\n\nNot indexed yet.\n");
    a.run(&["show", "articles/late.txt"])
        .code(1)
        .stderr(predicate::str::contains("run `dateline index` to add it"));
}

#[test]
fn a_file_of_several_articles_asks_which_one() {
    let a = archive();
    let gold = id_of(&a, "gold");
    a.run(&["show", "articles/wire.jsonl"])
        .code(2)
        .stderr(predicate::str::contains("holds 2 articles"))
        .stderr(predicate::str::contains(
            "articles/wire.jsonl:LINE (lines 1, 3)",
        ))
        .stderr(predicate::str::contains(gold.as_str()));
}

#[test]
fn ids_are_stable_across_reindexing() {
    let a = archive();
    let ids = |a: &Archive| -> Vec<(String, String)> {
        let r = a.search("*", &["--limit", "10", "--all-copies"]);
        let mut v: Vec<(String, String)> = r["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["title"].as_str().unwrap().to_string(),
                    h["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = ids(&a);
    assert_eq!(before.len(), 3, "{before:?}");
    // Every article has its own id.
    let mut distinct: Vec<&String> = before.iter().map(|(_, id)| id).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 3);
    // A file changed (so read and written again), then a whole rebuild: the same ids.
    a.article(
        "thaad.txt",
        "THAAD deployment begins in South Korea",
        "Toshimitsu Miyai, Seima Oki",
        "17 March 2017",
        "SEOUL (Reuters) - The first parts of the THAAD system arrived, officials said.",
    );
    a.reindex_json(&[]);
    assert_eq!(ids(&a), before);
    a.reindex_json(&["--rebuild"]);
    assert_eq!(ids(&a), before);
    let (_, thaad) = before.iter().find(|(t, _)| t.starts_with("THAAD")).unwrap();
    let shown = show_json(&a, thaad, &[]);
    assert!(shown["body"].as_str().unwrap().contains("officials said"));
}

#[test]
fn similar_takes_an_id() {
    let a = archive();
    let gold = id_of(&a, "gold");
    let by_id = a.run_json(&["similar", &gold, "--json"]);
    let by_path = a.run_json(&["similar", "articles/wire.jsonl:1", "--json"]);
    assert_eq!(by_id["hits"], by_path["hits"]);
    let hits = by_id["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{by_id}");
    assert!(hits.iter().all(|h| h["id"] != gold.as_str()), "{by_id}");
    // Similar hits carry where they came from, like search hits.
    for key in ["path", "line", "member", "record", "url", "id"] {
        assert!(hits[0].get(key).is_some(), "{key}: {by_id}");
    }
}

#[test]
fn hits_and_rows_say_where_they_came_from() {
    let a = archive();
    let r = a.search("thaad", &[]);
    let hit = &r["hits"][0];
    assert_eq!(hit["path"], "articles/thaad.txt");
    for key in ["line", "member", "record", "url"] {
        assert_eq!(hit[key], Value::Null, "{key}: {hit}");
    }
    let id = hit["id"].as_str().unwrap();
    let gold = &a.search("gold", &[])["hits"][0];
    assert_eq!(gold["url"], "https://example.com/gold");
    assert_eq!(gold["line"], 1);
    assert_eq!(gold["member"], Value::Null);

    // JSON Lines export: the same keys.
    let out = a.stdout(&["search", "thaad", "--format", "jsonl"]);
    let row: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(row["id"], id);
    for key in ["line", "member", "record", "url"] {
        assert_eq!(row[key], Value::Null, "{key}: {row}");
    }
    let out = a.stdout(&["search", "gold", "--format", "jsonl"]);
    let row: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(row["url"], "https://example.com/gold");

    // CSV: the new columns at the end, empty when there is nothing to say.
    let out = a.stdout(&["search", "thaad OR gold", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        &headers[8..],
        [
            "member",
            "record",
            "url",
            "id",
            "collection",
            "partial",
            "missing"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let thaad = rows
        .iter()
        .find(|r| &r[0] == "THAAD deployment begins in South Korea");
    let thaad = thaad.expect("thaad row");
    assert_eq!(
        (&thaad[8], &thaad[9], &thaad[10], &thaad[11], &thaad[12]),
        ("", "", "", id, "articles")
    );
    let gold = rows
        .iter()
        .find(|r| &r[0] == "Gold mine strike ends")
        .unwrap();
    assert_eq!(&gold[10], "https://example.com/gold");

    // Human output: the id after the path, to copy.
    let text = a.stdout(&["search", "thaad"]);
    assert!(
        text.contains(&format!("articles/thaad.txt · id {id}")),
        "{text}"
    );
    let text = a.stdout(&["search", "gold"]);
    assert!(text.contains("articles/wire.jsonl:1 · id "), "{text}");
}

#[test]
fn jsonl_url_place_and_source_are_used() {
    let a = archive();
    // The record's own place and source, not a dateline in its body (it has none).
    assert_eq!(
        a.titles("place:johannesburg", &[]),
        ["Gold mine strike ends"]
    );
    assert_eq!(
        a.titles("mine", &["--source", "mining weekly"]),
        ["Gold mine strike ends"]
    );
    let facets = a.run_json(&["facets", "*", "--json"]);
    let places = facets["facets"]["places"].to_string();
    assert!(places.contains("Johannesburg"), "{facets}");
}

#[test]
fn show_output_is_terminal_safe() {
    let a = Archive::new();
    a.write(
        "evil.jsonl",
        "{\"title\": \"Evil \\u001b]0;pwned\\u0007 title\", \"date\": \"2017-03-18\", \"body\": \"Body \\u001b[2J here\", \"url\": \"http://x/\\u202e\"}\n",
    );
    a.index_json(&[]);
    let text = a.stdout(&["show", "articles/evil.jsonl:1"]);
    assert!(
        !text.contains('\x1b') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(text.contains("Evil \\x1b]0;pwned\\x07 title"), "{text}");
    assert!(text.contains("Body \\x1b[2J here"), "{text}");
    // JSON keeps the text as it is.
    let json = show_json(&a, "articles/evil.jsonl:1", &[]);
    assert_eq!(json["body"], "Body \x1b[2J here");
}
