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

    let v = a.run_json(&["facets", "yen", "--json"]);
    assert_eq!(v["total_hits"], 3);
    assert_eq!(v["facets"]["places"][0]["value"], "TOKYO");

    a.run(&["facets", "yen"])
        .success()
        .stdout(predicates::str::contains("Places: TOKYO (2), NEW YORK (1)"));
}

#[test]
fn copies_of_a_story_fold_into_the_earliest() {
    let a = Archive::new();
    let story = "The International Cocoa Organization council agreed standard price \
        differentials for different origin cocoas to form part of the buffer stock buying and \
        selling procedure, delegates said. The differentials apply from next week.";
    a.article(
        "late.txt",
        "COCOA DIFFERENTIALS AGREED",
        "",
        "18 March 1987",
        &format!("LONDON, March 18 - {story}"),
    );
    a.article(
        "early.txt",
        "Cocoa council agrees differentials",
        "",
        "17 March 1987",
        &format!("LONDON, March 17 - {story}\n\nReuter"),
    );
    a.article("other.txt", "Cocoa crop estimate", "", "19 March 1987", "Madagascar's cocoa production is estimated 13 pct higher this year at 2,720 tonnes, up from 2,400 in 1986, officials said on Monday in the capital.");
    a.index_json(&[]);
    let r = a.search("cocoa", &[]);
    let hits = r["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "{r}");
    let folded = hits
        .iter()
        .find(|h| h["copies"].as_array().unwrap().len() == 1)
        .unwrap();
    assert!(
        folded["path"].as_str().unwrap().ends_with("early.txt"),
        "{r}"
    );
    assert!(
        folded["copies"][0].as_str().unwrap().ends_with("late.txt"),
        "{r}"
    );
    // The total counts stories, as the pages do; every article is counted apart.
    assert_eq!(r["total_hits"], 2);
    assert_eq!(r["total_articles"], 3);
    // --all-copies lists each one.
    assert_eq!(
        a.search("cocoa", &["--all-copies"])["hits"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    a.run(&["search", "cocoa"])
        .success()
        .stdout(predicates::str::contains("+1 copy"));
}

#[test]
fn similar_finds_related_articles_but_not_the_article_or_its_copies() {
    let a = Archive::new();
    let story = "The International Cocoa Organization council agreed buffer stock rules for \
        cocoa prices after long talks in London, delegates from producer and consumer \
        countries said on Friday after the meeting ended.";
    let target = a.article(
        "target.txt",
        "Cocoa rules agreed",
        "",
        "17 March 1987",
        story,
    );
    a.article(
        "copy.txt",
        "COCOA RULES AGREED",
        "",
        "18 March 1987",
        &format!("{story}\n\nReuter"),
    );
    a.article("related.txt", "Cocoa council meets", "", "16 March 1987", "The cocoa council met in London to discuss buffer stock rules and cocoa prices with producer countries and consumer delegates.");
    a.article("other.txt", "Gold quiet", "", "16 March 1987", "Gold was quiet in thin trading in Zurich, dealers said, with little interest from buyers in Asia.");
    a.write(
        "feed.jsonl",
        "{\"title\": \"Cocoa stock\", \"date\": \"1987-03-19\", \"body\": \"Cocoa buffer stock rules and cocoa prices were discussed by producer countries.\"}\n{\"title\": \"Tin\", \"body\": \"Tin prices fell.\"}\n",
    );
    a.index_json(&[]);
    let run = |target: &str| a.run_json(&["similar", target, "--json"]);
    let r = run(target.to_str().unwrap());
    let paths: Vec<&str> = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap())
        .collect();
    assert!(
        paths[0].ends_with("related.txt") || paths[0].ends_with("feed.jsonl"),
        "{r}"
    );
    assert!(
        !paths
            .iter()
            .any(|p| p.ends_with("target.txt") || p.ends_with("copy.txt")),
        "{r}"
    );
    // A JSON Lines record is named by its line.
    let feed = a.articles().join("feed.jsonl");
    let r = run(&format!("{}:1", feed.display()));
    assert!(
        r["hits"][0]["title"].as_str().unwrap().contains("Cocoa"),
        "{r}"
    );
    let err = a
        .cmd()
        .args(["similar"])
        .arg(&feed)
        .arg("--index")
        .arg(a.index())
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err).unwrap().contains(":LINE"));
    a.run(&["similar", "nowhere.txt"]).failure();
}

