//! Queries and paging as a hostile user would try them: nothing crashes, hangs or
//! leaks internal error text, and paging over folded copies stays exact.

mod common;

use std::sync::mpsc::RecvTimeoutError;
use std::sync::OnceLock;
use std::time::Duration;

use common::Archive;
use proptest::prelude::*;

const STORY: &str = "The International Cocoa Organization council agreed on buffer stock \
    rules after two weeks of talks in London, delegates said, ending a long dispute between \
    producers and consumers over prices for the coming season.";

/// A few dated articles about cocoa and coffee, indexed.
fn small_archive() -> Archive {
    let a = Archive::new();
    a.article(
        "cocoa1.txt",
        "Cocoa talks end",
        "Ann Lee",
        "17 March 1987",
        STORY,
    );
    a.article(
        "cocoa2.txt",
        "Cocoa buffer stock",
        "Bo Chan",
        "2 April 1987",
        "Cocoa producers met again in Accra to discuss the buffer stock and the prices paid \
         to farmers across West Africa this season, officials said.",
    );
    a.article(
        "coffee.txt",
        "Coffee quotas",
        "Ann Lee",
        "20 March 1987",
        "Coffee producers argued about export quotas and the coffee market in Brazil for \
         hours on end, and no deal was reached, a spokesman said.",
    );
    a.index_json(&[]);
    a
}

/// Runs `dateline ARGS... --index IDX` and returns stderr of a failure.
fn error_of(a: &Archive, args: &[&str]) -> String {
    let out = a.run(args).failure().get_output().stderr.clone();
    String::from_utf8_lossy(&out).into_owned()
}

fn assert_one_line(err: &str) {
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "{err}"
    );
}

// Deeply nested brackets.

#[test]
fn thousands_of_brackets_are_refused_in_one_line_by_every_command() {
    let a = small_archive();
    let query = format!("{}x", "(".repeat(7000));
    for command in ["search", "facets", "timeline"] {
        let err = error_of(&a, &[command, &query]);
        assert_one_line(&err);
        assert!(
            err.contains("brackets") && err.contains("at most 32"),
            "{command}: {err}"
        );
    }
}

#[test]
fn nesting_within_the_limit_still_searches() {
    let a = small_archive();
    let query = format!("{}cocoa{}", "(".repeat(20), ")".repeat(20));
    assert_eq!(a.search(&query, &[])["total_hits"], 2);
}

#[test]
fn an_overlong_query_is_refused_in_one_line() {
    let a = small_archive();
    let query = "cocoa ".repeat(1000);
    let err = error_of(&a, &["search", &query]);
    assert_one_line(&err);
    assert!(err.contains("too long") && err.contains("at most"), "{err}");
}

#[test]
fn a_query_of_2000_characters_is_searched_and_one_more_is_refused() {
    // The one limit the server takes too (tests/serve_api.rs).
    let a = small_archive();
    let query = format!("{}xy", "cocoa ".repeat(333));
    assert_eq!(query.chars().count(), 2000);
    // No article has "xy": the two with "cocoa" are listed as partial matches.
    let r = a.search(&query, &[]);
    assert_eq!(
        (&r["total_hits"], &r["partial_hits"]),
        (&0.into(), &2.into()),
        "{r}"
    );
    let err = error_of(&a, &["search", &format!("{query}z")]);
    assert!(err.contains("at most 2000"), "{err}");
}

/// The small archive, opened once for the property tests.
fn opened() -> &'static (Archive, dateline::index_dir::OpenIndex) {
    static OPEN: OnceLock<(Archive, dateline::index_dir::OpenIndex)> = OnceLock::new();
    OPEN.get_or_init(|| {
        let a = small_archive();
        let open = dateline::index_dir::open_for_search(&a.index()).expect("opens");
        (a, open)
    })
}

