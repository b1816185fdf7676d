//! End-to-end tests of `dateline search`: ranking, query syntax, filters, output and errors.

mod common;

use common::Archive;
use predicates::prelude::*;

/// A small archive with known words, authors and dates.
fn newsroom() -> Archive {
    let a = Archive::new();
    a.article(
        "2017/03/thaad.txt",
        "THAAD deployment begins in South Korea",
        "Toshimitsu Miyai, Seima Oki",
        "17 March 2017",
        "SEOUL - The THAAD antimissile system arrived in South Korea on Friday.\n\nOfficials in Seoul said the THAAD battery would be ready within weeks.",
    );
    a.article(
        "2017/03/south.txt",
        "Weather in the south",
        "Ann Lee",
        "March 20, 2017",
        "Rain is expected across the south of the country. Korea was not mentioned until now: south winds.",
    );
    a.article(
        "2017/04/coffee.txt",
        "Coffee quota talks collapse",
        "Ann Lee and Bob Stone",
        "2017-04-02",
        "LONDON - Coffee producers failed to agree on export quotas. Talks will resume in June.",
    );
    a.article(
        "2016/12/cafe.txt",
        "Café culture in Paris",
        "",
        "1 December 2016",
        "The café owners of Paris say business is good. Interest rates are low.",
    );
    a.write(
        "feed.jsonl",
        concat!(
            r#"{"title": "Gold mine strike ends", "authors": ["Jo Park"], "date": "2017-03-18", "body": "Miners at the gold mine returned to work.", "source": "wire"}"#,
            "\n",
            r#"{"title": "Interest rates rise", "authors": "Kim Ray", "date": "2017-05-01", "body": "The central bank raised interest rates by a quarter point."}"#,
            "\n"
        ),
    );
    a.index_json(&[]);
    a
}

#[test]
fn keyword_search_ranks_the_article_about_it_first() {
    let a = newsroom();
    let titles = a.titles("THAAD South Korea", &[]);
    assert_eq!(titles[0], "THAAD deployment begins in South Korea");
    assert!(
        titles.contains(&"Weather in the south".to_string()),
        "{titles:?}"
    );
}

#[test]
fn matching_is_case_accent_and_stem_insensitive() {
    let a = newsroom();
    assert_eq!(
        a.titles("thaad", &[])[0],
        "THAAD deployment begins in South Korea"
    );
    assert_eq!(a.titles("cafe", &[]), ["Café culture in Paris"]);
    // Stemming: "deploying" finds "deployment"? No: but "arrives" finds "arrived".
    assert_eq!(
        a.titles("arrives", &[]),
        ["THAAD deployment begins in South Korea"]
    );
}

#[test]
fn a_word_with_soft_hyphens_is_found_whole() {
    // Publishers put soft hyphens (U+00AD) where a long word may break; they are invisible.
    let a = Archive::new();
    a.article(
        "hyphenated.txt",
        "Fr\u{ad}ühjahrs\u{ad}messe opens",
        "",
        "2 March 2020",
        "Wäh\u{ad}rend der Messe blieben die Hallen voll.",
    );
    a.index_json(&[]);
    assert_eq!(a.titles("Während", &[]), ["Frühjahrsmesse opens"]);
    assert_eq!(a.titles("Frühjahrsmesse", &[]), ["Frühjahrsmesse opens"]);
    // A query pasted with its soft hyphens finds it too.
    assert_eq!(a.titles("Wäh\u{ad}rend", &[]), ["Frühjahrsmesse opens"]);
    let shown = a.stdout(&["show", "articles/hyphenated.txt"]);
    assert!(shown.contains("Während der Messe"), "{shown}");
}

#[test]
fn a_word_written_decomposed_is_found_as_typed() {
    // Text from macOS and some publishing systems writes "ü" as "u" and a combining
    // diaeresis (U+0308): it looks the same, but was indexed cut at the accent.
    let a = Archive::new();
    a.article(
        "decomposed.txt",
        "Kindersitze gepru\u{308}ft",
        "Jose\u{301} Garci\u{301}a",
        "2 March 2020",
        "Besonders bei Babyschalen sollte gepru\u{308}ft werden, ob die Gurtla\u{308}nge reicht.",
    );
    a.index_json(&[]);
    assert_eq!(a.titles("geprüft", &[]), ["Kindersitze geprüft"]);
    assert_eq!(a.titles("Gurtlänge", &[]), ["Kindersitze geprüft"]);
    assert_eq!(
        a.titles("author:\"José García\"", &[]),
        ["Kindersitze geprüft"]
    );
    // A query pasted from decomposed text finds it too, and so does such a name.
    assert_eq!(a.titles("Gurtla\u{308}nge", &[]), ["Kindersitze geprüft"]);
    assert_eq!(
        a.titles("Babyschalen", &["--author", "Jose\u{301} Garci\u{301}a"]),
        ["Kindersitze geprüft"]
    );
    assert_eq!(
        a.titles("Babyschalen", &["--author", "Garci\u{301}a"]),
        ["Kindersitze geprüft"]
    );
    let shown = a.stdout(&["show", "articles/decomposed.txt"]);
    assert!(shown.contains("sollte geprüft werden"), "{shown}");
}

#[test]
fn phrase_queries_need_the_words_together() {
    let a = newsroom();
    assert_eq!(
        a.titles("\"South Korea\"", &[]),
        ["THAAD deployment begins in South Korea"]
    );
    assert_eq!(a.titles("\"interest rates\"", &[]).len(), 2);
}

