//! End-to-end tests of ranking: all words first, words together next, recall kept.

mod common;

use common::Archive;

#[test]
fn articles_with_all_the_words_come_first_and_some_words_still_follow() {
    let a = Archive::new();
    a.article(
        "all.txt",
        "Defence news",
        "",
        "2017-03-17",
        &format!(
            "{} The THAAD battery is now in South Korea after weeks of talks. {}",
            "Long background paragraph about many things. ".repeat(20),
            "More background about the region and its politics. ".repeat(20)
        ),
    );
    a.article(
        "some.txt",
        "South south south",
        "",
        "2017-03-18",
        "South. South. South wind.",
    );
    a.article("other.txt", "Korea", "", "2017-03-19", "Korea Korea Korea.");
    a.index_json(&[]);
    let titles = a.titles("THAAD South Korea", &[]);
    assert_eq!(titles[0], "Defence news", "{titles:?}");
    assert_eq!(titles.len(), 3, "{titles:?}");
}

#[test]
fn words_standing_together_rank_higher() {
    let a = Archive::new();
    a.article(
        "apart.txt",
        "Report one",
        "",
        "2017-03-17",
        "Interest grew strongly all year while rates fell.",
    );
    a.article(
        "together.txt",
        "Report two",
        "",
        "2017-03-17",
        "The central bank kept interest rates unchanged, traders said, and the new bond sold well \
         after a long day of trading in the city, with dealers busy until late in the evening.",
    );
    a.index_json(&[]);
    assert_eq!(a.titles("interest rates", &[])[0], "Report two");
}

#[test]
fn queries_with_syntax_are_taken_as_written() {
    let a = Archive::new();
    a.article("x.txt", "Coffee", "", "2017-03-17", "coffee quota");
    a.article("y.txt", "Tea", "", "2017-03-17", "tea quota");
    a.index_json(&[]);
    assert_eq!(a.titles("+coffee quota", &[]), ["Coffee"]);
    assert_eq!(a.titles("coffee OR tea", &[]).len(), 2);
}

/// The ranking query nests the proximity phrase under the all-words conjunction and folds
/// the tier into it, for speed; every article must still score exactly what the flat sum of
/// the clauses gives.
#[test]
fn nested_ranking_scores_like_the_flat_sum_of_its_clauses() {
    use dateline::query::{self, query_parser, Filters};
    use dateline::ranking::Ranking;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query};

    let a = Archive::new();
    let bodies = [
        "Crude oil prices rose as crude stocks fell and oil traders bought.",
        "Oil prices fell. Crude was cheap.",
        "Prices of crude rose; oil was flat.",
        "Oil oil oil and prices.",
        "Crude talk only.",
    ];
    for (i, body) in bodies.iter().enumerate() {
        let title = if i == 2 {
            "Crude oil prices"
        } else {
            "Markets"
        };
        a.article(&format!("a{i}.txt"), title, "", "2017-03-17", body);
    }
    a.index_json(&[]);
    let open = dateline::index_dir::open(&a.index()).unwrap();
    let searcher = dateline::indexer::reader(&open.index).unwrap().searcher();
    let r = Ranking::default();
    for text in ["crude oil prices", "oil prices", "crude oil"] {
        let parser = query_parser(&open.index, &open.fields, r.title_boost);
        let mut conj = query_parser(&open.index, &open.fields, r.title_boost);
        conj.set_conjunction_by_default();
        let words: Vec<&str> = text.split_whitespace().collect();
        let phrase = |ws: &[&str], slop: u32| {
            let w = ws.join(" ");
            parser
                .parse_query(&format!("title:\"{w}\"~{slop} body:\"{w}\"~{slop}"))
                .unwrap()
        };
        let all = conj.parse_query(text).unwrap();
        let mut flat: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Should, parser.parse_query(text).unwrap()),
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(all.box_clone(), r.all_words_tier)),
            ),
            (
                Occur::Should,
                Box::new(BoostQuery::new(all, r.all_words_boost)),
            ),
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(
                    phrase(&words, r.proximity_slop),
                    r.proximity_tier,
                )),
            ),
        ];
        if words.len() >= 3 {
            for pair in words.windows(2) {
                let title_pair = parser
                    .parse_query(&format!("title:\"{}\"", pair.join(" ")))
                    .unwrap();
                flat.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(title_pair, r.pair_boost)),
                ));
            }
        }
        let flat = BooleanQuery::new(flat);
        let built = query::build(&open.index, &open.fields, text, &Filters::default(), &r).unwrap();
        let top = |q: &dyn Query| {
            let mut v: Vec<(u32, f32)> = searcher
                .search(q, &TopDocs::with_limit(10).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(s, d)| (d.doc_id, s))
                .collect();
            v.sort_by_key(|x| x.0);
            v
        };
        let (want, got) = (top(&flat), top(&*built.query));
        assert_eq!(want.len(), got.len(), "{text}");
        for (w, g) in want.iter().zip(&got) {
            assert_eq!(w.0, g.0, "{text}");
            assert!((w.1 - g.1).abs() < 1e-3, "{text}: {want:?} vs {got:?}");
        }
    }
}