/// Runs `query` through query building and the whole search, as `dateline search` does;
/// an error is fine, a panic or a hang is not. A search here takes milliseconds; the watchdog
/// only tells a hang from slowness, so it is far beyond what any machine needs.
fn search_quickly(query: &str) -> Result<(), TestCaseError> {
    let (done, finished) = std::sync::mpsc::channel();
    let owned = query.to_string();
    std::thread::spawn(move || {
        search(&owned);
        let _ = done.send(());
    });
    match finished.recv_timeout(HANG) {
        Ok(()) => Ok(()),
        Err(RecvTimeoutError::Disconnected) => {
            Err(TestCaseError::fail(format!("panicked: {query:?}")))
        }
        Err(RecvTimeoutError::Timeout) => Err(TestCaseError::fail(format!(
            "still running after {HANG:?}: {query:?}"
        ))),
    }
}

/// How long a search may run before it counts as hung.
const HANG: Duration = Duration::from_secs(60);

fn search(query: &str) {
    let (_, open) = opened();
    let request = dateline::search::Request {
        query: query.to_string(),
        ..Default::default()
    };
    let built = dateline::query::build(
        &open.index,
        &open.fields,
        query,
        &request.filters,
        &request.ranking,
    );
    if built.is_ok() {
        let searcher = dateline::index_dir::reader(&open.index)
            .expect("reader")
            .searcher();
        let _ = dateline::search::search(&searcher, open, &request);
    }
}

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "(", ")", "\"", "'", ":", "+", "-", "*", "~", "~2", "^", "^2", "[", "]", "{", "}", " TO ",
        " AND ", " OR ", " NOT ", " IN ", "date:", "title:", "author:", "place:", "x", "cocoa",
        "coc", "1987", "1987-03", ">=", "<", "\\", " ", " ", "é", "日本", "\u{0}", "ß", "/",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_query_crashes_panics_or_hangs(tokens in prop::collection::vec(token(), 0..80)) {
        search_quickly(&tokens.concat())?;
    }

    #[test]
    fn no_long_or_deep_query_does_either(
        open in prop::sample::select(vec!["(", "((", "(\"", "(-", "(a:", "(x OR ", "'(", "\\("]),
        depth in 0usize..5000,
        close in any::<bool>(),
    ) {
        let mut query = open.repeat(depth);
        query.push_str("cocoa");
        if close {
            query.push_str(&")".repeat(depth));
        }
        search_quickly(&query)?;
    }
}

// Copy folding and paging.

/// `stories` distinct stories about cocoa, each filed `copies` times (on different days).
fn copied_archive(stories: usize, copies: usize) -> Archive {
    let a = Archive::new();
    for s in 0..stories {
        let words: Vec<String> = (0..24).map(|w| format!("w{s}x{w}")).collect();
        let body = format!("Cocoa news number {s}: {}.", words.join(" "));
        for c in 0..copies {
            a.article(
                &format!("s{s:02}/copy{c:02}.txt"),
                &format!("Cocoa story {s}"),
                "",
                &format!("{} March 1987", 1 + c % 28),
                &body,
            );
        }
    }
    // One indexing thread: copies score alike, and ties are broken by where the documents
    // landed, which two threads make vary from run to run.
    a.index_json(&["--threads", "1"]);
    a
}

fn story_of(hit: &serde_json::Value) -> String {
    hit["title"].as_str().unwrap().to_string()
}

#[test]
fn every_page_is_full_when_every_story_has_ten_copies() {
    let a = copied_archive(15, 10);
    let first = a.search("cocoa", &["--limit", "10"]);
    let hits = first["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 10, "{first}");
    // Copies are gathered among the ranked matches read for the page; with every copy
    // scoring alike, which of them those are depends on how ties fall.
    assert!(
        hits.iter()
            .all(|h| !h["copies"].as_array().unwrap().is_empty()),
        "{first:#}"
    );
    assert_eq!(first["total_hits"], 15);
    assert_eq!(first["total_articles"], 150);
    let second = a.search("cocoa", &["--limit", "10", "--offset", "10"]);
    assert_eq!(second["hits"].as_array().unwrap().len(), 5, "{second}");
    assert_eq!(second["hits"][0]["rank"], 11);
    let mut seen: Vec<String> = hits.iter().map(story_of).collect();
    seen.extend(second["hits"].as_array().unwrap().iter().map(story_of));
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 15, "each story once over the pages: {seen:?}");
}