#[test]
fn field_queries() {
    let a = newsroom();
    assert_eq!(
        a.titles("title:coffee", &[]),
        ["Coffee quota talks collapse"]
    );
    assert_eq!(
        a.titles("author:oki", &[]),
        ["THAAD deployment begins in South Korea"]
    );
    assert_eq!(
        a.titles("authors:oki", &[]),
        ["THAAD deployment begins in South Korea"]
    );
    assert_eq!(a.titles("body:miners", &[]), ["Gold mine strike ends"]);
    assert!(a.titles("title:miners", &[]).is_empty());
}

#[test]
fn boolean_operators() {
    let a = newsroom();
    assert_eq!(a.titles("+south -thaad", &[]), ["Weather in the south"]);
    assert_eq!(
        a.titles("coffee AND quota", &[]),
        ["Coffee quota talks collapse"]
    );
    assert_eq!(a.titles("south NOT korea", &[]), Vec::<String>::new());
}

#[test]
fn every_date_filter_form() {
    let a = newsroom();
    let count = |q: &str, extra: &[&str]| a.search(q, extra)["total_hits"].as_u64().unwrap();
    assert_eq!(count("date:2017-03-17", &[]), 1);
    assert_eq!(count("date:2017-03", &[]), 3);
    assert_eq!(count("date:2017", &[]), 5);
    assert_eq!(count("date:[2017-03-01 TO 2017-03-31]", &[]), 3);
    assert_eq!(count("date:[2017-03-18 TO 2017-04-02]", &[]), 3);
    assert_eq!(count("date:>=2017-03-20", &[]), 3);
    assert_eq!(count("date:<2017", &[]), 1);
    assert_eq!(
        count("*", &["--from", "2017-03-18", "--to", "2017-04-02"]),
        3
    );
    assert_eq!(count("*", &["--from", "2017-04"]), 2);
    assert_eq!(count("*", &["--to", "2017-03"]), 4);
    // Date clauses filter; they are not OR-ed with the words.
    assert_eq!(count("THAAD date:[2017-03-18 TO 2017-12-31]", &[]), 0);
    assert_eq!(count("THAAD date:2017-03-17", &[]), 1);
    assert_eq!(count("south -date:2017-03-17", &[]), 1);
}

#[test]
fn date_filters_do_not_change_scores() {
    let a = newsroom();
    let score = |q: &str| a.search(q, &[])["hits"][0]["score"].as_f64().unwrap();
    assert_eq!(score("coffee"), score("coffee date:2017"));
}

#[test]
fn author_filter_is_exact_and_case_insensitive() {
    let a = newsroom();
    let mut titles = a.titles("*", &["--author", "ann lee"]);
    titles.sort();
    assert_eq!(
        titles,
        ["Coffee quota talks collapse", "Weather in the south"]
    );
    assert_eq!(
        a.titles("*", &["--author", "Bob Stone"]),
        ["Coffee quota talks collapse"]
    );
}

#[test]
fn author_filter_matches_a_surname_or_part_of_a_name_as_author_does() {
    let a = newsroom();
    let ann_lee = ["Coffee quota talks collapse", "Weather in the south"];
    for name in ["Lee", "ann", "LEE ANN"] {
        let mut titles = a.titles("*", &["--author", name]);
        titles.sort();
        assert_eq!(titles, ann_lee, "--author {name}");
        let mut field = a.titles(&format!("author:({name})"), &[]);
        field.sort();
        assert_eq!(field, titles, "author:{name}");
    }
    assert_eq!(
        a.titles("*", &["--author", "stone"]),
        ["Coffee quota talks collapse"]
    );
    assert!(a.titles("*", &["--author", "Lee Park"]).is_empty());
}

#[test]
fn a_bracketed_group_requires_every_word_as_the_whole_query_does() {
    let a = newsroom();
    assert_eq!(
        a.titles("(coffee quotas)", &[]),
        a.titles("coffee quotas", &[])
    );
    assert_eq!(
        a.titles("(coffee quotas)", &[]),
        ["Coffee quota talks collapse"]
    );
    assert!(a.titles("(coffee rates)", &[]).is_empty());
    assert_eq!(
        a.titles("title:(interest rates)", &[]),
        ["Interest rates rise"]
    );
    assert!(a.titles("title:(coffee rates)", &[]).is_empty());
    // OR still says "any of them".
    let mut any = a.titles("title:(coffee OR rates)", &[]);
    any.sort();
    assert_eq!(any, ["Coffee quota talks collapse", "Interest rates rise"]);
    let v = a.search("title:(coffee rates)", &[]);
    assert_eq!(v["total_hits"], 0, "{v}");
}

#[test]
fn words_typed_without_quotes_are_one_query() {
    let a = newsroom();
    let quoted = a.stdout(&["search", "coffee quotas", "--json"]);
    let unquoted = a.stdout(&["search", "coffee", "quotas", "--json"]);
    let titles = |out: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(out).unwrap();
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(&unquoted), ["Coffee quota talks collapse"]);
    assert_eq!(titles(&unquoted), titles(&quoted));
}

