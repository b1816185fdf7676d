//! End-to-end tests of exploring coverage: datelines, place/source filters, facets.

mod common;

use common::Archive;

fn wire() -> Archive {
    let a = Archive::new();
    a.article(
        "1.txt",
        "Yen rises",
        "Ann Lee",
        "17 March 1987",
        "TOKYO (Kyodo) - The yen rose against the dollar today.",
    );
    a.article(
        "2.txt",
        "Yen falls",
        "Ann Lee and Bob Stone",
        "18 March 1987",
        "TOKYO, March 18 - The yen fell against the dollar on Wednesday.",
    );
    a.article(
        "3.txt",
        "Dollar steady",
        "Bob Stone",
        "19 March 1987",
        "NEW YORK (Reuters) - The dollar was steady against the yen.",
    );
    a.article(
        "4.txt",
        "Gold quiet",
        "",
        "19 March 1987",
        "Gold was quiet in thin trading, dealers said.",
    );
    a.index_json(&[]);
    a
}

#[test]
fn place_and_source_filter_and_search() {
    let a = wire();
    let mut t = a.titles("yen", &["--place", "tokyo"]);
    t.sort();
    assert_eq!(t, ["Yen falls", "Yen rises"]);
    assert_eq!(
        a.titles("dollar", &["--source", "REUTERS"]),
        ["Dollar steady"]
    );
    assert_eq!(a.titles("+place:\"new york\"", &[]), ["Dollar steady"]);
    assert_eq!(a.titles("+source:kyodo", &[]), ["Yen rises"]);
}

#[test]
fn facets_count_authors_sources_and_places_among_all_matches() {
    let a = wire();
    let r = a.search("dollar", &["--facets", "--limit", "1"]);
    let f = &r["facets"];
    // Ties are listed by name.
    assert_eq!(
        f["authors"][0],
        serde_json::json!({"value": "Ann Lee", "count": 2}),
        "{r}"
    );
    assert_eq!(
        f["authors"][1],
        serde_json::json!({"value": "Bob Stone", "count": 2}),
        "{r}"
    );
    assert_eq!(
        f["places"][0],
        serde_json::json!({"value": "TOKYO", "count": 2}),
        "{r}"
    );
    assert_eq!(
        f["places"][1],
        serde_json::json!({"value": "NEW YORK", "count": 1}),
        "{r}"
    );
    let sources: Vec<&str> = f["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), 2);
    assert!(
        sources.contains(&"Kyodo") && sources.contains(&"Reuters"),
        "{r}"
    );
    // Without --facets the key is absent.
    assert!(a.search("dollar", &[]).get("facets").is_none());

    let out = a
        .cmd()
        .args(["facets", "yen", "--json", "--index"])
        .arg(a.index())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["total_hits"], 3);
    assert_eq!(v["facets"]["places"][0]["value"], "TOKYO");

    a.cmd()
        .args(["facets", "yen", "--index"])
        .arg(a.index())
        .assert()
        .success()
        .stdout(predicates::str::contains("Places: TOKYO (2), NEW YORK (1)"));
}