/// Two folders, two collections: each folder's name unless `--collection` names it.
fn two_collections() -> Archive {
    let a = Archive::new();
    for (folder, name, title, body) in [
        (
            "bbc",
            "1.txt",
            "Yen rises",
            "The yen rose against the dollar today.",
        ),
        ("bbc", "2.txt", "Tea harvest", "The tea harvest was early."),
        (
            "wire",
            "3.txt",
            "Yen falls",
            "TOKYO (Kyodo) - The yen fell against the dollar.",
        ),
    ] {
        let dir = a.root().join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(name),
            format!("{title}\n17 March 1987\n\n{body}\n"),
        )
        .unwrap();
    }
    a.cmd()
        .args(["index", "bbc", "--collection", "BBC News", "--index"])
        .arg(a.index())
        .assert()
        .success();
    a.cmd()
        .args(["index", "wire", "--index"])
        .arg(a.index())
        .assert()
        .success();
    a
}

#[test]
fn collections_are_faceted_filtered_and_searched_as_whole_names() {
    let a = two_collections();
    let v = a.run_json(&["facets", "yen OR tea", "--json"]);
    assert_eq!(
        v["facets"]["collections"],
        serde_json::json!([{"value": "BBC News", "count": 2}, {"value": "wire", "count": 1}]),
        "{v}"
    );
    a.run(&["facets", "yen"])
        .success()
        .stdout(predicates::str::contains(
            "Collections: BBC News (1), wire (1)",
        ));
    // --collection: any of, whole names in any case.
    assert_eq!(
        a.titles("yen", &["--collection", "bbc news"]),
        ["Yen rises"]
    );
    assert_eq!(
        a.search(
            "yen OR tea",
            &["--collection", "wire", "--collection", "BBC NEWS"]
        )["total_hits"],
        3
    );
    assert_eq!(a.search("yen", &["--collection", "bbc"])["total_hits"], 0);
    // collection: in the query, as place: and source:.
    assert_eq!(
        a.titles(r#"yen AND collection:"bbc news""#, &[]),
        ["Yen rises"]
    );
    assert_eq!(a.titles("collection:wire", &[]), ["Yen falls"]);
    assert_eq!(a.titles("yen -collection:wire", &[]), ["Yen rises"]);
    // Hits say where they come from, for people too.
    let text = a.stdout(&["search", "yen"]);
    assert!(text.contains("source: Kyodo · collection: wire"), "{text}");
    assert!(text.contains("collection: BBC News"), "{text}");
    let timeline = a.run_json(&["timeline", "*", "--json", "--collection", "wire"]);
    assert_eq!(timeline["total"], 1, "{timeline}");
}

#[test]
fn facets_of_several_queries_side_by_side() {
    let a = wire();
    let v = a.run_json(&[
        "facets", "yen", "gold", "--label", "Yen", "--label", "Gold", "--json",
    ]);
    let series = v["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["label"], "Yen");
    assert_eq!(series[0]["query"], "yen");
    assert_eq!(series[0]["total_hits"], 3);
    // Each series holds what `facets --json` gives its query alone.
    let alone = a.run_json(&["facets", "yen", "--json"]);
    assert_eq!(series[0]["facets"], alone["facets"]);
    assert_eq!(series[1]["total_hits"], 1);
    assert_eq!(series[1]["facets"]["authors"], serde_json::json!([]));
    // People read each facet down the queries, one row per query.
    let text = a.stdout(&["facets", "yen", "gold", "--label", "Yen", "--label", "Gold"]);
    assert!(
        text.starts_with("Yen   3 matching articles\nGold  1 matching article\n"),
        "{text}"
    );
    assert!(
        text.contains("Places\n  Yen   TOKYO (2), NEW YORK (1)\n  Gold  none\n"),
        "{text}"
    );
    a.run(&["facets", "yen", "gold", "--label", "Yen"]).code(2);
    let out = a
        .run(&["facets", "yen", "(gold", "--json"])
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("dateline: query 2 ('(gold'): "), "{err}");
}