#[test]
fn a_filter_without_a_query_lists_every_article_it_lets_through() {
    let a = newsroom();
    let mut titles: Vec<String> = {
        let out = a.stdout(&["search", "--author", "Lee", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["title"].as_str().unwrap().to_string())
            .collect()
    };
    titles.sort();
    assert_eq!(
        titles,
        ["Coffee quota talks collapse", "Weather in the south"]
    );
    a.run(&["search"])
        .code(2)
        .stderr(predicate::str::contains("<QUERY>"));
}

#[test]
fn sort_by_date() {
    let a = newsroom();
    let newest = a.titles("*", &["--sort", "newest"]);
    assert_eq!(newest[0], "Interest rates rise");
    assert_eq!(newest[newest.len() - 1], "Café culture in Paris");
    let oldest = a.titles("*", &["--sort", "oldest"]);
    assert_eq!(oldest[0], "Café culture in Paris");
}

#[test]
fn limit_and_offset_page_through_results() {
    let a = newsroom();
    let all = a.titles("*", &["--sort", "oldest"]);
    assert_eq!(all.len(), 6);
    let page = a.titles("*", &["--sort", "oldest", "--limit", "2", "--offset", "2"]);
    assert_eq!(page, all[2..4]);
    let r = a.search("*", &["--limit", "2", "--offset", "2"]);
    assert_eq!(r["hits"][0]["rank"], 3);
    assert_eq!(r["total_hits"], 6);
}

#[test]
fn json_shape() {
    let a = newsroom();
    let r = a.search("THAAD", &[]);
    assert_eq!(r["query"], "THAAD");
    assert_eq!(r["total_hits"], 1);
    let hit = &r["hits"][0];
    assert_eq!(hit["rank"], 1);
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    assert!(
        hit["path"].as_str().unwrap().ends_with("thaad.txt"),
        "{hit}"
    );
    assert_eq!(hit["line"], serde_json::Value::Null);
    assert_eq!(hit["title"], "THAAD deployment begins in South Korea");
    assert_eq!(
        hit["authors"],
        serde_json::json!(["Toshimitsu Miyai", "Seima Oki"])
    );
    assert_eq!(hit["date"], "2017-03-17");
    assert!(
        hit["snippet"].as_str().unwrap().contains("<b>THAAD</b>"),
        "{hit}"
    );
    assert!(
        hit["title_html"].as_str().unwrap().contains("<b>THAAD</b>"),
        "{hit}"
    );
    let fragments = hit["fragments"].as_array().unwrap();
    assert!(!fragments.is_empty() && fragments.len() <= 3, "{hit}");
}

#[test]
fn snippets_show_up_to_three_fragments_covering_the_words() {
    let a = Archive::new();
    let filler = "Nothing to see in this sentence at all. ".repeat(12);
    a.article(
        "x.txt",
        "Report",
        "",
        "2017-03-17",
        &format!(
            "Cocoa prices rose. {filler}Sugar quotas fell. {filler}Coffee talks resumed. {filler}"
        ),
    );
    a.index_json(&[]);
    let hit = &a.search("cocoa sugar coffee", &["--snippet-chars", "120"])["hits"][0];
    let fragments: Vec<&str> = hit["fragments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(fragments.len(), 3, "{hit}");
    assert!(fragments[0].contains("<b>Cocoa</b>"), "{hit}");
    assert!(fragments[1].contains("<b>Sugar</b>"), "{hit}");
    assert!(fragments[2].contains("<b>Coffee</b>"), "{hit}");
    assert_eq!(hit["snippet"], fragments.join(" … "));
}

#[test]
fn snippets_are_html_escaped() {
    let a = Archive::new();
    a.article(
        "x.txt",
        "Tags",
        "",
        "2017-01-01",
        "Use <script> & THAAD tags.",
    );
    a.index_json(&[]);
    let r = a.search("thaad", &[]);
    assert_eq!(
        r["hits"][0]["snippet"],
        "Use &lt;script&gt; &amp; <b>THAAD</b> tags."
    );
}

#[test]
fn jsonl_records_are_found_with_their_line() {
    let a = newsroom();
    let r = a.search("miners", &[]);
    let hit = &r["hits"][0];
    assert!(hit["path"].as_str().unwrap().ends_with("feed.jsonl"));
    assert_eq!(hit["line"], 1);
    assert_eq!(hit["authors"], serde_json::json!(["Jo Park"]));
    assert_eq!(hit["date"], "2017-03-18");
    let r = a.search("central bank", &[]);
    assert_eq!(r["hits"][0]["line"], 2);
    assert_eq!(r["hits"][0]["authors"], serde_json::json!(["Kim Ray"]));
}

#[test]
fn human_output_lists_hits_and_a_count() {
    let a = newsroom();
    a.cmd()
        .args(["search", "THAAD"])
        .arg("--index")
        .arg(a.index())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1. THAAD deployment begins in South Korea",
        ))
        .stdout(predicate::str::contains(
            "2017-03-17 · Toshimitsu Miyai, Seima Oki",
        ))
        .stdout(predicate::str::contains("thaad.txt"))
        .stdout(predicate::str::contains("1 article (shown 1–1)"))
        // Piped and NO_COLOR: no escape codes.
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn errors_are_one_line_with_a_fix() {
    let a = newsroom();
    let fails = |args: &[&str], says: &str| {
        let out = a.cmd().args(args).assert().failure().get_output().clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(!err.contains("panicked"), "{err}");
    };
    let idx = a.index();
    let idx = idx.to_str().unwrap();
    fails(
        &["search", "x", "--index", "nowhere"],
        "no index at ./nowhere: build one with `dateline index FOLDER`, or point to yours with --index PATH (or DATELINE_INDEX=PATH)",
    );
    fails(
        &["search", "nosuchfield:x", "--index", idx],
        "unknown field",
    );
    fails(&["search", "oil title:*", "--index", idx], "title:oil");
    fails(
        &["search", "\"unclosed", "--index", idx],
        "cannot parse query",
    );
    fails(&["search", "x date:2017-13", "--index", idx], "YYYY-MM-DD");
    fails(
        &["search", "x date:[2017-01-01 TO", "--index", idx],
        "date range",
    );
    fails(
        &["search", "x", "--from", "yesterday", "--index", idx],
        "--from",
    );
    fails(
        &["search", "x", "--to", "2017-02-30", "--index", idx],
        "--to",
    );
    fails(&["search", "", "--index", idx], "empty query");
    fails(
        &["index", "no/such/folder", "--index", idx],
        "no/such/folder",
    );
}

#[test]
fn foreign_folder_as_index_is_refused() {
    let a = Archive::new();
    a.write("notes.txt", "my notes");
    let out = a
        .cmd()
        .args(["search", "x", "--index"])
        .arg(a.articles())
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not a dateline index"), "{err}");
    // Indexing into it is refused too, and nothing there is touched.
    a.cmd()
        .args(["index", "--index"])
        .arg(a.articles())
        .arg(a.articles())
        .assert()
        .failure();
    assert_eq!(
        std::fs::read_to_string(a.articles().join("notes.txt")).unwrap(),
        "my notes"
    );
}

#[test]
fn search_builds_the_default_index_from_corpus_on_first_use() {
    let a = Archive::new();
    let corpus = a.root().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/000_5ce300c1a8ebbb27.txt"
        ),
        corpus.join("sample.txt"),
    )
    .unwrap();
    let out = a
        .cmd()
        .args(["search", "THAAD South Korea", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        r["hits"][0]["title"],
        "Japan, U.S. agree to closely coordinate on N. Korea policy"
    );
    assert!(
        r["hits"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<b>Thaad</b>"),
        "{r}"
    );
    assert!(a.root().join("index/meta.json").is_file());
    // The sample says "denuclearisation"; the American spelling finds it too.
    let out = a
        .cmd()
        .args(["search", "denuclearization", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["total_hits"], 1, "{r}");
    assert!(
        r["hits"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<b>denuclearisation</b>"),
        "{r}"
    );
}

#[test]
fn british_and_american_spellings_find_each_other() {
    let a = Archive::new();
    a.article(
        "uk.txt",
        "Defence programme",
        "",
        "2017-01-01",
        "The colour of the centre was organised.",
    );
    a.article(
        "us.txt",
        "Defense program",
        "",
        "2017-01-02",
        "The color of the center was organized.",
    );
    a.article(
        "other.txt",
        "Rising hours",
        "",
        "2017-01-03",
        "Four acres rise; a genre.",
    );
    a.index_json(&[]);
    for q in [
        "defence",
        "defense",
        "programme",
        "colour",
        "color",
        "center",
        "organize",
    ] {
        assert_eq!(a.search(q, &[])["total_hits"], 2, "{q}");
    }
    assert_eq!(a.titles("acre", &[]), ["Rising hours"]);
    assert_eq!(a.titles("four", &[]), ["Rising hours"]);
}

#[test]
fn did_you_mean_corrects_misspelt_words_from_the_index() {
    let a = newsroom();
    let r = a.search("THADD South Korae", &[]);
    assert_eq!(r["suggestion"], "THAAD South Korea", "{r}");
    assert_eq!(a.search("cofee", &[])["suggestion"], "coffee");
    assert_eq!(
        a.search("THAAD", &[])["suggestion"],
        serde_json::Value::Null
    );
    // Only a query that finds fewer than three articles gets one.
    assert_eq!(a.search("Korae coffee", &[])["suggestion"], "Korea coffee");
    // (Counted as written: with every word required, a misspelt one finds none.)
    let r = a.search("Korae OR coffee OR interest", &[]);
    assert_eq!(r["total_hits"], 3, "{r}");
    assert_eq!(r["suggestion"], serde_json::Value::Null, "{r}");
    // Date clauses stay as typed.
    assert_eq!(
        a.search("cofee date:2017", &[])["suggestion"],
        "coffee date:2017"
    );
    a.cmd()
        .args(["search", "cofee"])
        .arg("--index")
        .arg(a.index())
        .assert()
        .code(1) // no results, as grep
        .stdout(predicate::str::contains("Did you mean: coffee?"));
}

#[test]
fn did_you_mean_allows_a_second_edit_only_after_a_right_first_letter() {
    let a = Archive::new();
    for (i, day) in ["01", "02", "03"].iter().enumerate() {
        a.article(
            &format!("x{i}.txt"),
            "Rates",
            "",
            &format!("2017-03-{day}"),
            "The exchange rate held at the central exchange.",
        );
    }
    a.index_json(&[]);
    // One edit, even to the first letter, is corrected; two are when the first is kept.
    assert_eq!(a.search("ixchange", &[])["suggestion"], "exchange");
    assert_eq!(a.search("exchanje", &[])["suggestion"], "exchange");
    assert_eq!(a.search("exhcanje", &[])["suggestion"], "exchange");
    // Two with the first letter among them would need most of the dictionary walked.
    assert_eq!(
        a.search("ixchanje", &[])["suggestion"],
        serde_json::Value::Null
    );
}

#[test]
fn did_you_mean_prefers_the_closest_word_to_the_most_common() {
    let a = Archive::new();
    for i in 0..4 {
        a.article(
            &format!("t{i}.txt"),
            "Border",
            "",
            "2017-03-01",
            "Tanks massed at the border.",
        );
    }
    a.article(
        "s.txt",
        "Gulf",
        "",
        "2017-03-02",
        "A tanker came under attacks in the Gulf.",
    );
    a.index_json(&[]);
    // `tanks` is as many edits away and more common, but `tanker` keeps every letter typed.
    assert_eq!(a.search("tankr", &[])["suggestion"], "tanker");
    assert_eq!(
        a.search("tankr attaks", &[])["suggestion"],
        "tanker attacks"
    );
}

#[test]
fn did_you_mean_is_the_same_whatever_the_segment_layout() {
    let quotas = ("a.txt", "Coffee quotas were cut.");
    let quota = ("b.txt", "Coffee quota was cut.");
    let mut suggestions = Vec::new();
    for batches in [[quotas, quota], [quota, quotas]] {
        let a = Archive::new();
        // One batch at a time: each lands in its own segment, in the other order each time.
        for (name, body) in batches {
            a.article(name, "Talks", "", "2017-03-01", body);
            a.index_json(&[]);
        }
        suggestions.push(a.search("cofee quotta", &[])["suggestion"].clone());
    }
    assert_eq!(suggestions[0], "coffee quota");
    assert_eq!(suggestions[1], "coffee quota");
}

#[test]
fn a_search_that_finds_nothing_shows_its_suggestions_results_saying_so() {
    let a = Archive::new();
    for i in 0..3 {
        a.article(
            &format!("c{i}.txt"),
            &format!("Cocoa prices {i}"),
            "",
            "2017-03-01",
            "Cocoa rose in London.",
        );
    }
    a.index_json(&[]);
    let r = a.search("cocao", &[]);
    assert_eq!(r["query"], "cocao", "{r}");
    assert_eq!(r["suggestion"], "cocoa", "{r}");
    assert_eq!(r["showing_suggestion"], true, "{r}");
    assert_eq!(r["total_hits"], 3, "{r}");
    let out = a.stdout(&["search", "cocao"]);
    assert!(
        out.starts_with("No results for cocao; showing results for cocoa."),
        "{out}"
    );
    assert!(
        out.contains("Cocoa prices 0") && !out.contains("Did you mean"),
        "{out}"
    );
    // A query that finds something is answered as typed.
    let r = a.search("cocoa", &[]);
    assert_eq!(r["showing_suggestion"], false, "{r}");
}

#[test]
fn a_phrase_is_highlighted_as_a_phrase() {
    let a = Archive::new();
    a.article(
        "x.txt",
        "South Korea and the south",
        "",
        "2017-03-17",
        "Winds from the south. Korea is far away. Then South Korea deployed it.",
    );
    a.index_json(&[]);
    let hit = &a.search("\"South Korea\"", &[])["hits"][0];
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(snippet.contains("<b>South Korea</b> deployed"), "{snippet}");
    assert!(!snippet.contains("<b>south</b>"), "{snippet}");
    assert!(!snippet.contains("<b>Korea</b> is"), "{snippet}");
    assert_eq!(hit["title_html"], "<b>South Korea</b> and the south");
    // Loose words are still highlighted wherever they are.
    let hit = &a.search("south", &[])["hits"][0];
    assert!(
        hit["snippet"]
            .as_str()
            .unwrap()
            .contains("the <b>south</b>"),
        "{hit}"
    );
}

#[test]
fn hits_sorted_by_date_keep_their_relevance_scores() {
    let a = newsroom();
    for q in ["THAAD South Korea", "interest rates", "coffee"] {
        let by_score = a.search(q, &[]);
        let by_date = a.search(q, &["--sort", "newest"]);
        let scores = |r: &serde_json::Value| {
            let mut v: Vec<(String, f64)> = r["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    (
                        h["path"].as_str().unwrap().to_string(),
                        h["score"].as_f64().unwrap(),
                    )
                })
                .collect();
            v.sort_by(|x, y| x.0.cmp(&y.0));
            v
        };
        let (want, got) = (scores(&by_score), scores(&by_date));
        assert_eq!(want.len(), got.len(), "{q}");
        for (w, g) in want.iter().zip(&got) {
            assert_eq!(w.0, g.0, "{q}");
            assert!((w.1 - g.1).abs() < 1e-3, "{q}: {want:?} vs {got:?}");
            assert!(g.1 > 0.0, "{q}: {got:?}");
        }
    }
}

/// Users type possessives and contractions; tantivy's parser would take the apostrophe for
/// an unclosed quote and fail.
#[test]
fn apostrophes_in_queries_are_words_not_syntax() {
    let a = Archive::new();
    a.article(
        "a/possessive.txt",
        "Pyongyang's missile test",
        "",
        "2017-03-01",
        "The test was condemned. Officials don't expect talks.",
    );
    a.article(
        "a/bare.txt",
        "Talks with Pyongyang",
        "",
        "2017-03-02",
        "Envoys met in Pyongyang on Monday.",
    );
    a.index_json(&[]);
    let mut both = a.titles("Pyongyang's", &[]);
    both.sort();
    assert_eq!(both, ["Pyongyang's missile test", "Talks with Pyongyang"]);
    assert_eq!(a.titles("Pyongyang\u{2019}s", &[]).len(), 2);
    assert_eq!(a.titles("don't", &[]), ["Pyongyang's missile test"]);
    // Quoted, the possessive is part of the phrase.
    assert_eq!(
        a.titles("\"Pyongyang's missile\"", &[]),
        ["Pyongyang's missile test"]
    );
    assert_eq!(
        a.titles("'Pyongyang's missile'", &[]),
        ["Pyongyang's missile test"]
    );
    assert_eq!(
        a.titles("'missile test'", &[]),
        ["Pyongyang's missile test"]
    );
}

/// The fields every output names an article by (issue 25): search and similar hits, `show`,
/// the export's rows and the cluster documents.
const ARTICLE_FIELDS: [&str; 12] = [
    "id",
    "title",
    "authors",
    "date",
    "place",
    "source",
    "url",
    "path",
    "member",
    "line",
    "record",
    "collection",
];

#[test]
fn every_output_names_an_article_by_the_same_fields() {
    let a = Archive::new();
    a.write(
        "wire.jsonl",
        concat!(
            r#"{"title": "Gold mine strike ends", "authors": ["Jo Park"], "date": "2017-03-18", "body": "Miners at the gold mine returned to work after six weeks.", "url": "https://example.com/gold", "place": "Johannesburg", "source": "Mining Weekly"}"#,
            "\n",
            r#"{"title": "Gold price steady", "authors": ["Kim Ray"], "date": "2017-03-19", "body": "The gold price held steady as miners returned to work."}"#,
            "\n"
        ),
    );
    a.index_json(&[]);
    let search = a.search("strike", &[]);
    let hit = search["hits"][0].clone();
    let id = hit["id"].as_str().unwrap().to_string();
    let show = a.run_json(&["show", &id, "--json"]);
    let other = a.search("steady", &[])["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let similar = a.run_json(&["similar", &other, "--json"]);
    let jsonl: serde_json::Value =
        serde_json::from_str(a.stdout(&["search", "strike", "--format", "jsonl"]).trim()).unwrap();
    let csv_text = a.stdout(&["search", "strike", "--format", "csv"]);
    let mut csv_rows = csv::Reader::from_reader(csv_text.as_bytes());
    let headers: Vec<String> = csv_rows
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    let record = csv_rows.records().next().unwrap().unwrap();
    let csv: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .zip(record.iter())
        .map(|(h, v)| (h.clone(), serde_json::json!(v)))
        .collect();
    let index = a.index();
    let out = a
        .cmd()
        .args([
            "export",
            "--to",
            "quickwit",
            "--index",
            index.to_str().unwrap(),
        ])
        .assert()
        .success();
    let cluster: serde_json::Value = String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|d| d["id"] == id.as_str())
        .expect("the article is exported");
    let outputs = [
        ("search --json hit", hit.clone()),
        ("similar --json hit", similar["hits"][0].clone()),
        ("show --json", show),
        ("search --format jsonl", jsonl),
        ("search --format csv", serde_json::Value::Object(csv)),
        ("export --to quickwit", cluster),
    ];
    for (name, article) in &outputs {
        for field in ARTICLE_FIELDS {
            assert!(
                article.get(field).is_some(),
                "{name} has no {field}: {article}"
            );
        }
        // The same article (similar's hit is the strike story too).
        assert_eq!(article["id"], hit["id"], "{name}");
    }
    // Search hits carry the place and source their article has.
    assert_eq!(hit["place"], "Johannesburg", "{hit}");
    assert_eq!(hit["source"], "Mining Weekly", "{hit}");
    assert_eq!(hit["collection"], "articles", "{hit}");
    assert_eq!(hit["url"], "https://example.com/gold", "{hit}");
    for (name, article) in &outputs {
        if *name != "search --format csv" {
            for field in [
                "title", "authors", "place", "source", "url", "member", "line", "record",
            ] {
                assert_eq!(article[field], hit[field], "{name}: {field}");
            }
        }
    }
}

/// The newsroom and two undated stories about rates.
fn with_undated() -> Archive {
    let a = newsroom();
    a.article(
        "undated1.txt",
        "Rates held",
        "",
        "",
        "Interest rates were held.",
    );
    a.article(
        "undated2.txt",
        "Rates cut",
        "",
        "",
        "Interest rates were cut.",
    );
    a.index_json(&[]);
    a
}

/// Three articles with both "cocoa" and "prices", five with "prices" only, dated apart so
/// that date order and relevance order differ.
fn cocoa_desk() -> Archive {
    let a = Archive::new();
    for (i, day) in ["1987-03-02", "1987-05-04", "1987-07-06"]
        .iter()
        .enumerate()
    {
        a.article(
            &format!("both{i}.txt"),
            &format!("Cocoa report {i}"),
            "",
            day,
            "Cocoa prices rose in London as growers held stock.",
        );
    }
    for (i, day) in [
        "1987-02-01",
        "1987-04-01",
        "1987-06-01",
        "1987-08-01",
        "1987-09-01",
    ]
    .iter()
    .enumerate()
    {
        a.article(
            &format!("prices{i}.txt"),
            &format!("Prices story {i}"),
            "",
            day,
            "Prices prices prices of grain and oil moved on the exchange.",
        );
    }
    a.index_json(&[]);
    a
}

#[test]
fn a_date_filter_says_how_many_undated_matches_it_left_out() {
    let a = with_undated();
    let r = a.search("rates", &["--from", "2017"]);
    assert_eq!(r["total_hits"], 1, "{r}");
    assert_eq!(r["undated_left_out"], 2, "{r}");
    assert_eq!(a.search("rates date:2016", &[])["undated_left_out"], 2);
    assert_eq!(
        a.search("rates date:[2017-01-01 TO *]", &[])["undated_left_out"],
        2
    );
    // Other filters still apply to what is counted.
    assert_eq!(
        a.search("rates", &["--to", "2017", "--author", "kim ray"])["undated_left_out"],
        0
    );
    // No date filter, or only an excluded span: nothing left out.
    assert_eq!(a.search("rates", &[])["undated_left_out"], 0);
    assert_eq!(a.search("rates -date:2016", &[])["undated_left_out"], 0);
    let text = a.stdout(&["search", "rates", "--from", "2017"]);
    assert!(
        text.contains("2 matching articles have no date and are left out by the date filter"),
        "{text}"
    );
    // A query of several words says it too, under its all-words count.
    let text = a.stdout(&["search", "interest rates", "--from", "2017"]);
    assert!(
        text.contains("2 matching articles have no date and are left out by the date filter"),
        "{text}"
    );
    let facets = a.run_json(&["facets", "rates", "--json", "--to", "2017"]);
    assert_eq!(facets["undated_left_out"], 2, "{facets}");
}

#[test]
fn undated_finds_only_the_articles_without_a_date() {
    let a = with_undated();
    let mut titles = a.titles("rates", &["--undated"]);
    titles.sort();
    assert_eq!(titles, ["Rates cut", "Rates held"]);
    assert_eq!(a.search("*", &["--undated"])["total_hits"], 2);
    assert_eq!(a.search("cut", &["--undated"])["total_hits"], 1);
    // With a date filter it could find nothing: refused with the reason.
    let out = a
        .run(&["search", "rates", "--undated", "--from", "2017"])
        .failure()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("--undated") && err.contains("--from"), "{err}");
}