#[test]
fn sixty_two_copies_still_fill_pages_and_count_stories() {
    let a = copied_archive(5, 62);
    assert_eq!(a.titles("cocoa", &["--limit", "3"]).len(), 3);
    let page = a.search("cocoa", &["--limit", "3", "--offset", "1"]);
    assert_eq!(page["hits"].as_array().unwrap().len(), 3, "{page}");
    assert_eq!(page["total_hits"], 5);
    let out = a
        .run(&["search", "cocoa", "--limit", "3", "--offset", "1"])
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("5 stories (310 articles with copies)") && out.contains("shown 2–4"),
        "{out}"
    );
    // Past the last story, said so.
    let past = a.search("cocoa", &["--offset", "5"]);
    assert_eq!(past["hits"].as_array().unwrap().len(), 0);
    assert_eq!(past["total_hits"], 5);
}

#[test]
fn all_copies_counts_and_pages_articles() {
    let a = copied_archive(3, 10);
    let r = a.search(
        "cocoa",
        &["--all-copies", "--limit", "10", "--offset", "25"],
    );
    assert_eq!(r["total_hits"], 30);
    assert_eq!(r["total_articles"], 30);
    assert_eq!(r["hits"].as_array().unwrap().len(), 5);
}

#[test]
fn stories_are_counted_past_the_page_window() {
    // 40 stories of 10 copies: the first page sees only a few of the 400 articles, so the
    // count of stories comes from every match.
    let a = copied_archive(40, 10);
    let r = a.search("cocoa", &["--limit", "2"]);
    assert_eq!(r["total_hits"], 40);
    assert_eq!(r["total_articles"], 400);
    let by_date = a.search("cocoa", &["--limit", "2", "--sort", "newest"]);
    assert_eq!(by_date["total_hits"], 40);
    assert_eq!(by_date["hits"].as_array().unwrap().len(), 2);
}

// Date clauses combined with operators.

fn total(a: &Archive, query: &str) -> u64 {
    a.search(query, &[])["total_hits"].as_u64().unwrap()
}

#[test]
fn date_clauses_combine_with_and_or_not_and_brackets() {
    let a = small_archive();
    assert_eq!(a.titles("cocoa AND date:1987-03", &[]), ["Cocoa talks end"]);
    assert_eq!(
        a.titles("cocoa AND NOT date:1987-03", &[]),
        ["Cocoa buffer stock"]
    );
    assert_eq!(total(&a, "(cocoa OR coffee) AND date:1987-03"), 2);
    assert_eq!(
        total(&a, "(cocoa date:1987-04) OR (coffee date:1987-03)"),
        2
    );
    assert_eq!(total(&a, "date:1987-04 OR date:1987-03"), 3);
    assert_eq!(total(&a, "cocoa AND date:[1987-03-01 TO 1987-03-31]"), 1);
    assert_eq!(total(&a, "+cocoa +date:>=1987-04"), 1);
    assert_eq!(total(&a, "cocoa OR (coffee AND date:1987-04)"), 2);
}

#[test]
fn date_clauses_in_the_structure_only_filter() {
    let a = small_archive();
    let score = |query: &str| a.search(query, &[])["hits"][0]["score"].as_f64().unwrap();
    let alone = score("title:talks");
    assert!(alone > 0.0);
    assert_eq!(score("title:talks AND date:1987-03"), alone);
    assert_eq!(score("(title:talks date:1987) OR title:nothing"), alone);
    assert_eq!(score("title:talks AND -date:1987-04"), alone);
}

// Clear messages, or the feature, instead of leaked errors and silent nothing.

#[test]
fn limit_zero_is_refused_with_what_to_do() {
    let a = small_archive();
    let err = error_of(&a, &["search", "cocoa", "--limit", "0"]);
    assert_one_line(&err);
    assert!(
        err.contains("--limit 0") && err.contains("--limit 1") && !err.contains("past the last"),
        "{err}"
    );
}

#[test]
fn from_after_to_is_refused_by_every_command() {
    let a = small_archive();
    for command in ["search", "facets", "timeline"] {
        let err = error_of(
            &a,
            &[command, "cocoa", "--from", "1987-04", "--to", "1987-03"],
        );
        assert_one_line(&err);
        assert!(
            err.contains("--from 1987-04-01 is after --to 1987-03-31") && err.contains("swap"),
            "{command}: {err}"
        );
    }
}

