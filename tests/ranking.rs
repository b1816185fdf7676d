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
    let searcher = dateline::index_dir::reader(&open.index).unwrap().searcher();
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

/// `topk` finds a ranked query's top k without scoring every match; it must find the very
/// articles, in the very order, that scoring every match does: with copies that tie, title
/// pairs, deleted articles, several segments, filters, and any k.
#[test]
fn pruned_top_k_is_the_top_k_of_scoring_every_match() {
    use dateline::query::parse_day_bound;
    use dateline::query::{self, Filters};
    use dateline::ranking::Ranking;
    use tantivy::collector::TopDocs;

    const WORDS: [&str; 24] = [
        "crude", "oil", "prices", "coffee", "quota", "talks", "gold", "mine", "strike", "bank",
        "rates", "trade", "deficit", "yen", "dollar", "wheat", "sugar", "tin", "steel", "ship",
        "port", "union", "tax", "bond",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut text = |n: usize| -> String {
        (0..n)
            .map(|_| WORDS[next(WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let a = Archive::new();
    let mut write = |a: &Archive, from: usize, to: usize| {
        for i in from..to {
            let (title, body) = (text(2 + i % 3), format!("{}.", text(3 + i % 18)));
            let date = format!("20{:02}-0{}-1{}", 10 + i % 9, 1 + i % 9, i % 10);
            a.article(&format!("a{i}.txt"), &title, "", &date, &body);
            // Copies of every seventh story: equal scores, told apart by address only.
            if i % 7 == 0 {
                for c in 0..3 {
                    let date = format!("20{:02}-02-0{}", 10 + c, 1 + c);
                    a.article(&format!("a{i}-copy{c}.txt"), &title, "", &date, &body);
                }
            }
        }
    };
    write(&a, 0, 300);
    a.index_json(&[]);
    // A second segment, and deleted articles in the first.
    write(&a, 300, 400);
    for i in (0..300).step_by(11) {
        std::fs::remove_file(a.articles().join(format!("a{i}.txt"))).unwrap();
    }
    a.reindex_json(&[]);

    let (mut pruned, mut fell_back) = (0, 0);
    // Searched on one thread, and on several (segments walked in parallel, each pruning by
    // its own threshold).
    for threads in [1, 3] {
        let mut open = dateline::index_dir::open(&a.index()).unwrap();
        if threads > 1 {
            open.index.set_multithread_executor(threads).unwrap();
        }
        let searcher = dateline::index_dir::reader(&open.index).unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        assert!(searcher
            .segment_readers()
            .iter()
            .any(|s| s.num_deleted_docs() > 0));
        let mut queries = Vec::new();
        for (i, x) in WORDS.iter().enumerate().take(8) {
            for (j, y) in WORDS.iter().enumerate().take(8) {
                if i != j {
                    queries.push(format!("{x} {y}"));
                    queries.push(format!("{x} {y} {}", WORDS[(i + j) % WORDS.len()]));
                }
            }
        }
        let ranged = Filters {
            from: Some(parse_day_bound("2012-01-01", "--from", false).unwrap()),
            to: Some(parse_day_bound("2015-12-31", "--to", true).unwrap()),
            ..Filters::default()
        };
        for filters in [Filters::default(), ranged] {
            for q in &queries {
                let built =
                    query::build(&open.index, &open.fields, q, &filters, &Ranking::default())
                        .unwrap();
                let prune = built
                    .prune
                    .as_ref()
                    .expect("a plain query of two or three words prunes");
                for k in [1, 5, 20, 60] {
                    let full = searcher
                        .search(&*built.query, &TopDocs::with_limit(k).order_by_score())
                        .unwrap();
                    // Articles with a title pair are scored one by one, or, when there are
                    // many, bounded: both ways are checked.
                    let one_by_one = if q.len() % 2 == 0 { 0 } else { usize::MAX };
                    let Some(top) =
                        dateline::topk::top_k_with(&searcher, prune, k, one_by_one).unwrap()
                    else {
                        fell_back += 1;
                        continue;
                    };
                    pruned += 1;
                    assert_eq!(top.len(), full.len(), "{q} k={k}");
                    for (got, want) in top.iter().zip(&full) {
                        // Articles may only trade places where their scores tie within rounding.
                        assert!(
                            (got.0 - want.0).abs() <= 1e-4 * want.0.abs().max(1.0),
                            "{q} k={k}: {top:?}\nvs {full:?}"
                        );
                        if (got.0 - want.0).abs() == 0.0 || got.1 == want.1 {
                            continue;
                        }
                        let same_score = full
                            .iter()
                            .any(|h| h.1 == got.1 && (h.0 - got.0).abs() < 1e-4);
                        assert!(same_score, "{q} k={k}: {top:?}\nvs {full:?}");
                    }
                }
            }
        }
    }
    assert!(
        pruned > 4 * fell_back,
        "pruned {pruned}, fell back {fell_back}"
    );
}

/// The proximity tier is checked on pass 1's best only; an article far down by the rest of
/// its score, lifted to the top by the tier alone, must still be found.
#[test]
fn pruned_top_k_finds_an_article_lifted_by_proximity_alone() {
    use dateline::query::{self, Filters};
    use dateline::ranking::Ranking;
    use tantivy::collector::TopDocs;

    let a = Archive::new();
    for i in 0..150 {
        let body = "Crude was quoted early and later, many hours on, oil.";
        a.article(
            &format!("apart{i:03}.txt"),
            "Markets",
            "",
            "2017-03-17",
            body,
        );
    }
    a.index_json(&[]);
    // Indexed later, so it comes after the others among equals.
    let body = "Crude oil was quoted early and later, many hours on, in a longer report today.";
    a.article("together.txt", "Markets", "", "2017-03-17", body);
    a.reindex_json(&[]);
    let open = dateline::index_dir::open(&a.index()).unwrap();
    let searcher = dateline::index_dir::reader(&open.index).unwrap().searcher();
    let r = Ranking::default();
    let built = query::build(
        &open.index,
        &open.fields,
        "crude oil",
        &Filters::default(),
        &r,
    )
    .unwrap();
    let full = searcher
        .search(&*built.query, &TopDocs::with_limit(5).order_by_score())
        .unwrap();
    // Pass 1 first takes 2k + 50 = 60 articles, all far apart and tied ahead of it.
    let top = dateline::topk::top_k(&searcher, built.prune.as_ref().unwrap(), 5)
        .unwrap()
        .expect("pruned");
    let addresses = |v: &[(f32, tantivy::DocAddress)]| v.iter().map(|h| h.1).collect::<Vec<_>>();
    assert_eq!(addresses(&top), addresses(&full));
    let doc: tantivy::TantivyDocument = searcher.doc(full[0].1).unwrap();
    let body = doc
        .get_first(open.fields.body)
        .and_then(|v| tantivy::schema::Value::as_str(&v).map(String::from));
    assert!(
        body.unwrap().starts_with("Crude oil"),
        "the adjacent pair wins"
    );
}

/// An article lacking a word scores no all-words tier, yet with the other words in its
/// title and throughout its body it can outrank articles that mention every word once in
/// a long story; pass 2 must find it, counting its title pair both ways it can.
#[test]
fn pruned_top_k_finds_an_article_lacking_a_word() {
    use dateline::query::{self, Filters};
    use dateline::ranking::Ranking;
    use tantivy::collector::TopDocs;

    let a = Archive::new();
    let filler =
        "the market report said that dealers and traders saw a quiet day in the city ".repeat(6);
    // Many articles without the words make them rare (a high idf). The weak articles have
    // all three together, in a long body: 22.1 with the tiers, between what the strong one
    // scores without its title pair (20.2) and with it (23.8).
    for i in 0..200 {
        let name = format!("filler{i:03}.txt");
        a.article(&name, "Report", "", "2017-03-17", &filler);
    }
    let long = filler.repeat(6);
    for i in 0..8 {
        let body = format!("Crude oil prices. {long}");
        a.article(&format!("weak{i}.txt"), "Markets", "", "2017-03-17", &body);
    }
    a.article(
        "strong.txt",
        "Crude oil",
        "",
        "2017-03-17",
        &"crude oil ".repeat(20),
    );
    a.index_json(&[]);
    let open = dateline::index_dir::open(&a.index()).unwrap();
    let searcher = dateline::index_dir::reader(&open.index).unwrap().searcher();
    let text = "crude oil prices";
    let built = query::build(
        &open.index,
        &open.fields,
        text,
        &Filters::default(),
        &Ranking::default(),
    )
    .unwrap();
    let full = searcher
        .search(&*built.query, &TopDocs::with_limit(5).order_by_score())
        .unwrap();
    let title = |address| {
        let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
        doc.get_first(open.fields.title)
            .and_then(|v| tantivy::schema::Value::as_str(&v).map(String::from))
            .unwrap()
    };
    assert_eq!(title(full[0].1), "Crude oil", "the fixture's premise");
    let addresses = |v: &[(f32, tantivy::DocAddress)]| v.iter().map(|h| h.1).collect::<Vec<_>>();
    for one_by_one in [0, usize::MAX] {
        let top =
            dateline::topk::top_k_with(&searcher, built.prune.as_ref().unwrap(), 5, one_by_one)
                .unwrap()
                .expect("pruned");
        assert_eq!(
            addresses(&top),
            addresses(&full),
            "one by one up to {one_by_one}"
        );
    }
}