/// (partial, title) of each hit of `json`.
fn tiers(json: &serde_json::Value) -> Vec<(bool, String)> {
    json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["partial"].as_bool().unwrap(),
                h["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn counts_the_articles_with_every_word_and_lists_the_rest_after_them() {
    let a = cocoa_desk();
    let r = a.search("cocoa prices", &["--limit", "20"]);
    assert_eq!(r["total_hits"], 3, "{r}");
    assert_eq!(r["partial_hits"], 5, "{r}");
    assert_eq!(r["counts"], "all words");
    let t = tiers(&r);
    assert_eq!(t.len(), 8, "{t:?}");
    assert!(
        t[..3]
            .iter()
            .all(|(p, title)| !p && title.starts_with("Cocoa")),
        "{t:?}"
    );
    assert!(t[3..].iter().all(|(p, _)| *p), "{t:?}");
    assert_eq!(r["hits"][3]["missing"], serde_json::json!(["cocoa"]));
    assert_eq!(r["hits"][0]["missing"], serde_json::json!([]));
}

#[test]
fn pages_run_across_the_counted_and_the_partial_matches() {
    let a = cocoa_desk();
    let all: Vec<String> = tiers(&a.search("cocoa prices", &["--limit", "20"]))
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let page: Vec<String> = tiers(&a.search("cocoa prices", &["--limit", "3", "--offset", "2"]))
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(page, all[2..5].to_vec());
}

#[test]
fn date_order_puts_the_counted_set_first_too() {
    let a = cocoa_desk();
    for (sort, first, partial) in [
        ("newest", "Cocoa report 2", "Prices story 4"),
        ("oldest", "Cocoa report 0", "Prices story 0"),
    ] {
        let t = tiers(&a.search("cocoa prices", &["--sort", sort, "--limit", "20"]));
        assert_eq!(t[0], (false, first.to_string()), "{sort}: {t:?}");
        assert_eq!(t[3], (true, partial.to_string()), "{sort}: {t:?}");
        let page = tiers(&a.search(
            "cocoa prices",
            &["--sort", sort, "--limit", "2", "--offset", "2"],
        ));
        assert_eq!(page, t[2..4].to_vec(), "{sort}");
    }
}

#[test]
fn or_counts_any_of_the_words() {
    let a = cocoa_desk();
    let r = a.search("cocoa OR prices", &[]);
    assert_eq!(r["total_hits"], 8, "{r}");
    assert_eq!(r["partial_hits"], 0);
    assert_eq!(r["counts"], "matches");
    let r = a.search("grain cocoa OR oil", &[]);
    assert_eq!(r["total_hits"], 5, "grain AND (cocoa OR oil): {r}");
}

#[test]
fn terminal_says_what_it_counts_and_marks_the_partial_hits() {
    let a = cocoa_desk();
    let out = a.stdout(&["search", "cocoa prices", "--limit", "20"]);
    assert!(
        out.contains("3 articles have all the words, 5 more have some of them"),
        "{out}"
    );
    assert!(
        out.contains("── 5 more have only some of the words ──"),
        "{out}"
    );
    assert!(out.contains("missing: cocoa"), "{out}");
    let divider = out.find("──").unwrap();
    assert!(!out[..divider].contains("Prices story"), "{out}");
    assert!(!out[divider..].contains("Cocoa report"), "{out}");
}

#[test]
fn with_no_article_holding_every_word_the_partial_matches_are_listed_with_a_note() {
    let a = cocoa_desk();
    let out = a
        .run(&["search", "cocoa grain"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("no article has all the words; showing articles with some of them"),
        "{out}"
    );
    assert!(out.contains("missing: grain"), "{out}");
    assert!(out.contains("missing: cocoa"), "{out}");
}

#[test]
fn facets_count_the_articles_with_every_word() {
    let a = cocoa_desk();
    let out = a.stdout(&["facets", "cocoa prices"]);
    assert!(out.starts_with("3 articles have all the words"), "{out}");
}

/// Two versions of one story (the same headline, written differently; the second re-issued
/// longer and bylined), and an unrelated story on the same subject.
fn reworked_story() -> Archive {
    let a = Archive::new();
    a.two_versions_of_one_story();
    a.article(
        "other.txt",
        "Tanker rates rise on war risk",
        "",
        "18 March 1987",
        "Freight rates for tanker charters climbed as owners priced in war risk at Kharg Island.",
    );
    a.index_json(&[]);
    a
}

#[test]
fn reworked_versions_of_a_story_fold_under_the_best_ranked_one() {
    let a = reworked_story();
    let r = a.search("missile", &[]);
    let hits = r["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{r}");
    let versions = hits[0]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1, "{r}");
    let (shown, other) = (&hits[0], &versions[0]);
    let mut paths = [
        shown["path"].as_str().unwrap().to_string(),
        other["path"].as_str().unwrap().to_string(),
    ];
    paths.sort();
    assert_eq!(
        paths,
        ["first.txt", "second.txt"].map(|p| format!("articles/{p}"))
    );
    assert!(other["id"].as_str().is_some_and(|id| !id.is_empty()), "{r}");
    assert!(other["title"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .starts_with("tanker hit"));
    assert!(
        other["date"].as_str().unwrap().starts_with("1987-03-1"),
        "{r}"
    );
    // The count is of stories as copies define them: versions are counted apart.
    assert_eq!(r["total_articles"], 2, "{r}");
}

#[test]
fn the_terminal_says_how_many_other_versions_a_hit_has_and_their_ids() {
    let a = reworked_story();
    let other = a.search("missile", &[])["hits"][0]["versions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = a.stdout(&["search", "missile"]);
    assert!(out.contains("+1 other version"), "{out}");
    assert!(out.contains("other versions: 1987-03-1"), "{out}");
    assert!(out.contains(&format!("id {other}")), "{out}");
}

#[test]
fn all_copies_lists_every_version_apart() {
    let a = reworked_story();
    let r = a.search("missile", &["--all-copies"]);
    let hits = r["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "{r}");
    assert!(
        hits.iter().all(|h| h["versions"] == serde_json::json!([])),
        "{r}"
    );
}

#[test]
fn versions_are_only_of_the_same_headline() {
    let a = reworked_story();
    let r = a.search("tanker", &[]);
    let hits = r["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "{r}");
    let rates = hits
        .iter()
        .find(|h| h["title"] == "Tanker rates rise on war risk")
        .unwrap();
    assert_eq!(rates["versions"], serde_json::json!([]), "{r}");
}

#[test]
fn a_headline_filed_again_days_later_is_a_new_story() {
    let a = Archive::new();
    for (day, amount) in [(2, "two"), (9, "three"), (16, "one and a half")] {
        a.article(
            &format!("fed{day}.txt"),
            "FED ADDS RESERVES VIA CUSTOMER REPURCHASES",
            "",
            &format!("{day} March 1987"),
            &format!(
                "The Federal Reserve entered the market on day {day} to add {amount} billion \
                 dlrs of temporary reserves, a spokesman said."
            ),
        );
    }
    a.index_json(&[]);
    let r = a.search("reserves", &[]);
    assert_eq!(r["hits"].as_array().unwrap().len(), 3, "{r}");
}

#[test]
fn a_short_headline_names_a_section_not_a_story() {
    let a = Archive::new();
    a.article(
        "a.txt",
        "Sport",
        "",
        "17 March 1987",
        "Arsenal beat Leeds two nil in the cup.",
    );
    a.article(
        "b.txt",
        "SPORT",
        "",
        "17 March 1987",
        "Rain stopped play at Lord's with England on 212.",
    );
    a.index_json(&[]);
    let r = a.search("sport", &[]);
    assert_eq!(r["hits"].as_array().unwrap().len(), 2, "{r}");
}

#[test]
fn a_headline_many_stories_share_groups_none_of_them() {
    let a = Archive::new();
    let places = [
        "Bonn", "Paris", "Tokyo", "Lagos", "Lima", "Oslo", "Cairo", "Delhi", "Quito", "Rome",
    ];
    for (i, place) in places.iter().enumerate() {
        a.article(
            &format!("w{i}.txt"),
            "World markets at a glance",
            "",
            "17 March 1987",
            &format!(
                "Shares in {place} closed {i} points firmer in thin trade as dealers in {place} \
                 waited for figure number {i}."
            ),
        );
    }
    a.index_json(&[]);
    let r = a.search("glance", &[]);
    assert_eq!(r["hits"].as_array().unwrap().len(), 10, "{r}");
}

/// The same undated story twice in `first`, reworked (as the BBC set holds some), and once
/// under the same headline in `second`.
fn undated_versions() -> Archive {
    let a = Archive::new();
    a.article(
        "first/349.txt",
        "Chancellor rallies Labour voters",
        "",
        "",
        "Gordon Brown has issued a rallying cry to supporters, warning the stakes are too high \
         to stay at home or protest vote in the next general election, at Gateshead.",
    );
    a.article(
        "first/175.txt",
        "Chancellor rallies Labour voters",
        "",
        "",
        "The chancellor told a packed spring conference that the poll expected in May offers a \
         clear and fundamental choice between investment and cuts, and attacked Oliver Letwin.",
    );
    a.article(
        "second/1.txt",
        "Chancellor rallies Labour voters",
        "",
        "",
        "Mr Brown toured marginal seats in the north west on Saturday, greeting activists in \
         Bolton and Bury before a speech on pensions in Manchester.",
    );
    a.cmd()
        .args(["index", "first", "second", "--index"])
        .arg(a.index())
        .current_dir(a.articles())
        .assert()
        .success();
    a
}

#[test]
fn undated_versions_fold_within_one_collection() {
    let a = undated_versions();
    let r = a.search("chancellor", &["--collection", "first"]);
    let hits = r["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{r}");
    assert_eq!(hits[0]["versions"].as_array().unwrap().len(), 1, "{r}");
}

#[test]
fn undated_stories_of_two_collections_are_not_versions_of_one() {
    let a = undated_versions();
    let r = a.search("chancellor", &[]);
    let hits = r["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "{r}");
    let second = hits
        .iter()
        .find(|h| h["collection"] == "second")
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(second["versions"], serde_json::json!([]), "{r}");
}