#[test]
fn a_reversed_date_range_in_the_query_is_refused() {
    let a = small_archive();
    let err = error_of(&a, &["search", "cocoa date:[1987-04 TO 1987-03]"]);
    assert_one_line(&err);
    assert!(
        err.contains("selects no day") && err.contains("earlier date first"),
        "{err}"
    );
}

#[test]
fn not_alone_finds_every_article_without_the_word() {
    let a = small_archive();
    assert_eq!(a.titles("NOT cocoa", &[]), ["Coffee quotas"]);
    assert_eq!(a.titles("-cocoa", &[]), ["Coffee quotas"]);
    assert_eq!(total(&a, "NOT cocoa AND NOT coffee"), 0);
}

#[test]
fn a_range_without_a_field_says_ranges_are_for_dates() {
    let a = small_archive();
    for query in ["[1 TO 2]", "title:[a TO b]"] {
        let err = error_of(&a, &["search", query]);
        assert_one_line(&err);
        assert!(
            err.contains("date:[2017-03-01 TO 2017-03-31]") && !err.contains("Unsupported"),
            "{query}: {err}"
        );
    }
}

#[test]
fn a_trailing_star_searches_a_prefix() {
    let a = small_archive();
    assert_eq!(total(&a, "coc*"), 2);
    assert_eq!(total(&a, "title:cof*"), 1);
    assert_eq!(total(&a, "coc* AND date:1987-04"), 1);
    for (query, says) in [("c*", "at least 2 letters"), ("*coa", "end of a word")] {
        let err = error_of(&a, &["search", query]);
        assert_one_line(&err);
        assert!(err.contains(says), "{query}: {err}");
    }
}

#[test]
fn a_tilde_allows_spelling_differences() {
    let a = small_archive();
    assert_eq!(total(&a, "cocoa~2"), 2);
    assert_eq!(total(&a, "cocao~1"), 2);
    assert_eq!(total(&a, "cocao"), 0);
    let err = error_of(&a, &["search", "cocoa~3"]);
    assert_one_line(&err);
    assert!(err.contains("~1 or ~2"), "{err}");
}

#[test]
fn stories_among_very_many_matches_are_estimated_and_said_to_be() {
    // 6,000 articles, more than are counted one by one: the count of stories is estimated
    // from the ranked window, flagged in JSON and prefixed with "about" for people.
    let a = copied_archive(1500, 4);
    let r = a.search("cocoa", &["--limit", "10"]);
    assert_eq!(r["total_articles"], 6000);
    assert_eq!(r["total_is_estimate"], true, "{r}");
    let stories = r["total_hits"].as_u64().unwrap();
    // 1,500 in truth; the window is ranked, not random, so the estimate is rough.
    assert!((750..=3000).contains(&stories), "{stories}");
    assert_eq!(r["hits"].as_array().unwrap().len(), 10);
    let exact = a.search("cocoa", &["--limit", "10", "--all-copies"]);
    assert_eq!(exact["total_hits"], 6000);
    assert_eq!(exact["total_is_estimate"], false);
    let out = a.run(&["search", "cocoa"]).success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("about "), "{text}");
}

/// A date range open at both ends is every dated article; it used to build its lower bound
/// from the year 1, whose nanoseconds overflow (a panic in a debug build).
#[test]
fn a_date_range_open_at_both_ends_finds_every_dated_article() {
    let a = small_archive();
    a.article(
        "undated.txt",
        "Cocoa undated",
        "",
        "",
        "Cocoa without a date.",
    );
    a.index_json(&[]);
    let all = a.search("*", &[])["total_hits"].as_u64().unwrap();
    let r = a.search("date:[* TO *]", &[]);
    assert_eq!(r["total_hits"], all - 1, "{r}");
    assert_eq!(r["undated_left_out"], 1, "{r}");
    let r = a.search("cocoa date:[* TO *]", &[]);
    assert_eq!(r["total_hits"], 2, "{r}");
    assert_eq!(r["undated_left_out"], 1, "{r}");
    // Inside an operator it is a clause like any other.
    assert_eq!(a.search("cocoa OR date:[* TO *]", &[])["total_hits"], all);
}
