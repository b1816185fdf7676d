//! End-to-end tests of `dateline terms`: the words that characterise a query's matches.

mod common;

use common::Archive;
use serde_json::Value;

/// Eight cocoa stories that share their own words (ICCO, buffer stock, Ivory Coast,
/// delegates), six coffee stories that share Ivory Coast but not the others, and twenty
/// market reports; every story says "prices" and "market", and the stop words.
fn commodities() -> Archive {
    let a = Archive::new();
    let sentences = [
        "ICCO delegates met in London on Monday.",
        "Delegates said the ICCO council would meet again.",
        "The buffer stock manager bought cocoa for the first time.",
        "Producers such as Ghana and the Ivory Coast want a higher price.",
        "Growers in the Ivory Coast sold beans to the buffer stock.",
        "Ghana, a big grower, said little.",
    ];
    for i in 0..8 {
        // Each story tells it in its own way: the same words in different company.
        let story: Vec<&str> = [
            sentences[i % 2],
            sentences[2 + i % 2],
            sentences[4 + (i / 2) % 2],
        ]
        .to_vec();
        a.article(
            &format!("cocoa/{i}.txt"),
            &format!("Cocoa talks {i}"),
            "",
            &format!("{} March 1987", i + 1),
            &format!(
                "LONDON - {} Market prices were steady in 1987, the cocoa traders said. \
                 Session {i}.",
                story.join(" ")
            ),
        );
    }
    for i in 0..6 {
        a.article(
            &format!("coffee/{i}.txt"),
            &format!("Coffee exports {i}"),
            "",
            &format!("{} April 1987", i + 1),
            &format!(
                "NAIROBI - Coffee growers in the Ivory Coast and Kenya said market prices \
                 for robusta beans fell. Roasters bought less. Week {i}."
            ),
        );
    }
    for i in 0..20 {
        a.article(
            &format!("market/{i}.txt"),
            &format!("Market report {i}"),
            "",
            &format!("{} May 1987", i + 1),
            &format!(
                "NEW YORK - Share prices rose in a busy market, and the dollar was firm against \
                 the yen, traders said. Bonds were quiet. Day {i}."
            ),
        );
    }
    a.index_json(&[]);
    a
}

fn terms_json(a: &Archive, args: &[&str]) -> Value {
    let mut all = vec!["terms"];
    all.extend_from_slice(args);
    all.push("--json");
    a.run_json(&all)
}

fn list(v: &Value, name: &str) -> Vec<String> {
    v[name]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn distinctive_terms_are_the_stories_own_words() {
    let a = commodities();
    let v = terms_json(&a, &["cocoa"]);
    let distinctive = list(&v, "distinctive");
    for expected in ["ICCO", "buffer stock", "Ivory Coast", "delegates", "Ghana"] {
        assert!(
            distinctive.contains(&expected.to_string()),
            "{expected} missing from {distinctive:?}"
        );
    }
    // In every story, so in no way distinctive.
    for common in ["prices", "market", "Market"] {
        assert!(
            !distinctive.contains(&common.to_string()),
            "{distinctive:?}"
        );
    }
    // The phrase stands for "buffer" and "Ivory", which are not listed again alone.
    for absorbed in ["buffer", "Ivory", "Coast"] {
        assert!(
            !distinctive.contains(&absorbed.to_string()),
            "{distinctive:?}"
        );
    }
}

#[test]
fn terms_are_shown_as_written_not_as_stems() {
    let a = commodities();
    let v = terms_json(&a, &["cocoa"]);
    let all: Vec<String> = [list(&v, "frequent"), list(&v, "distinctive")].concat();
    assert!(all.contains(&"Ivory Coast".to_string()), "{all:?}");
    assert!(all.contains(&"delegates".to_string()), "{all:?}");
    for stem in ["ivori coast", "ivori", "deleg", "icco"] {
        assert!(!all.contains(&stem.to_string()), "{stem} in {all:?}");
    }
}

#[test]
fn stop_words_numbers_and_the_querys_own_words_are_left_out() {
    let a = commodities();
    let v = terms_json(&a, &["cocoa delegates", "--limit", "100"]);
    let all: Vec<String> = [list(&v, "frequent"), list(&v, "distinctive")].concat();
    assert!(!all.is_empty());
    for word in all.iter().flat_map(|t| t.split([' ', '-'])) {
        let lower = word.to_lowercase();
        assert!(
            ![
                "the",
                "and",
                "from",
                "said",
                "would",
                "were",
                "in",
                "as",
                "cocoa",
                "delegates",
                "1987"
            ]
            .contains(&lower.as_str()),
            "{word} in {all:?}"
        );
        assert!(word.chars().count() > 1, "{word} in {all:?}");
    }
}

#[test]
fn frequent_terms_count_matching_articles() {
    let a = commodities();
    let v = terms_json(&a, &["cocoa"]);
    let frequent = v["frequent"].as_array().unwrap();
    let count = |term: &str| {
        frequent
            .iter()
            .find(|t| t["term"] == term)
            .map(|t| t["count"].as_u64().unwrap())
    };
    // In all eight cocoa stories, however often each says it.
    assert_eq!(count("ICCO"), Some(8));
    assert_eq!(count("buffer stock"), Some(6));
}

#[test]
fn versus_compares_with_another_querys_matches() {
    let a = commodities();
    let v = terms_json(&a, &["cocoa", "--versus", "coffee"]);
    assert_eq!(v["versus"], "coffee");
    assert_eq!(v["background_articles"], 6);
    let distinctive = list(&v, "distinctive");
    assert!(distinctive.contains(&"ICCO".to_string()), "{distinctive:?}");
    // The coffee stories name the Ivory Coast too: not what sets cocoa apart from them.
    assert!(
        !distinctive.contains(&"Ivory Coast".to_string()),
        "{distinctive:?}"
    );
    // Against the whole archive, it does.
    let whole = list(&terms_json(&a, &["cocoa"]), "distinctive");
    assert!(whole.contains(&"Ivory Coast".to_string()), "{whole:?}");
}

#[test]
fn json_has_the_documented_shape() {
    let a = commodities();
    let v = terms_json(&a, &["cocoa", "--limit", "3"]);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for key in ["query", "matches", "sampled", "frequent", "distinctive"] {
        assert!(keys.contains(&key), "{keys:?}");
    }
    assert_eq!(v["query"], "cocoa");
    assert_eq!(v["matches"], 8);
    assert_eq!(v["sampled"], false);
    assert_eq!(v["sample"], 8);
    assert_eq!(v["background_articles"], 26);
    assert_eq!(v["frequent"].as_array().unwrap().len(), 3);
    assert_eq!(v["distinctive"].as_array().unwrap().len(), 3);
    for t in v["frequent"].as_array().unwrap() {
        assert!(t["term"].is_string() && t["count"].is_u64(), "{t}");
    }
    for t in v["distinctive"].as_array().unwrap() {
        assert!(t["term"].is_string(), "{t}");
        assert!(t["score"].as_f64().unwrap() > 0.0, "{t}");
        assert!(t["matches"].as_u64().unwrap() >= 3, "{t}");
        assert!(t["background"].is_u64(), "{t}");
    }
    // Ranked best first.
    let scores: Vec<f64> = v["distinctive"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn people_get_two_lists_with_counts() {
    let a = commodities();
    let out = a.stdout(&["terms", "cocoa", "--limit", "5"]);
    assert!(
        out.starts_with("8 matching articles, every one read\n"),
        "{out}"
    );
    assert!(out.contains("log-likelihood (G²)"), "{out}");
    assert!(out.contains("FREQUENT"), "{out}");
    assert!(out.contains("DISTINCTIVE"), "{out}");
    let row = out.lines().find(|l| l.starts_with("ICCO ")).unwrap();
    assert!(row.contains(" 8 "), "{row}");
    // A header, the two lines above it and a blank one, then five rows.
    assert_eq!(out.lines().count(), 4 + 5, "{out}");
}

#[test]
fn filters_narrow_the_matches() {
    let a = commodities();
    let v = terms_json(&a, &["cocoa", "--to", "1987-03-03"]);
    assert_eq!(v["matches"], 3);
}

#[test]
fn no_matches_is_an_empty_answer_and_exit_1() {
    let a = commodities();
    let out = a
        .run(&["terms", "zinc", "--json"])
        .code(1)
        .get_output()
        .clone();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["matches"], 0);
    assert_eq!(v["frequent"], Value::Array(vec![]));
    assert_eq!(v["distinctive"], Value::Array(vec![]));
    a.run(&["terms", "zinc"])
        .code(1)
        .stdout("no articles match\n");
}

#[test]
fn a_bad_query_is_one_line_and_exit_2() {
    let a = commodities();
    for args in [
        &["terms", "cocoa title:*"][..],
        &["terms", "cocoa", "--versus", "coffee date:yesterday"][..],
    ] {
        let out = a.run(args).code(2).get_output().clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("dateline: "), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty());
    }
}
